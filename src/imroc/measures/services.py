"""Every write to measures: definitions, adoption, data points, imports, rebases, annotations."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from imroc.core import audit
from imroc.core.services import ServiceError, StaleEditError, save_versioned
from imroc.improvement.models import Goal, PdsaCycle
from imroc.measures import parsing
from imroc.measures.models import (
    ALLOWED_CHARTS,
    DEFAULT_CHART,
    Annotation,
    ChartType,
    DataPoint,
    DataPointRevision,
    DataType,
    Measure,
    MeasureCycleLink,
    MeasureImport,
    ProgrammeMeasure,
    Rebase,
)
from imroc.programme.models import Programme, Site, SiteMembership, SiteRole

DEFINITION_FIELDS = [
    "name", "definition", "kind", "unit", "data_type", "chart_type", "improvement", "frequency",
    "week_starts_on", "rate_per",
]  # fmt: skip
SITE_FIELDS = ["team", "target", "target_date", "owner", "challenge"]
MEASURE_FIELDS = DEFINITION_FIELDS + SITE_FIELDS
# Fixed once a measure has data: changing them would change what the stored numbers mean.
FIXED_WITH_DATA = ["data_type", "frequency", "week_starts_on"]


def _actor_user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _check_definition(fields: dict) -> None:
    data_type = fields.get("data_type")
    if data_type is None:
        return
    if not fields.get("chart_type"):
        fields["chart_type"] = DEFAULT_CHART[DataType(data_type)]
    allowed = ALLOWED_CHARTS[DataType(data_type)]
    if fields["chart_type"] not in allowed:
        names = [str(ChartType(c).label).split(" (")[0] for c in allowed]
        message = {
            1: _("That chart does not suit this kind of data. Choose %(first)s."),
            2: _("That chart does not suit this kind of data. Choose %(first)s or %(second)s."),
            3: _(
                "That chart does not suit this kind of data. "
                "Choose %(first)s or %(second)s or %(third)s."
            ),
        }[len(names)]
        raise ServiceError(
            message % dict(zip(("first", "second", "third"), names, strict=False)), "chart_type"
        )
    if fields.get("rate_per") is not None and fields["rate_per"] < 1:
        raise ServiceError(_("Show rates per 1 or more."), "rate_per")


def _check_site_fields(site: Site, fields: dict) -> None:
    team = fields.get("team")
    if team is not None and team.site_id != site.pk:
        raise ServiceError(_("Choose one of this site's teams."), "team")
    owner = fields.get("owner")
    if owner is not None:
        role = (
            SiteMembership.objects.filter(site=site, user=owner)
            .values_list("role", flat=True)
            .first()
        )
        if role not in (SiteRole.LEAD, SiteRole.MEMBER, SiteRole.PARTNER):
            raise ServiceError(
                _("The owner must be a lead, member or partner of this site."), "owner"
            )
    target = fields.get("target")
    if target is not None:
        data_type = fields.get("data_type")
        if data_type == DataType.PROPORTION and not 0 <= target <= 100:
            raise ServiceError(_("A share's target is a percentage from 0 to 100."), "target")
        if data_type in (DataType.COUNT, DataType.BETWEEN, DataType.RATE) and target < 0:
            raise ServiceError(_("The target cannot be negative for this kind of data."), "target")
    if fields.get("target_date") and target is None:
        raise ServiceError(
            _("Enter the target as well as its date, or leave both empty."), "target"
        )


def _check_goals(site: Site, goals) -> list[Goal]:
    goals = list(goals or [])
    if any(g.site_id != site.pk for g in goals):
        raise ServiceError(_("Link only this site's goals."), "goals")
    return goals


def _name_taken(site: Site, name: str, exclude: int | None = None) -> bool:
    qs = site.measures.filter(name__iexact=name.strip())
    if exclude:
        qs = qs.exclude(pk=exclude)
    return qs.exists()


def create_measure(
    site: Site, *, actor, goals=(), shared: ProgrammeMeasure | None = None, **fields
) -> Measure:
    _check_definition(fields)
    _check_site_fields(site, fields)
    goals = _check_goals(site, goals)
    if _name_taken(site, fields["name"]):
        raise ServiceError(
            _("The site already has a measure with this name. Choose another name."), "name"
        )
    with transaction.atomic():
        measure = Measure.objects.create(site=site, shared=shared, **fields)
        measure.goals.set(goals)
        audit.record(
            actor, "measure.adopt" if shared else "measure.create", measure, site=site,
            after={**audit.snapshot(measure, MEASURE_FIELDS), "goals": [g.title for g in goals],
                   "shared": str(shared.public_id) if shared else None},
        )  # fmt: skip
    return measure


def adopt_measure(site: Site, shared: ProgrammeMeasure, *, actor, **site_fields) -> Measure:
    """Start reporting a programme measure: the definition is copied and stays in step."""
    if shared.programme_id != site.programme_id:
        raise ServiceError(_("Choose a measure of this site's programme."))
    if site.measures.filter(shared=shared).exists():
        raise ServiceError(_("The site already reports this programme measure."))
    definition = {name: getattr(shared, name) for name in DEFINITION_FIELDS}
    if _name_taken(site, shared.name):
        raise ServiceError(
            _("The site already has a measure called “%(name)s”. Rename it first, then adopt.")
            % {"name": shared.name}
        )
    return create_measure(site, actor=actor, shared=shared, **definition, **site_fields)


def update_measure(
    measure: Measure, *, actor, expected_version: int, goals=None, **fields
) -> Measure:
    """Change a measure. Refused if someone saved first, or if it would change what data means."""
    site = measure.site
    with transaction.atomic():
        stored = Measure.objects.select_for_update().get(pk=measure.pk)
        if stored.version != expected_version:
            raise StaleEditError(measure)
        if stored.shared_id:
            # A shared definition is the programme's: sites set only their own fields.
            fields = {k: v for k, v in fields.items() if k not in DEFINITION_FIELDS}
        merged = {**audit_fields(stored), **fields}
        _check_definition(merged)
        if "chart_type" in fields:
            fields["chart_type"] = merged["chart_type"]
        _check_site_fields(site, merged)
        if stored.points.exists():
            for name in FIXED_WITH_DATA:
                if name in fields and fields[name] != getattr(stored, name):
                    raise ServiceError(
                        _(
                            "This measure already has data, so its kind of data and how often it "
                            "is reported cannot change. Add a new measure instead."
                        ),
                        name,
                    )
        if "name" in fields and _name_taken(site, fields["name"], exclude=measure.pk):
            raise ServiceError(
                _("The site already has a measure with this name. Choose another name."), "name"
            )
        before = audit.snapshot(stored, MEASURE_FIELDS)
        before_goals = sorted(g.title for g in stored.goals.all())
        for name, value in fields.items():
            setattr(measure, name, value)
        save_versioned(measure, expected_version, list(fields))
        after_goals = before_goals
        if goals is not None:
            goals = _check_goals(site, goals)
            measure.goals.set(goals)
            after_goals = sorted(g.title for g in goals)
        after = audit.snapshot(measure, MEASURE_FIELDS)
        changed = [k for k in after if after[k] != before[k]]
        audit.record(
            actor, "measure.update", measure, site=site,
            before={**{k: before[k] for k in changed}, "goals": before_goals},
            after={**{k: after[k] for k in changed}, "goals": after_goals},
        )  # fmt: skip
    return measure


def audit_fields(measure) -> dict:
    return {name: getattr(measure, name) for name in MEASURE_FIELDS}


# --- Programme measures ----------------------------------------------------------------------


def create_programme_measure(programme: Programme, *, actor, **fields) -> ProgrammeMeasure:
    _check_definition(fields)
    if programme.shared_measures.filter(name__iexact=fields["name"].strip()).exists():
        raise ServiceError(_("The programme already has a measure with this name."), "name")
    with transaction.atomic():
        shared = ProgrammeMeasure.objects.create(programme=programme, **fields)
        audit.record(
            actor, "programme_measure.create", shared,
            after=audit.snapshot(shared, DEFINITION_FIELDS),
        )  # fmt: skip
    return shared


def update_programme_measure(
    shared: ProgrammeMeasure, *, actor, expected_version: int, **fields
) -> ProgrammeMeasure:
    """Change a shared definition and, in the same step, every site's copy of it."""
    with transaction.atomic():
        stored = ProgrammeMeasure.objects.select_for_update().get(pk=shared.pk)
        if stored.version != expected_version:
            raise StaleEditError(shared)
        merged = {**{n: getattr(stored, n) for n in DEFINITION_FIELDS}, **fields}
        _check_definition(merged)
        fields["chart_type"] = merged["chart_type"]
        adoptions = list(stored.adoptions.select_for_update())
        if adoptions:
            for name in FIXED_WITH_DATA:
                if name in fields and fields[name] != getattr(stored, name):
                    raise ServiceError(
                        _(
                            "Sites already report this measure, so its kind of data and how often "
                            "it is reported cannot change. Add a new programme measure instead."
                        ),
                        name,
                    )
        if (
            "name" in fields
            and shared.programme.shared_measures.filter(name__iexact=fields["name"].strip())
            .exclude(pk=shared.pk)
            .exists()
        ):
            raise ServiceError(_("The programme already has a measure with this name."), "name")
        before = audit.snapshot(stored, DEFINITION_FIELDS)
        for name, value in fields.items():
            setattr(shared, name, value)
        save_versioned(shared, expected_version, list(fields))
        after = audit.snapshot(shared, DEFINITION_FIELDS)
        changed = [k for k in after if after[k] != before[k]]
        for measure in adoptions:
            if "name" in changed and _name_taken(measure.site, shared.name, exclude=measure.pk):
                raise ServiceError(
                    _("%(site)s already has another measure called “%(name)s”.")
                    % {"site": measure.site, "name": shared.name},
                    "name",
                )
            for name in changed:
                setattr(measure, name, getattr(shared, name))
            if changed:
                measure.version += 1  # an open edit form must not silently undo this
                measure.save(update_fields=[*changed, "version", "updated_at"])
        audit.record(
            actor, "programme_measure.update", shared,
            before={k: before[k] for k in changed},
            after={**{k: after[k] for k in changed}, "sites_updated": len(adoptions) if changed else 0},
        )  # fmt: skip
    return shared


