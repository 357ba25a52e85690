"""The key to the Making Data Count icons, drawn by imroc.core.charts."""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

from imroc.core import charts

register = template.Library()


@register.inclusion_tag("measures/_icon_key.html")
def icon_key():
    icons = {
        code: mark_safe(charts.variation_icon_svg(code, 28))  # noqa: S308 - our own escaped SVG  # nosec
        for code in ("common_cause", "improvement_high", "concern_high", "neutral_high")
    }
    icons |= {
        code: mark_safe(charts.assurance_icon_svg(code, 28))  # noqa: S308  # nosec
        for code in ("pass", "fail", "inconsistent", "none")
    }
    return {"key_icons": icons}
