"""The one way a view handles a form that writes: validate, call a service, redirect.

A view builds its form, then asks `handle_form` what to do with the request:

    response = handle_form(
        request,
        form,
        save=lambda form: services.update_run(run, actor=request.user, **form.cleaned_data),
        done=lambda run: (gettext("Saved the run."), run_url(run)),
        latest_version=lambda: queries.run(college, run.public_id).version,
    )
    if response is not None:
        return response
    return render(request, "college/form.html", {...})

`save` is the only place the view writes, and it writes through a service. What the person
typed is never lost: a rule the service refuses puts its message on the form (by its field),
and a stale edit keeps every value while the form's hidden version moves on to the latest
one, so a second save goes through once they have checked the other person's changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from imroc.core.services import STALE_EDIT_MESSAGE, ServiceError, StaleEditError

Result = TypeVar("Result")


def show_stale(form: forms.BaseForm, latest_version: int | None) -> None:
    """Tell the person someone else saved first, keeping their input, ready to save again."""
    form.add_error(None, STALE_EDIT_MESSAGE)
    if latest_version is not None:
        form.data = form.data.copy()
        form.data["version"] = latest_version


def handle_form(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    save: Callable[[Any], Result],
    done: Callable[[Result], tuple[str, str]],
    latest_version: Callable[[], int | None] | None = None,
) -> HttpResponse | None:
    """Save a valid POSTed form through `save` and redirect; None means show the form.

    `done(result)` gives the success message (empty for none) and the address to go to.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = save(form)
    except StaleEditError:
        show_stale(form, latest_version() if latest_version is not None else None)
    except ServiceError as error:
        error.show_on(form)
    else:
        message, url = done(result)
        if message:
            messages.success(request, message)
        return redirect(url)
    return None
