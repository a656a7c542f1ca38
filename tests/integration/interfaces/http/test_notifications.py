"""E-mail and SMS notifications on real PostgreSQL, a real SMTP server (aiosmtpd) and a
local server speaking Twilio's Messages API; preferences through the HTTP API."""

import dataclasses
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import dramatiq
import pytest

from application.notif.messages import (
    Channel,
    MessagePolicy,
    MessageSender,
    NewMessage,
    Notifications,
    Sent,
)
from domain.files.model import FileCategory
from domain.shared.meta import system_meta
from infrastructure.clock import SystemClock
from infrastructure.notifications.senders import LogSender, SmtpEmailSender, TwilioSmsSender
from interfaces.bootstrap import Runtime, Servers, stored_file_reader
from tests.integration.interfaces.http.support import (
    Account,
    TestClient,
    a_project,
    an_account,
    assert_problem,
)
from tests.support.local_providers import Mailbox, smtp_server, twilio_fake


class RecordedQueue:
    def __init__(self) -> None:
        self.queued: list[tuple[str, UUID, datetime | None]] = []

    def enqueue(self, channel: str, message_id: UUID, at: datetime | None = None) -> None:
        self.queued.append((str(channel), message_id, at))


def smtp(mailbox: Mailbox) -> SmtpEmailSender:
    return SmtpEmailSender(
        host=mailbox.host, port=mailbox.port, tls="none", username=None, password=None, timeout=5
    )


def notifications(
    runtime: Runtime, email: MessageSender, sms: MessageSender | None = None, **policy: Any
) -> tuple[Notifications, RecordedQueue]:
    queue = RecordedQueue()
    return (
        Notifications(
            store=runtime.messages,
            senders={Channel.EMAIL: email, Channel.SMS: sms or LogSender()},
            queue=queue,
            clock=SystemClock(),
            policy=MessagePolicy(**policy),
        ),
        queue,
    )


def an_email(**fields: str) -> NewMessage:
    values = {
        "from": "Testament <testament@localhost>",
        "tos": "ada@example.com, bob@example.com",
        "ccs": "",
        "bccs": "audit@example.com",
        "subject": "Run #3 failed",
        "body": "Passed 2, failed 1.",
    }
    values.update(fields)
    return NewMessage(id=uuid4(), channel=Channel.EMAIL, fields=values)


def when_due(outbox: Notifications, channel: Channel, message_id: UUID) -> Sent:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        outcome = outbox.attempt(channel, message_id)
        if outcome != Sent.NOTHING_TO_DO:
            return outcome
        time.sleep(0.01)
    raise AssertionError("the message never came due")


