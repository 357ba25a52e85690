"""The public side, under /colleges/<site>/: the prospectus, enrolment and learners' private links.

No sign-in. Pages show courses, never people: no learner, trainer contact or count that could
identify anyone. Private links carry a signed token and are never cached.
"""

from __future__ import annotations

import logging

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from imroc.college import contacts, forms, presenters, queries, services, tokens
from imroc.college.access import public_college_view
from imroc.college.views import _export_response
from imroc.core import ratelimit
from imroc.core.access import found_or_404
from imroc.core.after_response import after_response
from imroc.core.services import ServiceError

log = logging.getLogger(__name__)


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


def _enrol_tries(request, run) -> list[tuple[str, str]]:
    address = ratelimit.client_address(request)
    return [
        ("enrol-address", address),
        ("enrol-run", str(run.public_id)),
        ("enrol-run-address", f"{run.public_id} {address}"),
    ]


@public_college_view()
@require_http_methods(["GET", "POST"])
def enrol(request, run):
    """Enrol on a run. The answer is the same whoever the contact belongs to.

    A new place, a waiting-list place, a contact that already has a place, and a form sent twice
    all lead to the same "thank you" page. What happened is told privately, in a message to the
    contact; the page never says whether that contact is on a course.
    """
    run = found_or_404(queries.public_run(request.college, run), "course run")
    form = forms.PublicEnrolForm(request.POST if request.method == "POST" else None)
    blocked = None
    if request.method == "POST" and form.is_valid():
        blocked = ratelimit.first_blocked(*_enrol_tries(request, run))
        if blocked:
            form.add_error(None, ratelimit.wait_text(blocked))
        elif form.looks_automated():
            log.info("public enrolment with the hidden box filled in: nothing done")
            return redirect(_thanks_url(run))
        else:
            details = {k: v for k, v in form.cleaned_data.items() if k in ENROL_FIELDS}
            try:
                services.enrol(
                    run,
                    actor=services.LEARNER_ACTOR,
                    base_url=request.build_absolute_uri("/"),
                    **details,
                )
            except ServiceError as error:
                error.show_on(form)
            else:
                return redirect(_thanks_url(run))
    places = presenters.places_text(run)
    response = render(
        request, "college/public/enrol.html", _ctx(request, run=run, form=form, places=places)
    )
    return ratelimit.set_retry_after(response, blocked) if blocked else response


ENROL_FIELDS = ("name", "contact", "group", "access_needs", "consent", "idempotency_key")


def _thanks_url(run) -> str:
    return reverse(
        "colleges:enrolled", kwargs={"site": run.course.college.site.slug, "run": run.public_id}
    )


@public_college_view()
def enrolled(request, run):
    run = found_or_404(queries.public_run(request.college, run), "course run")
    return render(request, "college/public/enrolled.html", _ctx(request, run=run))


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
    """Ask for a link to your own data. The answer is the same page, just as quick, whether or
    not the contact belongs to a learner: the link is looked up and sent after the response."""
    form = forms.ContactForm(request.POST if request.method == "POST" else None)
    sent = False
    blocked = None
    if request.method == "POST" and form.is_valid():
        contact = form.cleaned_data["contact"]
        blocked = ratelimit.first_blocked(
            ("my-data-contact", contacts.normalise(contact)),
            ("my-data-address", ratelimit.client_address(request)),
        )
        if blocked:
            form.add_error(None, ratelimit.wait_text(blocked))
        else:
            after_response(
                services.send_data_link,
                request.college,
                contact=contact,
                base_url=request.build_absolute_uri("/"),
            )
            sent = True
    response = render(
        request, "college/public/my_data_request.html", _ctx(request, form=form, sent=sent)
    )
    return ratelimit.set_retry_after(response, blocked) if blocked else response


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
