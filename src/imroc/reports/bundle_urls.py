"""The hub's offline site bundle pages, under /programme/bundles/."""

from django.urls import path

from imroc.reports.bundles import views

app_name = "bundles"

urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.upload, name="upload"),
    path("imports/<uuid:bundle_import>/", views.detail, name="detail"),
    path("keys/new/", views.register_key, name="register_key"),
    path("keys/<uuid:bundle_key>/revoke/", views.revoke_key, name="revoke_key"),
]
