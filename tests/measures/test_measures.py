from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imroc.core.models import AuditEvent
from imroc.measures import services
from imroc.measures.models import (
    Annotation,
    DataPoint,
    DataPointRevision,
    Measure,
    MeasureImport,
    Rebase,
)
from tests.improvement.factories import CycleFactory, GoalFactory
from tests.measures.factories import MeasureFactory, add_points, months

SVG = "{http://www.w3.org/2000/svg}"


def _xml(text: str) -> ET.Element:
    return ET.fromstring(text)  # noqa: S314 - parses our own SVG


def _url(name, site, **kwargs):
    return reverse(f"measures:{name}", kwargs={"site": site.slug, **kwargs})


def _measure_data(**extra):
    return {
        "name": "People with a co-produced care plan", "definition": "Of the people audited, how many wrote their plan with staff.",
        "kind": "outcome", "data_type": "continuous", "chart_type": "", "unit": "people", "rate_per": "1",
        "improvement": "increase", "frequency": "monthly", "week_starts_on": "0", **extra,
    }  # fmt: skip


def _csv(values, start=dt.date(2012, 1, 1), header="period,value"):
    lines = [header]
    for period, value in zip(months(start, len(values)), values, strict=True):
        lines.append(f"{period:%Y-%m},{value}")
    return "\n".join(lines) + "\n"


def _upload(client, site, measure, text, name="data.csv"):
    return client.post(
        _url("import", site, measure=measure.public_id),
        {"file": SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text)},
    )


def _preview_token(response):
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"].rstrip("/").rsplit("/", 1)[1]


def _import(client, site, measure, text):
    token = _preview_token(_upload(client, site, measure, text))
    return client.post(_url("import_preview", site, measure=measure.public_id, token=token))


def _svg(page: str) -> ET.Element:
    start = page.index('<svg xmlns="http://www.w3.org/2000/svg" class="spc-chart"')
    end = page.index("</svg>", start) + len("</svg>")
    return _xml(page[start:end])


# A baseline of 20 months, then a sustained rise: a clear special cause (shift) at the end.
BASE = [50, 52, 49, 51, 48, 50, 53, 47, 51, 50, 49, 52, 50, 48, 51, 50, 49, 52, 51, 50]
RISE = [57, 58, 56, 59, 57, 58, 60, 58, 57, 59, 58, 60, 59, 58, 57, 59, 60, 58, 59, 61]


@pytest.mark.django_db
def test_lead_defines_imports_and_sees_the_chart_and_board(lead_client, site, site_lead, framework):
    """The issue's 'done when': define, import 40 months, chart with icons and a PDSA annotation, board."""
    response = lead_client.post(
        _url("create", site), _measure_data(owner=site_lead.pk, target="55")
    )
    measure = Measure.objects.get()
    assert response["Location"] == _url("detail", site, measure=measure.public_id)
    assert measure.chart_type == "xmr"  # follows from the data type
    assert AuditEvent.objects.filter(action="measure.create").count() == 1

    values = BASE + RISE
    preview = _upload(lead_client, site, measure, _csv(values))
    page = lead_client.get(preview["Location"]).content.decode()
    assert "Every row is right." in page
    assert "40 new periods" in page
    assert DataPoint.objects.count() == 0  # nothing saved before the commit
    lead_client.post(preview["Location"])
    assert DataPoint.objects.filter(measure=measure).count() == 40
    assert AuditEvent.objects.filter(action="measure.import").count() == 1

    goal = GoalFactory(site=site, challenge=framework.challenges.first(), owner=site_lead)
    cycle = CycleFactory(goal=goal, change_idea="Peer workers on ward rounds",
                         starts_on=dt.date(2013, 8, 4), ends_on=dt.date(2013, 9, 20), decision="adopt")  # fmt: skip
    lead_client.post(
        _url("cycles", site, measure=measure.public_id),
        {"action": "link", "cycle": cycle.public_id},
    )
    assert list(measure.cycles.all()) == [cycle]

    page = lead_client.get(_url("detail", site, measure=measure.public_id)).content.decode()
    svg = _svg(page)
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text.startswith(measure.name)
    points = svg.findall(f".//{SVG}g[@class='point']")
    assert len(points) == 40
    assert points[-1].get("data-type") == "special_cause_improvement"
    markers = svg.findall(f".//{SVG}g[@class='marker marker-pdsa']")
    assert (
        len(markers) == 1 and "Peer workers on ward rounds" in markers[0].find(f"{SVG}title").text
    )
    assert (
        "Special cause variation: improvement, values higher" in page
    )  # the variation icon's name
    assert (
        "is above the upper process limit: a sign of improvement." in page
    )  # the plain-English reading
    assert "PDSA cycle</span>, 4 Aug 2013" in page

    board = lead_client.get(_url("board", site)).content.decode()
    assert measure.name in board
    assert "Special cause variation: improvement" in board
    assert 'class="sparkline"' in board

    goal_page = lead_client.get(
        reverse("improvement:goal", kwargs={"site": site.slug, "goal": goal.public_id})
    )
    text = goal_page.content.decode()
    assert "Measures: did the change work?" in text
    assert len(_svg(text).findall(f".//{SVG}g[@class='marker marker-pdsa']")) == 1


