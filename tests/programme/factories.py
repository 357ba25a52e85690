"""Factories for programme data. They write directly: they build fixtures, not user actions."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from imroc.programme.models import (
    Application,
    CategoryChange,
    LearningSet,
    Organisation,
    Programme,
    ProgrammeMembership,
    Resource,
    Site,
    SiteMembership,
    SupportEntry,
    Team,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person-{n}")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", "a-long-test-password")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("slug",)

    name = "Test programme"
    slug = "test-programme"
    start_date = dt.date(2011, 4, 1)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n} NHS Trust")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    org_type = Organisation.Type.NHS_TRUST
    country = "GB"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    slug = factory.SelfAttribute("organisation.slug")
    category = "demonstration"
    joined_on = dt.date(2011, 4, 1)

    @factory.post_generation
    def history(obj, create, extracted, **kwargs):
        if create:
            CategoryChange.objects.create(
                site=obj, category=obj.category, effective_from=obj.joined_on
            )


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")
    kind = Team.Kind.COMMUNITY


class SiteMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiteMembership

    user = factory.SubFactory(UserFactory)
    site = factory.SubFactory(SiteFactory)
    role = "member"


class ProgrammeMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeMembership

    user = factory.SubFactory(UserFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    role = "admin"


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    programme = factory.SubFactory(ProgrammeFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    submitted_on = dt.date(2011, 2, 1)
    contact_name = "Alex Contact"
    contact_email = "alex@example.org"
    motivation = "We want to support recovery."


class SupportEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportEntry

    kind = SupportEntry.Kind.VISIT
    happened_on = dt.date(2011, 7, 1)
    summary = "Visited the steering group."


class LearningSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningSet

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Learning set {n}")
    starts_at = dt.datetime(2011, 9, 1, 10, tzinfo=dt.UTC)
    ends_at = dt.datetime(2011, 9, 1, 16, tzinfo=dt.UTC)
    place = "Leeds"
    invited_categories = ["demonstration", "pilot", "network"]


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Resource {n}")
    kind = Resource.Kind.DOCUMENT
    visibility = Resource.Visibility.NETWORK
    file = factory.django.FileField(filename="guide.pdf", data=b"%PDF-1.4 test")
    file_name = "guide.pdf"
    content_type = "application/pdf"
    size = 13
