"""auditlog.audit_log_entries in PostgreSQL."""

from infrastructure.read_models.postgres.base import PostgresView, columns
from projections.audit_log.view import AuditEntry, AuditLogView


class PostgresAuditLogView(PostgresView, AuditLogView):
    """One row per domain event, whatever its context."""

    tables = ("audit_log_entries",)
    ddl = (
        "CREATE TABLE IF NOT EXISTS {schema}.audit_log_entries ("
        " id uuid PRIMARY KEY, user_id uuid, action text NOT NULL, object_id text NOT NULL,"
        " log text NOT NULL, created_date_time timestamptz NOT NULL,"
        " updated_date_time timestamptz NOT NULL, row_version integer NOT NULL)",
        "CREATE INDEX IF NOT EXISTS audit_log_object_idx ON {schema}.audit_log_entries"
        " (object_id, created_date_time)",
        "CREATE INDEX IF NOT EXISTS audit_log_user_idx ON {schema}.audit_log_entries"
        " (user_id, created_date_time)",
    )

    def append(self, entry: AuditEntry) -> None:
        self.run(
            "INSERT INTO {t_audit_log_entries} (id, user_id, action, object_id, log,"
            " created_date_time, updated_date_time, row_version) VALUES (%(id)s, %(user_id)s,"
            " %(action)s, %(object_id)s, %(log)s, %(created_date_time)s, %(created_date_time)s,"
            " %(row_version)s)",
            columns(entry),
        )