@pytest.mark.django_db
def test_svg_is_well_formed_and_escapes_text(lead_client, site):
    measure = MeasureFactory(
        site=site, name='Waits <script>alert("x")</script> & "delays"', unit="<days>"
    )
    add_points(measure, [*BASE[:8], None, None, *BASE[10:]])
    services.add_annotation(
        measure, actor=_lead(site), on=dt.date(2012, 3, 5), text="New rota <b>&</b> more"
    )
    page = lead_client.get(_url("detail", site, measure=measure.public_id)).content.decode()
    assert "<script>alert" not in page
    svg = _svg(page)  # parses: the SVG is well-formed XML
    assert "<script>" in svg.find(f"{SVG}title").text  # the text survives, escaped
    assert len(svg.findall(f".//{SVG}g[@class='point']")) == 18
    # The gap breaks the line: two polylines, and the table says "No data" for the missing months.
    assert len(svg.findall(f".//{SVG}g[@class='data-line']/{SVG}polyline")) == 2
    assert page.count("A gap: no value for this period") == 2
    # Fewer than 13 points since the start: limits drawn dashed and labelled as trial.
    assert svg.findall(f".//{SVG}text[@class='trial-label']") == []  # 18 points: not a trial
    Rebase.objects.create(measure=measure, period=dt.date(2013, 1, 1), reason="New pathway")
    svg = _svg(lead_client.get(_url("detail", site, measure=measure.public_id)).content.decode())
    # Both groups (10 and 8 points) are now too short for firm limits.
    assert [t.text for t in svg.findall(f".//{SVG}text[@class='trial-label']")] == [
        "Trial limits"
    ] * 2
    assert svg.findall(f".//{SVG}path[@class='line-centre trial']")
    assert svg.findall(f".//{SVG}g[@class='rebase']")


def _lead(site):
    return site.memberships.get(role="lead").user


@pytest.mark.django_db
def test_reimport_is_idempotent_and_changes_are_corrections(lead_client, site):
    measure = MeasureFactory(site=site)
    text = _csv(BASE)
    _import(lead_client, site, measure, text)
    events = AuditEvent.objects.filter(action="measure.import").count()
    stamps = list(DataPoint.objects.order_by("period").values_list("updated_at", flat=True))

    preview = _upload(lead_client, site, measure, text)
    assert (
        "20 already saved with the same value"
        in lead_client.get(preview["Location"]).content.decode()
    )
    lead_client.post(preview["Location"])
    assert list(DataPoint.objects.order_by("period").values_list("updated_at", flat=True)) == stamps
    assert not DataPointRevision.objects.exists()
    assert AuditEvent.objects.filter(action="measure.import").count() == events

    changed = BASE[:]
    changed[3] = 99
    preview = _upload(lead_client, site, measure, _csv(changed))
    assert "Correction: was 51" in lead_client.get(preview["Location"]).content.decode()
    lead_client.post(preview["Location"])
    point = DataPoint.objects.get(period=dt.date(2012, 4, 1))
    assert (point.value, point.revision) == (99, 2)
    revision = DataPointRevision.objects.get()
    assert (revision.point, revision.value, revision.revision) == (point, 51, 1)
    assert DataPoint.objects.count() == 20
    page = lead_client.get(_url("detail", site, measure=measure.public_id)).content.decode()
    assert "Corrections" in page and "was replaced on" in page


