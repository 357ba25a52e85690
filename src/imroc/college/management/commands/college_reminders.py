"""imroc college_reminders: remind learners of sessions in the next 48 hours; invite feedback.

Safe to run as often as you like (for example hourly from cron): each reminder and each
questionnaire link is sent once, ever.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from imroc.college import services


class Command(BaseCommand):
    help = (
        "Send session reminders (next 48 hours) and end-of-course questionnaire links, once each."
    )

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=48, help="how far ahead to remind")
        parser.add_argument(
            "--base-url",
            default=getattr(settings, "IMROC_BASE_URL", "http://127.0.0.1:8000"),
            help="the address learners use to reach imroc, for links in messages",
        )

    def handle(self, *args, hours, base_url, **options):
        reminders = services.send_reminders(hours=hours, base_url=base_url)
        invites = services.send_due_feedback_invites(base_url=base_url)
        self.stdout.write(f"Sent {reminders} reminder(s) and {invites} questionnaire link(s).")
