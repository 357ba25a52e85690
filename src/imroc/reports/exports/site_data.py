"""Which tables hold one site's data, found from the models themselves.

Every model in the site-data apps that reaches ``programme.Site`` through its foreign keys is a
table of the whole-site export, filtered to that site by the shortest such path. New models are
picked up without editing this file. Secrets (tokens, token hashes, pseudonym keys) are never
exported, and programme-wide records (applications, learning sets, framework) are left out.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import models

SITE_APPS = (
    "programme",
    "assessment",
    "improvement",
    "measures",
    "college",
    "workforce",
    "surveys",
)
EXCLUDED_MODELS = {
    "programme.site",  # written as its own one-row table
    "programme.supportentry",  # the programme team's notes about the site
    "programme.application",  # the programme's record of the application to join
    "surveys.pseudonymkey",  # the site's secret
    "measures.measureimport",  # uploaded files in flight
}
SECRET_FIELDS = ("token", "secret", "password")
PERSON_MODELS = ("college.learner", "surveys.respondent")
MAX_DEPTH = 5


@dataclass
class Field:
    name: str  # column header
    lookup: str  # values_list lookup
    kind: str  # id | fk | uuid | date | datetime | text | choice | number | bool | json
    target: str = ""  # model label of an id or foreign key


@dataclass
class SiteTable:
    name: str  # file name without .csv
    model: type[models.Model]
    site_lookup: str  # "site" or "goal__site", ...
    fields: list[Field]
    person_lookups: list[tuple[str, str]] = field(default_factory=list)  # (kind, lookup)

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def queryset(self, site):
        manager = self.model._base_manager
        if self.site_lookup == "pk":
            return manager.filter(pk=site.pk)
        return manager.filter(**{self.site_lookup: site}).order_by("pk")


def _kind(f: models.Field) -> str:
    if f.primary_key:
        return "id"
    if f.is_relation:
        return "fk"
    if isinstance(f, models.UUIDField):
        return "uuid"
    if isinstance(f, models.DateTimeField):
        return "datetime"
    if isinstance(f, models.DateField):
        return "date"
    if isinstance(f, models.BooleanField):
        return "bool"
    if isinstance(f, models.JSONField):
        return "json"
    if getattr(f, "choices", None):
        return "choice"
    if isinstance(f, models.SlugField):
        return "slug"
    if isinstance(f, models.IntegerField | models.FloatField | models.DecimalField):
        return "number"
    return "text"  # CharField, TextField, EmailField, URLField, FileField...


def _fields(model) -> list[Field]:
    out = []
    for f in model._meta.concrete_fields:
        if any(secret in f.name for secret in SECRET_FIELDS):
            continue
        kind = _kind(f)
        target = ""
        if kind == "fk":
            target = f.related_model._meta.label_lower
        elif kind == "id":
            target = model._meta.label_lower
        out.append(Field(f.attname, f.attname, kind, target))
    return out


def _forward_fks(model):
    fks = [
        f
        for f in model._meta.concrete_fields
        if f.is_relation and (f.many_to_one or f.one_to_one) and f.related_model is not None
    ]
    # Required keys first: a nullable path may miss rows that belong to the site.
    return sorted(fks, key=lambda f: f.null)


def path_to(model, targets: tuple[str, ...], max_depth: int = MAX_DEPTH) -> list[tuple[str, str]]:
    """Every shortest-first foreign-key path from the model to any of the target models."""
    found = []
    queue = deque([(model, "", 0)])
    seen = {model._meta.label_lower}
    while queue:
        current, prefix, depth = queue.popleft()
        if depth >= max_depth:
            continue
        for f in _forward_fks(current):
            label = f.related_model._meta.label_lower
            lookup = f"{prefix}{f.name}"
            if label in targets:
                found.append((label, lookup))
            if label not in seen:
                seen.add(label)
                queue.append((f.related_model, lookup + "__", depth + 1))
    return found


def _person_lookups(model) -> list[tuple[str, str]]:
    """How to find the person (learner, respondent, or the user a membership is about) of a row."""
    label = model._meta.label_lower
    lookups: list[tuple[str, str]] = []
    if label == "college.learner":
        return [("learner", "id")]
    if label == "surveys.respondent":
        return [("learner", "learner"), ("respondent", "id")]
    # A foreign key in values_list() gives the related row's id.
    for target, lookup in path_to(model, PERSON_MODELS, max_depth=3):
        if target == "college.learner":
            lookups.append(("learner", lookup))
        else:
            lookups.append(("learner", lookup + "__learner"))
            lookups.append(("respondent", lookup))
    user_model = settings.AUTH_USER_MODEL.lower()
    for f in model._meta.concrete_fields:
        if f.is_relation and f.name == "user" and f.related_model._meta.label_lower == user_model:
            lookups.append(("user", "user_id"))
    return list(dict.fromkeys(lookups))


def site_tables() -> list[SiteTable]:
    """Every table of site data, in a stable order (app, then model)."""
    from imroc.programme.models import Site

    tables = [SiteTable("programme_site", Site, "pk", _fields(Site))]
    for app_label in SITE_APPS:
        for model in apps.get_app_config(app_label).get_models():
            label = model._meta.label_lower
            if label in EXCLUDED_MODELS or model._meta.proxy:
                continue
            paths = [lookup for target, lookup in path_to(model, ("programme.site",))]
            if not paths:
                continue
            name = f"{app_label}_{model._meta.model_name}"
            tables.append(SiteTable(name, model, paths[0], _fields(model), _person_lookups(model)))
    tables.append(_people_table())
    return tables


def _people_table() -> SiteTable:
    """The people with a role at the site (names only, never passwords or emails)."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    fields = [
        Field("id", "id", "id", user_model._meta.label_lower),
        Field("username", "username", "text"),
        Field("first_name", "first_name", "text"),
        Field("last_name", "last_name", "text"),
        Field("is_active", "is_active", "bool"),
    ]
    return SiteTable(
        "accounts_user", user_model, "site_memberships__site", fields, [("user", "id")]
    )
