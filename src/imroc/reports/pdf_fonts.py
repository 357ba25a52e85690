"""The typeface of the PDF reports: Source Sans Pro, embedded in every PDF.

ReportLab's built-in Helvetica has no glyphs for the Welsh letters ŵ ŷ Ŵ Ŷ ẁ ẃ ẅ ỳ, so a Welsh
report printed "gr■p" for "grŵp". Source Sans Pro (SIL Open Font License 1.1) has them, and
comes from PyPI in the package font-source-sans-pro, so nothing is fetched at run time.

``register()`` runs once per process (``imroc.reports.pdf`` calls it on import):

* ReportLab gets the four faces and the family that picks among them for bold and italic;
* xhtml2pdf learns the family name, so ``font-family: SourceSansPro`` in _pdf_style.html finds
  it (xhtml2pdf copies ``DEFAULT_FONT`` into each document; a @font-face would read and parse
  the files again for every PDF, from a folder outside the document's, which xhtml2pdf's
  resource policy refuses by default);
* ``SVG_FONT_MAP`` is handed to svglib for the charts, so every chart label is drawn in the
  same family whatever font-family the SVG names (the charts name none, or "Arial,
  sans-serif", which the web page shows in its own font).
"""

from __future__ import annotations

import importlib.resources
import threading

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from svglib.fonts import FontMap
from xhtml2pdf import default as xhtml2pdf_default

FAMILY = "SourceSansPro"
# (bold, italic): the ReportLab name of the face, and its file in font_source_sans_pro/files.
FACES = {
    (False, False): ("SourceSansPro", "SourceSansPro-Regular.ttf"),
    (True, False): ("SourceSansPro-Bold", "SourceSansPro-Bold.ttf"),
    (False, True): ("SourceSansPro-Italic", "SourceSansPro-It.ttf"),
    (True, True): ("SourceSansPro-BoldItalic", "SourceSansPro-BoldIt.ttf"),
}
BOLD_WEIGHTS = frozenset({"bold", "bolder", "600", "700", "800", "900"})

_lock = threading.Lock()
_registered = False


class _ReportFontMap(FontMap):
    """svglib's font map for the report charts: every family is Source Sans Pro."""

    def find_font(self, font_name, weight="normal", *args, **kwargs):
        # svglib passes (name, weight, style), positionally or by name.
        slant = kwargs.get("style", args[0] if args else "normal")
        bold = str(weight).strip().lower() in BOLD_WEIGHTS
        italic = str(slant).strip().lower() in {"italic", "oblique"}
        return FACES[(bold, italic)][0], True


SVG_FONT_MAP = _ReportFontMap()


def register() -> None:
    """Register the faces with ReportLab and the family with xhtml2pdf; safe to call again."""
    global _registered
    with _lock:
        if _registered:
            return
        folder = importlib.resources.files("font_source_sans_pro") / "files"
        for name, filename in FACES.values():
            with importlib.resources.as_file(folder / filename) as path:
                # TTFont reads the whole file here; the path need not outlive the block.
                pdfmetrics.registerFont(TTFont(name, str(path)))
        pdfmetrics.registerFontFamily(
            FAMILY,
            normal=FACES[(False, False)][0],
            bold=FACES[(True, False)][0],
            italic=FACES[(False, True)][0],
            boldItalic=FACES[(True, True)][0],
        )
        xhtml2pdf_default.DEFAULT_FONT[FAMILY.lower()] = FAMILY
        _registered = True
