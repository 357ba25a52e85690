"""Factories for workforce records. They write directly: they build fixtures, not user actions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from imroc.workforce.models import (
    Indicator,
    IpsReview,
    PartnerAgency,
    PeerCohort,
    PeerPost,
    Policy,
    PolicyReview,
    TrainingCoverage,
    TrainingEvent,
)


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PeerCohort

    name = factory.Sequence(lambda n: f"Cohort {n}")
    started_on = dt.date(2012, 1, 1)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PeerPost

    label = factory.Sequence(lambda n: f"Peer support worker {n}")
    fte = Decimal("1.00")


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingEvent

    topic = factory.Sequence(lambda n: f"Joint training {n}")
    held_on = dt.date(2013, 5, 1)
    capacity = 20
    staff_attended = 8
    service_users_attended = 6


class CoverageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingCoverage

    period = dt.date(2013, 1, 1)
    profession = "all"
    trained = 10
    in_scope = 40


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Policy

    title = factory.Sequence(lambda n: f"Policy {n}")
    kind = Policy.Kind.RISK


class PolicyReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyReview

    held_on = dt.date(2013, 1, 10)
    outcome = PolicyReview.Outcome.NO_CHANGE


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerAgency

    name = factory.Sequence(lambda n: f"Partner {n}")
    sector = PartnerAgency.Sector.HOUSING


class IpsReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IpsReview

    held_on = dt.date(2013, 6, 1)
    service = "IPS service"
    scores = factory.LazyFunction(lambda: [4] * 25)
    total = 100
    reviewers = "IPS trainer"


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    name = factory.Sequence(lambda n: f"Indicator {n}")
    definition = "Who is counted, out of whom"


def workforce_samples(site) -> dict:
    """One real object of the site for every workforce URL keyword (for the access walk)."""
    cohort = CohortFactory(site=site)
    agency = AgencyFactory(site=site)
    return {
        "cohort": cohort.public_id,
        "post": PostFactory(cohort=cohort).public_id,
        "event": EventFactory(site=site).public_id,
        "indicator": IndicatorFactory(site=site).public_id,
        "figure": "peer-workers",
        "policy": PolicyFactory(site=site).public_id,
        "agency": agency.public_id,
        "review": IpsReviewFactory(site=site).public_id,
    }
