"""Staff routes under /sites/<site>/college/. Every view is wrapped in site_view."""

from django.urls import path

from imroc.college import views

app_name = "college"

C = "<slug:site>/college/"
urlpatterns = [
    path(C, views.home, name="home"),
    path(C + "settings/", views.college_settings, name="settings"),
    path(C + "trainers/", views.trainers, name="trainers"),
    path(C + "trainers/new/", views.trainer_edit, name="trainer_create"),
    path(C + "trainers/<uuid:trainer>/edit/", views.trainer_edit, name="trainer_edit"),
    path(C + "terms/new/", views.term_create, name="term_create"),
    path(C + "courses/new/", views.course_edit, name="course_create"),
    path(C + "courses/<uuid:course>/", views.course_detail, name="course"),
    path(C + "courses/<uuid:course>/edit/", views.course_edit, name="course_edit"),
    path(
        C + "courses/<uuid:course>/co-production/", views.coproduction_add, name="coproduction_add"
    ),
    path(C + "courses/<uuid:course>/runs/new/", views.run_create, name="run_create"),
    path(C + "runs/<uuid:run>/", views.run_detail, name="run"),
    path(C + "runs/<uuid:run>/edit/", views.run_edit, name="run_edit"),
    path(C + "runs/<uuid:run>/sessions/new/", views.session_add, name="session_add"),
    path(C + "runs/<uuid:run>/sessions/<uuid:session>/register/", views.register, name="register"),
    path(C + "runs/<uuid:run>/enrol/", views.staff_enrol, name="staff_enrol"),
    path(
        C + "runs/<uuid:run>/places/<uuid:enrolment>/cancel/",
        views.enrolment_cancel,
        name="enrolment_cancel",
    ),
    path(C + "runs/<uuid:run>/feedback/", views.run_feedback, name="run_feedback"),
    path(C + "runs/<uuid:run>/feedback/send/", views.feedback_send, name="feedback_send"),
    path(C + "learners/", views.learners, name="learners"),
    path(C + "learners/<uuid:learner>/", views.learner_detail, name="learner"),
    path(C + "learners/<uuid:learner>/plan/", views.plan_edit, name="plan_edit"),
    path(C + "learners/<uuid:learner>/erase/", views.learner_erase, name="learner_erase"),
    path(
        C + "learners/<uuid:learner>/export.json",
        views.learner_export,
        {"fmt": "json"},
        name="learner_export_json",
    ),
    path(
        C + "learners/<uuid:learner>/export.csv",
        views.learner_export,
        {"fmt": "csv"},
        name="learner_export_csv",
    ),
    path(C + "fidelity/", views.fidelity_list, name="fidelity"),
    path(C + "fidelity/new/", views.fidelity_new, name="fidelity_new"),
    path(C + "fidelity/wording/", views.fidelity_wording, name="fidelity_wording"),
]
