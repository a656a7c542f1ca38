"""Re-walking the hash chain: the first position where an event, a link or a digest does not
match. Reads only the database (and an auditor's digest file), never the secret key."""

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from threading import local
from typing import Any

import psycopg
from psycopg import sql

from infrastructure.audit.chain import GENESIS, LOGS, SCHEMA, TABLE, events_table, head
from infrastructure.audit.digests import Digest, DigestError, read_digests

_LINKS = sql.Identifier(SCHEMA, TABLE)
# A log longer than this is walked in ranges, several at once when connections are given.
_RANGE = 25_000

Connect = Callable[[], psycopg.Connection[Any]]


@dataclass(frozen=True)
class Finding:
    """The first thing that does not match in one log (or in one digest)."""

    log: str
    position: int
    problem: str

    def __str__(self) -> str:
        return f"{self.log}:{self.position}: {self.problem}"


@dataclass
class Verification:
    """What was checked, and what did not match (empty when the chain holds)."""

    events: dict[str, int] = field(default_factory=dict)
    heads: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    digests: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.findings


def verify(
    conn: psycopg.Connection[Any],
    *,
    logs: tuple[str, ...] = LOGS,
    from_position: int = 1,
    digest_file: list[Digest] | None = None,
    connect: Connect | None = None,
    workers: int = 1,
    range_size: int = _RANGE,
) -> Verification:
    """This function will recompute every link of the logs named from `from_position` on,
    against the events as stored, and check the signed digests (the database's, and those of
    `digest_file` when given) against the links. It reports the first finding of each log.

    With `connect` and `workers` > 1, long logs are walked in ranges on `workers` more
    connections at once, all reading the snapshot of `conn` (exported), so the walk sees one
    state of the database however it is split: on two cores about twice as fast."""
    result = Verification()
    with _walkers(conn, connect, workers) as walk:
        ranges = [r for log in logs for r in _ranges(conn, log, from_position, range_size)]
        found: dict[str, list[Finding]] = {}
        for finding in walk(ranges):
            if finding is not None:
                found.setdefault(finding.log, []).append(finding)
    for log in logs:
        if log in found:
            result.findings.append(min(found[log], key=lambda f: f.position))
            continue
        counted = conn.execute(
            sql.SQL("SELECT count(*) FROM {} WHERE log = %s AND position >= %s").format(_LINKS),
            (log, from_position),
        ).fetchone()
        result.events[log] = int(counted[0]) if counted else 0
        last = head(conn, log)
        if last is not None:
            result.heads[log] = last
    stored = read_digests(conn)
    pinned = {d.public_key for d in digest_file} if digest_file else None
    for source, digests in (("database", stored), ("file", digest_file or [])):
        for digest in digests:
            result.digests += 1
            finding = _check_digest(conn, digest, source, pinned)
            if finding is not None:
                result.findings.append(finding)
    return result


@dataclass(frozen=True)
class _Range:
    log: str
    first: int
    stop: int  # exclusive
    anchor: bytes  # the stored link before `first`


def _ranges(conn: psycopg.Connection[Any], log: str, from_position: int, size: int) -> list[_Range]:
    """The position ranges of one log, each with the stored link it starts from."""
    row = conn.execute(
        sql.SQL(
            "SELECT greatest((SELECT max(notification_id) FROM {events}),"
            " (SELECT max(position) FROM {links} WHERE log = %s))"
        ).format(events=events_table(log), links=_LINKS),
        (log,),
    ).fetchone()
    last = int(row[0]) if row and row[0] is not None else from_position
    bounds = list(range(from_position, last + 1, size))[1:]
    starts = [from_position, *bounds]
    stops = [*bounds, max(last, from_position) + 1]
    return [
        _Range(log, first, stop, _anchor(conn, log, first))
        for first, stop in zip(starts, stops, strict=True)
    ]


Walk = Callable[[list[_Range]], Iterator[Finding | None]]


@contextmanager
def _walkers(
    conn: psycopg.Connection[Any], connect: Connect | None, workers: int
) -> Iterator[Walk]:
    """Where ranges are walked: on `conn` alone, or on a pool of connections sharing its
    snapshot."""
    if connect is None or workers <= 1 or conn.autocommit:  # no transaction to share
        yield lambda ranges: (_walk(conn, r) for r in ranges)
        return
    snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()
    assert snapshot is not None  # the function always answers one row
    threads = local()
    with ExitStack() as opened, ThreadPoolExecutor(workers, "verify") as pool:

        def walk_one(piece: _Range) -> Finding | None:
            worker = getattr(threads, "conn", None)
            if worker is None:
                worker = opened.enter_context(connect())
                worker.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
                worker.read_only = True
                worker.execute(
                    sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot[0]))
                )
                threads.conn = worker
            return _walk(worker, piece)

        yield lambda ranges: pool.map(walk_one, ranges)


