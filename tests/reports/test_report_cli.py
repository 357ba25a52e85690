"""imroc report: board and programme PDFs from the command line; bad input exits with 2."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader

from imroc.core.models import AuditEvent


def read_pdf(path) -> tuple[int, str]:
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


def test_board_report_to_a_file(tmp_path, site, framework):
    out = tmp_path / "board.pdf"
    stdout = io.StringIO()
    call_command(
        "report", "board", site.slug, "--from", "2012-01-01", "--to", "2012-12-31",
        "--out", str(out), stdout=stdout,
    )  # fmt: skip
    pages, text = read_pdf(out)
    assert pages >= 1
    assert site.name in text and "1 January 2012 to 31 December 2012" in text
    assert "Page 1 of" in text
    assert "Wrote the board report of" in stdout.getvalue()
    event = AuditEvent.objects.get(action="reports.board_downloaded")
    assert event.actor_label == "system:report-command"
    assert event.after["via"] == "cli"
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind


def test_board_report_defaults_to_the_last_twelve_months(tmp_path, site, framework):
    out = tmp_path / "board.pdf"
    call_command("report", "board", site.slug, "--out", str(out), stdout=io.StringIO())
    assert site.name in read_pdf(out)[1]


def test_programme_report_to_a_file(tmp_path, site, other_site, framework):
    out = tmp_path / "network.pdf"
    call_command("report", "programme", "--out", str(out), stdout=io.StringIO())
    _, text = read_pdf(out)
    assert site.name in text and other_site.name in text
    assert AuditEvent.objects.filter(action="reports.programme_downloaded").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["board", "no-such-site"], "There is no site 'no-such-site'"),
        (["board", "ashdown", "--from", "2012-02-30"], "--from: Enter a real date"),
        (["board", "ashdown", "--from", "2013-01-01", "--to", "2012-01-01"],
         "--to: The end date must be the same as or after the start date."),
        (["programme", "--programme", "nope"], "There is no programme 'nope'"),
    ],
)  # fmt: skip
def test_bad_input_is_a_message_and_exit_code_2(tmp_path, site, args, message):
    out = tmp_path / "x.pdf"
    with pytest.raises(CommandError) as error:
        call_command("report", *args, "--out", str(out), stdout=io.StringIO())
    assert error.value.returncode == 2
    assert message in str(error.value)
    assert not out.exists()
    assert not AuditEvent.objects.filter(action__startswith="reports.").exists()


def test_a_folder_that_does_not_exist_is_refused(tmp_path, site):
    with pytest.raises(CommandError) as error:
        call_command("report", "board", site.slug, "--out", str(tmp_path / "no" / "x.pdf"))
    assert error.value.returncode == 2
    assert "does not exist" in str(error.value)


def test_board_report_in_welsh(tmp_path, site, framework):
    out = tmp_path / "board.pdf"
    stdout = io.StringIO()
    call_command(
        "report", "board", site.slug, "--from", "2012-01-01", "--to", "2012-12-31",
        "--language", "cy", "--out", str(out), stdout=stdout,
    )  # fmt: skip
    _, text = read_pdf(out)
    assert "1 Ionawr 2012" in text and "31 Rhagfyr 2012" in text  # Welsh month names
    assert "Wrote the board report of" in stdout.getvalue()  # the command itself stays English
    assert "1 January 2012 to 31 December 2012" in stdout.getvalue()


def test_programme_report_in_welsh_and_a_language_that_is_not_offered(tmp_path, site, framework):
    out = tmp_path / "network.pdf"
    call_command("report", "programme", "--language", "cy", "--out", str(out), stdout=io.StringIO())
    assert site.name in read_pdf(out)[1]
    with pytest.raises(CommandError):
        call_command("report", "programme", "--language", "xx", "--out", str(out))
