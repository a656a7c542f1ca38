"""The schema is created once and the runtime answers on it."""

from interfaces.bootstrap import Runtime, migrate


class TestMigrate:
    def test_creates_every_read_schema(self, runtime: Runtime) -> None:
        with runtime.pool.connection() as conn:
            rows = conn.execute(
                "SELECT table_schema || '.' || table_name AS name FROM information_schema.tables"
                " WHERE table_schema IN ('identity', 'apidoc', 'auditlog', 'projections', 'testgen', 'storage', 'notif')"
            ).fetchall()
        names = {row["name"] for row in rows}
        assert {
            "identity.users",
            "identity.user_profiles",
            "apidoc.projects",
            "apidoc.outbox_messages",
            "apidoc.archived_outbox_messages",
            "testgen.outbox_messages",
            "testgen.archived_outbox_messages",
            "storage.outbox_messages",
            "storage.archived_outbox_messages",
            "notif.webhook_subscriptions",
            "notif.webhook_deliveries",
            "notif.webhook_delivery_attempts",
            "auditlog.audit_log_entries",
            "auditlog.idempotent_requests",
            "projections.tracking",
        } <= names

    def test_can_run_again(self, runtime: Runtime) -> None:
        again = migrate(runtime.settings, runtime.servers)
        try:
            assert (
                again.apidoc.recorder.max_notification_id()
                == runtime.apidoc.recorder.max_notification_id()
            )
        finally:
            again.pool.close()
