"""What every PostgreSQL view shares: a schema it lives in and the runner's cursor."""

from dataclasses import fields
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from psycopg import Cursor
from psycopg.sql import SQL, Composable, Composed, Identifier

_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def columns(row: Any) -> dict[str, Any]:
    """This function will give a dataclass row's fields as statement parameters.

    Shallow, unlike `dataclasses.asdict`, which deep-copies every UUID and datetime: that
    copy cost more than the INSERT itself when a projection catches up.
    """
    names = _FIELD_NAMES.get(type(row))
    if names is None:
        names = _FIELD_NAMES[type(row)] = tuple(field.name for field in fields(row))
    return {name: getattr(row, name) for name in names}


class PostgresView:
    """A set of read tables in one schema, written through the cursor the runner binds.

    The schema is a parameter so `testament rebuild` can build the same tables beside
    the live ones and compare them.
    """

    tables: ClassVar[tuple[str, ...]]
    ddl: ClassVar[tuple[str, ...]]  # statements with {schema} placeholders

    def __init__(self, schema: str) -> None:
        self.schema = schema
        self._cursor: Cursor[Any] | None = None
        # `run` statements, rendered once: composing SQL per event cost more than the insert.
        self._rendered: dict[str, bytes] = {}

    def bind(self, cursor: Cursor[Any] | None) -> None:
        self._cursor = cursor

    @property
    def cursor(self) -> Cursor[Any]:
        if self._cursor is None:
            raise RuntimeError("a view is written only inside a runner's transaction")
        return self._cursor

    def table(self, name: str) -> Composed:
        return SQL("{}.{}").format(Identifier(self.schema), Identifier(name))

    def create_statements(self) -> list[Composed]:
        return [SQL(statement).format(schema=Identifier(self.schema)) for statement in self.ddl]

    def run(self, statement: str, params: dict[str, Any]) -> None:
        """This function will execute a statement whose tables are written {t_<name>}."""
        cursor = self.cursor
        rendered = self._rendered.get(statement)
        if rendered is None:
            names = {f"t_{name}": self.table(name) for name in self.tables}
            rendered = SQL(statement).format(**names).as_bytes(cursor)
            self._rendered[statement] = rendered
        cursor.execute(rendered, params)

    def update_row(
        self,
        table: str,
        row_id: UUID,
        *,
        at: datetime,
        version: int,
        allowed: set[str],
        fields: dict[str, Any],
    ) -> None:
        """This function will set some columns of a row, its updated time and its version."""
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"not an updatable column of {table}: {sorted(unknown)}")
        # Columns are bound as `col_<name>` and the row's bookkeeping as `row_*`: a column
        # named `version` (a specification's API version) once shared its parameter with the
        # row version, and every specification read "3".
        assignments: list[Composable] = [
            SQL("{} = %({})s").format(Identifier(k), SQL(f"col_{k}")) for k in fields
        ]
        assignments += [
            SQL("updated_date_time = %(row_at)s"),
            SQL("row_version = %(row_version)s"),
        ]
        params = {f"col_{k}": value for k, value in fields.items()}
        params.update(row_at=at, row_version=version, row_id=row_id)
        self.cursor.execute(
            SQL("UPDATE {} SET {} WHERE id = %(row_id)s").format(
                self.table(table), SQL(", ").join(assignments)
            ),
            params,
        )

    def insert_rows(self, table: str, rows: list[dict[str, Any]]) -> None:
        """This function will insert rows that share their columns, in one round trip."""
        if not rows:
            return
        columns = list(rows[0])
        statement = SQL("INSERT INTO {} ({}) VALUES ({})").format(
            self.table(table),
            SQL(", ").join(Identifier(c) for c in columns),
            SQL(", ").join(SQL("%({})s").format(SQL(c)) for c in columns),
        )
        if len(rows) == 1:
            self.cursor.execute(statement, rows[0])
        else:
            self.cursor.executemany(statement, rows)
