"""E-mail on a real deployment (`serve`, `projector`, `worker` as processes) and a real SMTP
server (aiosmtpd): a worker killed with SIGKILL while the server holds a message's DATA
loses nothing, and a message is never accepted twice except as a copy carrying the same
Message-ID (which guarantee holds is in docs/notifications.md)."""

import signal
import threading
import time
import uuid
from collections.abc import Iterator
from email.message import Message
from typing import Any

import httpx
import psycopg
import pytest
from psycopg.rows import dict_row

from infrastructure.settings import Settings
from interfaces.bootstrap import Servers
from tests.support.deployment import Deployment, deployment_env
from tests.support.local_providers import Mailbox, smtp_server
from tests.support.target_api import free_port

LEASE_SECONDS = 3


@pytest.fixture(scope="module")
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as box:
        yield box


@pytest.fixture(scope="module")
def deployment(
    servers: Servers,
    settings: Settings,
    mailbox: Mailbox,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Deployment]:
    data_dir = tmp_path_factory.mktemp("emails")
    port = free_port()
    env = deployment_env(
        database_url=servers.database_url,
        redis_url=servers.redis_url,
        secret_key=settings.resolved_secret_key(),
        data_dir=data_dir,
        port=port,
        TESTAMENT_QUEUE_NAMESPACE=f"testament-e2e-{uuid.uuid4().hex[:10]}",
        TESTAMENT_REGISTRATION="open",
        TESTAMENT_SMTP_HOST=mailbox.host,
        TESTAMENT_SMTP_PORT=str(mailbox.port),
        TESTAMENT_SMTP_TLS="none",
        # A message's attempt is given up for lost 3 s after it started (the sweep then
        # queues it again), looked for every half second.
        TESTAMENT_MESSAGE_LEASE_SECONDS=str(LEASE_SECONDS),
        TESTAMENT_WEBHOOK_SWEEP_INTERVAL_SECONDS="0.5",
    )
    deployment = Deployment(base_url=f"http://127.0.0.1:{port}", env=env, logs=data_dir)
    migrated = deployment.cli("migrate", timeout=120)
    assert migrated.returncode == 0, migrated.stderr
    deployment.start("projector", "projector")
    deployment.start("worker-1", "worker", "--threads", "2")
    deployment.start("serve", "serve")
    try:
        deployment.wait_healthy(timeout=240)
        yield deployment
    finally:
        deployment.stop()


def an_account(api: httpx.Client) -> str:
    email = f"mail-{uuid.uuid4().hex[:8]}@example.com"
    registered = api.post(
        "/auth/register", json={"email": email, "password": "correct horse battery staple"}
    )
    assert registered.status_code == 202, registered.text
    return email


def wait(until: Any, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not until():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.05)


def to(mailbox: Mailbox, address: str, box: list[Message]) -> list[Message]:
    return [m for m in box if m["To"] == address]


def row_of(servers: Servers, address: str) -> dict[str, Any]:
    with psycopg.connect(servers.database_url, row_factory=dict_row) as conn:
        found = conn.execute(
            "SELECT * FROM notif.email_messages WHERE tos = %s", (address,)
        ).fetchall()
    (row,) = found
    return row


def kill_mid_send(deployment: Deployment, mailbox: Mailbox, api: httpx.Client, outcome: str) -> str:
    """This function will have a reset e-mail sent, kill the worker while the SMTP server
    holds its DATA, release the server with an outcome, and start another worker."""
    worker = max(int(name.split("-")[1]) for name in deployment.processes if "worker-" in name)
    address = an_account(api)
    mailbox.held.clear()
    mailbox.hold_outcome = outcome
    mailbox.hold = threading.Event()
    asked = api.post("/auth/forgot-password", json={"email": address})
    assert asked.status_code == 202, asked.text
    try:
        wait(lambda: to(mailbox, address, mailbox.held), "the server holds the message")
    except AssertionError:
        raise AssertionError(deployment.output(f"worker-{worker}")) from None
    killed = deployment.processes[f"worker-{worker}"]
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=10)
    mailbox.hold.set()  # the server answers (451 or 250) to a sender that is gone
    deployment.start(f"worker-{worker + 1}", "worker", "--threads", "2")
    return address


class TestEmailWorkerKilledMidSend:
    def test_a_server_that_dropped_the_message_gets_it_once_from_the_next_worker(
        self, deployment: Deployment, mailbox: Mailbox, servers: Servers
    ) -> None:
        with httpx.Client(base_url=deployment.base_url, timeout=30) as api:
            address = kill_mid_send(deployment, mailbox, api, "refuse")
        wait(lambda: to(mailbox, address, mailbox.accepted), "the message is delivered")
        time.sleep(LEASE_SECONDS + 2)  # a lease and a few sweeps later: still one
        (held,) = to(mailbox, address, mailbox.held)
        (delivered,) = to(mailbox, address, mailbox.accepted)
        assert delivered["Subject"] == "[Testament] Reset your password"
        assert delivered["Message-ID"] == held["Message-ID"]
        row = row_of(servers, address)
        assert row["sent_date_time"] is not None and row["attempt_count"] == 2
        # The killed attempt wrote nothing; the one that sent wrote its line.
        lines = row["log"].strip().splitlines()
        assert len(lines) == 1 and "attempt 2 sent" in lines[0]
        assert delivered["Message-ID"] == f"<{row['id']}@testament>"

    def test_a_server_that_had_kept_it_gets_a_copy_with_the_same_message_id(
        self, deployment: Deployment, mailbox: Mailbox, servers: Servers
    ) -> None:
        with httpx.Client(base_url=deployment.base_url, timeout=30) as api:
            address = kill_mid_send(deployment, mailbox, api, "accept")
        wait(lambda: len(to(mailbox, address, mailbox.accepted)) == 2, "the copy is delivered")
        time.sleep(LEASE_SECONDS + 2)
        copies = to(mailbox, address, mailbox.accepted)
        # At least once: SMTP cannot tell a sender that died before the answer whether the
        # server kept the message; the copy is the same message, recognisable by its id.
        assert len(copies) == 2
        assert copies[0]["Message-ID"] == copies[1]["Message-ID"]
        assert copies[0].get_payload() == copies[1].get_payload()
        row = row_of(servers, address)
        assert row["sent_date_time"] is not None and row["attempt_count"] == 2
