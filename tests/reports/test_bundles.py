"""Offline site bundles: export, checks, idempotent import, updates, deletions and conflicts.

The hub and the site share one test database here, so each test exports the site's records,
removes them (the hub has not seen them yet), and imports the bundle. Later bundles are built
from edited records, signed with the site's key, exactly as a later export would be.
"""

from __future__ import annotations

import copy
import datetime as dt
import uuid

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from imroc.core.audit import SystemActor
from imroc.core.models import AuditEvent
from imroc.improvement.models import Driver, Goal
from imroc.measures.models import Annotation, DataPoint
from imroc.reports.bundles import format as fmt
from imroc.reports.bundles import services
from imroc.reports.bundles.format import BundleError
from imroc.reports.bundles.specs import SPECS
from imroc.reports.models import BundleImport, ImportedObject, SiteKey
from tests.assessment.factories import RatingFactory, RoundFactory
from tests.improvement.factories import CycleFactory, GoalFactory
from tests.measures.factories import MeasureFactory, add_points

ACTOR = SystemActor("tests")


def build_site_data(site, team, framework, lead):
    challenge = framework.challenges.order_by("number").first()
    goal = GoalFactory(site=site, challenge=challenge, owner=lead, title="More peer workers")
    primary = Driver.objects.create(goal=goal, kind="primary", text="Recruitment")
    Driver.objects.create(goal=goal, parent=primary, kind="secondary", text="Job adverts")
    first = CycleFactory(goal=goal)
    CycleFactory(goal=goal, previous=first)
    measure = MeasureFactory(site=site, owner=lead, team=team, name="Peer workers in post")
    measure.goals.add(goal)
    add_points(measure, [1, 2, 3, 5])
    Annotation.objects.create(measure=measure, on=dt.date(2012, 2, 1), text="New rota")
    assessment_round = RoundFactory(site=site, framework_version=framework, created_by=lead)
    RatingFactory(round=assessment_round, challenge=challenge, given_by=lead, evidence="Good")
    return goal


def wipe(site):
    """Remove the site's bundle records: the hub before it has seen the site's data."""
    for spec in reversed(SPECS):
        spec.in_site(site).delete()


def signed_site_bundle(site, team, framework, lead):
    """(key, bundle): the site's records in a bundle signed with its newly registered key;
    the records are then removed, ready to be imported again."""
    build_site_data(site, team, framework, lead)
    key = fmt.new_private_key()
    services.register_key(site, fmt.public_key_text(key.public_key()), ACTOR)
    raw = services.build_bundle(
        site,
        services.site_records(site),
        key,
        sequence=1,
        bundle_id=uuid.uuid4(),
        created_by="tests",
    )
    wipe(site)
    return key, raw


def all_rows() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.fixture
def key(site):
    private = fmt.new_private_key()
    services.register_key(site, fmt.public_key_text(private.public_key()), ACTOR)
    return private


@pytest.fixture
def data(site, team, framework, site_lead):
    return build_site_data(site, team, framework, site_lead)


def bundle_of(site, records, key, sequence=1, bundle_id=None):
    return services.build_bundle(
        site,
        records,
        key,
        sequence=sequence,
        bundle_id=bundle_id or uuid.uuid4(),
        created_by="tests",
    )


@pytest.fixture
def first_import(site, key, data):
    """Bundle 1 exported, the site's records removed, then the bundle imported."""
    records = services.site_records(site)
    raw = bundle_of(site, records, key)
    wipe(site)
    result = services.import_bundle(raw, ACTOR)
    return records, raw, result


def record_named(records, name, **match):
    return next(r for r in records[name] if all(r["fields"][k] == v for k, v in match.items()))


# --- Export ------------------------------------------------------------------------------


