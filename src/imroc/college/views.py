"""The college's staff side, under /sites/<site>/college/. Reads in queries, writes in services."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from imroc.accounts.personal_data import personal_data
from imroc.accounts.reauth import check_recent_auth
from imroc.college import fidelity, forms, presenters, queries, services
from imroc.college.access import (
    LEARNER_ACCESS,
    can_see_learners,
    can_take_register,
    college_or_404,
    require_register,
)
from imroc.college.models import Attendance, Course, Enrolment, Trainer
from imroc.college.panels import figures
from imroc.college.tables import (
    courses_table,
    enrolments_table,
    feedback_table,
    fidelity_table,
    learners_table,
    register_table,
    terms_table,
    trainers_table,
)
from imroc.core import suppression, tables
from imroc.core.access import found_or_404
from imroc.core.form_views import handle_form
from imroc.core.services import ServiceError
from imroc.framework import queries as framework_queries
from imroc.improvement import queries as improvement_queries
from imroc.programme.access import SiteAccess, site_view


def _post(request):
    return request.POST if request.method == "POST" else None


def _form_page(request, form, *, title, intro="", submit, cancel, extra=None):
    return render(request, "college/form.html", {
        "site": request.site, "form": form, "title": title, "intro": intro, "submit": submit,
        "cancel": cancel, **(extra or {}),
    })  # fmt: skip


def _url(request, name, **kwargs):
    return reverse(f"college:{name}", kwargs={"site": request.site.slug, **kwargs})


def _can_see_contacts(request) -> bool:
    """Contact details are for the people who arrange places: members and leads."""
    return request.site_access >= SiteAccess.EDIT


# --- Home and settings ---------------------------------------------------------------------------


@site_view()
def home(request):
    college = queries.site_college(request.site)
    context = {"site": request.site, "college": college, "can_manage": request.site_access >= SiteAccess.MANAGE}  # fmt: skip
    if college is not None and tables.wants_export(request):
        if request.GET.get("table") == "terms":
            return tables.export(request, terms_table(college, list(queries.terms(college))))
        return tables.export(request, courses_table(college, list(queries.courses(college))))
    if college is not None:
        context |= {
            "panel": figures(request.site),
            "courses": list(queries.courses(college)),
            "terms": list(queries.terms(college)[:9]),
            "can_edit": request.site_access >= SiteAccess.EDIT,
            "can_see_learners": can_see_learners(request),
        }
    return render(request, "college/home.html", context)


@site_view(SiteAccess.MANAGE)
@require_http_methods(["GET", "POST"])
def college_settings(request):
    college = queries.site_college(request.site)
    initial = {"name": _("%(site)s Recovery College") % {"site": request.site.name}}
    if college is not None:
        initial = {f: getattr(college, f) for f in services.COLLEGE_FIELDS} | {"version": college.version}  # fmt: skip
    form = forms.CollegeForm(_post(request), initial=initial)

    def save(form):
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        if college is None:
            return services.set_up_college(request.site, actor=request.user, **fields)
        expected_version = form.cleaned_data["version"] or 0
        return services.update_college(
            college, actor=request.user, expected_version=expected_version, **fields
        )

    response = handle_form(
        request,
        form,
        save=save,
        done=lambda result: (_("Saved the college's details."), _url(request, "home")),
        latest_version=lambda: queries.site_college(request.site).version,
    )
    if response is not None:
        return response
    return _form_page(
        request, form, title=_("Set up the recovery college") if college is None else _("College details"),
        intro=_("A recovery college is run jointly by staff and people with lived experience."),
        submit=_("Save"), cancel=f"/sites/{request.site.slug}/college/",
    )  # fmt: skip


# --- Trainers ------------------------------------------------------------------------------------


@site_view()
@personal_data()
def trainers(request):
    college = college_or_404(request)
    if tables.wants_export(request):
        return tables.export(request, trainers_table(college, list(queries.trainers(college))))
    return render(request, "college/trainers.html", {
        "site": request.site, "college": college, "trainers": list(queries.trainers(college)),
        "can_edit": request.site_access >= SiteAccess.EDIT,
    })  # fmt: skip


@site_view(SiteAccess.EDIT)
@personal_data()
@require_http_methods(["GET", "POST"])
def trainer_edit(request, trainer=None):
    college = college_or_404(request)
    obj = None
    if trainer is not None:
        obj = found_or_404(queries.trainer(college, trainer), "trainer")
    initial = {"active": True}
    if obj is not None:
        initial = {f: getattr(obj, f) for f in services.TRAINER_FIELDS if f != "user"} | {
            "user": obj.user_id, "version": obj.version,
        }  # fmt: skip
    form = forms.TrainerForm(
        _post(request), initial=initial, people=improvement_queries.site_people_users(request.site)
    )

    def save(form):
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        if obj is None:
            return services.create_trainer(college, actor=request.user, **fields)
        expected_version = form.cleaned_data["version"] or 0
        return services.update_trainer(
            obj, actor=request.user, expected_version=expected_version, **fields
        )

    response = handle_form(
        request,
        form,
        save=save,
        done=lambda result: (_("Saved the trainer."), _url(request, "trainers")),
        latest_version=lambda: queries.trainer(college, obj.public_id).version,
    )
    if response is not None:
        return response
    return _form_page(
        request, form, title=_("Add a trainer") if obj is None else _("Change %(name)s") % {"name": obj.name},
        intro=_("Every course is designed and delivered by a peer trainer, who brings lived experience, "
        "and a practitioner trainer, together."),
        submit=_("Save the trainer"), cancel=f"/sites/{request.site.slug}/college/trainers/",
    )  # fmt: skip


# --- Courses and terms ---------------------------------------------------------------------------


def _challenges(request, also=None):
    return framework_queries.current_challenges(request.site.programme.framework_key, also=also)


@site_view(SiteAccess.EDIT)
@require_http_methods(["GET", "POST"])
def course_edit(request, course=None):
    college = college_or_404(request)
    obj = found_or_404(queries.course(college, course), "course") if course is not None else None
    initial = {
        "status": Course.Status.DRAFT,
        "completion_value": 75,
        "format": Course.Format.IN_PERSON,
    }
    if obj is not None:
        initial = {f: getattr(obj, f) for f in services.COURSE_FIELDS if f != "challenge"} | {
            "challenge": obj.challenge_id, "version": obj.version,
        }  # fmt: skip
    form = forms.CourseForm(
        _post(request), initial=initial, challenges=_challenges(request, obj.challenge_id if obj else None)
    )  # fmt: skip

    def save(form):
        if obj is None:
            return services.create_course(college, actor=request.user, **form.course_fields())
        services.update_course(
            obj,
            actor=request.user,
            expected_version=form.cleaned_data["version"] or 0,
            **form.course_fields(),
        )
        return obj

    response = handle_form(
        request,
        form,
        save=save,
        done=lambda saved: (
            _("Saved the course."),
            _url(request, "course", course=saved.public_id),
        ),
        latest_version=lambda: queries.course(college, obj.public_id).version,
    )
    if response is not None:
        return response
    return _form_page(
        request, form, title=_("Add a course") if obj is None else _("Change “%(course)s”") % {"course": obj.title},
        intro=_("Write for a learner who may be anxious or new to this: short sentences, everyday words."),
        submit=_("Save the course"), cancel=f"/sites/{request.site.slug}/college/",
    )  # fmt: skip


@site_view()
@personal_data()
def course_detail(request, course):
    college = college_or_404(request)
    course = found_or_404(queries.course(college, course), "course")
    return render(request, "college/course.html", {
        "site": request.site, "college": college, "course": course,
        "coproduction": queries.course_coproduction(course), "runs": queries.course_runs(course),
        "can_edit": request.site_access >= SiteAccess.EDIT,
    })  # fmt: skip


@site_view(SiteAccess.EDIT)
@require_http_methods(["GET", "POST"])
def coproduction_add(request, course):
    college = college_or_404(request)
    course = found_or_404(queries.course(college, course), "course")
    form = forms.CoProductionForm(_post(request))
    if request.method == "POST" and form.is_valid():
        services.add_coproduction(course, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Recorded who co-produced the course."))
        return redirect("college:course", site=request.site.slug, course=course.public_id)
    return _form_page(
        request, form, title=_("Who co-produced “%(course)s”") % {"course": course.title},
        intro=_("Record each person or group who co-designed or co-reviewed the course, and how they take part. "
        "Co-delivery is recorded on each run's trainer pair."),
        submit=_("Add"), cancel=f"/sites/{request.site.slug}/college/courses/{course.public_id}/",
    )  # fmt: skip


@site_view(SiteAccess.EDIT)
@require_http_methods(["GET", "POST"])
def term_create(request):
    college = college_or_404(request)
    form = forms.TermForm(_post(request))
    response = handle_form(
        request,
        form,
        save=lambda form: services.create_term(college, actor=request.user, **form.cleaned_data),
        done=lambda term: (_("Added the term."), _url(request, "home")),
    )
    if response is not None:
        return response
    return _form_page(request, form, title=_("Add a term"), submit=_("Add the term"), cancel=f"/sites/{request.site.slug}/college/")  # fmt: skip


# --- Runs and sessions ---------------------------------------------------------------------------


def _run_form(request, college, initial):
    return forms.RunForm(
        _post(request), initial=initial, terms=college.terms.all(),
        peers=queries.active_trainers(college, Trainer.Kind.PEER),
        practitioners=queries.active_trainers(college, Trainer.Kind.PRACTITIONER),
    )  # fmt: skip


@site_view(SiteAccess.EDIT)
@require_http_methods(["GET", "POST"])
def run_create(request, course):
    college = college_or_404(request)
    course = found_or_404(queries.course(college, course), "course")
    form = _run_form(request, college, {"capacity": 16, "enrolment_open": True})

    def done(run):
        for warning in services.trainer_pair_warnings(run):
            messages.warning(request, warning)
        return _("Added the run. Now add its sessions."), _url(request, "run", run=run.public_id)

    response = handle_form(
        request,
        form,
        save=lambda form: services.create_run(course, actor=request.user, **form.run_fields()),
        done=done,
    )
    if response is not None:
        return response
    return _form_page(
        request, form, title=_("Run “%(course)s” in a term") % {"course": course.title}, submit=_("Add the run"),
        intro=_("Name a peer trainer and a practitioner trainer: courses are delivered by both, together."),
        cancel=f"/sites/{request.site.slug}/college/courses/{course.public_id}/",
    )  # fmt: skip


@site_view(SiteAccess.EDIT)
@require_http_methods(["GET", "POST"])
def run_edit(request, run):
    college = college_or_404(request)
    run = found_or_404(queries.run(college, run), "run")
    initial = {f: getattr(run, f) for f in services.RUN_FIELDS} | {"version": run.version}
    form = _run_form(request, college, initial)

    def save(form):
        return services.update_run(
            run,
            actor=request.user,
            expected_version=form.cleaned_data["version"] or 0,
            base_url=request.build_absolute_uri("/"),
            **form.run_fields(),
        )

    response = handle_form(
        request,
        form,
        save=save,
        done=lambda result: (_("Saved the run."), _url(request, "run", run=run.public_id)),
        latest_version=lambda: queries.run(college, run.public_id).version,
    )
    if response is not None:
        return response
    return _form_page(request, form, title=_("Change the run of “%(course)s”") % {"course": run.course.title}, submit=_("Save the run"), cancel=f"/sites/{request.site.slug}/college/runs/{run.public_id}/")  # fmt: skip


@site_view()
@personal_data()
def run_detail(request, run):
    college = college_or_404(request)
    run = found_or_404(queries.run(college, run), "run")
    if tables.wants_export(request) and request.GET.get("table") == "register":
        return _register_export(request, run)
    show_learners = can_see_learners(request)
    enrolments = queries.run_enrolments(run) if show_learners else []
    if tables.wants_export(request):
        if not show_learners:
            raise PermissionDenied
        if (needed := _contacts_export_check(request)) is not None:
            return needed
        return tables.export(request, enrolments_table(run, enrolments, contacts=_can_see_contacts(request)))  # fmt: skip
    return render(request, "college/run.html", {
        "site": request.site, "college": college, "run": run, "sessions": queries.run_sessions(run),
        "enrolments": enrolments, "warnings": services.trainer_pair_warnings(run),
        "places_left": max(run.capacity - run.taken, 0), "show_learners": show_learners,
        "show_contacts": _can_see_contacts(request),
        "can_edit": request.site_access >= SiteAccess.EDIT,
        "can_register": can_take_register(request, run),
        "public_url": f"/colleges/{request.site.slug}/courses/{run.course.public_id}/",
    })  # fmt: skip


def _register_export(request, run):
    """The whole run's register (a mark a learner a session): for those who take registers.

    Names only, never contacts, so the register page's own access is enough."""
    require_register(request, run)
    sessions = queries.run_sessions(run)
    labels = dict(Attendance.Status.choices)
    marks = {
        (enrolment, session): str(labels.get(status, status))
        for enrolment, session, status in queries.run_marks(run)
    }
    marked = {enrolment for enrolment, _session in marks}
    enrolments = [
        e for e in queries.run_enrolments(run)
        if e.status == Enrolment.Status.ENROLLED or e.pk in marked
    ]  # fmt: skip
    enrolments.sort(key=lambda e: (e.learner.erased_at is not None, e.learner.name.lower(), e.pk))
    return tables.export(request, register_table(run, sessions, enrolments, marks))


