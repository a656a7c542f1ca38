"""The six seeded apps. Each validates its input as its document says, except where a bug is
seeded; `trigger` marks the moment the buggy path ran."""

import json
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from tests.support.seeded.base import PROBLEM, Bug, SeededApp, document, json_body, new_app, problem

INT = {"type": "integer"}
STR = {"type": "string"}


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def catalog() -> SeededApp:
    """An unknown enum member and a non-ASCII string crash the app (500)."""
    item = {"type": "object", "required": ["id", "name"], "properties": {"id": INT, "name": STR}}
    note = {
        "type": "object",
        "required": ["text"],
        "properties": {"text": {"type": "string", "maxLength": 200}},
    }
    doc = document(
        "Catalog",
        {
            "/items": {
                "get": {
                    "operationId": "listItems",
                    "parameters": [
                        {
                            "name": "sort",
                            "in": "query",
                            "schema": {"type": "string", "enum": ["name", "price"]},
                        },
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 50},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "items",
                            "content": {
                                "application/json": {"schema": {"type": "array", "items": item}}
                            },
                        },
                        "400": PROBLEM,
                    },
                }
            },
            "/notes": {
                "post": {
                    "operationId": "createNote",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": note}},
                    },
                    "responses": {
                        "201": {
                            "description": "created",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["id", "text"],
                                        "properties": {"id": INT, "text": STR},
                                    }
                                }
                            },
                        },
                        "400": PROBLEM,
                    },
                }
            },
        },
    )
    seeded = new_app(
        "catalog",
        doc,
        [
            Bug(
                "catalog-enum-500",
                "GET /items",
                "unknown enum gives 500",
                "sort outside its enum raises KeyError",
            ),
            Bug(
                "catalog-string-500",
                "POST /notes",
                "free string gives 500",
                "a non-ASCII note text raises UnicodeEncodeError",
            ),
        ],
    )
    orders = {"name": lambda i: i["name"], "price": lambda i: i["id"]}

    @seeded.app.get("/items")
    def list_items(request: Request) -> Response:
        limit = _int(request.query_params.get("limit", "10"))
        if limit is None or not 1 <= limit <= 50:
            return problem(400, "limit must be an integer in 1..50")
        sort = request.query_params.get("sort", "name")
        if sort not in orders:
            seeded.trigger("catalog-enum-500")
        key = orders[sort]  # the bug: no check that sort is a member of the enum
        items = sorted([{"id": 2, "name": "b"}, {"id": 1, "name": "a"}], key=key)
        return JSONResponse(items[:limit])

    @seeded.app.post("/notes")
    async def create_note(request: Request) -> Response:
        body, error = await json_body(request)
        if error:
            return error
        if (
            not isinstance(body, dict)
            or not isinstance(body.get("text"), str)
            or len(body["text"]) > 200
        ):
            return problem(400, "text is a required string of at most 200 characters")
        if not body["text"].isascii():
            seeded.trigger("catalog-string-500")
        body["text"].encode("ascii")  # the bug: the store takes ASCII only
        return JSONResponse({"id": 1, "text": body["text"]}, status_code=201)

    return seeded


