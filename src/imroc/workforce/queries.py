"""Site-scoped reads of workforce, policy and partnership records."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum

from imroc.programme.models import Site, Team
from imroc.workforce.models import (
    EmploymentOutcome,
    IpsReview,
    PeerCohort,
    PeerPost,
    PeerSupervision,
    Policy,
    PolicyReview,
    SafetyPlanning,
    SupervisionCoverage,
    TrainingEvent,
)

# --- Peer support -------------------------------------------------------------------------------


def site_cohorts(site: Site) -> QuerySet[PeerCohort]:
    return site.peer_cohorts.annotate(
        post_count=Count("posts", distinct=True),
        in_post=Count(
            "posts",
            filter=Q(posts__appointed_on__isnull=False, posts__left_on__isnull=True),
            distinct=True,
        ),
    ).order_by("started_on", "id")


def site_cohort(site: Site, public_id) -> PeerCohort | None:
    return site.peer_cohorts.select_related("site").filter(public_id=public_id).first()


def cohort_posts(cohort: PeerCohort) -> list[PeerPost]:
    return list(cohort.posts.select_related("team"))


def cohort_post(cohort: PeerCohort, public_id) -> PeerPost | None:
    return cohort.posts.select_related("team", "cohort__site").filter(public_id=public_id).first()


def cohort_history(cohort: PeerCohort):
    return list(cohort.phase_history.select_related("recorded_by"))


def cohort_supervision(cohort: PeerCohort):
    return list(cohort.supervision.order_by("-period")[:12])


def site_posts(site: Site) -> list[PeerPost]:
    return list(PeerPost.objects.filter(cohort__site=site).select_related("team"))


def site_teams(site: Site) -> QuerySet[Team]:
    return site.teams.order_by("name")


def team_count(site: Site) -> int:
    return site.teams.count()


def peer_supervision_by_month(site: Site) -> list[tuple[dt.date, int]]:
    return list(
        PeerSupervision.objects.filter(cohort__site=site)
        .values("period").annotate(n=Sum("sessions")).order_by("period").values_list("period", "n")
    )  # fmt: skip


# --- Joint training -----------------------------------------------------------------------------


def site_events(site: Site) -> QuerySet[TrainingEvent]:
    return site.training_events.annotate(
        trainer_count=Count("trainers", distinct=True),
        lived_trainers=Count("trainers", filter=Q(trainers__lived_experience=True), distinct=True),
    ).order_by("-held_on", "-id")


def site_event(site: Site, public_id) -> TrainingEvent | None:
    return site.training_events.filter(public_id=public_id).prefetch_related("trainers").first()


def event_attendance_by_month(site: Site) -> dict[dt.date, int]:
    totals: dict[dt.date, int] = defaultdict(int)
    for held_on, a, b, c in site.training_events.values_list(
        "held_on", "staff_attended", "service_users_attended", "carers_attended"
    ):
        totals[held_on.replace(day=1)] += a + b + c
    return dict(totals)


def coverage_rows(site: Site):
    return list(
        site.training_coverage.select_related("team").order_by(
            "-period", "team__name", "profession"
        )
    )


def site_plan(site: Site):
    from imroc.workforce.models import WorkforcePlan

    return WorkforcePlan.objects.filter(site=site).first()


def training_target(site: Site) -> int:
    plan = site_plan(site)
    return plan.training_target if plan else 80


# --- Staff support ------------------------------------------------------------------------------


def site_surveys(site: Site):
    return site.staff_surveys.order_by("-held_on", "-id")


def site_offers(site: Site):
    return site.wellbeing_offers.order_by("-started_on", "-id")


def supervision_rows(site: Site, period: dt.date | None = None):
    rows = SupervisionCoverage.objects.filter(site=site).select_related("team")
    if period is not None:
        rows = rows.filter(period=period)
    return rows.order_by("-period", "team__name")


def latest_supervision_period(site: Site) -> dt.date | None:
    return site.supervision_coverage.order_by("-period").values_list("period", flat=True).first()


def supervision_by_month(site: Site):
    return list(
        site.supervision_coverage.values("period")
        .annotate(s=Sum("supervised"), n=Sum("in_scope")).order_by("period")
        .values_list("period", "s", "n")
    )  # fmt: skip


def college_use_by_month(site: Site):
    return list(site.staff_college_use.order_by("period").values_list("period", "staff_learners"))


# --- Policies and risk --------------------------------------------------------------------------


def site_policies(site: Site) -> QuerySet[Policy]:
    latest = PolicyReview.objects.filter(policy=OuterRef("pk")).order_by("-held_on", "-id")
    return site.policies.annotate(
        review_count=Count("reviews", distinct=True),
        last_reviewed=Subquery(latest.values("held_on")[:1]),
        last_outcome=Subquery(latest.values("outcome")[:1]),
        last_lived=Subquery(latest.values("lived_experience_reviewers")[:1]),
    ).order_by("kind", "title")


def site_policy(site: Site, public_id) -> Policy | None:
    return site.policies.filter(public_id=public_id).first()


def policy_reviews(policy: Policy):
    return list(policy.reviews.prefetch_related("reviewers").select_related("recorded_by"))


def safety_rows(site: Site):
    return (
        SafetyPlanning.objects.filter(site=site)
        .select_related("team")
        .order_by("-period", "team__name")
    )


def safety_by_month(site: Site):
    return list(
        site.safety_planning.values("period")
        .annotate(p=Sum("plans_in_place"), c=Sum("plans_coproduced")).order_by("period")
        .values_list("period", "p", "c")
    )  # fmt: skip


# --- Personalisation ----------------------------------------------------------------------------


def site_indicators(site: Site):
    from imroc.workforce.models import IndicatorValue

    latest = IndicatorValue.objects.filter(indicator=OuterRef("pk")).order_by("-period")
    return site.personalisation.annotate(
        value_count=Count("values", distinct=True),
        latest_period=Subquery(latest.values("period")[:1]),
        latest_num=Subquery(latest.values("numerator")[:1]),
        latest_den=Subquery(latest.values("denominator")[:1]),
    ).order_by("name")


def site_indicator(site: Site, public_id):
    return site.personalisation.filter(public_id=public_id).first()


# --- Partnerships -------------------------------------------------------------------------------


def site_agencies(site: Site):
    return site.partner_agencies.annotate(
        agreement_count=Count("agreements", distinct=True),
        activity_count=Count("activities", distinct=True),
        referrals_to=Sum("referrals__to_partner"),
        referrals_from=Sum("referrals__from_partner"),
    ).order_by("sector", "name")


def site_agency(site: Site, public_id):
    return site.partner_agencies.filter(public_id=public_id).first()


def agency_records(agency) -> dict:
    return {
        "agreements": list(agency.agreements.all()),
        "activities": list(agency.activities.all()[:20]),
        "referrals": list(agency.referrals.order_by("-period")[:24]),
    }


def referrals_by_month(site: Site):
    from imroc.workforce.models import ReferralCount

    return list(
        ReferralCount.objects.filter(agency__site=site).values("period")
        .annotate(t=Sum("to_partner"), f=Sum("from_partner")).order_by("period")
        .values_list("period", "t", "f")
    )  # fmt: skip


def ips_reviews(site: Site) -> QuerySet[IpsReview]:
    return site.ips_reviews.select_related("recorded_by")


def site_ips_review(site: Site, public_id) -> IpsReview | None:
    return site.ips_reviews.filter(public_id=public_id).first()


def employment_outcomes(site: Site) -> QuerySet[EmploymentOutcome]:
    return site.employment_outcomes.all()


# --- Charts -------------------------------------------------------------------------------------


def chart_links(site: Site) -> dict[str, object]:
    """Figure key -> the measure it was charted into."""
    return {link.figure: link.measure for link in site.workforce_charts.select_related("measure")}


def chart_link(site: Site, figure: str):
    return site.workforce_charts.select_related("measure").filter(figure=figure).first()


def plan_version(site: Site) -> int:
    plan = site_plan(site)
    return plan.version if plan else 1


# --- Dashboard ----------------------------------------------------------------------------------


def _scalar(qs, group: str, value):
    """A correlated subquery giving one aggregate per site."""
    from django.db.models import IntegerField

    return Subquery(
        qs.order_by().values(group).annotate(v=value).values("v")[:1], output_field=IntegerField()
    )


def dashboard_figures(site: Site, today: dt.date):
    """Every figure of the dashboard panel in one query, as attributes of the site row."""
    from django.db.models import DecimalField, F

    from imroc.workforce.models import (
        PartnerAgency,
        Policy,
        WorkforcePlan,
    )

    here = OuterRef("pk")
    in_post = PeerPost.objects.filter(
        Q(left_on__isnull=True) | Q(left_on__gt=today), cohort__site=here, appointed_on__lte=today
    )
    events = TrainingEvent.objects.filter(site=here)
    policies = Policy.objects.filter(site=here)
    ips = IpsReview.objects.filter(site=here).order_by("-held_on", "-id")
    return (
        Site.objects.filter(pk=site.pk)
        .annotate(
            wf_cohorts=_scalar(PeerCohort.objects.filter(site=here), "site", Count("pk")),
            wf_employed=_scalar(in_post, "cohort__site", Count("pk")),
            wf_fte=Subquery(in_post.order_by().values("cohort__site").annotate(v=Sum("fte")).values("v")[:1],
                            output_field=DecimalField(max_digits=8, decimal_places=2)),
            wf_teams_covered=_scalar(in_post.filter(team__isnull=False), "cohort__site", Count("team", distinct=True)),
            wf_teams=_scalar(Team.objects.filter(site=here), "site", Count("pk")),
            wf_events=_scalar(events, "site", Count("pk")),
            wf_events_lived=_scalar(events.filter(trainers__lived_experience=True), "site", Count("pk", distinct=True)),
            wf_attendees=_scalar(events, "site", Sum(F("staff_attended") + F("service_users_attended") + F("carers_attended"))),
            wf_latest_event=Subquery(events.order_by("-held_on").values("held_on")[:1]),
            wf_policies=_scalar(policies, "site", Count("pk")),
            wf_policies_lived=_scalar(policies.filter(reviews__lived_experience_reviewers__gt=0), "site", Count("pk", distinct=True)),
            wf_policies_overdue=_scalar(policies.filter(next_review_on__lt=today), "site", Count("pk")),
            wf_partners=_scalar(PartnerAgency.objects.filter(site=here), "site", Count("pk")),
            wf_ips_total=Subquery(ips.values("total")[:1]),
            wf_ips_on=Subquery(ips.values("held_on")[:1]),
            wf_target=Subquery(WorkforcePlan.objects.filter(site=here).values("training_target")[:1]),
        )
        .values()
        .get()
    )  # fmt: skip


def latest_coverage_rows(site: Site):
    latest = site.training_coverage.order_by("-period").values("period")[:1]
    return list(site.training_coverage.filter(period=Subquery(latest)))
