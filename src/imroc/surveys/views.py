"""Staff pages under /sites/<site>/surveys/. Thin: reads in queries, writes in services."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from imroc.accounts.personal_data import personal_data
from imroc.core import suppression, tables
from imroc.core.access import found_or_404
from imroc.core.form_views import handle_form
from imroc.core.services import ServiceError
from imroc.programme.access import SiteAccess, site_view
from imroc.surveys import engine, fhir, queries, results, services, tokens
from imroc.surveys.forms import (
    AnswerForm,
    ImportForm,
    KioskForm,
    LinkForm,
    MeasureForm,
    PaperForm,
)
from imroc.surveys.tables import instruments_table, links_table, monthly_results_table
from imroc.surveys.translation import shown


def _ctx(request, **extra):
    return {
        "site": request.site,
        "can_edit": request.site_access >= SiteAccess.EDIT,
        "can_enter": request.site_access >= SiteAccess.CONTRIBUTE,
        **extra,
    }


def _instrument_url(instrument, site):
    return reverse(
        "surveys:instrument", kwargs={"site": site.slug, "instrument": instrument.public_id}
    )


def _back(instrument, site):
    return redirect(_instrument_url(instrument, site))


def respond_url(request, link) -> str:
    return request.build_absolute_uri(reverse("respond:link", kwargs={"link_token": tokens.make(tokens.LINK, link.public_id)}))  # fmt: skip


def kiosk_url(request, kiosk) -> str:
    return request.build_absolute_uri(reverse("respond:kiosk", kwargs={"kiosk_token": tokens.make(tokens.KIOSK, kiosk.public_id)}))  # fmt: skip


@site_view()
def home(request):
    site = request.site
    everything = list(queries.instruments(site))
    if tables.wants_export(request):
        return tables.export(request, instruments_table(site, everything))
    return render(request, "surveys/home.html", _ctx(
        request, ours=[i for i in everything if i.site_id is None],
        own=[i for i in everything if i.site_id is not None],
    ))  # fmt: skip


@site_view(SiteAccess.EDIT)
@require_http_methods(["GET", "POST"])
def import_instrument(request):
    site = request.site
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > fhir.MAX_BYTES:
            form.add_error("file", _("The file is larger than 2 MB. A questionnaire file is much smaller."))  # fmt: skip
        else:
            try:
                version, created = services.import_fhir(
                    site, content=upload.read(), filename=upload.name, actor=request.user
                )
            except ServiceError as error:
                form.add_error("file", str(error))
            else:
                if created:
                    messages.success(request, _("Imported “%(title)s”, version %(number)s. It is ready to use.") % {"title": version.title, "number": version.number})  # fmt: skip
                else:
                    messages.info(request, _("This file is the same as the latest version, so nothing changed."))  # fmt: skip
                return _back(version.instrument, site)
    return render(request, "surveys/import.html", _ctx(request, form=form))


@site_view()
@personal_data()
def instrument_detail(request, instrument):
    site = request.site
    instrument = found_or_404(queries.instrument(request.site, instrument), "questionnaire")
    version = found_or_404(queries.current_version(instrument), "version of this questionnaire")
    can_edit = request.site_access >= SiteAccess.EDIT
    if tables.wants_export(request):
        if not can_edit:  # the page lists the links only for members and leads
            raise PermissionDenied
        return tables.export(request, links_table(instrument, queries.open_links(site, instrument)))
    links = queries.open_links(site, instrument) if can_edit else []
    kiosks = queries.open_kiosks(site, instrument) if can_edit else []
    for kiosk in kiosks:
        kiosk.url = kiosk_url(request, kiosk)
    return render(request, "surveys/instrument.html", _ctx(
        request, instrument=instrument, version=version, versions=queries.versions(instrument),
        shown=shown(version), preview=AnswerForm(shown(version).definition),
        languages=[(code, name) for code, name in settings.LANGUAGES if code in (version.translations or {})],
        score_range=engine.score_range(version.definition),
        scoring=version.definition["scoring"], links=links, kiosks=kiosks,
    ))  # fmt: skip


@site_view()
def version_fhir(request, instrument, instrument_version):
    instrument = found_or_404(queries.instrument(request.site, instrument), "questionnaire")
    version = found_or_404(queries.version(instrument, instrument_version), "version")
    data = fhir.questionnaire(version)
    response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type="application/fhir+json")  # fmt: skip
    response["Content-Disposition"] = (
        f'attachment; filename="{instrument.key}-v{version.number}.json"'
    )
    return response


@site_view(SiteAccess.CONTRIBUTE)
@personal_data()
@require_http_methods(["GET", "POST"])
def paper_entry(request, instrument):
    site = request.site
    instrument = found_or_404(queries.instrument(request.site, instrument), "questionnaire")
    version = found_or_404(queries.current_version(instrument), "version of this questionnaire")
    learners = queries.learners(site)
    posted = request.POST if request.method == "POST" else None
    form = PaperForm(posted, learners=learners if learners.exists() else None)
    answers = AnswerForm(shown(version).definition, posted)
    if request.method == "POST":
        form_ok = form.is_valid()
        checked = engine.check_answers(version.definition, answers.raw(), final=True)
        answers.show(checked)
        if form_ok and not checked.errors:
            try:
                respondent = services.respondent_for(
                    site, reference=form.cleaned_data["reference"], code=form.cleaned_data["code"],
                    learner=form.cleaned_data.get("learner"),
                )  # fmt: skip
                services.record_paper_response(
                    site, version, actor=request.user, raw=answers.raw(),
                    completed_on=form.cleaned_data["completed_on"], respondent=respondent,
                )  # fmt: skip
            except ServiceError as error:
                error.show_on(form)
            except services.AnswerError as error:
                answers.show(error.checked)
            else:
                if respondent:
                    messages.success(request, _("Saved the response. The person's code is %(code)s. You can enter another.") % {"code": respondent.code})  # fmt: skip
                else:
                    messages.success(request, _("Saved the response. You can enter another."))
                return redirect("surveys:paper", site=site.slug, instrument=instrument.public_id)
    return render(request, "surveys/paper.html", _ctx(
        request, instrument=instrument, version=version, form=form, answers=answers,
        new_code=services.new_paper_code(),
    ))  # fmt: skip


@site_view(SiteAccess.EDIT)
@require_http_methods(["GET", "POST"])
def link_create(request, instrument):
    site = request.site
    instrument = found_or_404(queries.instrument(request.site, instrument), "questionnaire")
    version = found_or_404(queries.current_version(instrument), "version of this questionnaire")
    form = LinkForm(request.POST or None)

    def save(form):
        data = form.cleaned_data
        respondent = services.respondent_for(site, reference=data["reference"], code=data["code"])
        return services.create_link(
            site, version, actor=request.user, days=data["days"], respondent=respondent
        )

    def done(link):
        url = reverse(
            "surveys:link",
            kwargs={"site": site.slug, "instrument": instrument.public_id, "link": link.public_id},
        )
        return _("Made a one-time link. Give or send it to the person."), url

    response = handle_form(request, form, save=save, done=done)
    if response is not None:
        return response
    return render(request, "surveys/form.html", _ctx(
        request, instrument=instrument, form=form, title=_("Make a one-time link to “%(title)s”") % {"title": instrument.title},
        intro=_("The person can answer on a phone or computer without an account. They can save and come back with the same link until it expires. It works for one final submission."),
        submit=_("Make the link"),
    ))  # fmt: skip


@site_view(SiteAccess.EDIT)
@personal_data()
@require_http_methods(["GET", "POST"])
def link_detail(request, instrument, link):
    site = request.site
    instrument = found_or_404(queries.instrument(request.site, instrument), "questionnaire")
    link = found_or_404(queries.link(site, instrument, link), "link")
    if request.method == "POST":
        try:
            services.cancel_link(link, actor=request.user)
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Cancelled the link. It no longer opens the questionnaire.")
            )
        return redirect("surveys:link", site=site.slug, instrument=instrument.public_id, link=link.public_id)  # fmt: skip
    return render(request, "surveys/link.html", _ctx(
        request, instrument=instrument, link=link, url=respond_url(request, link),
        problem=services.link_problem(link),
    ))  # fmt: skip


@site_view(SiteAccess.EDIT)
@require_http_methods(["GET", "POST"])
def kiosk_open(request, instrument):
    site = request.site
    instrument = found_or_404(queries.instrument(request.site, instrument), "questionnaire")
    version = found_or_404(queries.current_version(instrument), "version of this questionnaire")
    form = KioskForm(request.POST or None)

    def done(kiosk):
        message = _("Opened the kiosk. On the kiosk device, open %(url)s") % {
            "url": kiosk_url(request, kiosk)
        }
        return message, _instrument_url(instrument, site)

    response = handle_form(
        request,
        form,
        save=lambda form: services.open_kiosk(
            site, version, actor=request.user, **form.cleaned_data
        ),
        done=done,
    )
    if response is not None:
        return response
    return render(request, "surveys/form.html", _ctx(
        request, instrument=instrument, form=form, title=_("Open a kiosk for “%(title)s”") % {"title": instrument.title},
        intro=_("A kiosk is a shared device, such as a tablet at a ward or college reception. After each person sends their answers it shows a fresh, blank form; nobody can go back to the last person's answers."),
        submit=_("Open the kiosk"),
    ))  # fmt: skip


@site_view(SiteAccess.EDIT)
@require_POST
def kiosk_close(request, instrument, kiosk):
    site = request.site
    instrument = found_or_404(queries.instrument(request.site, instrument), "questionnaire")
    kiosk = found_or_404(queries.kiosk(site, instrument, kiosk), "kiosk")
    services.close_kiosk(kiosk, actor=request.user)
    messages.success(request, _("Closed the kiosk at %(place)s.") % {"place": kiosk.place})
    return _back(instrument, site)


def _scores(version):
    scoring = version.definition["scoring"]
    if scoring["method"] == "none":
        return []
    return [("total", _("Total score"))] + [(s["key"], s["label"]) for s in scoring["subscales"]]


@site_view()
@personal_data()
def results_page(request, instrument):
    site = request.site
    instrument = found_or_404(queries.instrument(request.site, instrument), "questionnaire")
    version = found_or_404(queries.current_version(instrument), "version of this questionnaire")
    figures = results.build(version.definition, queries.result_rows(site, instrument))
    if tables.wants_export(request):
        return tables.export(request, monthly_results_table(instrument, figures))
    return render(request, "surveys/results.html", _ctx(
        request, instrument=instrument, version=version, results=figures,
        measures=queries.score_measures(site, instrument),
        measure_form=MeasureForm(scores=_scores(version)) if _scores(version) else None,
    ))  # fmt: skip


@site_view(SiteAccess.EDIT)
@require_POST
def score_measure(request, instrument):
    site = request.site
    instrument = found_or_404(queries.instrument(request.site, instrument), "questionnaire")
    version = found_or_404(queries.current_version(instrument), "version of this questionnaire")
    form = MeasureForm(request.POST, scores=_scores(version))
    if not form.is_valid():
        messages.error(request, _("Choose a score to chart."))
        return redirect("surveys:results", site=site.slug, instrument=instrument.public_id)
    try:
        measure, counts = services.score_to_measure(site, instrument, score_key=form.cleaned_data["score_key"], actor=request.user)  # fmt: skip
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect("surveys:results", site=site.slug, instrument=instrument.public_id)
    messages.success(
        request,
        ngettext(
            "Charted the monthly mean scores: %(created)d new month, %(corrected)d updated. Months with fewer than %(small)d responses are left out.",
            "Charted the monthly mean scores: %(created)d new months, %(corrected)d updated. Months with fewer than %(small)d responses are left out.",
            counts["created"],
        ) % {"created": counts["created"], "corrected": counts["corrected"], "small": suppression.threshold()},
    )  # fmt: skip
    return redirect("measures:detail", site=site.slug, measure=measure.public_id)


@site_view(SiteAccess.EDIT)
@personal_data(download=True)
def responses_fhir(request, instrument):
    site = request.site
    instrument = found_or_404(queries.instrument(request.site, instrument), "questionnaire")
    entries = [
        fhir.questionnaire_response(
            r, r.version, site.public_id, r.respondent.code if r.respondent else None
        )
        for r in queries.export_responses(site, instrument)
    ]
    services.record_export(site, instrument, actor=request.user, count=len(entries))
    response = HttpResponse(json.dumps(fhir.response_bundle(entries), ensure_ascii=False), content_type="application/fhir+json")  # fmt: skip
    response["Content-Disposition"] = f'attachment; filename="{instrument.key}-responses.json"'
    return response
