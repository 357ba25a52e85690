"""The tamper-evident audit log: hash chains, append-only triggers, masking, verify."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from imroc.core import audit
from imroc.core.models import AuditChainHead, AuditEvent
from tests.programme.factories import UserFactory

ACTOR = audit.SystemActor("tests")


def _events(site, n, action="thing.change"):
    return [
        audit.record(ACTOR, action, site, site=site, after={"n": i, "share": i / 3})
        for i in range(n)
    ]


def _attack(sql, params=()):
    """What someone with database rights could do: remove the guard, then change the table."""
    with connection.cursor() as cursor:
        for drop in audit.drop_append_only_sql(connection.vendor):
            cursor.execute(drop)
        cursor.execute(sql, list(params))


def _verify(*args):
    try:
        call_command("audit", "verify", *args)
    except CommandError as error:
        return error.returncode
    return 0


@pytest.mark.django_db
def test_events_form_one_chain_per_site_and_verify_passes(site, other_site, capsys):
    first = _events(site, 3)
    _events(other_site, 2)
    audit.record(ACTOR, "programme.change", None, object_type="programme", after={"x": 1.0})
    assert [e.seq for e in first] == [1, 2, 3]
    assert first[0].prev_hash == "" and first[1].prev_hash == first[0].hash
    assert first[2].chain == str(site.public_id)
    head = AuditChainHead.objects.get(chain=str(site.public_id))
    assert (head.seq, head.hash) == (3, first[2].hash)
    stored = AuditEvent.objects.get(pk=first[1].pk)
    assert audit.event_hash(stored) == stored.hash  # the stored row hashes the same as written
    result = audit.verify_chains()
    assert result.intact and result.chains == 3 and result.events == 6
    assert _verify() == 0
    assert "Audit log intact: 6 events in 3 chain(s)" in capsys.readouterr().out
    assert _verify("--site", site.slug) == 0
    assert "3 events in 1 chain" in capsys.readouterr().out
    assert _verify("--site", "nowhere") == 2


@pytest.mark.django_db
def test_the_table_refuses_updates_and_deletes(site):
    event = _events(site, 1)[0]
    assert audit.append_only_triggers()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="thing.hidden")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(actor=UserFactory())
    assert AuditEvent.objects.get(pk=event.pk).action == "thing.change"


@pytest.mark.django_db
def test_removing_a_user_keeps_their_events_and_the_chain(site):
    user = UserFactory(username="leaver")
    audit.record(user, "thing.change", site, site=site)
    user.delete()
    event = AuditEvent.objects.get(action="thing.change")
    assert event.actor is None and event.actor_label == "leaver"
    assert audit.verify_chains().intact


@pytest.mark.django_db
def test_verify_catches_an_edited_event(site, capsys):
    events = _events(site, 4)
    _attack("UPDATE core_auditevent SET object_repr = %s WHERE id = %s", ["edited", events[1].pk])
    result = audit.verify_chains()
    assert not result.intact
    broken = result.breaks[0]
    assert (broken.seq, broken.event_id) == (2, events[1].pk) and "edited" in broken.message
    assert _verify() == 1
    out = capsys.readouterr().out
    assert f"BROKEN site {site.slug}: event #2" in out and "edited" in out


@pytest.mark.django_db
def test_verify_catches_an_edited_event_whose_hash_was_recomputed(site):
    events = _events(site, 3)
    forged = AuditEvent.objects.get(pk=events[0].pk)
    forged.object_repr = "forged"
    _attack(
        "UPDATE core_auditevent SET object_repr = %s, hash = %s WHERE id = %s",
        ["forged", audit.event_hash(forged), forged.pk],
    )
    broken = audit.verify_chains().breaks[0]
    assert broken.seq == 2 and "does not follow" in broken.message


@pytest.mark.django_db
def test_verify_catches_deleted_and_reordered_events(site, other_site):
    events = _events(site, 4)
    _attack("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    broken = audit.verify_chains([str(site.public_id)]).breaks[0]
    assert broken.seq == 2 and "missing" in broken.message
    # Deleting the newest event leaves no gap, but the chain's head remembers it.
    tail = _events(other_site, 3)
    _attack("DELETE FROM core_auditevent WHERE id = %s", [tail[2].pk])
    broken = audit.verify_chains([str(other_site.public_id)]).breaks[0]
    assert broken.seq == 3 and "missing" in broken.message


@pytest.mark.django_db
def test_verify_catches_swapped_events(site):
    a, b = _events(site, 2)
    _attack("UPDATE core_auditevent SET seq = 99 WHERE id = %s", [a.pk])
    _attack("UPDATE core_auditevent SET seq = 1 WHERE id = %s", [b.pk])
    _attack("UPDATE core_auditevent SET seq = 2 WHERE id = %s", [a.pk])
    assert audit.verify_chains().breaks[0].seq == 1


@pytest.mark.django_db
def test_sensitive_values_are_masked(site):
    event = audit.record(
        ACTOR, "learner.update", site, site=site,
        before={"email": "a@example.org", "name": "Sam", "contact": ""},
        after={"Password": "hunter2", "api_token": "abc", "nested": {"phone_number": "0700"},
               "rows": [{"home_address": "1 Lane"}], "date_of_birth": None, "count": 3},
    )  # fmt: skip
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.before == {"email": "***", "name": "Sam", "contact": ""}
    assert stored.after["Password"] == "***" and stored.after["api_token"] == "***"
    assert stored.after["nested"] == {"phone_number": "***"}
    assert stored.after["rows"] == [{"home_address": "***"}]
    assert stored.after["date_of_birth"] is None and stored.after["count"] == 3
    assert "hunter2" not in str(list(AuditEvent.objects.values()))


@pytest.mark.django_db
def test_record_access_logs_views_and_exports(site):
    user = UserFactory()
    seen = audit.record_access(user, "learner", site, site=site)
    sent = audit.record_access(user, "site", site, site=site, exported=True, details={"format": "csv"})  # fmt: skip
    assert (seen.action, sent.action) == ("viewed.learner", "exported.site")
    assert sent.after == {"format": "csv"} and sent.seq == seen.seq + 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_a_chain(site):
    """Writers in several threads (own connections) append to one site's chain at once."""
    errors = []

    def write(n):
        try:
            for i in range(n):
                with transaction.atomic():
                    audit.record(ACTOR, "thing.concurrent", site, site=site, after={"i": i})
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(15,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    seqs = list(
        AuditEvent.objects.filter(chain=str(site.public_id))
        .order_by("seq")
        .values_list("seq", flat=True)
    )
    assert seqs == list(range(1, 61))
    assert audit.verify_chains().intact


@pytest.mark.django_db
def test_viewing_and_exporting_a_learner_record_is_logged(lead_client, site, site_lead):
    from tests.college.factories import CollegeFactory, LearnerFactory

    learner = LearnerFactory(college=CollegeFactory(site=site), contact="private@example.org")
    base = f"/sites/{site.slug}/college/learners/{learner.public_id}/"
    assert lead_client.get(base).status_code == 200
    assert lead_client.get(base + "export.json").status_code == 200
    events = AuditEvent.objects.filter(object_id=str(learner.public_id), actor=site_lead)
    assert sorted(events.values_list("action", flat=True)) == ["exported.learner", "viewed.learner"]
    assert all(e.site_public_id == site.public_id for e in events)
    assert "private@example.org" not in str(list(AuditEvent.objects.values()))
