"""Benchmark: parse and store a large OpenAPI document, beside openapi-spec-validator alone.

A generated OpenAPI 3.0 document of N resources x 5 operations (default 200 x 5 = 1,000
operations), every resource schema sharing a chain of common schemas several levels deep.
Measured in one run on a throwaway database:

  validator   openapi-spec-validator's validate() of the same document (the baseline)
  parse       Testament's parser alone (bytes -> neutral model)
  full        upload (store the file + record the spec) + the parse job (parse + record the
              Parsed event) + the specifications projection writing every endpoint row

Target: full parse-and-store at most 3x the validator's time.
"""

import argparse
import json
import sys
import time
import uuid
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from openapi_spec_validator import validate  # noqa: E402

from application.apidoc.commands import CreateProject, UploadSpecification  # noqa: E402
from bench.commands import throwaway_servers  # noqa: E402
from domain.files.model import FileCategory  # noqa: E402
from domain.shared.meta import system_meta  # noqa: E402
from infrastructure.projections.catalog import read_model  # noqa: E402
from infrastructure.settings import Settings  # noqa: E402
from infrastructure.specs.service import SpecificationParser  # noqa: E402
from interfaces.bootstrap import migrate  # noqa: E402

COMMON = {
    "Coordinates": {
        "type": "object",
        "required": ["lat", "lon"],
        "properties": {
            "lat": {"type": "number", "minimum": -90, "maximum": 90},
            "lon": {"type": "number", "minimum": -180, "maximum": 180},
        },
    },
    "Address": {
        "type": "object",
        "required": ["street", "city"],
        "properties": {
            "street": {"type": "string", "minLength": 1, "maxLength": 200},
            "city": {"type": "string", "maxLength": 100},
            "postcode": {"type": "string", "pattern": "^[0-9A-Z -]{3,10}$"},
            "location": {"$ref": "#/components/schemas/Coordinates"},
        },
    },
    "Person": {
        "type": "object",
        "required": ["id", "name"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "name": {"type": "string", "maxLength": 100},
            "email": {"type": "string", "format": "email"},
            "address": {"$ref": "#/components/schemas/Address"},
        },
    },
    "Audit": {
        "type": "object",
        "properties": {
            "createdBy": {"$ref": "#/components/schemas/Person"},
            "updatedBy": {"$ref": "#/components/schemas/Person"},
            "createdAt": {"type": "string", "format": "date-time"},
        },
    },
    "Money": {
        "type": "object",
        "required": ["amount", "currency"],
        "properties": {
            "amount": {"type": "number", "multipleOf": 0.01},
            "currency": {"type": "string", "enum": ["EUR", "USD", "VND"]},
        },
    },
    "Error": {
        "type": "object",
        "required": ["code", "message"],
        "properties": {"code": {"type": "integer"}, "message": {"type": "string"}},
    },
}


