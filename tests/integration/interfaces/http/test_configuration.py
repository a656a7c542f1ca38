"""Runtime settings and localized texts over HTTP: Admin only, sensitive values sealed and
masked everywhere, a change in force without a restart, every change audited."""

import logging
from collections.abc import Callable, Iterator
from uuid import uuid4

import dramatiq
import pytest

from application.identity.commands import GrantRole
from domain.configuration.model import entry_id
from domain.shared.meta import system_meta
from domain.users.model import Role
from infrastructure.projections.catalog import read_model
from interfaces.bootstrap import Runtime, Servers
from tests.integration.interfaces.http.support import (
    Account,
    TestClient,
    an_account,
    an_email,
    assert_problem,
    register,
)


@pytest.fixture(scope="module")
def admin(client: TestClient, http_runtime: Runtime) -> Account:
    account = an_account(client)
    http_runtime.identity.grant_role(
        GrantRole(user_id=account.id, role=Role.ADMIN, meta=system_meta())
    )
    return account


@pytest.fixture(scope="module")
def config_caught_up(http_runtime: Runtime) -> Callable[[], None]:
    """This fixture will apply every config event to the config and audit read tables."""
    names = ("configuration_entries", "localization_entries", "audit_log", "users")
    runners = http_runtime.runners(tuple(read_model(n) for n in names))

    def run() -> None:
        for runner in runners:
            runner.catch_up()

    return run


@pytest.fixture(scope="module")
def redis_broker(servers: Servers) -> Iterator[dramatiq.Broker]:
    from interfaces.workers.broker import configure_broker

    yield configure_broker(servers.redis_url, namespace=f"testament-test-{uuid4().hex[:10]}")


def a_password() -> str:
    return f"smtp-{uuid4().hex}"


class TestAdminOnly:
    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("GET", "/admin/settings"),
            ("GET", "/admin/settings/registration"),
            ("PUT", "/admin/settings/registration"),
            ("DELETE", "/admin/settings/registration"),
            ("GET", "/admin/texts"),
            ("PUT", "/admin/texts/vi/problem.not-found.title"),
        ],
    )
    def test_refuses_an_account_without_the_admin_role(
        self, client: TestClient, account_for_reads: Account, method: str, path: str
    ) -> None:
        response = client.request(
            method,
            path,
            headers=account_for_reads.auth,
            json={"value": "closed"} if method == "PUT" else None,
        )
        assert_problem(response, 403, "forbidden")

    def test_refuses_an_anonymous_caller(self, client: TestClient) -> None:
        assert_problem(client.get("/admin/settings"), 401)


