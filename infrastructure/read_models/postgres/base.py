"""What every PostgreSQL view shares: a schema it lives in and the runner's cursor."""

from typing import Any, ClassVar

from psycopg import Cursor
from psycopg.sql import SQL, Composed, Identifier


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
        names = {f"t_{name}": self.table(name) for name in self.tables}
        self.cursor.execute(SQL(statement).format(**names), params)
