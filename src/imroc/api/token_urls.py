"""/accounts/tokens/: personal API tokens."""

from django.urls import path

from imroc.api import views

app_name = "api_tokens"

urlpatterns = [
    path("", views.token_list, name="list"),
    path("new/", views.token_create, name="create"),
    path("revoke/", views.token_revoke, name="revoke"),
]
