from __future__ import annotations

import datetime as dt

import factory

from imroc.assessment.models import AssessmentRound, Consensus, Rating


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentRound

    title = factory.Sequence(lambda n: f"Round {n}")
    held_on = dt.date(2011, 6, 1)


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rating

    stakeholder_group = "staff"
    level = 1


class ConsensusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consensus

    level = 1
