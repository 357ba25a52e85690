"""Every write to self-assessment and team TRIP data: transactional and audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from imroc.assessment.models import (
    AssessmentRound,
    Attendance,
    Consensus,
    Rating,
    TeamBenchmark,
    TeamPriority,
    TeamResources,
    TeamReview,
)
from imroc.core import audit
from imroc.core.services import ServiceError, StaleEditError, save_versioned
from imroc.framework.models import Challenge, FrameworkVersion
from imroc.programme.models import Site, StakeholderGroup, Team


@dataclass(frozen=True)
class LevelEntry:
    """One challenge's level in a form: a rating or a consensus."""

    challenge: Challenge
    level: int
    text: str
    expected_version: int | None  # None when the editor saw no earlier value


def start_round(
    site: Site, *, title: str, held_on: dt.date, framework: FrameworkVersion | None, actor
) -> AssessmentRound:
    if framework is None:
        raise ServiceError(
            _("The programme has not published a framework yet, so a round cannot start.")
        )
    with transaction.atomic():
        Site.objects.select_for_update().filter(pk=site.pk).first()  # one round starts at a time
        open_round = site.assessment_rounds.filter(status=AssessmentRound.Status.OPEN).first()
        if open_round is not None:
            raise ServiceError(
                _(
                    "“%(round)s” is still open. Agree its consensus and close it before "
                    "starting a new round."
                )
                % {"round": open_round.title}
            )
        assessment_round = AssessmentRound.objects.create(
            site=site,
            framework_version=framework,
            title=title,
            held_on=held_on,
            created_by=audit.user_of(actor),
        )
        audit.record(
            actor,
            "round.start",
            assessment_round,
            site=site,
            after={"title": title, "held_on": held_on, "framework": framework.version},
        )
    return assessment_round


def _require_open(assessment_round: AssessmentRound) -> None:
    if not assessment_round.is_open:
        raise ServiceError(_("This round is closed, so it cannot be changed."))


def _check_challenges(assessment_round: AssessmentRound, entries: list[LevelEntry]) -> None:
    for entry in entries:
        if entry.challenge.framework_version_id != assessment_round.framework_version_id:
            raise ServiceError(
                _("%(challenge)s is not part of this round's framework.")
                % {"challenge": entry.challenge}
            )
        if not 0 <= entry.level <= 3:
            raise ServiceError(_("A stage must be between 'not yet started' and 3."))


def _save_levels(
    assessment_round: AssessmentRound, existing: dict, entries: list[LevelEntry], *, actor,
    kind: str, text_field: str, by_field: str, create,
) -> list:  # fmt: skip
    """Create or update one row per entry, refusing the whole save if any row is stale."""
    _require_open(assessment_round)
    _check_challenges(assessment_round, entries)
    saved = []
    for entry in entries:
        row = existing.get(entry.challenge.pk)
        if row is None:
            if entry.expected_version is not None:
                raise StaleEditError(assessment_round)  # it was deleted meanwhile
            row = create(entry)
            audit.record(
                actor, f"{kind}.create", row, site=assessment_round.site,
                after={"challenge": entry.challenge.slug, "level": entry.level, text_field: entry.text},
            )  # fmt: skip
        elif (row.level, getattr(row, text_field)) != (entry.level, entry.text):
            if entry.expected_version != row.version:
                raise StaleEditError(row)
            before = audit.snapshot(row, ["level", text_field])
            row.level = entry.level
            setattr(row, text_field, entry.text)
            setattr(row, by_field, audit.user_of(actor))
            save_versioned(row, entry.expected_version, ["level", text_field, by_field])
            audit.record(
                actor, f"{kind}.update", row, site=assessment_round.site, before=before,
                after={"level": entry.level, text_field: entry.text},
            )  # fmt: skip
        saved.append(row)
    return saved


def save_ratings(
    assessment_round: AssessmentRound, *, group: str, entries: list[LevelEntry], actor
) -> list[Rating]:
    """Save one group's ratings. All or nothing: a stale rating refuses the whole save."""
    if group not in StakeholderGroup.values:
        raise ServiceError(_("'%(group)s' is not a stakeholder group.") % {"group": group}, "group")
    with transaction.atomic():
        assessment_round = AssessmentRound.objects.select_for_update().get(pk=assessment_round.pk)
        existing = {
            r.challenge_id: r
            for r in assessment_round.ratings.select_for_update().filter(stakeholder_group=group)
        }
        return _save_levels(
            assessment_round, existing, entries, actor=actor, kind="rating", text_field="evidence",
            by_field="given_by",
            create=lambda e: Rating.objects.create(
                round=assessment_round, challenge=e.challenge, stakeholder_group=group, level=e.level,
                evidence=e.text, given_by=audit.user_of(actor),
            ),
        )  # fmt: skip


def save_consensus(
    assessment_round: AssessmentRound, *, entries: list[LevelEntry], actor
) -> list[Consensus]:
    """Save the agreed stages. All or nothing, like ratings."""
    with transaction.atomic():
        assessment_round = AssessmentRound.objects.select_for_update().get(pk=assessment_round.pk)
        existing = {c.challenge_id: c for c in assessment_round.consensus.select_for_update()}
        return _save_levels(
            assessment_round, existing, entries, actor=actor, kind="consensus", text_field="rationale",
            by_field="agreed_by",
            create=lambda e: Consensus.objects.create(
                round=assessment_round, challenge=e.challenge, level=e.level, rationale=e.text,
                agreed_by=audit.user_of(actor),
            ),
        )  # fmt: skip