@pytest.mark.django_db
def test_partially_valid_import_writes_nothing(lead_client, site):
    measure = MeasureFactory(site=site, data_type="count", chart_type="c")
    text = "period,value\n2012-01,4\n2012-02,-1\n2012-03-15,3\n2012-04,three\n2012-05,2.5\n2012-01,6\n2012-06,5\n"
    preview = _upload(lead_client, site, measure, text)
    page = lead_client.get(preview["Location"]).content.decode()
    assert "5 rows have a problem. Nothing has been saved." in page
    assert "The count cannot be negative." in page
    assert "Monthly data must be dated the 1st of the month: for March 2012 use 2012-03-01" in page
    assert "The value “three” is not a number." in page
    assert "The count must be a whole number." in page
    assert "2012-01-01 is also on row 2. Give each period once." in page
    assert "Save the data" not in page
    response = lead_client.post(preview["Location"])
    assert "Fix the rows with problems" in response.content.decode()
    assert not DataPoint.objects.exists()
    assert MeasureImport.objects.get().status == "preview"


@pytest.mark.django_db
def test_import_commit_is_all_or_nothing_when_a_write_fails(lead_client, site, monkeypatch):
    measure = MeasureFactory(site=site)
    token = _preview_token(_upload(lead_client, site, measure, _csv(BASE)))
    original = DataPoint.objects.bulk_create

    def half_then_fail(objs, **kwargs):
        original(objs[:5], **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(DataPoint.objects, "bulk_create", half_then_fail)
    with pytest.raises(RuntimeError):
        services.commit_import(MeasureImport.objects.get(token=token), actor=_lead(site))
    assert not DataPoint.objects.exists()
    assert MeasureImport.objects.get(token=token).status == "preview"


@pytest.mark.django_db
def test_commit_uses_the_server_copy_not_the_browser(lead_client, site):
    measure = MeasureFactory(site=site)
    token = _preview_token(_upload(lead_client, site, measure, _csv([1, 2, 3])))
    url = _url("import_preview", site, measure=measure.public_id, token=token)
    lead_client.post(url, {"rows": "2012-01,999"})  # whatever the browser sends is ignored
    assert sorted(DataPoint.objects.values_list("value", flat=True)) == [1, 2, 3]
    page = lead_client.post(url).content.decode()  # a second commit
    assert "already been committed" in page
    assert DataPoint.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Upload a file, or paste the data into the box."),
        (",\n,\n", "There is no data"),
        ("when,howmuch\n2012-01,3\n", "The first row must name the columns: period,value."),
        ("period,value\n" + "".join(f"2012-01,{i}\n" for i in range(5001)), "more than 5,000 rows"),
    ],
)
def test_bad_paste(lead_client, site, text, message):
    measure = MeasureFactory(site=site)
    response = lead_client.post(_url("import", site, measure=measure.public_id), {"text": text})
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert not MeasureImport.objects.exists()


@pytest.mark.django_db
def test_too_large_file_is_refused(lead_client, site):
    measure = MeasureFactory(site=site)
    big = ("period,value\n" + "2012-01,1\n" * 250_000).encode()
    assert len(big) > 2 * 1024 * 1024
    page = _upload(lead_client, site, measure, big).content.decode()
    assert "The file is larger than 2 MB." in page
    assert not MeasureImport.objects.exists()


