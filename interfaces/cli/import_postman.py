"""`testament import-postman`: import a Postman collection through the REST API.

Sends the collection (with an optional environment and globals export) to
POST /projects/{id}/imports/postman and prints the import report: requests imported,
assertions translated and not, the lines left untranslated with their request,
variables, secrets and warnings. Exits 0 when every assertion was translated, 1 when
some were not (the suite is still created), 2 on a usage or API error.
"""

import argparse
import json
import os
import sys
from typing import Any

import httpx

from interfaces.cli.run import USAGE_OR_API_ERROR, ApiError, Session


def _read(path: str | None) -> Any:
    if path is None:
        return None
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def report_lines(answer: dict[str, Any]) -> list[str]:
    """This function will write the import report for a terminal."""
    report = answer["report"]
    lines = [
        f"suite {answer['suite_id']} (waiting for review), environment {answer['environment_id']}",
        f"requests imported: {report['requests']}",
        f"assertions translated: {report['assertions_translated']} of {report['assertions']}",
        f"variable extractions: {report['extractions']}",
        f"variables: {', '.join(report['variables']) or 'none'}",
        f"secrets: {', '.join(report['secrets']) or 'none'}",
    ]
    if report["partially_imported"]:
        lines.append(f"partially imported: {', '.join(report['partially_imported'])}")
    for line in report["untranslated"]:
        lines.append(f"  not translated [{line['request']}] line {line['line']}: {line['text']}")
    lines.extend(f"warning: {warning}" for warning in report["warnings"])
    return lines


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="testament import-postman",
        description="Import a Postman collection as a suite and print the import report.",
    )
    parser.add_argument("collection", help="the collection file (v2.0 or v2.1)")
    parser.add_argument("--project", required=True, help="the project id")
    parser.add_argument("--environment", help="a Postman environment export")
    parser.add_argument("--globals", help="a Postman globals export")
    parser.add_argument("--name", help="the suite's name (default: the collection's)")
    parser.add_argument("--url", default=os.environ.get("TESTAMENT_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--token", default=os.environ.get("TESTAMENT_TOKEN"))
    parser.add_argument("--email", default=os.environ.get("TESTAMENT_EMAIL"))
    parser.add_argument("--password", default=os.environ.get("TESTAMENT_PASSWORD"))
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not (args.token or (args.email and args.password)):
        parser.error("give --token (or TESTAMENT_TOKEN), or --email and --password")
    try:
        body = {
            "collection": _read(args.collection),
            "environment": _read(args.environment),
            "globals": _read(args.globals),
        }
    except (OSError, ValueError) as error:
        print(f"testament import-postman: {error}", file=sys.stderr)
        return USAGE_OR_API_ERROR
    if args.name:
        body["name"] = args.name
    try:
        with httpx.Client(base_url=args.url, timeout=60) as client:
            session = Session(
                client, token=args.token, email=args.email, password=args.password, retry_for=30
            )
            session.open()
            answer = session.call(
                "POST",
                f"/projects/{args.project}/imports/postman",
                json=body,
                expect=201,
                repeatable=False,
            )
    except ApiError as error:
        print(f"testament import-postman: {error}", file=sys.stderr)
        return USAGE_OR_API_ERROR
    print("\n".join(report_lines(answer)))
    report = answer["report"]
    return 0 if report["assertions_translated"] == report["assertions"] else 1