class TestSensitiveSetting:
    def test_is_usable_but_never_shown_stored_or_logged_in_plain_text(
        self,
        client: TestClient,
        admin: Account,
        http_runtime: Runtime,
        config_caught_up: Callable[[], None],
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        plain = a_password()
        with caplog.at_level(logging.DEBUG):
            response = client.put(
                "/admin/settings/smtp_password", json={"value": plain}, headers=admin.auth
            )
            assert response.status_code == 200, response.text
            config_caught_up()
            listed = client.get("/admin/settings", headers=admin.auth)
            one = client.get("/admin/settings/smtp_password", headers=admin.auth)
            history = client.get("/admin/settings/smtp_password/history", headers=admin.auth)
        assert response.json()["value"] == "***"
        assert response.json()["is_sensitive"] is True
        assert one.json()["value"] == "***" and one.json()["source"] == "admin"
        assert one.headers["ETag"] == f'"{one.json()["version"]}"'
        for answer in (response, listed, one, history):
            assert plain not in answer.text
        assert plain not in caplog.text
        assert "smtp_password" in caplog.text  # the change is logged, masked
        # The running system reads the plain value through the cached port.
        assert http_runtime.live_settings.value("smtp_password") == plain
        # Sealed in the log: the event's value is ciphertext, and no table holds the text.
        stored = list(http_runtime.config.events.get(entry_id("smtp_password")))
        assert all(e.value.startswith("sealed:") for e in stored if hasattr(e, "value"))
        with http_runtime.pool.connection() as conn:
            for table in (
                "config_events",
                "config.configuration_entries",
                "auditlog.audit_log_entries",
                "config.audit_log_entries",
            ):
                rows = conn.execute(f"SELECT t::text AS row FROM {table} t").fetchall()
                assert rows, table
                assert not any(plain in row["row"] for row in rows), table
            states = conn.execute("SELECT state FROM config_events").fetchall()
            assert not any(plain.encode() in bytes(row["state"]) for row in states)


class TestLiveSetting:
    def test_a_change_by_an_admin_takes_effect_without_a_restart(
        self, client: TestClient, admin: Account
    ) -> None:
        closed = client.put(
            "/admin/settings/registration", json={"value": "closed"}, headers=admin.auth
        )
        try:
            assert closed.status_code == 200, closed.text
            assert_problem(register(client, an_email()), 403, "registration-closed")
        finally:
            reset = client.delete(
                "/admin/settings/registration",
                headers={**admin.auth, "If-Match": closed.headers["ETag"]},
            )
        assert reset.status_code == 200, reset.text
        assert reset.json()["source"] == "default"
        assert register(client, an_email()).status_code == 202

    def test_the_webhook_retry_limit_is_read_at_each_use(
        self, client: TestClient, admin: Account, http_runtime: Runtime
    ) -> None:
        before = http_runtime.webhook_deliveries.policy.max_attempts
        changed = client.put(
            "/admin/settings/webhook_max_attempts", json={"value": "3"}, headers=admin.auth
        )
        try:
            assert changed.status_code == 200, changed.text
            assert http_runtime.webhook_deliveries.policy.max_attempts == 3
        finally:
            client.delete("/admin/settings/webhook_max_attempts", headers=admin.auth)
        assert http_runtime.webhook_deliveries.policy.max_attempts == before

    def test_a_stale_if_match_is_refused(self, client: TestClient, admin: Account) -> None:
        first = client.put(
            "/admin/settings/email_from",
            json={"value": "Ops <ops@example.com>"},
            headers=admin.auth,
        )
        assert first.status_code == 200, first.text
        stale = client.put(
            "/admin/settings/email_from",
            json={"value": "QA <qa@example.com>"},
            headers={**admin.auth, "If-Match": '"99"'},
        )
        assert_problem(stale, 412)
        assert client.delete("/admin/settings/email_from", headers=admin.auth).status_code == 200

    def test_resetting_a_setting_never_set_is_not_found(
        self, client: TestClient, admin: Account
    ) -> None:
        response = client.delete(
            "/admin/settings/webhook_disable_after_failures", headers=admin.auth
        )
        assert_problem(response, 404)


class TestRefusedSettings:
    @pytest.mark.parametrize(
        ("key", "value", "rule"),
        [
            ("no_such_setting", "1", "unknown setting"),
            ("database_url", "postgresql://x", "TESTAMENT_DATABASE_URL and restart"),
            ("webhook_max_attempts", "0", "from 1 to 50"),
            ("registration", "sometimes", "open, invite-only, closed"),
            ("email_from", "not an address", "e-mail address"),
        ],
    )
    def test_with_a_422_naming_the_rule(
        self, client: TestClient, admin: Account, key: str, value: str, rule: str
    ) -> None:
        response = client.put(f"/admin/settings/{key}", json={"value": value}, headers=admin.auth)
        body = assert_problem(response, 422)
        assert rule in response.text, body

    def test_an_unknown_field_is_refused(self, client: TestClient, admin: Account) -> None:
        response = client.put(
            "/admin/settings/registration",
            json={"value": "open", "secret": True},
            headers=admin.auth,
        )
        assert_problem(response, 422)


class TestLocalizedTexts:
    def test_an_edited_vietnamese_title_is_served_for_accept_language_vi(
        self,
        client: TestClient,
        admin: Account,
        account_for_reads: Account,
        config_caught_up: Callable[[], None],
    ) -> None:
        name = "problem.not-found.title"
        edited = client.put(
            f"/admin/texts/vi/{name}", json={"value": "Không tìm thấy (đã sửa)"}, headers=admin.auth
        )
        assert edited.status_code == 200, edited.text
        assert edited.json()["edited"] is True
        config_caught_up()
        try:
            missing = client.get(
                f"/projects/{uuid4()}",
                headers={**account_for_reads.auth, "Accept-Language": "vi"},
            )
            assert assert_problem(missing, 404)["title"] == "Không tìm thấy (đã sửa)"
            english = client.get(f"/projects/{uuid4()}", headers=account_for_reads.auth)
            assert assert_problem(english, 404)["title"] == "Not found"
            history = client.get(f"/admin/texts/vi/{name}/history", headers=admin.auth)
            assert [e["type"] for e in history.json()] == [
                "LocalizationEntry.Created",
                "LocalizationEntry.Edited",
            ]
        finally:
            reset = client.delete(f"/admin/texts/vi/{name}", headers=admin.auth)
        assert reset.status_code == 200, reset.text
        config_caught_up()
        again = client.get(
            f"/projects/{uuid4()}", headers={**account_for_reads.auth, "Accept-Language": "vi"}
        )
        assert assert_problem(again, 404)["title"] == "Không tìm thấy"

    def test_the_defaults_are_seeded_as_rows_in_both_languages(
        self, client: TestClient, admin: Account, config_caught_up: Callable[[], None]
    ) -> None:
        config_caught_up()
        texts = client.get(
            "/admin/texts", params={"prefix": "notification.run_finished."}, headers=admin.auth
        )
        assert texts.status_code == 200, texts.text
        keys = {(t["name"], t["culture"]) for t in texts.json()["items"]}
        assert keys == {
            (f"notification.run_finished.{part}", culture)
            for part in ("subject", "body")
            for culture in ("en", "vi")
        }
        one = client.get("/admin/texts/vi/problem.forbidden.title", headers=admin.auth)
        assert one.json()["value"] == "Không có quyền"
        assert one.headers["ETag"] == f'"{one.json()["version"]}"'
        stale = client.put(
            "/admin/texts/vi/problem.forbidden.title",
            json={"value": "Cấm"},
            headers={**admin.auth, "If-Match": '"7"'},
        )
        assert_problem(stale, 412)

    @pytest.mark.parametrize(
        ("path", "value", "status"),
        [
            ("/admin/texts/vi/problem.no-such-type.title", "x", 404),
            ("/admin/texts/en/notification.run_finished.subject", "Run {nope}", 422),
            ("/admin/texts/en/notification.run_finished.subject", "Run {", 422),
            ("/admin/texts/fr/problem.forbidden.title", "Interdit", 422),
        ],
    )
    def test_refuses_an_unknown_text_or_a_template_that_cannot_render(
        self, client: TestClient, admin: Account, path: str, value: str, status: int
    ) -> None:
        assert_problem(client.put(path, json={"value": value}, headers=admin.auth), status)


class TestProfileLanguage:
    def test_picks_the_template_language_when_the_request_names_none(
        self,
        client: TestClient,
        http_runtime: Runtime,
        redis_broker: dramatiq.Broker,
        config_caught_up: Callable[[], None],
    ) -> None:
        owner = an_account(client)
        chosen = client.put(
            "/me/profile",
            json={"display_name": "Lan", "language": "vi"},
            headers=owner.auth,
        )
        assert chosen.status_code == 200, chosen.text
        assert chosen.json()["language"] == "vi"
        asked = client.post("/me/email-confirmation", json={}, headers=owner.auth)
        assert asked.status_code == 202, asked.text
        with http_runtime.pool.connection() as conn:
            row = conn.execute(
                "SELECT subject FROM notif.email_messages WHERE tos = %s", (owner.email,)
            ).fetchone()
        assert row is not None
        assert row["subject"] == "[Testament] Xác nhận địa chỉ e-mail của bạn"
        config_caught_up()
        me = client.get("/me", headers=owner.auth)
        assert me.json()["language"] == "vi"

    def test_picks_the_problem_titles_language_when_no_accept_language_is_sent(
        self, client: TestClient
    ) -> None:
        owner = an_account(client)
        assert (
            client.put(
                "/me/profile", json={"display_name": "Minh", "language": "vi"}, headers=owner.auth
            ).status_code
            == 200
        )
        missing = client.get(f"/projects/{uuid4()}", headers=owner.auth)
        assert assert_problem(missing, 404)["title"] == "Không tìm thấy"
        assert missing.headers["content-language"] == "vi"
        asked = client.get(f"/projects/{uuid4()}", headers={**owner.auth, "Accept-Language": "en"})
        assert assert_problem(asked, 404)["title"] == "Not found"
        anonymous = client.get(f"/projects/{uuid4()}", headers={"Authorization": "Bearer nope"})
        assert assert_problem(anonymous, 401)["title"] != "Chưa xác thực"

    def test_refuses_a_language_testament_does_not_speak(self, client: TestClient) -> None:
        owner = an_account(client)
        refused = client.put(
            "/me/profile", json={"display_name": "Jean", "language": "fr"}, headers=owner.auth
        )
        assert_problem(refused, 422)


class TestAudit:
    def test_the_config_log_is_chained_in_the_audit_log_and_replayable(
        self,
        client: TestClient,
        admin: Account,
        http_runtime: Runtime,
        config_caught_up: Callable[[], None],
    ) -> None:
        plain = a_password()
        set_ = client.put(
            "/admin/settings/smtp_password", json={"value": plain}, headers=admin.auth
        )
        assert set_.status_code == 200, set_.text
        config_caught_up()
        with http_runtime.pool.connection() as conn:
            linked = conn.execute(
                "SELECT count(*) AS n FROM storage.event_links WHERE log = 'config'"
            ).fetchone()
            audited = conn.execute(
                "SELECT log FROM auditlog.audit_log_entries WHERE object_id = %s"
                " AND module = 'config' ORDER BY created_date_time",
                (str(entry_id("smtp_password")),),
            ).fetchall()
        assert linked is not None and linked["n"] > 0
        assert audited and all(plain not in row["log"] for row in audited)
        assert '"***"' in audited[-1]["log"]
        state = client.get(f"/audit/aggregates/{entry_id('smtp_password')}", headers=admin.auth)
        assert state.status_code == 200, state.text
        assert state.json()["log"] == "config"
        assert state.json()["state"]["value"] == "***"
