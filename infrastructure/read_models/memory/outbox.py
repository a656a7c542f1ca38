"""<module>.outbox_messages and archived_outbox_messages in memory: the twin of
PostgresOutboxView, plus the publisher's two writes (mark published, archive)."""

import copy
from collections.abc import Iterable
from dataclasses import asdict
from datetime import datetime
from typing import Any
from uuid import UUID

from projections.outbox.view import OutboxMessage, OutboxView


class MemoryOutboxView(OutboxView):
    """A context's outbox: pending and published rows, and the archived ones."""

    tables = ("outbox_messages", "archived_outbox_messages")

    def __init__(self) -> None:
        self._tables: dict[str, dict[UUID, dict[str, Any]]] = {name: {} for name in self.tables}

    def rows(self, table: str) -> list[dict[str, Any]]:
        """This function will return a table's rows ordered by id, as SELECT * gives them."""
        if table not in self._tables:
            raise KeyError(f"no table {table!r} in this view; it has {self.tables}")
        rows = self._tables[table]
        return [copy.deepcopy(rows[key]) for key in sorted(rows)]

    def add_message(self, message: OutboxMessage) -> None:
        # An archived message is not added again when a projection is replayed.
        if message.id in self._tables["archived_outbox_messages"]:
            return
        self._tables["outbox_messages"].setdefault(
            message.id,
            {
                **asdict(message),
                "published": False,
                "updated_date_time": message.created_date_time,
            },
        )

    def mark_published(self, ids: Iterable[UUID], *, at: datetime) -> None:
        """This function will do what the publisher does once it has sent rows."""
        for message_id in ids:
            row = self._tables["outbox_messages"].get(message_id)
            if row is not None:
                row.update(published=True, updated_date_time=at)

    def archive(self, *, published_before: datetime) -> int:
        """This function will move rows published before a time to archived_outbox_messages."""
        pending = self._tables["outbox_messages"]
        archived = self._tables["archived_outbox_messages"]
        moving = [
            key
            for key, row in pending.items()
            if row["published"] and row["updated_date_time"] < published_before
        ]
        for key in moving:
            archived.setdefault(key, pending.pop(key))
        return len(moving)
