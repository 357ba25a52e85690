"""Template helpers for reports: charts as images the PDF engine can draw."""

from __future__ import annotations

import base64

from django import template

from imroc.reports import board

register = template.Library()


@register.filter
def svg_data_uri(svg) -> str:
    """An SVG string as a data: URI for <img>.

    xhtml2pdf hands SVG images to svglib and draws the result as PDF vector graphics (no
    raster), so charts stay sharp in print and their labels are real, selectable text.
    """
    return "data:image/svg+xml;base64," + base64.b64encode(str(svg).encode()).decode("ascii")


@register.filter
def variation_words(code: str) -> str:
    return board.variation_words(code)


@register.filter
def assurance_words(code: str) -> str:
    return board.assurance_words(code)
