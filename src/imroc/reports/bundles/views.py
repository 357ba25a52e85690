"""The hub's bundle pages, for programme admins: keys, uploads and what each import did."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from imroc.core.access import found_or_404
from imroc.programme.access import ProgrammeAccess, programme_view
from imroc.reports.bundles import queries, services
from imroc.reports.bundles.format import BundleError
from imroc.reports.bundles.forms import RegisterKeyForm, UploadBundleForm
from imroc.reports.bundles.specs import SPECS


def _sites(request):
    return queries.sites(request.programme)


@programme_view(ProgrammeAccess.ADMIN)
def index(request):
    programme = request.programme
    imports = queries.imports(programme)
    keys = queries.keys(programme)
    return render(
        request,
        "reports/bundles/index.html",
        {
            "imports": [(item, services.totals(item.counts)) for item in imports],
            "keys": keys,
        },
    )


@programme_view(ProgrammeAccess.ADMIN)
@require_http_methods(["GET", "POST"])
def upload(request):
    sites = _sites(request)
    form = UploadBundleForm(sites=sites)
    if request.method == "POST":
        form = UploadBundleForm(request.POST, request.FILES, sites=sites)
        if form.is_valid():
            raw = form.cleaned_data["file"].read()
            try:
                result = services.import_bundle(
                    raw, request.user, expected_site=form.cleaned_data["site"]
                )
            except BundleError as error:
                form.add_error(
                    "file",
                    _("The bundle was refused and nothing was imported. %(reason)s")
                    % {"reason": error},
                )
            else:
                if result.already_imported:
                    messages.info(request, _("This bundle was already imported. Nothing changed."))
                else:
                    messages.success(request, _("The bundle was imported."))
                return redirect("bundles:detail", bundle_import=result.record.public_id)
    return render(request, "reports/bundles/upload.html", {"form": form})


@programme_view(ProgrammeAccess.ADMIN)
def detail(request, bundle_import):
    record = found_or_404(queries.import_or_none(request.programme, bundle_import), "bundle import")
    rows = [(spec.name.replace("_", " "), record.counts.get(spec.name, {})) for spec in SPECS]
    return render(
        request,
        "reports/bundles/detail.html",
        {"record": record, "rows": rows, "totals": services.totals(record.counts)},
    )


@programme_view(ProgrammeAccess.ADMIN)
@require_http_methods(["GET", "POST"])
def register_key(request):
    sites = _sites(request)
    form = RegisterKeyForm(sites=sites)
    if request.method == "POST":
        form = RegisterKeyForm(request.POST, sites=sites)
        if form.is_valid():
            try:
                key = services.register_key(
                    form.cleaned_data["site"], form.cleaned_data["public_key"], request.user
                )
            except BundleError as error:
                form.add_error("public_key", str(error))
            else:
                messages.success(
                    request,
                    _("Registered key %(fingerprint)s for %(site)s.")
                    % {"fingerprint": key.short_fingerprint, "site": key.site},
                )
                return redirect("bundles:index")
    return render(request, "reports/bundles/register_key.html", {"form": form})


@programme_view(ProgrammeAccess.ADMIN)
@require_POST
def revoke_key(request, bundle_key):
    key = found_or_404(queries.key_or_none(request.programme, bundle_key), "key")
    try:
        services.revoke_key(key, request.user)
    except BundleError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Revoked key %(fingerprint)s of %(site)s. Bundles signed with it are now refused.")
            % {"fingerprint": key.short_fingerprint, "site": key.site},
        )
    return redirect("bundles:index")
