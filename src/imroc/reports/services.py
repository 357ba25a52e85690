"""Writes of the reports app: only the audit trail of reports taken away as files."""

from __future__ import annotations

from django.db import transaction

from imroc.core import audit


@transaction.atomic
def record_board_download(actor, site, period, *, via: str = "web") -> None:
    """A board PDF holds sensitive figures: note who took one, for which site and period."""
    audit.record(
        actor,
        "reports.board_downloaded",
        site,
        site=site,
        after={"from": period.start, "to": period.end, "via": via},
        object_repr=f"Board report of {site.name}",
    )


@transaction.atomic
def record_programme_download(actor, programme, *, via: str = "web") -> None:
    audit.record(
        actor,
        "reports.programme_downloaded",
        programme,
        after={"via": via},
        object_repr=f"Network report of {programme.name}",
    )
