"""A runtime that enforces plan limits, on the session's database, and an HTTP client on it."""

import dataclasses
from collections.abc import Callable, Iterator

import pytest

from infrastructure.projections.catalog import read_model
from infrastructure.security.passwords import Argon2PasswordHasher
from infrastructure.settings import Settings
from interfaces.bootstrap import Runtime, Servers, build_runtime, identity_application
from interfaces.http.app import create_app
from tests.integration.interfaces.http.support import TestClient
from tests.support.fake_stripe import API_KEY, WEBHOOK_SECRET, FakeStripe, fake_stripe

FOLLOWED = ("users", "projects", "testgen", "testexec", "subscriptions", "usage", "sub_audit_log")


@pytest.fixture(scope="module")
def limited(settings: Settings, servers: Servers, runtime: Runtime) -> Iterator[Runtime]:
    built = build_runtime(
        settings.model_copy(update={"enforce_plan_limits": True, "pool_size": 2}), servers
    )
    env = {**built.identity.env, "POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "2"}
    identity = identity_application(
        built.settings, env, hasher=Argon2PasswordHasher(time_cost=1, memory_cost=1024)
    )
    cheap = dataclasses.replace(built, identity=identity)
    yield cheap
    identity.close()
    built.close()


@pytest.fixture(scope="module")
def paid_client(limited: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(limited), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="module")
def settle(limited: Runtime) -> Callable[[], None]:
    """This fixture will run the registration process and the read models to the log heads."""
    runners = [
        *limited.processes(),
        *limited.runners(tuple(read_model(name) for name in FOLLOWED)),
    ]

    def run() -> None:
        for _ in range(2):  # the process writes to the sub log the read models then follow
            for runner in runners:
                runner.catch_up()

    return run


@pytest.fixture(scope="module")
def stripe_server() -> Iterator[FakeStripe]:
    with fake_stripe() as server:
        yield server


@pytest.fixture(scope="module")
def billed(
    settings: Settings, servers: Servers, runtime: Runtime, stripe_server: FakeStripe
) -> Iterator[Runtime]:
    built = build_runtime(
        settings.model_copy(
            update={
                "enforce_plan_limits": True,
                "pool_size": 2,
                "stripe_secret_key": API_KEY,
                "stripe_webhook_secret": WEBHOOK_SECRET,
                "stripe_api_base": stripe_server.url,
                "stripe_price_pro_monthly": "price_pro_monthly",
                "stripe_price_pro_yearly": "price_pro_yearly",
            }
        ),
        servers,
    )
    yield built
    built.close()


@pytest.fixture(scope="module")
def stripe_client(billed: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(billed), raise_server_exceptions=False) as client:
        yield client
