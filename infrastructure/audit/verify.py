"""Re-walking the hash chain: the first position where an event, a link or a digest does not
match. Reads only the database (and an auditor's digest file), never the secret key."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

from infrastructure.audit.chain import GENESIS, LOGS, SCHEMA, TABLE, events_table, link
from infrastructure.audit.digests import Digest, DigestError, read_digests

_LINKS = sql.Identifier(SCHEMA, TABLE)
_BATCH = 5000


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
) -> Verification:
    """This function will recompute every link of the logs named from `from_position` on,
    against the events as stored, and check the signed digests (the database's, and those of
    `digest_file` when given) against the links. It stops at the first finding of each log."""
    result = Verification()
    for log in logs:
        finding = _walk(conn, log, from_position, result)
        if finding is not None:
            result.findings.append(finding)
    stored = read_digests(conn)
    pinned = {d.public_key for d in digest_file} if digest_file else None
    for source, digests in (("database", stored), ("file", digest_file or [])):
        for digest in digests:
            result.digests += 1
            finding = _check_digest(conn, digest, source, pinned)
            if finding is not None:
                result.findings.append(finding)
    return result


def _walk(
    conn: psycopg.Connection[Any], log: str, from_position: int, result: Verification
) -> Finding | None:
    previous = _anchor(conn, log, from_position)
    events = _rows(
        conn,
        sql.SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state FROM {}"
            " WHERE notification_id >= %s ORDER BY notification_id"
        ).format(events_table(log)),
        from_position,
        f"events_{log}",
    )
    links = _rows(
        conn,
        sql.SQL(
            "SELECT position, link FROM {} WHERE log = %s AND position >= %s ORDER BY position"
        ).format(_LINKS),
        (log, from_position),
        f"links_{log}",
    )
    count = 0
    event, stored = next(events, None), next(links, None)
    while event is not None or stored is not None:
        if stored is None or (event is not None and event[0] < stored[0]):
            assert event is not None
            return Finding(
                log, event[0], "an event without a link (inserted outside the recorder?)"
            )
        if event is None or stored[0] < event[0]:
            return Finding(log, stored[0], "a link without its event: the event was deleted")
        position, originator_id, version, topic, state = event
        expected = link(previous, log, position, originator_id, version, topic, bytes(state))
        link_bytes = bytes(stored[1])
        if expected != link_bytes:
            return Finding(
                log,
                position,
                "the event does not match its link (the event, its link, or an event"
                " before it was changed, removed or moved)",
            )
        previous = link_bytes
        count += 1
        result.heads[log] = (position, link_bytes)
        event, stored = next(events, None), next(links, None)
    result.events[log] = count
    return None


def _anchor(conn: psycopg.Connection[Any], log: str, from_position: int) -> bytes:
    """The link before `from_position`: where a partial walk starts from, taken as stored."""
    row = conn.execute(
        sql.SQL(
            "SELECT link FROM {} WHERE log = %s AND position < %s ORDER BY position DESC LIMIT 1"
        ).format(_LINKS),
        (log, from_position),
    ).fetchone()
    return GENESIS if row is None else bytes(row[0])


def _rows(
    conn: psycopg.Connection[Any], query: sql.Composed, params: Any, name: str
) -> Iterator[Any]:
    if not isinstance(params, tuple):
        params = (params,)
    with conn.cursor(name=f"verify_{name}") as cursor:
        cursor.itersize = _BATCH
        cursor.execute(query, params)
        yield from cursor


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
