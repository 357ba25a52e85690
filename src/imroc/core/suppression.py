"""Small-number suppression, so no one can be picked out of a figure.

Every app reads the one threshold here (IMROC_SUPPRESSION_THRESHOLD, default 5).

Primary: any count below the threshold is not shown. Secondary: when exactly one cell of a row
is hidden and the total is shown, the total minus the others would give it away, so the next
smallest cell is hidden too (or the total, when there is no other cell).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

DEFAULT_THRESHOLD = 5


def threshold() -> int:
    return int(getattr(settings, "IMROC_SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD))


@dataclass(frozen=True)
class Suppressed:
    cells: list[int | None]  # None: not shown
    total: int | None

    @property
    def any_hidden(self) -> bool:
        return self.total is None or any(c is None for c in self.cells)


def suppress_row(
    cells: list[int], total: int | None = None, limit: int | None = None
) -> Suppressed:
    """Hide small cells in one row, and whatever else would let someone work them out."""
    limit = threshold() if limit is None else limit
    total = sum(cells) if total is None else total
    hidden = {i for i, c in enumerate(cells) if c < limit}
    show_total = total >= limit
    if len(hidden) == 1 and show_total:
        shown = [i for i in range(len(cells)) if i not in hidden]
        if shown:
            hidden.add(min(shown, key=lambda i: (cells[i], i)))
        else:
            show_total = False
    return Suppressed(
        [None if i in hidden else c for i, c in enumerate(cells)], total if show_total else None
    )


def shown(value: int | None, limit: int | None = None) -> int | None:
    """One figure on its own: hidden below the threshold."""
    if value is None:
        return None
    return value if value >= (threshold() if limit is None else limit) else None