# --- Data points -----------------------------------------------------------------------------


def _same(point: DataPoint, row: dict) -> bool:
    return (
        point.value == row["value"]
        and point.numerator == row.get("numerator")
        and point.denominator == row.get("denominator")
    )


def _write_points(
    measure: Measure, rows: list[dict], *, actor, source: str, note_all: str = ""
) -> dict:
    """Create new periods and correct changed ones, keeping old values. Call inside atomic().

    Rows are checked dicts: period (date), value, numerator, denominator, optional note.
    Returns counts: created, corrected, unchanged.
    """
    user = _actor_user(actor)
    periods = [r["period"] for r in rows]
    existing = {p.period: p for p in measure.points.select_for_update().filter(period__in=periods)}
    new, changed, revisions = [], [], []
    for row in rows:
        point = existing.get(row["period"])
        note = row.get("note", note_all) or ""
        if point is None:
            new.append(
                DataPoint(
                    measure=measure, period=row["period"], value=row["value"],
                    numerator=row.get("numerator"), denominator=row.get("denominator"),
                    note=note, source=source, entered_by=user,
                )
            )  # fmt: skip
        elif not _same(point, row):
            revisions.append(
                DataPointRevision(
                    point=point, revision=point.revision, value=point.value,
                    numerator=point.numerator, denominator=point.denominator, note=point.note,
                    source=point.source, entered_by=point.entered_by, replaced_by=user,
                )
            )  # fmt: skip
            point.value, point.numerator = row["value"], row.get("numerator")
            point.denominator, point.note = row.get("denominator"), note
            point.revision += 1
            point.source, point.entered_by = source, user
            point.updated_at = timezone.now()
            changed.append(point)
    if new:
        DataPoint.objects.bulk_create(new, batch_size=1000)
    if revisions:
        DataPointRevision.objects.bulk_create(revisions, batch_size=1000)
        DataPoint.objects.bulk_update(
            changed,
            [
                "value",
                "numerator",
                "denominator",
                "note",
                "revision",
                "source",
                "entered_by",
                "updated_at",
            ],
            batch_size=500,
        )
    return {
        "created": len(new),
        "corrected": len(changed),
        "unchanged": len(rows) - len(new) - len(changed),
    }


