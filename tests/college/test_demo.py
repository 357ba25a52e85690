"""The college demo: several colleges, the Kampala partner among them, built in bulk."""

from __future__ import annotations

import random

import pytest

from imroc.college.demo import KAMPALA_TEAM, build_demo
from imroc.college.models import College, Course, CourseRun, Enrolment
from imroc.core.models import AuditEvent
from imroc.programme import demo as programme_demo


@pytest.mark.django_db
def test_demo_builds_colleges_with_terms_from_2012(client):
    programme = programme_demo.build("recovery-demo")
    build_demo(programme, random.Random(7))
    assert build_demo(programme, random.Random(7)) == []  # a second run adds nothing
    colleges = list(College.objects.select_related("site__organisation"))
    assert len(colleges) >= 4
    assert KAMPALA_TEAM in {c.site.organisation.name for c in colleges}
    for college in colleges:
        assert 10 <= college.courses.count() <= 25
        assert college.terms.order_by("starts_on").first().starts_on.year == 2012
        assert AuditEvent.objects.filter(action="college.demo", object_id=str(college.public_id)).count() == 1  # fmt: skip
        runs = CourseRun.objects.filter(course__college=college)
        co_delivered = runs.filter(peer_trainer__isnull=False, practitioner_trainer__isnull=False)
        assert co_delivered.count() > 0.8 * runs.count()
        # No run is overbooked.
        for run in runs.filter(cancelled=False)[:50]:
            assert run.enrolments.filter(status=Enrolment.Status.ENROLLED).count() <= run.capacity
        # The public prospectus shows this term's published courses and no drafts.
        page = client.get(f"/colleges/{college.site.slug}/").content.decode()
        assert "Find a course" in page
        for draft in college.courses.exclude(status=Course.Status.PUBLISHED):
            assert draft.title not in page
