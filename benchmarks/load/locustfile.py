"""Mixed traffic against a running imroc server, for `benchmarks/load/run_load.py`.

Every request goes through the real front door: people sign in with a POST to
/accounts/login/ carrying the CSRF token from the form, data entry and enrolment POST the
real forms, and nothing reaches into the database. A page that answers with anything but the
status a browser would get counts as a failure.

Who the simulated people are comes from a JSON file named by LOAD_TARGETS (run_load.py writes
it from the demo database):

    {"password": "...", "leads": {"site-lead-1": "<site slug>", ...},
     "programme_user": "programme-admin", "colleges": ["<site slug>", ...],
     "api_token": "<bearer token or empty>", "reports": true|false}

User classes:
- SiteStaff: site leads: site dashboard, measures, a chart, data entry, board reports.
- ProgrammeTeam: programme dashboard and a site seen from the programme.
- Learner: anonymous: prospectus, a course, the enrolment form (GET then POST).
- ApiClient: bearer-token reads of /api/v1/ (only when the API exists: api_token is set).
- SiteDashboardOnly / HealthzOnly: for the throughput ratio. The same sign-in, then nothing
  but the site dashboard, or nothing but /healthz, with no pause. Statistics are reset once
  every user has signed in, so the figures cover only the steady state.
"""

from __future__ import annotations

import json
import os
import random
import re
import uuid

import gevent
from locust import HttpUser, between, constant, events, task
from locust.exception import StopUser

TARGETS = json.loads(open(os.environ["LOAD_TARGETS"]).read()) if os.environ.get("LOAD_TARGETS") else {}  # noqa: SIM115  # fmt: skip
PASSWORD = TARGETS.get("password", "recovery-demo")
LEADS = TARGETS.get("leads", {})
COLLEGES = TARGETS.get("colleges", [])
API_TOKEN = TARGETS.get("api_token", "")
REPORTS = bool(TARGETS.get("reports"))

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HIDDEN_KEY = re.compile(r'name="idempotency_key"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="idempotency_key"')  # fmt: skip
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

# Filled once by the first user that looks: {site slug: [measure ids with a single value field]}
# and {college slug: [enrol paths]}.
MEASURES: dict[str, list[str]] = {}
RUNS: dict[str, list[str]] = {}
SIGNED_IN = {"count": 0, "failed": 0}
# A person reads a page before the next click: 5 to 15 seconds. A request that takes longer
# than TIMEOUT seconds counts as a failure, so the run stays bounded.
THINK_MIN, THINK_MAX = 5, 15
TIMEOUT = float(os.environ.get("LOAD_TIMEOUT", "60"))


def _csrf(response) -> str:
    match = CSRF_INPUT.search(response.text or "")
    if not match:
        raise ValueError("no CSRF token in the form")
    return match.group(1)


def _expect(response, *codes):
    """Mark the request failed unless it got one of the expected statuses."""
    if response.status_code in codes:
        response.success()
        return True
    response.failure(f"got {response.status_code}, expected {codes}")
    return False


class Timed(HttpUser):
    abstract = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        original = self.client.request

        def request(method, url, **kw):
            kw.setdefault("timeout", TIMEOUT)
            return original(method, url, **kw)

        self.client.request = request


