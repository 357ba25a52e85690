"""Bulk upsert of data points: the service and `imroc import datapoints`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from imroc.core import audit
from imroc.core.models import AuditEvent
from imroc.measures import services
from imroc.measures.models import DataPoint, DataPointRevision
from tests.measures.factories import MeasureFactory, add_points, months


@pytest.fixture
def number(site):
    return MeasureFactory(site=site, name="Waiting days")


@pytest.fixture
def share(site):
    return MeasureFactory(
        site=site, name="Plans co-produced", data_type="proportion", chart_type="p"
    )


@pytest.mark.django_db
def test_bulk_upsert_creates_corrects_and_keeps_revisions(site, site_lead, number, share):
    add_points(number, [10.0, 11.0])  # 2012-01, 2012-02
    rows = [
        {"measure": number, "period": dt.date(2012, 1, 1), "value": 10},  # unchanged
        {"measure": str(number.public_id), "period": "2012-02", "value": "12.5", "note": "re-audited"},
        {"measure": number.public_id, "period": "2012-03-01", "value": 9},
        {"measure": share, "period": "2012-01", "numerator": "3", "denominator": 4},
    ]  # fmt: skip
    counts = services.upsert_data_points(site, rows, actor=site_lead)
    assert counts == {"rows": 4, "created": 2, "corrected": 1, "unchanged": 1, "measures": 2}
    corrected = DataPoint.objects.get(measure=number, period=dt.date(2012, 2, 1))
    assert (corrected.value, corrected.revision, corrected.note) == (12.5, 2, "re-audited")
    assert (corrected.source, corrected.entered_by) == ("import", site_lead)
    old = DataPointRevision.objects.get(point=corrected)
    assert (old.value, old.revision, old.replaced_by) == (11.0, 1, site_lead)
    shared = DataPoint.objects.get(measure=share)
    assert (shared.value, shared.numerator, shared.denominator) == (0.75, 3.0, 4.0)
    event = AuditEvent.objects.get(action="measure.bulk_upsert")
    assert event.after["created"] == 2 and event.after["corrected"] == 1
    assert event.site_public_id == site.public_id and event.actor == site_lead
    # Running it again changes nothing and still says so.
    again = services.upsert_data_points(site, rows, actor=site_lead)
    assert again["unchanged"] == 4 and DataPointRevision.objects.count() == 1


@pytest.mark.django_db
def test_bulk_upsert_writes_nothing_when_any_row_is_wrong(site, other_site, site_lead, number, share):  # fmt: skip
    foreign = MeasureFactory(site=other_site, name="Theirs")
    future = (timezone.localdate() + dt.timedelta(days=40)).replace(day=1).isoformat()
    rows = [
        {"measure": number, "period": "2012-01", "value": 1},
        {"measure": number, "period": "2012-01-15", "value": 2},
        {"measure": number, "period": "2012-02", "value": "lots"},
        {"measure": share, "period": "2012-01", "numerator": 5, "denominator": 4},
        {"measure": str(foreign.public_id), "period": "2012-01", "value": 1},  # another site's
        {"measure": foreign, "period": "2012-01", "value": 1},
        {"measure": "not-a-uuid", "period": "2012-01", "value": 1},
        {"measure": number, "period": "2012-01", "value": 3, "row": 42},  # duplicate
        {"measure": number, "period": future, "value": 1},
        {"period": "2012-01", "value": 1},
        {"measure": number, "period": "2012-04", "value": 1, "note": "x" * 301},
    ]
    with pytest.raises(services.BulkUpsertError) as caught:
        services.upsert_data_points(site, rows, actor=site_lead)
    errors = caught.value.errors
    by_row = {e["row"]: e for e in errors}
    assert set(by_row) == {2, 3, 4, 5, 6, 7, 42, 9, 10, 11}
    assert "1st of the month" in by_row[2]["message"] and by_row[2]["field"] == "period"
    assert "not a number" in by_row[3]["message"]
    assert by_row[4]["field"] == "numerator"
    assert "no measure" in by_row[5]["message"] and "no measure" in by_row[6]["message"]
    assert "also on row 1" in by_row[42]["message"]
    assert "future" in by_row[9]["message"] and by_row[10]["field"] == "measure"
    assert by_row[11]["field"] == "note"
    assert "Nothing was saved" in str(caught.value)
    assert not DataPoint.objects.exists()
    assert not AuditEvent.objects.filter(action="measure.bulk_upsert").exists()


@pytest.mark.django_db
def test_bulk_upsert_of_many_points_uses_few_queries(site, site_lead, django_assert_max_num_queries):  # fmt: skip
    measures = [MeasureFactory(site=site) for _ in range(5)]
    periods = months(dt.date(2010, 1, 1), 100)
    rows = [
        {"measure": m, "period": p, "value": i} for i, m in enumerate(measures) for p in periods
    ]
    with django_assert_max_num_queries(12):
        services.upsert_data_points(site, rows, actor=site_lead)
    assert DataPoint.objects.count() == 500
    changed = [{**r, "value": r["value"] + 1} for r in rows]
    with django_assert_max_num_queries(16):
        counts = services.upsert_data_points(site, changed, actor=site_lead)
    assert counts["corrected"] == 500 and DataPointRevision.objects.count() == 500
    assert set(DataPoint.objects.values_list("revision", flat=True)) == {2}


def _csv(tmp_path, text, name="points.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_import_command_loads_a_csv_all_or_nothing(tmp_path, site, number, share, capsys):
    good = _csv(
        tmp_path,
        f"Measure,Period,Value,Numerator,Denominator,Note\n"
        f"{number.public_id},2012-01,4,,,first\n"
        f"{share.public_id},2012-01-01,,1,2,\n"
        f"{number.public_id},2012-02,5,,,\n",
    )
    call_command("import", "datapoints", site.slug, str(good))
    out = capsys.readouterr().out
    assert "Checked 3 rows" in out and "3 new" in out
    assert DataPoint.objects.count() == 3
    assert AuditEvent.objects.get(action="measure.bulk_upsert").actor_label == "system:import"

    bad = _csv(tmp_path, "period,value\n2012-03,1\n2012-04,oops\n2012-05-02,1\n", "bad.csv")
    with pytest.raises(CommandError) as caught:
        call_command(
            "import", "datapoints", site.slug, str(bad), "--measure", str(number.public_id)
        )
    assert caught.value.returncode == 2
    err = capsys.readouterr().err
    assert "Line 3 (value)" in err and "Line 4 (period)" in err
    assert DataPoint.objects.count() == 3  # the good row 2 was not written either

    ok = _csv(tmp_path, "period,value\n2012-03,1\n", "ok.csv")
    call_command("import", "datapoints", site.slug, str(ok), "--measure", str(number.public_id))
    assert DataPoint.objects.count() == 4


@pytest.mark.django_db
def test_import_command_refuses_other_sites_and_unreadable_files(tmp_path, site, other_site, number):  # fmt: skip
    path = _csv(tmp_path, f"measure,period,value\n{number.public_id},2012-01,1\n")
    # The measure belongs to site, so importing it into other_site finds no such measure.
    with pytest.raises(CommandError) as caught:
        call_command("import", "datapoints", other_site.slug, str(path))
    assert caught.value.returncode == 2
    for args in (("nowhere", str(path)), (site.slug, str(tmp_path / "missing.csv"))):
        with pytest.raises(CommandError) as caught:
            call_command("import", "datapoints", *args)
        assert caught.value.returncode == 2
    header_only = _csv(tmp_path, "value\n1\n", "header.csv")
    with pytest.raises(CommandError, match="first row must name the columns"):
        call_command("import", "datapoints", site.slug, str(header_only))
    assert not DataPoint.objects.exists()


@pytest.mark.django_db
def test_bulk_upsert_event_is_part_of_the_site_chain(site, site_lead, number):
    services.upsert_data_points(site, [{"measure": number, "period": "2012-01", "value": 1}], actor=site_lead)  # fmt: skip
    result = audit.verify_chains([str(site.public_id)])
    assert result.intact and result.events >= 1
