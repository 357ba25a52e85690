"""Walk every route in the URLconf and prove deny-by-default and site isolation.

New routes are covered without editing this test: each one must carry an access marker
(site_view, programme_view, signed_in_view or public_view), and each URL keyword must have
a sample value below. A route that lacks either fails here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from imroc.college import tokens
from imroc.college.models import Course
from imroc.programme.access import ProgrammeAccess, SiteAccess
from imroc.programme.models import LearningSetInvitation
from tests.assessment.factories import RoundFactory
from tests.college.factories import (
    CollegeFactory,
    CourseFactory,
    EnrolmentFactory,
    FeedbackInviteFactory,
    LearnerFactory,
    RunFactory,
    build_college,
)
from tests.improvement.factories import CycleFactory, GoalFactory
from tests.measures.factories import ImportFactory, MeasureFactory, ProgrammeMeasureFactory
from tests.programme.factories import (
    ApplicationFactory,
    LearningSetFactory,
    ResourceFactory,
    SupportEntryFactory,
)
from tests.surveys.factories import licensed_version, make_kiosk, make_link
from tests.workforce.factories import workforce_samples


@dataclass
class Route:
    name: str
    kwargs: tuple[str, ...]
    callback: object

    @property
    def access(self):
        return getattr(self.callback, "imroc_access", None)


def _walk(patterns, namespace="", inherited=()):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            prefix = f"{namespace}{ns}:" if ns else namespace
            kwargs = inherited + tuple(getattr(entry.pattern, "converters", {}))
            yield from _walk(entry.url_patterns, prefix, kwargs)
        elif isinstance(entry, URLPattern):
            kwargs = inherited + tuple(getattr(entry.pattern, "converters", {}))
            yield Route(f"{namespace}{entry.name}" if entry.name else "", kwargs, entry.callback)


# The REST API (namespace "api") authenticates by token, not by access markers: its site
# isolation is proved operation by operation in tests/api/test_api_isolation.py.
ROUTES = [r for r in _walk(get_resolver().url_patterns) if not r.name.startswith("api:")]


def _samples(site, team, framework, site_lead):
    """One real object of the first site for every URL keyword."""
    assessment_round = RoundFactory(site=site, framework_version=framework)
    goal = GoalFactory(site=site, challenge=framework.challenges.first(), owner=site_lead)
    measure = MeasureFactory(site=site, owner=site_lead)
    return {
        "site": site.slug,
        "team": team.slug,
        "version": framework.public_id,
        "round": assessment_round.public_id,
        "goal": goal.public_id,
        "cycle": CycleFactory(goal=goal).public_id,
        "measure": measure.public_id,
        "token": ImportFactory(measure=measure, created_by=site_lead).token,
        "shared": ProgrammeMeasureFactory(programme=site.programme).public_id,
        "object_type": "measures.measure",  # the history of one object (it has an event)
        "object_id": _audited(measure, site).public_id,
        **_network_samples(site, framework),
        **_college_samples(site),
        **_workforce_samples(site),
        **_survey_samples(site),
        **_bundle_samples(site),
        **_people_samples(site),
    }


def _people_samples(site):
    """A person with a role at the site and in the programme, and a waiting invitation to lead."""
    from imroc.core.audit import SystemActor
    from imroc.programme.services import people
    from tests.programme.factories import (
        ProgrammeMembershipFactory,
        SiteMembershipFactory,
        UserFactory,
    )

    person = UserFactory(username="sample-person")
    SiteMembershipFactory(user=person, site=site, role="member")
    ProgrammeMembershipFactory(user=person, programme=site.programme, role="viewer")
    sent = people.invite(
        site.programme,
        site=site,
        role="lead",
        stakeholder_group="manager",
        name="Sam Ple",
        email="sam.ple@example.org",
        actor=SystemActor("tests"),
        base_url="http://testserver/",
    )
    return {"person": person.public_id, "invitation": sent.invitation.public_id}


def _audited(obj, site):
    from imroc.core import audit

    audit.record(audit.SystemActor("tests"), "sample.create", obj, site=site)
    return obj


def _bundle_samples(site):
    """A registered bundle signing key of the site, and a bundle imported with it."""
    import uuid

    from django.utils import timezone

    from imroc.reports.models import BundleImport, SiteKey

    key = SiteKey.objects.create(site=site, public_key="A" * 43 + "=", fingerprint="0" * 64)
    record = BundleImport.objects.create(
        site=site,
        key=key,
        bundle_id=uuid.uuid4(),
        sequence=1,
        sha256="0" * 64,
        exported_at=timezone.now(),
        imported_by_label="tests",
    )
    return {"bundle_key": key.public_id, "bundle_import": record.public_id}


def _workforce_samples(site):
    """A peer cohort with a post, a training event, an indicator, a policy, a partner and an IPS review."""
    return workforce_samples(site)


def _network_samples(site, framework):
    """An application, a support entry, a learning set the site was invited to, and a shared file."""
    learning_set = LearningSetFactory(programme=site.programme)
    LearningSetInvitation.objects.create(learning_set=learning_set, site=site)
    return {
        "application": ApplicationFactory(programme=site.programme).public_id,
        "entry": SupportEntryFactory(site=site).public_id,
        "learning_set": learning_set.public_id,
        "resource": ResourceFactory(programme=site.programme, site=site).public_id,
    }


SECRET_NAME = "Zebedee Quartermaine"
SECRET_CONTACT = "zebedee.private@example.org"
DRAFT_TITLE = "Draft course nobody may see"
HIDDEN_TITLE = "Hidden course nobody may see"


def _college_samples(site):
    """A published college, with a learner, and draft and hidden courses the public must not see."""
    college, course, run = build_college(site)
    learner = LearnerFactory(college=college, name=SECRET_NAME, contact=SECRET_CONTACT)
    enrolment = EnrolmentFactory(run=run, learner=learner)
    invite = FeedbackInviteFactory(enrolment=enrolment)
    for status, title in ((Course.Status.DRAFT, DRAFT_TITLE), (Course.Status.HIDDEN, HIDDEN_TITLE)):
        hidden = CourseFactory(college=college, title=title, status=status)
        RunFactory(course=hidden, term=run.term, capacity=5)
    return {
        "trainer": run.peer_trainer.public_id,
        "course": course.public_id,
        "run": run.public_id,
        "session": run.sessions.first().public_id,
        "enrolment": enrolment.public_id,
        "learner": learner.public_id,
        "place_token": tokens.make(tokens.PLACE, enrolment.public_id),
        "feedback_token": tokens.make(tokens.FEEDBACK, invite.public_id),
        "data_token": tokens.make(tokens.MY_DATA, learner.public_id),
    }


SURVEY_SECRET = "Quillon-Marsh-private-answer"


def _survey_samples(site):
    """A site-owned questionnaire with a link and a kiosk, and another person's saved and sent answers."""
    from imroc.core.audit import SystemActor
    from imroc.surveys import services as survey_services
    from imroc.surveys import tokens as survey_tokens

    version = licensed_version(site)
    (pulse,) = [v for v, _ in survey_services.load_programme_instruments(site.programme, actor=SystemActor("tests")) if v.instrument.key == "recovery-support-pulse"]  # fmt: skip
    link, kiosk = make_link(site, version), make_kiosk(site, version)
    someone = survey_services.respondent_for(site, reference="someone else")
    other = make_link(site, pulse, respondent=someone)
    survey_services.save_link_draft(other, {"better": "true", "better-what": SURVEY_SECRET})
    sent = make_link(site, pulse, respondent=someone)
    survey_services.submit_link(sent, {**{f"{p}-{n}": "4" for p in ("hope", "agency", "opportunity") for n in (1, 2, 3)}, "better": "true", "better-what": SURVEY_SECRET})  # fmt: skip
    return {
        "instrument": version.instrument.public_id,
        "instrument_version": version.public_id,
        "link": link.public_id,
        "kiosk": kiosk.public_id,
        "link_token": survey_tokens.make(survey_tokens.LINK, link.public_id),
        "kiosk_token": survey_tokens.make(survey_tokens.KIOSK, kiosk.public_id),
        "used_link_token": survey_tokens.make(survey_tokens.LINK, sent.public_id),
    }