def record_point(
    measure: Measure,
    *,
    actor,
    period: dt.date,
    value=None,
    numerator=None,
    denominator=None,
    note: str = "",
) -> str:
    """Enter or correct one period's value. Returns 'created', 'corrected' or 'unchanged'."""
    try:
        period = parsing.parse_period(
            period.isoformat() if isinstance(period, dt.date) else period, measure
        )
        value, numerator, denominator = parsing.check_values(measure, value, numerator, denominator)
    except parsing.BadValue as error:
        raise ServiceError(str(error), error.field) from None
    row = {
        "period": period,
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "note": note,
    }
    with transaction.atomic():
        before = (
            measure.points.filter(period=period).values("value", "numerator", "denominator").first()
        )
        counts = _write_points(measure, [row], actor=actor, source=DataPoint.Source.FORM)
        outcome = next(k for k, v in counts.items() if v)
        if outcome != "unchanged":
            audit.record(
                actor, f"measure.point.{'create' if outcome == 'created' else 'correct'}", measure,
                site=measure.site, before=before,
                after={"period": period, "value": value, "numerator": numerator, "denominator": denominator, "note": note},
            )  # fmt: skip
    return outcome


def load_points(measure: Measure, rows: list[dict], *, actor, source=DataPoint.Source.DEMO) -> dict:
    """Bulk-load checked rows with one audit event (the demo and command-line imports use it)."""
    with transaction.atomic():
        counts = _write_points(measure, rows, actor=actor, source=source)
        audit.record(
            actor, "measure.import", measure, site=measure.site, after={**counts, "rows": len(rows)}
        )
    return counts