def bookings() -> SeededApp:
    """Off-by-one bounds: 100 refused where 1..100 is documented; 366 nights accepted."""
    booking = {
        "type": "object",
        "required": ["nights", "guest"],
        "properties": {
            "nights": {"type": "integer", "minimum": 1, "maximum": 365},
            "guest": {"type": "string", "minLength": 1, "maxLength": 40},
        },
    }
    doc = document(
        "Bookings",
        {
            "/pages": {
                "get": {
                    "operationId": "listPages",
                    "parameters": [
                        {
                            "name": "size",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "a page",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["size"],
                                        "properties": {"size": INT},
                                    }
                                }
                            },
                        },
                        "400": PROBLEM,
                    },
                }
            },
            "/bookings": {
                "post": {
                    "operationId": "createBooking",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": booking}},
                    },
                    "responses": {
                        "201": {
                            "description": "booked",
                            "content": {"application/json": {"schema": booking}},
                        },
                        "400": PROBLEM,
                    },
                }
            },
        },
    )
    seeded = new_app(
        "bookings",
        doc,
        [
            Bug(
                "bookings-size-100",
                "GET /pages",
                "off-by-one bound",
                "size=100, documented as valid, is refused",
            ),
            Bug(
                "bookings-nights-366",
                "POST /bookings",
                "off-by-one bound",
                "nights=366, documented as invalid, is accepted",
            ),
        ],
    )

    @seeded.app.get("/pages")
    def pages(request: Request) -> Response:
        size = _int(request.query_params.get("size"))
        if size == 100:
            seeded.trigger("bookings-size-100")
        if size is None or not 1 <= size < 100:  # the bug: < where <= was meant
            return problem(400, "size must be an integer in 1..100")
        return JSONResponse({"size": size})

    @seeded.app.post("/bookings")
    async def book(request: Request) -> Response:
        body, error = await json_body(request)
        if error:
            return error
        if not isinstance(body, dict):
            return problem(400, "a booking is an object")
        nights, guest = body.get("nights"), body.get("guest")
        valid_guest = isinstance(guest, str) and 1 <= len(guest) <= 40
        valid_nights = (
            isinstance(nights, int) and not isinstance(nights, bool) and 1 <= nights <= 366
        )
        if not (valid_guest and valid_nights):  # the bug: 366 where 365 was meant
            return problem(400, "nights in 1..365 and a guest are required")
        if nights == 366:
            seeded.trigger("bookings-nights-366")
        return JSONResponse({"nights": nights, "guest": guest}, status_code=201)

    return seeded


def vault() -> SeededApp:
    """A secured operation that never checks the credentials."""
    secret = {"type": "object", "required": ["name"], "properties": {"name": STR}}
    unauthorized = {"description": "no or bad credentials"}
    doc = document(
        "Vault",
        {
            "/secrets": {
                "get": {
                    "operationId": "listSecrets",
                    "security": [{"bearer": []}],
                    "responses": {
                        "200": {
                            "description": "secrets",
                            "content": {
                                "application/json": {"schema": {"type": "array", "items": secret}}
                            },
                        },
                        "401": unauthorized,
                    },
                }
            },
            "/profile": {
                "get": {
                    "operationId": "getProfile",
                    "security": [{"bearer": []}],
                    "responses": {
                        "200": {
                            "description": "me",
                            "content": {"application/json": {"schema": secret}},
                        },
                        "401": unauthorized,
                    },
                }
            },
        },
        securitySchemes={"bearer": {"type": "http", "scheme": "bearer"}},
    )
    seeded = new_app(
        "vault",
        doc,
        [
            Bug(
                "vault-missing-auth",
                "GET /secrets",
                "missing auth check",
                "GET /secrets answers 200 without credentials",
            ),
        ],
    )

    seeded.token = "seeded-vault-token"

    def authorized(request: Request) -> bool:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and token.strip() == seeded.token

    @seeded.app.get("/secrets")
    def secrets(request: Request) -> Response:
        if not authorized(request):
            seeded.trigger("vault-missing-auth")  # the bug: no check follows
        return JSONResponse([{"name": "launch-codes"}])

    @seeded.app.get("/profile")
    def profile(request: Request) -> Response:
        if not authorized(request):
            return Response(status_code=401, headers={"WWW-Authenticate": "Bearer"})
        return JSONResponse({"name": "alice"})

    return seeded


