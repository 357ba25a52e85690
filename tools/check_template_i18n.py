#!/usr/bin/env python3
"""List text in templates that a translator cannot reach.

Usage: .venv/bin/python tools/check_template_i18n.py [PATH ...]

Every word a person reads must sit inside ``{% translate %}`` or ``{% blocktranslate %}``, or
come from a variable. This reads each template (``*.html`` and ``*.txt`` under a
``templates`` folder; by default the whole package), blanks out template tags, variables and
translated text, then looks at what is left: text between HTML tags and the attributes people
read or hear (``alt``, ``title``, ``aria-label``, ``placeholder``, ``value`` of a button).
Any word left there is reported as ``file:line: text`` and the exit status is 1.

Left alone on purpose:
- the help guides under ``core/help/<language>/``, which are written whole in each language;
- a few names and abbreviations that read the same in every language (``ALLOWED``);
- a line that ends with the comment ``{# i18n: same in every language #}``.
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "imroc"
SKIP_DIRS = ("core/templates/core/help/en/", "core/templates/core/help/cy/")
ALLOWED = {
    "imroc", "ImROC", "CSV", "XLSX", "PDF", "FHIR", "API", "JSON", "ZIP", "SVG", "NHS",
    "TOTP", "SPDX", "HTML", "Excel", "Cymraeg", "English", "ORCID", "URL", "ID", "CHIME",
}  # fmt: skip
OPT_OUT = "{# i18n: same in every language #}"
WORD = re.compile(r"[^\W\d_]{2,}")
HOLE = "\x00"  # stands for anything the template fills in
READ_ATTRS = {
    "alt",
    "title",
    "aria-label",
    "placeholder",
    "aria-description",
    "aria-roledescription",
}
BLOCK_START = {"blocktranslate", "blocktrans", "comment"}
BLOCK_END = {"endblocktranslate", "endblocktrans", "endcomment"}


def _holes(text: str) -> str:
    """Keep a token's line breaks, so line numbers still match the file."""
    return HOLE + "\n" * text.count("\n")


def blank_out(source: str) -> str:
    """The template with every tag, variable and translated message replaced by a hole."""
    out: list[str] = []
    depth = 0
    for token in Lexer(source).tokenize():
        raw = token.token_type
        if raw == TokenType.BLOCK:
            name = token.contents.split(" ", 1)[0] if token.contents else ""
            if name in BLOCK_START:
                depth += 1
            elif name in BLOCK_END:
                depth -= 1
            out.append(_holes(token.contents))
        elif raw == TokenType.TEXT and depth == 0:
            out.append(token.contents)
        else:
            out.append(_holes(token.contents))
    return "".join(out)


def words(text: str) -> list[str]:
    text = re.sub(r"&[#\w]+;", " ", text)
    return [w for w in WORD.findall(text) if w not in ALLOWED]


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.found: list[tuple[int, str]] = []
        self._raw = 0  # inside <script> or <style>

    def _report(self, text: str) -> None:
        if words(text):
            self.found.append((self.getpos()[0], " ".join(text.replace(HOLE, "…").split())))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._raw += 1
        values = dict(attrs)
        for name, value in attrs:
            if value and (
                name in READ_ATTRS
                or (name == "value" and values.get("type") in ("submit", "button", "reset"))
            ):
                self._report(value)

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._raw:
            self._raw -= 1

    def handle_data(self, data: str) -> None:
        if not self._raw:
            self._report(data)


def problems(path: Path) -> list[tuple[int, str]]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    blanked = blank_out(source)
    if path.suffix == ".txt":
        found = [
            (number, line.strip().replace(HOLE, "…"))
            for number, line in enumerate(blanked.splitlines(), start=1)
            if words(line)
        ]
    else:
        reader = _Reader()
        reader.feed(blanked)
        reader.close()
        found = reader.found
    return [(n, text) for n, text in found if not (n <= len(lines) and OPT_OUT in lines[n - 1])]


def templates(paths: list[str]) -> list[Path]:
    roots = [Path(p).resolve() for p in paths] or [PACKAGE]
    found = []
    for root in roots:
        candidates = [root] if root.is_file() else sorted(root.rglob("*"))
        for path in candidates:
            relative = path.relative_to(PACKAGE).as_posix() if path.is_relative_to(PACKAGE) else ""
            if (
                path.suffix in (".html", ".txt")
                and "templates" in path.parts
                and not any(part in relative for part in SKIP_DIRS)
            ):
                found.append(path)
    return found


def main(argv: list[str]) -> int:
    count = 0
    for path in templates(argv):
        for number, text in problems(path):
            count += 1
            print(f"{path.relative_to(ROOT)}:{number}: {text}")
    if count:
        print(
            f"\n{count} piece(s) of text cannot be translated. Wrap each in "
            "{% translate %} or {% blocktranslate %} (docs/i18n.md).",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