@pytest.mark.django_db
def test_fraction_import_and_messages(lead_client, site):
    measure = MeasureFactory(site=site, data_type="proportion", chart_type="p")
    text = "period,numerator,denominator\n2012-01,5,10\n2012-02,12,10\n2012-03,3,0\n"
    page = lead_client.get(_upload(lead_client, site, measure, text)["Location"]).content.decode()
    assert "The numerator (12) is more than the denominator (10)." in page
    assert "The denominator must be more than 0." in page
    ok = "period,numerator,denominator\n" + "".join(
        f"{p:%Y-%m-%d},{n},40\n"
        for p, n in zip(months(dt.date(2012, 1, 1), 15), range(10, 25), strict=True)
    )
    _import(lead_client, site, measure, ok)
    point = DataPoint.objects.get(period=dt.date(2012, 1, 1))
    assert (point.numerator, point.denominator, point.value) == (10, 40, 0.25)
    page = lead_client.get(_url("detail", site, measure=measure.public_id)).content.decode()
    assert "25.0%" in page  # shares are shown as percentages
    assert len(_svg(page).findall(f".//{SVG}g[@class='point']")) == 15


@pytest.mark.django_db
def test_xlsx_import(lead_client, site):
    openpyxl = pytest.importorskip("openpyxl")
    import io

    measure = MeasureFactory(site=site)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Period", "Value"])
    for period, value in zip(months(dt.date(2012, 1, 1), 14), BASE, strict=False):
        sheet.append([dt.datetime(period.year, period.month, 1), value])  # noqa: DTZ001 - a spreadsheet date
    sheet.append([dt.datetime(2013, 3, 2), 3])  # noqa: DTZ001 - not the 1st: refused
    buffer = io.BytesIO()
    book.save(buffer)
    preview = _upload(lead_client, site, measure, buffer.getvalue(), name="data.xlsx")
    page = lead_client.get(preview["Location"]).content.decode()
    assert "Monthly data must be dated the 1st of the month" in page
    assert "1 row has a problem" in page
    page = _upload(
        lead_client, site, measure, b"PK\x03\x04not really a workbook", name="x.xlsx"
    ).content.decode()
    assert "The Excel file could not be opened." in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data_type", "data", "field", "message"),
    [
        (
            "continuous",
            {"period": "2012-01", "value": "lots"},
            "value",
            "The value “lots” is not a number.",
        ),
        (
            "continuous",
            {"period": "2012-01-15", "value": "3"},
            "period",
            "Monthly data must be dated the 1st of the month",
        ),
        ("continuous", {"period": "15/13/2012", "value": "3"}, "period", "is not a date."),
        ("continuous", {"period": "1999-01", "value": "3"}, "period", "is before 2000."),
        ("continuous", {"period": "2099-01", "value": "3"}, "period", "is in the future."),
        ("continuous", {"period": "2012-01", "value": ""}, "value", "Enter the value."),
        ("count", {"period": "2012-01", "value": "-2"}, "value", "The count cannot be negative."),
        (
            "proportion",
            {"period": "2012-01", "numerator": "9", "denominator": "4"},
            "numerator",
            "is more than the denominator",
        ),
        (
            "rate",
            {"period": "2012-01", "numerator": "3", "denominator": "0"},
            "denominator",
            "The exposure must be more than 0.",
        ),
    ],
)
def test_bad_point_input(member_client, site, data_type, data, field, message):
    chart = {"continuous": "xmr", "count": "c", "proportion": "p", "rate": "u"}[data_type]
    measure = MeasureFactory(site=site, data_type=data_type, chart_type=chart)
    response = member_client.post(_url("point", site, measure=measure.public_id), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert f'href="#id_{field}"' in page
    assert 'value="' + data["period"] + '"' in page  # what the user typed is kept
    assert not DataPoint.objects.exists()


@pytest.mark.django_db
def test_weekly_periods_start_on_the_measures_week_start(member_client, site):
    measure = MeasureFactory(site=site, frequency="weekly", week_starts_on=0)
    url = _url("point", site, measure=measure.public_id)
    page = member_client.post(url, {"period": "2012-03-14", "value": "4"}).content.decode()
    assert (
        "weeks start on a Monday, and 2012-03-14 is a Wednesday. For that week use 2012-03-12."
        in page
    )
    member_client.post(url, {"period": "2012-03-12", "value": "4"})
    assert DataPoint.objects.get().period == dt.date(2012, 3, 12)


@pytest.mark.django_db
def test_point_entry_corrects_with_history(member_client, site, site_member):
    measure = MeasureFactory(site=site)
    url = _url("point", site, measure=measure.public_id)
    member_client.post(url, {"period": "2012-01", "value": "4"})
    page = member_client.get(url + "?period=2012-01-01").content.decode()
    assert 'value="4"' in page and "corrects it" in page
    member_client.post(url, {"period": "2012-01-01", "value": "5", "note": "Late returns"})
    member_client.post(url, {"period": "2012-01-01", "value": "5"})
    point = DataPoint.objects.get()
    assert (point.value, point.revision) == (5, 2)
    assert DataPointRevision.objects.get().value == 4
    assert list(AuditEvent.objects.filter(action__startswith="measure.point").values_list("action", flat=True).order_by("id")) == [
        "measure.point.create", "measure.point.correct",
    ]  # fmt: skip


@pytest.mark.django_db
def test_partner_enters_data_only_for_measures_they_own(partner_client, site, partner):
    own = MeasureFactory(site=site, owner=partner)
    other = MeasureFactory(site=site)
    assert (
        partner_client.post(
            _url("point", site, measure=own.public_id), {"period": "2012-01", "value": "3"}
        ).status_code
        == 302
    )
    assert (
        partner_client.post(
            _url("annotation_add", site, measure=own.public_id),
            {"on": "2012-01-10", "text": "Started"},
        ).status_code
        == 302
    )
    for name in ("point", "import", "annotation_add"):
        assert partner_client.get(_url(name, site, measure=other.public_id)).status_code == 403
    for name in ("edit", "rebase_add", "cycles"):
        assert partner_client.get(_url(name, site, measure=own.public_id)).status_code == 403
    assert DataPoint.objects.filter(measure=other).count() == 0
    assert Annotation.objects.get().created_by == partner
    # The detail page offers entry only where the partner may enter.
    assert (
        "Enter data"
        in partner_client.get(_url("detail", site, measure=own.public_id)).content.decode()
    )
    assert (
        "Enter data"
        not in partner_client.get(_url("detail", site, measure=other.public_id)).content.decode()
    )


@pytest.mark.django_db
def test_viewer_reads_but_cannot_write(viewer_client, site):
    measure = MeasureFactory(site=site)
    assert viewer_client.get(_url("board", site)).status_code == 200
    assert viewer_client.get(_url("detail", site, measure=measure.public_id)).status_code == 200
    assert (
        viewer_client.post(
            _url("point", site, measure=measure.public_id), {"period": "2012-01", "value": "1"}
        ).status_code
        == 403
    )
    assert not DataPoint.objects.exists()


@pytest.mark.django_db
def test_outsider_gets_404_everywhere(outsider_client, lead_client, site, site_lead):
    measure = MeasureFactory(site=site, owner=site_lead)
    token = _preview_token(_upload(lead_client, site, measure, _csv([1, 2])))
    urls = (
        [_url("board", site), _url("create", site), _url("adopt", site)]
        + [
            _url(name, site, measure=measure.public_id)
            for name in (
                "detail",
                "edit",
                "point",
                "import",
                "rebase_add",
                "annotation_add",
                "cycles",
            )
        ]
        + [_url("import_preview", site, measure=measure.public_id, token=token)]
    )
    for url in urls:
        assert outsider_client.get(url).status_code == 404, url
        assert outsider_client.post(url, {"period": "2012-01", "value": "1"}).status_code == 404, (
            url
        )
    assert not DataPoint.objects.exists()


@pytest.mark.django_db
def test_another_sites_measure_and_import_are_404(lead_client, site, other_site, member_client):
    theirs = MeasureFactory(site=other_site)
    assert lead_client.get(_url("detail", site, measure=theirs.public_id)).status_code == 404
    assert lead_client.get(_url("point", site, measure=theirs.public_id)).status_code == 404
    # An import preview belongs to the person who uploaded it.
    mine = MeasureFactory(site=site)
    token = _preview_token(_upload(lead_client, site, mine, _csv([1, 2])))
    url = _url("import_preview", site, measure=mine.public_id, token=token)
    assert member_client.get(url).status_code == 404
    assert member_client.post(url).status_code == 404
    assert not DataPoint.objects.exists()


@pytest.mark.django_db
def test_cannot_link_another_sites_cycle(
    lead_client, site, site_lead, other_site, framework, outsider
):
    measure = MeasureFactory(site=site)
    goal = GoalFactory(site=other_site, challenge=framework.challenges.first(), owner=outsider)
    cycle = CycleFactory(goal=goal)
    CycleFactory(goal=GoalFactory(site=site, challenge=goal.challenge, owner=_lead(site)))
    page = lead_client.post(
        _url("cycles", site, measure=measure.public_id),
        {"action": "link", "cycle": cycle.public_id},
    ).content.decode()
    assert "Choose from the list." in page
    response = lead_client.post(
        _url("cycles", site, measure=measure.public_id),
        {"action": "unlink", "cycle": cycle.public_id},
    )
    assert response.status_code == 404
    assert not measure.cycles.exists()


@pytest.mark.django_db
def test_stale_measure_edit_is_refused(member_client, site, site_lead):
    measure = MeasureFactory(site=site, name="Waits")
    services.update_measure(measure, actor=site_lead, expected_version=1, name="Lead's name")
    data = _measure_data(name="My name", version="1")
    page = member_client.post(_url("edit", site, measure=measure.public_id), data).content.decode()
    assert "Someone else saved changes here" in page
    assert 'value="My name"' in page
    measure.refresh_from_db()
    assert measure.name == "Lead's name"
    page = member_client.post(
        _url("edit", site, measure=measure.public_id), {**data, "version": "2"}
    )
    measure.refresh_from_db()
    assert measure.name == "My name" and measure.version == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ""}, "name", "Enter the measure&#x27;s name."),
        ({"definition": ""}, "definition", "Say in plain English what the measure counts."),
        (
            {"data_type": "count", "chart_type": "p"},
            "chart_type",
            "That chart does not suit this kind of data.",
        ),
        ({"data_type": "vibes"}, "data_type", "Choose from the list."),
        ({"target": "lots"}, "target", "Enter a number, like 30 or 12.5."),
        (
            {"data_type": "proportion", "target": "120"},
            "target",
            "A share&#x27;s target is a percentage from 0 to 100.",
        ),
        ({"target_date": "2013-01-01"}, "target", "Enter the target as well as its date"),
    ],
)
def test_bad_measure_input(member_client, site, change, field, message):
    response = member_client.post(_url("create", site), _measure_data(**change))
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert f'href="#id_{field}"' in page
    assert not Measure.objects.exists()