# --- Imports: preview, then commit -----------------------------------------------------------


def preview_import(
    measure: Measure, *, actor, table: list[list[str]], filename: str = ""
) -> MeasureImport:
    """Check every row and keep the result on the server; nothing is written to the data yet."""
    try:
        checked = parsing.check_table(measure, table)
    except parsing.ImportRefused as error:
        raise ServiceError(str(error), "file") from None
    existing = {
        p: (v, n, d)
        for p, v, n, d in measure.points.filter(
            period__in=[r.period for r in checked if r.period]
        ).values_list("period", "value", "numerator", "denominator")
    }
    rows, errors = [], []
    for r in checked:
        entry = {"line": r.line, "raw": r.raw, "errors": r.errors}
        if not r.errors:
            entry.update(
                period=r.period.isoformat(),
                value=r.value,
                numerator=r.numerator,
                denominator=r.denominator,
            )
            old = existing.get(r.period)
            if old is None:
                entry["status"] = "new"
            elif old == (r.value, r.numerator, r.denominator):
                entry["status"] = "same"
            else:
                entry["status"] = "correction"
                entry["was"] = (
                    _("%(numerator)s out of %(denominator)s")
                    % {"numerator": f"{old[1]:g}", "denominator": f"{old[2]:g}"}
                    if old[1] is not None
                    else f"{old[0]:g}"
                )
        else:
            entry["status"] = "error"
            errors.extend({"line": r.line, "message": m} for m in r.errors)
        rows.append(entry)
    with transaction.atomic():
        return MeasureImport.objects.create(
            measure=measure, token=secrets.token_urlsafe(24), created_by=_actor_user(actor),
            filename=filename[:200], rows=rows, errors=errors,
            definition={f: getattr(measure, f) for f in FIXED_WITH_DATA},
        )  # fmt: skip


