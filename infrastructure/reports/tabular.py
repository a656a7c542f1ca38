"""CSV and JSON reports: one row per case result (per data-set row), or per endpoint for a
Coverage report; JSON is the report document itself (docs/schemas/report-v1.json)."""

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import orjson

# The columns of a Summary or Detailed CSV, in order (docs/reports.md describes each).
RESULT_COLUMNS = (
    "run_id",
    "run_number",
    "case_id",
    "case_name",
    "row",
    "endpoint",
    "test_type",
    "tags",
    "status",
    "duration_ms",
    "failure_reason",
    "failed_checks",
    "llm_explanation",
)
# A Detailed CSV adds what was sent and what came back.
DETAILED_COLUMNS = (
    "request_method",
    "request_url",
    "request_headers",
    "request_body",
    "response_status",
    "response_time_ms",
    "response_headers",
    "response_body",
)
COVERAGE_COLUMNS = (
    "endpoint",
    "method",
    "path",
    "tags",
    "tested",
    "statuses_documented",
    "statuses_observed",
    "statuses_undocumented",
    "parameters_documented",
    "parameters_exercised",
    "body_fields_documented",
    "body_fields_sent",
)


def _checks(result: dict[str, Any]) -> str:
    checks = result.get("failed_checks")
    if checks is None:
        checks = [v for v in result.get("validations") or [] if not v.get("passed", False)]
    return "; ".join(
        f"{c.get('check', '')}: expected {json.dumps(c.get('expected'))},"
        f" got {json.dumps(c.get('actual'))}"
        for c in checks
    )


def _result_row(run: dict[str, Any], result: dict[str, Any], detailed: bool) -> list[Any]:
    row = [
        run.get("run_id", ""),
        run.get("run_number", ""),
        result["case_id"],
        result.get("case_name", ""),
        result.get("row") or "",
        result.get("endpoint_key", ""),
        result.get("test_type", ""),
        " ".join(result.get("tags") or []),
        result["status"],
        result.get("duration_ms", 0),
        result.get("failure_reason", ""),
        _checks(result),
        result.get("llm_explanation", ""),
    ]
    if detailed:
        request, response = result.get("request") or {}, result.get("response") or {}
        row += [
            request.get("method", ""),
            request.get("url", ""),
            json.dumps(request.get("headers") or {}, sort_keys=True),
            request.get("body", ""),
            "" if response.get("status") is None else response["status"],
            "" if response.get("time_ms") is None else response["time_ms"],
            json.dumps(response.get("headers") or {}, sort_keys=True),
            response.get("body", ""),
        ]
    return row


def csv_rows(document: dict[str, Any]) -> Iterator[list[Any]]:
    """This function will give a report's CSV rows, its header first."""
    if document["report_type"] == "Coverage":
        yield list(COVERAGE_COLUMNS)
        for e in (document.get("coverage") or {}).get("endpoints", []):
            yield [
                e["key"],
                e["method"],
                e["path"],
                " ".join(e["tags"]),
                "yes" if e["tested"] else "no",
                *(" ".join(e[name]) for name in COVERAGE_COLUMNS[5:]),
            ]
        return
    detailed = document["report_type"] == "Detailed"
    yield list(RESULT_COLUMNS + (DETAILED_COLUMNS if detailed else ()))
    for result in document.get("results", []):
        yield _result_row(document["run"], result, detailed)


def render_csv(document: dict[str, Any]) -> bytes:
    """This function will write a CSV report (UTF-8 with a BOM, so spreadsheets read it as
    UTF-8; RFC 4180 quoting, CRLF line ends)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in csv_rows(document):
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def render_json(document: dict[str, Any]) -> bytes:
    """This function will write a JSON report: the document, versioned (schema_version),
    indented for people, in UTF-8 (orjson: several times faster than json for large runs)."""
    return orjson.dumps(document, option=orjson.OPT_INDENT_2)
