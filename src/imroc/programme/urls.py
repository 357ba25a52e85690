from django.urls import path

from imroc.programme import views

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
    path("framework/", views.framework_index, name="framework"),
    path("framework/<uuid:version>/", views.framework_version, name="framework_version"),
    path("framework/<uuid:version>/publish/", views.framework_publish, name="framework_publish"),
]
