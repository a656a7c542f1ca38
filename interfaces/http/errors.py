"""Every error leaves as RFC 9457 problem+json, mapped here and nowhere else."""

import json
import logging
import re
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from application.identity.api_keys import InvalidApiKeyError
from application.identity.errors import (
    AccountDisabledError,
    AccountLockedError,
    InvalidCredentialsError,
    InvalidSecondFactorError,
    InvitationRequiredError,
    RegistrationClosedError,
    TooManyMessagesError,
)
from application.identity.external import ExternalSignUpRefusedError
from application.llm.errors import (
    LlmInvalidAnswerError,
    LlmNotConfiguredError,
    LlmUnavailableError,
)
from application.notif.ports import TargetRefusedError
from application.shared.base import ConcurrentChangeError
from application.subscriptions.billing import BillingNotConfiguredError
from application.subscriptions.ports import InvalidSignatureError, PaymentProviderError
from domain.shared.errors import (
    ConflictError,
    DomainError,
    InconsistentValuesError,
    InvalidValueError,
    NotFoundError,
    TokenNotValidError,
    VersionMismatchError,
)
from domain.shared.limits import TooLargeError
from domain.subscriptions.limits import LimitExceededError
from infrastructure.postgres.recorder import WriteTimeoutError
from infrastructure.security.oidc import OidcError, UnknownProviderError
from infrastructure.security.tokens import InvalidTokenError
from interfaces.http.allowed_methods import allowed_methods
from interfaces.http.problem_types import conflict_type

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"

# An ETag as commands send it back in If-Match ("3", W/"3" or a bare 3).
ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')


def if_match_version(value: str | None) -> int | None:
    """This function will read the version an If-Match names (None for absent, '*' or bad)."""
    match = ETAG.match(value or "")
    return int(match.group(1)) if match else None


class ProblemError(Exception):
    """An HTTP problem raised by the interface layer itself (bad header, read model behind)."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.status, self.slug, self.title, self.detail = status, slug, title, detail
        self.headers = headers or {}
        self.extensions = extensions


def problem(
    request: Request,
    status: int,
    slug: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    """This function will build a problem+json response."""
    body = {
        "type": f"/problems/{slug}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **extensions,
    }
    correlation_id = getattr(request.state, "correlation_id", None)
    if correlation_id:
        body["correlation_id"] = correlation_id
    return _ProblemResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


class _ProblemResponse(JSONResponse):
    """A problem written in ASCII: an error quoting what the client sent must be able to
    quote anything, even text no UTF-8 encoder takes."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, separators=(",", ":"), default=str).encode("ascii")


def _unauthorized(request: Request, detail: str) -> JSONResponse:
    return problem(
        request,
        401,
        "unauthorized",
        "Authentication required",
        detail,
        headers={"WWW-Authenticate": 'Bearer realm="testament"'},
    )


_UNION_TAG_ERRORS = frozenset({"union_tag_invalid", "union_tag_not_found"})


_UNKNOWN = object()  # where the body cannot be followed along the error's path


def _field_path(item: Mapping[str, Any], body: Any) -> list[str]:
    """This function will name where an error is as the client wrote it. Pydantic puts in
    the path the tag of a discriminated union (auth.basic.username) and the branch of a
    plain one (tags.list[constrained-str].0), neither a field of the body: a part that names
    no key of the object it is under is left out. A bad or missing tag is the discriminator's
    fault (auth.type)."""
    location = list(item.get("loc", ()))
    named, node = location[:1], body if location[:1] == ["body"] else _UNKNOWN
    parts = location[1:]
    for index, part in enumerate(parts):
        if isinstance(node, dict) and part not in node:
            last = index == len(parts) - 1
            if part in node.values():
                continue  # the tag: the value of the object's discriminator
            if not last or item.get("type") == "none_required":
                continue  # a union's branch (a missing field is the path's last part)
        branch = isinstance(part, str) and part != "[key]"
        if branch and node is not _UNKNOWN and not isinstance(node, dict):
            continue  # a union's branch, under a list or a value
        named.append(part)
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            node = node[part]
        else:
            node = _UNKNOWN
    if item.get("type") in _UNION_TAG_ERRORS:
        named.append(str((item.get("ctx") or {}).get("discriminator", "")).strip("'"))
    return [str(part) for part in named]


def _validation_errors(error: RequestValidationError) -> list[dict[str, Any]]:
    errors = []
    for item in error.errors():
        location = _field_path(item, error.body)
        field = ".".join(location[1:]) if len(location) > 1 else ".".join(location)
        errors.append(
            {"field": field, "location": location[:1], "message": item.get("msg", "invalid")}
        )
    return errors


_HTTP_PROBLEMS = {
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    413: ("too-large", "Content too large"),
}


