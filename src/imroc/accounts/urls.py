from django.urls import path

from imroc.accounts import views
from imroc.core.access import public_view

app_name = "accounts"

urlpatterns = [
    path("login/", public_view(views.SignInView.as_view()), name="login"),
    path("logout/", public_view(views.sign_out), name="logout"),
    path("invitation/<str:token>/", public_view(views.accept_invitation), name="invitation"),
]
