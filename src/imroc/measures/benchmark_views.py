"""Benchmark pages: the programme team's, with every name, and each site's, anonymised."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from imroc.core import tables
from imroc.framework import queries as framework_queries
from imroc.measures import benchmarks
from imroc.measures.tables import benchmark_table
from imroc.programme import services as programme_services
from imroc.programme.access import SiteAccess, programme_view, site_view


def _context(request, programme, viewer):
    shared = list(benchmarks.shared_proportion_measures(programme))
    chosen = next(
        (m for m in shared if str(m.public_id) == request.GET.get("measure")),
        shared[0] if shared else None,
    )
    years = benchmarks.benchmark_years(chosen) if chosen else []
    asked = request.GET.get("year", "")
    available = [y for y, _ in years]
    year = (
        int(asked)
        if len(asked) <= 4 and asked.isascii() and asked.isdigit() and int(asked) in available
        else benchmarks.default_year(years)
    )
    challenges = list(framework_queries.current_challenges(programme.framework_key))
    return {
        "shared": shared,
        "chosen": chosen,
        "years": years,
        "year": year,
        "funnel": benchmarks.funnel_benchmark(chosen, year, viewer) if chosen and year else None,
        "challenges": challenges,
        "stages": benchmarks.stage_comparison(programme, challenges, viewer),
    }


@programme_view()
def programme_benchmarks(request):
    if tables.wants_export(request):
        return tables.export(request, benchmark_table(request, _context(request, request.programme, None)))  # fmt: skip
    return render(
        request,
        "measures/benchmarks.html",
        {**_context(request, request.programme, None), "site": None},
    )


@site_view()
@require_http_methods(["GET", "POST"])
def site_benchmarks(request):
    site = request.site
    if request.method == "POST":
        if request.site_access < SiteAccess.MANAGE:
            raise PermissionDenied
        named = request.POST.get("named") == "yes"
        programme_services.set_benchmark_naming(site, named=named, actor=request.user)
        messages.success(
            request,
            _("Other sites now see your site's name in benchmarks.")
            if named
            else _("Other sites now see your site as an anonymous label."),
        )
        return redirect("measures:benchmarks", site=site.slug)
    if tables.wants_export(request):
        return tables.export(request, benchmark_table(request, _context(request, site.programme, site)))  # fmt: skip
    return render(request, "measures/benchmarks.html", {
        **_context(request, site.programme, site), "site": site, "can_manage": request.site_access >= SiteAccess.MANAGE,
    })  # fmt: skip
