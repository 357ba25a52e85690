from django.urls import path

from imroc.programme import views

app_name = "programme"

urlpatterns = [
    path("", views.programme_home, name="home"),
    path("applications/", views.applications, name="applications"),
    path("framework/", views.framework_index, name="framework"),
    path("framework/<uuid:version>/", views.framework_version, name="framework_version"),
    path("framework/<uuid:version>/publish/", views.framework_publish, name="framework_publish"),
]
