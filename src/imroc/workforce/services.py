"""Every write to workforce, policy and partnership records: transactional and audited.

Figures are aggregate counts. Each check here raises ServiceError with a message that says
what is wrong and how to fix it, naming the form field it belongs to.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from imroc.core import audit
from imroc.core.services import ServiceError, StaleEditError, save_versioned, update_versioned
from imroc.programme.models import Site, Team
from imroc.workforce import reference
from imroc.workforce.models import (
    EmploymentOutcome,
    EventTrainer,
    Indicator,
    IndicatorValue,
    IpsReview,
    JointActivity,
    PartnerAgency,
    PartnerAgreement,
    PeerCohort,
    PeerPost,
    PeerSupervision,
    PhaseChange,
    Policy,
    PolicyReview,
    PolicyReviewer,
    ReadinessCheck,
    ReferralCount,
    SafetyPlanning,
    StaffCollegeUse,
    StaffSurvey,
    SupervisionCoverage,
    TrainingCoverage,
    TrainingEvent,
    WellbeingOffer,
    WorkforcePlan,
)

POST_FIELDS = [
    "label", "team", "fte", "appointed_on", "training_completed_on", "left_on", "leaving_reason",
]  # fmt: skip
AGENCY_FIELDS = ["name", "sector", "description", "review_on"]


def _english(text) -> str:
    """A translatable label as plain English text, for the audit log."""
    with translation.override("en"):
        return str(text)


def _check_period(period: dt.date, field: str = "period") -> None:
    if period.day != 1:
        raise ServiceError(_("Give the month, like 2024-03."), field)


def _check_team(site: Site, team: Team | None, field: str = "team") -> None:
    if team is not None and team.site_id != site.pk:
        raise ServiceError(_("Choose one of this site's teams."), field)


def _upsert(model, keys: dict, values: dict, *, actor, action: str, site: Site, target):
    """Record or correct one month's counts, keeping the old values in the audit log."""
    with transaction.atomic():
        row = model.objects.select_for_update().filter(**keys).first()
        before = {k: getattr(row, k) for k in values} if row else None
        if row is None:
            row = model.objects.create(**keys, **values)
        else:
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
        audit.record(
            actor, action, target, site=site, before=before,
            after={**{k: (str(v) if isinstance(v, Team) else v) for k, v in keys.items() if k != "site"}, **values},
        )  # fmt: skip
    return row


# --- Peer support cohorts -------------------------------------------------------------------


def create_cohort(
    site: Site, *, actor, name: str, started_on: dt.date, training_course: str = "",
    training_hours: int = 40, notes: str = "",
) -> PeerCohort:  # fmt: skip
    if site.peer_cohorts.filter(name__iexact=name.strip()).exists():
        raise ServiceError(
            _("The site already has a cohort with this name. Choose another."), "name"
        )
    with transaction.atomic():
        cohort = PeerCohort.objects.create(
            site=site, name=name.strip(), started_on=started_on, training_course=training_course,
            training_hours=training_hours, notes=notes,
        )  # fmt: skip
        PhaseChange.objects.create(
            cohort=cohort, phase=cohort.phase, entered_on=started_on,
            checklist_total=0, recorded_by=audit.user_of(actor),
        )  # fmt: skip
        audit.record(
            actor, "peer_cohort.create", cohort, site=site,
            after={"name": cohort.name, "started_on": started_on, "training_hours": training_hours},
        )  # fmt: skip
    return cohort


def checklist(
    cohort: PeerCohort, phase: str | None = None
) -> list[tuple[reference.ChecklistItem, bool]]:
    """The phase's checklist (the cohort's current phase by default), with what is ticked."""
    done = set(cohort.checks.values_list("key", flat=True))
    return [(item, item.key in done) for item in reference.CHECKLISTS[phase or cohort.phase]]