def test_export_command_writes_a_signed_bundle_numbered_in_order(site, data, tmp_path):
    key_file = tmp_path / "keys" / "site.pem"
    call_command("bundle", "keygen", site.slug, "--key-file", str(key_file))
    assert key_file.stat().st_mode & 0o777 == 0o600
    for number in (1, 2):
        out = tmp_path / f"b{number}.imrocbundle"
        call_command("bundle", "export", site.slug, "--out", str(out), "--key-file", str(key_file))
        opened = fmt.open_bundle(out.read_bytes())
        assert opened.manifest["sequence"] == number
        assert opened.manifest["site"]["slug"] == site.slug
        assert opened.manifest["files"]["data/goals.jsonl"]["count"] == 1
    text = opened.files["data/goals.jsonl"].decode()
    assert "More peer workers" in text and '"owner":"lead-a"' in text
    # References are public ids and usernames, never integer keys.
    assert f'"goal":"{data.public_id}"' in opened.files["data/drivers.jsonl"].decode()
    assert AuditEvent.objects.filter(action="reports.bundle_exported").count() == 2


def test_keygen_refuses_to_overwrite_a_key(site, tmp_path):
    key_file = tmp_path / "site.pem"
    call_command("bundle", "keygen", site.slug, "--key-file", str(key_file))
    with pytest.raises(CommandError) as caught:
        call_command("bundle", "keygen", site.slug, "--key-file", str(key_file))
    assert caught.value.returncode == 2
    assert "already exists" in str(caught.value)


# --- Import ------------------------------------------------------------------------------


def test_import_creates_the_records_and_a_second_import_changes_nothing(site, key, data):
    records = services.site_records(site)
    raw = bundle_of(site, records, key)
    wipe(site)
    assert not Goal.objects.filter(site=site).exists()

    result = services.import_bundle(raw, ACTOR)
    assert not result.already_imported
    totals = services.totals(result.counts)
    assert totals["created"] == sum(len(v) for v in records.values()) == totals["in_bundle"]
    assert totals["conflicts"] == 0
    # The hub now holds exactly what the site exported.
    assert services.site_records(site) == records
    goal = Goal.objects.get(site=site)
    assert goal.public_id == data.public_id
    assert list(goal.linked_measures.values_list("name", flat=True)) == ["Peer workers in post"]
    assert DataPoint.objects.filter(measure__site=site).count() == 4
    rows = all_rows()

    again = services.import_bundle(raw, ACTOR)
    assert again.already_imported
    assert again.record.pk == result.record.pk
    assert all_rows() == rows

    event = AuditEvent.objects.get(action="reports.bundle_imported")
    assert event.after["totals"]["created"] == totals["created"]
    assert AuditEvent.objects.filter(action="reports.bundle_created").count() > 0


def test_a_later_bundle_carries_updates_and_deletions(site, key, first_import):
    records, _, _ = first_import
    later = copy.deepcopy(records)
    record_named(later, "goals")["fields"]["title"] = "More peer support workers"
    later["annotations"] = []
    record_named(later, "data_points", period="2012-04-01")["fields"]["value"] = 6.0

    result = services.import_bundle(bundle_of(site, later, key, sequence=2), ACTOR)
    counts = result.counts
    assert counts["goals"]["updated"] == 1
    assert counts["data_points"] == {**counts["data_points"], "updated": 1, "unchanged": 3}
    assert counts["annotations"]["deleted"] == 1
    assert counts["teams"]["unchanged"] == 1
    assert result.conflicts == []
    goal = Goal.objects.get(site=site)
    assert goal.title == "More peer support workers"
    assert goal.version == 2
    assert not Annotation.objects.filter(measure__site=site).exists()
    assert DataPoint.objects.get(measure__site=site, period=dt.date(2012, 4, 1)).value == 6.0
    assert services.site_records(site) == later
    assert AuditEvent.objects.filter(action="reports.bundle_deleted").count() == 1

    # An identical bundle 3 changes nothing.
    rows = all_rows()
    result = services.import_bundle(bundle_of(site, later, key, sequence=3), ACTOR)
    totals = services.totals(result.counts)
    assert totals["unchanged"] == totals["in_bundle"]
    assert totals["created"] == totals["updated"] == totals["deleted"] == 0
    # Only the import record and its audit event were added.
    changed = {k for k, v in all_rows().items() if v != rows[k]}
    assert "reports.BundleImport" in changed
    assert changed - {"reports.BundleImport"} <= {
        m._meta.label for m in apps.get_app_config("core").get_models()
    }


