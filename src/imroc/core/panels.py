"""Panels that apps contribute to pages owned by lower apps, so no app imports upwards.

An app registers its panels in AppConfig.ready(). A page such as the site dashboard asks
each registered panel for its context and includes the panel's template. Each panel must
read with a fixed number of queries, whatever the amount of data, so pages keep their
query budgets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SITE_DASHBOARD = "site-dashboard"
TEAM_PAGE = "team-page"
GOAL_PAGE = "goal-page"
PROGRAMME_DASHBOARD = "programme-dashboard"
ACCOUNT_PAGE = "account-page"


@dataclass(frozen=True)
class Panel:
    key: str
    order: int
    template: str
    context: Callable[[Any, Any], dict[str, Any]]  # (request, object) -> template context


@dataclass(frozen=True)
class RenderedPanel:
    key: str
    template: str
    context: dict[str, Any]


_PANELS: dict[str, dict[str, Panel]] = defaultdict(dict)


def register(page: str, panel: Panel) -> None:
    _PANELS[page][panel.key] = panel


def panels_for(page: str, request, obj) -> list[RenderedPanel]:
    """Each registered panel of a page, with its context computed for one object."""
    return [
        RenderedPanel(p.key, p.template, p.context(request, obj))
        for p in sorted(_PANELS[page].values(), key=lambda p: p.order)
    ]