def set_checklist(cohort: PeerCohort, *, actor, done: set[str], on: dt.date) -> None:
    """Tick exactly these items of the current phase's checklist."""
    keys = {item.key for item in reference.CHECKLISTS[cohort.phase]}
    unknown = done - keys
    if unknown:
        raise ServiceError(_("Choose items from this phase's checklist."), "done")
    with transaction.atomic():
        current = set(cohort.checks.filter(key__in=keys).values_list("key", flat=True))
        cohort.checks.filter(key__in=current - done).delete()
        ReadinessCheck.objects.bulk_create(
            [ReadinessCheck(cohort=cohort, key=k, done_on=on) for k in sorted(done - current)]
        )
        audit.record(
            actor, "peer_cohort.checklist", cohort, site=cohort.site,
            before={"phase": cohort.phase, "done": sorted(current)},
            after={"phase": cohort.phase, "done": sorted(done)},
        )  # fmt: skip


def advance_cohort(
    cohort: PeerCohort, *, actor, expected_version: int, on: dt.date, reason: str = ""
) -> PeerCohort:
    """Move a cohort to its next phase. An incomplete checklist needs a 'move on anyway' reason."""
    target = cohort.next_phase
    if target is None:
        raise ServiceError(_("This cohort is in its last phase, ongoing development."))
    items = checklist(cohort)
    done = sum(1 for _, ticked in items if ticked)
    if done < len(items) and not reason.strip():
        raise ServiceError(
            ngettext(
                "%(missing)d of %(total)d checklist item is not ticked. Finish the checklist, "
                "or say why the cohort should move on anyway.",
                "%(missing)d of %(total)d checklist items are not ticked. Finish the checklist, "
                "or say why the cohort should move on anyway.",
                len(items),
            )
            % {"missing": len(items) - done, "total": len(items)},
            "reason",
        )
    last = cohort.phase_history.order_by("-entered_on", "-id").first()
    if last is not None and on < last.entered_on:
        raise ServiceError(
            _("The cohort entered its current phase on %(date)s. Enter that date or a later one.")
            % {"date": date_format(last.entered_on, "d F Y")},
            "on",
        )
    with transaction.atomic():
        before = cohort.phase
        cohort.phase = target
        save_versioned(cohort, expected_version, ["phase"])
        PhaseChange.objects.create(
            cohort=cohort, phase=target, entered_on=on, checklist_done=done,
            checklist_total=len(items), move_on_reason=reason.strip() if done < len(items) else "",
            recorded_by=audit.user_of(actor),
        )  # fmt: skip
        audit.record(
            actor, "peer_cohort.advance", cohort, site=cohort.site, before={"phase": before},
            after={"phase": target, "on": on, "checklist": f"{done}/{len(items)}", "reason": reason.strip()},
        )  # fmt: skip
    return cohort


def update_recruitment(
    cohort: PeerCohort, *, actor, expected_version: int, applicants: int | None,
    interviewed: int | None, training_course: str, training_hours: int,
) -> PeerCohort:  # fmt: skip
    appointed = cohort.posts.filter(appointed_on__isnull=False).count()
    if applicants is not None and interviewed is not None and interviewed > applicants:
        raise ServiceError(
            _(
                "More people interviewed (%(interviewed)d) than applied (%(applicants)d). Check the two numbers."
            )
            % {"interviewed": interviewed, "applicants": applicants},
            "interviewed",
        )
    if interviewed is not None and appointed > interviewed:
        raise ServiceError(
            _(
                "%(appointed)d people have been appointed, so at least %(appointed)d were interviewed."
            )
            % {"appointed": appointed},
            "interviewed",
        )
    if applicants is not None and appointed > applicants:
        raise ServiceError(
            _("%(appointed)d people have been appointed, so at least %(appointed)d applied.")
            % {"appointed": appointed},
            "applicants",
        )
    if not 1 <= training_hours <= 500:
        raise ServiceError(
            _("Enter the course length in hours, from 1 to 500. A typical course is 40."),
            "training_hours",
        )
    fields = ["applicants", "interviewed", "training_course", "training_hours"]
    with transaction.atomic():
        before = audit.snapshot(cohort, fields)
        cohort.applicants, cohort.interviewed = applicants, interviewed
        cohort.training_course, cohort.training_hours = training_course, training_hours
        save_versioned(cohort, expected_version, fields)
        audit.record(
            actor, "peer_cohort.recruitment", cohort, site=cohort.site, before=before,
            after=audit.snapshot(cohort, fields),
        )  # fmt: skip
    return cohort


