from django.urls import path

from imroc.improvement import views

app_name = "improvement"

urlpatterns = [
    path("<slug:site>/goals/", views.goal_list, name="goals"),
    path("<slug:site>/goals/priorities/", views.priorities, name="priorities"),
    path("<slug:site>/goals/new/", views.goal_create, name="goal_create"),
    path("<slug:site>/goals/site-review/", views.site_review, name="site_review"),
    path("<slug:site>/goals/<uuid:goal>/", views.goal_detail, name="goal"),
    path("<slug:site>/goals/<uuid:goal>/adjust/", views.goal_adjust, name="goal_adjust"),
    path("<slug:site>/goals/<uuid:goal>/review/", views.goal_review, name="goal_review"),
    path("<slug:site>/goals/<uuid:goal>/drivers/new/", views.driver_add, name="driver_add"),
    path("<slug:site>/goals/<uuid:goal>/cycles/new/", views.cycle_create, name="cycle_create"),
    path("<slug:site>/goals/<uuid:goal>/cycles/<uuid:cycle>/", views.cycle_detail, name="cycle"),
    path(
        "<slug:site>/goals/<uuid:goal>/cycles/<uuid:cycle>/edit/",
        views.cycle_edit,
        name="cycle_edit",
    ),
]
