"""Staff routes under /sites/<site>/surveys/. Every view is wrapped in site_view."""

from django.urls import path

from imroc.surveys import views

app_name = "surveys"

S = "<slug:site>/surveys/"
I = S + "<uuid:instrument>/"  # noqa: E741
urlpatterns = [
    path(S, views.home, name="home"),
    path(S + "import/", views.import_instrument, name="import"),
    path(I, views.instrument_detail, name="instrument"),
    path(
        I + "versions/<uuid:instrument_version>/questionnaire.json",
        views.version_fhir,
        name="version_fhir",
    ),
    path(I + "paper/", views.paper_entry, name="paper"),
    path(I + "links/new/", views.link_create, name="link_create"),
    path(I + "links/<uuid:link>/", views.link_detail, name="link"),
    path(I + "kiosks/new/", views.kiosk_open, name="kiosk_open"),
    path(I + "kiosks/<uuid:kiosk>/close/", views.kiosk_close, name="kiosk_close"),
    path(I + "results/", views.results_page, name="results"),
    path(I + "results/measure/", views.score_measure, name="score_measure"),
    path(I + "responses.json", views.responses_fhir, name="responses_fhir"),
]