def _check_post(cohort: PeerCohort, fields: dict, post: PeerPost | None = None) -> None:
    site = cohort.site
    team, fte = fields.get("team"), fields.get("fte")
    _check_team(site, team)
    if fte is None or fte <= 0:
        raise ServiceError(
            _("The time (FTE) must be more than 0, like 0.6 for three days a week."), "fte"
        )
    if fte > 1:
        raise ServiceError(
            _("One worker's time (FTE) cannot be more than 1, which is full time."), "fte"
        )
    appointed, left = fields.get("appointed_on"), fields.get("left_on")
    if left and not appointed:
        raise ServiceError(
            _("Enter the date the post was filled before the date the worker left."), "appointed_on"
        )
    if left and appointed and left < appointed:
        raise ServiceError(
            _("The leaving date must be on or after the date the worker started."), "left_on"
        )
    if left and not fields.get("leaving_reason"):
        raise ServiceError(_("Choose why the worker left."), "leaving_reason")
    if not left and fields.get("leaving_reason"):
        raise ServiceError(_("Enter the leaving date, or clear the reason for leaving."), "left_on")
    trained = fields.get("training_completed_on")
    if trained and not appointed:
        raise ServiceError(
            _("Enter the date the post was filled before the training date."), "appointed_on"
        )
    if team is not None and appointed and not left and team.staff_count is not None:
        others = PeerPost.objects.filter(
            team=team, appointed_on__isnull=False, left_on__isnull=True
        ).exclude(pk=post.pk if post else None).aggregate(total=Sum("fte"))["total"] or Decimal(0)
        if others + fte > team.staff_count:
            raise ServiceError(
                _(
                    "%(team)s has %(staff)d staff, and its peer workers would add up to %(fte)s FTE. "
                    "Lower the FTE, choose another team, or update the team's size."
                )
                % {"team": team.name, "staff": team.staff_count, "fte": f"{others + fte:g}"},
                "fte",
            )
    label = fields.get("label", "").strip()
    if not label:
        raise ServiceError(_("Give the post a name, like “Peer support worker 3”."), "label")
    taken = cohort.posts.filter(label__iexact=label)
    if post is not None:
        taken = taken.exclude(pk=post.pk)
    if taken.exists():
        raise ServiceError(_("This cohort already has a post with that name."), "label")


def add_post(cohort: PeerCohort, *, actor, **fields) -> PeerPost:
    fields.setdefault("fte", Decimal("1.00"))
    _check_post(cohort, fields)
    with transaction.atomic():
        post = PeerPost.objects.create(cohort=cohort, **fields)
        audit.record(
            actor,
            "peer_post.create",
            post,
            site=cohort.site,
            after=audit.snapshot(post, POST_FIELDS),
        )
    return post


def update_post(post: PeerPost, *, actor, expected_version: int, **fields) -> PeerPost:
    merged = {**{n: getattr(post, n) for n in POST_FIELDS}, **fields}
    _check_post(post.cohort, merged, post)
    return update_versioned(
        post,
        actor=actor,
        expected_version=expected_version,
        changes=fields,
        action="peer_post.update",
        site=post.cohort.site,
    )


def record_peer_supervision(
    cohort: PeerCohort, *, actor, period: dt.date, sessions: int
) -> PeerSupervision:
    _check_period(period)
    return _upsert(
        PeerSupervision, {"cohort": cohort, "period": period}, {"sessions": sessions},
        actor=actor, action="peer_supervision.record", site=cohort.site, target=cohort,
    )  # fmt: skip


# --- Joint training -------------------------------------------------------------------------


def _check_attendance(capacity: int, staff: int, service_users: int, carers: int) -> None:
    if capacity < 1:
        raise ServiceError(_("The number of places must be 1 or more."), "capacity")
    total = staff + service_users + carers
    if total > capacity:
        raise ServiceError(
            _(
                "%(total)d people attended, but the event had %(capacity)d places. Check the numbers, "
                "or raise the number of places."
            )
            % {"total": total, "capacity": capacity},
            "staff_attended",
        )


