"""imroc generate: synthetic load data, clearly marked, all or nothing, never deleting."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from imroc.college.models import Enrolment, Learner
from imroc.core.models import AuditEvent
from imroc.measures.models import DataPoint, Measure
from imroc.programme import synthetic
from imroc.programme.models import Programme, Team


@pytest.mark.django_db
def test_small_scale_builds_a_marked_programme_with_one_audit_event(capsys):
    call_command("generate", "--scale", "small", "--seed", "3")
    out = capsys.readouterr().out
    programme = Programme.objects.get(slug="synthetic-small")
    assert programme.name == "Synthetic small programme"
    scale = synthetic.SCALES["small"]
    assert programme.sites.count() == scale.sites
    assert Team.objects.filter(site__programme=programme).count() == scale.teams
    # The site measures, plus each site's adoptions of the shared measures, make the total.
    assert Measure.objects.filter(site__programme=programme).count() == scale.measures
    assert (
        DataPoint.objects.filter(measure__site__programme=programme).count()
        == scale.measures * scale.points_per_measure
    )
    assert Learner.objects.filter(college__site__programme=programme).count() == scale.learners
    assert Enrolment.objects.filter(run__course__college__site__programme=programme).exists()
    events = AuditEvent.objects.filter(action="synthetic.generate")
    assert events.count() == 1
    event = events.get()
    assert event.actor_label == "system:generate"
    assert event.after["scale"] == "small" and event.after["rows"] > 10_000
    assert "rows/s" in out


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_values(db):
    synthetic.generate("small", seed=5, write=lambda line: None)
    first = list(
        DataPoint.objects.order_by("measure__site__slug", "measure__name", "period").values_list(
            "value", flat=True
        )[:500]
    )
    assert len(set(first)) > 50  # real variation, not a constant


@pytest.mark.django_db
def test_refuses_a_second_run_and_changes_nothing():
    call_command("generate", "--scale", "small")
    points = DataPoint.objects.count()
    with pytest.raises(CommandError) as error:
        call_command("generate", "--scale", "small")
    assert error.value.returncode == 2
    assert "already holds the synthetic small programme" in str(error.value)
    assert DataPoint.objects.count() == points
    assert AuditEvent.objects.filter(action="synthetic.generate").count() == 1


@pytest.mark.django_db
def test_refuses_a_database_with_other_programmes_unless_forced(site):
    """Another programme's data is never mixed with synthetic data by accident, nor deleted."""
    with pytest.raises(CommandError) as error:
        call_command("generate", "--scale", "small")
    assert error.value.returncode == 2
    assert "--force" in str(error.value)
    assert not Programme.objects.filter(slug="synthetic-small").exists()
    call_command("generate", "--scale", "small", "--force")
    assert Programme.objects.filter(slug="synthetic-small").exists()
    assert Programme.objects.filter(pk=site.programme.pk).exists()
    assert site.teams.count() == 0 and site.measures.count() == 0


def test_split_adds_up_exactly():
    import numpy as np

    weights = np.array([0.6, 1.4, 1.0, 0.9, 1.1])
    for total in (0, 1, 7, 100, 100_000):
        parts = synthetic._split(total, weights)
        assert sum(parts) == total and min(parts) >= 0