class TestEmail:
    def test_a_message_is_a_row_first_then_delivered_to_every_recipient(
        self, http_runtime: Runtime
    ) -> None:
        with smtp_server() as mailbox:
            outbox, queue = notifications(http_runtime, smtp(mailbox))
            message = an_email()
            outbox.queue(message)
            row = http_runtime.messages.row(Channel.EMAIL, message.id)
            assert row is not None and row["sent_date_time"] is None
            assert queue.queued == [("email", message.id, None)]
            assert outbox.attempt(Channel.EMAIL, message.id) == Sent.SENT
            assert outbox.attempt(Channel.EMAIL, message.id) == Sent.NOTHING_TO_DO
        (received,) = mailbox.accepted
        assert received["Subject"] == "Run #3 failed"
        assert received["Message-ID"] == f"<{message.id}@testament>"  # the same every attempt
        assert "audit@example.com" not in str(received)  # a Bcc is an envelope recipient only
        assert sorted(mailbox.envelopes[0]) == [
            "ada@example.com",
            "audit@example.com",
            "bob@example.com",
        ]
        row = http_runtime.messages.row(Channel.EMAIL, message.id)
        assert row is not None
        assert (row["attempt_count"], row["max_attempt_count"]) == (1, 5)
        assert row["sent_date_time"] is not None and row["next_attempt_date_time"] is None
        assert "attempt 1 sent: accepted by 127.0.0.1" in row["log"]
        assert (row["from"], row["bccs"]) == (
            "Testament <testament@localhost>",
            "audit@example.com",
        )

    def test_attachments_are_read_from_storage_and_sent_with_the_message(
        self, http_runtime: Runtime
    ) -> None:
        report = b"case,status\r\nlist pets,Failed\r\n" + uuid4().hex.encode()
        stored, _ = http_runtime.storage.store_file(
            owner_id=uuid4(),
            file_name="run-3-summary.csv",
            content_type="text/csv",
            content=report,
            category=FileCategory.REPORT,
            meta=system_meta("test"),
        )
        with smtp_server() as mailbox:
            sender = SmtpEmailSender(
                host=mailbox.host,
                port=mailbox.port,
                tls="none",
                username=None,
                password=None,
                timeout=5,
                files=stored_file_reader(http_runtime.storage),
            )
            outbox, _ = notifications(http_runtime, sender)
            message = dataclasses.replace(an_email(), attachments=[(stored.id, "run-3.csv")])
            outbox.queue(message)
            assert outbox.attempt(Channel.EMAIL, message.id) == Sent.SENT
            # A file gone before the message was sent: refused for good, nothing half sent.
            http_runtime.storage.delete_file(stored.id, stored.owner_id, system_meta("test"))
            gone = dataclasses.replace(an_email(), attachments=[(stored.id, "run-3.csv")])
            outbox.queue(gone)
            assert outbox.attempt(Channel.EMAIL, gone.id) == Sent.EXPIRED
        (received,) = mailbox.accepted
        (attached,) = [part for part in received.walk() if part.get_filename()]
        assert attached.get_filename() == "run-3.csv"
        assert attached.get_content_type() == "text/csv"
        assert attached.get_payload(decode=True) == report
        row = http_runtime.messages.row(Channel.EMAIL, gone.id)
        assert row is not None and "cannot be read" in row["log"]

    def test_retries_with_backoff_after_the_server_refuses(self, http_runtime: Runtime) -> None:
        with smtp_server(answers=["451 4.3.0 try later", "421 4.7.0 busy"]) as mailbox:
            outbox, queue = notifications(
                http_runtime, smtp(mailbox), first_delay=timedelta(milliseconds=100)
            )
            message = an_email()
            outbox.queue(message)
            outcomes = [when_due(outbox, Channel.EMAIL, message.id) for _ in range(3)]
        assert outcomes == [Sent.RETRY, Sent.RETRY, Sent.SENT]
        assert len(mailbox.accepted) == 1
        row = http_runtime.messages.row(Channel.EMAIL, message.id)
        assert row is not None and row["attempt_count"] == 3
        lines = row["log"].strip().splitlines()
        assert "attempt 1 failed: SMTP 451" in lines[0] and "retry at" in lines[0]
        assert "attempt 2 failed: SMTP 421" in lines[1]
        assert "attempt 3 sent" in lines[2]
        retries = [at for _, _, at in queue.queued if at is not None]
        assert len(retries) == 2
        first_gap = (retries[1] - retries[0]).total_seconds()
        assert first_gap >= 0.2  # 100 ms, then 200 ms

    def test_a_permanent_refusal_expires_the_message_at_once(self, http_runtime: Runtime) -> None:
        with smtp_server(answers=["550 5.1.1 no such user"]) as mailbox:
            outbox, _ = notifications(http_runtime, smtp(mailbox))
            message = an_email()
            outbox.queue(message)
            assert outbox.attempt(Channel.EMAIL, message.id) == Sent.EXPIRED
        row = http_runtime.messages.row(Channel.EMAIL, message.id)
        assert row is not None and row["sent_date_time"] is None
        assert row["expired_date_time"] <= row["updated_date_time"]
        assert "SMTP 550" in row["log"] and "expired" in row["log"]

    def test_a_message_not_sent_by_its_deadline_expires_and_is_archived(
        self, http_runtime: Runtime
    ) -> None:
        with smtp_server() as mailbox:
            port = mailbox.port
        # Nothing listens on the port any more: every attempt fails to connect.
        down = SmtpEmailSender(
            host="127.0.0.1", port=port, tls="none", username=None, password=None, timeout=2
        )
        outbox, _ = notifications(
            http_runtime,
            down,
            first_delay=timedelta(milliseconds=50),
            lifetime=timedelta(milliseconds=400),
        )
        message = an_email()
        outbox.queue(message)
        assert outbox.attempt(Channel.EMAIL, message.id) == Sent.RETRY
        time.sleep(0.5)
        assert outbox.attempt(Channel.EMAIL, message.id) == Sent.NOTHING_TO_DO
        assert message.id not in http_runtime.messages.due(
            Channel.EMAIL, now=SystemClock().now(), limit=1000
        )
        assert outbox.archive(timedelta(0)) >= 1
        row = http_runtime.messages.row(Channel.EMAIL, message.id)
        assert row is not None and row["archived"] is True
        assert "ConnectionRefusedError" in row["log"]

    def test_a_worker_that_died_mid_send_leaves_it_to_one_later_send(
        self, http_runtime: Runtime
    ) -> None:
        with smtp_server() as mailbox:
            outbox, _ = notifications(
                http_runtime, smtp(mailbox), lease=timedelta(milliseconds=300)
            )
            message = an_email()
            outbox.queue(message)
            # A worker claimed it and died before the server answered.
            claimed = http_runtime.messages.claim(
                Channel.EMAIL,
                message.id,
                now=SystemClock().now(),
                lease=timedelta(milliseconds=300),
            )
            assert claimed is not None
            assert outbox.attempt(Channel.EMAIL, message.id) == Sent.NOTHING_TO_DO
            held = http_runtime.messages.due(Channel.EMAIL, now=SystemClock().now(), limit=1000)
            assert message.id not in held  # the sweep leaves it alone while the lease lasts
            assert when_due(outbox, Channel.EMAIL, message.id) == Sent.SENT
            assert outbox.attempt(Channel.EMAIL, message.id) == Sent.NOTHING_TO_DO
        assert len(mailbox.accepted) == 1
        row = http_runtime.messages.row(Channel.EMAIL, message.id)
        assert row is not None and row["attempt_count"] == 2