def users() -> SeededApp:
    """A response that breaks its schema: id as a string, the required email left out."""
    user = {
        "type": "object",
        "required": ["id", "name", "email"],
        "properties": {"id": INT, "name": STR, "email": {"type": "string", "format": "email"}},
    }
    doc = document(
        "Users",
        {
            "/users": {
                "get": {
                    "operationId": "listUsers",
                    "responses": {
                        "200": {
                            "description": "users",
                            "content": {
                                "application/json": {"schema": {"type": "array", "items": user}}
                            },
                        }
                    },
                }
            },
            "/users/{userId}": {
                "get": {
                    "operationId": "getUser",
                    "parameters": [
                        {
                            "name": "userId",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer", "minimum": 1},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "a user",
                            "content": {"application/json": {"schema": user}},
                        },
                        "400": PROBLEM,
                        "404": {
                            "description": "no such user",
                            "content": {"application/problem+json": {"schema": {"type": "object"}}},
                        },
                    },
                }
            },
        },
    )
    seeded = new_app(
        "users",
        doc,
        [
            Bug(
                "users-response-schema",
                "GET /users/{userId}",
                "response violates its schema",
                "id is a string and email is missing",
            ),
        ],
    )
    people = {1: {"id": 1, "name": "alice", "email": "alice@example.com"}}

    @seeded.app.get("/users")
    def list_users() -> Response:
        return JSONResponse(list(people.values()))

    @seeded.app.get("/users/{user_id}")
    def get_user(user_id: str) -> Response:
        number = _int(user_id)
        if number is None or number < 1:
            return problem(400, "userId is an integer from 1")
        seeded.trigger("users-response-schema")
        return JSONResponse({"id": str(number), "name": "user"})  # the bug: the wrong shape

    return seeded


def reports() -> SeededApp:
    """JSON documented, plain text sent."""
    doc = document(
        "Reports",
        {
            "/report": {
                "get": {
                    "operationId": "getReport",
                    "responses": {
                        "200": {
                            "description": "totals",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["total"],
                                        "properties": {"total": INT},
                                    }
                                }
                            },
                        }
                    },
                }
            },
            "/status": {
                "get": {
                    "operationId": "getStatus",
                    "responses": {
                        "200": {
                            "description": "up",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["up"],
                                        "properties": {"up": {"type": "boolean"}},
                                    }
                                }
                            },
                        }
                    },
                }
            },
        },
    )
    seeded = new_app(
        "reports",
        doc,
        [
            Bug(
                "reports-content-type",
                "GET /report",
                "wrong content type",
                "text/plain where application/json is documented",
            ),
        ],
    )

    @seeded.app.get("/report")
    def report() -> Response:
        seeded.trigger("reports-content-type")
        return PlainTextResponse("total=3")  # the bug: not the documented media type

    @seeded.app.get("/status")
    def status() -> Response:
        return JSONResponse({"up": True})

    return seeded


def uploads() -> SeededApp:
    """An empty body and a body over its maxItems crash the app (500)."""
    batch = {
        "type": "object",
        "required": ["items"],
        "properties": {
            "items": {
                "type": "array",
                "maxItems": 100,
                "items": {"type": "string", "maxLength": 20},
            }
        },
    }
    doc = document(
        "Uploads",
        {
            "/uploads": {
                "post": {
                    "operationId": "upload",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": batch}},
                    },
                    "responses": {
                        "201": {
                            "description": "stored",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["count"],
                                        "properties": {"count": INT},
                                    }
                                }
                            },
                        },
                        "400": PROBLEM,
                    },
                }
            }
        },
    )
    seeded = new_app(
        "uploads",
        doc,
        [
            Bug(
                "uploads-empty-body-500",
                "POST /uploads",
                "crash on an empty body",
                "an empty body raises in json.loads",
            ),
            Bug(
                "uploads-huge-body-500",
                "POST /uploads",
                "crash on a huge body",
                "more than 100 items overflow a fixed buffer",
            ),
        ],
    )

    @seeded.app.post("/uploads")
    async def upload(request: Request) -> Response:
        raw = await request.body()
        if not raw.strip():
            seeded.trigger("uploads-empty-body-500")
        try:
            body: Any = json.loads(raw)  # the bug: an empty body is not caught
        except ValueError:
            if not raw.strip():
                raise
            return problem(400, "the body is not JSON")
        if not isinstance(body, dict) or not isinstance(body.get("items"), list):
            return problem(400, "items is a required array")
        items = body["items"]
        if not all(isinstance(i, str) and len(i) <= 20 for i in items):
            return problem(400, "items are strings of at most 20 characters")
        if len(items) > 100:
            seeded.trigger("uploads-huge-body-500")
            buffer = [""] * 100
            for i, value in enumerate(items):
                buffer[i] = value  # the bug: IndexError past 100
        return JSONResponse({"count": len(items)}, status_code=201)

    return seeded


ALL = (catalog, bookings, vault, users, reports, uploads)
