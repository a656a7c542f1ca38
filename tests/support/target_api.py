"""A small real API for runs to test: login with a token, CRUD on pets with ids, and routes
that are slow or fail. Its OpenAPI document is FastAPI's own."""

import asyncio
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import uvicorn
from fastapi import Depends, FastAPI, HTTPException, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

USERNAME, PASSWORD = "alice", "wonderland"


class Credentials(BaseModel):
    username: str = Field(examples=["alice"])
    password: str = Field(examples=["wonderland"])


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


class PetIn(BaseModel):
    name: str = Field(min_length=2, max_length=10, examples=["Rex"])
    tag: str | None = Field(default=None, max_length=20)


class Pet(PetIn):
    id: str


def build_target() -> tuple[FastAPI, dict[str, Any]]:
    """This function will build the API and the counters tests read."""
    app = FastAPI(title="Target Pets", version="1.0.0")
    state: dict[str, Any] = {"tokens": set(), "pets": {}, "requests": 0}

    bearer = HTTPBearer(auto_error=False)

    def require_token(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> None:
        if credentials is None:
            raise HTTPException(401, "missing token")
        if credentials.credentials not in state["tokens"]:
            raise HTTPException(401, "invalid token")

    secured = [Depends(require_token)]

    @app.middleware("http")
    async def count(request: Any, call_next: Any) -> Any:
        state["requests"] += 1
        return await call_next(request)

    @app.post("/auth/login", response_model=Token, operation_id="login")
    def login(body: Credentials) -> Token:
        if (body.username, body.password) != (USERNAME, PASSWORD):
            raise HTTPException(401, "wrong credentials")
        token = uuid.uuid4().hex
        state["tokens"].add(token)
        return Token(access_token=token)

    @app.get("/pets", response_model=list[Pet], operation_id="listPets", dependencies=secured)
    def list_pets() -> list[Pet]:
        return list(state["pets"].values())

    @app.post(
        "/pets", response_model=Pet, status_code=201, operation_id="createPet", dependencies=secured
    )
    def create_pet(body: PetIn, response: Response) -> Pet:
        pet = Pet(id=uuid.uuid4().hex[:12], **body.model_dump())
        state["pets"][pet.id] = pet
        response.headers["Location"] = f"/pets/{pet.id}"
        return pet

    @app.get("/pets/{petId}", response_model=Pet, operation_id="getPet", dependencies=secured)
    def get_pet(petId: str) -> Pet:
        if petId not in state["pets"]:
            raise HTTPException(404, "no such pet")
        return state["pets"][petId]  # type: ignore[no-any-return]

    @app.delete("/pets/{petId}", status_code=204, operation_id="deletePet", dependencies=secured)
    def delete_pet(petId: str) -> Response:
        if state["pets"].pop(petId, None) is None:
            raise HTTPException(404, "no such pet")
        return Response(status_code=204)

    @app.get("/slow", include_in_schema=False)
    async def slow(seconds: float = 5.0) -> dict[str, str]:
        await asyncio.sleep(seconds)
        return {"status": "late"}

    @app.get("/broken", include_in_schema=False)
    def broken() -> Response:
        return Response("{not json", media_type="application/json")

    return app, state


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """This function will serve an app on a free loopback port in a thread, yielding its URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
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
        thread.join(timeout=10)
