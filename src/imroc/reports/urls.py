"""Routes: filled in by the work on issues 10 and 11."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
