"""Hostile input at the public edges: no answer is ever a 5xx, and a refusal writes nothing.

Every query-string filter of the site and programme pages and the API, and every import (API
JSON bodies and bulk rows, measure CSV and XLSX, the people CSV, FHIR questionnaires, the
fidelity wording and framework YAML, offline bundles), is sent generated values: dates out of
range, odd unicode, huge numbers, NaN and infinity, deep nesting, wrong types, empty values and
very long text. Each answer must be below 500; when the input is refused, the database holds
exactly the rows it held before (the audit log included).

Then one plain regression test for each bug found at these edges (issue 20).
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import uuid

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from imroc.core import safejson
from imroc.core.audit import SystemActor
from imroc.core.models import AuditEvent
from imroc.measures.models import DataPoint, Measure
from imroc.reports.bundles import format as fmt
from imroc.reports.bundles import services as bundle_services
from imroc.reports.bundles.format import BundleError
from imroc.reports.bundles.specs import SPECS, digest
from imroc.reports.models import BundleImport
from imroc.surveys import fhir
from imroc.surveys.models import InstrumentVersion
from tests.api.conftest import Api, make_token
from tests.college.factories import build_college
from tests.measures.factories import MeasureFactory, add_points
from tests.programme.factories import ResourceFactory
from tests.reports.test_bundles import signed_site_bundle
from tests.surveys.factories import FIXTURE

ACTOR = SystemActor("tests")
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
VALID_FHIR = json.loads(FIXTURE.read_text())

# Rows a refused request may still add: the security log of refused requests, the count of
# pages not found, rate-limit windows and sessions. None of them is the data a request changes.
BOOKKEEPING = {"core.SecurityEvent", "core.NotFoundDay", "core.RateCounter", "sessions.Session"}


def all_rows() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label not in BOOKKEEPING and model._meta.app_label != "axes"
    }


def assert_no_server_error(response) -> None:
    assert response.status_code < 500, (response.status_code, response.content[:300])


# --- Hostile values ------------------------------------------------------------------------

ODD_TEXT = [
    "",
    " ",
    "9999-12-31",
    "0001-01-01",
    "0000-00-00",
    "10000-01-01",
    "2024-02-30",
    "2024-13-01",
    "1899-12-31",
    "2201-01-01",
    "2024-W01-1",
    "20240101",
    "2024-1-1",
    " 2024-01-01 ",
    "31/12/9999",
    "-1",
    "0",
    "1e308",
    "-1e308",
    "1e999",
    "nan",
    "NaN",
    "inf",
    "-Infinity",
    "9" * 5000,
    "²",
    "١٢٣٤",
    "２０２４-０１-０１",
    "\x00",
    "a\x00b",
    "null",
    "[]",
    "{}",
    "true",
    "<script>alert(1)</script>",
    "' OR '1'='1",
    "../../etc/passwd",
    "%00",
    "a" * 10_000,
    "😀" * 50,
    "\u202e\u200b",
    "\r\n",
    "2024-01-01T00:00:00+99:00",
    "99999999999999999999",
]
odd_text = st.one_of(
    st.sampled_from(ODD_TEXT),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
    st.dates().map(dt.date.isoformat),
    st.datetimes().map(dt.datetime.isoformat),
    st.integers().map(str),
    st.floats().map(repr),
)


def query(*names: str):
    """A query string over these parameters, each given a hostile value (or left out)."""
    return st.dictionaries(st.sampled_from(names), odd_text, max_size=len(names))


def deep(levels: int, opening: str = "[") -> str:
    closing = {"[": "]", "{": "}"}[opening]
    inner = '{"a":' * levels + "1" + "}" * levels if opening == "{" else "1"
    return opening * levels + inner + closing * levels if opening == "[" else inner


ODD_JSON = [
    "",
    " ",
    "null",
    "[]",
    "{}",
    '""',
    "0",
    "true",
    "NaN",
    "Infinity",
    "-Infinity",
    "[NaN]",
    "1e999",
    '{"rows": [1e999]}',
    "[" + "9" * 5000 + "]",
    "\ufeff{}",
    "{",
    "[1,]",
    deep(100_000),
    deep(5_000, "{"),
    deep(65),
    '{"rows": ' + deep(10_000) + "}",
    '{"a": "' + "[" * 10_000 + '"}',
]
json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    odd_text,
    st.text(max_size=6),  # lone surrogates too: JSON escapes them as "\ud800"
)
json_value = st.recursive(
    json_leaf,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
json_body = st.one_of(
    st.sampled_from(ODD_JSON),
    json_value.map(json.dumps),
    st.integers(1, 50_000).map(deep),
)


# --- Query-string filters of site and programme pages -------------------------------------


@pytest.fixture
def pages(site, site_lead, framework):
    """A measure, a college and some history, so the filtered pages have something to show."""
    measure = MeasureFactory(site=site, owner=site_lead)
    add_points(measure, [3, 4, 5], start=dt.date(2021, 1, 1))
    build_college(site)
    return {"measure": measure.public_id}


GET_TARGETS = {
    "history": (
        "lead_client",
        "/sites/{site}/history/",
        ("action", "object_type", "actor", "from", "to", "page"),
    ),
    "reports": ("lead_client", "/sites/{site}/reports/", ("from", "to")),
    "board": ("lead_client", "/sites/{site}/reports/board.html", ("from", "to")),
    "library": ("lead_client", "/sites/{site}/library/", ("q", "challenge", "kind", "page")),
    "benchmarks": ("lead_client", "/sites/{site}/benchmarks/", ("measure", "year")),
    "point entry": ("lead_client", "/sites/{site}/measures/{measure}/data/", ("period",)),
    "learners": ("lead_client", "/sites/{site}/college/learners/", ("q",)),
    "prospectus": ("client", "/colleges/{site}/", ("q", "term", "chime", "format", "audience")),
    "programme": ("programme_admin_client", "/programme/", ("category", "region", "country")),
    "applications": ("programme_admin_client", "/programme/applications/", ("status",)),
    "programme benchmarks": (
        "programme_admin_client",
        "/programme/benchmarks/",
        ("measure", "year"),
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("target", GET_TARGETS)
@FUZZ
@given(params=st.data())
def test_query_string_filters_never_fail(request, target, site, pages, params):
    who, path, names = GET_TARGETS[target]
    client = request.getfixturevalue(who)
    url = path.format(site=site.slug, **pages)
    values = params.draw(query(*names))
    before = AuditEvent.objects.count()
    response = client.get(url, values)
    assert_no_server_error(response)
    assert AuditEvent.objects.count() == before  # looking at a page writes nothing


@pytest.mark.django_db
@pytest.mark.parametrize("target", GET_TARGETS)
def test_every_odd_value_in_every_filter(request, target, site, pages):
    """The generated runs above pick some of the odd values; this tries each of them."""
    who, path, names = GET_TARGETS[target]
    client = request.getfixturevalue(who)
    url = path.format(site=site.slug, **pages)
    assert client.get(url).status_code == 200  # the page itself opens, so the filters are read
    before = AuditEvent.objects.count()
    for value in ODD_TEXT:
        assert_no_server_error(client.get(url, dict.fromkeys(names, value)))
    assert AuditEvent.objects.count() == before


@pytest.fixture
def api(site_lead):
    return Api(make_token(site_lead, "write"))


API_GETS = {
    "measures": (
        "sites/{site}/measures",
        ("kind", "challenge", "updated_since", "limit", "offset"),
    ),
    "points": (
        "sites/{site}/measures/{measure}/points",
        ("period_from", "period_to", "updated_since", "limit", "offset"),
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("target", API_GETS)
@FUZZ
@given(params=st.data())
def test_api_query_filters_never_fail(target, api, site, pages, params):
    path, names = API_GETS[target]
    response = api.get(path.format(site=site.slug, **pages), **params.draw(query(*names)))
    assert_no_server_error(response)
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/problem+json")


# --- API bodies ----------------------------------------------------------------------------


def _bulk_rows(measure_id: str):
    row = st.fixed_dictionaries(
        {"period": odd_text | st.dates().map(dt.date.isoformat)},
        optional={
            "measure": st.just(measure_id) | odd_text,
            "value": json_leaf,
            "numerator": json_leaf,
            "denominator": json_leaf,
            "note": json_leaf,
        },
    )
    return st.lists(row | json_value, min_size=1, max_size=5).map(lambda r: json.dumps({"rows": r}))


API_POSTS = {
    "bulk": ("post", "sites/{site}/points/bulk"),
    "bulk of one measure": ("post", "sites/{site}/measures/{measure}/points/bulk"),
    "new measure": ("post", "sites/{site}/measures"),
    "point": ("post", "sites/{site}/measures/{measure}/points"),
    "change measure": ("patch", "sites/{site}/measures/{measure}"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("target", API_POSTS)
@FUZZ
@given(data=st.data())
def test_api_bodies_never_fail_and_refusals_write_nothing(target, api, site, pages, data):
    method, path = API_POSTS[target]
    body = data.draw(json_body | _bulk_rows(str(pages["measure"])))
    url = "/api/v1/" + path.format(site=site.slug, **pages)
    before = all_rows()
    call = getattr(api.client, method)
    response = call(url, body, content_type="application/json", **api._headers())
    assert_no_server_error(response)
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/problem+json")
        assert set(response.json()) >= {"type", "title", "status", "detail", "errors"}
        assert all_rows() == before


# --- File imports on the site's pages ------------------------------------------------------

csv_cell = odd_text.map(lambda v: v.replace("\x00", ""))
csv_text = st.lists(st.lists(csv_cell, min_size=1, max_size=4), max_size=6).map(
    lambda rows: "\n".join(",".join(json.dumps(c) for c in row) for row in rows)
)


def _xlsx(rows) -> bytes | None:
    from openpyxl import Workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    book = Workbook()
    sheet = book.active
    try:
        for row in rows:
            sheet.append(row)
    except (IllegalCharacterError, ValueError):
        return None
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


xlsx_cell = st.one_of(
    odd_text,
    st.floats(),
    st.integers(-(10**18), 10**18),
    st.dates(),
    st.datetimes(),
    st.none(),
)
measure_upload = st.one_of(
    csv_text.map(lambda t: ("data.csv", t.encode())),
    csv_text.map(lambda t: ("pasted", t)),
    st.lists(st.lists(xlsx_cell, min_size=1, max_size=3), max_size=5).map(
        lambda rows: ("data.xlsx", _xlsx([["period", "value"], *rows]))
    ),
    st.binary(max_size=300).map(lambda b: ("data.xlsx", b)),
    st.binary(max_size=300).map(lambda b: ("data.csv", b)),
)


@pytest.mark.django_db
@FUZZ
@given(upload=measure_upload)
def test_measure_imports_never_fail(lead_client, site, pages, upload):
    name, content = upload
    assume(content is not None)
    url = f"/sites/{site.slug}/measures/{pages['measure']}/import/"
    data = {"text": content} if name == "pasted" else {"file": SimpleUploadedFile(name, content)}
    before = all_rows()
    response = lead_client.post(url, data)
    assert_no_server_error(response)
    if response.status_code == 302:  # a preview to confirm: it must open
        assert_no_server_error(lead_client.get(response["Location"]))
    else:
        assert all_rows() == before


@pytest.mark.django_db
@FUZZ
@given(content=csv_text | st.binary(max_size=300).map(lambda b: b.decode("latin-1")))
def test_people_csv_upload_never_fails(lead_client, site, content):
    header = "name,email,role,group\n"
    before = all_rows()
    response = lead_client.post(
        f"/sites/{site.slug}/people/upload/",
        {"file": SimpleUploadedFile("people.csv", (header + content).encode())},
    )
    assert_no_server_error(response)
    if response.status_code != 302:
        assert all_rows() == before


def _fhir_with(path, value) -> bytes:
    data = copy.deepcopy(VALID_FHIR)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return json.dumps(data).encode()


def _fhir_with_raw(path, raw: str) -> bytes:
    """Like _fhir_with, with ``raw`` JSON text spliced in as it is: a value nested thousands
    deep cannot be built with json.loads or written with json.dumps (both recurse)."""
    marker = "__raw_json_goes_here__"
    return _fhir_with(path, marker).replace(f'"{marker}"'.encode(), raw.encode())


WEIGHT = ["item", 0, "answerOption", 0, "valueCoding", "extension", 0, "valueDecimal"]
fhir_number = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-(10**20), 10**20),
    st.sampled_from([1e308, -1e308, 1e6, 1_000_001, 2**53, 2**63, 10**40]),
)
fhir_file = st.one_of(
    fhir_number.map(lambda n: _fhir_with(WEIGHT, n)),
    json_leaf.map(lambda n: _fhir_with(WEIGHT, n)),
    fhir_number.map(
        lambda n: _fhir_with(
            ["extension", 0, "valueString"],
            json.dumps({"method": "sum", "bands": [{"min": 0, "max": n, "label": "All"}]}),
        )
    ),
    st.sampled_from(ODD_JSON).map(str.encode),
    json_value.map(lambda v: _fhir_with(["item", 0, "answerOption"], v)),
    st.integers(60, 3000).map(lambda n: _fhir_with_raw(["item", 0, "item"], deep(n))),
    st.binary(max_size=200),
)


@pytest.mark.django_db
@FUZZ
@given(content=fhir_file)
def test_fhir_imports_never_fail_and_what_they_accept_can_be_shown(lead_client, site, content):
    before = all_rows()
    response = lead_client.post(
        f"/sites/{site.slug}/surveys/import/",
        {"file": SimpleUploadedFile("questionnaire.json", content)},
    )
    assert_no_server_error(response)
    if response.status_code != 302:
        assert all_rows() == before
        return
    version = InstrumentVersion.objects.order_by("-pk").first()
    base = f"/sites/{site.slug}/surveys/{version.instrument.public_id}/"
    for path in ("", "results/", "responses.json", "results/?format=csv", "results/?format=xlsx"):
        assert_no_server_error(lead_client.get(base + path))


yaml_text = st.one_of(
    st.sampled_from(
        [
            "[" * 600,  # deep enough for the YAML reader to run out of stack
            "- " * 3000 + "x",
            "a: &a [*a]",
            "!!python/object:os.system 'ls'",
            "component-1: " + "x" * 100_000,
            "component-1: .nan\ncomponent-2: 1e999",
            "",
            "\x00",
        ]
    ),
    json_value.map(json.dumps),
    csv_text,
)


@pytest.mark.django_db
@FUZZ
@given(content=yaml_text, name=st.sampled_from(["wording.yaml", "wording.csv"]))
def test_fidelity_wording_upload_never_fails(lead_client, site, pages, content, name):
    before = all_rows()
    response = lead_client.post(
        f"/sites/{site.slug}/college/fidelity/wording/",
        {"file": SimpleUploadedFile(name, content.encode())},
    )
    assert_no_server_error(response)
    if response.status_code != 302:
        assert all_rows() == before


FRAMEWORK_TEXT = (django_settings.IMROC_FRAMEWORK_DIR / "imroc-2011.yaml").read_text()
FRAMEWORK_FIELDS = ['version: "2011.1"', "order: 1", "published: 2011-04-01", "key: imroc"]
# The framework shipped with imroc, with one field given a hostile value (as YAML text).
framework_file = st.tuples(st.sampled_from(FRAMEWORK_FIELDS), odd_text).map(
    lambda change: FRAMEWORK_TEXT.replace(
        change[0], change[0].split(":")[0] + ": " + json.dumps(change[1]), 1
    )
)


@pytest.mark.django_db
@FUZZ
@given(content=yaml_text | framework_file)
def test_framework_upload_never_fails(programme_admin_client, framework, content):
    before = all_rows()
    response = programme_admin_client.post(
        "/programme/framework/",
        {"file": SimpleUploadedFile("framework.yaml", content.encode())},
    )
    assert_no_server_error(response)
    if response.status_code == 302:  # a new draft: its page must open
        assert_no_server_error(programme_admin_client.get(response["Location"]))
    else:
        assert all_rows() == before


# --- Offline bundles -----------------------------------------------------------------------


@pytest.fixture
def bundle_key(site, team, framework, site_lead):
    """The site's registered key and a valid signed bundle of its records (then removed)."""
    return signed_site_bundle(site, team, framework, site_lead)


