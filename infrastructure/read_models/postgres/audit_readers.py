"""Reading auditlog.audit_log_entries, filtered, in pages ordered by (time, id)."""

import json
from collections.abc import Iterator
from typing import Any

from psycopg import sql

from application.audit.ports import AuditFilter, AuditKey, AuditRecord
from infrastructure.postgres.pool import DictPool

_TABLE = sql.Identifier("auditlog", "audit_log_entries")


def _where(where: AuditFilter, after: AuditKey | None) -> tuple[sql.Composed, dict[str, Any]]:
    parts: list[sql.Composable] = [sql.SQL("TRUE")]
    params: dict[str, Any] = {}
    for column, value in (
        ("user_id", where.user_id),
        ("module", where.module),
        ("object_id", where.object_id),
        ("action", where.action),
    ):
        if value is not None:
            parts.append(sql.SQL("{} = %({})s").format(sql.Identifier(column), sql.SQL(column)))
            params[column] = value
    if where.since is not None:
        parts.append(sql.SQL("created_date_time >= %(since)s"))
        params["since"] = where.since
    if where.until is not None:
        parts.append(sql.SQL("created_date_time < %(until)s"))
        params["until"] = where.until
    if where.visible_to is not None:
        parts.append(sql.SQL("(user_id = %(me)s OR object_id = %(me_text)s)"))
        params["me"], params["me_text"] = where.visible_to, str(where.visible_to)
    if after is not None:
        parts.append(sql.SQL("(created_date_time, id) > (%(after_at)s, %(after_id)s)"))
        params["after_at"], params["after_id"] = after.at, after.id
    return sql.SQL(" AND ").join(parts), params


def _record(row: dict[str, Any]) -> AuditRecord:
    log = json.loads(row["log"])
    return AuditRecord(
        id=row["id"],
        user_id=row["user_id"],
        ip=log.get("ip"),
        user_agent=log.get("user_agent"),
        correlation_id=log.get("correlation_id"),
        reason=log.get("reason"),
        module=row["module"],
        position=row["position"],
        action=row["action"],
        object_id=row["object_id"],
        version=int(log.get("version", row["row_version"])),
        changes=log.get("payload") or {},
        at=row["created_date_time"],
    )


class PostgresAuditReader:
    """The audit log, for the audit API."""

    def __init__(self, pool: DictPool) -> None:
        self._pool = pool

    def entries(
        self, where: AuditFilter, *, after: AuditKey | None, limit: int
    ) -> list[AuditRecord]:
        condition, params = _where(where, after)
        params["limit"] = limit
        with self._pool.connection() as conn:
            rows = conn.execute(
                sql.SQL(
                    "SELECT id, user_id, action, object_id, log, created_date_time, row_version,"
                    " module, position FROM {} WHERE {}"
                    " ORDER BY created_date_time, id LIMIT %(limit)s"
                ).format(_TABLE, condition),
                params,
            ).fetchall()
        return [_record(row) for row in rows]

    def stream(self, where: AuditFilter, *, page_size: int) -> Iterator[AuditRecord]:
        after: AuditKey | None = None
        while True:
            page = self.entries(where, after=after, limit=page_size)
            yield from page
            if len(page) < page_size:
                return
            after = AuditKey(page[-1].at, page[-1].id)
