"""The site's export page, the whole-site ZIP and the FHIR bundle. Site leads only."""

from __future__ import annotations

import json

from django.http import HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from imroc.accounts.personal_data import personal_data
from imroc.programme.access import SiteAccess, site_view
from imroc.reports.exports import services
from imroc.reports.exports.profiles import HASH_LENGTH, MAX_SHIFT_DAYS, PROFILES, Profile
from imroc.reports.exports.site_data import site_tables


@site_view(SiteAccess.MANAGE)
@require_GET
def exports_home(request):
    site = request.site
    return render(request, "reports/exports/home.html", {
        "site": site, "section": "exports", "tables": [t.name for t in site_tables()],
        # The page says in words (and in the reader's language) what the manifest's English
        # "profile" block says: the same limits, from the same constants.
        "hash_length": HASH_LENGTH, "max_shift": MAX_SHIFT_DAYS,
        "threshold": Profile("deidentified").threshold,
    })  # fmt: skip


@site_view(SiteAccess.MANAGE)
@personal_data(download=True)
@require_GET
def site_zip(request):
    site = request.site
    profile = request.GET.get("profile", "full")
    if profile not in PROFILES:
        return HttpResponseBadRequest(
            gettext(
                "There is no export profile called '%(profile)s'. Use profile=full or "
                "profile=deidentified."
            )
            % {"profile": profile[:20]},
            content_type="text/plain; charset=utf-8",
        )
    export = services.site_export(site, actor=request.user, profile=profile)
    response = StreamingHttpResponse(export.stream(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export.filename()}"'
    response["Cache-Control"] = "no-store"
    return response


@site_view(SiteAccess.MANAGE)
@personal_data(download=True)
@require_GET
def fhir_bundle(request):
    site = request.site
    try:
        bundle = services.fhir_responses_bundle(site, actor=request.user)
    except services.ExportError as error:
        return HttpResponse(str(error), status=422, content_type="text/plain; charset=utf-8")
    response = HttpResponse(
        json.dumps(bundle, ensure_ascii=False), content_type="application/fhir+json"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{site.slug}-questionnaire-responses.json"'
    )
    response["Cache-Control"] = "no-store"
    return response