def signed_bundle(site, key, lines: dict[str, bytes], manifest_extra: dict | None = None) -> bytes:
    """A correctly signed bundle whose data files hold exactly these bytes."""
    files, entries = {}, {}
    for spec in SPECS:
        name = f"{fmt.DATA_DIR}{spec.name}.jsonl"
        data = lines.get(spec.name, b"")
        files[name] = data
        entries[name] = {"model": spec.name, "count": data.count(b"\n"), "sha256": digest(data)}
    manifest = {
        "format": fmt.FORMAT,
        "format_version": fmt.FORMAT_VERSION,
        "site": {"slug": site.slug, "public_id": str(site.public_id), "name": site.name},
        "bundle_id": str(uuid.uuid4()),
        "sequence": 1,
        "created_at": timezone.now().isoformat(),
        "created_by": "tests",
        "models": [spec.name for spec in SPECS],
        "files": entries,
        **(manifest_extra or {}),
    }
    return fmt.build(manifest, files, key)[0]


def _flipped(raw: bytes, where: float, bit: int) -> bytes:
    damaged = bytearray(raw)
    damaged[int(where * (len(damaged) - 1))] ^= 1 << bit
    return bytes(damaged)


@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_bundle_imports_never_fail_and_refusals_write_nothing(
    programme_admin_client, site, bundle_key, data
):
    key, valid = bundle_key
    line = data.draw(json_body | st.sampled_from([deep(100), deep(64)]))
    kind = data.draw(st.sampled_from(["line", "manifest", "manifest value", "bytes", "flipped"]))
    if kind == "line":
        spec = data.draw(st.sampled_from([s.name for s in SPECS]))
        raw = signed_bundle(site, key, {spec: line.encode("utf-8", "surrogatepass") + b"\n"})
    elif kind == "manifest":
        raw = fmt._zip([(fmt.MANIFEST, line.encode("utf-8", "surrogatepass"))])
    elif kind == "manifest value":
        field = data.draw(st.sampled_from(["sequence", "created_at", "bundle_id", "site", "files"]))
        raw = signed_bundle(site, key, {}, {field: data.draw(json_value)})
    elif kind == "bytes":
        raw = data.draw(st.binary(max_size=500))
    else:
        raw = _flipped(valid, data.draw(st.floats(0, 1)), data.draw(st.integers(0, 7)))
    before = all_rows()
    response = programme_admin_client.post(
        "/programme/bundles/import/",
        {"site": site.slug, "file": SimpleUploadedFile("site.imrocbundle", raw)},
    )
    assert_no_server_error(response)
    if response.status_code != 302:
        assert all_rows() == before


