"""Which site-scoped models travel in a bundle, and how each is written and read.

Each record is ``{"key": ..., "fields": {...}}``. Objects with a public id are keyed by it;
the rest by their natural key within the site. References between objects use public ids,
framework items use their framework key, version and slug, and people their username.
Integer primary keys never leave the database.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models

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
from imroc.framework.models import Challenge, FrameworkVersion
from imroc.improvement.models import Driver, Goal, PdsaCycle, Priority, Review
from imroc.measures.models import (
    Annotation,
    DataPoint,
    Measure,
    MeasureCycleLink,
    ProgrammeMeasure,
    Rebase,
)
from imroc.programme.models import Team


@dataclass(frozen=True)
class Spec:
    """How one model travels."""

    name: str  # the file and counts name, e.g. "goals"
    model: type[models.Model]
    site_path: str  # the lookup from the model to its site
    fields: tuple[str, ...] = ()  # plain values
    refs: dict[str, str] = field(default_factory=dict)  # FK field -> spec name (public ids)
    users: tuple[str, ...] = ()  # FK to a user, by username
    required_users: tuple[str, ...] = ()  # of those, the ones that cannot be empty
    challenges: tuple[str, ...] = ()  # FK to a framework challenge
    frameworks: tuple[str, ...] = ()  # FK to a framework version
    shared_measures: tuple[str, ...] = ()  # FK to a programme measure, by name
    m2m: dict[str, str] = field(default_factory=dict)  # M2M field -> spec name
    natural_key: tuple[str, ...] = ()  # empty: keyed by public_id
    audit_each: bool = True  # one audit event per changed object

    @property
    def uses_public_id(self) -> bool:
        return not self.natural_key

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def direct_site(self) -> bool:
        return self.site_path == "site"

    def all_fields(self) -> tuple[str, ...]:
        return (
            self.fields
            + tuple(self.refs)
            + self.users
            + self.challenges
            + self.frameworks
            + self.shared_measures
            + tuple(self.m2m)
        )

    def in_site(self, site) -> models.QuerySet:
        return self.model._default_manager.filter(**{self.site_path: site})


MEASURE_DEFINITION = (
    "name",
    "definition",
    "kind",
    "unit",
    "data_type",
    "chart_type",
    "improvement",
    "frequency",
    "week_starts_on",
    "rate_per",
)

# In dependency order: everything a record refers to comes before it.
SPECS: tuple[Spec, ...] = (
    Spec(
        "teams",
        Team,
        "site",
        fields=("name", "slug", "kind", "description", "staff_count"),
    ),
    Spec(
        "priorities",
        Priority,
        "site",
        fields=("chosen_on", "reason", "ended_on"),
        challenges=("challenge",),
        natural_key=("challenge", "chosen_on"),
    ),
    Spec(
        "goals",
        Goal,
        "site",
        fields=(
            "title",
            "description",
            "target_level",
            "target_value",
            "target_value_meaning",
            "target_date",
            "status",
            "chime",
            "next_review_on",
        ),
        users=("owner", "co_lead"),
        required_users=("owner",),
        challenges=("challenge",),
    ),
    Spec(
        "drivers",
        Driver,
        "goal__site",
        fields=("kind", "text"),
        refs={"goal": "goals", "parent": "drivers"},
    ),
    Spec(
        "pdsa_cycles",
        PdsaCycle,
        "goal__site",
        fields=(
            "change_idea",
            "objective",
            "who",
            "where",
            "starts_on",
            "ends_on",
            "prediction",
            "measures",
            "do_notes",
            "observations",
            "study_notes",
            "decision",
            "next_steps",
            "decided_on",
        ),
        refs={"goal": "goals", "previous": "pdsa_cycles"},
    ),
    Spec(
        "reviews",
        Review,
        "site",
        fields=("held_on", "progress_score", "decision", "notes", "next_review_on"),
        refs={"goal": "goals"},
        users=("recorded_by",),
    ),
    Spec(
        "assessment_rounds",
        AssessmentRound,
        "site",
        fields=("title", "held_on", "status", "notes"),
        users=("created_by",),
        frameworks=("framework_version",),
    ),
    Spec(
        "attendance",
        Attendance,
        "round__site",
        fields=("stakeholder_group", "count"),
        refs={"round": "assessment_rounds"},
        natural_key=("round", "stakeholder_group"),
    ),
    Spec(
        "ratings",
        Rating,
        "round__site",
        fields=("stakeholder_group", "level", "evidence"),
        refs={"round": "assessment_rounds"},
        users=("given_by",),
        challenges=("challenge",),
    ),
    Spec(
        "consensus",
        Consensus,
        "round__site",
        fields=("level", "rationale"),
        refs={"round": "assessment_rounds"},
        users=("agreed_by",),
        challenges=("challenge",),
    ),
    Spec(
        "team_resources",
        TeamResources,
        "team__site",
        fields=("people", "strengths", "links"),
        refs={"team": "teams"},
    ),
    Spec(
        "team_benchmarks",
        TeamBenchmark,
        "team__site",
        fields=("assessed_on", "level", "notes"),
        refs={"team": "teams"},
        challenges=("challenge",),
        natural_key=("team", "challenge", "assessed_on"),
    ),
    Spec(
        "team_priorities",
        TeamPriority,
        "team__site",
        fields=("rank", "aim", "set_on", "ended_on"),
        refs={"team": "teams"},
        challenges=("challenge",),
    ),
    Spec(
        "team_reviews",
        TeamReview,
        "team__site",
        fields=("held_on", "progress_score", "notes", "next_review_on"),
        refs={"team": "teams"},
        users=("recorded_by",),
    ),
    Spec(
        "measures",
        Measure,
        "site",
        fields=(*MEASURE_DEFINITION, "target", "target_date"),
        refs={"team": "teams"},
        users=("owner",),
        challenges=("challenge",),
        shared_measures=("shared",),
        m2m={"goals": "goals"},
    ),
    Spec(
        "data_points",
        DataPoint,
        "measure__site",
        fields=("period", "value", "numerator", "denominator", "note", "revision", "source"),
        refs={"measure": "measures"},
        users=("entered_by",),
        natural_key=("measure", "period"),
        audit_each=False,
    ),
    Spec(
        "rebases",
        Rebase,
        "measure__site",
        fields=("period", "reason"),
        refs={"measure": "measures"},
        users=("created_by",),
    ),
    Spec(
        "annotations",
        Annotation,
        "measure__site",
        fields=("on", "text"),
        refs={"measure": "measures"},
        users=("created_by",),
    ),
    Spec(
        "measure_cycle_links",
        MeasureCycleLink,
        "measure__site",
        refs={"measure": "measures", "cycle": "pdsa_cycles"},
        natural_key=("measure", "cycle"),
    ),
)
BY_NAME = {spec.name: spec for spec in SPECS}


def canonical(value: Any) -> bytes:
    """The one byte form of a JSON value: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record_hash(record: dict) -> str:
    return digest(canonical(record))


