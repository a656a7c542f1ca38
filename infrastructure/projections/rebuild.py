"""Rebuild a read model from position zero beside the live one, and prove they are equal."""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.application import Application
from psycopg.sql import SQL, Identifier

from infrastructure.postgres.pool import DictPool
from infrastructure.projections.catalog import read_model
from infrastructure.projections.runner import ProjectionRunner
from infrastructure.projections.tracking import read_position


@dataclass(frozen=True)
class TableComparison:
    name: str
    live_rows: int
    rebuilt_rows: int
    differing: int


@dataclass
class RebuildReport:
    name: str
    tables: list[TableComparison] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)
    applied: bool = False

    @property
    def equal(self) -> bool:
        return all(t.differing == 0 and t.live_rows == t.rebuilt_rows for t in self.tables)


class RebuildError(Exception):
    """A rebuild that cannot be done or compared; the message says why."""


def rebuild(
    pool: DictPool,
    applications: dict[str, Application[Any]],
    name: str,
    *,
    apply: bool = False,
    keep: bool = False,
    progress: Callable[[str], None] = lambda _: None,
) -> RebuildReport:
    """This function will replay every followed log into shadow tables under the schema
    `rebuild_<name>`, bring the live read model to the same positions, and compare the
    tables row for row. With `apply`, differing live tables are replaced by the rebuilt rows
    (and the live tracking set to the rebuilt positions) in one transaction.

    Raises RebuildError for an unknown or unrebuildable read model.
    """
    try:
        model = read_model(name)
    except KeyError as error:
        raise RebuildError(str(error.args[0])) from None
    if not model.rebuildable:
        raise RebuildError(
            f"{name} is a delivery log, not a read model: replaying it would deliver again"
        )
    shadow = f"rebuild_{name}"
    shadow_tracking = f"{name}__rebuild"
    with pool.connection() as conn:
        conn.execute(SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(Identifier(shadow)))
        conn.execute(SQL("CREATE SCHEMA {}").format(Identifier(shadow)))
        for statement in model.view(shadow).create_statements():
            conn.execute(statement)
        conn.execute(
            "DELETE FROM projections.tracking WHERE projection_name = %s", (shadow_tracking,)
        )
    try:
        shadow_runners, live_runners = [], []
        for log_name in model.projection.follows:
            app = applications[log_name]
            view = model.view(shadow)
            shadow_runners.append(
                ProjectionRunner(
                    pool=pool,
                    application=app,
                    projection=model.projection(view),
                    view=view,
                    tracking_name=shadow_tracking,
                    batch_size=2000,
                )
            )
            live_view = model.view(model.schema)
            live_runners.append(
                ProjectionRunner(
                    pool=pool,
                    application=app,
                    projection=model.projection(live_view),
                    view=live_view,
                )
            )
        started = time.monotonic()
        for runner in shadow_runners:
            applied = runner.catch_up()
            progress(
                f"replayed {applied} events of {runner.log_name} in {time.monotonic() - started:.2f}s"
            )
        report = _compare_when_aligned(
            pool,
            model.view(model.schema).tables,
            model.schema,
            shadow,
            shadow_runners,
            live_runners,
        )
        report.name = name
        if apply and not report.equal:
            _replace_live(
                pool, model.view(model.schema).tables, model.schema, shadow, shadow_runners, name
            )
            report.applied = True
        return report
    finally:
        if not keep:
            with pool.connection() as conn:
                conn.execute(SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(Identifier(shadow)))
                conn.execute(
                    "DELETE FROM projections.tracking WHERE projection_name = %s",
                    (shadow_tracking,),
                )


def _compare_when_aligned(
    pool: DictPool,
    tables: tuple[str, ...],
    live: str,
    shadow: str,
    shadow_runners: list[ProjectionRunner],
    live_runners: list[ProjectionRunner],
    attempts: int = 20,
) -> RebuildReport:
    """Both sides must stand at the same positions for a fair comparison: catch both up to the
    head (the live projector may be running too; its tracking guard keeps one writer per batch)."""
    for _ in range(attempts):
        for runner in shadow_runners + live_runners:
            try:
                runner.catch_up()
            except Exception:  # the live projector moved the same batch first: fine
                time.sleep(0.05)
        with pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            positions = {r.log_name: read_position(cur, r.name, r.log_name) for r in shadow_runners}
            live_positions = {
                r.log_name: read_position(cur, r.name, r.log_name) for r in live_runners
            }
            if positions != live_positions:
                continue
            report = RebuildReport(name="", positions=positions)
            for table in tables:
                report.tables.append(_compare_table(cur, table, live, shadow))
            return report
    raise RebuildError("the live read model kept moving; could not compare at one position")


def _compare_table(cur: Any, table: str, live: str, shadow: str) -> TableComparison:
    live_t = SQL("{}.{}").format(Identifier(live), Identifier(table))
    shadow_t = SQL("{}.{}").format(Identifier(shadow), Identifier(table))
    cur.execute(
        SQL(
            "SELECT (SELECT count(*) FROM {l}) AS live_rows, (SELECT count(*) FROM {s}) AS rebuilt_rows,"
            " (SELECT count(*) FROM ((SELECT * FROM {l} EXCEPT ALL SELECT * FROM {s})"
            " UNION ALL (SELECT * FROM {s} EXCEPT ALL SELECT * FROM {l})) d) AS differing"
        ).format(l=live_t, s=shadow_t)
    )
    row = cur.fetchone()
    return TableComparison(
        table, int(row["live_rows"]), int(row["rebuilt_rows"]), int(row["differing"])
    )


def _replace_live(
    pool: DictPool,
    tables: tuple[str, ...],
    live: str,
    shadow: str,
    shadow_runners: list[ProjectionRunner],
    name: str,
) -> None:
    with pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
        for table in tables:
            live_t = SQL("{}.{}").format(Identifier(live), Identifier(table))
            shadow_t = SQL("{}.{}").format(Identifier(shadow), Identifier(table))
            cur.execute(SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(live_t))
            cur.execute(SQL("DELETE FROM {}").format(live_t))
            cur.execute(SQL("INSERT INTO {} SELECT * FROM {}").format(live_t, shadow_t))
        for runner in shadow_runners:
            position = read_position(cur, runner.name, runner.log_name)
            cur.execute(
                "INSERT INTO projections.tracking (projection_name, application_name, notification_id)"
                " VALUES (%s, %s, %s) ON CONFLICT (projection_name, application_name)"
                " DO UPDATE SET notification_id = EXCLUDED.notification_id, updated_at = now()",
                (name, runner.log_name, position),
            )
