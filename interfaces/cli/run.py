"""`testament run`: run a suite through the REST API, for CI pipelines.

Queues the run, shows a live progress bar, prints a summary, writes JUnit XML on request,
and exits 0 only when every case passed (1 on failures, 2 on errors of use).
"""

import argparse
import os
import sys
import time
import xml.etree.ElementTree as ET
from typing import Any

import httpx

FINISHED = ("Completed", "Failed", "Cancelled")


def _bar(done: int, total: int, width: int = 30) -> str:
    filled = width if total == 0 else int(width * done / total)
    return "[" + "#" * filled + "." * (width - filled) + "]"


def _token(client: httpx.Client, args: argparse.Namespace) -> str:
    if args.token:
        return str(args.token)
    if not (args.email and args.password):
        raise SystemExit(
            "testament run: give --token (or TESTAMENT_TOKEN), or --email and --password"
        )
    response = client.post("/auth/login", json={"email": args.email, "password": args.password})
    if response.status_code != 200:
        raise SystemExit(
            f"testament run: log in failed: {response.json().get('detail', response.text)}"
        )
    return str(response.json()["access_token"])


def junit(summary: dict[str, Any], results: list[dict[str, Any]], names: dict[str, str]) -> bytes:
    """This function will write a run's results as JUnit XML (one testcase per case)."""
    suite = ET.Element(
        "testsuite",
        name=f"testament run {summary['run_number']}",
        tests=str(summary["total_tests"]),
        failures=str(summary["failed"]),
        skipped=str(summary["skipped"]),
        time=f"{summary['duration_ms'] / 1000:.3f}",
    )
    for result in results:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"suite.{summary['suite_id']}",
            name=names.get(result["case_id"], result["case_id"]),
            time=f"{int(result.get('durationMs') or 0) / 1000:.3f}",
        )
        status = result.get("status")
        if status in ("Failed", "Error"):
            failure = ET.SubElement(
                case, "failure", message=(result.get("failureReason") or status)[:500]
            )
            failure.text = f"{result.get('requestMethod')} {result.get('requestUrl')} -> {result.get('responseStatus')}"
        elif status == "Skipped":
            ET.SubElement(case, "skipped", message=(result.get("failureReason") or "skipped")[:500])
    return bytes(ET.tostring(suite, encoding="utf-8", xml_declaration=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="testament run", description="Run a suite and wait for its results."
    )
    parser.add_argument("--suite", required=True, help="the suite id")
    parser.add_argument("--environment", help="the environment id (default: the project's default)")
    parser.add_argument("--url", default=os.environ.get("TESTAMENT_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--token", default=os.environ.get("TESTAMENT_TOKEN"))
    parser.add_argument("--email", default=os.environ.get("TESTAMENT_EMAIL"))
    parser.add_argument("--password", default=os.environ.get("TESTAMENT_PASSWORD"))
    parser.add_argument("--junit", help="write JUnit XML to this file")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds to wait for the run")
    args = parser.parse_args(argv)
    with httpx.Client(base_url=args.url, timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {_token(client, args)}"
        body = {"environment_id": args.environment} if args.environment else {}
        queued = client.post(f"/suites/{args.suite}/runs", json=body)
        if queued.status_code != 202:
            problem = (
                queued.json() if queued.headers.get("content-type", "").endswith("json") else {}
            )
            print(
                f"testament run: cannot run the suite: {problem.get('detail', queued.text)}",
                file=sys.stderr,
            )
            return 2
        run = queued.json()
        deadline = time.monotonic() + args.timeout
        while run["status"] not in FINISHED and time.monotonic() < deadline:
            time.sleep(0.5)
            run = client.get(f"/runs/{run['id']}").json()
            done = run["passed"] + run["failed"] + run["skipped"]
            sys.stderr.write(
                f"\r{_bar(done, run['total_tests'])} {done}/{run['total_tests']}"
                f"  passed {run['passed']}  failed {run['failed']}  skipped {run['skipped']}"
            )
            sys.stderr.flush()
        sys.stderr.write("\n")
        if run["status"] not in FINISHED:
            print(
                f"testament run: the run did not finish within {args.timeout:g}s", file=sys.stderr
            )
            return 2
        results = client.get(f"/runs/{run['id']}/results").json().get("results", [])
        names = {c["id"]: c["name"] for c in client.get(f"/suites/{args.suite}/cases").json()}
    print(
        f"run {run['run_number']} {run['status']}: {run['passed']} passed, {run['failed']} failed, "
        f"{run['skipped']} skipped in {run['duration_ms'] / 1000:.2f}s"
    )
    for result in results:
        if result.get("status") in ("Failed", "Error"):
            print(
                f"  FAILED {names.get(result['case_id'], result['case_id'])}: {result.get('failureReason')}"
            )
    if args.junit:
        with open(args.junit, "wb") as handle:
            handle.write(junit(run, results, {str(k): v for k, v in names.items()}))
    return 0 if run["status"] == "Completed" and run["failed"] == 0 else 1
