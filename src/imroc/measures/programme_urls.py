"""Routes under /programme/measures/: measures every site reports in the same way."""

from django.urls import path

from imroc.measures import views

app_name = "programme_measures"

urlpatterns = [
    path("", views.programme_measures, name="list"),
    path("new/", views.programme_measure_create, name="create"),
    path("<uuid:shared>/edit/", views.programme_measure_edit, name="edit"),
]
