"""Routes under /sites/<site>/. Every view here is wrapped in site_view."""

from django.urls import path

from imroc.programme import views

app_name = "sites"

urlpatterns = [
    path("", views.sites_index, name="index"),
    path("<slug:site>/", views.site_dashboard, name="dashboard"),
    path("<slug:site>/teams/new/", views.team_create, name="team_create"),
    path("<slug:site>/teams/<slug:team>/", views.team_detail, name="team"),
    path("<slug:site>/teams/<slug:team>/edit/", views.team_edit, name="team_edit"),
]
