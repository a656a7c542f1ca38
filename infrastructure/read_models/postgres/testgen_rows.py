"""Rows of the testgen read tables turned back into the shapes the API writes take.

The tables keep the ERD's column names (http_method, json_path_checks, variable_name, ...);
the API answers the names of the domain's values (method, jsonpath_checks, name, ...), so
what a GET answers a PATCH accepts unchanged.
"""

import json
from typing import Any
from uuid import UUID

from application.testgen.queries import CaseDetail, SuiteSummary


def suite_summary(row: dict[str, Any]) -> SuiteSummary:
    """This function will give a test_suites row (with its case count and order) as a suite."""
    return SuiteSummary(
        id=row["id"],
        project_id=row["project_id"],
        api_spec_id=row["api_spec_id"],
        name=row["name"],
        description=row["description"],
        generation_type=row["generation_type"],
        status=row["status"],
        approval_status=row["approval_status"],
        approved_by=row["approved_by_id"],
        approved_at=row["approved_at"],
        selected_endpoint_ids=list(row["selected_endpoint_ids"]),
        case_count=row["case_count"],
        execution_order=[UUID(case_id) for case_id in row["execution_order"]],
        version=row["version"],
        created_at=row["created_date_time"],
        updated_at=row["updated_date_time"],
    )


def _body(body_type: str, text: str | None) -> Any:
    if text is None or body_type == "Raw":
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text  # a JSON string body stored bare, before bodies were always JSON text


def request_of(row: dict[str, Any] | None) -> dict[str, Any]:
    """This function will give a test_case_requests row as the request a case was given."""
    if row is None:
        return {}
    request = {
        "method": row["http_method"],
        "url": row["url"],
        "headers": row["headers"],
        "path_params": row["path_params"],
        "query_params": row["query_params"],
        "body_type": row["body_type"],
        "body": _body(row["body_type"], row["body"]),
        "timeout_ms": row["timeout"],
    }
    if row.get("without_credentials"):
        request["without_credentials"] = True
    return request


def expectations_of(row: dict[str, Any] | None) -> dict[str, Any]:
    """This function will give a test_case_expectations row as the expectations given."""
    if row is None:
        return {}
    expectations = {
        "expected_status": row["expected_status"],
        "response_schema": row["response_schema"],
        "header_checks": row["header_checks"],
        "body_contains": row["body_contains"],
        "body_not_contains": row["body_not_contains"],
        "jsonpath_checks": row["json_path_checks"],
        "max_response_time_ms": row["max_response_time"],
    }
    if row.get("any_status"):
        expectations["any_status"] = True
    if row.get("assertions"):
        expectations["assertions"] = row["assertions"]
    if row.get("scripts"):
        expectations["scripts"] = row["scripts"]
    return expectations


_EXPRESSION_COLUMN = {"body": "json_path", "header": "header_name", "regex": "regex"}


def variable_of(row: dict[str, Any]) -> dict[str, Any]:
    """This function will give a test_case_variables row as the extraction given."""
    source = row["extract_from"]
    column = _EXPRESSION_COLUMN.get(source)
    return {
        "name": row["variable_name"],
        "source": source,
        "expression": (row[column] or "") if column else "",
        "default": row["default_value"],
        "header_name": row["header_name"] if source == "regex" else None,
    }


def data_set_of(row: dict[str, Any]) -> dict[str, Any]:
    """This function will give a test_data_sets row as the data set given."""
    return {"name": row["name"], "rows": row["data"], "enabled": row["is_enabled"]}


def case_detail(row: dict[str, Any]) -> CaseDetail:
    """This function will give a test_cases row with its child rows as a case."""
    return CaseDetail(
        id=row["id"],
        suite_id=row["test_suite_id"],
        name=row["name"],
        description=row["description"],
        test_type=row["test_type"],
        priority=row["priority"],
        tags=list(row["tags"]),
        endpoint_id=row["endpoint_id"],
        endpoint_key=row["endpoint_key"],
        request=request_of(row["request_row"]),
        expectations=expectations_of(row["expectations_row"]),
        variables=[variable_of(v) for v in row["variable_rows"]],
        data_sets=[data_set_of(d) for d in row["data_set_rows"]],
        depends_on=[UUID(str(target)) for target in row["depends_on_ids"]],
        enabled=row["is_enabled"],
        order_index=row["order_index"],
        custom_order_index=row["custom_order_index"],
        is_order_customized=row["is_order_customized"],
        version=row["version"],
        created_at=row["created_date_time"],
        updated_at=row["updated_date_time"],
    )