def commit_import(imported: MeasureImport, *, actor) -> dict:
    """Write a previewed import: all rows or none. Re-importing the same data changes nothing."""
    measure = imported.measure
    with transaction.atomic():
        locked = MeasureImport.objects.select_for_update().get(pk=imported.pk)
        if locked.status != MeasureImport.Status.PREVIEW:
            raise ServiceError(_("This import has already been committed."))
        if locked.errors:
            raise ServiceError(
                _("Fix the rows with problems and upload the file again. Nothing was saved.")
            )
        fresh = Measure.objects.get(pk=measure.pk)
        if any(getattr(fresh, f) != locked.definition.get(f) for f in FIXED_WITH_DATA):
            raise ServiceError(_("The measure changed after the preview. Upload the file again."))
        rows = []
        for entry in locked.rows:
            # Rows were checked when previewed; check again in case the rules changed since.
            try:
                period = parsing.parse_period(entry["period"], fresh)
                value, num, den = parsing.check_values(
                    fresh, entry["value"], entry["numerator"], entry["denominator"]
                )
            except parsing.BadValue as error:
                raise ServiceError(
                    _("Row %(row)s: %(problem)s Nothing was saved.")
                    % {"row": entry["line"], "problem": error}
                ) from None
            rows.append({"period": period, "value": value, "numerator": num, "denominator": den})
        counts = _write_points(fresh, rows, actor=actor, source=DataPoint.Source.IMPORT)
        locked.status = MeasureImport.Status.COMMITTED
        locked.committed_at = timezone.now()
        locked.save(update_fields=["status", "committed_at", "updated_at"])
        if counts["created"] or counts["corrected"]:
            audit.record(
                actor, "measure.import", measure, site=measure.site,
                after={**counts, "file": locked.filename, "rows": len(rows)},
            )  # fmt: skip
    imported.status = locked.status
    return counts


# --- Rebases, annotations, PDSA links --------------------------------------------------------


def add_rebase(measure: Measure, *, actor, period: dt.date, reason: str) -> Rebase:
    try:
        period = parsing.parse_period(period.isoformat(), measure)
    except parsing.BadValue as error:
        raise ServiceError(str(error), "period") from None
    if not reason.strip():
        raise ServiceError(
            _("Say why the process changed, so readers know why limits start again."), "reason"
        )
    if measure.rebases.filter(period=period).exists():
        raise ServiceError(_("There is already a rebase at that period."), "period")
    with transaction.atomic():
        rebase = Rebase.objects.create(
            measure=measure, period=period, reason=reason.strip(), created_by=_actor_user(actor)
        )
        audit.record(
            actor, "measure.rebase", measure, site=measure.site,
            after={"period": period, "reason": rebase.reason},
        )  # fmt: skip
    return rebase


def add_annotation(measure: Measure, *, actor, on: dt.date, text: str) -> Annotation:
    if not text.strip():
        raise ServiceError(_("Enter what happened."), "text")
    with transaction.atomic():
        note = Annotation.objects.create(
            measure=measure, on=on, text=text.strip(), created_by=_actor_user(actor)
        )
        audit.record(
            actor,
            "measure.annotate",
            measure,
            site=measure.site,
            after={"on": on, "text": note.text},
        )
    return note


