"""Routes under /sites/<site>/exports/: whole-site export and FHIR bundle (site leads)."""

from django.urls import path

from imroc.reports.exports import views

app_name = "exports"

E = "<slug:site>/exports/"
urlpatterns = [
    path(E, views.exports_home, name="home"),
    path(E + "site.zip", views.site_zip, name="site_zip"),
    path(E + "questionnaire-responses.json", views.fhir_bundle, name="fhir_bundle"),
]
