"""Shared scales and tags: the IHI progress scale, and the CHIME recovery processes."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

PROGRESS_SCALE: list[tuple[Decimal, str]] = [
    (Decimal("0.5"), "Intent to take part"),
    (Decimal("1.0"), "Team set up"),
    (Decimal("1.5"), "Planning has begun"),
    (Decimal("2.0"), "Activity, but no changes yet"),
    (Decimal("2.5"), "Changes tested, but no improvement yet"),
    (Decimal("3.0"), "Modest improvement"),
    (Decimal("3.5"), "Improvement"),
    (Decimal("4.0"), "Significant improvement"),
    (Decimal("4.5"), "Improvement that lasts"),
    (Decimal("5.0"), "Outstanding results that last"),
]

PROGRESS_CHOICES = [(score, f"{score} – {meaning}") for score, meaning in PROGRESS_SCALE]


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
