"""What every API module shares: token auth, site scoping, JSON problem errors, pagination.

Errors are RFC 9457 problem documents (``application/problem+json``) with ``type``,
``title``, ``status`` and ``detail``, plus an ``errors`` list for invalid input.
Site scoping follows the UI exactly (``imroc.programme.access``): another site's object is
404, too low a role is 403; a read-only token cannot write (403); no, bad, expired or revoked
token is 401.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import setting_changed
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer
from pydantic import create_model

from imroc.api.models import ApiToken
from imroc.api.services import token_for_secret
from imroc.core import ratelimit
from imroc.core.models import SecurityEvent
from imroc.core.services import StaleEditError
from imroc.programme.access import SiteAccess, access_profile
from imroc.programme.models import Site

# A URN, not a web address: problem types are named, not fetched (RFC 9457 allows this).
PROBLEM_TYPE = "urn:imroc:problem:"
PROBLEM_CONTENT_TYPE = "application/problem+json"
TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Changed by someone else",
    413: "Too large",
    422: "Invalid input",
    429: "Too many requests",
}


# --- Schemas every module uses ----------------------------------------------------------------


class FieldError(Schema):
    loc: list[str | int] = Field(
        description="Where the problem is, such as ['body', 'rows', 3, 'value']."
    )
    msg: str
    row: int | None = Field(None, description="For bulk uploads: the row number, counting from 1.")


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] = Field(default_factory=list)


ERROR_CODES = (400, 401, 403, 404, 409, 422)


def responses(ok: dict[int, Any] | Any, *, code: int = 200, errors=ERROR_CODES) -> dict[int, Any]:
    """A response map: the success schema plus every error an operation can give."""
    mapping = dict(ok) if isinstance(ok, dict) else {code: ok}
    # Any call can be over its token's rate limit (imroc.core.ratelimit, "api-token").
    for status in (*errors, 429):
        mapping.setdefault(status, Problem)
    return mapping


_pages: dict[type, type] = {}


def page_of(item: type) -> type:
    """A paginated list schema, named after the item: GoalPage, MeasurePage..."""
    if item not in _pages:
        name = item.__name__.removesuffix("Out") + "Page"
        _pages[item] = create_model(
            name,
            __base__=Schema,
            count=(int, ...),
            next=(str | None, None),
            previous=(str | None, None),
            results=(list[item], ...),
        )
    return _pages[item]


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=500, description="How many results to give (at most 500).")
    offset: int = Field(0, ge=0, le=10_000_000, description="How many results to skip.")


def paginate(request: HttpRequest, items, params: PageParams, render) -> dict:
    """One page of a query set (or list), with the total count and links to the next and previous pages."""
    count = items.count() if isinstance(items, QuerySet) else len(items)
    chunk = items[params.offset : params.offset + params.limit]
    results = [render(obj) for obj in chunk]

    def link(offset: int) -> str:
        query = request.GET.copy()
        query["offset"], query["limit"] = str(offset), str(params.limit)
        return request.build_absolute_uri(f"{request.path}?{urlencode(sorted(query.items()))}")

    return {
        "count": count,
        "next": link(params.offset + params.limit)
        if params.offset + params.limit < count
        else None,
        "previous": link(max(params.offset - params.limit, 0)) if params.offset > 0 else None,
        "results": results,
    }


def since(qs: QuerySet, updated_since: dt.datetime | None, field: str = "updated_at") -> QuerySet:
    return qs.filter(**{f"{field}__gte": updated_since}) if updated_since else qs


# --- Problems ----------------------------------------------------------------------------------


class ProblemError(Exception):
    """Raise from an operation to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        errors: list[dict] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, errors or []
        self.headers = headers or {}


