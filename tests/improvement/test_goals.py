from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from imroc.core.models import AuditEvent
from imroc.improvement import services
from imroc.improvement.models import Driver, Goal, GoalChange, PdsaCycle, Priority, Review
from tests.improvement.factories import CycleFactory, GoalFactory


def _url(name, site, **kwargs):
    return reverse(f"improvement:{name}", kwargs={"site": site.slug, **kwargs})


@pytest.fixture
def risk(framework):
    return framework.challenges.get(slug="risk")


@pytest.fixture
def goal(site, risk, site_lead, partner):
    return GoalFactory(site=site, challenge=risk, owner=site_lead, co_lead=partner,
                       title="Safety plans written with people")  # fmt: skip


def _goal_data(risk, owner, **extra):
    return {
        "challenge": risk.pk, "title": "Co-produced safety plans in every team", "target_level": "2",
        "target_date": "2013-03-31", "owner": owner.pk, "status": "active", "chime": ["hope", "empowerment"],
        **extra,
    }  # fmt: skip


@pytest.mark.django_db
def test_choose_priorities(member_client, site, framework, risk):
    work = framework.challenges.get(slug="workforce")
    member_client.post(
        _url("priorities", site), {"challenges": [risk.pk, work.pk], "reason": "Baseline"}
    )
    assert set(
        Priority.objects.filter(ended_on=None).values_list("challenge__slug", flat=True)
    ) == {"risk", "workforce"}
    member_client.post(_url("priorities", site), {"challenges": [risk.pk]})
    assert Priority.objects.get(challenge=work).ended_on is not None
    page = member_client.post(_url("priorities", site), {}).content.decode()
    assert "Choose at least one challenge to work on." in page


