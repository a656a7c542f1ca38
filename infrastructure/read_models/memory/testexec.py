"""testexec's tables in memory: the twin of PostgresTestexecView, for fast unit tests."""

import copy
from datetime import datetime
from typing import Any
from uuid import UUID

from projections.testexec.view import TestexecView


class MemoryTestexecView(TestexecView):
    """execution_environments and test_runs as dicts of rows keyed by id."""

    __test__ = False
    tables = ("execution_environments", "test_runs")

    def __init__(self) -> None:
        self._tables: dict[str, dict[UUID, dict[str, Any]]] = {t: {} for t in self.tables}

    def rows(self, table: str) -> list[dict[str, Any]]:
        """This function will return a table's rows ordered by id, as SELECT * gives them."""
        rows = self._tables[table]
        return [copy.deepcopy(rows[key]) for key in sorted(rows)]

    def insert(self, table: str, row: dict[str, Any]) -> None:
        if row["id"] in self._tables[table]:
            raise ValueError(f"duplicate key: {table} already has {row['id']}")
        self._tables[table][row["id"]] = dict(row)

    def update(
        self, table: str, row_id: UUID, fields: dict[str, Any], at: datetime, row_version: int
    ) -> None:
        row = self._tables[table].get(row_id)
        if row is None:
            return  # like an UPDATE that matches no row
        unknown = set(fields) - set(row)
        if unknown:
            raise ValueError(f"not a column of {table}: {sorted(unknown)}")
        row.update(fields, updated_date_time=at, row_version=row_version)
