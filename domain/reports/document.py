"""The report document: what every format of a report shows, as plain data.

Built from a run's capture (its summary and one result per case, per data-set row), its
coverage and its suite's trends. JSON reports are this document as is (documented by
docs/report-schema-v1.json); CSV, HTML and PDF are written from it.
"""

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


def run_figures(run: dict[str, Any], results: list[dict[str, Any]]) -> dict[str, Any]:
    """This function will give the run's summary with its verdict and pass rate."""
    errors = sum(1 for r in results if r["status"] == "Error")
    executed = run.get("passed", 0) + run.get("failed", 0)
    rate = round(100 * run.get("passed", 0) / executed, 2) if executed else 0.0
    figures = {**run, "errors": errors, "pass_rate": rate}
    figures["verdict"] = verdict(figures)
    return figures


def report_document(
    report_type: str,
    *,
    run: dict[str, Any],
    results: list[dict[str, Any]],
    coverage: dict[str, Any] | None,
    trends: dict[str, Any] | None,
    generated_at: str,
) -> dict[str, Any]:
    """This function will give the document of a report of one type."""
    kind = ReportType(report_type)
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "report_type": kind.value,
        "generated_at": generated_at,
        "run": run_figures(run, results),
        "coverage": coverage,
    }
    if kind == ReportType.COVERAGE:
        return document
    detailed = kind == ReportType.DETAILED
    slowest = sorted(results, key=lambda r: -int(r.get("duration_ms") or 0))[:SLOWEST]
    document.update(
        {
            "by_type": _tally(results, lambda r: [r.get("test_type") or "(none)"]),
            "by_tag": _tally(results, lambda r: r.get("tags") or ["(untagged)"]),
            "slowest": [_brief(r) for r in slowest],
            "failures": [
                _failure(r, detailed) for r in results if r["status"] in ("Failed", "Error")
            ],
            "trends": trends,
        }
    )
    if coverage is not None and not detailed:
        document["coverage"] = {k: v for k, v in coverage.items() if k != "endpoints"}
    # Every case's verdict (a dashboard's rows, the CSV's rows); the request and response
    # only in a Detailed report.
    document["results"] = results if detailed else [_outcome(r) for r in results]
    return document
