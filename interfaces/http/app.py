"""The FastAPI application."""

from fastapi import FastAPI

from interfaces.bootstrap import Runtime
from interfaces.http.correlation import CorrelationMiddleware
from interfaces.http.docs import install_docs
from interfaces.http.errors import install_error_handlers
from interfaces.http.routers import (
    auth,
    cases,
    environments,
    files,
    health,
    projects,
    runs,
    specifications,
    suites,
)
from interfaces.http.text_guard import LoneSurrogateGuard

DESCRIPTION = """Testament: API test automation, event-sourced.

Every command's response carries `X-Testament-Position` (the log position it was written at)
and an `ETag` (the aggregate's version). Send the position back as `min_position` (or the
`X-Testament-Min-Position` header) on a query to read your own writes, and the ETag as `If-Match`
on a change to refuse lost updates. Errors are RFC 9457 problem+json.
"""


def create_app(runtime: Runtime) -> FastAPI:
    """This function will build the HTTP API on a runtime."""
    app = FastAPI(
        title="Testament",
        version="0.1.0",
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
    )
    install_docs(app)
    app.state.runtime = runtime
    install_error_handlers(app)

    app.add_middleware(LoneSurrogateGuard)
    app.add_middleware(CorrelationMiddleware)  # outermost: the guard's answers carry the id
    app.include_router(health.router)
    app.include_router(auth.router)
    app.include_router(projects.router)
    app.include_router(specifications.router)
    app.include_router(files.router)
    app.include_router(suites.router)
    app.include_router(cases.router)
    app.include_router(environments.router)
    app.include_router(runs.router)
    return app
