"""The programme's network report: /programme/reports/."""

from django.urls import path

from imroc.reports import views

app_name = "programme_reports"

urlpatterns = [
    path("network.html", views.network_html, name="network"),
    path("network.pdf", views.network_pdf, name="network_pdf"),
]
