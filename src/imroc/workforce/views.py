"""Workforce, policies and partnerships. Thin views: reads in queries and presenters, writes in
services. Lived-experience partners and viewers read these pages; members and leads write."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from imroc.accounts.personal_data import personal_data
from imroc.core import tables
from imroc.core.access import found_or_404
from imroc.core.form_views import handle_form
from imroc.core.services import ServiceError
from imroc.programme.access import SiteAccess, site_view
from imroc.workforce import figures, forms, presenters, queries, reference, services
from imroc.workforce.models import Phase
from imroc.workforce.tables import (
    agencies_table,
    cohorts_table,
    events_table,
    indicators_table,
    ips_table,
    policies_table,
    safety_table,
    supervision_table,
)

GET_POST = require_http_methods(["GET", "POST"])


def _can_edit(request) -> bool:
    return request.site_access >= SiteAccess.EDIT


def _form_page(
    request, form, *, title, save, done, back, intro="", template="workforce/form.html", **extra
):
    """Show a form; on a valid POST call save(form) and redirect to done(result)."""
    response = handle_form(
        request, form, save=save, done=done, latest_version=extra.pop("latest_version", None)
    )
    if response is not None:
        return response
    return render(request, template, {
        "site": request.site, "form": form, "title": title, "intro": intro, "back": back,
        "area": extra.pop("area", "peer"), **extra,
    })  # fmt: skip


def _data(request):
    return request.POST if request.method == "POST" else None


def _url(name, site, **kwargs):
    from django.urls import reverse

    return reverse(f"workforce:{name}", kwargs={"site": site.slug, **kwargs})


def _charts(site):
    return queries.chart_links(site)


# --- Workforce home and peer support --------------------------------------------------------


@site_view()
def home(request):
    site = request.site
    if tables.wants_export(request):
        return tables.export(request, cohorts_table(site, queries.site_cohorts(site)))
    return render(request, "workforce/home.html", {
        "site": site, "peer": presenters.peer_summary(site), "cohorts": list(queries.site_cohorts(site)),
        "charts": _charts(site), "can_edit": _can_edit(request), "area": "peer",
    })  # fmt: skip


@site_view(SiteAccess.EDIT)
@GET_POST
def cohort_create(request):
    site = request.site
    form = forms.CohortForm(
        _data(request), initial={"started_on": timezone.localdate(), "training_hours": 40}
    )
    return _form_page(
        request, form, title=_("Start a peer support cohort"), back=_url("home", site),
        intro=_("A cohort of peer support workers moves through four phases: preparation, recruitment, employment and ongoing development."),
        save=lambda f: services.create_cohort(site, actor=request.user, **f.cleaned_data),
        done=lambda c: (_("Started the cohort in its preparation phase. Work through the readiness checklist."),
                        _url("cohort", site, cohort=c.public_id)),
    )  # fmt: skip


def _cohort(request, public_id):
    return found_or_404(queries.site_cohort(request.site, public_id), "cohort")


@site_view()
def cohort_detail(request, cohort):
    site = request.site
    cohort = _cohort(request, cohort)
    items = services.checklist(cohort)
    return render(request, "workforce/cohort.html", {
        "site": site, "cohort": cohort, "items": items, "done": sum(1 for _, d in items if d),
        "phases": [(p, p.label) for p in Phase], "history": queries.cohort_history(cohort),
        "posts": queries.cohort_posts(cohort), "supervision": queries.cohort_supervision(cohort),
        "can_edit": _can_edit(request), "area": "peer",
        "phase_index": [p.value for p in Phase].index(cohort.phase),
    })  # fmt: skip


@site_view(SiteAccess.EDIT)
@GET_POST
def cohort_checklist(request, cohort):
    site = request.site
    cohort = _cohort(request, cohort)
    items = reference.CHECKLISTS[cohort.phase]
    done = [item.key for item, ticked in services.checklist(cohort) if ticked]
    form = forms.ChecklistForm(_data(request), items=items, initial={"done": done})
    return _form_page(
        request, form, title=_("%(phase)s checklist") % {"phase": Phase(cohort.phase).label}, back=_url("cohort", site, cohort=cohort.public_id),
        intro=_("Tick what is in place. The cohort can move on when the checklist is complete."),
        save=lambda f: services.set_checklist(cohort, actor=request.user, done=set(f.cleaned_data["done"]), on=timezone.localdate()),
        done=lambda result: (_("Saved the checklist."), _url("cohort", site, cohort=cohort.public_id)),
        subject=cohort.name,
    )  # fmt: skip


@site_view(SiteAccess.EDIT)
@GET_POST
def cohort_advance(request, cohort):
    site = request.site
    cohort = _cohort(request, cohort)
    if cohort.next_phase is None:
        messages.info(request, _("This cohort is in its last phase, ongoing development."))
        return redirect(_url("cohort", site, cohort=cohort.public_id))
    items = services.checklist(cohort)
    missing = [item for item, ticked in items if not ticked]
    form = forms.AdvanceForm(
        _data(request), initial={"on": timezone.localdate(), "version": cohort.version}
    )
    return _form_page(
        request, form, title=_("Move on to %(phase)s") % {"phase": cohort.next_phase_label.lower()},
        back=_url("cohort", site, cohort=cohort.public_id), template="workforce/advance.html",
        save=lambda f: services.advance_cohort(
            cohort, actor=request.user, expected_version=f.cleaned_data["version"] or 0,
            on=f.cleaned_data["on"], reason=f.cleaned_data["reason"]),
        done=lambda c: (_("The cohort is now in its %(phase)s phase.") % {"phase": Phase(c.phase).label.lower()},
                        _url("cohort", site, cohort=c.public_id)),
        cohort=cohort, missing=missing, latest_version=lambda: queries.site_cohort(site, cohort.public_id).version,
    )  # fmt: skip


@site_view(SiteAccess.EDIT)
@GET_POST
def cohort_recruitment(request, cohort):
    site = request.site
    cohort = _cohort(request, cohort)
    initial = {
        n: getattr(cohort, n)
        for n in ("applicants", "interviewed", "training_course", "training_hours", "version")
    }
    form = forms.RecruitmentForm(_data(request), initial=initial)
    return _form_page(
        request, form, title=_("Recruitment and training"), back=_url("cohort", site, cohort=cohort.public_id),
        intro=_("Numbers only: never record applicants' names. Appointments are the posts you fill below."),
        save=lambda f: services.update_recruitment(
            cohort, actor=request.user, expected_version=f.cleaned_data["version"] or 0,
            **{k: v for k, v in f.cleaned_data.items() if k != "version"}),
        done=lambda c: (_("Saved recruitment and training."), _url("cohort", site, cohort=c.public_id)),
        subject=cohort.name, latest_version=lambda: queries.site_cohort(site, cohort.public_id).version,
    )  # fmt: skip


@site_view(SiteAccess.EDIT)
@GET_POST
def post_create(request, cohort):
    site = request.site
    cohort = _cohort(request, cohort)
    number = len(queries.cohort_posts(cohort)) + 1
    form = forms.PostForm(_data(request), teams=queries.site_teams(site),
                          initial={"label": _("Peer support worker %(number)d") % {"number": number}, "fte": "1.00"})  # fmt: skip
    return _form_page(
        request, form, title=_("Add a peer support post"), back=_url("cohort", site, cohort=cohort.public_id),
        intro=_("Posts are anonymous. Record the team and time, and the dates the post was filled and training finished."),
        save=lambda f: services.add_post(cohort, actor=request.user, **f.post_fields()),
        done=lambda p: (_("Added %(post)s.") % {"post": p.label}, _url("cohort", site, cohort=cohort.public_id)),
        subject=cohort.name,
    )  # fmt: skip


@site_view(SiteAccess.EDIT)
@GET_POST
def post_edit(request, cohort, post):
    site = request.site
    cohort = _cohort(request, cohort)
    post = found_or_404(queries.cohort_post(cohort, post), "post")
    initial = {n: getattr(post, n) for n in services.POST_FIELDS} | {
        "team": post.team.slug if post.team else None,
        "version": post.version,
    }
    form = forms.PostForm(_data(request), teams=queries.site_teams(site), initial=initial)
    return _form_page(
        request, form, title=_("Change %(post)s") % {"post": post.label}, back=_url("cohort", site, cohort=cohort.public_id),
        save=lambda f: services.update_post(post, actor=request.user, expected_version=f.cleaned_data["version"] or 0,
                                            **f.post_fields()),
        done=lambda p: (_("Saved %(post)s.") % {"post": p.label}, _url("cohort", site, cohort=cohort.public_id)),
        subject=cohort.name, latest_version=lambda: queries.cohort_post(cohort, post.public_id).version,
    )  # fmt: skip


@site_view(SiteAccess.EDIT)
@GET_POST
def cohort_supervision(request, cohort):
    site = request.site
    cohort = _cohort(request, cohort)
    form = forms.SessionsForm(_data(request))
    return _form_page(
        request, form, title=_("Record peer supervision"), back=_url("cohort", site, cohort=cohort.public_id),
        intro=_("How many peer supervision sessions were held in the month. Entering a month again corrects it."),
        save=lambda f: services.record_peer_supervision(cohort, actor=request.user, **f.cleaned_data),
        done=lambda result: (_("Saved the supervision sessions."), _url("cohort", site, cohort=cohort.public_id)),
        subject=cohort.name,
    )  # fmt: skip


# --- Joint training -------------------------------------------------------------------------


@site_view()
def training(request):
    site = request.site
    if tables.wants_export(request):
        return tables.export(request, events_table(site, queries.site_events(site)))
    events = list(queries.site_events(site)[:50])
    return render(request, "workforce/training.html", {
        "site": site, "events": events, "coverage": presenters.coverage_table(site),
        "charts": _charts(site), "can_edit": _can_edit(request), "area": "training",
    })  # fmt: skip


@site_view(SiteAccess.EDIT)
@GET_POST
def event_create(request):
    site = request.site
    form = forms.EventForm(_data(request), initial={"held_on": timezone.localdate()})

    def done(event):
        if not any(lived for name, lived in form.event_fields()["trainers"] if name):
            messages.warning(request, _("No trainer at this event trains from lived experience. Joint training "
                                        "should be co-delivered: plan a lived-experience trainer for next time."))  # fmt: skip
        return _("Recorded the training event."), _url("event", site, event=event.public_id)

    return _form_page(
        request, form, title=_("Record a joint training event"), back=_url("training", site), area="training",
        template="workforce/event_form.html",
        intro=_("Joint training is co-delivered by a trainer with lived experience and a staff trainer, for staff and service users together."),
        save=lambda f: services.create_event(site, actor=request.user, **f.event_fields()), done=done,
    )  # fmt: skip


@site_view()
@personal_data()
def event_detail(request, event):
    event = found_or_404(queries.site_event(request.site, event), "event")
    trainers = list(event.trainers.all())
    return render(request, "workforce/event.html", {
        "site": request.site, "event": event, "trainers": trainers,
        "lived": any(t.lived_experience for t in trainers), "area": "training",
    })  # fmt: skip


@site_view(SiteAccess.EDIT)
@GET_POST
def coverage_record(request):
    site = request.site
    form = forms.CoverageForm(_data(request), teams=queries.site_teams(site))
    return _form_page(
        request, form, title=_("Record training coverage"), back=_url("training", site), area="training",
        intro=_("For one month: how many staff in scope have completed joint training, for the whole site or one team, "
                "and for all professions or one. Entering the same month, team and profession again corrects it."),
        save=lambda f: services.record_coverage(site, actor=request.user, **f.cleaned_data),
        done=lambda result: (_("Saved the coverage figures."), _url("training", site)),
    )  # fmt: skip


@site_view(SiteAccess.EDIT)
@GET_POST
def training_target(request):
    site = request.site
    form = forms.TargetForm(_data(request), initial={"training_target": queries.training_target(site),
                                                      "version": queries.plan_version(site)})  # fmt: skip
    return _form_page(
        request, form, title=_("Training coverage target"), back=_url("training", site), area="training",
        save=lambda f: services.set_training_target(site, actor=request.user, expected_version=f.cleaned_data["version"] or 0,
                                                    target=f.cleaned_data["training_target"]),
        done=lambda result: (_("Saved the target."), _url("training", site)),
        latest_version=lambda: queries.plan_version(site),
    )  # fmt: skip


# --- Staff support --------------------------------------------------------------------------


@site_view()
def staff_support(request):
    site = request.site
    supervision = presenters.supervision_table(site)
    if tables.wants_export(request):
        return tables.export(request, supervision_table(site, supervision))
    return render(request, "workforce/staff_support.html", {
        "site": site, "surveys": presenters.survey_rows(site), "offers": presenters.offer_rows(site),
        "supervision": supervision, "college_use": presenters.college_use_rows(site),
        "threshold": presenters.suppression.threshold(), "charts": _charts(site),
        "can_edit": _can_edit(request), "area": "staff",
    })  # fmt: skip


def _staff_form(request, form, title, save, intro=""):
    site = request.site
    return _form_page(request, form, title=title, back=_url("staff_support", site), intro=intro, save=save, area="staff",
                      done=lambda result: (_("Saved."), _url("staff_support", site)))  # fmt: skip


@site_view(SiteAccess.EDIT)
@GET_POST
def survey_create(request):
    form = forms.SurveyForm(_data(request))
    return _staff_form(
        request,
        form,
        _("Record a staff survey round"),
        lambda f: services.record_survey(request.site, actor=request.user, **f.survey_fields()),
        _(
            "Aggregate results only: the number of responses and the average score of a few questions."
        ),
    )


@site_view(SiteAccess.EDIT)
@GET_POST
def offer_create(request):
    form = forms.OfferForm(_data(request))
    return _staff_form(
        request,
        form,
        _("Add a wellbeing offer"),
        lambda f: services.add_wellbeing_offer(request.site, actor=request.user, **f.cleaned_data),
    )


@site_view(SiteAccess.EDIT)
@GET_POST
def supervision_record(request):
    form = forms.SupervisionForm(_data(request), teams=queries.site_teams(request.site))
    return _staff_form(
        request,
        form,
        _("Record recovery-focused supervision"),
        lambda f: services.record_supervision_coverage(
            request.site, actor=request.user, **f.cleaned_data
        ),
        _("For one team and month. Entering the same team and month again corrects it."),
    )


@site_view(SiteAccess.EDIT)
@GET_POST
def college_use_record(request):
    form = forms.CollegeUseForm(_data(request))
    return _staff_form(
        request,
        form,
        _("Record staff use of the recovery college"),
        lambda f: services.record_college_use(request.site, actor=request.user, **f.cleaned_data),
    )


# --- Personalisation ------------------------------------------------------------------------


@site_view()
def personalisation(request):
    site = request.site
    if tables.wants_export(request):
        return tables.export(request, indicators_table(site, queries.site_indicators(site)))
    indicators = list(queries.site_indicators(site))
    for indicator in indicators:
        indicator.figure_key = figures.indicator_key(indicator)
        indicator.latest_share = presenters.share(indicator.latest_num, indicator.latest_den)
    return render(request, "workforce/personalisation.html", {
        "site": site, "indicators": indicators, "charts": _charts(site),
        "can_edit": _can_edit(request), "area": "personalisation",
    })  # fmt: skip


@site_view(SiteAccess.EDIT)
@GET_POST
def indicator_create(request):
    site = request.site
    form = forms.IndicatorForm(_data(request))
    return _form_page(
        request, form, title=_("Add a personalisation indicator"), back=_url("personalisation", site), area="personalisation",
        intro=_("Choose what shows that people have choice and control, like the share of people with a personal budget."),
        save=lambda f: services.create_indicator(site, actor=request.user, **f.cleaned_data),
        done=lambda result: (_("Added the indicator. Record its months, then chart it."), _url("personalisation", site)),
    )  # fmt: skip


@site_view(SiteAccess.EDIT)
@GET_POST
def indicator_value(request, indicator):
    site = request.site
    indicator = found_or_404(queries.site_indicator(site, indicator), "indicator")
    form = forms.IndicatorValueForm(_data(request))
    return _form_page(
        request, form, title=_("Record a month"), back=_url("personalisation", site), area="personalisation", subject=indicator.name,
        save=lambda f: services.record_indicator_value(indicator, actor=request.user, **f.cleaned_data),
        done=lambda result: (_("Saved the month."), _url("personalisation", site)),
    )  # fmt: skip


# --- Chart this -----------------------------------------------------------------------------


@site_view(SiteAccess.EDIT)
@require_POST
def chart(request, figure):
    site = request.site
    if figures.figure_for(site, figure) is None:
        raise Http404("No such figure")
    back = request.POST.get("next", "")
    if not (back.startswith(f"/sites/{site.slug}/")
            and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})):  # fmt: skip
        back = _url("home", site)
    try:
        measure, created, counts = services.chart_figure(site, figure, actor=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect(back)
    months = counts["created"] + counts["corrected"]
    if created:
        message = ngettext(
            "Charted “%(name)s”: %(count)d month brought in from the records.",
            "Charted “%(name)s”: %(count)d months brought in from the records.",
            months,
        )
    elif months:
        message = ngettext(
            "This figure is already charted as “%(name)s”. %(count)d new or corrected month brought in.",
            "This figure is already charted as “%(name)s”. %(count)d new or corrected months brought in.",
            months,
        )
    else:
        message = _(
            "This figure is already charted as “%(name)s”. No new or corrected months brought in."
        )
    messages.success(request, message % {"name": measure.name, "count": months})
    return redirect("measures:detail", site=site.slug, measure=measure.public_id)


# --- Policies and risk ----------------------------------------------------------------------


@site_view()
def policies(request):
    site = request.site
    if tables.wants_export(request):
        if request.GET.get("table") == "safety":
            return tables.export(request, safety_table(site, queries.safety_rows(site)))
        return tables.export(request, policies_table(site, queries.site_policies(site)))
    return render(request, "workforce/policies.html", {
        "site": site, "policies": list(queries.site_policies(site)),
        "safety": list(queries.safety_rows(site)[:40]), "charts": _charts(site),
        "today": timezone.localdate(), "can_edit": _can_edit(request), "area": "policies",
    })  # fmt: skip


@site_view(SiteAccess.EDIT)
@GET_POST
def policy_create(request):
    site = request.site
    form = forms.PolicyForm(_data(request))
    return _form_page(
        request, form, title=_("Add a policy to the register"), back=_url("policies", site), area="policies",
        save=lambda f: services.create_policy(site, actor=request.user, **f.cleaned_data),
        done=lambda p: (_("Added the policy."), _url("policy", site, policy=p.public_id)),
    )  # fmt: skip


@site_view()
@personal_data()
def policy_detail(request, policy):
    policy = found_or_404(queries.site_policy(request.site, policy), "policy")
    return render(request, "workforce/policy.html", {
        "site": request.site, "policy": policy, "reviews": queries.policy_reviews(policy),
        "can_edit": _can_edit(request), "area": "policies",
    })  # fmt: skip


@site_view(SiteAccess.EDIT)
@GET_POST
def policy_review(request, policy):
    site = request.site
    policy = found_or_404(queries.site_policy(site, policy), "policy")
    form = forms.PolicyReviewForm(_data(request), initial={"held_on": timezone.localdate()})
    return _form_page(
        request, form, title=_("Review the policy"), back=_url("policy", site, policy=policy.public_id),
        template="workforce/policy_review_form.html", area="policies", subject=policy.title,
        save=lambda f: services.review_policy(policy, actor=request.user, **f.review_fields()),
        done=lambda result: (_("Saved the review."), _url("policy", site, policy=policy.public_id)),
    )  # fmt: skip


@site_view(SiteAccess.EDIT)
@GET_POST
def safety_record(request):
    site = request.site
    form = forms.SafetyForm(_data(request), teams=queries.site_teams(site))
    return _form_page(
        request, form, title=_("Record co-produced safety planning"), back=_url("policies", site), area="policies",
        intro=_("Counts for one team and month: never a person's plan. Entering the same team and month again corrects it."),
        save=lambda f: services.record_safety_planning(site, actor=request.user, **f.cleaned_data),
        done=lambda result: (_("Saved the safety planning figures."), _url("policies", site)),
    )  # fmt: skip


# --- Partnerships ---------------------------------------------------------------------------


@site_view()
def partnerships(request):
    site = request.site
    if tables.wants_export(request):
        if request.GET.get("table") == "ips":
            return tables.export(request, ips_table(site, presenters.ips_rows(site)))
        return tables.export(request, agencies_table(site, queries.site_agencies(site)))
    return render(request, "workforce/partnerships.html", {
        "site": site, "agencies": list(queries.site_agencies(site)), "ips": presenters.ips_rows(site),
        "bands": presenters.ips_bands(), "employment": list(queries.employment_outcomes(site)[:12]),
        "charts": _charts(site), "today": timezone.localdate(), "can_edit": _can_edit(request),
        "area": "partnerships",
    })  # fmt: skip


@site_view(SiteAccess.EDIT)
@GET_POST
def agency_create(request):
    site = request.site
    form = forms.AgencyForm(_data(request))
    return _form_page(
        request, form, title=_("Add a partner"), back=_url("partnerships", site), area="partnerships",
        save=lambda f: services.create_agency(site, actor=request.user, **f.agency_fields()),
        done=lambda a: (_("Added the partner."), _url("agency", site, agency=a.public_id)),
    )  # fmt: skip


def _agency(request, public_id):
    return found_or_404(queries.site_agency(request.site, public_id), "partner")


@site_view()
def agency_detail(request, agency):
    agency = _agency(request, agency)
    return render(request, "workforce/agency.html", {
        "site": request.site, "agency": agency, **queries.agency_records(agency),
        "can_edit": _can_edit(request), "today": timezone.localdate(), "area": "partnerships",
    })  # fmt: skip


@site_view(SiteAccess.EDIT)
@GET_POST
def agency_edit(request, agency):
    site = request.site
    agency = _agency(request, agency)
    initial = {n: getattr(agency, n) for n in services.AGENCY_FIELDS} | {"version": agency.version}
    form = forms.AgencyForm(_data(request), initial=initial)
    return _form_page(
        request, form, title=_("Change %(partner)s") % {"partner": agency.name}, back=_url("agency", site, agency=agency.public_id),
        area="partnerships",
        save=lambda f: services.update_agency(agency, actor=request.user, expected_version=f.cleaned_data["version"] or 0,
                                              **f.agency_fields()),
        done=lambda a: (_("Saved the partner."), _url("agency", site, agency=a.public_id)),
        latest_version=lambda: queries.site_agency(site, agency.public_id).version,
    )  # fmt: skip


def _agency_form(request, agency, form, title, save, intro=""):
    site = request.site
    return _form_page(request, form, title=title, back=_url("agency", site, agency=agency.public_id), intro=intro,
                      area="partnerships", subject=agency.name, save=save,
                      done=lambda result: (_("Saved."), _url("agency", site, agency=agency.public_id)))  # fmt: skip


@site_view(SiteAccess.EDIT)
@GET_POST
def agreement_add(request, agency):
    agency = _agency(request, agency)
    form = forms.AgreementForm(_data(request))
    return _agency_form(
        request,
        agency,
        form,
        _("Add an agreement"),
        lambda f: services.add_agreement(agency, actor=request.user, **f.cleaned_data),
    )


@site_view(SiteAccess.EDIT)
@GET_POST
def activity_add(request, agency):
    agency = _agency(request, agency)
    form = forms.ActivityForm(_data(request))
    return _agency_form(
        request,
        agency,
        form,
        _("Add a joint activity"),
        lambda f: services.add_activity(agency, actor=request.user, **f.cleaned_data),
    )


@site_view(SiteAccess.EDIT)
@GET_POST
def referral_record(request, agency):
    agency = _agency(request, agency)
    form = forms.ReferralForm(_data(request))
    return _agency_form(
        request,
        agency,
        form,
        _("Record referrals"),
        lambda f: services.record_referrals(agency, actor=request.user, **f.cleaned_data),
        _("Counts for one month, both ways. Entering a month again corrects it."),
    )


@site_view(SiteAccess.EDIT)
@GET_POST
def ips_create(request):
    site = request.site
    form = forms.IpsForm(_data(request), initial={"held_on": timezone.localdate()})
    return _form_page(
        request, form, title=_("Record an IPS fidelity review"), back=_url("partnerships", site),
        template="workforce/ips_form.html", area="partnerships",
        intro=_("Score each of the 25 items from 1 to 5. The total (25 to 125) gives the fidelity band."),
        save=lambda f: services.record_ips_review(site, actor=request.user, **f.review_fields()),
        done=lambda r: (_("Saved the review: %(total)d out of 125, %(band)s.") % {"total": r.total, "band": r.band.lower()},
                        _url("ips", site, review=r.public_id)),
    )  # fmt: skip


@site_view()
@personal_data()
def ips_detail(request, review):
    review = found_or_404(queries.site_ips_review(request.site, review), "review")
    return render(request, "workforce/ips.html", {
        "site": request.site, "review": review, "bands": presenters.ips_bands(), "area": "partnerships",
    })  # fmt: skip


@site_view(SiteAccess.EDIT)
@GET_POST
def employment_record(request):
    site = request.site
    form = forms.EmploymentForm(_data(request))
    return _form_page(
        request, form, title=_("Record employment outcomes"), back=_url("partnerships", site), area="partnerships",
        intro=_("Counts for one month. Entering a month again corrects it."),
        save=lambda f: services.record_employment(site, actor=request.user, **f.cleaned_data),
        done=lambda result: (_("Saved the employment outcomes."), _url("partnerships", site)),
    )  # fmt: skip
