"""The board report's plain-English summary: fixed rules turn the figures into sentences.

No model writes these words. Each rule reads a few numbers from ``Facts`` and gives at most
a sentence or two, so a board can trust that every sentence says what the data says.

Every sentence is one translatable message with named placeholders; counts use ``ngettext``
so that languages with more plural forms (Welsh has four) can say them properly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


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
    """'1 goal', '3 goals' (English only: for command-line and log text, not the report)."""
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def join_words(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c', in the active language."""
    if len(parts) <= 1:
        return "".join(parts)
    # Translators: joins the last item of a list to the others, as in "1 adopted, 4 adapted
    # and 1 abandoned". %(items)s is the earlier items, separated by commas.
    return _("%(items)s and %(last)s") % {"items": ", ".join(parts[:-1]), "last": parts[-1]}


def _month(day: dt.date) -> str:
    """'June 2011', with the month named in the active language."""
    return dateformat.format(day, "F Y")


def progress(f: Facts) -> list[str]:
    if f.latest_on is None:
        return [
            _(
                "No self-assessment round had been closed by the end of the period, so there "
                "is no agreed stage to report yet."
            )
        ]
    out = []
    n = f.stages_compared
    if f.baseline_on == f.latest_on or n == 0:
        out.append(
            _(
                "The baseline self-assessment was agreed in %(month)s. There is no later round "
                "to compare it with yet."
            )
            % {"month": _month(f.latest_on)}
        )
    elif f.stages_up == 0 and f.stages_down == 0:
        out.append(
            ngettext(
                "Since the baseline in %(baseline)s, the agreed stage has not changed on any of "
                "the %(count)d challenge.",
                "Since the baseline in %(baseline)s, the agreed stage has not changed on any of "
                "the %(count)d challenges.",
                n,
            )
            % {"baseline": _month(f.baseline_on), "count": n}
        )
    else:
        values = {
            "baseline": _month(f.baseline_on),
            "latest": _month(f.latest_on),
            "up": f.stages_up,
            "down": f.stages_down,
            "count": n,
        }
        if f.stages_up and f.stages_down:
            text = ngettext(
                "Since the baseline in %(baseline)s, the agreed stage has risen on %(up)d and "
                "fallen on %(down)d of the %(count)d challenge (latest round: %(latest)s).",
                "Since the baseline in %(baseline)s, the agreed stage has risen on %(up)d and "
                "fallen on %(down)d of the %(count)d challenges (latest round: %(latest)s).",
                n,
            )
        elif f.stages_up:
            text = ngettext(
                "Since the baseline in %(baseline)s, the agreed stage has risen on %(up)d of "
                "the %(count)d challenge (latest round: %(latest)s).",
                "Since the baseline in %(baseline)s, the agreed stage has risen on %(up)d of "
                "the %(count)d challenges (latest round: %(latest)s).",
                n,
            )
        else:
            text = ngettext(
                "Since the baseline in %(baseline)s, the agreed stage has fallen on %(down)d of "
                "the %(count)d challenge (latest round: %(latest)s).",
                "Since the baseline in %(baseline)s, the agreed stage has fallen on %(down)d of "
                "the %(count)d challenges (latest round: %(latest)s).",
                n,
            )
        out.append(text % values)
    if f.rounds_in_period:
        out.append(
            ngettext(
                "%(count)d self-assessment round was held in this period.",
                "%(count)d self-assessment rounds were held in this period.",
                f.rounds_in_period,
            )
            % {"count": f.rounds_in_period}
        )
    return out


def goals(f: Facts) -> list[str]:
    if f.goals_open == 0 and f.goals_achieved == 0:
        return [_("The site has no open or achieved goals.")]
    out = [
        ngettext(
            "The site has %(count)d open goal and has achieved %(achieved)d.",
            "The site has %(count)d open goals and has achieved %(achieved)d.",
            f.goals_open,
        )
        % {"count": f.goals_open, "achieved": f.goals_achieved}
    ]
    if f.goals_overdue:
        out.append(
            ngettext(
                "%(count)d goal review is overdue.",
                "%(count)d goal reviews are overdue.",
                f.goals_overdue,
            )
            % {"count": f.goals_overdue}
        )
    return out


def decision_counts(
    adopted: int, adapted: int, abandoned: int, *, keep_zeros: bool = False
) -> list[str]:
    """'1 adopted', '4 adapted', '1 abandoned': the decisions made, leaving out the zeros."""
    parts = []
    if adopted or keep_zeros:
        # Translators: the number of PDSA cycles whose change was adopted.
        parts.append(
            ngettext("%(count)d adopted", "%(count)d adopted", adopted) % {"count": adopted}
        )
    if adapted or keep_zeros:
        # Translators: the number of PDSA cycles whose change was adapted.
        parts.append(
            ngettext("%(count)d adapted", "%(count)d adapted", adapted) % {"count": adapted}
        )
    if abandoned or keep_zeros:
        # Translators: the number of PDSA cycles whose change was abandoned.
        parts.append(
            ngettext("%(count)d abandoned", "%(count)d abandoned", abandoned) % {"count": abandoned}
        )
    return parts