def problem(request, status: int, detail: str, errors: list[dict] | None = None, **headers):
    slug = TITLES.get(status, "Error").lower().replace(" ", "-")
    body = {
        "type": f"{PROBLEM_TYPE}{slug}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "errors": errors or [],
    }
    response = HttpResponse(
        JSONRenderer().render(request, body, response_status=status),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _clean_loc(loc) -> list[str | int]:
    return [part if isinstance(part, int) else str(part) for part in loc]


def _validation_errors(exc: ValidationError) -> list[dict]:
    errors = []
    for error in exc.errors:
        loc = _clean_loc(error.get("loc", ()))
        # ninja puts the parameter's name after "body": drop it, callers never see it.
        if len(loc) > 1 and loc[0] == "body" and loc[1] == "payload":
            loc = ["body", *loc[2:]]
        row = None
        if "rows" in loc:
            index = loc.index("rows")
            if index + 1 < len(loc) and isinstance(loc[index + 1], int):
                row = loc[index + 1] + 1
        errors.append({"loc": loc, "msg": str(error.get("msg", "Invalid value")), "row": row})
    return errors


def field_problem(message: str, field: str | None, status: int = 422) -> ProblemError:
    loc = ["body", field] if field else ["body"]
    return ProblemError(status, message, [{"loc": loc, "msg": message, "row": None}])


# --- Auth --------------------------------------------------------------------------------------


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``, a personal token made at /accounts/tokens/."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = token_for_secret(token.strip())
        if found is None:
            return None
        request.user = found.user
        request.imroc_token = found  # its prefix goes into any security event for this call
        blocked = ratelimit.hit("api-token", str(found.pk))
        if blocked:
            raise ProblemError(
                429,
                f"This token has made more than {blocked.limit.tries} calls in "
                f"{blocked.limit.seconds} seconds. Wait {blocked.retry_after} seconds and try "
                "again.",
                headers={"Retry-After": str(blocked.retry_after)},
            )
        request._imroc_access = None  # roles are read for the token's person, not a session
        return found


def require_write(request) -> None:
    if not request.auth.can_write:
        raise ProblemError(
            403, "This token can only read. Make a read and write token to change data."
        )


def site_for(request, slug: str, needed: SiteAccess = SiteAccess.VIEW) -> Site:
    """The site, if this person may use it at this level: 404 for someone with no role there."""
    site = Site.objects.select_related("organisation", "programme").filter(slug=slug).first()
    level = access_profile(request).site_access(site) if site else None
    if level is None:
        if site is not None:  # it exists, but is not theirs: a security event, as in the UI
            request.imroc_denied = SecurityEvent.Kind.CROSS_SITE
        raise ProblemError(404, "There is no such site, or you do not have access to it.")
    if level < needed:
        raise ProblemError(403, "Your role at this site does not allow this.")
    if needed > SiteAccess.VIEW:
        require_write(request)
    request.site = site
    request.site_access = level
    return site


def writable_site(request, slug: str) -> Site:
    """For writes: a site member or lead, with a read and write token."""
    return site_for(request, slug, SiteAccess.EDIT)


def found(obj, what: str = "object"):
    if obj is None:
        raise ProblemError(404, f"There is no such {what} at this site.")
    return obj


# --- The API object ----------------------------------------------------------------------------


class ImrocAPI(NinjaAPI):
    """NinjaAPI with problem documents in the schema and plain operation ids.

    The schema only changes with the code, so it is built once per path prefix and kept for
    the life of the process (building it takes far longer than answering from the cache).
    Changing a setting (``override_settings`` in tests) empties the cache, so a schema is
    never kept across settings. Each caller gets its own copy, so no one can change the kept one.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._schema_cache: dict[str, dict] = {}
        self._schema_lock = threading.Lock()
        setting_changed.connect(self._forget_schema, weak=False)

    def _forget_schema(self, **kwargs) -> None:
        with self._schema_lock:
            self._schema_cache.clear()

    def get_openapi_operation_id(self, operation) -> str:
        return operation.view_func.__name__

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            # Cheap, and follows the URL configuration and script prefix in use.
            path_prefix = self.get_root_path(path_params or {})
        schema = self._schema_cache.get(path_prefix)
        if schema is None:
            with self._schema_lock:
                schema = self._schema_cache.get(path_prefix)
                if schema is None:  # no other thread built it while this one waited
                    schema = self.build_openapi_schema(path_prefix)
                    self._schema_cache[path_prefix] = schema
        return copy.deepcopy(schema)

    def build_openapi_schema(self, path_prefix: str) -> dict:
        """The schema, built from the routes (slow: the cache above calls it once per prefix)."""
        schema = super().get_openapi_schema(path_prefix=path_prefix)
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                for status, response in operation.get("responses", {}).items():
                    if str(status).startswith(("4", "5")) and "content" in response:
                        content = response["content"]
                        if "application/json" in content:
                            content[PROBLEM_CONTENT_TYPE] = content.pop("application/json")
                        response["description"] = TITLES.get(int(status), "Error")
        return dict(schema)


def install_error_handlers(api: NinjaAPI) -> None:
    def on_problem(request, exc: ProblemError):
        return problem(request, exc.status, exc.detail, exc.errors, **exc.headers)

    def on_validation(request, exc: ValidationError):
        return problem(
            request, 422, "Some of what was sent is not valid. See errors.", _validation_errors(exc)
        )

    def on_auth(request, exc: AuthenticationError):
        return problem(
            request,
            401,
            "Send a valid API token: Authorization: Bearer <token>. Tokens are made at "
            "/accounts/tokens/; a revoked or expired token no longer works.",
            WWW_Authenticate='Bearer realm="imroc"',
        )

    def on_http(request, exc: HttpError):
        return problem(request, exc.status_code, str(exc))

    def on_404(request, exc):
        return problem(request, 404, "There is no such object, or you do not have access to it.")

    def on_403(request, exc):
        return problem(request, 403, "Your role does not allow this.")

    def on_stale(request, exc):
        return problem(
            request,
            409,
            "Someone else changed this after the version you sent. Fetch it again, then retry "
            "with its current version.",
        )

    def on_django_validation(request, exc: DjangoValidationError):
        messages = exc.messages
        return problem(
            request,
            422,
            " ".join(messages),
            [{"loc": ["body"], "msg": m, "row": None} for m in messages],
        )

    api.add_exception_handler(ProblemError, on_problem)
    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(AuthenticationError, on_auth)
    api.add_exception_handler(HttpError, on_http)
    api.add_exception_handler(Http404, on_404)
    api.add_exception_handler(PermissionDenied, on_403)
    api.add_exception_handler(StaleEditError, on_stale)
    api.add_exception_handler(DjangoValidationError, on_django_validation)


def service_error(exc: Exception) -> ProblemError:
    """A rule the service refused, as a 422 naming the field."""
    return field_problem(str(exc), getattr(exc, "field", None))


def user_ref(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.public_id, "name": str(user)}


# --- Input types -------------------------------------------------------------------------------


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("Text cannot contain the NUL character.")
    return value


def text(max_length: int, min_length: int = 0):
    """A string field the database can store: bounded and without NUL characters."""
    from typing import Annotated

    from pydantic import AfterValidator, StringConstraints

    return Annotated[
        str,
        StringConstraints(max_length=max_length, min_length=min_length),
        AfterValidator(_no_nul),
    ]


def safe_date(value: dt.date) -> dt.date:
    if not dt.date(1900, 1, 1) <= value <= dt.date(2999, 12, 31):
        raise ValueError("Use a date between 1900 and 2999.")
    return value


def _date_type():
    from typing import Annotated

    from pydantic import AfterValidator

    return Annotated[dt.date, AfterValidator(safe_date)]


Date = _date_type()


def _utc(value: dt.datetime) -> dt.datetime:
    if not 1900 <= value.year <= 2999:
        raise ValueError("Use a time between the years 1900 and 2999.")
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def _since_type():
    from typing import Annotated

    from pydantic import AfterValidator

    return Annotated[dt.datetime, AfterValidator(_utc)]


Since = _since_type()
"""A date and time, as ISO 8601 (without an offset it is taken as UTC): changed on or after it."""