@pytest.mark.django_db
def test_create_goal_with_a_co_lead(member_client, site, risk, site_member, partner):
    response = member_client.post(
        _url("goal_create", site), _goal_data(risk, site_member, co_lead=partner.pk)
    )
    goal = Goal.objects.get()
    assert response["Location"] == _url("goal", site, goal=goal.public_id)
    assert goal.co_lead == partner
    assert goal.chime == ["hope", "empowerment"]
    assert AuditEvent.objects.get(action="goal.create").after["co_lead"] == str(partner.public_id)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": ""}, "title", "Enter the goal."),
        ({"title": "g" * 201}, "title", "The goal must be 200 characters or fewer."),
        (
            {"target_level": ""},
            "target_level",
            "Set a target: a stage to reach, a measure value, or both.",
        ),
        (
            {"target_value": "12", "target_level": ""},
            "target_value_meaning",
            "Say what the value measures.",
        ),
        ({"target_value": "twelve"}, "target_value", "Enter a number, like 30 or 12.5."),
        ({"target_date": "31/13/2013"}, "target_date", "Enter a real date"),
        ({"target_level": "9"}, "target_level", "Choose a stage from the list."),
        ({"chime": ["joy"]}, "chime", "Choose from the list."),
        ({"status": "dreaming"}, "status", "Choose a status from the list."),
    ],
)
def test_bad_goal_input(member_client, site, risk, site_member, change, field, message):
    response = member_client.post(
        _url("goal_create", site), _goal_data(risk, site_member, **change)
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert f'href="#id_{field}' in page
    assert not Goal.objects.exists()


@pytest.mark.django_db
def test_co_lead_must_be_a_partner_of_this_site(
    member_client, site, risk, site_member, viewer, outsider
):
    for person in (viewer, outsider, site_member):
        page = member_client.post(
            _url("goal_create", site), _goal_data(risk, site_member, co_lead=person.pk)
        ).content.decode()
        assert "Choose one of the site&#x27;s lived-experience partners." in page
    page = member_client.post(
        _url("goal_create", site), _goal_data(risk, outsider)
    ).content.decode()
    assert "Choose someone from the list." in page
    assert not Goal.objects.exists()


@pytest.mark.django_db
def test_adjusting_a_goal_keeps_its_history(member_client, site, goal, site_member):
    url = _url("goal_adjust", site, goal=goal.public_id)
    data = _goal_data(goal.challenge, goal.owner, co_lead=goal.co_lead.pk, version="1",
                      title="Safety plans written with people", target_date="2014-03-31")  # fmt: skip
    page = member_client.post(url, data).content.decode()
    assert "Say why the goal is changing." in page
    member_client.post(url, {**data, "reason": "The first wards took longer than planned"})
    goal.refresh_from_db()
    assert goal.target_date == dt.date(2014, 3, 31)
    change = GoalChange.objects.get()
    assert change.before["target_date"] == "2013-03-31"
    assert change.after["target_date"] == "2014-03-31"
    page = member_client.get(_url("goal", site, goal=goal.public_id)).content.decode()
    assert "The first wards took longer than planned" in page
    assert "2013-03-31 → 2014-03-31" in page


@pytest.mark.django_db
def test_stale_goal_edit_is_refused(member_client, site, goal, site_lead):
    services.adjust_goal(
        goal, actor=site_lead, expected_version=1, reason="Lead's change", title="Lead's title"
    )
    url = _url("goal_adjust", site, goal=goal.public_id)
    data = _goal_data(goal.challenge, goal.owner, version="1", title="My title", reason="Mine")
    page = member_client.post(url, data).content.decode()
    assert "Someone else saved changes here" in page
    assert 'value="My title"' in page
    goal.refresh_from_db()
    assert goal.title == "Lead's title"


@pytest.mark.django_db
def test_partner_changes_only_goals_they_co_lead(partner_client, site, goal, site_lead, risk):
    other = GoalFactory(site=site, challenge=risk, owner=site_lead)
    assert partner_client.get(_url("goal_adjust", site, goal=goal.public_id)).status_code == 200
    assert partner_client.get(_url("cycle_create", site, goal=goal.public_id)).status_code == 200
    for name in ("goal_adjust", "cycle_create", "goal_review", "driver_add"):
        assert partner_client.get(_url(name, site, goal=other.public_id)).status_code == 403
    assert partner_client.get(_url("goal", site, goal=other.public_id)).status_code == 200
    assert partner_client.get(_url("goal_create", site)).status_code == 403


@pytest.mark.django_db
def test_two_chained_cycles(member_client, site, goal):
    plan = {"change_idea": "Write safety plans with people on Willow Ward", "objective": "See if people feel heard",
            "who": "Ward nurses and peer worker", "where": "Willow Ward", "starts_on": "2011-09-01",
            "ends_on": "2011-09-30", "prediction": "Most people will say the plan is theirs"}  # fmt: skip
    member_client.post(_url("cycle_create", site, goal=goal.public_id), plan)
    first = PdsaCycle.objects.get()
    assert first.step == "do"
    edit = _url("cycle_edit", site, goal=goal.public_id, cycle=first.public_id)
    page = member_client.post(
        edit, {**plan, "version": "1", "study_notes": "It worked"}
    ).content.decode()
    assert "Record what happened before studying the results." in page
    page = member_client.post(
        edit, {**plan, "version": "1", "do_notes": "12 plans written", "decision": "adapt"}
    ).content.decode()
    assert "Enter the date of the decision." in page
    member_client.post(edit, {**plan, "version": "1", "do_notes": "12 plans written", "study_notes": "9 of 12 said yes",
                              "decision": "adapt", "decided_on": "2011-10-05", "next_steps": "Try on Rowan Ward"})  # fmt: skip
    first.refresh_from_db()
    assert first.step == "done"
    member_client.post(
        _url("cycle_create", site, goal=goal.public_id) + f"?after={first.public_id}",
        {
            **plan,
            "after": str(first.public_id),
            "where": "Rowan Ward",
            "starts_on": "2011-10-10",
            "ends_on": "2011-11-10",
        },
    )
    second = PdsaCycle.objects.exclude(pk=first.pk).get()
    assert second.previous == first
    page = member_client.get(_url("goal", site, goal=goal.public_id)).content.decode()
    assert "2 cycles, in 1 ramp" in page


@pytest.mark.django_db
def test_cycle_dates_must_make_sense(member_client, site, goal):
    page = member_client.post(_url("cycle_create", site, goal=goal.public_id), {
        "change_idea": "x", "objective": "y", "who": "z", "prediction": "p", "starts_on": "2011-09-30", "ends_on": "2011-09-01",
    }).content.decode()  # fmt: skip
    assert "The test must end on or after the day it starts." in page
    page = member_client.post(_url("cycle_create", site, goal=goal.public_id), {}).content.decode()
    assert "Enter the change idea you will test." in page
    assert not PdsaCycle.objects.exists()


@pytest.mark.django_db
def test_cycle_cannot_follow_another_goals_cycle(member_client, site, goal, risk, site_lead):
    other_goal = GoalFactory(site=site, challenge=risk, owner=site_lead)
    theirs = CycleFactory(goal=other_goal)
    response = member_client.get(
        _url("cycle_create", site, goal=goal.public_id) + f"?after={theirs.public_id}"
    )
    assert response.status_code == 404
    response = member_client.get(
        _url("cycle_create", site, goal=goal.public_id) + "?after=not-a-uuid"
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_driver_diagram(member_client, site, goal):
    url = _url("driver_add", site, goal=goal.public_id)
    page = member_client.post(url, {"kind": "secondary", "text": "Training"}).content.decode()
    assert "Link this to a primary driver." in page
    member_client.post(url, {"kind": "primary", "text": "Staff confidence"})
    primary = Driver.objects.get()
    member_client.post(
        url, {"kind": "secondary", "text": "Joint training", "parent": primary.public_id}
    )
    secondary = Driver.objects.get(kind="secondary")
    member_client.post(
        url,
        {
            "kind": "change_idea",
            "text": "Co-delivered safety-planning course",
            "parent": secondary.public_id,
        },
    )
    assert Driver.objects.count() == 3
    page = member_client.get(_url("goal", site, goal=goal.public_id)).content.decode()
    assert (
        page.index("Staff confidence")
        < page.index("Joint training")
        < page.index("Co-delivered safety-planning")
    )


@pytest.mark.django_db
def test_review_completes_or_adjusts_a_goal(member_client, site, goal):
    url = _url("goal_review", site, goal=goal.public_id)
    page = member_client.post(
        url, {"held_on": "2012-04-01", "notes": "Going well"}
    ).content.decode()
    assert "Choose what happens to the goal next." in page
    response = member_client.post(url, {"held_on": "2012-04-01", "notes": "Needs more time", "decision": "adjust",
                                         "progress_score": "2.5", "next_review_on": "2012-10-01"})  # fmt: skip
    assert response["Location"] == _url("goal_adjust", site, goal=goal.public_id)
    member_client.post(
        url,
        {
            "held_on": "2013-04-01",
            "notes": "Done in all teams",
            "decision": "complete",
            "progress_score": "4.5",
        },
    )
    goal.refresh_from_db()
    assert goal.status == Goal.Status.ACHIEVED
    assert [str(r.progress_score) for r in Review.objects.order_by("held_on")] == ["2.5", "4.5"]


@pytest.mark.django_db
def test_site_review_and_overdue_reviews_on_the_dashboard(lead_client, site, goal, framework):
    Goal.objects.filter(pk=goal.pk).update(next_review_on=dt.date(2012, 1, 1))
    lead_client.post(_url("site_review", site), {"held_on": "2012-01-05", "notes": "Plan reviewed",
                                                "next_review_on": "2012-06-01"})  # fmt: skip
    page = lead_client.get(f"/sites/{site.slug}/").content.decode()
    assert "Reviews overdue" in page
    assert "was due a review on 1 June 2012" in page
    assert goal.title in page


@pytest.mark.django_db
def test_another_sites_goal_is_404(lead_client, site, other_site, risk):
    lead_b = other_site.memberships.first().user if other_site.memberships.exists() else None
    from tests.programme.factories import UserFactory

    theirs = GoalFactory(site=other_site, challenge=risk, owner=lead_b or UserFactory())
    cycle = CycleFactory(goal=theirs)
    for name in ("goal", "goal_adjust", "goal_review", "driver_add", "cycle_create"):
        assert lead_client.get(_url(name, site, goal=theirs.public_id)).status_code == 404
    assert (
        lead_client.get(
            _url("cycle", site, goal=theirs.public_id, cycle=cycle.public_id)
        ).status_code
        == 404
    )
