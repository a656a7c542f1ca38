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
        # Issue 14: the module (log) and position each entry came from. Rows projected
        # before these columns have them NULL until `testament rebuild audit_log --apply`.
        "ALTER TABLE {schema}.audit_log_entries ADD COLUMN IF NOT EXISTS module text",
        "ALTER TABLE {schema}.audit_log_entries ADD COLUMN IF NOT EXISTS position bigint",
        "CREATE INDEX IF NOT EXISTS audit_log_time_idx ON {schema}.audit_log_entries"
        " (created_date_time, id)",
    )

    def append(self, entry: AuditEntry) -> None:
        self.run(
            "INSERT INTO {t_audit_log_entries} (id, user_id, action, object_id, log,"
            " created_date_time, updated_date_time, row_version, module, position) VALUES"
            " (%(id)s, %(user_id)s, %(action)s, %(object_id)s, %(log)s, %(created_date_time)s,"
            " %(created_date_time)s, %(row_version)s, %(module)s, %(position)s)",
            columns(entry),
        )


# The seed's per-module audit tables (`apidoc_AuditLogEntries`, ...: Id, UserId, Action,
# ObjectId, Log, CreatedDateTime, UpdatedDateTime, RowVersion) as views over the one table,
# each seed column under its snake_case name, each module's rows by the log they came from
# (docs/audit.md, "The seed's audit tables"). Created by `testament migrate` on the live
# table only: a rebuild's shadow tables must not take them over.
# sub and llm keep tables of their own (their projections' SubAuditLogProjection and
# LlmAuditLogProjection); the rest are views over the one table.
AUDIT_MODULES = (
    "identity",
    "apidoc",
    "storage",
    "testgen",
    "testexec",
    "notif",
    "testreport",
    "config",
)
MODULE_VIEWS_DDL = tuple(
    f'CREATE SCHEMA IF NOT EXISTS "{module}"' for module in AUDIT_MODULES
) + tuple(
    f'CREATE OR REPLACE VIEW "{module}".audit_log_entries AS SELECT id, user_id, action,'
    " object_id, log, created_date_time, updated_date_time, row_version"
    f" FROM auditlog.audit_log_entries WHERE module = '{module}'"
    for module in AUDIT_MODULES
)
