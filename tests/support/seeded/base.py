"""What every seeded app shares: its document, its bugs, the record of when each fired."""

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response


@dataclass(frozen=True)
class Bug:
    id: str
    operation: str  # "GET /items": where a tool must report a failure to have found it
    kind: str
    description: str


@dataclass
class SeededApp:
    name: str
    app: FastAPI
    document: dict[str, Any]
    bugs: list[Bug]
    # The bearer token a tester is given for the app's secured operations, if it has any.
    token: str | None = None
    triggered: dict[str, float] = field(default_factory=dict)

    def trigger(self, bug_id: str) -> None:
        self.triggered.setdefault(bug_id, time.monotonic())

    def reset(self) -> None:
        self.triggered.clear()


def problem(status: int, detail: str) -> JSONResponse:
    return JSONResponse(
        {"title": "invalid request", "status": status, "detail": detail},
        status_code=status,
        media_type="application/problem+json",
    )


async def json_body(request: Request) -> tuple[Any, JSONResponse | None]:
    """This function will read a JSON body as a careful server does: 400 when it is not JSON."""
    raw = await request.body()
    try:
        return json.loads(raw), None
    except (ValueError, UnicodeDecodeError):
        return None, problem(400, "the body is not JSON")


def document(title: str, paths: dict[str, Any], **components: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": title, "version": "1.0.0"},
        "paths": paths,
    }
    if components:
        doc["components"] = components
    return doc


PROBLEM = {
    "description": "invalid request",
    "content": {"application/problem+json": {"schema": {"type": "object"}}},
}


def new_app(name: str, doc: dict[str, Any], bugs: list[Bug]) -> SeededApp:
    app = FastAPI(title=name, openapi_url=None, docs_url=None, redoc_url=None)
    seeded = SeededApp(name, app, doc, bugs)

    @app.get("/openapi.json", include_in_schema=False)
    def openapi() -> Response:
        return JSONResponse(doc)

    return seeded


Factory = Callable[[], SeededApp]
