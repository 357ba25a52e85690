from django.urls import path

from imroc.programme import views
from imroc.programme.views import people, security

app_name = "programme"

urlpatterns = [
    path("", views.programme_home, name="home"),
    path("applications/", views.applications, name="applications"),
    path("applications/new/", views.application_new, name="application_new"),
    path("applications/<uuid:application>/", views.application_detail, name="application"),
    path("sites/<slug:site>/", views.site_admin, name="site"),
    path(
        "sites/<slug:site>/support/<uuid:entry>/followed-up/",
        views.support_followed_up,
        name="support_followed_up",
    ),
    path("learning-sets/", views.learning_sets, name="learning_sets"),
    path("learning-sets/new/", views.learning_set_new, name="learning_set_new"),
    path("learning-sets/<uuid:learning_set>/", views.learning_set_detail, name="learning_set"),
    path("library/", views.library, name="library"),
    path("library/new/", views.library_new, name="library_new"),
    path("library/<uuid:resource>/file/", views.resource_file, name="resource_file"),
    path("people/", people.programme_people, name="people"),
    path("people/invite/", people.programme_person_invite, name="people_invite"),
    path("people/site-lead/", people.programme_site_lead_invite, name="site_lead_invite"),
    path("people/<uuid:person>/change/", people.programme_person_change, name="person_change"),
    path("people/<uuid:person>/end/", people.programme_person_end, name="person_end"),
    path(
        "people/invitations/<uuid:invitation>/resend/",
        people.programme_invitation_resend,
        name="invitation_resend",
    ),
    path(
        "people/invitations/<uuid:invitation>/withdraw/",
        people.programme_invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("framework/", views.framework_index, name="framework"),
    path("framework/<uuid:version>/", views.framework_version, name="framework_version"),
    path("framework/<uuid:version>/publish/", views.framework_publish, name="framework_publish"),
    path("security/", security.security_page, name="security"),
]
