"""The JSON API of Đôn đốc: one NinjaAPI with token or session authentication.

Every error answers ``{"detail": "...", "errors": [...]}``: 401 without valid credentials,
403 when the action is not allowed, 404 for what does not exist or lies outside the caller's
scope, 400 for a query string that cannot be read (a control character, an overlong value),
409 when someone else changed the object first (a checked transition found it decided,
or newer than the ``version`` sent), 422 when the input does not validate (``errors`` names
each field and the reason).
"""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from dondoc.api import followups, indicators, reference, tasks
from dondoc.api.auth import BearerToken, SessionAuth
from dondoc.api.schemas import ErrorOut
from dondoc.core.transitions import Conflict
from dondoc.core.views import refusal_message

#: The refusals any operation may answer, each with ``ErrorOut``.
ERROR_RESPONSES = {
    "400": "The query string cannot be read (a control character, an overlong value).",
    "401": "No valid credentials.",
    "403": "The action is not allowed.",
    "404": "Not found, or outside the caller's scope.",
    "409": "Someone else changed the object first; nothing was changed.",
    "422": "The input does not validate; `errors` names each field and the reason.",
}


class DondocAPI(NinjaAPI):
    """The API, whose OpenAPI document also declares the error answers of every operation."""

    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        if "ErrorOut" not in components:
            components["ErrorOut"] = ErrorOut.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
        error = {
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        }
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for code, description in ERROR_RESPONSES.items():
                    responses.setdefault(code, {"description": description, **error})
        return schema


api = DondocAPI(
    title="Đôn đốc API",
    version="1",
    description=(
        "Tasks of a program (e.g. Resolution 57-NQ/TW), their status as of any date, their "
        "progress timeline, and the directives, organisation units and committee members they "
        "refer to. Authenticate with `Authorization: Bearer <key>` (issued with "
        "`dondoc token create`) or a signed-in session. Dates are YYYY-MM-DD (dd/mm/yyyy is "
        "also accepted in query parameters)."
    ),
    auth=[BearerToken(), SessionAuth()],
    urls_namespace="api",
)
api.add_router("", tasks.router)
api.add_router("", reference.router)
api.add_router("", followups.router)
api.add_router("", indicators.router)


def _error(request: HttpRequest, status: int, detail: str, errors: list | None = None):
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


def _field(loc: list | tuple) -> str:
    parts = [str(p) for p in loc if p not in ("query", "body", "path", "form", "file", "payload")]
    return ".".join(parts) or "input"


def _message(error: dict) -> str:
    msg = str(error.get("msg", "invalid value"))
    return msg.removeprefix("Value error, ")


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "loc": [str(p) for p in e.get("loc", ())],
            "field": _field(e.get("loc", ())),
            "msg": _message(e),
        }
        for e in exc.errors
    ]
    detail = "; ".join(f"{e['field']}: {e['msg']}" for e in errors) or "Invalid input."
    return _error(request, 422, detail, errors)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = str(exc)
    if message == "Unauthorized":
        message = "Authentication required: send 'Authorization: Bearer <key>' or sign in."
    response = _error(request, 401, message)
    response["WWW-Authenticate"] = 'Bearer realm="dondoc"'
    return response


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(Conflict)
def on_conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    return _error(request, 409, str(exc))


@api.exception_handler(BadRequest)
def on_bad_request(request: HttpRequest, exc: BadRequest) -> HttpResponse:
    return _error(request, 400, refusal_message(exc))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "Not found.")
