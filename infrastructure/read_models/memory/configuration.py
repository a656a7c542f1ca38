"""config.configuration_entries and config.localization_entries in memory: the twins of
the PostgreSQL views, for unit tests and the contract tests."""

import copy
from dataclasses import asdict
from datetime import datetime
from typing import Any
from uuid import UUID

from projections.configuration.view import ConfigurationRow, ConfigurationView
from projections.localization.view import LocalizationRow, LocalizationView


class _MemoryTable:
    table: str

    def __init__(self) -> None:
        self._rows: dict[UUID, dict[str, Any]] = {}

    def rows(self, table: str) -> list[dict[str, Any]]:
        """This function will return the table's rows ordered by id, as SELECT * gives them."""
        if table != self.table:
            raise KeyError(f"no table {table!r} in this view; it has {self.table}")
        return [copy.deepcopy(self._rows[key]) for key in sorted(self._rows)]

    def _update(
        self, row_id: UUID, at: datetime, version: int, allowed: set[str], fields: dict[str, Any]
    ) -> None:
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"not an updatable column of {self.table}: {sorted(unknown)}")
        row = self._rows.get(row_id)
        if row is not None:
            row.update(fields, updated_date_time=at, row_version=version)


class MemoryConfigurationView(_MemoryTable, ConfigurationView):
    table = "configuration_entries"

    def insert_entry(self, row: ConfigurationRow) -> None:
        self._rows[row.id] = asdict(row)

    def update_entry(self, entry_id: UUID, *, at: datetime, version: int, **fields: Any) -> None:
        self._update(entry_id, at, version, {"value", "description", "is_set"}, fields)


class MemoryLocalizationView(_MemoryTable, LocalizationView):
    table = "localization_entries"

    def insert_text(self, row: LocalizationRow) -> None:
        self._rows[row.id] = asdict(row)

    def update_text(self, text_id: UUID, *, at: datetime, version: int, **fields: Any) -> None:
        self._update(text_id, at, version, {"value", "edited"}, fields)