class TestSms:
    def test_twilio_protocol_sends_and_an_invalid_number_expires(
        self, http_runtime: Runtime
    ) -> None:
        with twilio_fake() as fake:
            sender = TwilioSmsSender(
                account_sid=fake.account_sid,
                auth_token=fake.auth_token,
                sender="+15005550006",
                base_url=fake.url,
            )
            outbox, _ = notifications(http_runtime, LogSender(), sms=sender)
            good = NewMessage(
                id=uuid4(),
                channel=Channel.SMS,
                fields={"phone_number": "+84901234567", "message": "Run #3 failed"},
            )
            bad = NewMessage(
                id=uuid4(),
                channel=Channel.SMS,
                fields={"phone_number": "0901234567", "message": "Run #3 failed"},
            )
            outbox.queue(good)
            outbox.queue(bad)
            assert outbox.attempt(Channel.SMS, good.id) == Sent.SENT
            assert outbox.attempt(Channel.SMS, bad.id) == Sent.EXPIRED
        assert fake.sent == [
            {"To": "+84901234567", "From": "+15005550006", "Body": "Run #3 failed"}
        ]
        row = http_runtime.messages.row(Channel.SMS, good.id)
        assert row is not None and "accepted as SM" in row["log"]
        refused = http_runtime.messages.row(Channel.SMS, bad.id)
        assert refused is not None and "21211" in refused["log"]

    def test_the_log_only_sender_sends_nothing_and_says_so(self, http_runtime: Runtime) -> None:
        outbox, _ = notifications(http_runtime, LogSender())
        message = NewMessage(
            id=uuid4(), channel=Channel.SMS, fields={"phone_number": "+1", "message": "hi"}
        )
        outbox.queue(message)
        assert outbox.attempt(Channel.SMS, message.id) == Sent.SENT
        row = http_runtime.messages.row(Channel.SMS, message.id)
        assert row is not None and "logged only" in row["log"]


@pytest.fixture
def owner(client: TestClient) -> Account:
    return an_account(client)


class TestPreferences:
    def test_defaults_then_a_put_replaces_them(self, client: TestClient, owner: Account) -> None:
        project_id = a_project(client, owner).json()["id"]
        path = f"/projects/{project_id}/notification-preferences"
        defaults = client.get(path, headers=owner.auth)
        assert defaults.status_code == 200, defaults.text
        assert defaults.json() == {
            "project_id": project_id,
            "run_finished": "failed",
            "suite_waiting": True,
            "parse_failed": True,
            "language": "en",
            "sms_run_failed": False,
            "version": 0,
        }
        body = {
            "run_finished": "always",
            "suite_waiting": False,
            "parse_failed": True,
            "language": "vi",
            "sms_run_failed": True,
        }
        put = client.put(path, json=body, headers=owner.auth)
        assert put.status_code == 200, put.text
        assert client.get(path, headers=owner.auth).json() == {
            **body,
            "project_id": project_id,
            "version": 3,  # created, changed, the SMS channel chosen
        }

    def test_refuses_bad_values_and_other_peoples_projects(
        self, client: TestClient, owner: Account
    ) -> None:
        project_id = a_project(client, owner).json()["id"]
        path = f"/projects/{project_id}/notification-preferences"
        body = {
            "run_finished": "sometimes",
            "suite_waiting": True,
            "parse_failed": True,
            "language": "en",
        }
        assert_problem(client.put(path, json=body, headers=owner.auth), 422, "validation")
        stranger = an_account(client)
        assert_problem(client.get(path, headers=stranger.auth), 404, "not-found")