@pytest.mark.django_db
def test_data_type_is_fixed_once_there_is_data(member_client, site):
    measure = MeasureFactory(site=site)
    add_points(measure, [1, 2])
    page = member_client.post(
        _url("edit", site, measure=measure.public_id),
        _measure_data(name=measure.name, data_type="count", chart_type="c", version="1"),
    ).content.decode()
    assert "already has data" in page
    measure.refresh_from_db()
    assert measure.data_type == "continuous"


@pytest.mark.django_db
def test_rebase_and_annotation(member_client, site):
    measure = MeasureFactory(site=site)
    add_points(measure, BASE + RISE)
    url = _url("rebase_add", site, measure=measure.public_id)
    assert (
        "Say why the process changed."
        in member_client.post(url, {"period": "2013-09"}).content.decode()
    )
    assert (
        "Monthly data must be dated"
        in member_client.post(url, {"period": "2013-09-09", "reason": "x"}).content.decode()
    )
    member_client.post(url, {"period": "2013-09", "reason": "Peer workers joined every ward"})
    assert Rebase.objects.get().period == dt.date(2013, 9, 1)
    member_client.post(
        _url("annotation_add", site, measure=measure.public_id),
        {"on": "2013-02-11", "text": "Team moved"},
    )
    page = member_client.get(_url("detail", site, measure=measure.public_id)).content.decode()
    svg = _svg(page)
    assert svg.findall(f".//{SVG}g[@class='marker marker-note']")
    assert "Rebase: Peer workers joined every ward" in "".join(svg.itertext())
    assert "Team moved" in page
    # After the rebase the new group's limits are computed from the new data alone.
    assert "The latest point shows only common-cause variation" in page