@site_view(SiteAccess.EDIT)
@require_http_methods(["GET", "POST"])
def session_add(request, run):
    college = college_or_404(request)
    run = found_or_404(queries.run(college, run), "run")
    form = forms.SessionForm(_post(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_session(run, actor=request.user, **form.session_fields())
        except ServiceError as error:
            form.add_error({"ends_at": "ends", "place": "place"}.get(error.field), str(error))
        else:
            messages.success(request, _("Added the session."))
            return redirect("college:run", site=request.site.slug, run=run.public_id)
    return _form_page(
        request, form, title=_("Add a session to “%(course)s”") % {"course": run.course.title}, submit=_("Add the session"),
        intro=_("Times are in %(time_zone)s.") % {"time_zone": timezone.get_current_timezone_name()},
        cancel=f"/sites/{request.site.slug}/college/runs/{run.public_id}/",
    )  # fmt: skip


@site_view(SiteAccess.CONTRIBUTE)
@personal_data()
@require_http_methods(["GET", "POST"])
def register(request, run, session):
    college = college_or_404(request)
    run = found_or_404(queries.run(college, run), "run")
    require_register(request, run)
    session = found_or_404(queries.run_session(run, session), "session")
    enrolments, marks = queries.session_register(session)
    form = forms.RegisterForm(_post(request), enrolments=enrolments, marks=marks)

    def done(changed):
        message = ngettext(
            "Saved the register (%(count)d change).",
            "Saved the register (%(count)d changes).",
            changed,
        ) % {"count": changed}
        return message, _url(request, "register", run=run.public_id, session=session.public_id)

    response = handle_form(
        request,
        form,
        save=lambda form: services.record_attendance(
            session, marks=form.marks(), actor=request.user
        ),
        done=done,
    )
    if response is not None:
        return response
    sessions = queries.run_sessions(run)
    index = next(i for i, s in enumerate(sessions) if s.pk == session.pk)
    return render(request, "college/register.html", {
        "site": request.site, "run": run, "session": session, "form": form, "number": index + 1,
        "count": len(sessions), "previous": sessions[index - 1] if index > 0 else None,
        "next": sessions[index + 1] if index + 1 < len(sessions) else None,
    })  # fmt: skip


@site_view(SiteAccess.EDIT)
@require_http_methods(["GET", "POST"])
def staff_enrol(request, run):
    college = college_or_404(request)
    run = found_or_404(queries.run(college, run), "run")
    form = forms.EnrolForm(_post(request), staff=True)

    def save(form):
        return services.enrol(
            run,
            actor=request.user,
            by_staff=True,
            base_url=request.build_absolute_uri("/"),
            **form.cleaned_data,
        )

    def done(result):
        e = result.enrolment
        if not result.new:
            messages.info(request, _("This learner is already on this run. Nothing was added."))
            message = ""
        elif e.status == e.Status.WAITING:
            message = _("The run is full, so the learner is on the waiting list.")
        else:
            message = _("Enrolled the learner.")
        return message, _url(request, "run", run=run.public_id)

    response = handle_form(request, form, save=save, done=done)
    if response is not None:
        return response
    return _form_page(request, form, title=_("Enrol a learner on “%(course)s”") % {"course": run.course.title}, submit=_("Enrol"), cancel=f"/sites/{request.site.slug}/college/runs/{run.public_id}/")  # fmt: skip


@site_view(SiteAccess.EDIT)
@personal_data()
@require_http_methods(["GET", "POST"])
def enrolment_cancel(request, run, enrolment):
    college = college_or_404(request)
    run = found_or_404(queries.run(college, run), "run")
    enrolment = found_or_404(queries.run_enrolment(run, enrolment), "enrolment")
    if request.method == "POST":
        promoted = services.cancel_enrolment(enrolment, actor=request.user, base_url=request.build_absolute_uri("/"))  # fmt: skip
        if promoted:
            message = ngettext(
                "Cancelled the place. %(count)d person from the waiting list now has a place.",
                "Cancelled the place. %(count)d people from the waiting list now have a place.",
                len(promoted),
            ) % {"count": len(promoted)}
        else:
            message = _("Cancelled the place.")
        messages.success(request, message)
        return redirect("college:run", site=request.site.slug, run=run.public_id)
    return render(request, "college/confirm.html", {
        "site": request.site, "title": _("Cancel %(name)s's place?") % {"name": enrolment.learner.display_name},
        "text": _("The learner will get a message. If they had a place, the next person waiting gets it."),
        "submit": _("Cancel the place"), "cancel": f"/sites/{request.site.slug}/college/runs/{run.public_id}/",
    })  # fmt: skip


@site_view(SiteAccess.EDIT)
@require_POST
def feedback_send(request, run):
    college = college_or_404(request)
    run = found_or_404(queries.run(college, run), "run")
    count = services.send_feedback_invites(run, actor=request.user, base_url=request.build_absolute_uri("/"))  # fmt: skip
    messages.success(
        request,
        ngettext("Sent %(count)d questionnaire link.", "Sent %(count)d questionnaire links.", count)
        % {"count": count},
    )
    return redirect("college:run_feedback", site=request.site.slug, run=run.public_id)


@site_view()
@personal_data()
def run_feedback(request, run):
    college = college_or_404(request)
    run = found_or_404(queries.run(college, run), "run")
    summary, comments = queries.run_feedback(run)
    small_number = suppression.threshold()
    shown = summary["n"] >= small_number
    rows = [(q, round(summary[k], 1) if summary[k] is not None else None) for k, q in forms.FEEDBACK_QUESTIONS]  # fmt: skip
    if tables.wants_export(request):
        return tables.export(request, feedback_table(run, rows, shown=shown, small_number=small_number))  # fmt: skip
    return render(request, "college/run_feedback.html", {
        "site": request.site, "run": run, "summary": summary, "small_number": small_number,
        "shown": shown, "comments": comments, "rows": rows,
        "can_edit": request.site_access >= SiteAccess.EDIT,
    })  # fmt: skip


# --- Learners ------------------------------------------------------------------------------------


@site_view(LEARNER_ACCESS)
@personal_data()
def learners(request):
    college = college_or_404(request)
    text = request.GET.get("q", "").replace("\x00", "").strip()[:100]  # NUL: no database takes it
    if tables.wants_export(request):
        if (needed := _contacts_export_check(request)) is not None:
            return needed
        return tables.export(request, learners_table(college, queries.learners(college, text), contacts=_can_see_contacts(request)))  # fmt: skip
    rows = list(queries.learners(college, text)[:200])
    return render(request, "college/learners.html", {"site": request.site, "college": college, "learners": rows, "q": text})  # fmt: skip


def _contacts_export_check(request):
    """A download that carries learners' contact details is a sensitive export: the person
    must have proved who they are recently. Downloads without contacts need no more than the
    page does."""
    return check_recent_auth(request) if _can_see_contacts(request) else None


def _learner_data(learner):
    return (
        queries.learner_enrolments(learner),
        queries.learner_attendance(learner),
        queries.learner_plan(learner),
        queries.learner_messages(learner),
    )


@site_view(LEARNER_ACCESS)
@personal_data()
def learner_detail(request, learner):
    college = college_or_404(request)
    learner = found_or_404(queries.learner(college, learner), "learner")
    services.record_learner_view(learner, actor=request.user)
    enrolments, _attendance, plan, sent = _learner_data(learner)
    for e in enrolments:
        e.completed = e.run.course.is_complete(e.attended, e.held or 0)
    return render(request, "college/learner.html", {
        "site": request.site, "college": college, "learner": learner, "enrolments": enrolments,
        "plan": plan, "sent": sent, "show_contacts": _can_see_contacts(request),
        "can_edit": request.site_access >= SiteAccess.EDIT,
        "can_manage": request.site_access >= SiteAccess.MANAGE,
    })  # fmt: skip


@site_view(SiteAccess.EDIT)
@personal_data(download=True)
def learner_export(request, learner, fmt):
    college = college_or_404(request)
    learner = found_or_404(queries.learner(college, learner), "learner")
    services.record_learner_view(learner, actor=request.user, what=f"export {fmt}")
    data = presenters.learner_export(learner, *_learner_data(learner))
    return _export_response(data, fmt, learner)


def _export_response(data, fmt, learner):
    if fmt == "csv":
        response = HttpResponse(presenters.export_csv(data), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json")  # fmt: skip
    response["Content-Disposition"] = f'attachment; filename="my-college-data-{str(learner.public_id)[:8]}.{fmt}"'  # fmt: skip
    response["Cache-Control"] = "no-store"
    return response


@site_view(SiteAccess.EDIT)
@personal_data()
@require_http_methods(["GET", "POST"])
def plan_edit(request, learner):
    college = college_or_404(request)
    learner = found_or_404(queries.learner(college, learner), "learner")
    plan = queries.learner_plan(learner)
    initial = {}
    if plan is not None:
        initial = {
            "goals": plan.goals, "courses": [c.pk for c in plan.courses.all()], "wants_tutor": plan.wants_tutor,
            "tutor": plan.tutor_id, "next_review_on": plan.next_review_on, "version": plan.version,
        }  # fmt: skip
    form = forms.PlanForm(
        _post(request), initial=initial, courses=college.courses.exclude(status=Course.Status.DRAFT),
        tutors=queries.active_trainers(college),
    )  # fmt: skip

    def save(form):
        data = form.cleaned_data
        return services.save_plan(
            learner,
            actor=request.user,
            expected_version=data["version"] if plan else None,
            goals=data["goals"],
            courses=list(data["courses"]),
            wants_tutor=data["wants_tutor"],
            tutor=data["tutor"],
            next_review_on=data["next_review_on"],
        )

    response = handle_form(
        request,
        form,
        save=save,
        done=lambda result: (
            _("Saved the learning plan."),
            _url(request, "learner", learner=learner.public_id),
        ),
        latest_version=lambda: queries.learner_plan(learner).version,
    )
    if response is not None:
        return response
    return _form_page(
        request, form, title=_("%(name)s's learning plan") % {"name": learner.display_name},
        intro=_("A learning plan is the learner's own: write their goals in their words, with them."),
        submit=_("Save the plan"), cancel=f"/sites/{request.site.slug}/college/learners/{learner.public_id}/",
    )  # fmt: skip


@site_view(SiteAccess.MANAGE)
@personal_data()
@require_http_methods(["GET", "POST"])
def learner_erase(request, learner):
    college = college_or_404(request)
    learner = found_or_404(queries.learner(college, learner), "learner")
    form = forms.EraseForm(_post(request))
    if request.method == "POST" and form.is_valid():
        services.erase_learner(learner, actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Erased the learner. Their places and attendance stay only as anonymous counts."))  # fmt: skip
        return redirect("college:learners", site=request.site.slug)
    return _form_page(
        request, form, title=_("Erase %(name)s?") % {"name": learner.display_name}, submit=_("Erase the learner"),
        intro=_("This removes their name, contact, access needs and learning plan for good. "
        "Their places and attendance stay as anonymous counts."),
        cancel=f"/sites/{request.site.slug}/college/learners/{learner.public_id}/",
    )  # fmt: skip


# --- Fidelity ------------------------------------------------------------------------------------


@site_view()
def fidelity_list(request):
    college = college_or_404(request)
    checks = queries.fidelity_checks(college)
    rows = presenters.fidelity_rows(checks, college.fidelity_wording)
    totals = [fidelity.totals(c.scores) for c in checks]
    if tables.wants_export(request):
        return tables.export(request, fidelity_table(college, checks, rows, totals))
    return render(request, "college/fidelity.html", {
        "site": request.site, "college": college, "checks": checks, "rows": rows, "totals": totals,
        "can_edit": request.site_access >= SiteAccess.EDIT,
        "can_manage": request.site_access >= SiteAccess.MANAGE,
    })  # fmt: skip


@site_view(SiteAccess.EDIT)
@require_http_methods(["GET", "POST"])
def fidelity_new(request):
    college = college_or_404(request)
    form = forms.FidelityForm(_post(request), wording=college.fidelity_wording, initial={"done_on": timezone.localdate()})  # fmt: skip

    def save(form):
        return services.record_fidelity(
            college,
            actor=request.user,
            done_on=form.cleaned_data["done_on"],
            scores=form.scores(),
            notes=form.cleaned_data["notes"],
        )

    response = handle_form(
        request,
        form,
        save=save,
        done=lambda check: (_("Saved the fidelity self-check."), _url(request, "fidelity")),
    )
    if response is not None:
        return response
    return _form_page(
        request, form, title=_("Fidelity self-check"), submit=_("Save the self-check"),
        intro=_("Seven components are scored 0, 1 or 2; five are typed as type 1 or type 2. "
        "Agree the scores together: staff, peer trainers and learners."),
        cancel=f"/sites/{request.site.slug}/college/fidelity/",
    )  # fmt: skip


@site_view(SiteAccess.MANAGE)
@require_http_methods(["GET", "POST"])
def fidelity_wording(request):
    college = college_or_404(request)
    form = forms.WordingUploadForm(_post(request), request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.upload_fidelity_wording(college, data=upload.read(), filename=upload.name, actor=request.user)  # fmt: skip
        except fidelity.WordingFileError as error:
            problems = error.problems
            form.add_error("file", _("The file could not be used. The problems are listed below."))
        else:
            messages.success(request, _("Loaded the component wording."))
            return redirect("college:fidelity", site=request.site.slug)
    return _form_page(
        request, form, title=_("Load the fidelity wording"),
        intro=_("imroc ships only the structure of the fidelity measure, because its wording is licensed. "
        "Upload your own copy: a YAML or CSV file mapping component-1 … component-12 to the wording."),
        submit=_("Load the wording"), cancel=f"/sites/{request.site.slug}/college/fidelity/",
        extra={"problems": problems, "multipart": True},
    )  # fmt: skip