@pytest.fixture(scope="module")
def redis_broker(servers: Servers) -> Iterator[dramatiq.Broker]:
    from interfaces.workers.broker import configure_broker

    yield configure_broker(servers.redis_url, namespace=f"testament-test-{uuid4().hex[:10]}")


class TestTriggers:
    def test_a_failed_parse_e_mails_the_owner_in_their_language(
        self,
        client: TestClient,
        owner: Account,
        http_runtime: Runtime,
        redis_broker: dramatiq.Broker,
        catch_up: Callable[[], None],
    ) -> None:
        from interfaces.workers.actors.notifications import notify
        from interfaces.workers.context import set_runtime

        project_id = a_project(client, owner).json()["id"]
        client.put(
            f"/projects/{project_id}/notification-preferences",
            json={
                "run_finished": "failed",
                "suite_waiting": True,
                "parse_failed": True,
                "language": "vi",
            },
            headers=owner.auth,
        )
        uploaded = client.post(
            f"/projects/{project_id}/specs",
            files={"file": ("broken.yaml", b"openapi: [unclosed", "application/yaml")},
            headers=owner.auth,
        )
        assert uploaded.status_code == 202, uploaded.text
        spec_id = UUID(uploaded.json()["id"])
        http_runtime.apidoc.parse_specification(spec_id)
        catch_up()
        version = http_runtime.apidoc.repository.get(spec_id).version
        message_id = str(uuid4())
        event = {
            "message_id": message_id,
            "event_type": "ApiSpecification.ParseFailed",
            "object_id": str(spec_id),
            "version": version,
        }
        set_runtime(http_runtime)
        try:
            notify.fn(**event)
            notify.fn(**event)  # the published event delivered twice: one e-mail
        finally:
            set_runtime(None)
        with http_runtime.pool.connection() as conn:
            rows = conn.execute(
                "SELECT * FROM notif.email_messages WHERE tos = %s", (owner.email,)
            ).fetchall()
        (row,) = rows
        assert row["subject"] == "[Testament] Không đọc được đặc tả broken.yaml"
        assert "Không thể phân tích đặc tả broken.yaml" in row["body"]

    def test_a_passing_run_is_told_only_to_those_who_want_every_run(
        self, http_runtime: Runtime
    ) -> None:
        from domain.notifications.model import NotificationPreference
        from domain.shared.meta import system_meta

        preference = NotificationPreference(
            user_id=uuid4(), project_id=uuid4(), meta=system_meta("test")
        )
        assert preference.wants_run(failed=True) and not preference.wants_run(failed=False)
        for setting, passing, failing in (("always", True, True), ("never", False, False)):
            preference.change(
                run_finished=setting,
                suite_waiting=True,
                parse_failed=True,
                language="en",
                meta=system_meta("t"),
            )
            assert (preference.wants_run(failed=False), preference.wants_run(failed=True)) == (
                passing,
                failing,
            )


class TestBillingNotices:
    def test_a_limit_and_a_failed_payment_are_e_mailed_once_each(
        self,
        client: TestClient,
        owner: Account,
        http_runtime: Runtime,
        redis_broker: dramatiq.Broker,
        catch_up: Callable[[], None],
    ) -> None:
        catch_up()
        notices = http_runtime.billing_notices
        limit_id, payment_id = uuid4(), uuid4()
        for _ in range(2):  # billing's event handled twice: one e-mail each
            notices.limit_reached(
                notice_id=limit_id, user_id=owner.id, limit="test runs", used=100, maximum=100
            )
            notices.payment_failed(
                notice_id=payment_id,
                user_id=owner.id,
                amount="19.00",
                currency="USD",
                reason="card declined",
                language="vi",
            )
        assert (
            notices.limit_reached(notice_id=uuid4(), user_id=uuid4(), limit="x", used=1, maximum=1)
            is None
        )
        with http_runtime.pool.connection() as conn:
            rows = conn.execute(
                "SELECT subject, body FROM notif.email_messages WHERE tos = %s ORDER BY subject",
                (owner.email,),
            ).fetchall()
        assert [r["subject"] for r in rows] == [
            "[Testament] Thanh toán gói dịch vụ không thành công",
            "[Testament] You reached a limit of your plan",
        ]
        assert "19.00 USD" in rows[0]["body"] and "card declined" in rows[0]["body"]
        assert "allows 100 test runs; you have used 100" in rows[1]["body"]
