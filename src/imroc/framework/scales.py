"""Shared scales and tags: the IHI progress scale, and the CHIME recovery processes."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

PROGRESS_SCALE: list[tuple[Decimal, str]] = [
    (Decimal("0.5"), _("Intent to take part")),
    (Decimal("1.0"), _("Team set up")),
    (Decimal("1.5"), _("Planning has begun")),
    (Decimal("2.0"), _("Activity, but no changes yet")),
    (Decimal("2.5"), _("Changes tested, but no improvement yet")),
    (Decimal("3.0"), _("Modest improvement")),
    (Decimal("3.5"), _("Improvement")),
    (Decimal("4.0"), _("Significant improvement")),
    (Decimal("4.5"), _("Improvement that lasts")),
    (Decimal("5.0"), _("Outstanding results that last")),
]

# Labels stay lazy, so each is shown in the language active when it is read.
PROGRESS_CHOICES = [
    (score, format_lazy("{} – {}", score, meaning)) for score, meaning in PROGRESS_SCALE
]


def progress_meaning(score: Decimal | None) -> str:
    return dict(PROGRESS_SCALE).get(score, "") if score is not None else ""


class Chime(models.TextChoices):
    """The CHIME recovery processes: a framework used as tags, never as a scale."""

    CONNECTEDNESS = "connectedness", _("Connectedness")
    HOPE = "hope", _("Hope and optimism")
    IDENTITY = "identity", _("Identity")
    MEANING = "meaning", _("Meaning in life")
    EMPOWERMENT = "empowerment", _("Empowerment")


def chime_labels(values: list[str]) -> list[str]:
    labels = dict(Chime.choices)
    return [str(labels[v]) for v in values if v in labels]