def generate(resources: int) -> dict[str, Any]:
    """This function will build an OpenAPI 3.0 document with resources x 5 operations."""
    schemas: dict[str, Any] = dict(COMMON)
    paths: dict[str, Any] = {}
    error = {
        "description": "error",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    for i in range(resources):
        name = f"Resource{i}"
        schemas[name] = {
            "type": "object",
            "required": ["id", "title"],
            "properties": {
                "id": {"type": "string", "format": "uuid", "readOnly": True},
                "title": {"type": "string", "minLength": 2, "maxLength": 80},
                "price": {"$ref": "#/components/schemas/Money"},
                "owner": {"$ref": "#/components/schemas/Person"},
                "audit": {"$ref": "#/components/schemas/Audit"},
                "tags": {"type": "array", "maxItems": 10, "items": {"type": "string"}},
            },
        }
        ref = {"$ref": f"#/components/schemas/{name}"}
        body = {"required": True, "content": {"application/json": {"schema": ref}}}
        one = {"description": "ok", "content": {"application/json": {"schema": ref}}}
        item = f"/resources{i}/{{id}}"
        id_param = {
            "name": "id",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "format": "uuid"},
        }
        paths[f"/resources{i}"] = {
            "get": {
                "operationId": f"list{name}",
                "tags": [f"group{i % 20}"],
                "parameters": [
                    {
                        "name": "limit",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
                    },
                    {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 50}},
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"type": "array", "items": ref}}
                        },
                    },
                    "400": error,
                },
            },
            "post": {
                "operationId": f"create{name}",
                "tags": [f"group{i % 20}"],
                "requestBody": body,
                "responses": {"201": one, "422": error},
                "security": [{"bearer": []}],
            },
        }
        paths[item] = {
            "get": {
                "operationId": f"get{name}",
                "parameters": [id_param],
                "responses": {"200": one, "404": error},
            },
            "put": {
                "operationId": f"update{name}",
                "parameters": [id_param],
                "requestBody": body,
                "responses": {"200": one, "404": error, "422": error},
                "security": [{"bearer": []}],
            },
            "delete": {
                "operationId": f"delete{name}",
                "parameters": [id_param],
                "responses": {"204": {"description": "gone"}, "404": error},
                "security": [{"bearer": []}],
            },
        }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Bench API", "version": "1.0"},
        "servers": [{"url": "https://bench.example.com"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def best_of(rounds: int, work: Any) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=200, help="resources (x5 operations)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    document = generate(args.resources)
    content = json.dumps(document).encode()
    operations = sum(len(v) for v in document["paths"].values())
    print(
        f"document: {operations} operations, {len(document['components']['schemas'])} schemas, "
        f"{len(content) / 1e6:.2f} MB JSON"
    )
    validator = best_of(args.rounds, lambda: validate(json.loads(content)))
    parse_only = best_of(
        args.rounds, lambda: SpecificationParser().parse(content, filename="bench.json")
    )
    with TemporaryDirectory() as workdir, throwaway_servers(Path(workdir)) as servers:
        settings = Settings(
            database_url=servers.database_url,
            redis_url=servers.redis_url,
            secret_key="bench-secret-key-long-enough-0123456789",
            data_dir=Path(workdir) / "data",
        )
        runtime = migrate(settings, servers)
        try:
            owner = uuid.uuid4()
            meta = system_meta("bench")
            project = runtime.apidoc.create_project(
                CreateProject(owner_id=owner, name="bench", description="", base_url="", meta=meta)
            ).aggregate_id
            model = read_model("specifications")
            runner = next(r for r in runtime.runners((model,)))
            runner.catch_up()
            fulls = []
            for round_number in range(args.rounds):
                payload = content + f"\n{' ' * round_number}".encode()  # new bytes: no dedupe
                started = time.perf_counter()
                stored, _ = runtime.storage.store_file(
                    owner_id=owner,
                    file_name="bench.json",
                    content_type="application/json",
                    content=payload,
                    category=FileCategory.API_SPEC,
                    meta=meta,
                )
                spec = runtime.apidoc.upload_specification(
                    UploadSpecification(
                        project_id=project,
                        requester_id=owner,
                        name="bench",
                        original_file_id=stored.id,
                        format_hint=None,
                        meta=meta,
                    )
                ).aggregate_id
                status = runtime.apidoc.parse_specification(spec)
                runner.catch_up()
                fulls.append(time.perf_counter() - started)
                assert status == "Success", status
            with runtime.pool.connection() as conn:
                rows = conn.execute(
                    "SELECT (SELECT count(*) FROM apidoc.api_endpoints WHERE api_spec_id = %(s)s) AS endpoints,"
                    " (SELECT count(*) FROM apidoc.endpoint_parameters p JOIN apidoc.api_endpoints e"
                    "  ON e.id = p.endpoint_id WHERE e.api_spec_id = %(s)s) AS parameters",
                    {"s": spec},
                ).fetchone()
            event_bytes = len(json.dumps(runtime.apidoc.specification_model(project, spec, owner)))
        finally:
            runtime.close()
    full = min(fulls)
    print(
        f"stored: {rows['endpoints']} endpoints, {rows['parameters']} parameters; parsed model {event_bytes / 1e6:.2f} MB"
    )
    print(f"{'measure':<34}{'seconds':>10}{'operations/s':>16}{'x validator':>14}")
    for label, seconds in (
        ("openapi-spec-validator validate()", validator),
        ("Testament parse only", parse_only),
        ("Testament parse and store (full)", full),
    ):
        print(
            f"{label:<34}{seconds:>10.3f}{operations / seconds:>16.0f}{seconds / validator:>14.2f}"
        )
    ratio = full / validator
    print(
        f"TARGET parse_and_store_vs_validator measured={ratio:.2f} goal=3.0 met={'yes' if ratio <= 3.0 else 'no'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
