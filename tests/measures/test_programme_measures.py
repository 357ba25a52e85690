from __future__ import annotations

import datetime as dt
import random

import pytest
from django.urls import reverse

from imroc.core.audit import SystemActor
from imroc.core.models import AuditEvent
from imroc.measures import demo
from imroc.measures.models import DataPoint, Measure, ProgrammeMeasure
from tests.improvement.factories import CycleFactory, GoalFactory
from tests.measures.factories import ProgrammeMeasureFactory


def _data(**extra):
    return {
        "name": "Peer support workers employed", "definition": "Whole-time equivalents at month end.",
        "kind": "process", "data_type": "continuous", "chart_type": "", "unit": "WTE", "rate_per": "1",
        "improvement": "increase", "frequency": "monthly", "week_starts_on": "0", **extra,
    }  # fmt: skip


@pytest.mark.django_db
def test_admin_defines_a_shared_measure_and_a_site_adopts_it(
    programme_admin_client, lead_client, site, site_lead
):
    response = programme_admin_client.post(reverse("programme_measures:create"), _data())
    assert response.status_code == 302
    shared = ProgrammeMeasure.objects.get()
    assert shared.chart_type == "xmr"
    page = lead_client.get(reverse("measures:adopt", kwargs={"site": site.slug})).content.decode()
    assert "Peer support workers employed" in page
    lead_client.post(reverse("measures:adopt", kwargs={"site": site.slug}),
                     {"shared": shared.public_id, "owner": site_lead.pk, "target": "12"})  # fmt: skip
    measure = Measure.objects.get()
    assert (measure.shared, measure.name, measure.unit, measure.target) == (
        shared,
        shared.name,
        "WTE",
        12,
    )
    # Adopting twice is refused.
    page = lead_client.post(
        reverse("measures:adopt", kwargs={"site": site.slug}), {"shared": shared.public_id}
    ).content.decode()
    assert "already reports every programme measure" in page or "Choose from the list." in page
    assert Measure.objects.count() == 1
    # The site cannot change the shared definition, only its own fields.
    url = reverse("measures:edit", kwargs={"site": site.slug, "measure": measure.public_id})
    lead_client.post(
        url, {**_data(name="Our own name", unit="people"), "target": "15", "version": "1"}
    )
    measure.refresh_from_db()
    assert (measure.name, measure.unit, measure.target) == (
        "Peer support workers employed",
        "WTE",
        15,
    )
    # The programme's change reaches every site that reports it.
    programme_admin_client.post(reverse("programme_measures:edit", kwargs={"shared": shared.public_id}),
                                {**_data(definition="WTE on the last working day."), "version": "1"})  # fmt: skip
    measure.refresh_from_db()
    assert measure.definition == "WTE on the last working day."
    assert (
        AuditEvent.objects.filter(action="programme_measure.update").get().after["sites_updated"]
        == 1
    )
    page = programme_admin_client.get(reverse("programme_measures:list")).content.decode()
    assert "Peer support workers employed" in page


@pytest.mark.django_db
def test_shared_data_type_is_fixed_once_sites_report_it(programme_admin_client, site, site_lead):
    shared = ProgrammeMeasureFactory(
        programme=site.programme, data_type="continuous", chart_type="xmr"
    )
    Measure.objects.create(
        site=site, shared=shared, name=shared.name, definition="x", data_type="continuous"
    )
    url = reverse("programme_measures:edit", kwargs={"shared": shared.public_id})
    page = programme_admin_client.post(
        url, {**_data(name=shared.name, data_type="count"), "version": "1"}
    ).content.decode()
    assert "Sites already report this measure" in page


@pytest.mark.django_db
def test_programme_routes_are_for_programme_staff(lead_client, programme_viewer_client, site):
    shared = ProgrammeMeasureFactory(programme=site.programme)
    assert lead_client.get(reverse("programme_measures:list")).status_code == 403
    assert programme_viewer_client.get(reverse("programme_measures:list")).status_code == 200
    assert (
        programme_viewer_client.post(reverse("programme_measures:create"), _data()).status_code
        == 403
    )
    edit = reverse("programme_measures:edit", kwargs={"shared": shared.public_id})
    assert programme_viewer_client.post(edit, _data()).status_code == 403
    assert ProgrammeMeasure.objects.count() == 1


