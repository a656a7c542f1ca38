"""The OpenAPI document, made to tell the truth about errors, in one place.

FastAPI documents a route's success and a 422 as `application/json`. Every error Testament
answers is problem+json (interfaces.http.errors), and most routes can answer more than a 422.
Rather than have every router list its errors (and drift), the statuses are derived here from
what a route is made of: its dependencies (a token: 401; the Admin role: 403; If-Match: 400
and 412; a read position: 400, 412 and 503), its path parameters (404), its body (400, 413
and 422) and its method (a command can conflict, 409, and give up on a busy log, 503). What
cannot be seen that way (the statuses of the sign-in routes, the 410 of expired results) is
in EXTRA_STATUSES below.

The rules the server enforces that a schema can state are stated too: no text holds NUL, no
parameter is null (interfaces.http.openapi_rules); If-Match, min_position and the formats of
interfaces.http.schemas.formats are patterns on the fields that carry them.
"""

import copy
from collections.abc import Callable, Iterator
from typing import Any, get_type_hints

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.responses import Response
from starlette.routing import BaseRoute

from interfaces.http.dependencies import (
    ReadPosition,
    get_admin,
    get_current_user,
    get_expected_version,
)
from interfaces.http.errors import PROBLEM_JSON
from interfaces.http.idempotency import KEY_HEADER, KEY_PATTERN, takes_key
from interfaces.http.openapi_rules import (
    JSON_VALUE,
    state_form_rules,
    state_parameter_rules,
    state_text_rules,
)
from interfaces.http.problem_schema import PROBLEM_SCHEMA, STATUS_DESCRIPTIONS

_COMMAND_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# What a route's make-up does not show: the statuses of signing in and out.
EXTRA_STATUSES: dict[tuple[str, str], frozenset[int]] = {
    ("POST", "/auth/register"): frozenset({403, 503}),
    ("POST", "/auth/login"): frozenset({401, 403, 429, 503}),
    ("POST", "/auth/token"): frozenset({401, 403, 429, 503}),
    ("POST", "/auth/refresh"): frozenset({401, 403, 503}),
    ("POST", "/auth/logout"): frozenset({401, 503}),
    ("POST", "/me/password"): frozenset({429}),
    # The second step of a log-in: a challenge that is not (or no longer) valid, throttling.
    ("POST", "/auth/login/two-factor"): frozenset({401, 403, 429, 503}),
    ("GET", "/me"): frozenset({404}),
    ("PUT", "/me/profile"): frozenset({404}),
    # A run's results, logs and variables are kept for a while, then gone (410).
    ("GET", "/runs/{run_id}/results"): frozenset({410}),
    ("GET", "/runs/{run_id}/results/{case_id}"): frozenset({410}),
    ("GET", "/runs/{run_id}/logs"): frozenset({410}),
    ("GET", "/runs/{run_id}/variables"): frozenset({410}),
    # LLM work: refused when no model is configured (503) or past the plan's calls (403).
    ("POST", "/runs/{run_id}/results/{case_id}/explanation"): frozenset({403, 410, 503}),
    ("POST", "/projects/{project_id}/suggestions"): frozenset({403, 503}),
    ("POST", "/suites/{suite_id}/proposals/ai"): frozenset({403, 503}),
    ("POST", "/projects/{project_id}/documentation"): frozenset({403, 503}),
    # Coverage exists once a run has ended and been measured (409 coverage-not-ready before).
    ("GET", "/runs/{run_id}/coverage"): frozenset({409}),
    ("GET", "/suites/{suite_id}/coverage"): frozenset({409}),
}


