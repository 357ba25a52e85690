"""Small-number suppression, so no one can be picked out of a figure.

Every app reads the one threshold here (IMROC_SUPPRESSION_THRESHOLD, default 5).

Primary: any count below the threshold is not shown. Secondary: whatever else would let
someone work a hidden count out from the total and the cells shown is hidden too.

What "worked out" means here: someone who sees the total and the shown cells knows what the
hidden cells add up to, and that each is a whole number of at least 0 (or at least 1 where
zeros are shown, so a hidden cell cannot be 0). A hidden cell is safe when it could still
be at least two different numbers. One hidden cell is never safe; when zeros are shown,
two hidden cells of 1 are not safe either. Until every hidden cell is safe, the smallest
shown cell that is not 0 is hidden as well, and when none is left the total is hidden.
tests/core/test_suppression.py checks this by trying every way the hidden cells could add up.
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
    cells: list[int],
    total: int | None = None,
    limit: int | None = None,
    *,
    zeros_shown: bool = False,
) -> Suppressed:
    """Hide small cells in one row, and whatever else would let someone work them out.

    ``zeros_shown``: a count of 0 is shown (it picks nobody out), and only counts from 1 to
    below the threshold are small. The row's total counts as shown unless it is small.
    """
    limit = threshold() if limit is None else limit
    total = sum(cells) if total is None else total
    lowest = 1 if zeros_shown else 0
    hidden = {i for i, c in enumerate(cells) if lowest <= c < limit}
    show_total = total >= limit

    def can_be_worked_out() -> bool:
        if not hidden or not show_total:
            return False
        if len(hidden) == 1:
            return True
        # Each hidden cell is at least `lowest`. If together they are no more than that (all
        # 1s where zeros are shown), each one is known; hidden zeros alone give nobody away.
        hidden_sum = sum(cells[i] for i in hidden)
        return hidden_sum > 0 and hidden_sum - lowest * len(hidden) < 1

    while can_be_worked_out():
        others = [i for i, c in enumerate(cells) if i not in hidden and c > 0]
        if others:
            hidden.add(min(others, key=lambda i: (cells[i], i)))
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