def link_cycle(measure: Measure, cycle: PdsaCycle, *, actor) -> MeasureCycleLink:
    if cycle.goal.site_id != measure.site_id:
        raise ServiceError(_("Choose a PDSA cycle of this site."), "cycle")
    if measure.cycle_links.filter(cycle=cycle).exists():
        raise ServiceError(_("That cycle is already linked to this measure."), "cycle")
    with transaction.atomic():
        link = MeasureCycleLink.objects.create(measure=measure, cycle=cycle)
        audit.record(
            actor, "measure.link_cycle", measure, site=measure.site,
            after={"cycle": str(cycle.public_id), "change_idea": cycle.change_idea},
        )  # fmt: skip
    return link


def unlink_cycle(measure: Measure, cycle: PdsaCycle, *, actor) -> None:
    with transaction.atomic():
        deleted, _ = measure.cycle_links.filter(cycle=cycle).delete()
        if deleted:
            audit.record(
                actor, "measure.unlink_cycle", measure, site=measure.site,
                before={"cycle": str(cycle.public_id), "change_idea": cycle.change_idea},
            )  # fmt: skip


# --- Bulk upsert: many measures, many periods, one transaction --------------------------------

BULK_MAX_ERRORS = 1000  # row errors reported at most; the count of all of them is kept


class BulkUpsertError(ServiceError):
    """Some rows are wrong, so nothing was written.

    ``errors`` is a list of ``{"row": n, "field": name or None, "message": text}``, at most
    BULK_MAX_ERRORS of them, in row order; ``error_count`` counts them all. A row's number is
    its own ``"row"`` value when the caller gave one (a CSV line number, say), else its
    1-based position in ``rows``.
    """

    def __init__(self, errors: list[dict], error_count: int | None = None):
        self.errors = errors
        self.error_count = error_count if error_count is not None else len(errors)
        n = self.error_count
        super().__init__(
            f"{n:,} row{'s have' if n != 1 else ' has'} problems. Nothing was saved.", None
        )


def upsert_data_points(
    site: Site, rows, *, actor, source=DataPoint.Source.IMPORT, on_checked=None
) -> dict:
    """Create or correct many data points of one site's measures: all rows or none.

    ``rows`` is an iterable of dicts with keys:

    - ``measure``: a Measure of this site, or its ``public_id`` (UUID or string);
    - ``period``: a ``date`` or text such as ``2021-03-01`` / ``2021-03`` (the measure's rules
      apply: monthly on the 1st, weekly on the measure's week start, not in the future);
    - ``value`` for numbers and counts, or ``numerator`` and ``denominator`` for shares and
      rates (numbers or numeric text);
    - optional ``note`` (up to 300 characters) and ``row`` (the number to use in errors).

    Every row is checked before anything is written. If any row is wrong, BulkUpsertError is
    raised with every row's problems (row number, field, message) and the database is
    untouched. Otherwise all rows are written in one transaction: new periods are created,
    changed periods are corrected keeping their old values as revisions (as ``record_point``
    does), identical ones are left alone. One audit event, "measure.bulk_upsert", records the
    counts. A measure of another site is reported as unknown, exactly like a made-up id.

    ``on_checked(n)``, if given, is called once every row has passed its checks, just before
    the write starts (the import command reports progress with it).

    Returns ``{"rows", "created", "corrected", "unchanged", "measures"}`` counts.
    """
    checked = _check_bulk_rows(site, rows)
    if on_checked is not None:
        on_checked(len(checked))
    try:
        with transaction.atomic():
            counts = _bulk_write(checked, user=_actor_user(actor), source=str(source))
            counts = {"rows": len(checked), **counts, "measures": len({r[0] for r in checked})}
            audit.record(
                actor, "measure.bulk_upsert", None, site=site, object_type="measures.datapoint",
                object_repr=f"{counts['rows']:,} data points",
                after={**counts, "source": str(source)},
            )  # fmt: skip
    except IntegrityError:
        # Another writer added some of the same periods, or removed a measure, meanwhile.
        raise ServiceError(
            "Someone else changed some of these measures' data at the same moment. "
            "Nothing was saved: try again."
        ) from None
    if len(checked) >= BULK_CHECKPOINT_ROWS:
        checkpoint_wal()
    return counts


