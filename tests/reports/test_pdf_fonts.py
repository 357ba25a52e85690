"""PDF reports embed Source Sans Pro, so Welsh letters (ŵ ŷ ẁ ...) print, chart labels too.

With ReportLab's built-in Helvetica a Welsh report printed "gr■p" for "grŵp". The text is
read back with pdftotext, as a reader's PDF viewer would; where pdftotext is missing those
checks are skipped, unless IMROC_REQUIRE_BROWSER=1 (CI sets it), in which case they fail.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from imroc.reports import pdf, pdf_fonts
from imroc.reports.templatetags.report_tags import svg_data_uri
from tests.programme.factories import SiteFactory

WELSH = "ŵŷŴŶẁẃẅỳ"
SITE_NAME = "Ymddiriedolaeth GIG Tŷ Gŵyr"


def pdftotext(data: bytes) -> str:
    if shutil.which("pdftotext") is None:
        message = "pdftotext (poppler-utils) is not installed"
        if os.environ.get("IMROC_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


def fonts_of_text(data: bytes) -> dict[str, set[str]]:
    """The font each piece of text is drawn in: base font name -> the characters it drew."""
    drawn: dict[str, set[str]] = {}

    def visit(text, _cm, _tm, font, _size):
        if font and text.strip():
            name = str(font["/BaseFont"]).split("+")[-1].lstrip("/")
            drawn.setdefault(name, set()).update(text.strip())

    for page in PdfReader(io.BytesIO(data)).pages:
        page.extract_text(visitor_text=visit)
    return drawn


def embedded_fonts(data: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                names.add(str(font["/BaseFont"]).split("+")[-1])
    return names


def assert_in_source_sans(data: bytes) -> None:
    drawn = fonts_of_text(data)
    # xhtml2pdf draws list bullets with the Symbol font; every letter is Source Sans Pro.
    others = {name: chars for name, chars in drawn.items() if not name.startswith("SourceSansPro")}
    assert set(others) <= {"Symbol"} and set().union(*others.values()) <= {"•"}, others
    assert {"SourceSansPro-Regular", "SourceSansPro-Bold"} <= embedded_fonts(data)


def test_welsh_board_report_prints_welsh_letters(tmp_path, framework):
    site = SiteFactory(slug="ty-gwyr", organisation__name=SITE_NAME)
    out = tmp_path / "board.pdf"
    call_command(
        "report", "board", site.slug, "--from", "2012-01-01", "--to", "2012-12-31",
        "--language", "cy", "--out", str(out), stdout=io.StringIO(),
    )  # fmt: skip
    data = out.read_bytes()
    assert_in_source_sans(data)
    drawn = fonts_of_text(data)
    assert {"ŵ", "ŷ"} <= drawn["SourceSansPro-Bold"]  # the heading
    assert {"ŵ", "ŷ"} <= drawn["SourceSansPro-Regular"]  # the footer
    text = pdftotext(data)
    assert f"Adroddiad bwrdd: {SITE_NAME}" in text
    assert "Tudalen 1 o" in text  # the footer, in Welsh
    assert "■" not in text


def test_welsh_network_report_prints_welsh_letters(tmp_path, framework):
    SiteFactory(slug="ty-gwyr", organisation__name=SITE_NAME)
    out = tmp_path / "network.pdf"
    call_command("report", "programme", "--language", "cy", "--out", str(out), stdout=io.StringIO())
    data = out.read_bytes()
    assert_in_source_sans(data)
    text = pdftotext(data)
    assert SITE_NAME in text and "■" not in text


@pytest.mark.parametrize("weight", ["normal", "700"])
def test_chart_labels_print_welsh_letters(weight):
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 60" width="300" height="60">'
        f'<text x="10" y="20" font-size="12" font-weight="{weight}">Grŵp {WELSH}</text>'
        f'<text x="10" y="45" font-size="12" font-family="Arial, sans-serif">Tŷ</text></svg>'
    )
    pdf.clear_svg_cache()
    data = pdf.html_to_pdf(
        '<html><head><meta charset="utf-8"><style>body { font-family: SourceSansPro; }</style>'
        f'</head><body><p>Siart</p><img src="{svg_data_uri(svg)}" width="300" height="60"></body>'
        "</html>"
    )
    drawn = fonts_of_text(data)
    face = "SourceSansPro-Bold" if weight == "700" else "SourceSansPro-Regular"
    assert set(WELSH) <= drawn[face]
    assert "ŷ" in drawn["SourceSansPro-Regular"]
    assert set(drawn) <= {"SourceSansPro-Regular", "SourceSansPro-Bold"}
    text = pdftotext(data)
    assert f"Grŵp {WELSH}" in text and "Tŷ" in text


def test_fonts_are_registered_once():
    pdf_fonts.register()  # a second call changes nothing
    from reportlab.lib.fonts import tt2ps
    from xhtml2pdf.default import DEFAULT_FONT

    assert DEFAULT_FONT["sourcesanspro"] == "SourceSansPro"
    assert tt2ps("SourceSansPro", 1, 1) == "SourceSansPro-BoldItalic"
