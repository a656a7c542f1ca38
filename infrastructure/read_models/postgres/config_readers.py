"""Queries on the config read tables, behind the config reader protocols."""

from typing import Any

from application.config.queries import SettingRow, TextRow
from infrastructure.postgres.pool import DictPool


def _setting(row: dict[str, Any]) -> SettingRow:
    return SettingRow(
        id=row["id"],
        key=row["key"],
        value=row["value"],
        description=row["description"],
        is_sensitive=row["is_sensitive"],
        is_set=row["is_set"],
        version=row["row_version"],
        created_at=row["created_date_time"],
        updated_at=row["updated_date_time"],
    )


def _text(row: dict[str, Any]) -> TextRow:
    return TextRow(
        id=row["id"],
        name=row["name"],
        value=row["value"],
        culture=row["culture"],
        description=row["description"],
        edited=row["edited"],
        version=row["row_version"],
        created_at=row["created_date_time"],
        updated_at=row["updated_date_time"],
    )


class PostgresConfigReader:
    """Runtime settings and localized texts from the config schema."""

    def __init__(self, pool: DictPool) -> None:
        self._pool = pool

    def settings(self) -> list[SettingRow]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT * FROM config.configuration_entries ORDER BY key"
            ).fetchall()
        return [_setting(row) for row in rows]

    def texts(self, culture: str | None, prefix: str | None) -> list[TextRow]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT * FROM config.localization_entries"
                " WHERE (%(culture)s::text IS NULL OR culture = %(culture)s)"
                " AND (%(prefix)s::text IS NULL OR starts_with(name, %(prefix)s))"
                " ORDER BY name, culture",
                {"culture": culture, "prefix": prefix},
            ).fetchall()
        return [_text(row) for row in rows]

    def text(self, name: str, culture: str) -> TextRow | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT * FROM config.localization_entries WHERE name = %s AND culture = %s",
                (name, culture),
            ).fetchone()
        return _text(row) if row else None

    def edited(self) -> tuple[dict[tuple[str, str], str], int]:
        # The position first: the rows read after it are at least as new as it says.
        with self._pool.connection() as conn:
            tracked = conn.execute(
                "SELECT notification_id FROM projections.tracking WHERE projection_name ="
                " 'localization_entries' AND application_name = 'config'"
            ).fetchone()
            rows = conn.execute(
                "SELECT name, culture, value FROM config.localization_entries WHERE edited"
            ).fetchall()
        position = int(tracked["notification_id"]) if tracked else 0
        return {(r["name"], r["culture"]): r["value"] for r in rows}, position