def create_event(
    site: Site, *, actor, topic: str, held_on: dt.date, capacity: int, staff_attended: int = 0,
    service_users_attended: int = 0, carers_attended: int = 0, notes: str = "",
    trainers: list[tuple[str, bool]],
) -> TrainingEvent:  # fmt: skip
    """Record a joint training event. The view warns when no trainer has lived experience."""
    _check_attendance(capacity, staff_attended, service_users_attended, carers_attended)
    trainers = [(name.strip(), lived) for name, lived in trainers if name.strip()]
    if not trainers:
        raise ServiceError(_("Name at least one trainer."), "trainer_1")
    with transaction.atomic():
        event = TrainingEvent.objects.create(
            site=site, topic=topic, held_on=held_on, capacity=capacity, staff_attended=staff_attended,
            service_users_attended=service_users_attended, carers_attended=carers_attended,
            notes=notes, recorded_by=audit.user_of(actor),
        )  # fmt: skip
        EventTrainer.objects.bulk_create(
            [EventTrainer(event=event, name=n, lived_experience=lived) for n, lived in trainers]
        )
        audit.record(
            actor, "training_event.create", event, site=site,
            after={"topic": topic, "held_on": held_on, "capacity": capacity,
                   "attended": [staff_attended, service_users_attended, carers_attended],
                   "trainers": len(trainers), "lived_experience_trainers": sum(1 for _, x in trainers if x)},
        )  # fmt: skip
    return event


def record_coverage(
    site: Site,
    *,
    actor,
    period: dt.date,
    team: Team | None,
    profession: str,
    trained: int,
    in_scope: int,
) -> TrainingCoverage:
    _check_period(period)
    _check_team(site, team)
    _check_fraction(
        trained, in_scope, "trained", "in_scope",
        too_few=_("The number of staff in scope must be 1 or more."),
        too_many=_("The staff trained (%(part)d) is more than the staff in scope (%(whole)d). "
                   "Check the two numbers."),
    )  # fmt: skip
    if team is not None and team.staff_count is not None and in_scope > team.staff_count:
        raise ServiceError(
            _("%(team)s has %(staff)d staff, so no more than %(staff)d can be in scope.")
            % {"team": team.name, "staff": team.staff_count},
            "in_scope",
        )
    return _upsert(
        TrainingCoverage, {"site": site, "period": period, "team": team, "profession": profession},
        {"trained": trained, "in_scope": in_scope},
        actor=actor, action="training_coverage.record", site=site, target=site,
    )  # fmt: skip


def _check_fraction(
    part: int, whole: int, part_field: str, whole_field: str, *, too_few: str, too_many: str
):
    """too_many is a translated message with %(part)d and %(whole)d in it."""
    if whole < 1:
        raise ServiceError(too_few, whole_field)
    if part > whole:
        raise ServiceError(too_many % {"part": part, "whole": whole}, part_field)


def set_training_target(site: Site, *, actor, expected_version: int, target: int) -> WorkforcePlan:
    if not 0 <= target <= 100:
        raise ServiceError(_("The target is a percentage from 0 to 100."), "training_target")
    with transaction.atomic():
        plan = WorkforcePlan.objects.select_for_update().filter(site=site).first()
        if plan is None:  # the form showed the default, version 1
            plan = WorkforcePlan.objects.create(site=site)
        before = plan.training_target
        plan.training_target = target
        save_versioned(plan, expected_version, ["training_target"])
        audit.record(
            actor, "workforce.training_target", site, site=site,
            before={"training_target": before}, after={"training_target": target},
        )  # fmt: skip
    return plan


# --- Staff support --------------------------------------------------------------------------


def record_survey(
    site: Site, *, actor, title: str, held_on: dt.date, invited: int | None, responses: int,
    item_scores: list[tuple[str, float]],
) -> StaffSurvey:  # fmt: skip
    if invited is not None and responses > invited:
        raise ServiceError(
            _(
                "%(responses)d responses is more than the %(invited)d staff invited. Check the numbers."
            )
            % {"responses": responses, "invited": invited},
            "responses",
        )
    for label, score in item_scores:
        if not 1 <= score <= 5:
            raise ServiceError(
                _("The score for “%(question)s” must be from 1 to 5.") % {"question": label},
                "item_scores",
            )
    with transaction.atomic():
        survey = StaffSurvey.objects.create(
            site=site, title=title, held_on=held_on, invited=invited, responses=responses,
            item_scores=[[label, round(float(score), 2)] for label, score in item_scores],
        )  # fmt: skip
        audit.record(
            actor, "staff_survey.create", survey, site=site,
            after={"title": title, "held_on": held_on, "invited": invited, "responses": responses,
                   "items": len(item_scores)},
        )  # fmt: skip
    return survey


