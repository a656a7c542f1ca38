"""config.configuration_entries and config.localization_entries in PostgreSQL."""

from datetime import datetime
from typing import Any
from uuid import UUID

from infrastructure.read_models.postgres.base import PostgresView, columns
from projections.configuration.view import ConfigurationRow, ConfigurationView
from projections.localization.view import LocalizationRow, LocalizationView


class PostgresConfigurationView(PostgresView, ConfigurationView):
    """The runtime settings an Admin set; a sensitive value is masked here, sealed in the log."""

    tables = ("configuration_entries",)
    ddl = (
        "CREATE TABLE IF NOT EXISTS {schema}.configuration_entries ("
        " id uuid PRIMARY KEY, key text NOT NULL UNIQUE, value text NOT NULL,"
        " description text NOT NULL, is_sensitive boolean NOT NULL, is_set boolean NOT NULL,"
        " created_date_time timestamptz NOT NULL, updated_date_time timestamptz NOT NULL,"
        " row_version integer NOT NULL)",
    )

    def insert_entry(self, row: ConfigurationRow) -> None:
        self.run(
            "INSERT INTO {t_configuration_entries} (id, key, value, description, is_sensitive,"
            " is_set, created_date_time, updated_date_time, row_version) VALUES (%(id)s,"
            " %(key)s, %(value)s, %(description)s, %(is_sensitive)s, %(is_set)s,"
            " %(created_date_time)s, %(updated_date_time)s, %(row_version)s)",
            columns(row),
        )

    def update_entry(self, entry_id: UUID, *, at: datetime, version: int, **fields: Any) -> None:
        self.update_row(
            "configuration_entries",
            entry_id,
            at=at,
            version=version,
            allowed={"value", "description", "is_set"},
            fields=fields,
        )


class PostgresLocalizationView(PostgresView, LocalizationView):
    """Every text in every language: the code's defaults as seeded, and Admins' edits."""

    tables = ("localization_entries",)
    ddl = (
        "CREATE TABLE IF NOT EXISTS {schema}.localization_entries ("
        " id uuid PRIMARY KEY, name text NOT NULL, value text NOT NULL, culture text NOT NULL,"
        " description text NOT NULL, edited boolean NOT NULL,"
        " created_date_time timestamptz NOT NULL, updated_date_time timestamptz NOT NULL,"
        " row_version integer NOT NULL, UNIQUE (name, culture))",
        "CREATE INDEX IF NOT EXISTS localization_entries_edited_idx"
        " ON {schema}.localization_entries (edited) WHERE edited",
    )

    def insert_text(self, row: LocalizationRow) -> None:
        self.run(
            "INSERT INTO {t_localization_entries} (id, name, value, culture, description,"
            " edited, created_date_time, updated_date_time, row_version) VALUES (%(id)s,"
            " %(name)s, %(value)s, %(culture)s, %(description)s, %(edited)s,"
            " %(created_date_time)s, %(updated_date_time)s, %(row_version)s)",
            columns(row),
        )

    def update_text(self, text_id: UUID, *, at: datetime, version: int, **fields: Any) -> None:
        self.update_row(
            "localization_entries",
            text_id,
            at=at,
            version=version,
            allowed={"value", "edited"},
            fields=fields,
        )
