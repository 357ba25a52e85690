"""Board and programme reports: HTML pages and PDF downloads. Thin: reads in board/network."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from imroc.accounts.personal_data import personal_data
from imroc.programme.access import ProgrammeAccess, SiteAccess, programme_view, site_view
from imroc.reports import pdf, services
from imroc.reports.board import build_board
from imroc.reports.forms import period_form
from imroc.reports.network import build_network


@dataclass(frozen=True)
class IndexLink:
    """A link on the reports index to another site page that takes data away, for those allowed."""

    text: str  # pass gettext_lazy text, so the index shows it in the reader's language
    url_name: str  # a route taking only ``site``
    needed: SiteAccess = SiteAccess.VIEW
    hint: str = ""


# Other kinds of report or export add theirs with add_index_link (for example in a module
# imported by their urls.py); the index shows each to people with the access it needs.
INDEX_LINKS: list[IndexLink] = [
    IndexLink(
        _("Export the site's data"),
        "exports:home",
        SiteAccess.MANAGE,
        _("Every record as spreadsheets, and questionnaire answers as FHIR (site leads)."),
    ),
]


def add_index_link(link: IndexLink) -> None:
    if link not in INDEX_LINKS:
        INDEX_LINKS.append(link)


def _index(request, form, status=200):
    links = [link for link in INDEX_LINKS if request.site_access >= link.needed]
    return render(
        request,
        "reports/index.html",
        {"site": request.site, "form": form, "period": form.chosen_period(), "links": links},
        status=status,
    )


@site_view(SiteAccess.VIEW)
def index(request):
    form = period_form(request.GET, request.site)
    return _index(request, form, status=200 if form.chosen_period() else 400)


@site_view(SiteAccess.VIEW)
@personal_data()
def board_html(request):
    form = period_form(request.GET, request.site)
    period = form.chosen_period()
    if period is None:
        return _index(request, form, status=400)
    report = build_board(request.site, period, request)
    return render(
        request, "reports/board.html", {"site": request.site, "report": report, "form": form}
    )


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@site_view(SiteAccess.VIEW)
@personal_data(download=True)
def board_pdf(request):
    form = period_form(request.GET, request.site)
    period = form.chosen_period()
    if period is None:
        return _index(request, form, status=400)
    site = request.site
    report = build_board(site, period, request)
    content = pdf.render_pdf("reports/board_pdf.html", {"site": site, "report": report})
    services.record_board_download(request.user, site, period)
    return _pdf_response(content, f"board-report-{site.slug}-{period.start}-to-{period.end}.pdf")


@programme_view(ProgrammeAccess.VIEW)
def network_html(request):
    return render(request, "reports/network.html", build_network(request.programme, request))


@programme_view(ProgrammeAccess.VIEW)
def network_pdf(request):
    programme = request.programme
    content = pdf.render_pdf("reports/network_pdf.html", build_network(programme, request))
    services.record_programme_download(request.user, programme)
    return _pdf_response(content, f"network-report-{slugify(programme.name)}.pdf")
