from django.urls import path

from imroc.measures import benchmark_views

app_name = "benchmarks"

urlpatterns = [
    path("", benchmark_views.programme_benchmarks, name="programme"),
]