IDEMPOTENCY_KEY_PARAMETER: dict[str, Any] = {
    "name": KEY_HEADER,
    "in": "header",
    "required": False,
    "description": "Send the command again under the same key (for 24 h) to get its first "
    "answer again instead of running it twice",
    "schema": {"type": "string", "pattern": KEY_PATTERN, "maxLength": 255},
}


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def route_statuses(route: Any) -> set[int]:
    """This function will list the error statuses a route can answer, from its make-up (an
    APIRoute, or the context FastAPI wraps an included one in: both have what is read here)."""
    calls = list(_calls(route.dependant))
    method = next(iter(route.methods or {"GET"}))
    statuses: set[int] = set(EXTRA_STATUSES.get((method, route.path_format), ()))
    authenticated = get_current_user in calls
    has_body = route.body_field is not None
    has_params = bool(
        has_body
        or route.dependant.path_params
        or route.dependant.query_params
        or route.dependant.header_params
        or any(sub.query_params or sub.header_params for sub in route.dependant.dependencies)
    )
    if authenticated:
        # 400: a DomainError the application names no better; 403: a disabled account, or
        # outside an API key's scope; 429: over an API key's requests per minute.
        statuses |= {400, 401, 403, 429}
    if get_admin in calls:
        statuses.add(403)
    if get_expected_version in calls:
        statuses |= {400, 412}
    if any(isinstance(call, ReadPosition) for call in calls):
        statuses |= {400, 412, 503}
    if route.dependant.path_params:
        statuses.add(404)
    if has_body:
        # 400: a body FastAPI cannot even parse as its media type.
        statuses |= {400, 413, 422}
    if has_params:
        statuses.add(422)
    if authenticated and method in _COMMAND_METHODS:
        statuses |= {404, 409, 503}
    return statuses


def _problem_response(status: int) -> dict[str, Any]:
    return {
        "description": STATUS_DESCRIPTIONS.get(status, "A problem"),
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def _answers_raw(route: BaseRoute) -> bool:
    """This function will tell whether a route answers a Response of its own making (a file,
    a stream): FastAPI then documents an empty JSON schema, which says nothing true."""
    if not isinstance(route, APIRoute) or route.response_model is not None:
        return False
    try:
        returned = get_type_hints(route.endpoint).get("return")
    except (NameError, TypeError):
        return False
    return isinstance(returned, type) and issubclass(returned, Response)


def _any_media(responses: dict[str, Any]) -> None:
    for status, response in responses.items():
        if status.startswith("2") and "content" in response:
            # Any media type, any bytes: a stored file is served as it was uploaded.
            response["content"] = {"*/*": {"schema": {}}}


def truthful_openapi(app: FastAPI) -> dict[str, Any]:
    """This function will build the app's OpenAPI document with its errors and rules stated."""
    document = get_openapi(
        title=app.title,
        version=app.version,
        openapi_version=app.openapi_version,
        description=app.description,
        routes=app.routes,
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    schemas["Problem"] = PROBLEM_SCHEMA
    schemas["JsonValue"] = copy.deepcopy(JSON_VALUE)
    for schema in schemas.values():
        state_text_rules(schema)
    routes = {
        (method, context.path_format): context
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute) and context.include_in_schema
        for method in context.methods or ()
    }
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            route = routes.get((method.upper(), path))
            responses = operation.setdefault("responses", {})
            if route is not None and _answers_raw(route.original_route):
                _any_media(responses)
            statuses = route_statuses(route) if route else set()
            if takes_key(method.upper(), path):
                # A bad key 400, a key reused for another request 422, one still running 409.
                operation.setdefault("parameters", []).append(
                    copy.deepcopy(IDEMPOTENCY_KEY_PARAMETER)
                )
                statuses |= {400, 409, 422}
            statuses |= {int(code) for code in responses if code.isdigit() and int(code) >= 400}
            for status in statuses:
                responses[str(status)] = _problem_response(status)
            operation["responses"] = dict(sorted(responses.items()))
            for parameter in operation.get("parameters", ()):
                state_parameter_rules(parameter)
            state_form_rules(operation, schemas)
    return document


def install_openapi(app: FastAPI) -> None:
    """This function will have the app serve the truthful document, built once."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = truthful_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
