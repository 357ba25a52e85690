"""Factories for college data. They write directly: they build fixtures, not user actions."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from imroc.college.models import (
    College,
    Course,
    CourseRun,
    Enrolment,
    FeedbackInvite,
    Learner,
    Session,
    Term,
    Trainer,
)


class CollegeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = College

    name = factory.LazyAttribute(lambda o: f"{o.site.organisation.name} Recovery College")
    publish_prospectus = True
    how_to_contact = "Call the college office on 01234 567890"


class TrainerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trainer

    name = factory.Sequence(lambda n: f"Trainer {n}")
    kind = Trainer.Kind.PEER
    lived_experience = factory.LazyAttribute(lambda o: o.kind == Trainer.Kind.PEER)
    training_status = Trainer.Training.TRAINED


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Understanding recovery {n}")
    description = "What recovery means, and how people find their own way."
    learning_outcomes = "Know what recovery means\nMeet others on the same journey"
    chime = factory.LazyFunction(lambda: ["hope"])
    length = "4 sessions of 2 hours"
    status = Course.Status.PUBLISHED


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    name = factory.Sequence(lambda n: f"Term {n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=80))


class RunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseRun

    capacity = 12


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    place = "Room 2, The Hub, 1 High Street"


class LearnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Learner

    name = factory.Sequence(lambda n: f"Learner Person {n}")
    contact = factory.Sequence(lambda n: f"learner{n}@example.org")
    contact_key = factory.LazyAttribute(lambda o: o.contact.lower())
    group = Learner.Group.SERVICE_USER
    consent_at = factory.LazyFunction(timezone.now)
    last_active_at = factory.LazyFunction(timezone.now)


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    status = Enrolment.Status.ENROLLED
    group = factory.LazyAttribute(lambda o: o.learner.group)


class FeedbackInviteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedbackInvite


def build_college(site, *, capacity=12, sessions=2, peer=True):
    """A published college with a trainer pair, a course, an open run and its sessions."""
    college = CollegeFactory(site=site)
    peer_trainer = TrainerFactory(college=college, name="Pat Peer") if peer else None
    practitioner = TrainerFactory(
        college=college, name="Rowan Practitioner", kind=Trainer.Kind.PRACTITIONER
    )
    course = CourseFactory(college=college, title="Understanding recovery")
    term = TermFactory(college=college, name="Autumn term")
    run = RunFactory(
        course=course, term=term, capacity=capacity, peer_trainer=peer_trainer,
        practitioner_trainer=practitioner,
    )  # fmt: skip
    for i in range(sessions):
        SessionFactory(run=run, starts_at=timezone.now() + dt.timedelta(days=7 * (i + 1)))
    return college, course, run