# --- safejson --------------------------------------------------------------------------------


def _depth_by_hand(text: str) -> int:
    """The nesting depth the slow, obvious way: a loop that knows when it is in a string."""
    level = peak = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            level += 1
            peak = max(peak, level)
        elif char in "]}":
            level -= 1
    return peak


nested = st.recursive(
    st.none() | st.integers() | st.text(alphabet='[]{}"\\ab', max_size=6),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(alphabet='[]{}"\\ab', max_size=4), children, max_size=3)
    ),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(value=nested, limit=st.integers(0, 8))
def test_depth_check_agrees_with_a_plain_count(value, limit):
    text = json.dumps(value)
    assert safejson.too_deep(text, limit) == (_depth_by_hand(text) > limit)
    assert safejson.too_deep(text.encode(), limit) == (_depth_by_hand(text) > limit)


def test_loads_refuses_deep_large_and_unreal_json_with_plain_messages():
    assert safejson.loads(b'{"a": [1, 2.5, "[[[["]}') == {"a": [1, 2.5, "[[[["]}
    assert safejson.loads(deep(64)) == json.loads(deep(64))
    with pytest.raises(safejson.TooDeep, match="at most 64 levels deep"):
        safejson.loads(deep(65))
    with pytest.raises(safejson.TooDeep):
        safejson.loads("[" * 1_000_000)  # never reaches the parser, so never RecursionError
    with pytest.raises(safejson.TooLarge, match="at most 1 KB"):
        safejson.loads(b"[" + b"1," * 600 + b"1]", max_bytes=1024)
    for unreal in ("NaN", "[Infinity]", '{"a": -Infinity}', "1e999", "[" + "7" * 5000 + "]"):
        with pytest.raises(safejson.NotANumber):
            safejson.loads(unreal)
    with pytest.raises(safejson.BrokenText, match="half a character"):
        safejson.loads('{"title": "ab\\ud800"}')
    with pytest.raises(safejson.BrokenText):
        safejson.loads('["\\udc00\\ud83d"]')  # both halves, in the wrong order
    assert safejson.loads('["\\ud83d\\ude00", "\\\\ud800"]') == ["😀", "\\ud800"]
    assert issubclass(safejson.JSONLimitError, ValueError)  # old `except ValueError` still works