def _url(route, samples):
    missing = [k for k in route.kwargs if k not in samples]
    if missing:
        pytest.fail(
            f"No sample value for URL keyword(s) {missing} of route '{route.name}': add them to _samples"
        )
    return reverse(route.name, kwargs={k: samples[k] for k in route.kwargs})


def test_every_route_is_named_and_marked():
    for route in ROUTES:
        assert route.name, f"a route has no name: {route.callback}"
        assert route.access is not None, f"route '{route.name}' has no access marker"
        kind, _ = route.access
        if kind == "site":
            assert "site" in route.kwargs, f"route '{route.name}': site_view needs <site>"
        elif "site" in route.kwargs:
            # Besides site_view: the programme team's pages about a site, and deliberate public
            # pages (the college prospectus).
            assert kind in ("programme", "public"), (
                f"route '{route.name}': routes with <site> must use site_view, programme_view or public_view"
            )


SITE_ROUTES = [r for r in ROUTES if r.access and r.access[0] == "site"]
PROGRAMME_ROUTES = [r for r in ROUTES if r.access and r.access[0] == "programme"]
PRIVATE_ROUTES = [r for r in ROUTES if r.access and r.access[0] != "public"]
PUBLIC_SITE_ROUTES = [
    r for r in ROUTES if r.access and r.access[0] == "public" and "site" in r.kwargs
]
# Pages reached by a learner's own private link: they may show that learner's own details.
TOKEN_ROUTES = [r for r in PUBLIC_SITE_ROUTES if getattr(r.callback, "imroc_private_link", False)]
PROSPECTUS_ROUTES = [r for r in PUBLIC_SITE_ROUTES if r not in TOKEN_ROUTES]


