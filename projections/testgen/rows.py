"""Rows of the testgen child tables, derived from a case's fields."""

import json
from datetime import datetime
from typing import Any
from uuid import UUID, uuid5


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _body_text(body_type: str | None, body: Any) -> str | None:
    """A Raw body is its text; any other is JSON text, a JSON string included (stored bare,
    "7" and 7 read back alike)."""
    if body is None:
        return None
    return body if body_type == "Raw" and isinstance(body, str) else _json(body)


def child_rows(
    case_id: UUID, fields: dict[str, Any], at: datetime, version: int
) -> dict[str, list[dict[str, Any]]]:
    """This function will lay out the request, expectations, variables and data sets present
    in `fields` as rows of their tables (only the tables whose field is given)."""
    stamp = {
        "test_case_id": case_id,
        "created_date_time": at,
        "updated_date_time": at,
        "row_version": version,
    }
    rows: dict[str, list[dict[str, Any]]] = {}
    if "request" in fields:
        r = fields["request"]
        body = r.get("body")
        rows["test_case_requests"] = [
            {
                "id": uuid5(case_id, "request"),
                "http_method": r.get("method", ""),
                "url": r.get("url", ""),
                "headers": _json(r.get("headers", {})),
                "path_params": _json(r.get("path_params", {})),
                "query_params": _json(r.get("query_params", {})),
                "body_type": r.get("body_type", ""),
                "body": _body_text(r.get("body_type"), body),
                "timeout": r.get("timeout_ms"),
                **stamp,
                "without_credentials": bool(r.get("without_credentials", False)),
            }
        ]
    if "expectations" in fields:
        e = fields["expectations"]
        rows["test_case_expectations"] = [
            {
                "id": uuid5(case_id, "expectations"),
                "expected_status": _json(e.get("expected_status", [])),
                "response_schema": None
                if e.get("response_schema") is None
                else _json(e["response_schema"]),
                "header_checks": _json(e.get("header_checks", [])),
                "body_contains": _json(e.get("body_contains", [])),
                "body_not_contains": _json(e.get("body_not_contains", [])),
                "json_path_checks": _json(e.get("jsonpath_checks", [])),
                "max_response_time": e.get("max_response_time_ms"),
                **stamp,
                "any_status": bool(e.get("any_status", False)),
                "assertions": _json(e.get("assertions", [])),
                "scripts": _json(e.get("scripts", [])),
            }
        ]
    if "variables" in fields:
        rows["test_case_variables"] = [
            {
                "id": uuid5(case_id, f"variable:{v['name']}"),
                "variable_name": v["name"],
                "extract_from": v.get("source", ""),
                "json_path": v.get("expression") if v.get("source") == "body" else None,
                "header_name": v.get("header_name")
                or (v.get("expression") if v.get("source") == "header" else None),
                "regex": v.get("expression") if v.get("source") == "regex" else None,
                "default_value": v.get("default"),
                **stamp,
                "ordinal": ordinal,
            }
            for ordinal, v in enumerate(fields["variables"])
        ]
    if "data_sets" in fields:
        rows["test_data_sets"] = [
            {
                "id": uuid5(case_id, f"data_set:{d['name']}"),
                "name": d["name"],
                "data": _json(d.get("rows", [])),
                "is_enabled": bool(d.get("enabled", True)),
                **stamp,
                "ordinal": ordinal,
            }
            for ordinal, d in enumerate(fields["data_sets"])
        ]
    return rows


def change_log_rows(case_id: UUID, domain_event: Any, change_type: str) -> list[dict[str, Any]]:
    """This function will give one change-log row per field an event changed."""
    meta = getattr(domain_event, "meta", {}) or {}
    version = domain_event.originator_version
    return [
        {
            "id": uuid5(case_id, f"change:{version}:{change['field']}"),
            "test_case_id": case_id,
            "changed_by_id": meta.get("user_id"),
            "change_type": change_type,
            "field_name": change["field"],
            "old_value": None if change["old"] is None else _json(change["old"]),
            "new_value": None if change["new"] is None else _json(change["new"]),
            "change_reason": meta.get("reason"),
            "version_after_change": version,
            "ip_address": (meta.get("ip") or None),
            "user_agent": (meta.get("user_agent") or None),
            "created_date_time": domain_event.timestamp,
            "updated_date_time": domain_event.timestamp,
            "row_version": version,
        }
        for change in domain_event.changes
    ]
