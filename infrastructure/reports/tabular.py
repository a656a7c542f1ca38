"""CSV and JSON reports: one row per case result (per data-set row), or per endpoint for a
Coverage report; JSON is the report document itself (docs/schemas/report-v1.json)."""

import csv
import io
import json
from collections.abc import Callable, Iterator
from typing import Any

import orjson

from domain.reports.document import failure_item, is_failure, result_item

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


def csv_rows(
    document: dict[str, Any], results: Iterator[dict[str, Any]] | None = None
) -> Iterator[list[Any]]:
    """This function will give a report's CSV rows, its header first: one per result of
    `results`, or of the document's own when not given."""
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
    for result in document.get("results", []) if results is None else results:
        yield _result_row(document["run"], result, detailed)


def render_csv(document: dict[str, Any]) -> bytes:
    """This function will write a CSV report (UTF-8 with a BOM, so spreadsheets read it as
    UTF-8; RFC 4180 quoting, CRLF line ends)."""
    return b"".join(_csv_chunks(csv_rows(document)))


def stream_csv(
    head: dict[str, Any], results: Callable[[], Iterator[dict[str, Any]]]
) -> Iterator[bytes]:
    """This function will write render_csv's bytes from a document's head (document_head)
    and its results, a few hundred rows at a time."""
    return _csv_chunks(csv_rows(head, results()))


def _csv_chunks(rows: Iterator[list[Any]], per_chunk: int = 500) -> Iterator[bytes]:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    for number, row in enumerate(rows, 1):
        writer.writerow(row)
        if number % per_chunk == 0:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")


def render_json(document: dict[str, Any]) -> bytes:
    """This function will write a JSON report: the document, versioned (schema_version),
    indented for people, in UTF-8 (orjson: several times faster than json for large runs)."""
    return orjson.dumps(document, option=orjson.OPT_INDENT_2)


def stream_json(
    head: dict[str, Any], results: Callable[[], Iterator[dict[str, Any]]]
) -> Iterator[bytes]:
    """This function will write render_json's bytes (the same document, the same layout)
    from a document's head and its results: `failures` and `results` item by item, so
    memory does not grow with the run. The results are read twice (failures, then all)."""
    kind = head["report_type"]
    lists = {
        "failures": lambda: (failure_item(kind, r) for r in results() if is_failure(r)),
        "results": lambda: (result_item(kind, r) for r in results()),
    }
    keys = [*head, "results"] if kind != "Coverage" else list(head)
    yield b"{"
    for number, key in enumerate(keys):
        yield (b"," if number else b"") + b"\n  " + orjson.dumps(key) + b": "
        if key in lists:
            yield from _json_list(lists[key]())
        else:
            yield _indented(head[key], 1)
    yield b"\n}"


def _json_list(items: Iterator[dict[str, Any]]) -> Iterator[bytes]:
    first = True
    for item in items:
        yield (b"[" if first else b",") + b"\n    " + _indented(item, 2)
        first = False
    yield b"[]" if first else b"\n  ]"


def _indented(value: Any, depth: int) -> bytes:
    """orjson's two-space layout of a value written at `depth` inside the document."""
    return orjson.dumps(value, option=orjson.OPT_INDENT_2).replace(b"\n", b"\n" + b"  " * depth)
