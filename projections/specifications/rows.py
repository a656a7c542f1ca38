"""The rows of the apidoc endpoint tables, derived from a parsed specification."""

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

from domain.specifications.model import endpoint_key


def endpoint_id(spec_id: UUID, method: str, path: str) -> UUID:
    """This function will give an endpoint the same id on every replay and re-parse."""
    return uuid5(spec_id, endpoint_key(method, path))


def scheme_id(spec_id: UUID, name: str) -> UUID:
    return uuid5(spec_id, f"scheme:{name}")


@dataclass(frozen=True, kw_only=True)
class EndpointRows:
    """One endpoint and its parameter, response and security requirement rows."""

    endpoint: dict[str, Any]
    parameters: list[dict[str, Any]] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)
    security: list[dict[str, Any]] = field(default_factory=list)


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def endpoint_rows(
    spec_id: UUID, endpoint: dict[str, Any], at: datetime, version: int
) -> EndpointRows:
    """This function will lay out one parsed endpoint (its to_json form) as table rows."""
    eid = endpoint_id(spec_id, endpoint["method"], endpoint["path"])
    stamp = {"created_date_time": at, "updated_date_time": at, "row_version": version}
    parameters = []
    for p in endpoint.get("parameters", []):
        default = p.get("default")
        parameters.append(
            {
                "id": uuid5(eid, f"param:{p['location']}:{p['name']}"),
                "endpoint_id": eid,
                "name": p["name"],
                "location": p["location"],
                "data_type": p.get("data_type", ""),
                "format": p.get("format", ""),
                "is_required": bool(p.get("required")),
                "default_value": None if default is None else _json(default),
                "schema": _json(p.get("schema", {})),
                "examples": _json(p.get("examples", [])),
                **stamp,
            }
        )
    responses = []
    for r in endpoint.get("responses", []):
        status = str(r["status_code"])
        responses.append(
            {
                "id": uuid5(eid, f"response:{status}"),
                "endpoint_id": eid,
                "status_code": int(status) if status.isdigit() else None,
                "status_key": status,
                "description": r.get("description", ""),
                "content_type": r.get("content_type", ""),
                "schema": _json(r.get("schema", {})),
                "examples": _json(r.get("examples", {})),
                "headers": _json(r.get("headers", {})),
                **stamp,
            }
        )
    security = [
        {
            "id": uuid5(eid, f"security:{s.get('alternative', 0)}:{s['scheme_name']}"),
            "endpoint_id": eid,
            "security_type": s.get("security_type", ""),
            "scheme_name": s["scheme_name"],
            "scopes": _json(s.get("scopes", [])),
            "alternative": s.get("alternative", 0),
            **stamp,
        }
        for s in endpoint.get("security", [])
    ]
    row = {
        "id": eid,
        "api_spec_id": spec_id,
        "http_method": endpoint["method"],
        "path": endpoint["path"],
        "operation_id": endpoint.get("operation_id", ""),
        "summary": endpoint.get("summary", ""),
        "description": endpoint.get("description", ""),
        "tags": _json(endpoint.get("tags", [])),
        "is_deprecated": bool(endpoint.get("deprecated")),
        **stamp,
    }
    return EndpointRows(
        endpoint=row,
        parameters=_first_of_each(parameters),
        responses=_first_of_each(responses),
        security=_first_of_each(security),
    )


def _first_of_each(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """This function will drop rows whose id repeats (a parameter declared twice, say): a stored
    event must never hold a read model on a duplicate key."""
    kept: dict[UUID, dict[str, Any]] = {}
    for row in rows:
        kept.setdefault(row["id"], row)
    return list(kept.values())


def distinct_endpoints(endpoints: list[EndpointRows]) -> list[EndpointRows]:
    """This function will keep the first of endpoints sharing a method and path (a Postman
    collection may hold several requests to one endpoint)."""
    kept: dict[UUID, EndpointRows] = {}
    for rows in endpoints:
        kept.setdefault(rows.endpoint["id"], rows)
    return list(kept.values())


def scheme_rows(
    spec_id: UUID, schemes: list[dict[str, Any]], at: datetime, version: int
) -> list[dict[str, Any]]:
    """This function will lay out a specification's security schemes as rows."""
    return [
        {
            "id": scheme_id(spec_id, s["name"]),
            "api_spec_id": spec_id,
            "name": s["name"],
            "type": s.get("type", ""),
            "scheme": s.get("scheme", ""),
            "bearer_format": s.get("bearer_format", ""),
            "in": s.get("in", ""),
            "parameter_name": s.get("parameter_name", ""),
            "configuration": _json(s.get("configuration", {})),
            "created_date_time": at,
            "updated_date_time": at,
            "row_version": version,
        }
        for s in schemes
    ]