def test_changes_at_the_hub_are_reported_as_conflicts_and_kept(site, key, first_import):
    records, _, _ = first_import
    Goal.objects.filter(site=site).update(title="Title the hub chose")
    Annotation.objects.filter(measure__site=site).update(text="Edited at the hub")

    later = copy.deepcopy(records)
    record_named(later, "goals")["fields"]["title"] = "Title the site chose"
    later["annotations"] = []
    result = services.import_bundle(bundle_of(site, later, key, sequence=2), ACTOR)

    assert Goal.objects.get(site=site).title == "Title the hub chose"
    assert Annotation.objects.get(measure__site=site).text == "Edited at the hub"
    reasons = {c["model"]: c["reason"] for c in result.conflicts}
    assert set(reasons) == {"goals", "annotations"}
    assert "Changed at the hub" in reasons["goals"]
    assert "changed at the hub" in reasons["annotations"]
    assert result.counts["goals"]["conflicts"] == 1
    assert BundleImport.objects.get(sequence=2).conflicts == result.conflicts


def test_children_of_a_conflicting_parent_that_the_hub_deleted_are_reported(
    site, key, first_import
):
    records, _, _ = first_import
    Annotation.objects.filter(measure__site=site).delete()
    later = copy.deepcopy(records)
    record_named(later, "annotations")["fields"]["text"] = "Changed at the site"
    result = services.import_bundle(bundle_of(site, later, key, sequence=2), ACTOR)
    assert [c["model"] for c in result.conflicts] == ["annotations"]
    assert "Deleted at the hub" in result.conflicts[0]["reason"]
    assert not Annotation.objects.filter(measure__site=site).exists()


def test_people_the_hub_lacks_are_left_empty_and_listed(site, key, first_import, site_lead):
    records, _, _ = first_import
    later = copy.deepcopy(records)
    record_named(later, "ratings")["fields"]["given_by"] = "someone-elsewhere"
    result = services.import_bundle(bundle_of(site, later, key, sequence=2), ACTOR)
    assert result.record.missing_users == ["someone-elsewhere"]
    assert result.counts["ratings"]["updated"] == 1
    from imroc.assessment.models import Rating

    assert Rating.objects.get(round__site=site).given_by is None


# --- Refusals: nothing is written ----------------------------------------------------------


def refused(raw, message, **kwargs):
    before = all_rows()
    with pytest.raises(BundleError) as caught:
        services.import_bundle(raw, ACTOR, **kwargs)
    assert message in str(caught.value)
    assert all_rows() == before
    return caught.value


def test_every_flipped_byte_is_refused_with_nothing_written(site, key, data):
    records = services.site_records(site)
    raw = bundle_of(site, records, key)
    wipe(site)
    before = all_rows()
    for position in range(len(raw)):
        damaged = bytearray(raw)
        damaged[position] ^= 0x01
        with pytest.raises(BundleError):
            services.check_bundle(bytes(damaged), actor=ACTOR)
    refused(bytes(raw[:100] + bytes([raw[100] ^ 0xFF]) + raw[101:]), "")
    assert all_rows() == before
    # The intact bundle still imports.
    assert services.import_bundle(raw, ACTOR).counts["goals"]["created"] == 1


