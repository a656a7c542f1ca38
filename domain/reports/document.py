"""The report document: what every format of a report shows, as plain data.

Built from a run's capture (its summary and one result per case, per data-set row), its
coverage and its suite's trends. JSON reports are this document as is (documented by
docs/report-schema-v1.json); CSV, HTML and PDF are written from it.
"""

import heapq
from collections.abc import Iterable
from typing import Any

from domain.reports.model import ReportType

SCHEMA_VERSION = 1
SLOWEST = 10
STATUSES = ("Passed", "Failed", "Skipped", "Error")


def verdict(run: dict[str, Any]) -> str:
    """This function will give a run's verdict at a glance: Passed only when it completed
    with nothing failed."""
    if run.get("status") == "Cancelled":
        return "Cancelled"
    if run.get("status") == "Failed" or run.get("failed", 0) or run.get("errors", 0):
        return "Failed"
    return "Passed" if run.get("status") == "Completed" else str(run.get("status", ""))


def _tally(results: Iterable[dict[str, Any]], key: Any) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for result in results:
        for name in key(result):
            counts = out.setdefault(name, dict.fromkeys(STATUSES, 0))
            counts[result["status"]] = counts.get(result["status"], 0) + 1
    return dict(sorted(out.items()))


def failed_checks(result: dict[str, Any]) -> list[dict[str, Any]]:
    """This function will list a result's failed checks: expected against actual."""
    return [
        {
            "check": str(v.get("check", "")),
            "expected": v.get("expected"),
            "actual": v.get("actual"),
            "message": str(v.get("message") or ""),
        }
        for v in result.get("validations") or []
        if not v.get("passed", False)
    ]


def _brief(result: dict[str, Any]) -> dict[str, Any]:
    return {
        "case_id": result["case_id"],
        "case_name": result["case_name"],
        "row": result.get("row"),
        "endpoint_key": result.get("endpoint_key", ""),
        "status": result["status"],
        "duration_ms": result.get("duration_ms", 0),
    }


def _outcome(result: dict[str, Any]) -> dict[str, Any]:
    return {
        **_brief(result),
        "test_type": result.get("test_type", ""),
        "tags": result.get("tags", []),
        "failure_reason": result.get("failure_reason", ""),
        "failed_checks": failed_checks(result),
        "llm_explanation": result.get("llm_explanation", ""),
    }


def _failure(result: dict[str, Any], detailed: bool) -> dict[str, Any]:
    failure = {
        **_brief(result),
        "failure_reason": result.get("failure_reason", ""),
        "failed_checks": failed_checks(result),
        "llm_explanation": result.get("llm_explanation", ""),
    }
    if detailed:
        failure["request"] = result.get("request", {})
        failure["response"] = result.get("response", {})
    return failure


def run_figures(run: dict[str, Any], results: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """This function will give the run's summary with its verdict and pass rate."""
    return _figures(run, sum(1 for r in results if r["status"] == "Error"))


def _figures(run: dict[str, Any], errors: int) -> dict[str, Any]:
    executed = run.get("passed", 0) + run.get("failed", 0)
    rate = round(100 * run.get("passed", 0) / executed, 2) if executed else 0.0
    figures = {**run, "errors": errors, "pass_rate": rate}
    figures["verdict"] = verdict(figures)
    return figures


def is_failure(result: dict[str, Any]) -> bool:
    return result["status"] in ("Failed", "Error")


def document_head(
    report_type: str,
    *,
    run: dict[str, Any],
    results: Iterable[dict[str, Any]],
    coverage: dict[str, Any] | None,
    trends: dict[str, Any] | None,
    generated_at: str,
) -> dict[str, Any]:
    """This function will give a report's document without its two long lists (`failures`
    and `results`), in one pass over the results and in memory that does not grow with
    them: the lists are written item by item (failure_item, result_item) by the formats
    that stream (CSV, JSON)."""
    kind = ReportType(report_type)
    head: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "report_type": kind.value,
        "generated_at": generated_at,
        "run": None,
        "coverage": coverage,
    }
    if kind == ReportType.COVERAGE:
        head["run"] = _figures(run, sum(1 for r in results if r["status"] == "Error"))
        return head
    errors = 0
    by_type: dict[str, dict[str, int]] = {}
    by_tag: dict[str, dict[str, int]] = {}
    slowest: list[tuple[int, int, dict[str, Any]]] = []  # a heap of the SLOWEST slowest
    for index, result in enumerate(results):
        errors += result["status"] == "Error"
        _count(by_type, [result.get("test_type") or "(none)"], result["status"])
        _count(by_tag, result.get("tags") or ["(untagged)"], result["status"])
        # Ties keep run order (as a stable sort would): the earlier of two equals stays.
        entry = (int(result.get("duration_ms") or 0), -index, result)
        if len(slowest) < SLOWEST:
            heapq.heappush(slowest, entry)
        elif entry[:2] > slowest[0][:2]:
            heapq.heapreplace(slowest, entry)
    head["run"] = _figures(run, errors)
    head.update(
        {
            "by_type": dict(sorted(by_type.items())),
            "by_tag": dict(sorted(by_tag.items())),
            "slowest": [_brief(r) for *_, r in sorted(slowest, key=lambda e: e[:2], reverse=True)],
            "failures": None,  # written after, item by item
            "trends": trends,
        }
    )
    if coverage is not None and kind != ReportType.DETAILED:
        head["coverage"] = {k: v for k, v in coverage.items() if k != "endpoints"}
    return head


def _count(tally: dict[str, dict[str, int]], names: list[str], status: str) -> None:
    for name in names:
        counts = tally.setdefault(name, dict.fromkeys(STATUSES, 0))
        counts[status] = counts.get(status, 0) + 1


def failure_item(report_type: str, result: dict[str, Any]) -> dict[str, Any]:
    """This function will give one entry of a report's `failures` (a failed result's)."""
    return _failure(result, ReportType(report_type) == ReportType.DETAILED)


def result_item(report_type: str, result: dict[str, Any]) -> dict[str, Any]:
    """This function will give one entry of a report's `results`: every case's verdict (a
    dashboard's rows, the CSV's rows); the request and response only in a Detailed report."""
    return result if ReportType(report_type) == ReportType.DETAILED else _outcome(result)


def report_document(
    report_type: str,
    *,
    run: dict[str, Any],
    results: list[dict[str, Any]],
    coverage: dict[str, Any] | None,
    trends: dict[str, Any] | None,
    generated_at: str,
) -> dict[str, Any]:
    """This function will give the whole document of a report of one type (the formats that
    need it all at once: HTML, PDF)."""
    document = document_head(
        report_type,
        run=run,
        results=results,
        coverage=coverage,
        trends=trends,
        generated_at=generated_at,
    )
    if document["report_type"] == ReportType.COVERAGE.value:
        return document
    document["failures"] = [failure_item(report_type, r) for r in results if is_failure(r)]
    document["results"] = [result_item(report_type, r) for r in results]
    return document
