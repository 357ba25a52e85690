"""Messages to learners: rendered from email templates, sent by Django's email framework, logged.

Each message is written in the language the learner was using when they enrolled
(``Learner.language``), or the site's default language if that is not known.

Learners may give a phone number instead of an email address. There is no text-message
channel yet, so those messages are logged as not sent and staff see that on the run page.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from imroc.college.models import College, Learner, MessageLog

log = logging.getLogger(__name__)


def send(
    college: College,
    learner: Learner,
    template: str,
    context: dict,
    *,
    dedupe_key: str | None = None,
) -> MessageLog | None:
    """Send one message and log it. With a dedupe key, a second call for the same key does nothing."""
    context = {"college": college, "learner": learner, **context}
    # In the language the learner enrolled in, whatever language the sender is using.
    with translation.override(learner.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"college/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"college/email/{template}.txt", context)
    try:
        with transaction.atomic():
            entry = MessageLog.objects.create(
                college=college,
                learner=learner,
                recipient=learner.contact,
                template=template,
                subject=subject[:200],
                status=MessageLog.Status.NO_EMAIL,
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        return None  # already sent for this key
    if not learner.contact_is_email:
        return entry
    try:
        EmailMessage(
            subject=subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[learner.contact],
        ).send()
    except Exception as error:
        log.warning("college message %s failed: %s", template, type(error).__name__)
        entry.status = MessageLog.Status.FAILED
        entry.error = type(error).__name__[:300]
    else:
        entry.status = MessageLog.Status.SENT
        entry.sent_at = timezone.now()
    entry.save(update_fields=["status", "error", "sent_at", "updated_at"])
    return entry