def install_error_handlers(app: FastAPI) -> None:
    """This function will map every error to its status and problem type."""

    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(error)
        fields = ", ".join(e["field"] for e in errors)
        return problem(
            request, 422, "validation", "Invalid input", f"invalid: {fields}", errors=errors
        )

    @app.exception_handler(InvalidValueError)
    async def on_invalid(request: Request, error: InvalidValueError) -> JSONResponse:
        errors = [
            {"field": field, "location": ["body"], "message": message}
            for field, message in getattr(error, "errors", [(error.field, error.message)])
        ]
        if isinstance(error, TokenNotValidError):
            return problem(
                request, 422, "token-not-valid", "Token not valid", error.message, errors=errors
            )
        if isinstance(error, InconsistentValuesError):
            return problem(
                request,
                422,
                "inconsistent-values",
                "Values that disagree",
                error.message,
                errors=errors,
            )
        return problem(request, 422, "validation", "Invalid input", error.message, errors=errors)

    @app.exception_handler(NotFoundError)
    async def on_not_found(request: Request, error: NotFoundError) -> JSONResponse:
        return problem(request, 404, "not-found", "Not found", error.message)

    @app.exception_handler(VersionMismatchError)
    async def on_precondition(request: Request, error: VersionMismatchError) -> JSONResponse:
        return problem(
            request,
            412,
            "version-mismatch",
            "Precondition failed",
            error.message,
            headers={"ETag": f'"{error.current}"'},
            current_version=error.current,
        )

    @app.exception_handler(ConcurrentChangeError)
    async def on_race(request: Request, error: ConcurrentChangeError) -> JSONResponse:
        headers = {"ETag": f'"{error.current_version}"'} if error.current_version else None
        expected = if_match_version(request.headers.get("if-match"))
        if expected is not None and error.current_version not in (None, expected):
            # RFC 9110 13.1.1: a request whose If-Match no longer names the current version
            # fails its precondition (412), whether it lost the race before loading the
            # aggregate or while saving it. Without If-Match, a lost race is a 409.
            return problem(
                request,
                412,
                "version-mismatch",
                "Precondition failed",
                f"expected version {expected}, but the current version is {error.current_version}",
                headers=headers,
                current_version=error.current_version,
            )
        return problem(
            request,
            409,
            "concurrent-change",
            "Conflict",
            error.message,
            headers=headers,
            current_version=error.current_version,
        )

    @app.exception_handler(BillingNotConfiguredError)
    async def on_no_billing(request: Request, error: BillingNotConfiguredError) -> JSONResponse:
        return problem(
            request, 503, "billing-not-configured", "Billing not configured", error.message
        )

    @app.exception_handler(PaymentProviderError)
    async def on_provider(request: Request, error: PaymentProviderError) -> JSONResponse:
        return problem(
            request, 502, "payment-provider-error", "Payment provider error", error.message
        )

    @app.exception_handler(TargetRefusedError)
    async def on_target(request: Request, error: TargetRefusedError) -> JSONResponse:
        return problem(
            request,
            422,
            "target-refused",
            "Testament will not post to this URL",
            error.message,
            errors=[{"field": "url", "location": ["body"], "message": error.message}],
        )

    @app.exception_handler(InvalidSignatureError)
    async def on_signature(request: Request, error: InvalidSignatureError) -> JSONResponse:
        return problem(request, 400, "invalid-signature", "Invalid signature", error.message)

    @app.exception_handler(LimitExceededError)
    async def on_limit(request: Request, error: LimitExceededError) -> JSONResponse:
        # Seed 001 §7.3's body, its fields as the seed spells them, inside the problem.
        return problem(
            request,
            403,
            "limit-exceeded",
            "Plan limit reached",
            error.message,
            error="LIMIT_EXCEEDED",
            limitType=error.limit_type,
            currentUsage=error.current_usage,
            limit=error.limit,
            upgradeUrl=error.upgrade_url,
        )

    @app.exception_handler(ConflictError)
    async def on_conflict(request: Request, error: ConflictError) -> JSONResponse:
        slug, title = conflict_type(error)
        return problem(request, 409, slug, title, error.message)

    @app.exception_handler(InvalidCredentialsError)
    async def on_credentials(request: Request, error: InvalidCredentialsError) -> JSONResponse:
        return _unauthorized(request, error.message)

    @app.exception_handler(OidcError)
    async def on_oidc(request: Request, error: OidcError) -> JSONResponse:
        return problem(request, 401, "external-sign-in-failed", "Sign-in failed", str(error))

    @app.exception_handler(UnknownProviderError)
    async def on_unknown_provider(request: Request, error: UnknownProviderError) -> JSONResponse:
        return problem(request, 404, "not-found", "Not found", str(error))

    @app.exception_handler(ExternalSignUpRefusedError)
    async def on_sign_up_refused(
        request: Request, error: ExternalSignUpRefusedError
    ) -> JSONResponse:
        return problem(request, 403, "sign-up-refused", "No account opened", error.message)

    @app.exception_handler(InvalidSecondFactorError)
    async def on_second_factor(request: Request, error: InvalidSecondFactorError) -> JSONResponse:
        return problem(request, 401, "invalid-second-factor", "Wrong code", error.message)

    @app.exception_handler(AccountLockedError)
    async def on_locked(request: Request, error: AccountLockedError) -> JSONResponse:
        return problem(
            request,
            429,
            "too-many-attempts",
            "Too many attempts",
            error.message,
            headers={"Retry-After": str(error.retry_after)},
            retry_after=error.retry_after,
        )

    @app.exception_handler(TooManyMessagesError)
    async def on_too_many(request: Request, error: TooManyMessagesError) -> JSONResponse:
        return problem(
            request,
            429,
            "too-many-attempts",
            "Too many attempts",
            error.message,
            headers={"Retry-After": str(error.retry_after)},
            retry_after=error.retry_after,
        )

    @app.exception_handler(AccountDisabledError)
    async def on_disabled(request: Request, error: AccountDisabledError) -> JSONResponse:
        return problem(request, 403, "account-disabled", "Account disabled", error.message)

    @app.exception_handler(RegistrationClosedError)
    async def on_closed(request: Request, error: RegistrationClosedError) -> JSONResponse:
        return problem(request, 403, "registration-closed", "Registration closed", error.message)

    @app.exception_handler(InvitationRequiredError)
    async def on_invitation(request: Request, error: InvitationRequiredError) -> JSONResponse:
        return problem(request, 403, "invitation-required", "Invitation required", error.message)

    @app.exception_handler(InvalidApiKeyError)
    async def on_api_key(request: Request, error: InvalidApiKeyError) -> JSONResponse:
        return _unauthorized(request, error.message)

    @app.exception_handler(InvalidTokenError)
    async def on_token(request: Request, error: InvalidTokenError) -> JSONResponse:
        return _unauthorized(request, str(error))

    @app.exception_handler(TooLargeError)
    async def on_too_large(request: Request, error: TooLargeError) -> JSONResponse:
        return problem(
            request,
            413,
            "too-large",
            "Content too large",
            error.message,
            limit=error.limit,
            maximum=error.maximum,
            size=error.size,
        )

    @app.exception_handler(WriteTimeoutError)
    async def on_write_timeout(request: Request, error: WriteTimeoutError) -> JSONResponse:
        # Another write held the log too long: the server gave up waiting, nothing was saved.
        return problem(
            request,
            503,
            "write-timeout",
            "Busy",
            "the change could not be saved in time and was not saved; try again",
            headers={"Retry-After": "2"},
        )

    @app.exception_handler(LlmNotConfiguredError)
    async def on_llm_off(request: Request, error: LlmNotConfiguredError) -> JSONResponse:
        return problem(
            request, 503, "llm-not-configured", "LLM assistance is not configured", error.message
        )

    @app.exception_handler(LlmUnavailableError)
    async def on_llm_down(request: Request, error: LlmUnavailableError) -> JSONResponse:
        return problem(request, 503, "llm-unavailable", "The model did not answer", error.message)

    @app.exception_handler(LlmInvalidAnswerError)
    async def on_llm_invalid(request: Request, error: LlmInvalidAnswerError) -> JSONResponse:
        return problem(
            request, 502, "llm-invalid-answer", "The model answered badly", error.message
        )

    @app.exception_handler(DomainError)
    async def on_domain(request: Request, error: DomainError) -> JSONResponse:
        return problem(request, 400, "bad-request", "Bad request", error.message)

    @app.exception_handler(ProblemError)
    async def on_problem(request: Request, error: ProblemError) -> JSONResponse:
        return problem(
            request,
            error.status,
            error.slug,
            error.title,
            error.detail,
            error.headers,
            **error.extensions,
        )

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        if error.status_code == 401:
            return _unauthorized(request, str(error.detail))
        slug, title = _HTTP_PROBLEMS.get(error.status_code, ("http-error", "HTTP error"))
        headers = dict(error.headers or {})
        if error.status_code == 405:
            headers["Allow"] = allowed_methods(request) or headers.get("Allow", "")
        return problem(request, error.status_code, slug, title, str(error.detail), headers=headers)

    @app.exception_handler(Exception)
    async def on_bug(request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem(
            request,
            500,
            "internal",
            "Internal error",
            "Testament failed on this request; the correlation id names it in the logs",
        )