def add_wellbeing_offer(
    site: Site, *, actor, title: str, description: str, started_on: dt.date,
    ended_on: dt.date | None, uptake: int | None,
) -> WellbeingOffer:  # fmt: skip
    if ended_on and ended_on < started_on:
        raise ServiceError(_("The offer must end on or after the day it started."), "ended_on")
    with transaction.atomic():
        offer = WellbeingOffer.objects.create(
            site=site, title=title, description=description, started_on=started_on,
            ended_on=ended_on, uptake=uptake,
        )  # fmt: skip
        audit.record(
            actor, "wellbeing_offer.create", offer, site=site,
            after={"title": title, "started_on": started_on, "ended_on": ended_on, "uptake": uptake},
        )  # fmt: skip
    return offer


def record_supervision_coverage(
    site: Site, *, actor, period: dt.date, team: Team, supervised: int, in_scope: int
) -> SupervisionCoverage:
    _check_period(period)
    _check_team(site, team)
    _check_fraction(
        supervised, in_scope, "supervised", "in_scope",
        too_few=_("The number of staff in scope must be 1 or more."),
        too_many=_("The staff supervised (%(part)d) is more than the staff in scope (%(whole)d). "
                   "Check the two numbers."),
    )  # fmt: skip
    if team.staff_count is not None and in_scope > team.staff_count:
        raise ServiceError(
            _("%(team)s has %(staff)d staff, so no more than %(staff)d can be in scope.")
            % {"team": team.name, "staff": team.staff_count},
            "in_scope",
        )
    return _upsert(
        SupervisionCoverage, {"site": site, "team": team, "period": period},
        {"supervised": supervised, "in_scope": in_scope},
        actor=actor, action="supervision_coverage.record", site=site, target=site,
    )  # fmt: skip


def record_college_use(
    site: Site, *, actor, period: dt.date, staff_learners: int
) -> StaffCollegeUse:
    _check_period(period)
    return _upsert(
        StaffCollegeUse, {"site": site, "period": period}, {"staff_learners": staff_learners},
        actor=actor, action="staff_college_use.record", site=site, target=site,
    )  # fmt: skip


# --- Policies and risk ----------------------------------------------------------------------


def create_policy(
    site: Site,
    *,
    actor,
    title: str,
    kind: str,
    current_url: str = "",
    next_review_on: dt.date | None = None,
) -> Policy:
    if site.policies.filter(title__iexact=title.strip()).exists():
        raise ServiceError(_("The register already has a policy with this title."), "title")
    with transaction.atomic():
        policy = Policy.objects.create(
            site=site,
            title=title.strip(),
            kind=kind,
            current_url=current_url,
            next_review_on=next_review_on,
        )
        audit.record(
            actor, "policy.create", policy, site=site,
            after={"title": policy.title, "kind": kind, "current_url": current_url, "next_review_on": next_review_on},
        )  # fmt: skip
    return policy


