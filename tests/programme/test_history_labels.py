"""The history pages in plain words: kinds, actions, fields and values a site lead can read."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from imroc.college import fidelity
from imroc.college import services as college_services
from imroc.core import audit, audit_labels
from imroc.core.models import AuditEvent
from imroc.framework.models import Challenge
from imroc.improvement import services as improvement
from imroc.measures import services as measures
from imroc.programme.models import Application
from tests.college.factories import build_college

SRC = Path(__file__).resolve().parents[2] / "src" / "imroc"
ACTION = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_{}]+)+$|^\{\}(\.[a-z0-9_]+)+$")
# What each action built from a template (an f-string) can become. A new template fails
# test_every_action_in_the_code_has_words until it is listed here.
TEMPLATES = {
    "{}.create": ["rating.create", "consensus.create"],
    "{}.update": ["rating.update", "consensus.update"],
    "application.{}": [f"application.{s}" for s in Application.Status.values],
    "exports.{}": ["exports.site", "exports.fhir"],
    "measure.point.{}": ["measure.point.create", "measure.point.correct"],
    "reports.bundle_{}": ["reports.bundle_created", "reports.bundle_updated"],
}


def _history(site):
    return reverse("sites:history", kwargs={"site": site.slug})


def _object(site, obj):
    return reverse(
        "sites:object_history",
        kwargs={
            "site": site.slug,
            "object_type": obj._meta.label_lower,
            "object_id": obj.public_id,
        },
    )


def _rows(page: str) -> list[str]:
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    return body.split("<tr>")[1:]


@pytest.fixture
def goal(site, site_lead, framework):
    return improvement.create_goal(
        site,
        actor=site_lead,
        challenge=Challenge.objects.get(framework_version=framework, slug="risk"),
        title="Safety plans written with people",
        target_date=dt.date(2013, 3, 31),
        owner=site_lead,
        chime=["hope", "connectedness"],
    )


def _adjust(goal, actor, reason, **fields):
    goal.refresh_from_db()
    return improvement.adjust_goal(
        goal, actor=actor, expected_version=goal.version, reason=reason, **fields
    )


# --- Through the pages --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_goal_change_reads_in_words(lead_client, site, site_lead, goal):
    # Saved from the form, the CHIME boxes come back in the form's order: not a change.
    _adjust(
        goal,
        site_lead,
        "Progress was slower than hoped",
        target_date=dt.date(2014, 3, 31),
        chime=["connectedness", "hope"],
    )
    page = lead_client.get(_history(site)).content.decode()
    changed, added = _rows(page)
    assert "Goal changed" in changed and "goal.adjust" not in page
    assert "<dt>Target date</dt><dd>31 Mar 2013 → 31 Mar 2014</dd>" in changed
    assert "<dt>Reason</dt><dd>Progress was slower than hoped</dd>" in changed
    assert "Chime" not in changed  # only reordered, so left out
    assert "Goal added" in added and "<dt>Chime</dt><dd>hope, connectedness</dd>" in added
    assert "<dt>Status</dt><dd>In progress</dd>" in added  # a choice shows its label
    assert "goal.create" not in page and "2013-03-31" not in page and "[&#x27;" not in page
    assert '<option value="improvement.goal">Goal</option>' in page
    detail = lead_client.get(_object(site, goal)).content.decode()
    assert "History of Safety plans written with people" in detail
    assert "Every recorded change to this record (Goal), newest first." in detail
    assert "Goal changed" in detail and "31 Mar 2013 → 31 Mar 2014" in detail


@pytest.mark.django_db
def test_a_change_that_only_reorders_a_list_is_left_out_of_the_goals_history(
    lead_client, site, site_lead, goal
):
    _adjust(goal, site_lead, "Tidied the boxes", chime=["connectedness", "hope"])
    _adjust(goal, site_lead, "A year more", target_date=dt.date(2014, 3, 31))
    assert AuditEvent.objects.filter(action="goal.adjust").count() == 2
    detail = lead_client.get(_object(site, goal)).content.decode()
    assert [("Goal changed" in r, "Goal added" in r) for r in _rows(detail)] == [
        (True, False),
        (False, True),
    ]
    assert "Tidied the boxes" not in detail and "A year more" in detail
    # The site's history is the whole log: the event stays, saying what it was, with its reason.
    full = lead_client.get(_history(site)).content.decode()
    reordered = _rows(full)[1]
    assert "Only the order of a list changed." in reordered and "Tidied the boxes" in reordered
    assert "Chime" not in reordered
    # The goal's own page leaves it out of its list of changes too.
    goal_page = reverse("improvement:goal", kwargs={"site": site.slug, "goal": goal.public_id})
    shown = lead_client.get(goal_page).content.decode()
    assert "A year more" in shown and "Tidied the boxes" not in shown


@pytest.mark.django_db
def test_the_kind_filter_lists_each_kind_once_by_its_label(lead_client, site, site_lead, goal):
    measure = measures.create_measure(
        site, actor=site_lead, name="Waiting days", definition="Days from referral to a visit"
    )
    for version, unit in enumerate(["days", "weeks", "days", "weeks"], start=1):
        measures.update_measure(measure, actor=site_lead, expected_version=version, unit=unit)
    for _ in range(3):
        audit.record(site_lead, "thing.change", site, site=site)
    audit.record(site_lead, "retired.change", site=site, object_type="oldapp.retired_thing")
    audit.record(site_lead, "nothing.change", site=site)  # no kind: not an option
    page = lead_client.get(_history(site)).content.decode()
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', page)
    assert options == [
        ("", "Any"),
        ("improvement.goal", "Goal"),
        ("measures.measure", "Measure"),
        ("oldapp.retired_thing", "Retired thing"),
        ("programme.site", "Site"),
    ]
    # The raw value still filters, so links made before keep working.
    only = lead_client.get(_history(site), {"object_type": "measures.measure"}).content.decode()
    assert '<option value="measures.measure" selected>Measure</option>' in only
    assert len(_rows(only)) == 5 and "Goal added" not in only


@pytest.mark.django_db
def test_records_without_a_name_read_as_their_kind(lead_client, site, site_lead):
    college, _course, _run = build_college(site)
    check = college_services.record_fidelity(
        college,
        done_on=dt.date(2024, 3, 1),
        notes="<b>Good</b> start",
        scores={c.key: c.choices[0][0] for c in fidelity.COMPONENTS},
        actor=site_lead,
    )
    old = audit.record(
        site_lead, "fidelity.record", check, site=site, object_repr="FidelityCheck object (66)"
    )
    page = lead_client.get(_history(site)).content.decode()
    assert "Fidelity check on 2024-03-01" in page and "Fidelity check recorded" in page
    assert "Fidelity check 66" in page and "object (" not in page
    assert "&lt;b&gt;Good&lt;/b&gt; start" in page  # escaped, never marked safe
    assert old.object_repr == "FidelityCheck object (66)"  # the log itself is unchanged


@pytest.mark.django_db
def test_outsiders_get_404_for_the_labelled_pages(
    outsider_client, member_client, site, site_lead, goal
):
    assert outsider_client.get(_history(site)).status_code == 404
    assert outsider_client.get(_object(site, goal)).status_code == 404
    assert member_client.get(_history(site)).status_code == 403


@pytest.mark.django_db
def test_labelling_adds_no_query_per_event(
    lead_client, site, site_lead, goal, django_assert_max_num_queries
):
    kinds = [site, goal, site_lead]
    for i in range(50):
        audit.record(
            site_lead,
            ["goal.adjust", "measure.point.correct", "exported.learner"][i % 3],
            kinds[i % 3],
            site=site,
            before={"target_date": "2014-03-31", "chime": ["a", "b"]},
            after={"target_date": "2015-03-31", "chime": ["b", "a"], "peer_trainer_id": 3},
        )
    with django_assert_max_num_queries(12):
        page = lead_client.get(_history(site))
    assert len(_rows(page.content.decode())) == 50
    with django_assert_max_num_queries(12):
        detail = lead_client.get(_object(site, goal))
    assert "31 Mar 2014 → 31 Mar 2015" in detail.content.decode()


# --- The words themselves -----------------------------------------------------------------------


def _text(node) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.IfExp):
        return None
    return None


def _candidates(node) -> list:
    return [node.body, node.orelse] if isinstance(node, ast.IfExp) else [node]


def actions_in_the_code() -> set[str]:
    """Every action written to the audit log by the code: the second argument of
    ``audit.record``, ``audit.record_access`` (as viewed./exported.), any ``action=`` and any
    ``action = "..."`` assignment. Templates are expanded with TEMPLATES."""
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            nodes = []
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                owner = getattr(getattr(node.func, "value", None), "id", "audit")
                if name in ("record", "record_access") and owner == "audit" and len(node.args) > 1:
                    for arg in _candidates(node.args[1]):
                        what = _text(arg)
                        if name == "record_access" and what and "." not in what:
                            found |= {f"viewed.{what}", f"exported.{what}"}
                        else:
                            nodes.append(arg)
                nodes += [kw.value for kw in node.keywords if kw.arg == "action"]
            elif isinstance(node, ast.Assign) and any(
                getattr(t, "id", "") == "action" for t in node.targets
            ):
                nodes.append(node.value)
            for candidate in (c for n in nodes for c in _candidates(n)):
                text = _text(candidate)
                if text and ACTION.match(text):
                    found |= set(TEMPLATES[text]) if "{}" in text else {text}
    return found


def test_every_action_in_the_code_has_words():
    actions = actions_in_the_code()
    assert {"goal.adjust", "viewed.learner", "plan.update", "application.accepted"} <= actions
    assert len(actions) > 100
    unknown = sorted(a for a in actions if not audit_labels.known_action(a))
    assert not unknown, f"add words for these actions to imroc.core.audit_labels: {unknown}"
    for action in sorted(actions):
        label = audit_labels.action_label(action)
        assert "." not in label and "_" not in label and label[0].isupper(), (action, label)


def test_action_labels():
    assert audit_labels.action_label("goal.adjust", "improvement.goal") == "Goal changed"
    assert audit_labels.action_label("pdsa.start", "improvement.pdsacycle") == "PDSA cycle started"
    assert (
        audit_labels.action_label("viewed.learner", "college.learner") == "Learner's details viewed"
    )
    assert audit_labels.action_label("exported.learner") == "Learner's details downloaded"
    assert audit_labels.action_label("exported.sites.history") == "List downloaded: sites history"
    assert audit_labels.action_label("something_new.frobnicate") == "Something new frobnicate"
    assert not audit_labels.known_action("something_new.frobnicate")


def test_kind_and_field_labels():
    assert audit_labels.kind_label("improvement.goal") == "Goal"
    assert audit_labels.kind_label("improvement.pdsacycle") == "PDSA cycle"
    assert audit_labels.kind_label("oldapp.gone_model") == "Gone model"
    assert audit_labels.field_label("college.courserun", "peer_trainer_id") == "Peer trainer"
    assert audit_labels.field_label("improvement.goal", "target_date") == "Target date"
    assert audit_labels.field_label("oldapp.gone_model", "peer_trainer_id") == "Peer trainer"
    assert audit_labels.field_label("improvement.goal", "lived_experience_reviewers") == (
        "Lived experience reviewers"
    )


def test_values_in_words(settings):
    value = audit_labels.format_value
    assert [value(None), value(""), value([]), value({})] == ["–"] * 4
    assert [value(True), value(False), value(0), value(2.5)] == ["Yes", "No", "0", "2.5"]
    assert value("2014-03-03") == "3 Mar 2014"
    with timezone.override("Europe/London"):
        assert value("2014-03-03T14:05:00+00:00") == "3 Mar 2014 14:05"
        assert value("2014-07-03T13:05:00+00:00") == "3 Jul 2014 14:05"  # summer time
    with timezone.override("Africa/Kampala"):
        assert value("2014-07-03T13:05:00+00:00") == "3 Jul 2014 16:05"
    assert value("2024-02-30") == "2024-02-30"  # not a real day: shown as it is
    assert value(["hope", "2014-03-03"]) == "hope, 3 Mar 2014"
    assert value({"on": "2012-02-28", "levels": {"risk": 3}}) == "On: 28 Feb 2012; Levels: Risk: 3"
    assert value(audit.MASK) == "(hidden)"
    long = value("x" * 500)
    assert len(long) == audit_labels.MAX_LENGTH and long.endswith("…")
    assert value("<script>") == "<script>"  # plain text: the template escapes it


def test_reorderings_and_record_names():
    assert audit_labels.is_reordering(["a", "b"], ["b", "a"])
    assert audit_labels.is_reordering([{"rank": 1}, {"rank": 2}], [{"rank": 2}, {"rank": 1}])
    assert not audit_labels.is_reordering(["a", "b"], ["a", "b"])
    assert not audit_labels.is_reordering(["a", "b"], ["a", "c"])
    assert not audit_labels.is_reordering(["a", "a"], ["a"])
    assert audit_labels.only_reordered({"chime": ["a", "b"]}, {"chime": ["b", "a"], "reason": "x"})
    assert not audit_labels.only_reordered({"chime": ["a"], "t": 1}, {"chime": ["a"], "t": 2})
    assert not audit_labels.only_reordered(None, {"chime": ["b", "a"]})
    assert not audit_labels.only_reordered({"chime": ["a", "b"]}, {"other": 1})
    label = audit_labels.record_label
    assert label("college.fidelitycheck", "FidelityCheck object (66)") == "Fidelity check 66"
    assert label("college.fidelitycheck", "", "abc") == "abc"
    assert label("improvement.goal", "My object (of desire)") == "My object (of desire)"
    assert label("improvement.goal", "Goal object (7)") == "Goal 7"
    assert label("improvement.goal", "Measure object (7)") == "Measure object (7)"
    assert label("oldapp.gone", "Gone object (7)") == "Gone 7"
