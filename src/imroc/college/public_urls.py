"""Public routes under /colleges/<site>/. Every view is marked public_view."""

from django.urls import path

from imroc.college import public_views as views

app_name = "colleges"

urlpatterns = [
    path("<slug:site>/", views.prospectus, name="prospectus"),
    path("<slug:site>/courses/<uuid:course>/", views.course, name="course"),
    path("<slug:site>/runs/<uuid:run>/enrol/", views.enrol, name="enrol"),
    path("<slug:site>/runs/<uuid:run>/enrolled/", views.enrolled, name="enrolled"),
    path("<slug:site>/places/<str:place_token>/", views.place, name="place"),
    path("<slug:site>/feedback/<str:feedback_token>/", views.feedback, name="feedback"),
    path("<slug:site>/my-data/", views.my_data_request, name="my_data_request"),
    path("<slug:site>/my-data/<str:data_token>/", views.my_data, name="my_data"),
    path(
        "<slug:site>/my-data/<str:data_token>/export.json",
        views.my_data_export,
        {"fmt": "json"},
        name="my_data_json",
    ),
    path(
        "<slug:site>/my-data/<str:data_token>/export.csv",
        views.my_data_export,
        {"fmt": "csv"},
        name="my_data_csv",
    ),
]
