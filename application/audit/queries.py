"""Reading the audit log: an Admin reads everything, anyone else what concerns them."""

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from uuid import UUID

from application.audit.ports import AuditFilter, AuditKey, AuditReader, AuditRecord
from domain.shared.errors import InvalidValueError

EXPORT_PAGE = 1000


@dataclass(frozen=True, slots=True)
class AuditPage:
    items: list[AuditRecord]
    next_cursor: str | None


# A cursor names the last entry of a page: its time (microseconds since 1970, UTC) and id.
# Transparent rather than opaque, so that its form is a pattern the OpenAPI document states
# and every value of that form is a cursor (the entries after that time and id).
CURSOR_PATTERN = r"^[0-9]{1,17}_[0-9a-f]{32}$"
_CURSOR = re.compile(CURSOR_PATTERN)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def encode_cursor(key: AuditKey) -> str:
    return f"{(key.at - _EPOCH) // _MICROSECOND}_{key.id.hex}"


def decode_cursor(cursor: str) -> AuditKey:
    """Raises InvalidValueError (field `cursor`) for a value not of the cursor's form."""
    if not _CURSOR.match(cursor):
        raise InvalidValueError("cursor", f"must match {CURSOR_PATTERN}")
    micros, _, entry_id = cursor.partition("_")
    return AuditKey(_EPOCH + int(micros) * _MICROSECOND, UUID(hex=entry_id))


class AuditQueries:
    """The audit log as the API serves it."""

    def __init__(self, reader: AuditReader) -> None:
        self._reader = reader

    def page(
        self, where: AuditFilter, *, caller: UUID, admin: bool, cursor: str | None, limit: int
    ) -> AuditPage:
        after = decode_cursor(cursor) if cursor else None
        items = self._reader.entries(self._scoped(where, caller, admin), after=after, limit=limit)
        last = items[-1] if len(items) == limit else None
        return AuditPage(items, encode_cursor(AuditKey(last.at, last.id)) if last else None)

    def export(self, where: AuditFilter, *, caller: UUID, admin: bool) -> Iterator[AuditRecord]:
        """Every matching entry, oldest first, read a page at a time."""
        return self._reader.stream(self._scoped(where, caller, admin), page_size=EXPORT_PAGE)

    @staticmethod
    def _scoped(where: AuditFilter, caller: UUID, admin: bool) -> AuditFilter:
        return where if admin else replace(where, visible_to=caller)
