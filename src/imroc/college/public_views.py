"""The public side, under /colleges/<site>/: the prospectus, enrolment and learners' private links.

No sign-in. Pages show courses, never people: no learner, trainer contact or count that could
identify anyone. Private links carry a signed token and are never cached.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from imroc.college import forms, presenters, queries, services, tokens
from imroc.college.access import public_college_view
from imroc.college.views import _export_response
from imroc.core.access import found_or_404
from imroc.core.services import ServiceError


def _ctx(request, **extra):
    return {"college": request.college, "site": request.site, **extra}


@public_college_view()
def prospectus(request):
    college = request.college
    open_terms = queries.open_terms(college)
    form = forms.FilterForm(request.GET or None, terms=open_terms)
    filters = form.filters()
    groups = queries.prospectus(college, open_terms, **filters)
    now = timezone.now()
    for group in groups:
        for run in group.runs:
            run.places_text = presenters.places_text(run)
            run.first_session = next(iter(run.sessions.all()), None)
            run.started = bool(run.first_session and run.first_session.starts_at < now)
    return render(request, "college/public/prospectus.html", _ctx(
        request, form=form, groups=groups, filtered=any(filters.values()),
        other_courses=[] if any(filters.values()) else queries.courses_without_open_runs(college, open_terms),
    ))  # fmt: skip


@public_college_view()
def course(request, course):
    course = found_or_404(queries.published_course(request.college, course), "course")
    runs = queries.public_course_runs(course)
    for run in runs:
        run.places_text = presenters.places_text(run)
    return render(request, "college/public/course.html", _ctx(request, course=course, runs=runs))


@public_college_view()
@require_http_methods(["GET", "POST"])
def enrol(request, run):
    run = found_or_404(queries.public_run(request.college, run), "course run")
    form = forms.EnrolForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        key = form.cleaned_data["idempotency_key"]
        try:
            result = services.enrol(
                run, actor=services.LEARNER_ACTOR, base_url=request.build_absolute_uri("/"),
                **form.cleaned_data,
            )  # fmt: skip
        except ServiceError as error:
            error.show_on(form)
        else:
            if result.new or (key and result.enrolment.idempotency_key == key):
                # The same browser sent the form again: show it the same confirmation.
                return redirect(services.place_url(result.enrolment))
            # Someone used a contact that is already on this run. Show nothing about that place.
            return render(request, "college/public/already.html", _ctx(request, run=run))
    places = presenters.places_text(run)
    return render(request, "college/public/enrol.html", _ctx(request, run=run, form=form, places=places))  # fmt: skip


def _enrolment_for(request, token):
    public_id = tokens.read(tokens.PLACE, token)
    enrolment = queries.enrolment_by_id(public_id) if public_id else None
    if (
        enrolment is None
        or enrolment.run.course.college_id != request.college.pk
        or enrolment.learner.erased_at is not None
    ):
        raise Http404("This link does not work. It may have been copied wrongly.")
    return enrolment


@public_college_view(private=True)
@require_http_methods(["GET", "POST"])
def place(request, place_token):
    enrolment = _enrolment_for(request, place_token)
    form = forms.CancelPlaceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.cancel_enrolment(enrolment, actor=services.LEARNER_ACTOR, base_url=request.build_absolute_uri("/"))  # fmt: skip
        return redirect(request.path)
    return render(request, "college/public/place.html", _ctx(
        request, enrolment=enrolment, run=enrolment.run, sessions=queries.run_sessions(enrolment.run), form=form,
    ))  # fmt: skip


@public_college_view(private=True)
@require_http_methods(["GET", "POST"])
def feedback(request, feedback_token):
    public_id = tokens.read(tokens.FEEDBACK, feedback_token)
    invite = queries.invite_by_id(public_id) if public_id else None
    if invite is None or invite.enrolment.run.course.college_id != request.college.pk:
        raise Http404("This link does not work. It may have been copied wrongly.")
    run = invite.enrolment.run
    if invite.used_at is not None:
        return render(request, "college/public/feedback_done.html", _ctx(request, run=run, already=True))  # fmt: skip
    form = forms.FeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_feedback(invite, answers=form.answers(), comment=form.cleaned_data["comment"])  # fmt: skip
        except ServiceError:
            return render(request, "college/public/feedback_done.html", _ctx(request, run=run, already=True))  # fmt: skip
        return render(request, "college/public/feedback_done.html", _ctx(request, run=run, already=False))  # fmt: skip
    return render(request, "college/public/feedback.html", _ctx(request, run=run, form=form))


@public_college_view(private=True)
@require_http_methods(["GET", "POST"])
def my_data_request(request):
    form = forms.ContactForm(request.POST if request.method == "POST" else None)
    sent = False
    if request.method == "POST" and form.is_valid():
        try:
            services.send_data_link(request.college, contact=form.cleaned_data["contact"], base_url=request.build_absolute_uri("/"))  # fmt: skip
        except ServiceError as error:
            error.show_on(form)
        else:
            sent = True
    return render(
        request, "college/public/my_data_request.html", _ctx(request, form=form, sent=sent)
    )


def _learner_for(request, token):
    public_id = tokens.read(tokens.MY_DATA, token)
    learner = queries.learner(request.college, public_id) if public_id else None
    if learner is None:
        raise Http404("This link does not work or has expired. Ask for a new one.")
    return learner


def _learner_data(learner):
    return (
        queries.learner_enrolments(learner),
        queries.learner_attendance(learner),
        queries.learner_plan(learner),
        queries.learner_messages(learner),
    )


@public_college_view(private=True)
def my_data(request, data_token):
    learner = _learner_for(request, data_token)
    services.record_learner_view(learner, actor=services.LEARNER_ACTOR, what="own data")
    data = presenters.learner_export(learner, *_learner_data(learner))
    return render(request, "college/public/my_data.html", _ctx(request, data=data, token=data_token))  # fmt: skip


@public_college_view(private=True)
def my_data_export(request, data_token, fmt):
    learner = _learner_for(request, data_token)
    services.record_learner_view(learner, actor=services.LEARNER_ACTOR, what=f"own data {fmt}")
    data = presenters.learner_export(learner, *_learner_data(learner))
    return _export_response(data, fmt, learner)