@override_settings(IMROC_JSON_MAX_DEPTH=3, IMROC_JSON_MAX_BYTES=50)
def test_loads_takes_its_limits_from_settings():
    assert safejson.loads("[[[1]]]") == [[[1]]]
    with pytest.raises(safejson.TooDeep):
        safejson.loads("[[[[1]]]]")
    with pytest.raises(safejson.TooLarge):
        safejson.loads('"' + "x" * 60 + '"')


# --- Regression: the four bugs -----------------------------------------------------------


@pytest.mark.django_db
def test_history_dates_out_of_range_are_a_form_error_not_a_crash(
    lead_client, outsider_client, site
):
    audit_count = AuditEvent.objects.count()
    url = f"/sites/{site.slug}/history/"
    page = lead_client.get(url, {"to": "9999-12-31"})
    assert page.status_code == 200
    assert "Enter a date between the years 1900 and 2200." in page.content.decode()
    early = lead_client.get(url, {"from": "0001-01-01"}).content.decode()
    assert "Enter a date between the years 1900 and 2200." in early
    fine = lead_client.get(url, {"from": "2024-01-01", "to": "2200-12-31"}).content.decode()
    assert "Enter a date" not in fine
    assert lead_client.get(url, {"to": "2024-02-30"}).status_code == 200
    assert outsider_client.get(url, {"to": "9999-12-31"}).status_code == 404
    assert AuditEvent.objects.count() == audit_count


