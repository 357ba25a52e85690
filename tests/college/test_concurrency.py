"""Two people ask for the last place at the same moment: one place, one waiting-list entry.

Real concurrent requests: two threads, each with its own database connection, released
together by a barrier. The run row lock (select_for_update on PostgreSQL, IMMEDIATE
transactions on SQLite) serialises them, so the second sees the first's place.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from imroc.college.models import Enrolment
from tests.college.factories import build_college


def _post_together(urls_and_data):
    barrier = threading.Barrier(len(urls_and_data))
    results, errors = [], []

    def worker(url, data):
        try:
            client = Client()
            barrier.wait(timeout=10)
            results.append(client.post(url, data).status_code)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()  # each thread used its own connection

    threads = [threading.Thread(target=worker, args=item) for item in urls_and_data]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_enrolments_for_the_last_place(site):
    _, _, run = build_college(site, capacity=1)
    url = f"/colleges/{site.slug}/runs/{run.public_id}/enrol/"
    forms = [
        (url, {"name": name, "contact": f"{name}@example.org", "consent": "on", "idempotency_key": key})
        for name, key in (("ada", "k" * 32), ("bo", "m" * 32))
    ]  # fmt: skip
    assert _post_together(forms) == [302, 302]
    statuses = sorted(Enrolment.objects.filter(run=run).values_list("status", flat=True))
    assert statuses == [Enrolment.Status.ENROLLED, Enrolment.Status.WAITING]


@pytest.mark.django_db(transaction=True)
def test_the_same_form_sent_twice_at_once_makes_one_enrolment(site):
    _, _, run = build_college(site, capacity=5)
    url = f"/colleges/{site.slug}/runs/{run.public_id}/enrol/"
    data = {"name": "Ada", "contact": "ada@example.org", "consent": "on", "idempotency_key": "z" * 32}  # fmt: skip
    assert _post_together([(url, data), (url, data)]) == [302, 302]
    assert Enrolment.objects.filter(run=run).count() == 1
