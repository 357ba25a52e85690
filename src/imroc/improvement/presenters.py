"""Shape goals, cycles and drivers for the pages."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from imroc.core.audit_labels import is_reordering
from imroc.improvement.models import Driver, PdsaCycle

FIELD_LABELS = {
    "challenge": _("Challenge"), "title": _("Goal"), "description": _("Description"), "target_level": _("Stage to reach"),
    "target_value": _("Measure value"), "target_value_meaning": _("What the value measures"), "target_date": _("Reach it by"),
    "owner": _("Owner"), "co_lead": _("Co-lead"), "status": _("Status"), "chime": _("CHIME"), "next_review_on": _("Review date"),
}  # fmt: skip


def ramps(cycles: list[PdsaCycle]) -> list[list[PdsaCycle]]:
    """Group cycles into ramps: chains of cycles, each building on the one before."""
    by_id = {c.pk: c for c in cycles}
    children: dict[int | None, list[PdsaCycle]] = {}
    for cycle in cycles:
        parent = cycle.previous_id if cycle.previous_id in by_id else None
        children.setdefault(parent, []).append(cycle)
    result = []
    for root in children.get(None, []):
        ramp, stack = [], [root]
        while stack:
            cycle = stack.pop(0)
            ramp.append(cycle)
            stack = children.get(cycle.pk, []) + stack
        result.append(ramp)
    return result


@dataclass
class DriverNode:
    driver: Driver
    children: list[DriverNode] = field(default_factory=list)


def driver_tree(drivers: list[Driver]) -> list[DriverNode]:
    nodes = {d.pk: DriverNode(d) for d in drivers}
    roots = []
    for d in drivers:
        if d.parent_id and d.parent_id in nodes:
            nodes[d.parent_id].children.append(nodes[d.pk])
        else:
            roots.append(nodes[d.pk])
    return roots


@dataclass
class HistoryEntry:
    change: object
    fields: list[tuple[str, object, object]]


def goal_history(changes) -> list[HistoryEntry]:
    """The goal's changes, newest first as given. A list that was only put in another order
    (the same CHIME parts, saved in a different order) is not shown as a change, and a change
    that did nothing else is left out."""
    entries = []
    for c in changes:
        fields = [
            (FIELD_LABELS.get(k, k), c.before.get(k), c.after.get(k))
            for k in c.after
            if not is_reordering(c.before.get(k), c.after.get(k))
        ]
        if fields:
            entries.append(HistoryEntry(change=c, fields=fields))
    return entries