def test_truncated_unsigned_and_foreign_bundles_are_refused(site, other_site, key, data):
    records = services.site_records(site)
    raw = bundle_of(site, records, key)
    wipe(site)
    refused(raw[: len(raw) // 2], "damaged or was cut short")
    refused(raw[:-1], "damaged or was cut short")
    refused(b"", "empty")
    refused(b"not a zip at all", "damaged or was cut short")
    refused(bundle_of(site, records, None), "not signed")
    refused(raw, "comes from the site 'ashdown'", expected_site=other_site)
    # A bundle claiming to be another site's, signed with this site's key.
    refused(bundle_of(other_site, {}, key), "signed with the key of 'ashdown'")
    stranger = fmt.new_private_key()
    refused(bundle_of(site, records, stranger), "a key the hub does not know")


def test_revoked_key_and_replayed_bundles_are_refused(site, key, data):
    records = services.site_records(site)
    first = bundle_of(site, records, key, sequence=1)
    second = bundle_of(site, records, key, sequence=2)
    wipe(site)
    services.import_bundle(second, ACTOR)
    refused(first, "bundle 2 was already imported")
    refused(bundle_of(site, records, key, sequence=2), "bundle 2 was already imported")
    services.revoke_key(SiteKey.objects.get(site=site), ACTOR)
    refused(bundle_of(site, records, key, sequence=3), "was revoked")


def test_bad_records_are_refused_before_anything_is_written(site, key, data):
    records = services.site_records(site)
    wipe(site)
    bad = copy.deepcopy(records)
    record_named(bad, "goals")["fields"]["status"] = "on-fire"
    refused(bundle_of(site, bad, key), "status 'on-fire' is not one of the choices")
    bad = copy.deepcopy(records)
    record_named(bad, "goals")["fields"]["target_date"] = "the thirty-first of never"
    refused(bundle_of(site, bad, key), "goals.jsonl line 1: target_date")
    bad = copy.deepcopy(records)
    bad["data_points"][2]["fields"]["period"] = "2012-02-31"
    refused(bundle_of(site, bad, key), "data_points.jsonl line 3: the key does not match")
    bad = copy.deepcopy(records)
    record_named(bad, "goals")["fields"]["challenge"] = "imroc/9999/no-such-challenge"
    refused(bundle_of(site, bad, key), "does not have the framework challenge")
    bad = copy.deepcopy(records)
    del bad["goals"][0]["fields"]["title"]
    refused(bundle_of(site, bad, key), "fields are not the expected ones")


def test_a_bundle_cannot_take_another_sites_public_ids(site, other_site, key, data):
    records = services.site_records(site)
    wipe(site)
    other_goal = GoalFactory(
        site=other_site, challenge=data.challenge, owner=data.owner, title="Theirs"
    )
    record_named(records, "goals")["key"] = str(other_goal.public_id)
    refused(bundle_of(site, records, key), "same id as records of another site")


def test_cli_import_refusal_exits_with_code_2(site, key, data, tmp_path):
    records = services.site_records(site)
    raw = bytearray(bundle_of(site, records, key))
    raw[len(raw) // 2] ^= 0x20
    path = tmp_path / "bad.imrocbundle"
    path.write_bytes(bytes(raw))
    with pytest.raises(CommandError) as caught:
        call_command("bundle", "import", str(path))
    assert caught.value.returncode == 2
    assert not ImportedObject.objects.exists()


def test_register_key_checks_the_key(site, other_site, key):
    with pytest.raises(BundleError, match="not valid base64"):
        services.register_key(site, "not a key!", ACTOR)
    with pytest.raises(BundleError, match="44-character"):
        services.register_key(site, "AAAA", ACTOR)
    with pytest.raises(BundleError, match="already registered for Ashdown"):
        services.register_key(other_site, fmt.public_key_text(key.public_key()), ACTOR)
    assert AuditEvent.objects.filter(action="reports.bundle_key_registered").count() == 1


def test_a_clash_with_a_record_made_at_the_hub_is_a_conflict_not_an_error(site, key, data):
    from imroc.programme.models import Team

    records = services.site_records(site)
    raw = bundle_of(site, records, key)
    wipe(site)
    Team.objects.create(site=site, name="Willow Ward", slug="willow-ward")  # made at the hub
    result = services.import_bundle(raw, ACTOR)
    by_model = {c["model"]: c["reason"] for c in result.conflicts}
    assert "Clashes with a record already at the hub" in by_model["teams"]
    # What hangs off the clashing team is held back too, and says why.
    assert "refers to teams" in by_model["measures"]
    assert result.counts["data_points"]["conflicts"] == 4
    assert result.counts["goals"]["created"] == 1
    assert Team.objects.get(site=site, slug="willow-ward").public_id != uuid.UUID(
        records["teams"][0]["key"]
    )


def test_an_owner_the_hub_lacks_falls_back_to_the_sites_lead(site, key, data, site_lead):
    records = services.site_records(site)
    record_named(records, "goals")["fields"]["owner"] = "ghost-at-the-laptop"
    raw = bundle_of(site, records, key)
    wipe(site)
    result = services.import_bundle(raw, ACTOR)
    assert result.record.missing_users == ["ghost-at-the-laptop"]
    assert Goal.objects.get(site=site).owner == site_lead
