"""Re-walking the hash chain: the first position where an event, a link or a digest does not
match. Reads only the database (and an auditor's digest file), never the secret key."""

from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

from infrastructure.audit.chain import GENESIS, LOGS, SCHEMA, TABLE, events_table, head
from infrastructure.audit.digests import Digest, DigestError, read_digests

_LINKS = sql.Identifier(SCHEMA, TABLE)


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
    """The first position of a log, from `from_position` on, where an event and its link
    do not match; the whole comparison runs in one statement on the database's server."""
    anchor = _anchor(conn, log, from_position)
    row = conn.execute(
        _FIRST_MISMATCH.format(events=events_table(log), links=_LINKS),
        {"log": log, "prefix": log.encode() + b"\x00", "from": from_position, "anchor": anchor},
    ).fetchone()
    if row is not None:
        position, has_event, has_link = row
        if not has_link:
            return Finding(
                log, position, "an event without a link (inserted outside the recorder?)"
            )
        if not has_event:
            return Finding(log, position, "a link without its event: the event was deleted")
        return Finding(
            log,
            position,
            "the event does not match its link (the event, its link, or an event"
            " before it was changed, removed or moved)",
        )
    counted = conn.execute(
        sql.SQL("SELECT count(*) FROM {} WHERE log = %s AND position >= %s").format(_LINKS),
        (log, from_position),
    ).fetchone()
    result.events[log] = int(counted[0]) if counted else 0
    last = head(conn, log)
    if last is not None:
        result.heads[log] = last
    return None


# Each link recomputed from its event and the *stored* link before it (lag), as the trigger
# computed it (infrastructure/audit/chain.py has the formula), compared with the stored one;
# a position with an event and no link, or a link and no event, is a mismatch too.
_FIRST_MISMATCH = sql.SQL(
    "WITH e AS (SELECT notification_id AS position, int8send(notification_id)"
    "   || uuid_send(originator_id) || int8send(originator_version::bigint)"
    "   || convert_to(topic, 'UTF8') || '\\x00'::bytea || sha256(state) AS body"
    "  FROM {events} WHERE notification_id >= %(from)s),"
    " l AS (SELECT position, link, coalesce(lag(link) OVER (ORDER BY position), %(anchor)s)"
    "   AS previous FROM {links} WHERE log = %(log)s AND position >= %(from)s)"
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
