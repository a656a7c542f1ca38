"""Large event fields kept as content-addressed blobs (ADR 0005), and events from before."""

import dataclasses
import json
import re
import uuid
import zlib
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from application.apidoc.app import ApidocApplication
from domain.projects.model import Project
from domain.shared.meta import system_meta
from domain.specifications.model import ApiSpecification
from infrastructure.postgres.blobs import BlobIntegrityError, checksum
from infrastructure.postgres.compression import TolerantZlibCompressor
from infrastructure.projections.rebuild import rebuild
from infrastructure.settings import Settings
from infrastructure.specs.service import SpecificationParser
from interfaces.bootstrap import Runtime, Servers, migrate


def a_document(operations: int, title: str) -> bytes:
    """An OpenAPI document whose parsed model is well over the blob threshold."""
    paths = {
        f"/items{i}": {
            "get": {
                "operationId": f"get{i}",
                "description": "Documentation long enough to look real. " * 4,
                "responses": {"200": {"description": "ok"}},
            }
        }
        for i in range(operations)
    }
    return json.dumps(
        {"openapi": "3.0.3", "info": {"title": title, "version": "1"}, "paths": paths}
    ).encode()


def a_parsed_spec(apidoc: ApidocApplication, operations: int = 300) -> ApiSpecification:
    """This function will save a project and a specification parsed from a large document."""
    meta = system_meta("test")
    project = Project.start(
        owner_id=uuid.uuid4(), name="blobs", description="", base_url="", meta=meta
    )
    spec = ApiSpecification.upload(
        project_id=project.id,
        owner_id=project.owner_id,
        name="large",
        original_file_id=None,
        format_hint=None,
        meta=meta,
    )
    spec.start_parsing(meta=meta)
    parsed = SpecificationParser().parse(
        a_document(operations, uuid.uuid4().hex), filename="large.json"
    )
    spec.record_parsed(parsed, meta=meta)
    apidoc.save(project, spec)
    return spec


def stored_parsed_state(runtime: Runtime, spec_id: uuid.UUID) -> tuple[int, dict[str, Any]]:
    """This function will read the Parsed event's row as stored: its size and its JSON."""
    with psycopg.connect(runtime.settings.database_url) as conn:
        row = conn.execute(
            "SELECT state FROM public.apidoc_events WHERE originator_id = %s"
            " AND topic LIKE '%%Parsed'",
            (spec_id,),
        ).fetchone()
    assert row is not None
    state = bytes(row[0])
    return len(state), json.loads(TolerantZlibCompressor().decompress(state))


def fresh(runtime: Runtime, **env: str) -> ApidocApplication:
    """The apidoc context as another process opens it: nothing cached."""
    return ApidocApplication({**runtime.apidoc.env, **env})


