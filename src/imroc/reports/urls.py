"""Board reports of one site: /sites/<site>/reports/."""

from django.urls import path

from imroc.reports import views

app_name = "reports"

urlpatterns = [
    path("<slug:site>/reports/", views.index, name="index"),
    path("<slug:site>/reports/board.html", views.board_html, name="board"),
    path("<slug:site>/reports/board.pdf", views.board_pdf, name="board_pdf"),
]
