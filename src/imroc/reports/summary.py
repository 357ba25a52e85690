"""The board report's plain-English summary: fixed rules turn the figures into sentences.

No model writes these words. Each rule reads a few numbers from ``Facts`` and gives at most
a sentence or two, so a board can trust that every sentence says what the data says.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Facts:
    site: str
    baseline_on: dt.date | None = None
    latest_on: dt.date | None = None
    challenges: int = 0
    stages_up: int = 0
    stages_down: int = 0
    stages_compared: int = 0
    rounds_in_period: int = 0
    goals_open: int = 0
    goals_achieved: int = 0
    goals_overdue: int = 0
    cycles_completed: int = 0
    cycles_adopted: int = 0
    cycles_adapted: int = 0
    cycles_abandoned: int = 0
    measures: int = 0
    measures_improving: int = 0
    measures_concern: int = 0
    ratings: int = 0
    lived_ratings: int = 0
    co_lead_share: int | None = None
    college_runs: int | None = None  # None: the site has no college
    college_co_delivered_share: int | None = None
    peer_workers: int = 0
    training_coverage: int | None = None
    training_target: int | None = None


def count(n: int, singular: str, plural: str | None = None) -> str:
    """'1 goal', '3 goals'."""
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def join_words(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _month(day: dt.date) -> str:
    return f"{day:%B %Y}"


def progress(f: Facts) -> list[str]:
    if f.latest_on is None:
        return [
            "No self-assessment round had been closed by the end of the period, so there is "
            "no agreed stage to report yet."
        ]
    out = []
    if f.baseline_on == f.latest_on or f.stages_compared == 0:
        out.append(
            f"The baseline self-assessment was agreed in {_month(f.latest_on)}. There is no "
            "later round to compare it with yet."
        )
    elif f.stages_up == 0 and f.stages_down == 0:
        out.append(
            f"Since the baseline in {_month(f.baseline_on)}, the agreed stage has not changed "
            f"on any of the {count(f.stages_compared, 'challenge')}."
        )
    else:
        text = f"Since the baseline in {_month(f.baseline_on)}, the agreed stage has "
        parts = []
        if f.stages_up:
            parts.append(f"risen on {f.stages_up}")
        if f.stages_down:
            parts.append(f"fallen on {f.stages_down}")
        out.append(
            text + join_words(parts) + f" of the {count(f.stages_compared, 'challenge')} "
            f"(latest round: {_month(f.latest_on)})."
        )
    if f.rounds_in_period:
        verb = "was" if f.rounds_in_period == 1 else "were"
        out.append(
            f"{count(f.rounds_in_period, 'self-assessment round')} {verb} held in this period."
        )
    return out


def goals(f: Facts) -> list[str]:
    if f.goals_open == 0 and f.goals_achieved == 0:
        return ["The site has no open or achieved goals."]
    out = [f"The site has {count(f.goals_open, 'open goal')} and has achieved {f.goals_achieved}."]
    if f.goals_overdue:
        verb = "is" if f.goals_overdue == 1 else "are"
        out.append(f"{count(f.goals_overdue, 'goal review')} {verb} overdue.")
    return out


def cycles(f: Facts) -> list[str]:
    if not f.cycles_completed:
        return ["No PDSA cycles were completed in this period."]
    parts = [
        f"{n} {word}"
        for n, word in (
            (f.cycles_adopted, "adopted"),
            (f.cycles_adapted, "adapted"),
            (f.cycles_abandoned, "abandoned"),
        )
        if n
    ]
    verb = "was" if f.cycles_completed == 1 else "were"
    return [
        f"{count(f.cycles_completed, 'PDSA cycle')} {verb} completed in this period: "
        f"{join_words(parts)}."
    ]


def measures(f: Facts) -> list[str]:
    if not f.measures:
        return ["The site does not track any measures yet."]
    if not f.measures_improving and not f.measures_concern:
        return [
            f"None of the {count(f.measures, 'measure')} shows a special-cause signal now: "
            "they vary only as they usually do."
        ]

    def shows(n):
        return f"{n} show{'s' if n == 1 else ''}"

    return [
        f"Of {count(f.measures, 'measure')}, {shows(f.measures_improving)} special-cause "
        f"improvement and {shows(f.measures_concern)} special-cause concern."
    ]


def coproduction(f: Facts) -> list[str]:
    out = []
    if f.ratings:
        if f.lived_ratings == 0:
            out.append(
                f"None of the {count(f.ratings, 'self-assessment rating')} came from service "
                "users or carers."
            )
        else:
            share = round(100 * f.lived_ratings / f.ratings)
            out.append(
                f"Service users and carers gave {share}% of the "
                f"{count(f.ratings, 'self-assessment rating')}."
            )
    if f.co_lead_share is not None:
        out.append(f"{f.co_lead_share}% of goals have a lived-experience co-lead.")
    return out


def college(f: Facts) -> list[str]:
    if f.college_runs is None:
        return ["The site has no recovery college yet."]
    if f.college_runs == 0:
        return ["The recovery college has not run any courses yet."]
    return [
        f"{f.college_co_delivered_share}% of the college's {count(f.college_runs, 'course run')} "
        "were co-delivered by a peer trainer and a practitioner."
    ]


def workforce(f: Facts) -> list[str]:
    verb = "is" if f.peer_workers == 1 else "are"
    out = [f"{count(f.peer_workers, 'peer support worker')} {verb} in post."]
    if f.training_coverage is not None and f.training_target is not None:
        met = "meeting" if f.training_coverage >= f.training_target else "below"
        out.append(
            f"{f.training_coverage}% of staff in scope have had recovery training, {met} the "
            f"target of {f.training_target}%."
        )
    return out


RULES = (progress, goals, cycles, measures, coproduction, college, workforce)


def summary_sentences(facts: Facts) -> list[str]:
    """Every rule's sentences, in the order the report's sections come."""
    return [sentence for rule in RULES for sentence in rule(facts)]