BULK_CHECKPOINT_ROWS = 10_000  # after an upsert this big, fold SQLite's write-ahead log back


def _bulk_measures(site: Site, refs: set) -> dict:
    """This site's measures by public id (as text) and by object identity of given instances."""
    ids = []
    for ref in refs:
        try:
            ids.append(uuid.UUID(str(ref)))
        except ValueError:
            continue
    found = {}
    for start in range(0, len(ids), 500):
        for m in site.measures.filter(public_id__in=ids[start : start + 500]):
            found[str(m.public_id)] = m
    return found


def _check_bulk_rows(site: Site, rows) -> list[tuple]:
    """Checked rows as (measure_id, period, value, numerator, denominator, note), or raise."""
    rows = list(rows)
    refs = {
        str(r.get("measure")).strip()
        for r in rows
        if isinstance(r, dict) and r.get("measure") is not None
        and not isinstance(r.get("measure"), Measure)
    }  # fmt: skip
    by_id = _bulk_measures(site, refs)
    periods: dict[tuple, object] = {}  # (frequency, week start, text) -> date or BadValue
    seen: dict[tuple, object] = {}
    checked, errors = [], []
    error_count = 0

    def fail(number, field, message):
        nonlocal error_count
        error_count += 1
        if len(errors) < BULK_MAX_ERRORS:
            errors.append({"row": number, "field": field, "message": message})

    for position, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            fail(position, None, "Each row must be a set of named values.")
            continue
        number = row.get("row", position)
        ref = row.get("measure")
        if isinstance(ref, Measure):
            measure = ref if ref.site_id == site.pk else None
        elif ref is None or not str(ref).strip():
            fail(number, "measure", "Say which measure this row is for.")
            continue
        else:
            measure = by_id.get(str(ref).strip())
        if measure is None:
            fail(number, "measure", f"There is no measure “{str(ref)[:40]}” at this site.")
            continue
        raw = row.get("period")
        if isinstance(raw, dt.datetime):
            raw = raw.date()
        text = raw.isoformat() if isinstance(raw, dt.date) else str(raw or "").strip()
        key = (measure.frequency, measure.week_starts_on, text)
        period = periods.get(key)
        if period is None:
            try:
                period = parsing.parse_period(text, measure)
            except parsing.BadValue as error:
                period = error
            periods[key] = period
        problems = []
        if isinstance(period, parsing.BadValue):
            problems.append(("period", str(period)))
        try:
            value, num, den = parsing.check_values(
                measure, row.get("value"), row.get("numerator"), row.get("denominator")
            )
        except parsing.BadValue as error:
            problems.append((error.field, str(error)))
        note = row.get("note") or ""
        if not isinstance(note, str):
            problems.append(("note", "The note must be text."))
        elif len(note) > 300:
            problems.append(("note", "The note is longer than 300 characters. Shorten it."))
        if not problems:
            first = seen.setdefault((measure.pk, period), number)
            if first != number:
                problems.append(
                    ("period", f"{period:%Y-%m-%d} for this measure is also on row {first}. "
                     "Give each period once.")
                )  # fmt: skip
        if problems:
            for field, message in problems:
                fail(number, field, message)
            continue
        checked.append((measure.pk, period, value, num, den, note.strip()))
    if error_count:
        raise BulkUpsertError(errors, error_count)
    return checked