@pytest.mark.django_db
def test_deeply_nested_api_bodies_get_a_problem_and_write_nothing(
    site, site_lead, outsider, framework
):
    measure = MeasureFactory(site=site, owner=site_lead)
    api = Api(make_token(site_lead, "write"))
    other = Api(make_token(outsider, "write"))
    before = all_rows()
    for path in (
        f"sites/{site.slug}/points/bulk",
        f"sites/{site.slug}/measures/{measure.public_id}/points/bulk",
    ):
        response = api.client.post(
            "/api/v1/" + path,
            '{"rows": ' + "[" * 100_000 + "]" * 100_000 + "}",
            content_type="application/json",
            **api._headers(),
        )
        assert response.status_code == 400, response.content[:300]
        assert response["Content-Type"].startswith("application/problem+json")
        assert "nested too deeply" in response.json()["detail"]
        assert response.json()["errors"][0]["loc"] == ["body"]
    # A body read by a schema goes through the same parser.
    for body in ("[" * 100_000, '{"name": "x", "definition": ' + "[" * 5000 + "]" * 5000 + "}"):
        response = api.client.post(
            f"/api/v1/sites/{site.slug}/measures",
            body,
            content_type="application/json",
            **api._headers(),
        )
        assert response.status_code == 400, response.content[:300]
        assert response["Content-Type"].startswith("application/problem+json")
        assert "nested too deeply" in response.json()["detail"]
    nan = api.client.post(
        f"/api/v1/sites/{site.slug}/measures/{measure.public_id}/points",
        '{"period": "2024-01-01", "value": NaN}',
        content_type="application/json",
        **api._headers(),
    )
    assert nan.status_code == 400 and "NaN is not a number" in nan.json()["detail"]
    half = api.client.post(
        f"/api/v1/sites/{site.slug}/measures",
        '{"name": "Waits \\ud800", "definition": "Days"}',
        content_type="application/json",
        **api._headers(),
    )
    assert half.status_code == 400 and "half a character" in half.json()["detail"]
    # Another site's lead is told only that the site is not theirs.
    response = other.client.post(
        f"/api/v1/sites/{site.slug}/points/bulk",
        "[" * 100_000,
        content_type="application/json",
        **other._headers(),
    )
    assert response.status_code == 404
    assert all_rows() == before
    assert not DataPoint.objects.filter(measure__site=site).exists()
    assert Measure.objects.filter(site=site).count() == 1