def test_walk_found_the_routes():
    # Guards the walk itself: if it finds nothing, the tests below would prove nothing.
    assert len(SITE_ROUTES) >= 4
    assert len(PROGRAMME_ROUTES) >= 4


@pytest.fixture
def samples(site, team, framework, site_lead):
    return _samples(site, team, framework, site_lead)


def _walk_check(routes, check):
    """Run one check on every route; report every route that fails, not just the first.

    The routes are checked in one test each, not one test per route: building the sample
    objects once per check keeps the walk fast as the number of routes grows.
    """
    assert routes, "the walk found no routes to check"
    failures = []
    for route in routes:
        try:
            check(route)
        except AssertionError as error:
            failures.append(f"{route.name}: {error}")
    assert not failures, "\n".join(failures)


def _expect(response, *codes):
    assert response.status_code in codes, f"got {response.status_code}, expected {codes}"
    return response


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(client, samples):
    def check(route):
        url = _url(route, samples)
        for method in (client.get, client.post):
            response = _expect(method(url), 302)
            assert response["Location"].startswith(reverse("accounts:login")), response["Location"]

    _walk_check(PRIVATE_ROUTES, check)


@pytest.mark.django_db
def test_outsider_from_another_site_gets_404(outsider_client, samples):
    def check(route):
        url = _url(route, samples)
        _expect(outsider_client.get(url), 404)
        _expect(outsider_client.post(url, {"name": "x"}), 404)

    _walk_check(SITE_ROUTES, check)


@pytest.mark.django_db
def test_unknown_site_gets_404_even_for_programme_staff(programme_admin_client, samples):
    def check(route):
        url = _url(route, {**samples, "site": "no-such-site"})
        _expect(programme_admin_client.get(url), 404, 405)  # 405: a POST-only route says so first
        _expect(programme_admin_client.post(url), 404)

    _walk_check(SITE_ROUTES + [r for r in PROGRAMME_ROUTES if "site" in r.kwargs], check)


@pytest.mark.django_db
def test_site_viewer_cannot_use_write_routes(viewer_client, programme_viewer_client, samples):
    def check(route):
        url = _url(route, samples)
        for client in (viewer_client, programme_viewer_client):
            _expect(client.get(url), 403)
            _expect(client.post(url, {"name": "x"}), 403)

    _walk_check([r for r in SITE_ROUTES if r.access[1] > SiteAccess.VIEW], check)


@pytest.mark.django_db
def test_site_member_cannot_use_lead_routes(member_client, samples):
    routes = [r for r in SITE_ROUTES if r.access[1] > SiteAccess.EDIT]
    for route in routes:  # there may be none yet; then there is nothing to prove
        _expect(member_client.get(_url(route, samples)), 403)


@pytest.mark.django_db
def test_site_lead_can_open_every_site_route(lead_client, samples):
    _walk_check(SITE_ROUTES, lambda route: _expect(lead_client.get(_url(route, samples)), 200, 405))