class SignedIn(Timed):
    abstract = True
    username = ""

    def sign_in(self, username):
        with self.client.get("/accounts/login/", name="sign in: form", catch_response=True) as r:
            if not _expect(r, 200):
                SIGNED_IN["failed"] += 1
                raise StopUser
            token = _csrf(r)
        with self.client.post(
            "/accounts/login/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/accounts/login/"},
            name="sign in: POST",
            allow_redirects=False,
            catch_response=True,
        ) as r:
            if not _expect(r, 302):
                SIGNED_IN["failed"] += 1
                raise StopUser
        SIGNED_IN["count"] += 1

    def wait_for_everyone(self):
        """Throughput probes: start measuring only once every user has signed in.

        Until then nobody sends the probed request, so the sign-ins do not compete with it;
        the last one to sign in resets the statistics and sets the end of the run.
        """
        runner = self.environment.runner
        while not SIGNED_IN.get("ready"):
            if SIGNED_IN["count"] + SIGNED_IN["failed"] >= runner.target_user_count:
                SIGNED_IN["ready"] = True  # greenlets: nothing runs between the test and this
                runner.stats.reset_all()
                seconds = float(os.environ.get("LOAD_MEASURE_SECONDS", "20"))
                gevent.spawn_later(seconds, runner.quit)
            else:
                gevent.sleep(0.2)
        # The server has closed connections idle for longer than its keep-alive while this
        # user waited; start the measured part on fresh ones (the session cookie stays).
        self.client.close()


class SiteStaff(SignedIn):
    """A site lead at work: dashboards, measures, entering a value, the board report."""

    weight = 6
    wait_time = between(THINK_MIN, THINK_MAX)

    def on_start(self):
        self.username = random.choice(sorted(LEADS))
        self.site = LEADS[self.username]
        self.sign_in(self.username)
        if self.site not in MEASURES:
            MEASURES[self.site] = []  # the others wait for this user to look
            MEASURES[self.site] = self._find_measures()

    def _find_measures(self):
        r = self.client.get(f"/sites/{self.site}/measures/", name="measures: board")
        ids = list(dict.fromkeys(re.findall(rf"/sites/{self.site}/measures/({UUID})/", r.text)))
        usable = []
        for measure in ids:
            form = self.client.get(
                f"/sites/{self.site}/measures/{measure}/data/", name="data entry: form"
            )
            if 'name="value"' in form.text and "The month, like" in form.text:
                usable.append(measure)
        return usable

    @task(4)
    def site_dashboard(self):
        self.client.get(f"/sites/{self.site}/", name="dashboard: site")

    @task(2)
    def measures_board(self):
        self.client.get(f"/sites/{self.site}/measures/", name="measures: board")

    @task(2)
    def measure_chart(self):
        if MEASURES.get(self.site):
            measure = random.choice(MEASURES[self.site])
            self.client.get(f"/sites/{self.site}/measures/{measure}/", name="measures: chart")

    @task(2)
    def enter_a_value(self):
        if not MEASURES.get(self.site):
            return
        measure = random.choice(MEASURES[self.site])
        url = f"/sites/{self.site}/measures/{measure}/data/"
        form = self.client.get(url, name="data entry: form")
        period = f"{random.randint(2016, 2024)}-{random.randint(1, 12):02d}"
        with self.client.post(
            url,
            data={
                "csrfmiddlewaretoken": _csrf(form),
                "period": period,
                "value": str(random.randint(10, 40)),
                "note": "load test",
            },
            headers={"Referer": self.host + url},
            name="data entry: POST",
            allow_redirects=False,
            catch_response=True,
        ) as r:
            _expect(r, 302)

    @task(1)
    def board_report(self):
        if REPORTS:
            self.client.get(f"/sites/{self.site}/reports/board.html", name="report: board.html")

    @task(1)
    def board_report_pdf(self):
        if REPORTS and random.random() < 0.25:
            with self.client.get(
                f"/sites/{self.site}/reports/board.pdf",
                name="report: board.pdf",
                catch_response=True,
            ) as r:
                if _expect(r, 200) and not r.content.startswith(b"%PDF"):
                    r.failure("not a PDF")


class ProgrammeTeam(SignedIn):
    """The programme team: the programme dashboard, and a site seen from the programme."""

    weight = 1
    wait_time = between(THINK_MIN, THINK_MAX)

    def on_start(self):
        self.sign_in(TARGETS.get("programme_user", "programme-admin"))

    @task(3)
    def programme_dashboard(self):
        self.client.get("/programme/", name="dashboard: programme")

    @task(1)
    def a_site_dashboard(self):
        if LEADS:
            site = random.choice(sorted(LEADS.values()))
            self.client.get(f"/sites/{site}/", name="dashboard: site")


