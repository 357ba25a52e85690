"""Site-scoped reads of questionnaires. A site sees the programme's instruments and its own."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from imroc.college.models import Learner
from imroc.programme.models import Site
from imroc.surveys.models import (
    Instrument,
    InstrumentVersion,
    KioskSession,
    ResponseLink,
    ScoreMeasure,
    SurveyResponse,
)


def _visible(site: Site) -> Q:
    return Q(site=site) | Q(site__isnull=True, programme_id=site.programme_id)


def instruments(site: Site) -> QuerySet[Instrument]:
    latest = InstrumentVersion.objects.filter(instrument=OuterRef("pk")).order_by("-number")
    answered = (
        SurveyResponse.objects.filter(instrument=OuterRef("pk"), site=site)
        .values("instrument")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        Instrument.objects.filter(_visible(site))
        .annotate(
            latest=Subquery(latest.values("number")[:1]),
            site_responses=Subquery(answered[:1]),
        )
        .order_by("title", "id")
    )


def instrument(site: Site, public_id) -> Instrument | None:
    return Instrument.objects.filter(_visible(site), public_id=public_id).first()


def versions(instrument: Instrument) -> list[InstrumentVersion]:
    return list(instrument.versions.select_related("published_by").order_by("-number"))


def current_version(instrument: Instrument) -> InstrumentVersion | None:
    return instrument.versions.select_related("instrument").order_by("-number").first()


def version(instrument: Instrument, public_id) -> InstrumentVersion | None:
    return instrument.versions.select_related("instrument").filter(public_id=public_id).first()


def open_links(site: Site, instrument: Instrument) -> list[ResponseLink]:
    return list(
        site.survey_links.filter(
            version__instrument=instrument, used_at__isnull=True, cancelled_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).select_related("version", "respondent")[:50]
    )  # fmt: skip


def link(site: Site, instrument: Instrument, public_id) -> ResponseLink | None:
    return (
        site.survey_links.filter(version__instrument=instrument, public_id=public_id)
        .select_related("version__instrument", "respondent")
        .first()
    )


def open_kiosks(site: Site, instrument: Instrument) -> list[KioskSession]:
    return list(
        site.survey_kiosks.filter(
            version__instrument=instrument, closed_at__isnull=True, expires_at__gt=timezone.now()
        ).select_related("version")
    )


def kiosk(site: Site, instrument: Instrument, public_id) -> KioskSession | None:
    return (
        site.survey_kiosks.filter(version__instrument=instrument, public_id=public_id)
        .select_related("version__instrument")
        .first()
    )


def link_by_id(public_id) -> ResponseLink | None:
    return (
        ResponseLink.objects.filter(public_id=public_id)
        .select_related("version__instrument", "site__organisation")
        .first()
    )


def kiosk_by_id(public_id) -> KioskSession | None:
    return (
        KioskSession.objects.filter(public_id=public_id)
        .select_related("version__instrument", "site__organisation")
        .first()
    )


def result_rows(site: Site, instrument: Instrument) -> list[tuple]:
    """(completed_on, score, respondent id, mode, version number, band, subscales) per response."""
    return list(
        SurveyResponse.objects.filter(site=site, instrument=instrument)
        .order_by("completed_on", "id")
        .values_list(
            "completed_on", "score", "respondent_id", "mode", "version__number", "band",
            "subscale_scores",
        )
    )  # fmt: skip


def score_rows(site: Site, instrument: Instrument, score_key: str) -> list[tuple]:
    rows = SurveyResponse.objects.filter(site=site, instrument=instrument).order_by("completed_on")
    if score_key == "total":
        return list(rows.values_list("completed_on", "score"))
    return [(day, subs.get(score_key)) for day, subs in rows.values_list("completed_on", "subscale_scores")]  # fmt: skip


def export_responses(site: Site, instrument: Instrument) -> QuerySet[SurveyResponse]:
    return (
        SurveyResponse.objects.filter(site=site, instrument=instrument)
        .select_related("version__instrument", "respondent")
        .order_by("completed_on", "id")
    )


def score_measures(site: Site, instrument: Instrument) -> list[ScoreMeasure]:
    return list(site.survey_score_measures.filter(instrument=instrument).select_related("measure"))


def learners(site: Site) -> QuerySet[Learner]:
    return Learner.objects.filter(college__site=site, erased_at__isnull=True).order_by("name", "id")


def dashboard_figures(site: Site) -> dict:
    """Responses at the site, in one query."""
    year_ago = timezone.localdate().replace(day=1).replace(year=timezone.localdate().year - 1)
    return site.survey_responses.aggregate(
        total=Count("id"),
        last_year=Count("id", filter=Q(completed_on__gte=year_ago)),
        instruments=Count("instrument", distinct=True),
    )
