"""Benchmark: how large the Parsed event of a large specification is, inline and as a blob.

The document is the one /work/shared/newcomer-smoke.sh uploads (3,000 operations, about
2 MB) and the one tests/integration/test_large_writes.py uploads (5,000 operations, about
5 MB). Each is parsed once and recorded twice on a throwaway database: with the model
inline in the event (WRITE_BLOB_FROM_BYTES=0, what every release before ADR 0005 wrote,
zlib-compressed) and as a content-addressed blob (the default). Printed per document: the
stored event's bytes (the `state` column, what crosses the socket under the log's lock),
the blob's bytes, and how long the save took.

Target: the Parsed event of the 5,000-operation spec stored in at most 4 KiB.

    .venv/bin/python bench/event_blobs.py
"""

import json
import sys
import time
import uuid
from pathlib import Path
from tempfile import TemporaryDirectory

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from application.apidoc.app import ApidocApplication  # noqa: E402
from bench.commands import throwaway_servers  # noqa: E402
from domain.projects.model import Project  # noqa: E402
from domain.shared.meta import system_meta  # noqa: E402
from domain.specifications.model import ApiSpecification  # noqa: E402
from domain.specifications.parsed import ParsedSpecification  # noqa: E402
from infrastructure.settings import Settings  # noqa: E402
from infrastructure.specs.service import SpecificationParser  # noqa: E402
from interfaces.bootstrap import migrate  # noqa: E402

GOAL_BYTES = 4096


def smoke_document(operations: int, repeat: int) -> bytes:
    """The newcomer smoke's generated spec (repeat 6) or test_large_writes' (repeat 11)."""
    desc = "A description long enough to look like real documentation. " * repeat
    item = {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}
    paths = {
        f"/area{i // 50}/items{i}": {
            "get": {
                "operationId": f"get{i}",
                "summary": f"Get item {i}",
                "description": desc,
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 100}}
                ],
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": item}}}
                },
            }
        }
        for i in range(operations)
    }
    document = {"openapi": "3.0.3", "info": {"title": "Large", "version": "1"}, "paths": paths}
    return json.dumps(document).encode()


def record(apidoc: ApidocApplication, parsed: ParsedSpecification) -> tuple[uuid.UUID, float]:
    meta = system_meta("bench")
    project = Project.start(owner_id=uuid.uuid4(), name="b", description="", base_url="", meta=meta)
    spec = ApiSpecification.upload(
        project_id=project.id,
        owner_id=project.owner_id,
        name="large",
        original_file_id=None,
        format_hint=None,
        meta=meta,
    )
    spec.start_parsing(meta=meta)
    spec.record_parsed(parsed, meta=meta)
    started = time.perf_counter()
    apidoc.save(project, spec)
    return spec.id, time.perf_counter() - started


def stored_sizes(database_url: str, spec_id: uuid.UUID) -> tuple[int, int]:
    """This function will give the Parsed event's stored bytes and its blobs' stored bytes."""
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT octet_length(state) FROM public.apidoc_events WHERE originator_id = %s AND topic LIKE '%%Parsed'",
            (spec_id,),
        ).fetchone()
        blobs = conn.execute(
            "SELECT coalesce(sum(octet_length(content)), 0) FROM storage.event_blobs"
            " WHERE created_at > now() - interval '1 hour'"
        ).fetchone()
    assert row is not None and blobs is not None
    return int(row[0]), int(blobs[0])


def main() -> int:
    measured_5000 = 0
    with TemporaryDirectory() as workdir, throwaway_servers(Path(workdir)) as servers:
        settings = Settings(
            database_url=servers.database_url,
            redis_url=servers.redis_url,
            secret_key="bench-secret-key-long-enough-0123456789",
            data_dir=Path(workdir) / "data",
        )
        runtime = migrate(settings, servers)
        inline = ApidocApplication({**runtime.apidoc.env, "WRITE_BLOB_FROM_BYTES": "0"})
        try:
            for name, operations, repeat in (("smoke", 3000, 6), ("5,000-op", 5000, 11)):
                content = smoke_document(operations, repeat)
                parsed = SpecificationParser().parse(
                    content, filename="large.json", max_bytes=64 * 1024 * 1024
                )
                model = len(json.dumps(parsed.to_json()))
                before_id, before_s = record(inline, parsed)
                before, _ = stored_sizes(servers.database_url, before_id)
                with psycopg.connect(servers.database_url) as conn:
                    conn.execute("DELETE FROM storage.event_blobs")
                after_id, after_s = record(runtime.apidoc, parsed)
                after, blob = stored_sizes(servers.database_url, after_id)
                print(
                    f"{name}: document {len(content) / 1e6:.2f} MB, model {model / 1e6:.2f} MB;"
                    f" Parsed event inline {before:,} B (save {before_s * 1000:.0f} ms),"
                    f" as a blob reference {after:,} B + blob {blob:,} B"
                    f" (save {after_s * 1000:.0f} ms); event ratio {before / after:.0f}x smaller"
                )
                if operations == 5000:
                    measured_5000 = after
        finally:
            inline.close()
            runtime.close()
    met = "yes" if measured_5000 <= GOAL_BYTES else "no"
    print(f"TARGET parsed_event_bytes measured={measured_5000} goal=<={GOAL_BYTES} met={met}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