class Learner(Timed):
    """Someone from the public: browses a prospectus and enrols on a course."""

    weight = 3
    wait_time = between(THINK_MIN, THINK_MAX)

    def on_start(self):
        self.college = random.choice(COLLEGES) if COLLEGES else None
        if self.college and self.college not in RUNS:
            RUNS[self.college] = []
            page = self.client.get(f"/colleges/{self.college}/", name="college: prospectus")
            RUNS[self.college] = list(
                dict.fromkeys(
                    re.findall(rf"/colleges/{self.college}/runs/{UUID}/enrol/", page.text)
                )
            )

    @task(3)
    def prospectus(self):
        if self.college:
            self.client.get(f"/colleges/{self.college}/", name="college: prospectus")

    @task(1)
    def enrol(self):
        if not RUNS.get(self.college):
            return
        url = random.choice(RUNS[self.college])
        form = self.client.get(url, name="enrolment: form")
        key = HIDDEN_KEY.search(form.text or "")
        with self.client.post(
            url,
            data={
                "csrfmiddlewaretoken": _csrf(form),
                "name": "Load Test Learner",
                "contact": f"learner-{uuid.uuid4().hex[:12]}@example.org",
                "group": "",
                "access_needs": "",
                "consent": "on",
                "idempotency_key": (key.group(1) or key.group(2)) if key else "",
            },
            headers={"Referer": self.host + url},
            name="enrolment: POST",
            allow_redirects=False,
            catch_response=True,
        ) as r:
            _expect(r, 302)


class ApiClient(Timed):
    """A script reading the REST API with a bearer token (only when the API exists).

    It reads the OpenAPI schema once and then GETs every list or detail path that needs no
    parameter other than the site, for the site of site-lead-1 (whose token it holds).
    """

    abstract = not API_TOKEN
    weight = 1
    wait_time = between(THINK_MIN, THINK_MAX)
    paths: list[str] = []
    looking = False

    def on_start(self):
        self.headers = {"Authorization": f"Bearer {API_TOKEN}"}
        if ApiClient.looking:
            while not ApiClient.paths:  # another user is reading the schema
                gevent.sleep(0.5)
        if not ApiClient.paths:
            ApiClient.looking = True
            schema = self.client.get("/api/v1/openapi.json", name="api: schema").json()
            site = LEADS.get("site-lead-1", "")
            found = []
            for path, operations in schema.get("paths", {}).items():
                get = operations.get("get")
                if not get:
                    continue
                params = [p for p in get.get("parameters", []) if p.get("in") == "path"]
                if all(p["name"] == "site" for p in params):
                    found.append(path.replace("{site}", site))
            ApiClient.paths = found or ["/api/v1/openapi.json"]

    @task
    def read(self):
        path = random.choice(ApiClient.paths)
        self.client.get(path, headers=self.headers, name=f"api: {re.sub(UUID, '{id}', path)}")


class SiteDashboardOnly(SignedIn):
    """Throughput probe: a site lead asking for their dashboard as fast as it answers."""

    wait_time = constant(0)

    def on_start(self):
        self.site = LEADS["site-lead-1"]
        self.sign_in("site-lead-1")
        self.wait_for_everyone()

    @task
    def dashboard(self):
        self.client.get(f"/sites/{self.site}/", name="dashboard: site")


class HealthzOnly(SignedIn):
    """Throughput probe: the same signed-in users asking for /healthz, the trivial view."""

    wait_time = constant(0)

    def on_start(self):
        self.sign_in("site-lead-1")
        self.wait_for_everyone()

    @task
    def healthz(self):
        self.client.get("/healthz", name="healthz")


@events.quitting.add_listener
def _report_sign_ins(environment, **_kwargs):
    if SIGNED_IN["failed"]:
        environment.process_exit_code = 1
    print(f"signed in: {SIGNED_IN['count']}, sign-in failures: {SIGNED_IN['failed']}")