def challenge_ref(challenge: Challenge) -> str:
    version = challenge.framework_version
    return f"{version.key}/{version.version}/{challenge.slug}"


def framework_ref(version: FrameworkVersion) -> str:
    return f"{version.key}/{version.version}"


def plain(model_field: models.Field, value: Any) -> Any:
    """A field's value as JSON: dates as ISO strings, decimals as strings."""
    if value is None:
        return None
    if isinstance(model_field, models.JSONField):
        return value
    if isinstance(model_field, models.DateTimeField | models.DateField):
        return value.isoformat()
    if isinstance(model_field, models.DecimalField):
        return str(value)
    if isinstance(model_field, models.FloatField):
        return float(value)
    if isinstance(model_field, models.UUIDField):
        return str(value)
    return value


class Serialiser:
    """Turns objects into records, with caches so each related row is read once."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int], str | None] = {}

    def _lookup(self, kind: str, pk: int | None, load) -> str | None:
        if pk is None:
            return None
        cache_key = (kind, pk)
        if cache_key not in self._cache:
            self._cache[cache_key] = load(pk)
        return self._cache[cache_key]

    def forget(self, kind: str, pk: int) -> None:
        self._cache.pop((kind, pk), None)

    def ref_key(self, spec_name: str, pk: int | None) -> str | None:
        model = BY_NAME[spec_name].model

        def load(pk):
            value = model._default_manager.filter(pk=pk).values_list("public_id", flat=True).first()
            return str(value) if value else None

        return self._lookup(spec_name, pk, load)

    def username(self, pk: int | None) -> str | None:
        user_model = get_user_model()

        def load(pk):
            return (
                user_model._default_manager.filter(pk=pk)
                .values_list(user_model.USERNAME_FIELD, flat=True)
                .first()
            )

        return self._lookup("user", pk, load)

    def challenge(self, pk: int | None) -> str | None:
        def load(pk):
            item = Challenge.objects.select_related("framework_version").filter(pk=pk).first()
            return challenge_ref(item) if item else None

        return self._lookup("challenge", pk, load)

    def framework(self, pk: int | None) -> str | None:
        def load(pk):
            item = FrameworkVersion.objects.filter(pk=pk).first()
            return framework_ref(item) if item else None

        return self._lookup("framework", pk, load)

    def shared_measure(self, pk: int | None) -> str | None:
        def load(pk):
            return ProgrammeMeasure.objects.filter(pk=pk).values_list("name", flat=True).first()

        return self._lookup("shared", pk, load)

    def fields_of(self, spec: Spec, obj: models.Model, m2m: dict | None = None) -> dict:
        meta = spec.model._meta
        out: dict[str, Any] = {}
        for name in spec.fields:
            out[name] = plain(meta.get_field(name), getattr(obj, name))
        for name, target in spec.refs.items():
            out[name] = self.ref_key(target, getattr(obj, meta.get_field(name).attname))
        for name in spec.users:
            out[name] = self.username(getattr(obj, meta.get_field(name).attname))
        for name in spec.challenges:
            out[name] = self.challenge(getattr(obj, meta.get_field(name).attname))
        for name in spec.frameworks:
            out[name] = self.framework(getattr(obj, meta.get_field(name).attname))
        for name in spec.shared_measures:
            out[name] = self.shared_measure(getattr(obj, meta.get_field(name).attname))
        for name, target in spec.m2m.items():
            if m2m is not None and name in m2m:
                out[name] = m2m[name]
            else:
                keys = [self.ref_key(target, item.pk) for item in getattr(obj, name).all()]
                out[name] = sorted(k for k in keys if k)
        return out

    def key_of(self, spec: Spec, obj: models.Model, fields: dict) -> str:
        if spec.uses_public_id:
            return str(obj.public_id)
        return natural_key(spec, fields)

    def record(self, spec: Spec, obj: models.Model, m2m: dict | None = None) -> dict:
        fields = self.fields_of(spec, obj, m2m)
        return {"key": self.key_of(spec, obj, fields), "fields": fields}


def natural_key(spec: Spec, fields: dict) -> str:
    return "|".join(str(fields.get(name)) for name in spec.natural_key)


def ordered_for_export(spec: Spec, objects: list[models.Model]) -> list[models.Model]:
    """Parents before children for models that refer to themselves (drivers, PDSA ramps)."""
    self_refs = [name for name, target in spec.refs.items() if target == spec.name]
    if not self_refs:
        return objects
    attname = spec.model._meta.get_field(self_refs[0]).attname
    by_pk = {obj.pk: obj for obj in objects}
    done: set[int] = set()
    out: list[models.Model] = []

    def visit(obj, depth=0):
        if obj.pk in done or depth > len(objects):
            return
        parent = by_pk.get(getattr(obj, attname))
        if parent is not None:
            visit(parent, depth + 1)
        if obj.pk not in done:
            done.add(obj.pk)
            out.append(obj)

    for obj in objects:
        visit(obj)
    return out
