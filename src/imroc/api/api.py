"""The one NinjaAPI for /api/v1/: every app's router, token auth and problem errors."""

from __future__ import annotations

from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.parser import Parser

from imroc.api import (
    assessment,
    college,
    framework,
    improvement,
    measures,
    sites,
    surveys,
    workforce,
)
from imroc.api.core import ImrocAPI, TokenAuth, install_error_handlers, problem, responses
from imroc.core import safejson
from imroc.core.services import ServiceError

DESCRIPTION = """
The imroc REST API. Send a personal token, made at `/accounts/tokens/`, as
`Authorization: Bearer <token>`. A read token can only read; a read and write token can also
change data, within what your role at each site allows.

Sites are named by their slug, everything else by its id (a UUID). Another site's objects are
never shown: asking for one gives 404. Lists are paged with `limit` and `offset` and give
`count`, `next` and `previous`. Errors are problem documents (RFC 9457,
`application/problem+json`) with `type`, `title`, `status`, `detail` and an `errors` list.
"""


class LimitedParser(Parser):
    """Every JSON body is read by ``imroc.core.safejson``: a body too large or nested too
    deeply is refused before it is parsed, and NaN or infinite numbers are refused."""

    def parse_body(self, request):
        return safejson.loads(request.body)


api = ImrocAPI(
    title="imroc API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=TokenAuth(),
    parser=LimitedParser(),
)
install_error_handlers(api)


def _body_problem(request, exc: HttpError):
    """ninja answers any body its parser refused with a bare "Cannot parse request body";
    this says what was wrong with it, in the same problem shape as every other error."""
    cause = exc.__cause__
    if isinstance(cause, safejson.JSONLimitError):
        status, detail = (413 if isinstance(cause, safejson.TooLarge) else 400), str(cause)
    elif isinstance(cause, ValueError):  # json.JSONDecodeError and UnicodeDecodeError
        status, detail = 400, "The body is not valid JSON."
    else:
        return problem(request, exc.status_code, str(exc))
    return problem(request, status, detail, [{"loc": ["body"], "msg": detail, "row": None}])


api.add_exception_handler(HttpError, _body_problem)
api.add_exception_handler(ServiceError, lambda request, exc: _service_problem(request, exc))


def _service_problem(request, exc):
    from imroc.api.core import problem

    field = getattr(exc, "field", None)
    loc = ["body", field] if field else ["body"]
    return problem(request, 422, str(exc), [{"loc": loc, "msg": str(exc), "row": None}])


class Me(Schema):
    username: str
    name: str
    token_name: str
    scopes: list[str]


me_router = Router(tags=["you"])


@me_router.get("/me", response=responses(Me, errors=(401,)), summary="Who this token belongs to")
def me(request):
    token = request.auth
    return {
        "username": token.user.get_username(),
        "name": str(token.user),
        "token_name": token.name,
        "scopes": token.scopes,
    }


api.add_router("", me_router)
api.add_router("", sites.router)
api.add_router("", framework.router)
api.add_router("", assessment.router)
api.add_router("", improvement.router)
api.add_router("", measures.router)
api.add_router("", college.router)
api.add_router("", workforce.router)
api.add_router("", surveys.router)
