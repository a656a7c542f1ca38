"""A real API for the Postman collections of tests/fixtures/postman: auth, CRUD, errors.

FastAPI, in memory, served by uvicorn on a free loopback port in a thread. The bench
(bench/postman_parity.py) and the integration tests run Newman and Testament against it.
"""

import base64
import itertools
import re
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from fastapi import FastAPI, Header, Request, Response
from fastapi.responses import JSONResponse

USERS = {"ada": "lovelace-1815", "alan": "turing-1912"}
API_KEY = "k-3b9f"
CLIENT_ID, CLIENT_SECRET = "reports", "s3cr3t-client"


def create_app() -> FastAPI:
    """This function will build a fresh app with empty stores."""
    app = FastAPI()
    tokens: dict[str, str] = {}
    people: dict[int, dict[str, Any]] = {}
    articles: dict[str, dict[str, Any]] = {}
    ids = itertools.count(1)

    def user_of(authorization: str | None) -> str | None:
        if not authorization or not authorization.startswith("Bearer "):
            return None
        return tokens.get(authorization[7:])

    def unauthorized() -> JSONResponse:
        return JSONResponse({"error": "unauthorized"}, status_code=401)

    @app.post("/auth/login")
    async def login(request: Request) -> Response:
        body = await request.json()
        name, password = body.get("username"), body.get("password")
        if USERS.get(name) != password:
            return JSONResponse({"error": "invalid credentials"}, status_code=401)
        token = uuid.uuid4().hex
        tokens[token] = name
        return JSONResponse({"token": token, "user": {"username": name}, "expires_in": 3600})

    @app.post("/oauth/token")
    async def oauth_token(request: Request) -> Response:
        form = await request.form()
        if (form.get("grant_type"), form.get("client_id"), form.get("client_secret")) != (
            "client_credentials",
            CLIENT_ID,
            CLIENT_SECRET,
        ):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        token = uuid.uuid4().hex
        tokens[token] = "ada"
        return JSONResponse({"access_token": token, "token_type": "Bearer", "expires_in": 3600})

    @app.get("/me")
    async def me(authorization: str | None = Header(default=None)) -> Response:
        name = user_of(authorization)
        if name is None:
            return unauthorized()
        return JSONResponse({"username": name, "roles": ["reader", "writer"]})

    def person_error(body: Any) -> JSONResponse | None:
        if not isinstance(body, dict):
            return JSONResponse({"error": "validation", "field": "body"}, status_code=422)
        if not isinstance(body.get("name"), str) or not body["name"].strip():
            return JSONResponse({"error": "validation", "field": "name"}, status_code=422)
        if not isinstance(body.get("email"), str) or "@" not in body["email"]:
            return JSONResponse({"error": "validation", "field": "email"}, status_code=422)
        return None

    @app.post("/users")
    async def create_person(
        request: Request, authorization: str | None = Header(default=None)
    ) -> Response:
        if user_of(authorization) is None:
            return unauthorized()
        body = await request.json()
        error = person_error(body)
        if error is not None:
            return error
        identifier = next(ids)
        person = {
            "id": identifier,
            "name": body["name"],
            "email": body["email"],
            "tags": list(body.get("tags") or []),
            "age": body.get("age"),
            "created_at": "2026-12-03T10:00:00Z",
        }
        people[identifier] = person
        return JSONResponse(person, status_code=201, headers={"Location": f"/users/{identifier}"})

    @app.get("/users")
    async def list_people(
        limit: int = 10, q: str = "", authorization: str | None = Header(default=None)
    ) -> Response:
        if user_of(authorization) is None:
            return unauthorized()
        found = [p for p in people.values() if q.lower() in p["name"].lower()][:limit]
        return JSONResponse({"items": found, "count": len(found), "limit": limit})

    @app.get("/users/{identifier}")
    async def get_person(
        identifier: int, authorization: str | None = Header(default=None)
    ) -> Response:
        if user_of(authorization) is None:
            return unauthorized()
        person = people.get(identifier)
        if person is None:
            return JSONResponse({"error": "not found"}, status_code=404)
        return JSONResponse(person, headers={"X-Resource-Id": str(identifier)})

    @app.put("/users/{identifier}")
    async def update_person(
        identifier: int, request: Request, authorization: str | None = Header(default=None)
    ) -> Response:
        if user_of(authorization) is None:
            return unauthorized()
        if identifier not in people:
            return JSONResponse({"error": "not found"}, status_code=404)
        body = await request.json()
        error = person_error(body)
        if error is not None:
            return error
        people[identifier].update(name=body["name"], email=body["email"])
        return JSONResponse(people[identifier])

    @app.delete("/users/{identifier}")
    async def delete_person(
        identifier: int, authorization: str | None = Header(default=None)
    ) -> Response:
        if user_of(authorization) is None:
            return unauthorized()
        if people.pop(identifier, None) is None:
            return JSONResponse({"error": "not found"}, status_code=404)
        return Response(status_code=204)

    @app.post("/articles")
    async def create_article(
        request: Request, authorization: str | None = Header(default=None)
    ) -> Response:
        if user_of(authorization) is None:
            return unauthorized()
        body = await request.json()
        title = body.get("title") if isinstance(body, dict) else None
        if not isinstance(title, str) or len(title) < 3:
            return JSONResponse({"error": "validation", "field": "title"}, status_code=422)
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") + f"-{len(articles) + 1}"
        article = {
            "slug": slug,
            "title": title,
            "body": body.get("body", ""),
            "tags": body.get("tags", []),
            "author": user_of(authorization),
        }
        articles[slug] = article
        return JSONResponse({"article": article}, status_code=201)

    @app.get("/articles/{slug}")
    async def get_article(slug: str) -> Response:
        article = articles.get(slug)
        if article is None:
            return JSONResponse({"error": "not found"}, status_code=404)
        return JSONResponse({"article": article})

    @app.get("/articles")
    async def list_articles(tag: str = "") -> Response:
        found = [a for a in articles.values() if not tag or tag in a["tags"]]
        return JSONResponse({"articles": found, "articlesCount": len(found)})

    @app.api_route("/echo", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    async def echo(request: Request) -> Response:
        raw = await request.body()
        form: dict[str, Any] = {}
        if request.headers.get("content-type", "").startswith(
            ("multipart/", "application/x-www-form-urlencoded")
        ):
            form = {k: str(v) for k, v in (await request.form()).items()}
        return JSONResponse(
            {
                "method": request.method,
                "query": dict(request.query_params),
                "has_body": bool(raw),
                "body_length": len(raw),
                "content_type": request.headers.get("content-type"),
                "authorization": request.headers.get("authorization"),
                "api_key": request.headers.get("x-api-key"),
                "form": form,
                "body": raw.decode(errors="replace"),
            }
        )

    @app.get("/basic")
    async def basic(authorization: str | None = Header(default=None)) -> Response:
        if not authorization or not authorization.startswith("Basic "):
            return JSONResponse(
                {"error": "unauthorized"}, status_code=401, headers={"WWW-Authenticate": "Basic"}
            )
        name, _, password = base64.b64decode(authorization[6:]).decode().partition(":")
        if USERS.get(name) != password:
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        return JSONResponse({"authenticated": True, "user": name})

    @app.get("/keyed")
    async def keyed(request: Request) -> Response:
        key = request.headers.get("x-api-key") or request.query_params.get("api_key")
        if key != API_KEY:
            return JSONResponse({"error": "forbidden"}, status_code=403)
        return JSONResponse(
            {"ok": True, "via": "header" if request.headers.get("x-api-key") else "query"}
        )

    @app.post("/graphql")
    async def graphql(request: Request) -> Response:
        body = await request.json()
        query = body.get("query", "")
        if "viewer" not in query:
            return JSONResponse({"errors": [{"message": "unknown field"}]}, status_code=400)
        return JSONResponse(
            {"data": {"viewer": {"login": "ada", "id": body.get("variables", {}).get("id", 0)}}}
        )

    @app.get("/health")
    async def health() -> Response:
        return JSONResponse({"status": "ok", "version": "1.4.2"}, headers={"X-Service": "target"})

    return app


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving() -> Iterator[str]:
    """This function will serve a fresh app on loopback and give its base URL."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="error", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)