def review_policy(
    policy: Policy, *, actor, held_on: dt.date, answers: dict[str, str], outcome: str,
    summary: str = "", next_review_on: dt.date | None = None, new_version_url: str = "",
    reviewers: list[tuple[str, str, bool]],
) -> PolicyReview:  # fmt: skip
    """Record a review against the recovery-values questions; the register follows its outcome."""
    keys = {k for k, _ in reference.POLICY_QUESTIONS}
    allowed = {v for v, _ in reference.POLICY_ANSWERS}
    if set(answers) - keys or any(v not in allowed for v in answers.values()):
        raise ServiceError(_("Answer each question yes, partly or no."))
    reviewers = [(n.strip(), r.strip(), lived) for n, r, lived in reviewers if n.strip()]
    if not reviewers:
        raise ServiceError(_("Name at least one reviewer."), "reviewer_1")
    if (
        outcome in (PolicyReview.Outcome.REVISED, PolicyReview.Outcome.REPLACED)
        and not new_version_url
    ):
        raise ServiceError(_("Add a link to the new version of the policy."), "new_version_url")
    if outcome == PolicyReview.Outcome.WITHDRAWN:
        next_review_on = None
    elif next_review_on is not None and next_review_on <= held_on:
        raise ServiceError(_("The next review must be after this one."), "next_review_on")
    lived = sum(1 for *_, x in reviewers if x)
    with transaction.atomic():
        review = PolicyReview.objects.create(
            policy=policy, held_on=held_on, answers=answers, outcome=outcome, summary=summary,
            next_review_on=next_review_on, new_version_url=new_version_url,
            lived_experience_reviewers=lived, recorded_by=audit.user_of(actor),
        )  # fmt: skip
        PolicyReviewer.objects.bulk_create(
            [
                PolicyReviewer(review=review, name=n, role=r, lived_experience=x)
                for n, r, x in reviewers
            ]
        )
        stored = Policy.objects.select_for_update().get(pk=policy.pk)
        before = audit.snapshot(stored, ["current_url", "next_review_on"])
        stored.next_review_on = next_review_on
        if new_version_url:
            stored.current_url = new_version_url
        stored.version += 1  # an open edit form must not silently undo the review
        stored.save(update_fields=["next_review_on", "current_url", "version", "updated_at"])
        audit.record(
            actor, "policy.review", policy, site=policy.site, before=before,
            after={"held_on": held_on, "outcome": outcome, "answers": answers, "reviewers": len(reviewers),
                   "lived_experience_reviewers": lived, "next_review_on": next_review_on,
                   "new_version_url": new_version_url},
        )  # fmt: skip
    return review


def record_safety_planning(
    site: Site, *, actor, team: Team, period: dt.date, plans_in_place: int, plans_coproduced: int
) -> SafetyPlanning:
    _check_period(period)
    _check_team(site, team)
    if plans_coproduced > plans_in_place:
        raise ServiceError(
            _(
                "%(coproduced)d co-produced plans is more than the %(plans)d plans in place. "
                "Check the two numbers."
            )
            % {"coproduced": plans_coproduced, "plans": plans_in_place},
            "plans_coproduced",
        )
    return _upsert(
        SafetyPlanning, {"site": site, "team": team, "period": period},
        {"plans_in_place": plans_in_place, "plans_coproduced": plans_coproduced},
        actor=actor, action="safety_planning.record", site=site, target=site,
    )  # fmt: skip


# --- Personalisation ------------------------------------------------------------------------


def create_indicator(
    site: Site, *, actor, name: str, definition: str, target: int | None
) -> Indicator:
    if site.personalisation.filter(name__iexact=name.strip()).exists():
        raise ServiceError(_("The site already has an indicator with this name."), "name")
    if target is not None and not 0 <= target <= 100:
        raise ServiceError(_("The target is a percentage from 0 to 100."), "target")
    with transaction.atomic():
        indicator = Indicator.objects.create(
            site=site, name=name.strip(), definition=definition, target=target
        )
        audit.record(
            actor, "indicator.create", indicator, site=site,
            after={"name": indicator.name, "definition": definition, "target": target},
        )  # fmt: skip
    return indicator


def record_indicator_value(
    indicator: Indicator, *, actor, period: dt.date, numerator: int, denominator: int
) -> IndicatorValue:
    _check_period(period)
    _check_fraction(
        numerator, denominator, "numerator", "denominator",
        too_few=_("The number of people counted must be 1 or more."),
        too_many=_("The number of people (%(part)d) is more than the people counted (%(whole)d). "
                   "Check the two numbers."),
    )  # fmt: skip
    return _upsert(
        IndicatorValue, {"indicator": indicator, "period": period},
        {"numerator": numerator, "denominator": denominator},
        actor=actor, action="indicator.record", site=indicator.site, target=indicator,
    )  # fmt: skip


# --- Partnerships, IPS and employment -------------------------------------------------------


def create_agency(site: Site, *, actor, **fields) -> PartnerAgency:
    if site.partner_agencies.filter(name__iexact=fields["name"].strip()).exists():
        raise ServiceError(_("The site already has a partner with this name."), "name")
    with transaction.atomic():
        agency = PartnerAgency.objects.create(site=site, **fields)
        audit.record(
            actor, "partner.create", agency, site=site, after=audit.snapshot(agency, AGENCY_FIELDS)
        )
    return agency