@pytest.fixture(scope="class")
def own_runtime(servers: Servers, settings: Settings) -> Iterator[Runtime]:
    """A migrated runtime on a database of its own, so rebuilds replay only this test's events."""
    dbname = f"testament_blobs_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(servers.database_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    url = re.sub(r"/[^/?]+(\?|$)", f"/{dbname}\\1", servers.database_url, count=1)
    runtime = migrate(
        settings.model_copy(update={"database_url": url}),
        dataclasses.replace(servers, database_url=url),
    )
    try:
        yield runtime
    finally:
        runtime.close()
        with psycopg.connect(servers.database_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


class TestAParsedModelKeptAsABlob:
    def test_is_out_of_the_event_which_names_it_by_its_checksum(self, own_runtime: Runtime) -> None:
        spec = a_parsed_spec(own_runtime.apidoc)
        size, state = stored_parsed_state(own_runtime, spec.id)
        assert "specification" not in state
        name = state["__blobs__"]["specification"]
        assert size < 2048, size
        with psycopg.connect(own_runtime.settings.database_url) as conn:
            row = conn.execute(
                "SELECT size_bytes, content FROM storage.event_blobs WHERE sha256 = %s", (name,)
            ).fetchone()
        assert row is not None
        assert checksum(zlib.decompress(row[1])) == name
        assert row[0] > 64 * 1024

    def test_reads_back_whole_in_another_process(self, own_runtime: Runtime) -> None:
        spec = a_parsed_spec(own_runtime.apidoc)
        reader = fresh(own_runtime)
        try:
            loaded = reader.repository.get(spec.id)
            assert loaded.parsed == spec.parsed
            assert len(loaded.endpoint_keys()) == 300
        finally:
            reader.close()

    def test_is_written_once_for_two_events_with_the_same_model(self, own_runtime: Runtime) -> None:
        spec = a_parsed_spec(own_runtime.apidoc)
        copy = ApiSpecification.upload(
            project_id=spec.project_id,
            owner_id=spec.owner_id,
            name="copy",
            original_file_id=None,
            format_hint=None,
            meta=system_meta("test"),
        )
        copy.start_parsing(meta=system_meta("test"))
        model = spec.specification()
        assert model is not None
        copy.record_parsed(model, meta=system_meta("test"))
        own_runtime.apidoc.save(copy)
        first = stored_parsed_state(own_runtime, spec.id)[1]["__blobs__"]["specification"]
        second = stored_parsed_state(own_runtime, copy.id)[1]["__blobs__"]["specification"]
        assert first == second
        with psycopg.connect(own_runtime.settings.database_url) as conn:
            count = conn.execute(
                "SELECT count(*) FROM storage.event_blobs WHERE sha256 = %s", (first,)
            ).fetchone()
        assert count == (1,)

    def test_projects_and_rebuilds_equal_to_live(self, own_runtime: Runtime) -> None:
        spec = a_parsed_spec(own_runtime.apidoc, operations=250)
        for runner in own_runtime.runners():
            runner.catch_up()
        with psycopg.connect(own_runtime.settings.database_url) as conn:
            count = conn.execute(
                "SELECT count(*) FROM apidoc.api_endpoints WHERE api_spec_id = %s",
                (spec.id,),
            ).fetchone()
        assert count == (250,)
        report = rebuild(own_runtime.pool, own_runtime.applications(), "specifications")
        assert report.equal, report.tables


class TestABlobThatDoesNotHold:
    def test_whose_content_was_changed_is_refused_naming_the_blob_and_the_event(
        self, own_runtime: Runtime
    ) -> None:
        spec = a_parsed_spec(own_runtime.apidoc)
        name = stored_parsed_state(own_runtime, spec.id)[1]["__blobs__"]["specification"]
        with psycopg.connect(own_runtime.settings.database_url) as conn:
            conn.execute(
                "UPDATE storage.event_blobs SET content = %s WHERE sha256 = %s",
                (zlib.compress(b'{"endpoints": []}'), name),
            )
        reader = fresh(own_runtime)
        try:
            with pytest.raises(BlobIntegrityError) as refused:
                reader.repository.get(spec.id)
        finally:
            reader.close()
        assert name in str(refused.value)
        assert "does not match its checksum" in str(refused.value)
        assert f"Parsed of {spec.id} version 3" in str(refused.value)

    def test_that_is_missing_is_refused_naming_it(self, own_runtime: Runtime) -> None:
        spec = a_parsed_spec(own_runtime.apidoc)
        name = stored_parsed_state(own_runtime, spec.id)[1]["__blobs__"]["specification"]
        with psycopg.connect(own_runtime.settings.database_url) as conn:
            conn.execute("DELETE FROM storage.event_blobs WHERE sha256 = %s", (name,))
        reader = fresh(own_runtime)
        try:
            with pytest.raises(BlobIntegrityError, match=f"blob {name}.* is missing"):
                reader.repository.get(spec.id)
        finally:
            reader.close()


class TestAModelStoredInlineBeforeBlobs:
    def test_still_loads_projects_and_rebuilds_equal_to_live(self, own_runtime: Runtime) -> None:
        # WRITE_BLOB_FROM_BYTES=0 writes exactly the shape every earlier release wrote.
        before = fresh(own_runtime, WRITE_BLOB_FROM_BYTES="0")
        try:
            old = a_parsed_spec(before, operations=200)
        finally:
            before.close()
        state = stored_parsed_state(own_runtime, old.id)[1]
        assert "__blobs__" not in state
        assert len(state["specification"]["endpoints"]) == 200
        new = a_parsed_spec(own_runtime.apidoc, operations=220)
        reader = fresh(own_runtime)
        try:
            assert reader.repository.get(old.id).parsed == old.parsed
            assert reader.repository.get(new.id).parsed == new.parsed
        finally:
            reader.close()
        for runner in own_runtime.runners():
            runner.catch_up()
        with psycopg.connect(own_runtime.settings.database_url) as conn:
            counts = conn.execute(
                "SELECT api_spec_id, count(*) FROM apidoc.api_endpoints"
                " WHERE api_spec_id = ANY(%s) GROUP BY 1",
                ([old.id, new.id],),
            ).fetchall()
        assert dict(counts) == {old.id: 200, new.id: 220}
        report = rebuild(own_runtime.pool, own_runtime.applications(), "specifications")
        assert report.equal, report.tables