def record_attendance(assessment_round: AssessmentRound, *, counts: dict[str, int], actor) -> None:
    with transaction.atomic():
        before = dict(assessment_round.attendance.values_list("stakeholder_group", "count"))
        assessment_round.attendance.all().delete()
        Attendance.objects.bulk_create(
            Attendance(round=assessment_round, stakeholder_group=group, count=count)
            for group, count in counts.items()
            if count
        )
        audit.record(
            actor, "round.attendance", assessment_round, site=assessment_round.site,
            before=before, after={g: c for g, c in counts.items() if c},
        )  # fmt: skip


def close_round(assessment_round: AssessmentRound, *, actor) -> AssessmentRound:
    """Close a round once every challenge has an agreed stage."""
    with transaction.atomic():
        assessment_round = AssessmentRound.objects.select_for_update().get(pk=assessment_round.pk)
        _require_open(assessment_round)
        agreed = set(assessment_round.consensus.values_list("challenge_id", flat=True))
        missing = [
            c.short_title
            for c in assessment_round.framework_version.challenges.all()
            if c.pk not in agreed
        ]
        if missing:
            raise ServiceError(
                _(
                    "Agree a stage for every challenge before closing the round. "
                    "Still to agree: %(challenges)s."
                )
                % {"challenges": ", ".join(missing)}
            )
        assessment_round.status = AssessmentRound.Status.CLOSED
        assessment_round.save(update_fields=["status", "updated_at"])
        audit.record(
            actor, "round.close", assessment_round, site=assessment_round.site,
            before={"status": "open"}, after={"status": "closed"},
        )  # fmt: skip
    return assessment_round


# --- Team TRIP -----------------------------------------------------------------------------

RESOURCE_FIELDS = ["people", "strengths", "links"]


def save_team_resources(
    team: Team, *, actor, expected_version: int | None, **fields
) -> TeamResources:
    with transaction.atomic():
        resources = TeamResources.objects.select_for_update().filter(team=team).first()
        if resources is None:
            if expected_version not in (None, 0):
                raise StaleEditError(team)
            resources = TeamResources.objects.create(team=team, **fields)
            audit.record(actor, "trip.resources", resources, site=team.site, after=fields)
            return resources
        before = audit.snapshot(resources, RESOURCE_FIELDS)
        for name, value in fields.items():
            setattr(resources, name, value)
        save_versioned(resources, expected_version or 0, RESOURCE_FIELDS)
        audit.record(
            actor, "trip.resources", resources, site=team.site, before=before, after=fields
        )
    return resources


def benchmark_team(
    team: Team, *, assessed_on: dt.date, levels: dict[Challenge, tuple[int, str]], actor
) -> list[TeamBenchmark]:
    """Record the team's rating of each challenge on a date, replacing that date's ratings."""
    with transaction.atomic():
        team.benchmarks.filter(assessed_on=assessed_on).delete()
        rows = TeamBenchmark.objects.bulk_create(
            TeamBenchmark(team=team, challenge=c, level=level, assessed_on=assessed_on, notes=notes)
            for c, (level, notes) in levels.items()
        )
        audit.record(
            actor, "trip.benchmark", team, site=team.site,
            after={"on": assessed_on, "levels": {c.slug: lv for c, (lv, _notes) in levels.items()}},
        )  # fmt: skip
    return rows


def set_team_priorities(
    team: Team, *, priorities: list[tuple[Challenge, str]], on: dt.date, actor
) -> list[TeamPriority]:
    """Reset the team's top priorities: at most three, each challenge once."""
    if len(priorities) > 3:
        raise ServiceError(_("A team can have no more than three priorities at a time."))
    if len({c.pk for c, _aim in priorities}) != len(priorities):
        raise ServiceError(_("Each priority must be a different challenge."))
    with transaction.atomic():
        current = list(team.priorities.select_for_update().filter(ended_on__isnull=True))
        before = [{"rank": p.rank, "challenge": p.challenge.slug, "aim": p.aim} for p in current]
        team.priorities.filter(ended_on__isnull=True).update(ended_on=on)
        rows = [
            TeamPriority.objects.create(team=team, challenge=c, rank=rank, aim=aim, set_on=on)
            for rank, (c, aim) in enumerate(priorities, start=1)
        ]
        audit.record(
            actor, "trip.priorities", team, site=team.site, before={"priorities": before},
            after={"priorities": [{"rank": r.rank, "challenge": r.challenge.slug, "aim": r.aim} for r in rows]},
        )  # fmt: skip
    return rows


def review_team(team: Team, *, actor, **fields) -> TeamReview:
    with transaction.atomic():
        review = TeamReview.objects.create(
            team=team,
            recorded_by=audit.user_of(actor),
            **fields,
        )
        audit.record(actor, "trip.review", review, site=team.site, after=fields)
    return review
