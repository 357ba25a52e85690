"""Routes under /sites/<site>/measures/. Every view here is wrapped in site_view."""

from django.urls import path

from imroc.measures import benchmark_views, views

app_name = "measures"

urlpatterns = [
    path("<slug:site>/measures/", views.board, name="board"),
    path("<slug:site>/benchmarks/", benchmark_views.site_benchmarks, name="benchmarks"),
    path("<slug:site>/measures/new/", views.measure_create, name="create"),
    path("<slug:site>/measures/adopt/", views.measure_adopt, name="adopt"),
    path("<slug:site>/measures/<uuid:measure>/", views.measure_detail, name="detail"),
    path("<slug:site>/measures/<uuid:measure>/edit/", views.measure_edit, name="edit"),
    path("<slug:site>/measures/<uuid:measure>/data/", views.point_entry, name="point"),
    path("<slug:site>/measures/<uuid:measure>/import/", views.import_start, name="import"),
    path(
        "<slug:site>/measures/<uuid:measure>/import/<str:token>/",
        views.import_preview,
        name="import_preview",
    ),
    path("<slug:site>/measures/<uuid:measure>/rebases/new/", views.rebase_add, name="rebase_add"),
    path(
        "<slug:site>/measures/<uuid:measure>/annotations/new/",
        views.annotation_add,
        name="annotation_add",
    ),
    path("<slug:site>/measures/<uuid:measure>/cycles/", views.cycle_links, name="cycles"),
]
