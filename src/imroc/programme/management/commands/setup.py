"""imroc setup --programme NAME --admin-email EMAIL: a new installation's programme and first admin."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from imroc.core.audit import SystemActor
from imroc.core.services import ServiceError
from imroc.programme.services import people


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--start-date must be a date like 2027-04-01, not {value!r}.", returncode=2
        ) from None


class Command(BaseCommand):
    help = (
        "Set up a new installation: make the programme (if there is none yet) and invite its "
        "first programme admin. Running it again changes nothing and says what exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--programme", required=True, help="the programme's name")
        parser.add_argument(
            "--admin-email", required=True, help="the email address of the first programme admin"
        )
        parser.add_argument("--admin-name", default="", help="the first admin's name")
        parser.add_argument(
            "--start-date", help="the day the programme started, like 2027-04-01 (default today)"
        )
        parser.add_argument(
            "--base-url",
            default=getattr(settings, "IMROC_BASE_URL", "http://127.0.0.1:8000"),
            help="the address people open imroc at, for the invitation link",
        )
        parser.add_argument(
            "--send-again",
            action="store_true",
            help="give a waiting invitation a new link and send it again",
        )

    def handle(
        self, *args, programme, admin_email, admin_name, start_date, base_url, send_again, **options
    ):
        try:
            result = people.set_up_installation(
                programme_name=programme,
                admin_email=admin_email,
                admin_name=admin_name,
                start_date=_date(start_date) if start_date else None,
                actor=SystemActor("setup"),
                base_url=base_url,
                send_again=send_again,
            )
        except ServiceError as error:
            raise CommandError(str(error), returncode=2) from None
        if result.created_programme:
            self.stdout.write(f"Made the programme {result.programme.name}.")
        for note in result.notes:
            self.stdout.write(str(note))
        if result.sent is not None:
            invitation = result.sent.invitation
            emailed = (
                "The invitation was emailed."
                if result.sent.emailed
                else "The email could not be sent (is email set up?)."
            )
            self.stdout.write(
                f"Invited {invitation.email} to be the programme admin. {emailed} You can also "
                f"give them this link; it works once, until {invitation.expires_at:%d %B %Y}:"
            )
            self.stdout.write(f"  {result.sent.link}")
