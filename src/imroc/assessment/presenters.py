"""Turn rounds and ratings into what the pages show, so templates hold no logic."""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import mean

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from imroc.assessment.models import LIVED_EXPERIENCE_GROUPS, STAFF_GROUPS, AssessmentRound
from imroc.framework.models import Challenge
from imroc.programme.models import StakeholderGroup

# A gap this large between staff and lived-experience ratings is worth talking about.
DIVERGENCE_FLAG = 1.0
LEVEL_NAMES = {
    0: _("Not yet started"),
    1: _("Engagement"),
    2: _("Development"),
    3: _("Transformation"),
}


def level_name(level: int | None) -> str:
    return "–" if level is None else LEVEL_NAMES.get(level, str(level))


@dataclass
class ChallengeRow:
    challenge: Challenge
    ratings: list  # one entry per stakeholder group, in GROUPS order: a Rating or None
    consensus: object | None
    baseline_level: int | None
    previous_level: int | None
    staff_mean: float | None = None
    lived_mean: float | None = None

    @property
    def lived_experience_rated(self) -> bool:
        return any(r is not None and r.is_lived_experience for r in self.ratings)

    @property
    def consensus_without_lived_experience(self) -> bool:
        return self.consensus is not None and not self.lived_experience_rated

    @property
    def divergence(self) -> float | None:
        """Staff view minus lived-experience view: positive when staff rate higher."""
        if self.staff_mean is None or self.lived_mean is None:
            return None
        return round(self.staff_mean - self.lived_mean, 2)

    @property
    def diverges(self) -> bool:
        return self.divergence is not None and abs(self.divergence) >= DIVERGENCE_FLAG

    @property
    def divergence_text(self) -> str:
        d = self.divergence
        if d is None:
            return gettext("Not enough ratings to compare")
        if abs(d) < 0.5:
            return gettext("Staff and people with lived experience broadly agree")
        gap = abs(d)
        # A whole gap picks its plural form; a gap such as 1.5 takes the general plural.
        count = int(gap) if float(gap).is_integer() else 0
        if d > 0:
            text = ngettext(
                "Service users and carers rate this %(stages)s stage lower",
                "Service users and carers rate this %(stages)s stages lower",
                count,
            )
        else:
            text = ngettext(
                "Staff rate this %(stages)s stage lower",
                "Staff rate this %(stages)s stages lower",
                count,
            )
        return text % {"stages": f"{gap:g}"}

    @property
    def change_from_baseline(self) -> int | None:
        if self.consensus is None or self.baseline_level is None:
            return None
        return self.consensus.level - self.baseline_level


GROUPS = list(StakeholderGroup)


@dataclass
class RoundPresenter:
    round: AssessmentRound
    rows: list[ChallengeRow]
    attendance: dict[str, int]
    baseline: AssessmentRound | None
    previous: AssessmentRound | None
    groups: list = field(default_factory=lambda: GROUPS)

    @property
    def lived_experience_present(self) -> bool:
        return any(self.attendance.get(g, 0) for g in LIVED_EXPERIENCE_GROUPS)

    @property
    def consensus_without_lived_experience(self) -> list[ChallengeRow]:
        return [r for r in self.rows if r.consensus_without_lived_experience]

    @property
    def diverging(self) -> list[ChallengeRow]:
        return [r for r in self.rows if r.diverges]

    @property
    def consensus_complete(self) -> bool:
        return all(r.consensus is not None for r in self.rows)


def present_round(
    assessment_round: AssessmentRound,
    challenges: list[Challenge],
    ratings,
    consensus,
    attendance: dict[str, int],
    rounds_in_order: list[AssessmentRound],
    consensus_levels: dict[int, dict[str, int]],
) -> RoundPresenter:
    by_key = {(r.challenge_id, r.stakeholder_group): r for r in ratings}
    agreed = {c.challenge_id: c for c in consensus}
    earlier = [
        r
        for r in rounds_in_order
        if (r.held_on, r.pk) < (assessment_round.held_on, assessment_round.pk)
    ]
    baseline = earlier[0] if earlier else None
    previous = earlier[-1] if earlier else None
    rows = []
    for challenge in challenges:
        group_ratings = [by_key.get((challenge.pk, g.value)) for g in GROUPS]
        staff = [r.level for r in group_ratings if r and r.stakeholder_group in STAFF_GROUPS]
        lived = [
            r.level for r in group_ratings if r and r.stakeholder_group in LIVED_EXPERIENCE_GROUPS
        ]
        rows.append(
            ChallengeRow(
                challenge=challenge,
                ratings=group_ratings,
                consensus=agreed.get(challenge.pk),
                baseline_level=consensus_levels.get(baseline.pk, {}).get(challenge.slug)
                if baseline
                else None,
                previous_level=consensus_levels.get(previous.pk, {}).get(challenge.slug)
                if previous
                else None,
                staff_mean=mean(staff) if staff else None,
                lived_mean=mean(lived) if lived else None,
            )
        )
    return RoundPresenter(assessment_round, rows, attendance, baseline, previous)