def cycles(f: Facts) -> list[str]:
    if not f.cycles_completed:
        return [_("No PDSA cycles were completed in this period.")]
    parts = decision_counts(f.cycles_adopted, f.cycles_adapted, f.cycles_abandoned)
    return [
        # Translators: %(decisions)s is a list such as "1 adopted, 4 adapted and 1 abandoned".
        ngettext(
            "%(count)d PDSA cycle was completed in this period: %(decisions)s.",
            "%(count)d PDSA cycles were completed in this period: %(decisions)s.",
            f.cycles_completed,
        )
        % {"count": f.cycles_completed, "decisions": join_words(parts)}
    ]


def measures(f: Facts) -> list[str]:
    if not f.measures:
        return [_("The site does not track any measures yet.")]
    if not f.measures_improving and not f.measures_concern:
        return [
            ngettext(
                "None of the %(count)d measure shows a special-cause signal now: they vary only "
                "as they usually do.",
                "None of the %(count)d measures shows a special-cause signal now: they vary only "
                "as they usually do.",
                f.measures,
            )
            % {"count": f.measures}
        ]
    improving = ngettext(
        "%(count)d shows special-cause improvement",
        "%(count)d show special-cause improvement",
        f.measures_improving,
    ) % {"count": f.measures_improving}
    concern = ngettext(
        "%(count)d shows special-cause concern",
        "%(count)d show special-cause concern",
        f.measures_concern,
    ) % {"count": f.measures_concern}
    return [
        # Translators: %(improving)s is "2 show special-cause improvement" and %(concern)s is
        # "1 shows special-cause concern", each translated on its own.
        ngettext(
            "Of %(count)d measure, %(improving)s and %(concern)s.",
            "Of %(count)d measures, %(improving)s and %(concern)s.",
            f.measures,
        )
        % {"count": f.measures, "improving": improving, "concern": concern}
    ]


def coproduction(f: Facts) -> list[str]:
    out = []
    if f.ratings:
        if f.lived_ratings == 0:
            out.append(
                ngettext(
                    "None of the %(count)d self-assessment rating came from service users or "
                    "carers.",
                    "None of the %(count)d self-assessment ratings came from service users or "
                    "carers.",
                    f.ratings,
                )
                % {"count": f.ratings}
            )
        else:
            share = round(100 * f.lived_ratings / f.ratings)
            out.append(
                ngettext(
                    "Service users and carers gave %(share)d%% of the %(count)d "
                    "self-assessment rating.",
                    "Service users and carers gave %(share)d%% of the %(count)d "
                    "self-assessment ratings.",
                    f.ratings,
                )
                % {"share": share, "count": f.ratings}
            )
    if f.co_lead_share is not None:
        out.append(
            _("%(share)s%% of goals have a lived-experience co-lead.") % {"share": f.co_lead_share}
        )
    return out


def college(f: Facts) -> list[str]:
    if f.college_runs is None:
        return [_("The site has no recovery college yet.")]
    if f.college_runs == 0:
        return [_("The recovery college has not run any courses yet.")]
    return [
        ngettext(
            "%(share)s%% of the college's %(count)d course run were co-delivered by a peer "
            "trainer and a practitioner.",
            "%(share)s%% of the college's %(count)d course runs were co-delivered by a peer "
            "trainer and a practitioner.",
            f.college_runs,
        )
        % {"share": f.college_co_delivered_share, "count": f.college_runs}
    ]


def workforce(f: Facts) -> list[str]:
    out = [
        ngettext(
            "%(count)d peer support worker is in post.",
            "%(count)d peer support workers are in post.",
            f.peer_workers,
        )
        % {"count": f.peer_workers}
    ]
    if f.training_coverage is not None and f.training_target is not None:
        values = {"coverage": f.training_coverage, "target": f.training_target}
        if f.training_coverage >= f.training_target:
            text = _(
                "%(coverage)s%% of staff in scope have had recovery training, meeting the "
                "target of %(target)s%%."
            )
        else:
            text = _(
                "%(coverage)s%% of staff in scope have had recovery training, below the "
                "target of %(target)s%%."
            )
        out.append(text % values)
    return out


RULES = (progress, goals, cycles, measures, coproduction, college, workforce)


def summary_sentences(facts: Facts) -> list[str]:
    """Every rule's sentences, in the order the report's sections come."""
    return [sentence for rule in RULES for sentence in rule(facts)]