@pytest.mark.django_db
def test_programme_admin_can_open_every_programme_route(programme_admin_client, samples):
    _walk_check(
        PROGRAMME_ROUTES,
        lambda route: _expect(programme_admin_client.get(_url(route, samples)), 200, 405),
    )


@pytest.mark.django_db
def test_site_people_cannot_use_programme_routes(lead_client, samples):
    def check(route):
        url = _url(route, samples)
        _expect(lead_client.get(url), 403)
        _expect(lead_client.post(url), 403)

    _walk_check(PROGRAMME_ROUTES, check)


@pytest.mark.django_db
def test_programme_viewer_cannot_use_admin_routes(programme_viewer_client, samples):
    def check(route):
        _expect(programme_viewer_client.post(_url(route, samples)), 403)

    _walk_check([r for r in PROGRAMME_ROUTES if r.access[1] > ProgrammeAccess.VIEW], check)


def test_walk_found_the_public_routes():
    assert len(PROSPECTUS_ROUTES) >= 3
    assert len(TOKEN_ROUTES) >= 3


@pytest.mark.django_db
def test_public_pages_never_show_drafts_hidden_courses_or_other_peoples_data(client, samples):
    def check(route):
        response = _expect(client.get(_url(route, samples)), 200, 405)
        page = response.content.decode()
        assert DRAFT_TITLE not in page and HIDDEN_TITLE not in page, "shows an unpublished course"
        if route in PROSPECTUS_ROUTES:
            assert SECRET_NAME not in page and SECRET_CONTACT not in page, (
                "shows a learner's details"
            )
        else:
            assert "max-age=0" in response["Cache-Control"], "a private page may be cached"

    _walk_check(PUBLIC_SITE_ROUTES, check)


@pytest.mark.django_db
def test_unpublished_prospectus_is_404(client, samples, site):
    site.college.publish_prospectus = False
    site.college.save()
    _walk_check(PROSPECTUS_ROUTES, lambda route: _expect(client.get(_url(route, samples)), 404))


@pytest.mark.django_db
def test_public_pages_of_another_site_do_not_show_this_sites_objects(client, samples, other_site):
    CollegeFactory(site=other_site)

    def check(route):
        url = _url(route, {**samples, "site": other_site.slug})
        if set(route.kwargs) == {"site"}:
            _expect(client.get(url), 200)  # the other site's own page
        else:
            _expect(client.get(url), 404)
            _expect(client.post(url, {"confirm": "on"}), 404)

    _walk_check(PUBLIC_SITE_ROUTES, check)


@pytest.mark.django_db
def test_forged_private_links_are_404(client, samples):
    forged = dict.fromkeys(("place_token", "feedback_token", "data_token"), "0" * 32 + ".forged")

    def check(route):
        _expect(client.get(_url(route, {**samples, **forged})), 404)

    _walk_check([r for r in TOKEN_ROUTES if set(forged) & set(r.kwargs)], check)


RESPOND_ROUTES = [r for r in ROUTES if r.name.startswith("respond:")]


@pytest.mark.django_db
def test_one_time_links_and_kiosks_show_no_one_elses_answers(client, samples):
    assert len(RESPOND_ROUTES) >= 2

    def check(route):
        assert route.access[0] == "public" and route.callback.imroc_private_link
        response = _expect(client.get(_url(route, samples)), 200)
        assert SURVEY_SECRET not in response.content.decode(), "shows another respondent's answers"
        assert "max-age=0" in response["Cache-Control"], "a private page may be cached"

    _walk_check(RESPOND_ROUTES, check)


@pytest.mark.django_db
def test_forged_or_used_one_time_links_are_404(client, samples):
    forged = dict.fromkeys(("link_token", "kiosk_token"), "0" * 32 + ".forged")
    used = {"link_token": samples["used_link_token"], "kiosk_token": samples["link_token"]}

    def check(route):
        for values in (forged, used):
            response = _expect(client.get(_url(route, {**samples, **values})), 404)
            assert SURVEY_SECRET not in response.content.decode()
            _expect(client.post(_url(route, {**samples, **values}), {"action": "submit"}), 404)

    _walk_check(RESPOND_ROUTES, check)
