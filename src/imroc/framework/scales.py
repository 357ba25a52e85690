"""The IHI progress scale that collaboratives use to score each team's progress each month."""

from __future__ import annotations

from decimal import Decimal

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
