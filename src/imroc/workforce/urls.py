"""Routes under /sites/<site>/workforce/, /policies/ and /partnerships/. Every view is wrapped in site_view."""

from django.urls import path

from imroc.workforce import views

app_name = "workforce"

W = "<slug:site>/workforce/"
C = W + "cohorts/<uuid:cohort>/"
P = "<slug:site>/policies/"
A = "<slug:site>/partnerships/"

urlpatterns = [
    path(W, views.home, name="home"),
    path(W + "cohorts/new/", views.cohort_create, name="cohort_create"),
    path(C, views.cohort_detail, name="cohort"),
    path(C + "checklist/", views.cohort_checklist, name="cohort_checklist"),
    path(C + "move-on/", views.cohort_advance, name="cohort_advance"),
    path(C + "recruitment/", views.cohort_recruitment, name="cohort_recruitment"),
    path(C + "posts/new/", views.post_create, name="post_create"),
    path(C + "posts/<uuid:post>/", views.post_edit, name="post_edit"),
    path(C + "supervision/", views.cohort_supervision, name="cohort_supervision"),
    path(W + "training/", views.training, name="training"),
    path(W + "training/new/", views.event_create, name="event_create"),
    path(W + "training/coverage/", views.coverage_record, name="coverage_record"),
    path(W + "training/target/", views.training_target, name="training_target"),
    path(W + "training/<uuid:event>/", views.event_detail, name="event"),
    path(W + "staff-support/", views.staff_support, name="staff_support"),
    path(W + "staff-support/surveys/new/", views.survey_create, name="survey_create"),
    path(W + "staff-support/offers/new/", views.offer_create, name="offer_create"),
    path(W + "staff-support/supervision/", views.supervision_record, name="supervision_record"),
    path(W + "staff-support/college/", views.college_use_record, name="college_use_record"),
    path(W + "personalisation/", views.personalisation, name="personalisation"),
    path(W + "personalisation/new/", views.indicator_create, name="indicator_create"),
    path(W + "personalisation/<uuid:indicator>/", views.indicator_value, name="indicator_value"),
    path(W + "chart/<slug:figure>/", views.chart, name="chart"),
    path(P, views.policies, name="policies"),
    path(P + "new/", views.policy_create, name="policy_create"),
    path(P + "safety-planning/", views.safety_record, name="safety_record"),
    path(P + "<uuid:policy>/", views.policy_detail, name="policy"),
    path(P + "<uuid:policy>/review/", views.policy_review, name="policy_review"),
    path(A, views.partnerships, name="partnerships"),
    path(A + "new/", views.agency_create, name="agency_create"),
    path(A + "employment/", views.employment_record, name="employment_record"),
    path(A + "ips/new/", views.ips_create, name="ips_create"),
    path(A + "ips/<uuid:review>/", views.ips_detail, name="ips"),
    path(A + "<uuid:agency>/", views.agency_detail, name="agency"),
    path(A + "<uuid:agency>/edit/", views.agency_edit, name="agency_edit"),
    path(A + "<uuid:agency>/agreements/new/", views.agreement_add, name="agreement_add"),
    path(A + "<uuid:agency>/activities/new/", views.activity_add, name="activity_add"),
    path(A + "<uuid:agency>/referrals/", views.referral_record, name="referral_record"),
]
