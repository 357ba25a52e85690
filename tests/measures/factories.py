"""Factories for measures. They write directly: they build fixtures, not user actions."""

from __future__ import annotations

import datetime as dt

import factory

from imroc.measures.models import DataPoint, Measure, MeasureImport, ProgrammeMeasure


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    name = factory.Sequence(lambda n: f"Measure {n}")
    definition = "What the measure counts"
    kind = "outcome"
    data_type = "continuous"
    chart_type = "xmr"
    improvement = "increase"
    frequency = "monthly"


class ProgrammeMeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeMeasure

    name = factory.Sequence(lambda n: f"Programme measure {n}")
    definition = "What every site counts"
    kind = "process"
    data_type = "proportion"
    chart_type = "p"
    improvement = "increase"
    frequency = "monthly"


class DataPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataPoint

    period = dt.date(2012, 1, 1)
    value = 1.0


class ImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasureImport

    token = factory.Sequence(lambda n: f"token-{n:06d}")
    rows = factory.LazyFunction(list)


def months(start: dt.date, count: int) -> list[dt.date]:
    out, y, m = [], start.year, start.month
    for _ in range(count):
        out.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def add_points(measure, values, start=dt.date(2012, 1, 1)):
    """Monthly points from ``start``; None leaves a gap."""
    points = [
        DataPoint(measure=measure, period=p, value=v)
        for p, v in zip(months(start, len(values)), values, strict=True)
        if v is not None
    ]
    DataPoint.objects.bulk_create(points)
    return points
