"""Site-scoped reads of measures. Each returns a fixed number of queries, whatever the data."""

from __future__ import annotations

from collections import defaultdict

from django.db import connection
from django.db.models import CharField, Count, Q, QuerySet
from django.db.models.functions import Cast

from imroc.improvement.models import Goal, PdsaCycle
from imroc.measures.models import (
    Annotation,
    DataPoint,
    Measure,
    MeasureCycleLink,
    MeasureImport,
    ProgrammeMeasure,
    Rebase,
)
from imroc.programme.models import Programme, Site


def site_measures(site: Site) -> QuerySet[Measure]:
    return site.measures.select_related("owner", "team", "shared", "challenge").order_by(
        "name", "id"
    )


def site_measure(site: Site, public_id) -> Measure | None:
    return (
        site.measures.select_related("owner", "team", "shared", "challenge", "site")
        .filter(public_id=public_id)
        .first()
    )


def goal_measures(goal: Goal) -> list[Measure]:
    """Measures linked to the goal, or to one of its PDSA cycles."""
    return list(
        Measure.objects.filter(site_id=goal.site_id)
        .filter(Q(goals=goal) | Q(cycle_links__cycle__goal=goal))
        .distinct()
        .order_by("name", "id")
    )


def points_by_measure(measure_ids) -> dict[int, list[tuple]]:
    """(period, value, numerator, denominator) per measure, in period order: one query."""
    out: dict[int, list[tuple]] = defaultdict(list)
    rows = (
        DataPoint.objects.filter(measure_id__in=measure_ids)
        .order_by("measure_id", "period")
        .values_list("measure_id", "period", "value", "numerator", "denominator")
    )
    for measure_id, *rest in rows.iterator(chunk_size=5000):
        out[measure_id].append(tuple(rest))
    return out


def point_rows_by_measure(measure_ids) -> dict[int, list[tuple]]:
    """Like points_by_measure, with periods as ISO text ("2021-03-01"): cheaper for big boards."""
    out: dict[int, list[tuple]] = defaultdict(list)
    rows = (
        DataPoint.objects.filter(measure_id__in=measure_ids)
        .order_by("measure_id", "period")
        .values_list("measure_id", Cast("period", CharField()), "value", "numerator", "denominator")
    )
    for row in rows.iterator(chunk_size=5000):
        out[row[0]].append(row[1:])
    return out


def measures_stamp(site: Site) -> tuple:
    """What changes whenever any of a site's measures, data points or rebases is added, changed
    or removed: their counts and latest updated_at. One query; every write path (forms, imports,
    bulk upserts, corrections) sets updated_at, so a cache keyed by this is never stale."""
    qn = connection.ops.quote_name
    m, p, r = (qn(model._meta.db_table) for model in (Measure, DataPoint, Rebase))
    sql = (
        f"SELECT COUNT(*), MAX(m.updated_at) FROM {m} m WHERE m.site_id = %s "  # noqa: S608  # nosec
        f"UNION ALL SELECT COUNT(*), MAX(p.updated_at) FROM {p} p "
        f"JOIN {m} m ON m.id = p.measure_id WHERE m.site_id = %s "
        f"UNION ALL SELECT COUNT(*), MAX(r.updated_at) FROM {r} r "
        f"JOIN {m} m ON m.id = r.measure_id WHERE m.site_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [site.pk, site.pk, site.pk])
        return tuple(cursor.fetchall())


def rebases_by_measure(measure_ids) -> dict[int, list[Rebase]]:
    out: dict[int, list[Rebase]] = defaultdict(list)
    for r in Rebase.objects.filter(measure_id__in=measure_ids).order_by("period"):
        out[r.measure_id].append(r)
    return out


def annotations_by_measure(measure_ids) -> dict[int, list[Annotation]]:
    out: dict[int, list[Annotation]] = defaultdict(list)
    for a in Annotation.objects.filter(measure_id__in=measure_ids).select_related("created_by"):
        out[a.measure_id].append(a)
    return out


def cycles_by_measure(measure_ids) -> dict[int, list[PdsaCycle]]:
    out: dict[int, list[PdsaCycle]] = defaultdict(list)
    links = MeasureCycleLink.objects.filter(measure_id__in=measure_ids).select_related(
        "cycle", "cycle__goal"
    )
    for link in links:
        out[link.measure_id].append(link.cycle)
    return out


def measure_points(measure: Measure) -> QuerySet[DataPoint]:
    return measure.points.select_related("entered_by").order_by("period")


def measure_point(measure: Measure, period) -> DataPoint | None:
    return measure.points.filter(period=period).first()


def point_revisions(measure: Measure):
    return measure.points.filter(revision__gt=1).prefetch_related("revisions")


def site_cycles(site: Site) -> QuerySet[PdsaCycle]:
    return (
        PdsaCycle.objects.filter(goal__site=site).select_related("goal").order_by("starts_on", "id")
    )


def site_cycle(site: Site, public_id) -> PdsaCycle | None:
    return site_cycles(site).filter(public_id=public_id).first()


def goal_cycles(goal: Goal) -> list[PdsaCycle]:
    return list(goal.cycles.order_by("starts_on", "id"))


def site_goals(site: Site) -> QuerySet[Goal]:
    return site.goals.select_related("challenge").order_by("challenge__number", "title")


def measure_import(measure: Measure, token: str, user) -> MeasureImport | None:
    return measure.imports.filter(token=token, created_by=user).first()


def programme_measures(programme: Programme) -> QuerySet[ProgrammeMeasure]:
    return programme.shared_measures.order_by("name")


def programme_measure(programme: Programme, public_id) -> ProgrammeMeasure | None:
    return programme.shared_measures.filter(public_id=public_id).first()


def adoption_counts(programme: Programme) -> dict[int, int]:
    return dict(programme.shared_measures.annotate(n=Count("adoptions")).values_list("pk", "n"))


def adopted_shared_ids(site: Site) -> set[int]:
    return set(site.measures.filter(shared__isnull=False).values_list("shared_id", flat=True))
