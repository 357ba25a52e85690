"""Synthetic load data: `imroc generate --scale small|national [--seed N]`.

Builds one clearly marked programme ("Synthetic national programme" or "Synthetic small
programme") with sites, teams, people, measures and their data points, recovery colleges with
learners, enrolments and registers, assessment rounds, goals and PDSA cycles.

Speed matters more than the per-row services here: rows are written in large batches
(`bulk_create`), and the biggest tables (data points, learners, enrolments, attendance,
feedback) with PostgreSQL's COPY. Nothing goes through the per-row services, so the run
leaves one audit event of its own ("synthetic.generate") saying what it built.

Nothing is ever deleted: the command refuses a database that already holds the synthetic
programme, and a database with any other programme unless told otherwise.

Higher apps' models are looked up through the app registry, so this module imports nothing
above the programme app (the same way the demo loader reaches them through its steps).
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.utils import timezone

from imroc.core import audit
from imroc.framework.models import Challenge, FrameworkVersion
from imroc.framework.services import load_bundled_frameworks
from imroc.programme.models import (
    Application,
    Category,
    CategoryChange,
    Organisation,
    Programme,
    ProgrammeMembership,
    ProgrammeRole,
    Site,
    SiteMembership,
    SiteRole,
    Team,
)

ACTOR = audit.SystemActor("generate")
BATCH = 5000
# The busiest pages' SQL query budgets, whatever the amount of data: benchmarks/national_bench.py
# checks them on the national data, tests/programme/test_national_budgets.py on the small.
PAGE_QUERY_BUDGETS = {
    "healthz": 2,
    "programme dashboard": 25,
    "site dashboard": 40,
    "measures summary": 12,
    "benchmarks": 16,
    "prospectus": 10,
}


class GenerateError(Exception):
    """The data cannot be generated into this database; the message says why."""


@dataclass(frozen=True)
class Scale:
    name: str
    sites: int
    teams: int
    measures: int
    points_per_measure: int
    learners: int
    courses_per_site: int
    goals_per_site: int
    rounds_per_site: int
    shared_measures: int = 6


SCALES = {
    "national": Scale(
        "national", sites=100, teams=5000, measures=100_000, points_per_measure=60,
        learners=200_000, courses_per_site=30, goals_per_site=30, rounds_per_site=4,
    ),
    "small": Scale(
        "small", sites=3, teams=30, measures=200, points_per_measure=50, learners=500,
        courses_per_site=6, goals_per_site=6, rounds_per_site=3,
    ),
}  # fmt: skip

REGIONS = [
    "London", "South East", "South West", "East of England", "West Midlands", "East Midlands",
    "North West", "North East", "Yorkshire and the Humber",
]  # fmt: skip
TEAM_KINDS = [k for k, _ in Team.Kind.choices]
GROUPS = ["staff", "manager", "service_user", "carer", "commissioner"]
CHIME = ["connectedness", "hope", "identity", "meaning", "empowerment"]
LEARNER_GROUPS = ["service_user", "carer", "staff", "other", ""]


def programme_slug(scale: str) -> str:
    return f"synthetic-{scale}"


@dataclass
class Progress:
    """Counts rows as they are written and prints a line per step."""

    write: Callable[[str], None]
    started: float = field(default_factory=time.perf_counter)
    rows: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def done(self, what: str, n: int) -> None:
        self.rows += n
        self.counts[what] = self.counts.get(what, 0) + n
        elapsed = time.perf_counter() - self.started
        self.write(f"  {what}: {n:,} rows ({self.rows:,} in all, {elapsed:.1f} s)")


# --- Writing -----------------------------------------------------------------------------------


def _fill(model: type[models.Model], given: list[str]) -> tuple[list[str], list[Callable]]:
    """Every concrete column of a model, with how to fill the ones the caller does not give."""
    now = timezone.now()
    names, fillers = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.attname in given or f.name in given:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = now
        elif f.has_default():
            value = f.get_default()
        elif f.null:
            value = None
        else:
            value = f.get_default()  # "" for text fields
        names.append(f.attname)
        fillers.append(value)
    return names, fillers


def insert_rows(model: type[models.Model], given: list[str], rows: Iterable[tuple]) -> int:
    """Insert rows fast: COPY on PostgreSQL, executemany elsewhere. Columns not in `given`
    get their model default (computed once; the caller gives any per-row default such as a
    public id). Returns how many rows were written."""
    extra, fixed = _fill(model, given)
    fields = [model._meta.get_field(name) for name in given + extra]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    fixed_t = tuple(fixed)
    n = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            is_json = [isinstance(f, models.JSONField) for f in fields]
            fixed_t = tuple(
                json.dumps(v) if j else v
                for v, j in zip(fixed_t, is_json[len(given) :], strict=True)
            )
            json_given = [i for i, j in enumerate(is_json[: len(given)]) if j]
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    if json_given:
                        row = list(row)
                        for i in json_given:
                            row[i] = json.dumps(row[i])
                    copy.write_row((*row, *fixed_t))
                    n += 1
        else:
            marks = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - our names  # nosec
            batch = []
            for row in rows:
                full = (*row, *fixed_t)
                batch.append(
                    [f.get_db_prep_save(v, connection) for f, v in zip(fields, full, strict=True)]
                )
                if len(batch) >= BATCH:
                    cursor.executemany(sql, batch)
                    n += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                n += len(batch)
    return n


def ids_by_public_id(model: type[models.Model], **filters) -> dict[uuid.UUID, int]:
    return dict(model.objects.filter(**filters).values_list("public_id", "pk").iterator(BATCH))


def _split(total: int, weights: np.ndarray) -> list[int]:
    """Split a total into whole parts in proportion to weights, adding up exactly."""
    raw = weights / weights.sum() * total
    parts = np.floor(raw).astype(int)
    for i in np.argsort(raw - parts)[::-1][: total - parts.sum()]:
        parts[i] += 1
    return parts.tolist()


def _months_back(end: dt.date, n: int) -> list[dt.date]:
    out, y, m = [], end.year, end.month
    for _ in range(n):
        out.append(dt.date(y, m, 1))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out[::-1]


# --- The generator -----------------------------------------------------------------------------


@dataclass
class Built:
    programme: Programme
    sites: list[Site]
    admin: object
    leads: dict[int, object]
    progress: Progress
    weights: np.ndarray  # each site's relative size: measures, teams and learners follow it
    today: dt.date
    seconds: float = 0.0

    @property
    def busiest(self) -> Site:
        return self.sites[int(np.argmax(self.weights))]


def check_database(scale: str, *, force: bool) -> None:
    if Programme.objects.filter(slug=programme_slug(scale)).exists():
        raise GenerateError(
            f"This database already holds the synthetic {scale} programme. Nothing was changed. "
            "Generate into a fresh database to build it again."
        )
    others = Programme.objects.count()
    if others and not force:
        raise GenerateError(
            f"This database already holds {others} programme{'s' if others != 1 else ''}. "
            "Synthetic data is meant for a database of its own; nothing was changed. "
            "Use --force to add the synthetic programme alongside (nothing is deleted)."
        )


def generate(scale_name: str, *, seed: int = 2011, force: bool = False, write=print) -> Built:
    """Build the synthetic programme. All or nothing: one transaction."""
    scale = SCALES[scale_name]
    check_database(scale_name, force=force)
    rng = np.random.default_rng(seed)
    progress = Progress(write)
    with transaction.atomic():
        built = _programme(scale, rng, progress)
        _measures(scale, rng, built)
        _college(scale, rng, built)
        _improvement(scale, rng, built)
        built.seconds = time.perf_counter() - progress.started
        audit.record(
            ACTOR, "synthetic.generate", built.programme,
            after={
                "scale": scale_name, "seed": seed, "rows": progress.rows,
                "seconds": round(built.seconds, 1), "counts": progress.counts,
            },
        )  # fmt: skip
    built.seconds = time.perf_counter() - progress.started
    return built


def _programme(scale: Scale, rng, progress: Progress) -> Built:
    today = timezone.localdate()
    start = dt.date(today.year - 6, 4, 1)
    if not FrameworkVersion.objects.filter(key="imroc", status="published").exists():
        load_bundled_frameworks(ACTOR)
    programme = Programme.objects.create(
        name=f"Synthetic {scale.name} programme",
        slug=programme_slug(scale.name),
        start_date=start,
        description="Synthetic load data made by `imroc generate`. Every name is made up.",
    )
    orgs = Organisation.objects.bulk_create(
        Organisation(
            name=f"Synthetic {scale.name.title()} Trust {i:03d}",
            slug=f"syn-{scale.name}-org-{i:03d}",
            org_type="nhs_trust" if i % 7 else "independent",
            country="GB",
            region=REGIONS[i % len(REGIONS)],
        )
        for i in range(1, scale.sites + 1)
    )
    categories = [
        Category.DEMONSTRATION if i < max(1, scale.sites // 16)
        else Category.PILOT if i < max(2, scale.sites // 8)
        else Category.NETWORK
        for i in range(scale.sites)
    ]  # fmt: skip
    sites = Site.objects.bulk_create(
        Site(
            programme=programme, organisation=o, slug=f"syn-{scale.name}-{i:03d}",
            category=categories[i - 1], joined_on=start + dt.timedelta(days=30 * (i % 12)),
            named_in_benchmarks=bool(i % 3),
        )
        for i, o in enumerate(orgs, start=1)
    )  # fmt: skip
    CategoryChange.objects.bulk_create(
        CategoryChange(site=s, category=s.category, effective_from=s.joined_on) for s in sites
    )
    Application.objects.bulk_create(
        Application(
            programme=programme, organisation=s.organisation, site=s,
            submitted_on=s.joined_on - dt.timedelta(days=60), contact_name="Synthetic contact",
            contact_email="contact@example.invalid", motivation="Synthetic application.",
            status=Application.Status.ACCEPTED, category=s.category, decided_on=s.joined_on,
        )
        for s in sites
    )  # fmt: skip
    progress.done("organisations, sites, applications", 4 * len(sites) + 1)

    User = get_user_model()
    admin = User(username=f"syn-{scale.name}-admin", display_name="Synthetic programme admin")
    admin.set_unusable_password()
    people = [admin]
    roles = [
        (SiteRole.LEAD, "manager"), (SiteRole.MEMBER, "staff"), (SiteRole.PARTNER, "service_user"),
        (SiteRole.PARTNER, "carer"), (SiteRole.VIEWER, "commissioner"),
    ]  # fmt: skip
    for i in range(1, scale.sites + 1):
        for k, (role, _) in enumerate(roles):
            u = User(username=f"syn-{scale.name}-{i:03d}-{role}-{k}")
            u.set_unusable_password()
            people.append(u)
    people = User.objects.bulk_create(people, batch_size=BATCH)
    admin = people[0]
    ProgrammeMembership.objects.create(user=admin, programme=programme, role=ProgrammeRole.ADMIN)
    memberships, leads, it = [], {}, iter(people[1:])
    for s in sites:
        for role, group in roles:
            u = next(it)
            memberships.append(SiteMembership(user=u, site=s, role=role, stakeholder_group=group))
            if role == SiteRole.LEAD:
                leads[s.pk] = u
    SiteMembership.objects.bulk_create(memberships, batch_size=BATCH)
    progress.done("people and roles", len(people) + len(memberships) + 1)

    weights = rng.uniform(0.6, 1.4, size=scale.sites)
    team_counts = _split(scale.teams, weights)
    teams = []
    for s, n in zip(sites, team_counts, strict=True):
        for t in range(1, n + 1):
            kind = TEAM_KINDS[t % len(TEAM_KINDS)]
            teams.append(
                Team(site=s, name=f"Team {t:03d}", slug=f"team-{t:03d}", kind=kind,
                     staff_count=int(rng.integers(8, 60)))
            )  # fmt: skip
    Team.objects.bulk_create(teams, batch_size=BATCH)
    progress.done("teams", len(teams))
    return Built(programme, sites, admin, leads, progress, weights, today)


def _measures(scale: Scale, rng, built: Built) -> None:
    Measure = apps.get_model("measures", "Measure")
    ProgrammeMeasure = apps.get_model("measures", "ProgrammeMeasure")
    DataPoint = apps.get_model("measures", "DataPoint")
    Rebase = apps.get_model("measures", "Rebase")
    progress, sites = built.progress, built.sites
    shared = ProgrammeMeasure.objects.bulk_create(
        ProgrammeMeasure(
            programme=built.programme,
            name=f"Shared measure {k + 1}: "
            + ("people with a recovery plan they wrote" if k % 2 == 0 else "waiting time"),
            definition="A synthetic programme measure.",
            data_type="proportion" if k % 2 == 0 else "continuous",
            chart_type="p" if k % 2 == 0 else "xmr",
            improvement="increase" if k % 2 == 0 else "decrease",
        )
        for k in range(scale.shared_measures)
    )
    periods = _months_back(
        built.today.replace(day=1) - dt.timedelta(days=1), scale.points_per_measure
    )
    per_site = _split(scale.measures, built.weights)
    teams_by_site: dict[int, list[int]] = {}
    for site_id, team_id in Team.objects.filter(site__in=sites).values_list("site_id", "pk"):
        teams_by_site.setdefault(site_id, []).append(team_id)

    kinds = np.array(["xmr", "p", "c"])
    specs = []  # (site, shared, kind)
    measures = []
    for s, n in zip(sites, per_site, strict=True):
        adopted = shared[: min(len(shared), n)]
        lead = built.leads[s.pk]
        team_ids = teams_by_site.get(s.pk, [])
        chart = kinds[rng.choice(3, size=n, p=[0.6, 0.25, 0.15])]
        for j in range(n):
            if j < len(adopted):
                p = adopted[j]
                measures.append(Measure(
                    site=s, shared=p, name=p.name, definition=p.definition,
                    data_type=p.data_type, chart_type=p.chart_type, improvement=p.improvement,
                    owner=lead,
                ))  # fmt: skip
                specs.append(p.chart_type)
                continue
            c = str(chart[j])
            measures.append(Measure(
                site=s, name=f"Measure {j:04d}", definition="A synthetic measure.",
                kind=("outcome", "process", "balancing")[j % 3],
                data_type={"xmr": "continuous", "p": "proportion", "c": "count"}[c],
                chart_type=c, improvement=("increase", "decrease", "neutral")[j % 3],
                team_id=team_ids[j % len(team_ids)] if team_ids and j % 4 else None,
                target=None if j % 3 else (70.0 if c == "p" else 55.0), owner=lead,
            ))  # fmt: skip
            specs.append(c)
    measures = Measure.objects.bulk_create(measures, batch_size=BATCH)
    progress.done("measures", len(measures) + len(shared))

    # Values for every measure at once: continuous ~ N(mu, sd) with a shift in a third of
    # them; proportions from binomial draws; counts from Poisson draws.
    n, t = len(measures), len(periods)
    spec = np.array(specs)
    mu = rng.uniform(20, 80, size=(n, 1))
    shift = np.where(rng.random((n, 1)) < 1 / 3, rng.uniform(3, 8, size=(n, 1)), 0.0)
    step = (np.arange(t) >= t * 2 // 3).astype(float)
    cont = mu + rng.normal(0, 5, size=(n, t)) + shift * step
    den = rng.poisson(200, size=(n, t)).astype(float) + 1
    prob = np.clip(rng.uniform(0.4, 0.8, size=(n, 1)) + 0.05 * step * (shift > 0), 0.01, 0.99)
    num = rng.binomial(den.astype(int), prob).astype(float)
    counts = rng.poisson(rng.uniform(3, 30, size=(n, 1)), size=(n, t)).astype(float)
    is_p, is_c = spec == "p", spec == "c"
    values = np.where(is_p[:, None], num / den, np.where(is_c[:, None], counts, np.round(cont, 1)))
    now = timezone.now()
    ids = [m.pk for m in measures]

    def rows():
        vals = values.tolist()
        nums, dens = num.tolist(), den.tolist()
        for i, mid in enumerate(ids):
            v = vals[i]
            if is_p[i]:
                ni, di = nums[i], dens[i]
                for k, period in enumerate(periods):
                    yield (mid, period, v[k], ni[k], di[k], "import", now, now)
            else:
                for k, period in enumerate(periods):
                    yield (mid, period, v[k], None, None, "import", now, now)

    written = insert_rows(
        DataPoint,
        ["measure_id", "period", "value", "numerator", "denominator", "source",
         "created_at", "updated_at"],
        rows(),
    )  # fmt: skip
    progress.done("data points", written)
    rebased = [m for m, s in zip(measures, shift[:, 0], strict=True) if s and m.chart_type == "xmr"]
    rebased = rebased[: max(1, len(rebased) // 10)]
    Rebase.objects.bulk_create(
        (
            Rebase(measure=m, period=periods[t * 2 // 3], reason="New way of working started.")
            for m in rebased
        ),
        batch_size=BATCH,
    )
    progress.done("rebases", len(rebased))


def _college(scale: Scale, rng, built: Built) -> None:
    get = apps.get_model
    College, Trainer, Course = get("college", "College"), get("college", "Trainer"), get("college", "Course")  # fmt: skip
    Term, CourseRun, Session = get("college", "Term"), get("college", "CourseRun"), get("college", "Session")  # fmt: skip
    Learner, Enrolment = get("college", "Learner"), get("college", "Enrolment")
    Attendance, FeedbackResponse = get("college", "Attendance"), get("college", "FeedbackResponse")
    progress, sites, today = built.progress, built.sites, built.today
    challenges = list(
        Challenge.objects.filter(framework_version__key="imroc", framework_version__status="published")
    )  # fmt: skip
    colleges = College.objects.bulk_create(
        College(site=s, name=f"{s.organisation.name} Recovery College",
                about="A synthetic recovery college.", publish_prospectus=True,
                how_to_contact="Call the college line.")
        for s in sites
    )  # fmt: skip
    trainers = Trainer.objects.bulk_create(
        (
            Trainer(college=c, name=f"Trainer {k:02d}", kind="peer" if k % 2 else "practitioner",
                    lived_experience=bool(k % 2), training_status="trained")
            for c in colleges for k in range(1, 11)
        ),
        batch_size=BATCH,
    )  # fmt: skip
    peers = {
        c.pk: [t for t in trainers if t.college_id == c.pk and t.kind == "peer"] for c in colleges
    }
    pracs = {c.pk: [t for t in trainers if t.college_id == c.pk and t.kind != "peer"] for c in colleges}  # fmt: skip
    courses = Course.objects.bulk_create(
        (
            Course(
                college=c, title=f"Course {k:02d}: understanding recovery",
                description="A synthetic course, co-produced with people who use services.",
                learning_outcomes="Understand recovery\nMake a plan",
                chime=[CHIME[k % 5], CHIME[(k + 2) % 5]],
                challenge=challenges[k % len(challenges)] if challenges else None,
                format=("in_person", "online", "blended")[k % 3], length="4 sessions of 2 hours",
                audience=("everyone", "users_carers", "staff")[k % 3],
                status="published" if k % 6 else "draft",
            )
            for c in colleges for k in range(1, scale.courses_per_site + 1)
        ),
        batch_size=BATCH,
    )  # fmt: skip
    # Six terms of three months: four past, the current one and the next.
    this_term = dt.date(today.year, ((today.month - 1) // 3) * 3 + 1, 1)
    term_starts = [_add_months(this_term, 3 * k) for k in range(-4, 2)]
    terms = Term.objects.bulk_create(
        Term(college=c, name=f"{d:%B %Y} term", starts_on=d,
             ends_on=_add_months(d, 3) - dt.timedelta(days=1))
        for c in colleges for d in term_starts
    )  # fmt: skip
    progress.done("colleges, trainers, courses, terms", len(colleges) + len(trainers) + len(courses) + len(terms))  # fmt: skip

    by_college: dict[int, list] = {}
    for course in courses:
        if course.status == "published":
            by_college.setdefault(course.college_id, []).append(course)
    runs = []
    for term in terms:
        offered = by_college.get(term.college_id, [])
        for k, course in enumerate(offered):
            if (k + term.starts_on.month) % 2:
                continue
            p, q = peers[term.college_id], pracs[term.college_id]
            runs.append(CourseRun(
                course=course, term=term, capacity=40,
                peer_trainer=p[k % len(p)] if k % 5 else None, practitioner_trainer=q[k % len(q)],
                cancelled=(k % 23 == 22),
            ))  # fmt: skip
    runs = CourseRun.objects.bulk_create(runs, batch_size=BATCH)
    term_of = {t.pk: t for t in terms}
    now = timezone.now()

    def session_rows():
        for r in runs:
            start = term_of[r.term_id].starts_on + dt.timedelta(days=14)
            for w in range(4):
                day = start + dt.timedelta(days=7 * w)
                at = dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=dt.UTC)
                yield (uuid.uuid4(), r.pk, at, at + dt.timedelta(hours=2), "Main hall")

    n_sessions = insert_rows(Session, ["public_id", "run_id", "starts_at", "ends_at", "place"], session_rows())  # fmt: skip
    progress.done("runs and sessions", len(runs) + n_sessions)
    sessions_by_run: dict[int, list[tuple[int, dt.datetime]]] = {}
    for sid, run_id, starts_at in (
        Session.objects.filter(run__in=runs).order_by("starts_at").values_list("pk", "run_id", "starts_at").iterator(BATCH)
    ):  # fmt: skip
        sessions_by_run.setdefault(run_id, []).append((sid, starts_at))

    # Learners: spread over the colleges like the measures, one or two enrolments each.
    per_college = _split(scale.learners, built.weights)
    learner_rows, learner_college = [], []
    n = 0
    for c, count in zip(colleges, per_college, strict=True):
        groups = rng.choice(len(LEARNER_GROUPS), size=count, p=[0.5, 0.2, 0.15, 0.05, 0.1])
        for g in groups.tolist():
            n += 1
            pid = uuid.uuid4()
            contact = f"learner{n:06d}@example.invalid"
            learner_rows.append((pid, c.pk, f"Learner {n:06d}", contact, contact,
                                 LEARNER_GROUPS[g], now, now))  # fmt: skip
            learner_college.append((pid, c.pk, LEARNER_GROUPS[g]))
    insert_rows(Learner, ["public_id", "college_id", "name", "contact", "contact_key", "group", "consent_at", "last_active_at"], learner_rows)  # fmt: skip
    progress.done("learners", len(learner_rows))
    learner_ids = ids_by_public_id(Learner, college__in=colleges)

    runs_by_college: dict[int, list] = {}
    college_of_course = {course.pk: course.college_id for course in courses}
    for r in runs:
        if not r.cancelled:
            runs_by_college.setdefault(college_of_course[r.course_id], []).append(r)
    enrol_rows, enrol_meta = [], []
    taken: dict[int, int] = {}
    second = rng.random(len(learner_college)) < 0.5
    picks = rng.random((len(learner_college), 2))
    status_draw = rng.random((len(learner_college), 2))
    for i, (pid, college_id, group) in enumerate(learner_college):
        options = runs_by_college.get(college_id)
        if not options:
            continue
        chosen = {options[int(picks[i, 0] * len(options))]}
        if second[i]:
            chosen.add(options[int(picks[i, 1] * len(options))])
        for k, r in enumerate(chosen):
            draw = status_draw[i, k]
            status = "cancelled" if draw < 0.05 else "enrolled"
            if status == "enrolled" and taken.get(r.pk, 0) >= r.capacity:
                status = "waiting"
            if status == "enrolled":
                taken[r.pk] = taken.get(r.pk, 0) + 1
            epid = uuid.uuid4()
            enrol_rows.append((epid, r.pk, learner_ids[pid], status, group,
                               now if status == "waiting" else None,
                               now if status == "cancelled" else None))  # fmt: skip
            enrol_meta.append((epid, r.pk, status))
    insert_rows(Enrolment, ["public_id", "run_id", "learner_id", "status", "group", "waiting_since", "cancelled_at"], enrol_rows)  # fmt: skip
    progress.done("enrolments", len(enrol_rows))
    enrolment_ids = ids_by_public_id(Enrolment, run__in=runs)

    draws = rng.random((len(enrol_meta), 4))

    def attendance_rows():
        for i, (epid, run_id, status) in enumerate(enrol_meta):
            if status != "enrolled":
                continue
            eid = enrolment_ids[epid]
            for w, (sid, starts_at) in enumerate(sessions_by_run.get(run_id, [])):
                if starts_at >= now:
                    break
                d = draws[i, w]
                mark = "attended" if d < 0.8 else "absent" if d < 0.9 else "no_show"
                yield (sid, eid, mark, now, now)

    n_att = insert_rows(Attendance, ["session_id", "enrolment_id", "status", "created_at", "updated_at"], attendance_rows())  # fmt: skip
    progress.done("attendance", n_att)

    finished = [r for r in runs if not r.cancelled and term_of[r.term_id].ends_on < today]
    per_run = rng.integers(3, 12, size=len(finished))
    scores = rng.integers(3, 6, size=(int(per_run.sum()), 5)).tolist()

    def feedback_rows():
        k = 0
        for r, m in zip(finished, per_run.tolist(), strict=True):
            for _ in range(m):
                yield (r.pk, *scores[k], now, now)
                k += 1

    n_fb = insert_rows(FeedbackResponse, ["run_id", "welcome", "clear", "useful", "together", "hopeful", "created_at", "updated_at"], feedback_rows())  # fmt: skip
    progress.done("feedback", n_fb)


def _add_months(day: dt.date, months: int) -> dt.date:
    m = day.month - 1 + months
    return dt.date(day.year + m // 12, m % 12 + 1, 1)


def _improvement(scale: Scale, rng, built: Built) -> None:
    get = apps.get_model
    AssessmentRound, Rating = get("assessment", "AssessmentRound"), get("assessment", "Rating")
    Consensus = get("assessment", "Consensus")
    Goal, PdsaCycle = get("improvement", "Goal"), get("improvement", "PdsaCycle")
    Priority, Review = get("improvement", "Priority"), get("improvement", "Review")
    progress, sites, today = built.progress, built.sites, built.today
    version = FrameworkVersion.objects.filter(key="imroc", status="published").first()
    challenges = list(version.challenges.order_by("number")) if version else []
    if not challenges:
        return
    rounds = []
    for s in sites:
        for k in range(scale.rounds_per_site):
            held = _add_months(today.replace(day=1), -12 * (scale.rounds_per_site - k))
            last = k == scale.rounds_per_site - 1
            rounds.append(AssessmentRound(
                site=s, framework_version=version, title=f"Self-assessment {held:%B %Y}",
                held_on=held, status="open" if last else "closed", created_by=built.leads[s.pk],
            ))  # fmt: skip
    rounds = AssessmentRound.objects.bulk_create(rounds, batch_size=BATCH)
    ratings, consensus = [], []
    base = rng.integers(0, 2, size=(len(sites), len(challenges)))
    site_index = {s.pk: i for i, s in enumerate(sites)}
    for r in rounds:
        k = int(r.title[-4:]) - today.year + scale.rounds_per_site  # 0 for the first round
        levels = np.clip(base[site_index[r.site_id]] + k // 2, 0, 3)
        for c, level in zip(challenges, levels.tolist(), strict=True):
            for g in GROUPS:
                ratings.append(Rating(round=r, challenge=c, stakeholder_group=g,
                                      level=int(min(3, max(0, level + rng.integers(-1, 2))))))  # fmt: skip
            if r.status == "closed":
                consensus.append(Consensus(round=r, challenge=c, level=level))
    Rating.objects.bulk_create(ratings, batch_size=BATCH)
    Consensus.objects.bulk_create(consensus, batch_size=BATCH)
    progress.done("assessment rounds, ratings, consensus", len(rounds) + len(ratings) + len(consensus))  # fmt: skip

    priorities = [
        Priority(site=s, challenge=challenges[(i + k) % len(challenges)], chosen_on=s.joined_on)
        for i, s in enumerate(sites) for k in range(3)
    ]  # fmt: skip
    Priority.objects.bulk_create(priorities, batch_size=BATCH)
    goals = []
    statuses = ["planned", "active", "active", "active", "achieved", "stopped"]
    for i, s in enumerate(sites):
        for k in range(scale.goals_per_site):
            goals.append(Goal(
                site=s, challenge=challenges[(i + k) % len(challenges)],
                title=f"Goal {k + 1:02d}: more people write their own recovery plan",
                target_level=int(rng.integers(1, 4)), target_date=_add_months(today.replace(day=1), 6 + k % 12),
                owner=built.leads[s.pk], status=statuses[k % len(statuses)],
                next_review_on=today + dt.timedelta(days=int(rng.integers(-60, 90))),
            ))  # fmt: skip
    goals = Goal.objects.bulk_create(goals, batch_size=BATCH)
    cycles = []
    for g in goals:
        for k in range(3):
            starts = today - dt.timedelta(days=30 * (3 - k) + int(rng.integers(0, 20)))
            done = k < 2
            cycles.append(PdsaCycle(
                goal=g, change_idea=f"Try change idea {k + 1}", objective="Test one change.",
                who="The team", starts_on=starts, ends_on=starts + dt.timedelta(days=28),
                prediction="More people will have a plan.",
                do_notes="Done." if done else "", study_notes="Studied." if done else "",
                decision=("adopt", "adapt")[k % 2] if done else "",
                decided_on=starts + dt.timedelta(days=30) if done else None,
            ))  # fmt: skip
    PdsaCycle.objects.bulk_create(cycles, batch_size=BATCH)
    reviews = [
        Review(site=g.site, goal=g, held_on=today - dt.timedelta(days=30), notes="On track.",
               decision="continue", next_review_on=g.next_review_on)
        for g in goals[:: 3]
    ]  # fmt: skip
    Review.objects.bulk_create(reviews, batch_size=BATCH)
    progress.done("priorities, goals, cycles, reviews", len(priorities) + len(goals) + len(cycles) + len(reviews))  # fmt: skip
