"""Public routes under /r/: one-time questionnaire links and kiosks. Marked public_view."""

from django.urls import path

from imroc.surveys import respond_views as views

app_name = "respond"

urlpatterns = [
    path("kiosk/<str:kiosk_token>/", views.kiosk, name="kiosk"),
    path("<str:link_token>/", views.respond, name="link"),
]
