"""<module>.outbox_messages and archived_outbox_messages in PostgreSQL."""

from infrastructure.read_models.postgres.base import PostgresView, columns
from projections.outbox.view import OutboxMessage, OutboxView

_COLUMNS = (
    " id uuid PRIMARY KEY, event_type text NOT NULL, triggered_by_id uuid,"
    " object_id text NOT NULL, payload text NOT NULL, published boolean NOT NULL DEFAULT false,"
    " activity_id text, created_date_time timestamptz NOT NULL,"
    " updated_date_time timestamptz NOT NULL, row_version integer NOT NULL"
)


class PostgresOutboxView(PostgresView, OutboxView):
    """A context's outbox: the projection adds rows, the publisher marks and archives them."""

    tables = ("outbox_messages", "archived_outbox_messages")
    ddl = (
        "CREATE TABLE IF NOT EXISTS {schema}.outbox_messages (" + _COLUMNS + ")",
        "CREATE TABLE IF NOT EXISTS {schema}.archived_outbox_messages (" + _COLUMNS + ")",
        "CREATE INDEX IF NOT EXISTS outbox_unpublished_idx ON {schema}.outbox_messages"
        " (created_date_time) WHERE NOT published",
    )

    def add_message(self, message: OutboxMessage) -> None:
        # An archived message is not added again when a projection is replayed.
        self.run(
            "INSERT INTO {t_outbox_messages} (id, event_type, triggered_by_id, object_id, payload,"
            " activity_id, created_date_time, updated_date_time, row_version)"
            " SELECT %(id)s, %(event_type)s, %(triggered_by_id)s, %(object_id)s, %(payload)s,"
            " %(activity_id)s, %(created_date_time)s, %(created_date_time)s, %(row_version)s"
            " WHERE NOT EXISTS (SELECT 1 FROM {t_archived_outbox_messages} WHERE id = %(id)s)"
            " ON CONFLICT (id) DO NOTHING",
            columns(message),
        )