def update_agency(
    agency: PartnerAgency, *, actor, expected_version: int, **fields
) -> PartnerAgency:
    name = fields.get("name", agency.name).strip()
    if agency.site.partner_agencies.filter(name__iexact=name).exclude(pk=agency.pk).exists():
        raise ServiceError(_("The site already has a partner with this name."), "name")
    with transaction.atomic():
        stored = PartnerAgency.objects.select_for_update().get(pk=agency.pk)
        if stored.version != expected_version:
            raise StaleEditError(agency)
        before = audit.snapshot(stored, AGENCY_FIELDS)
        for field_name, value in fields.items():
            setattr(agency, field_name, value)
        save_versioned(agency, expected_version, list(fields))
        after = audit.snapshot(agency, AGENCY_FIELDS)
        audit.record(
            actor, "partner.update", agency, site=agency.site,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
        )  # fmt: skip
    return agency


def add_agreement(
    agency: PartnerAgency, *, actor, agreed_on: dt.date, summary: str, document_url: str = ""
) -> PartnerAgreement:
    with transaction.atomic():
        agreement = PartnerAgreement.objects.create(
            agency=agency, agreed_on=agreed_on, summary=summary, document_url=document_url
        )
        audit.record(
            actor, "partner.agreement", agency, site=agency.site,
            after={"agreed_on": agreed_on, "summary": summary, "document_url": document_url},
        )  # fmt: skip
    return agreement


def add_activity(
    agency: PartnerAgency, *, actor, held_on: dt.date, title: str, description: str = ""
) -> JointActivity:
    with transaction.atomic():
        activity = JointActivity.objects.create(
            agency=agency, held_on=held_on, title=title, description=description
        )
        audit.record(
            actor, "partner.activity", agency, site=agency.site,
            after={"held_on": held_on, "title": title},
        )  # fmt: skip
    return activity


def record_referrals(
    agency: PartnerAgency, *, actor, period: dt.date, to_partner: int, from_partner: int
) -> ReferralCount:
    _check_period(period)
    return _upsert(
        ReferralCount, {"agency": agency, "period": period},
        {"to_partner": to_partner, "from_partner": from_partner},
        actor=actor, action="partner.referrals", site=agency.site, target=agency,
    )  # fmt: skip


def check_ips_scores(scores: list) -> list[int]:
    if len(scores) != len(reference.IPS_ITEMS):
        raise ServiceError(
            _("Score all %(count)d items.") % {"count": len(reference.IPS_ITEMS)}, "scores"
        )
    checked = []
    for label, score in zip(reference.IPS_ITEMS, scores, strict=True):
        if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
            raise ServiceError(
                _("Score “%(item)s” with a whole number from 1 to 5.") % {"item": label}, "scores"
            )
        checked.append(score)
    return checked


def record_ips_review(
    site: Site,
    *,
    actor,
    held_on: dt.date,
    service: str,
    scores: list[int],
    reviewers: str,
    notes: str = "",
) -> IpsReview:
    scores = check_ips_scores(scores)
    if not reviewers.strip():
        raise ServiceError(_("Say who carried out the review."), "reviewers")
    total = sum(scores)
    with transaction.atomic():
        review = IpsReview.objects.create(
            site=site, held_on=held_on, service=service, scores=scores, total=total,
            reviewers=reviewers.strip(), notes=notes, recorded_by=audit.user_of(actor),
        )  # fmt: skip
        audit.record(
            actor, "ips_review.create", review, site=site,
            after={"held_on": held_on, "service": service, "scores": scores, "total": total,
                   "band": _english(reference.ips_band(total)), "reviewers": review.reviewers},
        )  # fmt: skip
    return review


def record_employment(
    site: Site,
    *,
    actor,
    period: dt.date,
    people_supported: int,
    job_starts: int,
    sustained_jobs: int,
) -> EmploymentOutcome:
    _check_period(period)
    if job_starts > people_supported:
        raise ServiceError(
            _(
                "%(count)d job starts is more than the %(people)d people supported. Check the numbers."
            )
            % {"count": job_starts, "people": people_supported},
            "job_starts",
        )
    if sustained_jobs > people_supported:
        raise ServiceError(
            _(
                "%(count)d sustained jobs is more than the %(people)d people supported. "
                "Check the numbers."
            )
            % {"count": sustained_jobs, "people": people_supported},
            "sustained_jobs",
        )
    return _upsert(
        EmploymentOutcome, {"site": site, "period": period},
        {"people_supported": people_supported, "job_starts": job_starts, "sustained_jobs": sustained_jobs},
        actor=actor, action="employment.record", site=site, target=site,
    )  # fmt: skip


