"""Names, codes and numbers shared by every SPC chart in ``imroc.spc``."""

from __future__ import annotations

from typing import Final

# Limits: the literal MDC constants, not 3/d2 (NHSRplotthedots uses 2.66 and 3.267).
LIMIT_FACTOR: Final = 2.66
NEAR_LIMIT_FACTOR: Final = LIMIT_FACTOR * 2.0 / 3.0
MR_SCREEN_FACTOR: Final = 3.267
D2: Final = 1.128
MIN_POINTS_FOR_LIMITS: Final = 13
MIN_FIX_AFTER: Final = 12
SHIFT_RUN: Final = 7
TREND_RUN: Final = 7

# Improvement directions.
INCREASE: Final = "increase"
DECREASE: Final = "decrease"
NEUTRAL: Final = "neutral"
IMPROVEMENTS: Final = (INCREASE, DECREASE, NEUTRAL)

# Point types.
COMMON_CAUSE: Final = "common_cause"
SPECIAL_CAUSE_IMPROVEMENT: Final = "special_cause_improvement"
SPECIAL_CAUSE_CONCERN: Final = "special_cause_concern"
SPECIAL_CAUSE_NEUTRAL: Final = "special_cause_neutral"
POINT_TYPES: Final = (
    COMMON_CAUSE,
    SPECIAL_CAUSE_IMPROVEMENT,
    SPECIAL_CAUSE_CONCERN,
    SPECIAL_CAUSE_NEUTRAL,
)

# Special-cause rules, in order of precedence (index + 1 is the internal code).
ASTRONOMICAL: Final = "astronomical"
TREND: Final = "trend"
TWO_IN_THREE: Final = "two_in_three"
SHIFT: Final = "shift"
RULES: Final = (ASTRONOMICAL, TREND, TWO_IN_THREE, SHIFT)

# Sides of a special-cause point.
HIGH: Final = "high"
LOW: Final = "low"

# Variation icons.
VARIATION_COMMON_CAUSE: Final = "common_cause"
VARIATION_IMPROVEMENT_HIGH: Final = "improvement_high"
VARIATION_IMPROVEMENT_LOW: Final = "improvement_low"
VARIATION_CONCERN_HIGH: Final = "concern_high"
VARIATION_CONCERN_LOW: Final = "concern_low"
VARIATION_NEUTRAL_HIGH: Final = "neutral_high"
VARIATION_NEUTRAL_LOW: Final = "neutral_low"
ICON_NONE: Final = "none"
VARIATIONS: Final = (
    ICON_NONE,
    VARIATION_COMMON_CAUSE,
    VARIATION_IMPROVEMENT_HIGH,
    VARIATION_IMPROVEMENT_LOW,
    VARIATION_CONCERN_HIGH,
    VARIATION_CONCERN_LOW,
    VARIATION_NEUTRAL_HIGH,
    VARIATION_NEUTRAL_LOW,
)

# Assurance icons.
ASSURANCE_PASS: Final = "pass"  # noqa: S105 - an icon name, not a secret
ASSURANCE_FAIL: Final = "fail"
ASSURANCE_INCONSISTENT: Final = "inconsistent"
ASSURANCES: Final = (ICON_NONE, ASSURANCE_PASS, ASSURANCE_FAIL, ASSURANCE_INCONSISTENT)

# MDC colours.
COLOUR_IMPROVEMENT: Final = "#00b0f0"
COLOUR_CONCERN: Final = "#e46c0a"
COLOUR_NEUTRAL: Final = "#490092"
COLOUR_COMMON_CAUSE: Final = "#a6a6a6"
POINT_TYPE_COLOURS: Final = {
    COMMON_CAUSE: COLOUR_COMMON_CAUSE,
    SPECIAL_CAUSE_IMPROVEMENT: COLOUR_IMPROVEMENT,
    SPECIAL_CAUSE_CONCERN: COLOUR_CONCERN,
    SPECIAL_CAUSE_NEUTRAL: COLOUR_NEUTRAL,
}