@pytest.mark.django_db
def test_bad_programme_measure_input(programme_admin_client, site):
    page = programme_admin_client.post(
        reverse("programme_measures:create"), _data(name="", chart_type="c")
    ).content.decode()
    assert "Enter the measure&#x27;s name." in page
    assert not ProgrammeMeasure.objects.exists()


@pytest.mark.django_db
def test_demo_builds_measures_with_signals_and_links(site, other_site, site_lead, framework):
    goal = GoalFactory(site=site, challenge=framework.challenges.first(), owner=site_lead)
    for month in range(3, 12):
        CycleFactory(
            goal=goal, starts_on=dt.date(2013, month, 10), ends_on=dt.date(2013, month, 28)
        )
    created = demo.build_demo(site.programme, random.Random(7))
    assert 6 <= created <= 16
    for s in (site, other_site):
        measures = list(s.measures.all())
        assert 3 <= len(measures) <= 8
        for m in measures:
            n = DataPoint.objects.filter(measure=m).count()
            assert 29 <= n <= 60
            assert (
                DataPoint.objects.filter(measure=m).order_by("period").first().period.year >= 2011
            )
    assert ProgrammeMeasure.objects.count() == 3
    assert site.measures.filter(cycle_links__isnull=False).exists()
    # One audit event per measure import, not per point.
    assert AuditEvent.objects.filter(action="measure.import").count() == created
    assert AuditEvent.objects.filter(actor_label="system:demo").exists()
    # Running it again adds nothing.
    assert demo.build_demo(site.programme, random.Random(7)) == 0


@pytest.mark.django_db
def test_demo_sites_pages_render(lead_client, site, site_lead):
    demo.build_demo(site.programme, random.Random(3), actor=SystemActor("demo"))
    page = lead_client.get(reverse("measures:board", kwargs={"site": site.slug})).content.decode()
    assert page.count('class="sparkline"') == site.measures.count()
    for m in site.measures.all():
        assert (
            lead_client.get(
                reverse("measures:detail", kwargs={"site": site.slug, "measure": m.public_id})
            ).status_code
            == 200
        )


@pytest.mark.django_db
def test_programme_measures_download(programme_viewer_client, lead_client, site):
    import io

    from openpyxl import load_workbook

    from imroc.core import tables
    from tests.programme.factories import ProgrammeFactory

    shared = ProgrammeMeasureFactory(programme=site.programme, name="=Peer workers")
    ProgrammeMeasureFactory(programme=ProgrammeFactory(slug="elsewhere"), name="Not ours")
    url = reverse("programme_measures:list")
    response = programme_viewer_client.get(url, {"format": "csv"})
    assert response.status_code == 200
    rows = tables.read_csv(b"".join(response.streaming_content))
    assert rows[0] == ["Measure", "Definition", "Kind of data", "Reported", "Sites reporting", "Id"]
    # Formulas are escaped, and another programme's measures are not listed.
    assert rows[1:] == [["'=Peer workers", shared.definition, "A share: how many out of how many", "Monthly", "0", str(shared.public_id)]]  # fmt: skip
    event = AuditEvent.objects.get(action="exports.list")
    assert event.after == {"list": "programme-measures", "format": "csv", "profile": "full", "rows": 1}  # fmt: skip
    data = b"".join(programme_viewer_client.get(url, {"format": "xlsx"}).streaming_content)
    sheet = list(load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))
    assert len(sheet) == 2
    assert programme_viewer_client.get(url, {"format": "pdf"}).status_code == 400
    # A site lead is not programme staff: no page, no download.
    assert lead_client.get(url, {"format": "csv"}).status_code == 403
    page = programme_viewer_client.get(url).content.decode()
    assert "format=csv" in page