# --- Chart this: a figure becomes a measure with an SPC chart ------------------------------


def chart_figure(site: Site, key: str, *, actor) -> tuple[object, bool, dict]:
    """Create (or find) the measure for a figure and bring its months in as data points.

    Returns (measure, created, counts). A second call finds the same measure and adds only
    months that are new or changed since, so clicking twice never makes a second measure.
    A figure that matches a programme measure reports into the site's adoption of it.
    """
    from imroc.framework import queries as framework_queries
    from imroc.measures import services as measure_services
    from imroc.measures.models import DataPoint
    from imroc.workforce import figures
    from imroc.workforce.models import ChartLink

    figure = figures.figure_for(site, key)
    if figure is None:
        raise ServiceError(_("There is no such figure to chart."))
    rows = [r for r in figure.series(site) if r is not None]
    if not rows:
        raise ServiceError(
            _("There are no figures to chart yet. Record some months first, then chart them.")
        )
    with transaction.atomic():
        link = (
            ChartLink.objects.select_for_update()
            .filter(site=site, figure=key)
            .select_related("measure")
            .first()
        )
        created = False
        if link is not None:
            measure = link.measure
        else:
            measure = _shared_measure(site, figure, actor, measure_services)
            if measure is None:
                challenge = (
                    framework_queries.current_challenges(site.programme.framework_key)
                    .filter(slug=figure.challenge)
                    .first()
                )
                target = figure.target(site) if figure.target else None
                name = figure.name
                if site.measures.filter(name__iexact=name).exists():
                    name = f"{figure.name} (from workforce records)"
                measure = measure_services.create_measure(
                    site, actor=actor, name=name, definition=figure.definition, kind=figure.kind,
                    unit=figure.unit, data_type=figure.data_type, chart_type="", improvement=figure.improvement,
                    frequency="monthly", week_starts_on=0, rate_per=1, challenge=challenge,
                    target=None if target is None else float(target),
                )  # fmt: skip
            created = True
            ChartLink.objects.create(site=site, figure=key, measure=measure)
        counts = measure_services.load_points(
            measure, rows, actor=actor, source=DataPoint.Source.IMPORT
        )
        audit.record(
            actor, "workforce.chart", measure, site=site,
            after={"figure": key, "created": created, **counts},
        )  # fmt: skip
    return measure, created, counts


def _shared_measure(site: Site, figure, actor, measure_services):
    """The site's adoption of the programme measure this figure reports into, adopting it if need be."""
    if not figure.shared_name:
        return None
    adopted = site.measures.filter(shared__name__iexact=figure.shared_name).first()
    if adopted is not None:
        return adopted if adopted.data_type == figure.data_type else None
    shared = site.programme.shared_measures.filter(name__iexact=figure.shared_name).first()
    if shared is None or shared.data_type != figure.data_type:
        return None
    if site.measures.filter(name__iexact=shared.name).exists():
        return None
    return measure_services.adopt_measure(site, shared, actor=actor)


# --- Bulk loads (the demo and imports): one summary audit event -----------------------------


def bulk_load(site: Site, *, actor, **rows) -> dict:
    """Create many monthly count rows at once: coverage, supervision, referrals and so on.

    Each keyword names a model and holds unsaved instances, already checked by the caller.
    """
    models = {
        "coverage": TrainingCoverage, "supervision": SupervisionCoverage, "college_use": StaffCollegeUse,
        "safety": SafetyPlanning, "referrals": ReferralCount, "employment": EmploymentOutcome,
        "peer_sessions": PeerSupervision, "indicator_values": IndicatorValue,
    }  # fmt: skip
    counts = {}
    with transaction.atomic():
        for name, objs in rows.items():
            models[name].objects.bulk_create(objs, batch_size=500)
            counts[name] = len(objs)
        audit.record(actor, "workforce.bulk_load", site, site=site, after=counts)
    return counts