@pytest.mark.django_db
def test_deeply_nested_bundle_lines_and_manifests_are_refused(site, bundle_key):
    key, _ = bundle_key
    before = all_rows()
    raw = signed_bundle(site, key, {"goals": deep(10_000).encode() + b"\n"})
    with pytest.raises(
        BundleError, match=r"data/goals\.jsonl line 1: The JSON is nested too deeply"
    ):
        bundle_services.import_bundle(raw, ACTOR)
    manifest = fmt._zip([(fmt.MANIFEST, deep(100_000, "{").encode())])
    with pytest.raises(
        BundleError, match=r"manifest cannot be read\. The JSON is nested too deeply"
    ):
        bundle_services.import_bundle(manifest, ACTOR)
    assert all_rows() == before
    assert not BundleImport.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (WEIGHT, 1e308, "Question “q1”: option “0” has a weight that is too large"),
        (WEIGHT, -1_000_001, "Question “q1”: option “0” has a weight that is too large"),
        (
            ["item", 0, "answerOption", 0, "valueCoding", "extension"],
            [{"url": fhir.ITEM_WEIGHT, "valueDecimal": 1e300}],
            "option “0” has a weight that is too large",
        ),
        (
            ["item", 0],
            {
                "linkId": "q1",
                "text": "How many?",
                "type": "integer",
                "extension": [{"url": fhir.MAX_VALUE, "valueInteger": 2_000_000_000}],
            },
            "Question “q1”: the maximum is too large",
        ),
        (
            ["extension", 0, "valueString"],
            json.dumps({"method": "sum", "bands": [{"min": 0, "max": 1e308, "label": "All"}]}),
            "the band “All” has a limit that is too large",
        ),
        (["item", 0, "item"], json.loads(deep(100)), "nested too deeply"),
    ],
)
def test_questionnaire_numbers_out_of_range_are_refused_naming_the_item(
    lead_client, site, path, value, message
):
    before = all_rows()
    response = lead_client.post(
        f"/sites/{site.slug}/surveys/import/",
        {"file": SimpleUploadedFile("big.json", _fhir_with(path, value))},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert all_rows() == before


@pytest.mark.django_db
def test_the_largest_allowed_weight_imports_and_its_results_open(lead_client, site):
    response = lead_client.post(
        f"/sites/{site.slug}/surveys/import/",
        {"file": SimpleUploadedFile("big.json", _fhir_with(WEIGHT, 1_000_000))},
    )
    assert response.status_code == 302
    version = InstrumentVersion.objects.get()
    base = f"/sites/{site.slug}/surveys/{version.instrument.public_id}/"
    for path in ("results/", "responses.json", "results/?format=csv"):
        assert lead_client.get(base + path).status_code == 200


@pytest.mark.django_db
def test_a_library_file_missing_from_disk_gives_a_clear_404(
    lead_client, outsider_client, programme_admin_client, site, other_site
):
    resource = ResourceFactory(programme=site.programme, title="Safety planning guide")
    url = f"/sites/{site.slug}/library/{resource.public_id}/file/"
    assert lead_client.get(url).status_code == 200  # while the file is there
    downloads = AuditEvent.objects.filter(action="resource.download").count()
    resource.file.storage.delete(resource.file.name)

    for client, address in (
        (lead_client, url),
        (outsider_client, f"/sites/{other_site.slug}/library/{resource.public_id}/file/"),
        (programme_admin_client, f"/programme/library/{resource.public_id}/file/"),
    ):
        response = client.get(address)
        assert response.status_code == 404
        text = response.content.decode()
        assert "This file is missing from the server. Tell the programme team." in text
        assert "Safety planning guide" in text
    # Nothing was handed out, so no download is recorded.
    assert AuditEvent.objects.filter(action="resource.download").count() == downloads
    # A resource of another site is still simply not found, missing file or not.
    own = ResourceFactory(
        programme=site.programme, site=site, title="Our own notes", visibility="site"
    )
    own.file.storage.delete(own.file.name)
    gone = outsider_client.get(f"/sites/{other_site.slug}/library/{own.public_id}/file/")
    assert gone.status_code == 404 and "missing from the server" not in gone.content.decode()
