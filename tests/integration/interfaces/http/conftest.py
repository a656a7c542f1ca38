"""An HTTP client on the session's runtime, and a way to bring its read models up to date.

Accounts here hash passwords with argon2id at its cheapest parameters: the same code
path as production, without spending half a second of CPU on every register and login.
"""

import dataclasses
from collections.abc import Callable, Iterator

import pytest

from infrastructure.projections.catalog import read_model
from infrastructure.security.passwords import Argon2PasswordHasher
from interfaces.bootstrap import Runtime, identity_application
from interfaces.http.app import create_app
from tests.integration.interfaces.http.support import Account, TestClient, an_account


@pytest.fixture(scope="session")
def http_runtime(runtime: Runtime) -> Iterator[Runtime]:
    """The session's runtime with an identity application that hashes cheaply."""
    # A small pool of its own: the PostgreSQL server is shared by every test session.
    env = {**runtime.identity.env, "POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "2"}
    identity = identity_application(
        runtime.settings,
        env,
        hasher=Argon2PasswordHasher(time_cost=1, memory_cost=1024),
        live=runtime.live_settings,
    )
    try:
        yield dataclasses.replace(runtime, identity=identity)
    finally:
        identity.close()


@pytest.fixture(scope="session")
def client(http_runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(http_runtime), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def impatient_client(http_runtime: Runtime) -> Iterator[TestClient]:
    """A client whose reads give up waiting for a read model after a tenth of a second."""
    settings = http_runtime.settings.model_copy(update={"read_wait_timeout_seconds": 0.1})
    app = create_app(dataclasses.replace(http_runtime, settings=settings))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def catch_up(http_runtime: Runtime) -> Callable[[], None]:
    """This fixture will apply every event written so far to the users and projects tables."""
    runners = http_runtime.runners((read_model("users"), read_model("projects")))

    def run() -> None:
        for runner in runners:
            runner.catch_up()

    return run


@pytest.fixture(scope="session")
def account_for_reads(client: TestClient) -> Account:
    """One account shared by tests that only read, or only check refusals."""
    return an_account(client)
