"""Demonstration measures: shared programme measures, and 3 to 8 measures per demonstration and
pilot site with 30 to 60 months of plausible data from 2011. Some show a real change after a
dated PDSA cycle (or, where the site has none, a dated note); the rest are common-cause noise.

Call ``build_demo(programme, rng)`` after the sites, their people and any goals exist.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

from django.utils import timezone

from imroc.core.audit import SystemActor
from imroc.measures import services
from imroc.measures.models import DataPoint, DataType, ProgrammeMeasure
from imroc.programme.models import Category, Programme, Site, SiteRole


@dataclass(frozen=True)
class Template:
    name: str
    definition: str
    kind: str
    data_type: str
    improvement: str
    unit: str = ""
    level: float = 0.0  # typical value: mean, share (0-1), events per period or per 1,000
    spread: float = 0.0  # for continuous data: the standard deviation
    change: float = 0.0  # size of a real improvement, in the same terms as level
    target: float | None = None
    rate_per: int = 1
    chart_type: str = ""


SHARED = [
    Template(
        "Staff who completed co-produced recovery training",
        "The share of clinical staff who have completed recovery training that was designed and "
        "delivered with people with lived experience. Counted from training records on the last "
        "day of the month.",
        "process", DataType.PROPORTION, "increase", level=0.35, change=0.25, target=80,
    ),
    Template(
        "Peer support workers employed",
        "How many peer support workers (people employed for their lived experience of mental "
        "health problems) the organisation employs, counted as whole-time equivalents at month end.",
        "process", DataType.CONTINUOUS, "increase", unit="WTE", level=6, spread=0.8, change=4,
    ),
    Template(
        "Recovery college enrolments",
        "How many people enrolled on a recovery college course in the month: service users, "
        "carers and staff.",
        "outcome", DataType.COUNT, "increase", unit="enrolments", level=22, change=14,
    ),
]  # fmt: skip

SITE_POOL = [
    Template(
        "People with a co-produced care plan",
        "Of the people on the caseload audited each month, how many have a care plan they wrote "
        "with their care coordinator, in their own words.",
        "outcome", DataType.PROPORTION, "increase", level=0.45, change=0.2, target=75,
    ),
    Template(
        "Days between restraint incidents",
        "Days from one physical restraint on the wards to the next. Longer gaps are better.",
        "outcome", DataType.BETWEEN, "increase", unit="days", level=9, change=12,
    ),
    Template(
        "Wait for a first appointment",
        "Average number of days from referral to first appointment in community teams.",
        "process", DataType.CONTINUOUS, "decrease", unit="days", level=24, spread=3.5, change=-8, target=14,
    ),
    Template(
        "Complaints about staff attitude",
        "Formal complaints in the month that mention staff attitude or respect.",
        "balancing", DataType.COUNT, "decrease", unit="complaints", level=6, change=-3,
    ),
    Template(
        "Self-harm incidents on the wards",
        "Incidents of self-harm on inpatient wards per 1,000 occupied bed days.",
        "outcome", DataType.RATE, "decrease", unit="bed days", level=4.0, change=-1.8, rate_per=1000,
    ),
    Template(
        "Average personal recovery score",
        "Average QPR (Questionnaire about the Process of Recovery) score of people completing it "
        "in the month, from 0 to 60.",
        "outcome", DataType.CONTINUOUS, "increase", unit="points", level=34, spread=2.2, change=5, target=40,
    ),
    Template(
        "Readmissions within 30 days",
        "Of the people discharged from a ward in the month, how many were readmitted within 30 days.",
        "balancing", DataType.PROPORTION, "decrease", level=0.12, change=-0.05,
    ),
    Template(
        "Staff sickness absence",
        "Percentage of working days lost to sickness in the month.",
        "balancing", DataType.CONTINUOUS, "decrease", unit="%", level=5.2, spread=0.6, change=0,
    ),
]  # fmt: skip

FIRST_MONTH = dt.date(2011, 4, 1)
CHANGES = [
    "Peer support workers join ward rounds",
    "Care plans written in the person's own words",
    "Recovery college taster sessions in every team",
    "Daily safety huddles with service users",
    "Co-produced welcome pack for new admissions",
]


def _add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + y, m + 1, 1)


def _poisson(rng: random.Random, lam: float) -> int:
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    # Knuth's method: fine for the small means used here.
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _rows(
    t: Template, periods: list[dt.date], change_at: int | None, rng: random.Random
) -> list[dict]:
    rows = []
    for i, period in enumerate(periods):
        shift = t.change if change_at is not None and i >= change_at else 0.0
        if t.data_type == DataType.PROPORTION:
            den = rng.randint(40, 140)
            p = min(max(t.level + shift, 0.01), 0.99)
            num = min(den, max(0, round(rng.gauss(den * p, math.sqrt(den * p * (1 - p))))))
            rows.append(
                {
                    "period": period,
                    "value": num / den,
                    "numerator": float(num),
                    "denominator": float(den),
                }
            )
        elif t.data_type == DataType.RATE:
            exposure = float(round(rng.gauss(2600, 180)))
            count = _poisson(rng, max(t.level + shift, 0.2) * exposure / t.rate_per)
            rows.append(
                {
                    "period": period,
                    "value": count / exposure,
                    "numerator": float(count),
                    "denominator": exposure,
                }
            )
        elif t.data_type == DataType.COUNT:
            rows.append(
                {"period": period, "value": float(_poisson(rng, max(t.level + shift, 0.5)))}
            )
        elif t.data_type == DataType.BETWEEN:
            mean = max(t.level + shift, 1.0)
            rows.append({"period": period, "value": float(round(rng.expovariate(1 / mean)))})
        else:
            value = t.level + shift + rng.gauss(0, t.spread)
            rows.append({"period": period, "value": round(max(value, 0.0), 1)})
    return rows


def _definition(t: Template) -> dict:
    return {
        "name": t.name, "definition": t.definition, "kind": t.kind, "unit": t.unit,
        "data_type": t.data_type, "chart_type": t.chart_type, "improvement": t.improvement,
        "frequency": "monthly", "week_starts_on": 0, "rate_per": t.rate_per,
    }  # fmt: skip


def _shared_measures(programme: Programme, actor) -> list[tuple[ProgrammeMeasure, Template]]:
    existing = {m.name: m for m in programme.shared_measures.all()}
    out = []
    for t in SHARED:
        shared = existing.get(t.name) or services.create_programme_measure(
            programme, actor=actor, **_definition(t)
        )
        out.append((shared, t))
    return out


def _owner(site: Site):
    membership = (
        site.memberships.filter(role__in=[SiteRole.LEAD, SiteRole.MEMBER])
        .select_related("user")
        .order_by("role", "id")
        .first()
    )
    return membership.user if membership else None


def build_demo(programme: Programme, rng: random.Random, actor=None) -> int:
    """Add demonstration measures to every demonstration and pilot site; return how many."""
    from imroc.improvement.models import PdsaCycle

    actor = actor or SystemActor("demo")
    shared = _shared_measures(programme, actor)
    today = timezone.localdate()
    created = 0
    sites = programme.sites.filter(
        category__in=[Category.DEMONSTRATION, Category.PILOT]
    ).select_related("organisation")
    for site in sites:
        if site.measures.exists():
            continue
        owner = _owner(site)
        cycles = list(PdsaCycle.objects.filter(goal__site=site).order_by("starts_on", "id"))
        how_many = rng.randint(3, 8)
        adopt = rng.sample(shared, rng.randint(1, len(shared)))
        own = rng.sample(SITE_POOL, max(0, how_many - len(adopt)))
        for index, (entry, template) in enumerate([*adopt, *((None, t) for t in own)]):
            start = _add_months(FIRST_MONTH, rng.randint(0, 14))
            months = rng.randint(30, 60)
            periods = [p for p in (_add_months(start, k) for k in range(months)) if p <= today]
            # Every other measure shows a real change; the rest are common-cause noise.
            signal = index % 2 == 0 and template.change != 0
            cycle, change_at = None, None
            if signal:
                usable = [
                    c for c in cycles if periods[12] <= c.starts_on.replace(day=1) <= periods[-10]
                ]
                if usable:
                    cycle = rng.choice(usable)
                    change_at = periods.index(cycle.starts_on.replace(day=1)) + 1
                else:
                    change_at = rng.randint(16, len(periods) - 10)
            target = template.target
            fields = {
                "owner": owner,
                "target": target,
                "target_date": dt.date(2016, 3, 31) if target else None,
            }
            if entry is not None:
                measure = services.adopt_measure(site, entry, actor=actor, **fields)
            else:
                measure = services.create_measure(
                    site, actor=actor, **_definition(template), **fields
                )
            rows = _rows(template, periods, change_at, rng)
            # Drop a period now and then: missing data shows as a gap, never as a zero.
            if len(rows) > 30 and rng.random() < 0.4:
                rows.pop(rng.randint(5, len(rows) - 5))
            services.load_points(measure, rows, actor=actor, source=DataPoint.Source.DEMO)
            if cycle is not None:
                services.link_cycle(measure, cycle, actor=actor)
            elif change_at is not None:
                idea = rng.choice(CHANGES)
                services.add_annotation(
                    measure, actor=actor, on=periods[change_at - 1] + dt.timedelta(days=9),
                    text=f"Change adopted after a PDSA test: {idea.lower()}",
                )  # fmt: skip
            created += 1
    return created
