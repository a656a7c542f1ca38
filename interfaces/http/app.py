"""The FastAPI application."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI

from infrastructure.projections.waiting import PositionWatch, tracking_reader
from infrastructure.security.revocations import SessionCheck
from infrastructure.security.tokens import InvalidTokenError
from interfaces.bootstrap import Runtime
from interfaces.http.body_limit import BodyLimitMiddleware
from interfaces.http.correlation import CorrelationMiddleware
from interfaces.http.docs import install_docs
from interfaces.http.errors import install_error_handlers
from interfaces.http.idempotency import IdempotencyMiddleware
from interfaces.http.localization import LocalizationMiddleware
from interfaces.http.nul_guard import NulGuard
from interfaces.http.openapi import install_openapi
from interfaces.http.routers import (
    account_tokens,
    admin,
    api_keys,
    audit,
    auth,
    cases,
    claims,
    configuration,
    coverage,
    environments,
    files,
    health,
    llm,
    notifications,
    phone_numbers,
    postman,
    projects,
    reports,
    runs,
    schedules,
    sign_in,
    specifications,
    subscriptions,
    suites,
    webhooks,
)
from interfaces.http.security_headers import SecurityHeadersMiddleware
from interfaces.http.text_guard import StrictJsonGuard

DESCRIPTION = """Testament: API test automation, event-sourced.

Every command's response carries `X-Testament-Position` (the log position it was written at)
and an `ETag` (the aggregate's version). Send the position back as `min_position` (or the
`X-Testament-Min-Position` header) on a query to read your own writes, and the ETag as `If-Match`
on a change to refuse lost updates. Errors are RFC 9457 problem+json.
"""


def profile_language(runtime: Runtime) -> Callable[[str], str | None]:
    """This function will give the reader of a caller's profile language by their access
    token, for problem titles of requests that send no Accept-Language."""

    def read(token: str) -> str | None:
        try:
            claims = runtime.tokens.check_access(token)
        except InvalidTokenError:
            return None  # the answer is the 401 itself: English, as the header asked none
        return runtime.identity.profile_language(claims.user_id)

    return read


def create_app(runtime: Runtime) -> FastAPI:
    """This function will build the HTTP API on a runtime."""
    sessions = SessionCheck(runtime.servers.redis_url, namespace=runtime.settings.queue_namespace)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await sessions.close()

    app = FastAPI(
        title="Testament",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    install_docs(app)
    install_openapi(app)
    app.state.runtime = runtime
    app.state.sessions = sessions
    app.state.position_watch = PositionWatch(
        tracking_reader(runtime.pool), capacity=runtime.settings.read_wait_max_waiters
    )
    install_error_handlers(app)

    settings = runtime.settings
    # Innermost: the body it reads for the key's fingerprint is bounded and strict already.
    app.add_middleware(
        IdempotencyMiddleware,
        ledger=runtime.idempotency,
        tokens=runtime.tokens,
        secret_key=settings.resolved_secret_key(),
        keep=timedelta(hours=settings.idempotency_keep_hours),
        lease=timedelta(seconds=settings.idempotency_lease_seconds),
        wait_seconds=settings.idempotency_wait_seconds,
    )
    app.add_middleware(StrictJsonGuard)
    app.add_middleware(NulGuard)
    # Outside every guard that reads a whole body, so none of them reads more than the limit.
    app.add_middleware(
        BodyLimitMiddleware,
        max_body_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
    )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(
        LocalizationMiddleware, texts=runtime.texts, profile_language=profile_language(runtime)
    )  # outside every guard: their titles too
    app.add_middleware(CorrelationMiddleware)  # outermost: the guards' answers carry the id
    app.include_router(health.router)
    app.include_router(auth.router)
    app.include_router(sign_in.router)
    app.include_router(claims.router)
    app.include_router(admin.router)
    app.include_router(projects.router)
    app.include_router(specifications.router)
    app.include_router(files.router)
    app.include_router(suites.router)
    app.include_router(cases.router)
    app.include_router(environments.router)
    app.include_router(runs.router)
    app.include_router(postman.router)
    app.include_router(api_keys.router)
    app.include_router(webhooks.router)
    app.include_router(notifications.router)
    app.include_router(account_tokens.router)
    app.include_router(phone_numbers.router)
    app.include_router(subscriptions.router)
    app.include_router(llm.router)
    app.include_router(coverage.router)
    app.include_router(reports.router)
    app.include_router(audit.router)
    app.include_router(schedules.router)
    app.include_router(configuration.router)
    return app
