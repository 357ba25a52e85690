"""Secondary suppression: no hidden count can be worked out from the total and the cells shown.

The property test plays the part of someone who sees a row: the cells shown, the total (when
shown), and the rule that a hidden cell is a whole number of at least 0, or at least 1 where
zeros are shown. It tries every way the hidden cells could add up to what is missing, and
fails if any hidden cell could only be one number.
"""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from imroc.core.suppression import suppress_row
from imroc.surveys.results import Cell, protect

LIMIT = 5


def _possible_values(row, lowest: int) -> list[set[int]]:
    """For each hidden cell, every value it could have, given what is shown."""
    hidden = [i for i, c in enumerate(row.cells) if c is None]
    missing = row.total - sum(c for c in row.cells if c is not None)
    found: list[set[int]] = [set() for _ in hidden]
    for values in itertools.product(range(lowest, missing + 1), repeat=len(hidden)):
        if sum(values) == missing:
            for slot, value in enumerate(values):
                found[slot].add(value)
    return found


@settings(max_examples=400, deadline=None)
@given(
    cells=st.lists(st.integers(0, 30), min_size=1, max_size=5),
    zeros_shown=st.booleans(),
)
def test_no_hidden_cell_can_be_worked_out(cells, zeros_shown):
    row = suppress_row(cells, limit=LIMIT, zeros_shown=zeros_shown)
    lowest = 1 if zeros_shown else 0
    # Every small cell is hidden, and a small total too.
    for shown, real in zip(row.cells, cells, strict=True):
        if lowest <= real < LIMIT:
            assert shown is None
        elif shown is not None:
            assert shown == real
    if sum(cells) < LIMIT:
        assert row.total is None
    if row.total is None:
        return
    hidden_values = [c for c, s in zip(cells, row.cells, strict=True) if s is None]
    for real, possible in zip(hidden_values, _possible_values(row, lowest), strict=True):
        assert real in possible
        # A hidden zero gives nobody away; any other hidden count must stay uncertain.
        if real > 0:
            assert len(possible) >= 2, (cells, row)


def test_two_ones_with_zeros_shown_need_a_third_cell_hidden():
    # Shown zeros tell the reader a hidden cell is at least 1: two hidden cells adding up to
    # 2 would each be 1. The smallest other cell is hidden with them.
    row = suppress_row([1, 1, 40, 60], limit=LIMIT, zeros_shown=True)
    assert row.cells == [None, None, None, 60] and row.total == 102


def test_a_questionnaire_year_of_few_answers_cannot_be_worked_out_from_the_total():
    # The case found by a tester: one year "fewer than 5" beside a total of 117.
    years = [Cell(3), Cell(60), Cell(54)]
    protect(years)
    assert [str(c) for c in years] == ["fewer than 5", "60", "not shown"]
    assert [c.hidden for c in years] == [True, False, True]
