"""Demo steps that apps contribute, run in order after the programme itself is built.

Each app registers a step in AppConfig.ready(); ``imroc demo`` runs them, so the demo
command never imports the apps above it. A step takes the programme, a seeded random
generator and the demo users by username.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DemoStep:
    key: str
    order: int
    build: Callable[[Any, Any, dict[str, Any]], None]


_STEPS: dict[str, DemoStep] = {}


def register(step: DemoStep) -> None:
    _STEPS[step.key] = step


def steps() -> list[DemoStep]:
    return sorted(_STEPS.values(), key=lambda s: s.order)