def _bulk_write(checked: list[tuple], *, user, source: str) -> dict:
    """Write checked rows inside the caller's transaction: insert new, correct changed."""
    user_id = user.pk if user is not None else None
    measure_ids = sorted({r[0] for r in checked})
    existing: dict[tuple, tuple] = {}
    for start in range(0, len(measure_ids), 500):
        # Read without locks: only the points that change are locked, below, as their old
        # values are copied into revisions. (SQLite's IMMEDIATE transaction already excludes
        # other writers.)
        found = DataPoint.objects.filter(measure_id__in=measure_ids[start : start + 500])
        found = found.values_list("measure_id", "period", "id", "value", "numerator", "denominator")
        for mid, period, pk, value, num, den in found.iterator(chunk_size=5000):
            existing[(mid, period)] = (pk, value, num, den)
    new, changed = [], []
    for mid, period, value, num, den, note in checked:
        old = existing.get((mid, period))
        if old is None:
            new.append((mid, period, value, num, den, note))
        elif (old[1], old[2], old[3]) != (value, num, den):
            changed.append((old[0], value, num, den, note))
    now = timezone.now()
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(now)
    points = DataPoint._meta.db_table
    revisions = DataPointRevision._meta.db_table
    qn = ops.quote_name
    with connection.cursor() as cursor:
        if new:
            columns = (
                "created_at", "updated_at", "measure_id", "period", "value", "numerator",
                "denominator", "note", "revision", "source", "entered_by_id",
            )  # fmt: skip
            values = (
                (stamp, stamp, mid, ops.adapt_datefield_value(period), value, num, den, note, 1,
                 source, user_id)
                for mid, period, value, num, den, note in new
            )  # fmt: skip
            _bulk_insert(cursor, points, columns, values)
        if changed:
            scratch = f"imroc_bulk_{secrets.token_hex(6)}"
            names = {"points": qn(points), "revisions": qn(revisions), "scratch": scratch}
            # PostgreSQL: lock the changing points and read their latest committed values, so
            # a correction saved meanwhile by someone else is kept as a revision, not lost.
            names["lock"] = " FOR UPDATE OF p" if connection.vendor == "postgresql" else ""
            cursor.execute(
                _sql(
                    "CREATE TEMPORARY TABLE {scratch} (id bigint PRIMARY KEY, "
                    "value double precision, numerator double precision, "
                    "denominator double precision, note varchar(300))",
                    names,
                )
            )
            _bulk_insert(
                cursor, scratch, ("id", "value", "numerator", "denominator", "note"), changed
            )
            # The old values become a revision, as _write_points does, then the point changes.
            cursor.execute(
                _sql(
                    "INSERT INTO {revisions} (created_at, updated_at, point_id, revision, value, "
                    "numerator, denominator, note, source, entered_by_id, replaced_by_id) "
                    "SELECT %s, %s, p.id, p.revision, p.value, p.numerator, p.denominator, "
                    "p.note, p.source, p.entered_by_id, %s "
                    "FROM {points} p JOIN {scratch} c ON c.id = p.id{lock}",
                    names,
                ),
                [stamp, stamp, user_id],
            )
            cursor.execute(
                _sql(
                    "UPDATE {points} SET value = c.value, numerator = c.numerator, "
                    "denominator = c.denominator, note = c.note, revision = revision + 1, "
                    "source = %s, entered_by_id = %s, updated_at = %s FROM {scratch} c "
                    "WHERE c.id = {points}.id",
                    names,
                ),
                [source, user_id, stamp],
            )
            cursor.execute(_sql("DROP TABLE {scratch}", names))
    return {
        "created": len(new),
        "corrected": len(changed),
        "unchanged": len(checked) - len(new) - len(changed),
    }


def _bulk_insert(cursor, table: str, columns, rows) -> None:
    """Insert many rows fast: COPY on PostgreSQL, a prepared executemany on SQLite."""
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    table = connection.ops.quote_name(table)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(columns))
    sql = _sql("INSERT INTO {table} ({names}) VALUES ({marks})", locals())
    cursor.executemany(sql, rows)


def _sql(template: str, names: dict) -> str:
    """SQL with table and column names filled in. Only our own identifiers, never input."""
    for key, name in names.items():
        if isinstance(name, str):
            template = template.replace("{" + key + "}", name)
    return template


def checkpoint_wal() -> None:
    """After a big write, fold SQLite's write-ahead log into the database file and truncate it.

    Outside a transaction only (SQLite cannot checkpoint inside one); elsewhere it does nothing.
    """
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
