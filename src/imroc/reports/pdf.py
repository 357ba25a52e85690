"""HTML to PDF with xhtml2pdf: pure Python (ReportLab, svglib), installed from PyPI alone.

Charts are SVG images. xhtml2pdf hands each one to svglib and draws the result as PDF vector
graphics (no raster, so print is sharp and chart labels are selectable text). It converts
each image once to size it and again every time it draws it (twice, because "Page N of M"
needs two layout passes), so ``_install_svg_cache`` remembers conversions by content.

Text, chart labels included, is set in Source Sans Pro, embedded; see ``pdf_fonts``.
"""

from __future__ import annotations

import copy
import hashlib
import io
import logging
import threading
from collections import OrderedDict

from django.template.loader import render_to_string
from xhtml2pdf import pisa
from xhtml2pdf import xhtml2pdf_reportlab as engine

from imroc.reports import pdf_fonts

SVG_CACHE_SIZE = 512
_svg_cache: OrderedDict[bytes, object] = OrderedDict()
_svg_lock = threading.Lock()


class PdfError(RuntimeError):
    """The PDF engine could not lay out the report."""


def _install_svg_cache() -> None:
    """Wrap the engine's svg2rlg with a bounded cache keyed by the SVG's bytes.

    A caller gets a shallow copy: xhtml2pdf only re-scales the drawing it is given, which
    replaces the copy's own transform and leaves the cached drawing's shapes untouched.
    svglib is given the reports' font map, so chart labels are in the reports' typeface.
    """
    original = getattr(engine, "svg2rlg", None)
    if original is None or getattr(original, "imroc_cached", False):
        return
    cache, lock = _svg_cache, _svg_lock

    def svg2rlg(source, **kwargs):
        data = source.getvalue() if hasattr(source, "getvalue") else source.read()
        key = hashlib.sha256(data + repr(sorted(kwargs.items())).encode()).digest()
        with lock:
            drawing = cache.get(key)
            if drawing is not None:
                cache.move_to_end(key)
        if drawing is None:
            drawing = original(io.BytesIO(data), **{"font_map": pdf_fonts.SVG_FONT_MAP, **kwargs})
            if drawing is None:
                return None
            with lock:
                cache[key] = drawing
                while len(cache) > SVG_CACHE_SIZE:
                    cache.popitem(last=False)
        return copy.copy(drawing)

    svg2rlg.imroc_cached = True
    engine.svg2rlg = svg2rlg


pdf_fonts.register()
_install_svg_cache()


def clear_svg_cache() -> None:
    """Forget every converted SVG (for benchmarks that must measure a cold start)."""
    with _svg_lock:
        _svg_cache.clear()


def html_to_pdf(html: str) -> bytes:
    out = io.BytesIO()
    # xhtml2pdf logs every CSS property it does not know at WARNING; they are expected here.
    quiet = logging.getLogger("xhtml2pdf")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        result = pisa.CreatePDF(html, dest=out, encoding="utf-8")
    finally:
        quiet.setLevel(level)
    if result.err:
        raise PdfError(f"The PDF could not be made ({result.err} problem(s) in the layout).")
    return out.getvalue()


def render_pdf(template_name: str, context: dict, request=None) -> bytes:
    return html_to_pdf(render_to_string(template_name, context, request=request))
