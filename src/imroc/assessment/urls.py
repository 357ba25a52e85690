from django.urls import path

from imroc.assessment import views

app_name = "assessment"

urlpatterns = [
    path("<slug:site>/assessments/", views.round_list, name="rounds"),
    path("<slug:site>/assessments/new/", views.round_start, name="round_start"),
    path("<slug:site>/assessments/<uuid:round>/", views.round_detail, name="round"),
    path("<slug:site>/assessments/<uuid:round>/rate/", views.round_rate, name="round_rate"),
    path(
        "<slug:site>/assessments/<uuid:round>/consensus/",
        views.round_consensus,
        name="round_consensus",
    ),
    path(
        "<slug:site>/assessments/<uuid:round>/attendance/",
        views.round_attendance,
        name="round_attendance",
    ),
    path("<slug:site>/assessments/<uuid:round>/close/", views.round_close, name="round_close"),
    path("<slug:site>/teams/<slug:team>/resources/", views.trip_resources, name="trip_resources"),
    path("<slug:site>/teams/<slug:team>/benchmark/", views.trip_benchmark, name="trip_benchmark"),
    path(
        "<slug:site>/teams/<slug:team>/priorities/", views.trip_priorities, name="trip_priorities"
    ),
    path("<slug:site>/teams/<slug:team>/review/", views.trip_review, name="trip_review"),
]