@pytest.mark.django_db
def test_board_query_count_is_constant(lead_client, site):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert lead_client.get(_url("board", site)).status_code == 200
        return len(ctx.captured_queries)

    for i in range(3):
        add_points(MeasureFactory(site=site, name=f"A{i}"), BASE)
    few = count()
    for i in range(25):
        kind = ["xmr", "c", "g", "t"][i % 4]
        data_type = {"xmr": "continuous", "c": "count", "g": "between", "t": "between"}[kind]
        measure = MeasureFactory(site=site, name=f"B{i}", chart_type=kind, data_type=data_type)
        add_points(measure, BASE + RISE)
        Rebase.objects.create(measure=measure, period=dt.date(2013, 6, 1), reason="x")
    for i in range(5):
        measure = MeasureFactory(site=site, name=f"P{i}", chart_type="p", data_type="proportion")
        DataPoint.objects.bulk_create(
            DataPoint(measure=measure, period=p, value=0.5, numerator=10 + i, denominator=20)
            for p in months(dt.date(2012, 1, 1), 20)
        )
    assert count() == few
    assert few <= 10


@pytest.mark.django_db
def test_detail_goal_and_dashboard_query_counts_are_constant(
    lead_client, site, site_lead, framework
):
    goal = GoalFactory(site=site, challenge=framework.challenges.first(), owner=site_lead)
    cycles = [CycleFactory(goal=goal) for _ in range(2)]
    measure = MeasureFactory(site=site)
    add_points(measure, BASE)
    services.link_cycle(measure, cycles[0], actor=site_lead)
    urls = [
        _url("detail", site, measure=measure.public_id),
        reverse("improvement:goal", kwargs={"site": site.slug, "goal": goal.public_id}),
        reverse("sites:dashboard", kwargs={"site": site.slug}),
    ]

    def counts():
        out = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert lead_client.get(url).status_code == 200
            out.append(len(ctx.captured_queries))
        return out

    before = counts()
    for i in range(10):
        m = MeasureFactory(site=site, name=f"More {i}")
        add_points(m, RISE)
        services.link_cycle(m, cycles[1], actor=site_lead)
        services.add_annotation(measure, actor=site_lead, on=dt.date(2012, 2, 1), text=f"Note {i}")
        services.link_cycle(m, cycles[0], actor=site_lead)
    assert counts() == before


@pytest.mark.django_db
def test_reading_says_what_a_shift_means(lead_client, site):
    measure = MeasureFactory(site=site, target=40)
    add_points(measure, [*BASE, 52, 53, 52, 53, 52, 53, 52])
    page = lead_client.get(_url("detail", site, measure=measure.public_id)).content.decode()
    assert "The last 7 points are above the average: a sign of improvement." in page
    assert (
        "The target of 40.0 is below the lower process limit, so the process can be expected to meet it every time."
        in page
    )
    assert "Assurance: the process will consistently meet the target" in page


@pytest.mark.django_db
def test_dashboard_panel(lead_client, site):
    add_points(MeasureFactory(site=site, name="Rising"), BASE + RISE)
    add_points(MeasureFactory(site=site, name="Falling", improvement="decrease"), BASE + RISE)
    MeasureFactory(site=site, name="Empty")
    page = lead_client.get(reverse("sites:dashboard", kwargs={"site": site.slug})).content.decode()
    assert '<span class="figure">3</span> measures tracked (2 with data)' in page
    assert '<span class="figure">1</span> shows special-cause improvement now' in page
    assert '<span class="figure">1</span> shows special-cause concern now' in page
