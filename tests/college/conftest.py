from __future__ import annotations

import pytest

from tests.college.factories import build_college


@pytest.fixture
def college_run(site):
    """(college, course, run): a published college with an open run of 12 places and 2 sessions."""
    return build_college(site)


@pytest.fixture
def college(college_run):
    return college_run[0]


@pytest.fixture
def run(college_run):
    return college_run[2]