def _walk(conn: psycopg.Connection[Any], piece: _Range) -> Finding | None:
    """The first position of a range where an event and its link do not match; the whole
    comparison runs in one statement on the database's server."""
    row = conn.execute(
        _FIRST_MISMATCH.format(events=events_table(piece.log), links=_LINKS),
        {
            "log": piece.log,
            "prefix": piece.log.encode() + b"\x00",
            "from": piece.first,
            "stop": piece.stop,
            "anchor": piece.anchor,
        },
    ).fetchone()
    if row is None:
        return None
    position, has_event, has_link = row
    if not has_link:
        return Finding(
            piece.log, position, "an event without a link (inserted outside the recorder?)"
        )
    if not has_event:
        return Finding(piece.log, position, "a link without its event: the event was deleted")
    return Finding(
        piece.log,
        position,
        "the event does not match its link (the event, its link, or an event"
        " before it was changed, removed or moved)",
    )


# Each link recomputed from its event and the *stored* link before it (lag), as the trigger
# computed it (infrastructure/audit/chain.py has the formula), compared with the stored one;
# a position with an event and no link, or a link and no event, is a mismatch too.
_FIRST_MISMATCH = sql.SQL(
    "WITH e AS (SELECT notification_id AS position, int8send(notification_id)"
    "   || uuid_send(originator_id) || int8send(originator_version::bigint)"
    "   || convert_to(topic, 'UTF8') || '\\x00'::bytea || sha256(state) AS body"
    "  FROM {events} WHERE notification_id >= %(from)s AND notification_id < %(stop)s),"
    " l AS (SELECT position, link, coalesce(lag(link) OVER (ORDER BY position), %(anchor)s)"
    "   AS previous FROM {links} WHERE log = %(log)s AND position >= %(from)s"
    "   AND position < %(stop)s)"
    " SELECT coalesce(e.position, l.position), e.position IS NOT NULL, l.position IS NOT NULL"
    " FROM e FULL JOIN l ON l.position = e.position"
    " WHERE e.position IS NULL OR l.position IS NULL"
    "  OR sha256(l.previous || %(prefix)s || e.body) <> l.link"
    " ORDER BY 1 LIMIT 1"
)


def _anchor(conn: psycopg.Connection[Any], log: str, from_position: int) -> bytes:
    """The link before `from_position`: where a partial walk starts from, taken as stored."""
    row = conn.execute(
        sql.SQL(
            "SELECT link FROM {} WHERE log = %s AND position < %s ORDER BY position DESC LIMIT 1"
        ).format(_LINKS),
        (log, from_position),
    ).fetchone()
    return GENESIS if row is None else bytes(row[0])


def _check_digest(
    conn: psycopg.Connection[Any], digest: Digest, source: str, pinned: set[str] | None
) -> Finding | None:
    where = f"digest of {digest.taken_at} ({source})"
    try:
        digest.check_signature()
    except DigestError as error:
        return Finding("digest", digest.number, f"{where}: {error}")
    if pinned is not None and digest.public_key not in pinned:
        return Finding(
            "digest", digest.number, f"{where}: signed by a key the digest file does not hold"
        )
    for log, (position, expected) in sorted(digest.heads.items()):
        row = conn.execute(
            sql.SQL("SELECT link FROM {} WHERE log = %s AND position = %s").format(_LINKS),
            (log, position),
        ).fetchone()
        if row is None:
            last = conn.execute(
                sql.SQL("SELECT max(position) FROM {} WHERE log = %s AND position < %s").format(
                    _LINKS
                ),
                (log, position),
            ).fetchone()
            kept = int(last[0]) if last and last[0] is not None else 0
            return Finding(
                log,
                kept + 1,
                f"{where} signed the head {position}, which is no longer linked: the log"
                f" was truncated after position {kept}",
            )
        if bytes(row[0]) != expected:
            return Finding(log, position, f"{where}: the link here is not the one signed")
    return None
