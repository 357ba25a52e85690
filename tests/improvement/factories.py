from __future__ import annotations

import datetime as dt

import factory

from imroc.improvement.models import Goal, PdsaCycle


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    title = factory.Sequence(lambda n: f"Goal {n}")
    target_level = 2
    target_date = dt.date(2013, 3, 31)
    status = Goal.Status.ACTIVE


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PdsaCycle

    change_idea = factory.Sequence(lambda n: f"Change idea {n}")
    objective = "Learn whether it helps"
    who = "The ward team"
    starts_on = dt.date(2011, 9, 1)
    ends_on = dt.date(2011, 9, 30)
    prediction = "People will feel more involved"
