"""Reading the audit log: an Admin reads everything, anyone else what concerns them."""

import base64
import binascii
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from application.audit.ports import AuditFilter, AuditKey, AuditReader, AuditRecord
from domain.shared.errors import InvalidValueError

EXPORT_PAGE = 1000


@dataclass(frozen=True, slots=True)
class AuditPage:
    items: list[AuditRecord]
    next_cursor: str | None


def encode_cursor(key: AuditKey) -> str:
    return base64.urlsafe_b64encode(f"{key.at.isoformat()}|{key.id}".encode()).decode()


def decode_cursor(cursor: str) -> AuditKey:
    """Raises InvalidValueError (field `cursor`) for anything this service did not write."""
    try:
        at, _, entry_id = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        key = AuditKey(datetime.fromisoformat(at), UUID(entry_id))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidValueError("cursor", "not a cursor this API answered") from None
    if key.at.tzinfo is None:
        raise InvalidValueError("cursor", "not a cursor this API answered")
    return key


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
