"""A parse that runs past its time limit, in a real Dramatiq worker on Redis, ends Failed.

The slow part is not faked: a 5.5 MB YAML document takes several seconds to read (about 8 s
on an idle 2-core machine), and the deployment's TESTAMENT_PARSE_TIME_LIMIT_SECONDS is 1 s.
The worker is made as `testament worker` makes it (before, its TimeLimit middleware never
started its watchdog thread, so no time limit ever fired). The message goes the way an
upload's does (the publisher's route for Uploaded makes it), the TimeLimit middleware stops each attempt, the retries run out, and `apidoc.abandon_parse`
records the specification as Failed, saying it was the time limit.
"""

import dataclasses
import json
import time
import uuid
from collections.abc import Iterator

import pytest
import yaml
from dramatiq.brokers.redis import RedisBroker

from application.apidoc.commands import CreateProject, UploadSpecification
from domain.files.model import FileCategory
from domain.shared.meta import system_meta
from domain.specifications.model import ApiSpecification, ParseStatus
from interfaces.bootstrap import Runtime
from interfaces.workers.broker import new_worker
from interfaces.workers.context import set_runtime
from interfaces.workers.routes import SPEC_UPLOADED, outbox_routes


def slow_document(operations: int = 6000) -> bytes:
    """An OpenAPI document in YAML (block style), the slowest format to read."""
    text = "A description long enough to look like real documentation. " * 6
    paths = {
        f"/area{i // 50}/items{i}": {
            "get": {
                "operationId": f"get{i}",
                "description": text,
                "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "ok"}},
            }
        }
        for i in range(operations)
    }
    document = {"openapi": "3.0.3", "info": {"title": "Slow", "version": "1"}, "paths": paths}
    return yaml.safe_dump(json.loads(json.dumps(document)), default_flow_style=False).encode()


@pytest.fixture
def parsing_worker(broker: RedisBroker, runtime: Runtime) -> Iterator[Runtime]:
    """A worker on the parsing queue whose deployment allows a parse one second."""
    settings = runtime.settings.model_copy(update={"parse_time_limit_seconds": 1})
    limited = dataclasses.replace(runtime, settings=settings)
    set_runtime(limited)
    worker = new_worker(broker, threads=1, queues={"parsing"})
    worker.start()
    try:
        yield limited
    finally:
        worker.stop(timeout=10_000)
        set_runtime(None)
        broker.flush("parsing")


class TestAParseOverItsTimeLimit:
    def test_is_stopped_abandoned_and_recorded_failed_saying_so(
        self, parsing_worker: Runtime, broker: RedisBroker
    ) -> None:
        runtime, owner, meta = parsing_worker, uuid.uuid4(), system_meta("test")
        project = runtime.apidoc.create_project(
            CreateProject(owner_id=owner, name="slow", description="", base_url="", meta=meta)
        )
        stored, _ = runtime.storage.store_file(
            owner_id=owner,
            file_name="slow.yaml",
            content_type="application/yaml",
            content=slow_document(),
            category=FileCategory.API_SPEC,
            meta=meta,
        )
        spec_id = runtime.apidoc.upload_specification(
            UploadSpecification(
                project_id=project.aggregate_id,
                requester_id=owner,
                name="slow",
                original_file_id=stored.id,
                format_hint=None,
                meta=meta,
            )
        ).aggregate_id
        started = time.monotonic()
        route = outbox_routes(runtime.settings)[SPEC_UPLOADED]
        broker.enqueue(route.message(str(uuid.uuid4()), str(spec_id)))
        spec = runtime.apidoc.load_version(spec_id)
        while spec.status != ParseStatus.FAILED:
            assert spec.status != ParseStatus.SUCCESS, [
                (e.type, e.timestamp.time().isoformat()) for e in runtime.apidoc.history(spec_id)
            ]
            assert time.monotonic() - started < 90, f"still {spec.status} after 90 s"
            time.sleep(0.5)
            spec = runtime.apidoc.load_version(spec_id)
        assert isinstance(spec, ApiSpecification)
        # Each of the three attempts was started, and each was stopped by the limit.
        assert spec.attempts == 3
        assert spec.issues == [
            {
                "location": "/",
                "message": "parsing was stopped at its time limit of 1 s, 3 times"
                " (TESTAMENT_PARSE_TIME_LIMIT_SECONDS): the document is too slow to read",
            }
        ]
