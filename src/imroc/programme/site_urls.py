"""Routes under /sites/<site>/. Every view here is wrapped in site_view."""

from django.urls import path

from imroc.programme import views
from imroc.programme.views import history, people

app_name = "sites"

urlpatterns = [
    path("", views.sites_index, name="index"),
    path("<slug:site>/", views.site_dashboard, name="dashboard"),
    path("<slug:site>/teams/new/", views.team_create, name="team_create"),
    path("<slug:site>/teams/<slug:team>/", views.team_detail, name="team"),
    path("<slug:site>/teams/<slug:team>/edit/", views.team_edit, name="team_edit"),
    path("<slug:site>/learning-sets/", views.site_learning_sets, name="learning_sets"),
    path(
        "<slug:site>/learning-sets/<uuid:learning_set>/",
        views.site_learning_set,
        name="learning_set",
    ),
    path("<slug:site>/history/", history.site_history, name="history"),
    path(
        "<slug:site>/history/<str:object_type>/<str:object_id>/",
        history.object_history,
        name="object_history",
    ),
    path("<slug:site>/people/", people.site_people, name="people"),
    path("<slug:site>/people/invite/", people.site_person_invite, name="people_invite"),
    path("<slug:site>/people/upload/", people.site_people_upload, name="people_upload"),
    path("<slug:site>/people/leave/", people.site_leave, name="people_leave"),
    path(
        "<slug:site>/people/<uuid:person>/change/",
        people.site_person_change,
        name="person_change",
    ),
    path("<slug:site>/people/<uuid:person>/end/", people.site_person_end, name="person_end"),
    path(
        "<slug:site>/people/invitations/<uuid:invitation>/resend/",
        people.site_invitation_resend,
        name="invitation_resend",
    ),
    path(
        "<slug:site>/people/invitations/<uuid:invitation>/withdraw/",
        people.site_invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("<slug:site>/library/", views.site_library, name="library"),
    path("<slug:site>/library/new/", views.site_library_new, name="library_new"),
    path(
        "<slug:site>/library/<uuid:resource>/file/", views.site_resource_file, name="resource_file"
    ),
]
