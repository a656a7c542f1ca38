"""Shared fixtures: markers from folders, and real servers for integration tests.

Integration tests use TESTAMENT_DATABASE_URL / TESTAMENT_REDIS_URL when set (CI sets them)
and start the embedded servers otherwise; they never skip. Each test session gets a fresh
database of its own, dropped at the end.
"""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
import pytest

if TYPE_CHECKING:  # imported inside the fixtures, so unit tests never load the whole app
    from infrastructure.settings import Settings
    from interfaces.bootstrap import Runtime, Servers

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"

# Every read-model pool in the tests refuses a thread a second connection while it holds
# one (infrastructure/postgres/pool.py): the suite proves no code path can deadlock a pool.
os.environ.setdefault("TESTAMENT_STRICT_POOL", "1")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = Path(__file__).parent
    for item in items:
        parts = Path(str(item.fspath)).relative_to(root).parts
        if parts and parts[0] in ("unit", "integration", "e2e"):
            item.add_marker(getattr(pytest.mark, parts[0]))


def _with_database(url: str, dbname: str) -> str:
    base, _, _query = url.partition("?")
    head, _, _old = base.rpartition("/")
    return f"{head}/{dbname}" + (f"?{_query}" if _query else "")


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator["Servers"]:
    """A fresh database on the configured (or embedded) PostgreSQL, and Redis."""
    from interfaces.bootstrap import Servers

    database_url = os.environ.get("TESTAMENT_DATABASE_URL")
    redis_url = os.environ.get("TESTAMENT_REDIS_URL")
    embedded = None
    if not database_url or not redis_url:
        from infrastructure.embedded.servers import start_embedded

        embedded = start_embedded(tmp_path_factory.mktemp("embedded"))
        database_url, redis_url = embedded.database_url, embedded.redis_url
    dbname = f"testament_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    try:
        yield Servers(_with_database(database_url, dbname), redis_url, None)
    finally:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        if embedded is not None:
            embedded.stop()


@pytest.fixture(scope="session")
def settings(servers: "Servers", tmp_path_factory: pytest.TempPathFactory) -> "Settings":
    from infrastructure.settings import Settings

    return Settings(
        database_url=servers.database_url,
        redis_url=servers.redis_url,
        secret_key=TEST_SECRET,
        data_dir=tmp_path_factory.mktemp("data"),
        read_wait_timeout_seconds=2.0,
        # The tests open accounts freely; invite-only and closed are tested on their own.
        registration="open",
        # Every test client has one address; the per-address limit is tested on its own.
        login_address_max_failures=1_000_000,
        # The same for forgot-password requests (tested on their own).
        reset_mail_max_per_client=1_000_000,
        # Test targets run on loopback; the refusal of private addresses is tested on its own.
        allow_private_targets=True,
        # Tests open many projects and runs per account; plan limits are tested on their own
        # (tests/integration/interfaces/http/test_plan_limits.py).
        enforce_plan_limits=False,
    )


@pytest.fixture(scope="session")
def runtime(settings: "Settings", servers: "Servers") -> Iterator["Runtime"]:
    """A migrated runtime on the session's database (projections are run by the tests)."""
    from interfaces.bootstrap import migrate

    built = migrate(settings, servers)
    try:
        yield built
    finally:
        built.close()
