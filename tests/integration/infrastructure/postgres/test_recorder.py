"""Testament's events recorder: large events over a Unix socket, bounded waits, bounded sizes."""

import base64
import os
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import psycopg
import pytest
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from domain.shared.limits import TooLargeError
from infrastructure.postgres.eventstore import WriteLimits, postgres_env
from infrastructure.postgres.recorder import WriteTimeoutError

MB = 1024 * 1024


def incompressible(size: int) -> str:
    """Random text: it stays about this large once compressed, as the bytes sent must."""
    return base64.b64encode(os.urandom(size * 3 // 4)).decode()[:size]


class Blob(Aggregate):
    """An aggregate carrying one large text, as a parsed specification or a big suite does."""

    class Written(Aggregate.Created):
        text: str

    @event(Written)
    def __init__(self, *, text: str) -> None:
        self.text = text


class BlobApplication(Application):
    name = "bigwrites"


def _unix_socket_url(database_url: str) -> str:
    """The same database reached through the server's Unix-domain socket."""
    with psycopg.connect(database_url) as conn:
        directories = str(conn.execute("SHOW unix_socket_directories").fetchone()[0])  # type: ignore[index]
        port = str(conn.execute("SHOW port").fetchone()[0])  # type: ignore[index]
    local = [d.strip() for d in directories.split(",") if d.strip() and Path(d.strip()).is_dir()]
    assert local, f"the test server has no Unix socket on this machine ({directories})"
    parts = urlsplit(database_url)
    user = parts.username or "postgres"
    return (
        f"postgresql://{quote(user)}@/{parts.path.lstrip('/')}?host={quote(local[0])}&port={port}"
    )


def _application(url: str, **limits: int) -> BlobApplication:
    env = postgres_env(url, create_table=True, limits=WriteLimits(**limits))
    return BlobApplication(env)


@pytest.fixture(scope="module")
def socket_url(servers: Any) -> str:
    return _unix_socket_url(servers.database_url)


@pytest.fixture
def app(socket_url: str) -> Iterator[BlobApplication]:
    built = _application(socket_url, lock_timeout_seconds=1, max_event_bytes=16 * MB)
    yield built
    built.close()


class TestLargeEventsOverAUnixSocket:
    def test_several_multi_megabyte_saves_complete_within_a_bound(
        self, app: BlobApplication
    ) -> None:
        # eventsourcing's own recorder hung for ever in psycopg's pipeline sync on the first.
        sizes = [1 * MB, 3 * MB, 5 * MB, 2 * MB]
        saved: list[uuid.UUID] = []

        def save_all() -> None:
            for size in sizes:
                blob = Blob(text=incompressible(size))
                app.save(blob)
                saved.append(blob.id)

        writer = threading.Thread(target=save_all, daemon=True)
        started = time.monotonic()
        writer.start()
        writer.join(timeout=60)
        assert not writer.is_alive(), f"saves hung: {len(saved)} of {len(sizes)} done"
        assert time.monotonic() - started < 60
        lengths = [len(app.repository.get(blob_id).text) for blob_id in saved]
        assert lengths == sizes

    def test_a_small_write_after_a_large_one_is_not_held_up(self, app: BlobApplication) -> None:
        app.save(Blob(text=incompressible(4 * MB)))
        started = time.monotonic()
        recordings = app.save(Blob(text="small"))
        assert time.monotonic() - started < 1.0
        assert recordings[0].notification.id == app.recorder.max_notification_id()


class TestWriteLimits:
    def test_a_writer_that_cannot_get_the_lock_gives_up_after_the_lock_timeout(
        self, app: BlobApplication, socket_url: str
    ) -> None:
        app.save(Blob(text="table exists"))
        with psycopg.connect(socket_url) as holder:
            holder.execute("LOCK TABLE public.bigwrites_events IN EXCLUSIVE MODE")
            started = time.monotonic()
            with pytest.raises(WriteTimeoutError):
                app.save(Blob(text="waits for the lock"))
            waited = time.monotonic() - started
        # One lock timeout (1 s), not ten retries of it.
        assert 0.9 < waited < 3.0

    def test_an_event_over_the_limit_is_refused_and_nothing_is_written(
        self, socket_url: str
    ) -> None:
        small = _application(socket_url, max_event_bytes=256 * 1024)
        try:
            small.save(Blob(text="fits"))
            head = small.recorder.max_notification_id()
            with pytest.raises(TooLargeError) as raised:
                small.save(Blob(text="fits"), Blob(text="y" * 300 * 1024))
            assert raised.value.limit == "TESTAMENT_MAX_EVENT_BYTES"
            assert raised.value.maximum == 256 * 1024
            assert small.recorder.max_notification_id() == head
        finally:
            small.close()

    def test_a_write_carries_the_server_side_timeouts(self, app: BlobApplication) -> None:
        # The settings live in the write's own transaction (SET LOCAL), so the connection
        # goes back to the pool unchanged; what the server enforced is read back inside it.
        recorder: Any = app.recorder
        seen: dict[str, str] = {}
        original = recorder._fetch_ids_after_insert_events

        def spy(curs: Any, stored: Any, **kwargs: Any) -> Any:
            ids = original(curs, stored, **kwargs)
            for name in (
                "lock_timeout",
                "statement_timeout",
                "idle_in_transaction_session_timeout",
            ):
                seen[name] = str(curs.execute(f"SHOW {name}").fetchone()[name])
            return ids

        recorder._fetch_ids_after_insert_events = spy
        app.save(Blob(text="observed"))
        assert seen == {
            "lock_timeout": "1s",
            "statement_timeout": "30s",
            "idle_in_transaction_session_timeout": "10s",
        }


class TestEventsStoredBeforeCompression:
    def test_read_back_through_the_compressing_factory(self, socket_url: str) -> None:
        env = postgres_env(socket_url, create_table=True)
        upstream = BlobApplication({**env, "PERSISTENCE_MODULE": "eventsourcing.postgres"})
        try:
            old = Blob(text="stored plain " * 1000)
            upstream.save(old)
        finally:
            upstream.close()
        ours = BlobApplication(env)
        try:
            assert ours.repository.get(old.id).text == old.text
            new = Blob(text="stored compressed " * 1000)
            ours.save(new)
            assert ours.repository.get(new.id).text == new.text
        finally:
            ours.close()
