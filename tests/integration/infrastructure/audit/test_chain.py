"""The hash chain over the event logs: written with every event, re-walked by `testament
verify`, which names the first position where the stored history was tampered with."""

import dataclasses
import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from domain.projects.model import Project
from domain.shared.meta import system_meta
from infrastructure.audit.chain import GENESIS, install, link
from infrastructure.audit.digests import DigestSigner, read_digests, take_digest, write_file
from infrastructure.audit.verify import Verification, verify
from infrastructure.projections.rebuild import rebuild
from infrastructure.settings import Settings
from interfaces.bootstrap import Runtime, Servers, migrate
from interfaces.cli.main import main

PROJECTS = 5


@dataclasses.dataclass(frozen=True)
class Chained:
    url: str
    runtime: Runtime
    signer: DigestSigner

    def verify(self, **kwargs: object) -> Verification:
        """The walk in one statement per log, and split in ranges of two positions walked
        by three connections sharing one snapshot: every test holds the two to each other."""
        with psycopg.connect(self.url) as conn:
            whole = verify(conn, **kwargs)  # type: ignore[arg-type]
        with psycopg.connect(self.url) as conn:
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            split = verify(
                conn,
                connect=lambda: psycopg.connect(self.url),
                workers=3,
                range_size=2,
                **kwargs,  # type: ignore[arg-type]
            )
        assert split == whole
        return whole

    def execute(self, statement: str, params: tuple[object, ...] = ()) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(statement, params or None)

    def digest(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            take_digest(conn, self.signer)


def _own_database(servers: Servers, settings: Settings) -> tuple[Servers, Settings]:
    dbname = f"testament_chain_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(servers.database_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    url = re.sub(r"/[^/?]+(\?|$)", f"/{dbname}\\1", servers.database_url, count=1)
    return dataclasses.replace(servers, database_url=url), settings.model_copy(
        update={"database_url": url}
    )


def _create_projects(runtime: Runtime, count: int) -> None:
    """One event each, at positions counted from the log's head (the create_project command
    also saves its owner's ProjectQuota: three events, which would hide what is counted)."""
    for number in range(count):
        runtime.apidoc.save(
            Project.start(
                owner_id=uuid.uuid4(),
                name=f"p{number}",
                description="",
                base_url="http://x.test",
                meta=system_meta("test"),
            )
        )


@pytest.fixture
def chained(servers: Servers, settings: Settings) -> Iterator[Chained]:
    """A deployment of its own whose apidoc log holds PROJECTS events (positions 1..5)."""
    own, own_settings = _own_database(servers, settings)
    runtime = migrate(own_settings, own)
    try:
        _create_projects(runtime, PROJECTS)
        yield Chained(own.database_url, runtime, DigestSigner(secret_key=settings.secret_key or ""))
    finally:
        runtime.close()
        with psycopg.connect(servers.database_url, autocommit=True) as conn:
            conn.execute(
                f'DROP DATABASE IF EXISTS "{own.database_url.rsplit("/", 1)[-1]}" WITH (FORCE)'
            )


def _only(result: Verification) -> str:
    assert len(result.findings) == 1, result.findings
    return str(result.findings[0])


def test_every_event_is_linked_in_its_transaction_and_the_chain_holds(chained: Chained) -> None:
    result = chained.verify()
    assert result.intact, result.findings
    assert result.events["apidoc"] == PROJECTS
    # The trigger's SQL and the Python formula agree, link by link, from the genesis.
    with psycopg.connect(chained.url) as conn:
        rows = conn.execute(
            "SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, e.state,"
            " l.link FROM apidoc_events e JOIN storage.event_links l"
            " ON l.log = 'apidoc' AND l.position = e.notification_id ORDER BY 1"
        ).fetchall()
    previous = GENESIS
    for position, originator_id, version, topic, state, stored in rows:
        previous = link(previous, "apidoc", position, originator_id, version, topic, state)
        assert previous == stored
    assert len(rows) == PROJECTS


def test_a_changed_byte_is_named_at_its_position(chained: Chained) -> None:
    chained.execute(
        "UPDATE apidoc_events SET state = set_byte(state, 3, (get_byte(state, 3) + 1) % 256)"
        " WHERE notification_id = 3"
    )
    assert _only(chained.verify()).startswith("apidoc:3: the event does not match its link")


def test_a_deleted_event_is_named_at_its_position(chained: Chained) -> None:
    chained.execute("DELETE FROM apidoc_events WHERE notification_id = 2")
    assert _only(chained.verify()).startswith("apidoc:2: a link without its event")


def test_an_event_deleted_with_its_link_is_named_at_the_next_position(chained: Chained) -> None:
    chained.execute("DELETE FROM apidoc_events WHERE notification_id = 2")
    chained.execute("DELETE FROM storage.event_links WHERE log = 'apidoc' AND position = 2")
    assert _only(chained.verify()).startswith("apidoc:3: the event does not match its link")


def test_two_reordered_events_are_named_at_the_first(chained: Chained) -> None:
    # Each event keeps its own bytes; only their places change (through a spare id, as
    # (originator_id, version) is unique at every step).
    with psycopg.connect(chained.url) as conn:
        rows = {
            position: (originator_id, state)
            for position, originator_id, state in conn.execute(
                "SELECT notification_id, originator_id, state FROM apidoc_events"
                " WHERE notification_id IN (2, 4)"
            ).fetchall()
        }
        move = "UPDATE apidoc_events SET originator_id = %s, state = %s WHERE notification_id = %s"
        conn.execute(move, (uuid.uuid4(), b"", 2))
        conn.execute(move, (*rows[2], 4))
        conn.execute(move, (*rows[4], 2))
    assert _only(chained.verify()).startswith("apidoc:2: the event does not match its link")


def test_a_truncated_tail_is_named_by_the_signed_digest(chained: Chained) -> None:
    chained.digest()
    chained.execute("DELETE FROM apidoc_events WHERE notification_id > 3")
    chained.execute("DELETE FROM storage.event_links WHERE log = 'apidoc' AND position > 3")
    finding = _only(chained.verify())
    assert finding.startswith("apidoc:4: digest of ")
    assert "signed the head 5" in finding and "truncated after position 3" in finding


def test_a_replaced_digest_is_named(chained: Chained, tmp_path: Path) -> None:
    chained.digest()
    file = tmp_path / "digests.jsonl"
    with psycopg.connect(chained.url) as conn:
        write_file(file, read_digests(conn))
    # In the database: a head moved back, signature kept.
    chained.execute("UPDATE storage.event_digests SET heads = jsonb_set(heads, '{apidoc,0}', '4')")
    assert _only(chained.verify()) == (
        f"digest:1: digest of {read_digests_of(chained)[0].taken_at} (database): its signature"
        " does not match its content"
    )
    # A whole digest re-signed with another key: the auditor's file pins the key.
    chained.execute("DELETE FROM storage.event_digests")
    with psycopg.connect(chained.url, autocommit=True) as conn:
        take_digest(conn, DigestSigner(secret_key="another-key-" + "x" * 40))
    from infrastructure.audit.digests import read_file

    result = chained.verify(digest_file=read_file(file))
    assert [str(f).split(": ", 1)[1] for f in result.findings] == [
        f"digest of {read_digests_of(chained)[0].taken_at} (database): signed by a key the"
        " digest file does not hold"
    ]
    # In the file: a link replaced.
    item = json.loads(file.read_text())
    item["heads"]["apidoc"]["link"] = "00" * 32
    file.write_text(json.dumps(item) + "\n")
    assert any(
        "(file): its signature does not match" in str(f)
        for f in chained.verify(digest_file=read_file(file)).findings
    )


def read_digests_of(chained: Chained) -> list:  # type: ignore[type-arg]
    with psycopg.connect(chained.url) as conn:
        return read_digests(conn)


def test_verify_from_a_position_walks_only_from_there(chained: Chained) -> None:
    chained.execute("UPDATE apidoc_events SET topic = topic || 'x' WHERE notification_id = 2")
    assert _only(chained.verify(from_position=1)).startswith("apidoc:2:")
    assert chained.verify(from_position=3).intact
    assert chained.verify(from_position=3).events["apidoc"] == PROJECTS - 2


def test_the_chain_survives_a_rebuild(chained: Chained) -> None:
    report = rebuild(chained.runtime.pool, chained.runtime.applications(), "projects", apply=True)
    assert report.positions["apidoc"] == PROJECTS
    assert chained.verify().intact


def test_a_database_from_before_the_chain_is_linked_by_migrate(
    chained: Chained, servers: Servers, settings: Settings
) -> None:
    # As before the chain: no trigger, no links; events written meanwhile.
    chained.execute("DROP TRIGGER link_event ON apidoc_events")
    chained.execute("DELETE FROM storage.event_links")
    _create_projects(chained.runtime, 2)
    with psycopg.connect(chained.url, autocommit=True) as conn:
        linked = install(conn)
    assert linked["apidoc"] == PROJECTS + 2
    _create_projects(chained.runtime, 1)  # the trigger is back, chaining onto the back-fill
    result = chained.verify()
    assert result.intact, result.findings
    assert result.events["apidoc"] == PROJECTS + 3


def test_the_verify_command_exits_non_zero_naming_the_position(
    chained: Chained,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TESTAMENT_SECRET_KEY", "cli-secret-key-" + "k" * 40)
    file = tmp_path / "digests.jsonl"
    assert main(["audit-digest", "--database-url", chained.url, "--out", str(file)]) == 0
    assert main(["verify", "--database-url", chained.url, "--digest", str(file)]) == 0
    assert "the chain holds" in capsys.readouterr().out
    chained.execute("DELETE FROM apidoc_events WHERE notification_id = 5")
    assert main(["verify", "--database-url", chained.url, "--log", "apidoc"]) == 1
    assert "MISMATCH apidoc:5: a link without its event" in capsys.readouterr().out
