"""Builders for questionnaire tests. They go through the services, as a site would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.utils import timezone

from imroc.core.audit import SystemActor
from imroc.surveys import services

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "recovery-process-15.json"
ACTOR = SystemActor("tests")


def licensed_version(site):
    """The 15-item recovery-process questionnaire, imported by the site from the FHIR fixture."""
    version, _ = services.import_fhir(site, content=FIXTURE.read_bytes(), filename=FIXTURE.name, actor=ACTOR)  # fmt: skip
    return version


def all_answers(value: str = "2", n: int = 15) -> dict:
    return {f"q{i}": value for i in range(1, n + 1)}


def make_link(site, version, days: int = 14, respondent=None):
    return services.create_link(site, version, actor=ACTOR, days=days, respondent=respondent)


def make_kiosk(site, version):
    return services.open_kiosk(site, version, actor=ACTOR, place="Willow Ward reception", hours=8)


def make_responses(site, version, days_and_values, respondent=None):
    """Stored paper responses, each with every question answered alike."""
    return [
        services.record_paper_response(
            site,
            version,
            actor=ACTOR,
            raw=all_answers(value),
            completed_on=day,
            respondent=respondent,
        )
        for day, value in days_and_values
    ]


def expire(obj) -> None:
    type(obj).objects.filter(pk=obj.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    obj.refresh_from_db()
