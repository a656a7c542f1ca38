"""`testament test`: CI in one command. Imports a specification (any format the API takes)
or a Postman collection, generates a suite, and, with --approve, approves it and runs it
against --base-url; without --approve it stops after generation and says where to review.

The approval gate stays: --approve is recorded like any review, by the calling account (an
API key's owner, the key named in the event), with the reason `testament test --approve`,
so the suite's history says who approved and how.
"""

import json
import sys
import time
from pathlib import Path
from typing import Any

import click

from interfaces.cli.client import (
    Connection,
    cli,
    connection_options,
    follow_with_progress,
    print_failure,
    print_summary,
)
from interfaces.cli.follow import all_results
from interfaces.cli.output import stderr, stdout
from interfaces.cli.run import (
    USAGE_OR_API_ERROR,
    ApiError,
    Session,
    exit_status,
    junit,
    outcomes,
    report_names,
)

APPROVAL_REASON = "testament test --approve"
TEST_TYPES = ("HappyPath", "Boundary", "Negative")
PARSED = ("Success", "Failed")


def parse_auth(value: str | None) -> dict[str, Any]:
    """This function will read --auth as an environment's auth: bearer:TOKEN, basic:USER:PASS
    or header:NAME:VALUE (the value may hold colons)."""
    if not value:
        return {"type": "none"}
    kind, _, rest = value.partition(":")
    if kind == "bearer" and rest:
        return {"type": "bearer", "token": rest}
    if kind == "basic" and ":" in rest:
        user, _, password = rest.partition(":")
        return {"type": "basic", "username": user, "password": password}
    if kind == "header" and ":" in rest:
        name, _, header_value = rest.partition(":")
        if name:
            return {"type": "api_key", "in": "header", "name": name, "value": header_value}
    raise click.BadParameter(
        "use bearer:TOKEN, basic:USER:PASSWORD or header:NAME:VALUE", param_hint="--auth"
    )


def parse_types(value: str | None) -> list[str] | None:
    if not value:
        return None
    types = [t.strip() for t in value.split(",") if t.strip()]
    unknown = [t for t in types if t not in TEST_TYPES]
    if unknown or not types:
        raise click.BadParameter(
            f"{', '.join(unknown) or value!r}: the types are {', '.join(TEST_TYPES)}",
            param_hint="--types",
        )
    return types


def postman_collection(content: bytes) -> dict[str, Any] | None:
    """This function will give the file as a Postman collection, if it is one."""
    try:
        document = json.loads(content)
    except ValueError:
        return None
    if not isinstance(document, dict) or not isinstance(document.get("info"), dict):
        return None
    schema = str(document["info"].get("schema") or "")
    if "getpostman.com" in schema or ("item" in document and "_postman_id" in document["info"]):
        return document
    return None


@cli.command("test")
@connection_options
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--base-url", required=True, help="the API under test")
@click.option("--auth", help="bearer:TOKEN | basic:USER:PASSWORD | header:NAME:VALUE")
@click.option("--types", help="comma-separated: HappyPath,Boundary,Negative (default: all)")
@click.option("--junit", "junit_path", type=click.Path(dir_okay=False), help="JUnit XML here")
@click.option("--report", "report_path", type=click.Path(dir_okay=False), help="a JSON report here")
@click.option("--approve", is_flag=True, help="approve the generated suite and run it")
@click.option("--project", help="the project id (default: one named after the file)")
@click.option("--name", help="the suite's name (default: the file's name and the time)")
@click.option("--timeout", type=float, default=3600, show_default=True)
def test_command(
    conn: Connection,
    source: Path,
    base_url: str,
    auth: str | None,
    types: str | None,
    junit_path: str | None,
    report_path: str | None,
    approve: bool,
    project: str | None,
    name: str | None,
    timeout: float,
) -> None:
    """Import SOURCE, generate a suite, and with --approve run it against --base-url."""
    auth_config = parse_auth(auth)
    test_types = parse_types(types)
    content = source.read_bytes()
    collection = postman_collection(content)
    suite_name = name or f"{source.name} {time.strftime('%Y-%m-%d %H:%M:%S')}"
    with conn.session(timeout=120) as session:
        project_id = project or find_or_create_project(session, source.name, base_url)
        if collection is not None:
            imported = session.call(
                "POST",
                f"/projects/{project_id}/imports/postman",
                json={"collection": collection, "name": suite_name},
                expect=201,
                repeatable=False,
            )
            suite_id = str(imported["suite_id"])
            environment_id = str(imported["environment_id"])
            session.call(
                "PATCH",
                f"/environments/{environment_id}",
                json={"base_url": base_url, "auth": auth_config},
            )
            how = "imported from the Postman collection"
        else:
            spec = upload_specification(session, project_id, source, content)
            environment_id = ci_environment(session, project_id, base_url, auth_config)
            body: dict[str, Any] = {"name": suite_name, "spec_id": spec["id"]}
            if test_types:
                body["test_types"] = test_types
            suite = session.call(
                "POST",
                f"/projects/{project_id}/suites/generate",
                json=body,
                expect=201,
                repeatable=False,
            )
            suite_id = str(suite["id"])
            how = f"generated from {spec['source_type']} {spec['title'] or spec['name']}"
        suite = session.call("GET", f"/suites/{suite_id}", params=session.after("testgen"))
        review = f"{session.client.base_url}/suites/{suite_id}"
        stdout.print(
            f"suite {suite_id} {how}: {suite['case_count']} cases", markup=False, highlight=False
        )
        if not approve:
            stdout.print(
                f"waiting for review: {review} (approve its proposal there, or run this"
                " command again with --approve)",
                markup=False,
                highlight=False,
            )
            return
        approve_suite(session, suite_id)
        run = session.call(
            "POST",
            f"/suites/{suite_id}/runs",
            json={"environment_id": environment_id},
            expect=202,
            repeatable=False,
        )
        finished = follow_with_progress(session, run, timeout)
        if finished is None:
            stderr.print(f"testament test: the run did not finish within {timeout:g}s")
            sys.exit(USAGE_OR_API_ERROR)
        results = all_results(session, str(finished["id"]))
        cases = session.call("GET", f"/suites/{suite_id}/cases")
    names = report_names(cases)
    print_summary(finished)
    for case_name, result in outcomes(results, names):
        if result.get("status") in ("Failed", "Error"):
            print_failure({"name": case_name, **result})
    if junit_path:
        Path(junit_path).write_bytes(junit(finished, results, names))
    if report_path:
        report = {
            "suite_id": suite_id,
            "run": finished,
            "results": [{"name": n, **r} for n, r in outcomes(results, names)],
        }
        Path(report_path).write_text(json.dumps(report, indent=2, default=str))
    sys.exit(exit_status(finished))


def find_or_create_project(session: Session, file_name: str, base_url: str) -> str:
    """This function will find the caller's project named after the file, or create it."""
    project_name = f"testament test: {file_name}"[:200]
    page = session.call("GET", "/projects", params={"search": project_name, "limit": 200})
    for item in page["items"]:
        if item["name"] == project_name and item["status"] == "Active":
            return str(item["id"])
    created = session.call(
        "POST",
        "/projects",
        json={"name": project_name, "description": "made by testament test", "base_url": base_url},
        expect=201,
        repeatable=False,
    )
    return str(created["id"])


def upload_specification(
    session: Session, project_id: str, source: Path, content: bytes, wait: float = 120
) -> dict[str, Any]:
    """This function will upload the file and wait for it to be parsed; ApiError when it
    cannot be."""
    spec = session.call(
        "POST",
        f"/projects/{project_id}/specs",
        files={"file": (source.name, content)},
        expect=202,
        repeatable=False,
    )
    deadline = time.monotonic() + wait
    while spec["parse_status"] not in PARSED:
        if time.monotonic() >= deadline:
            raise ApiError(f"the specification was not parsed within {wait:g}s")
        time.sleep(0.2)
        spec = session.call(
            "GET",
            f"/projects/{project_id}/specs/{spec['id']}",
            params=session.after("apidoc"),
        )
    if spec["parse_status"] == "Failed":
        errors = "; ".join(str(e.get("message") or e) for e in (spec.get("parse_errors") or [])[:5])
        raise ApiError(f"the specification could not be parsed: {errors or 'no reason given'}")
    return dict(spec)


CI_ENVIRONMENT = "testament test"


def ci_environment(session: Session, project_id: str, base_url: str, auth: dict[str, Any]) -> str:
    """This function will give the project's `testament test` environment, pointed at the
    base URL with the auth given (made the first time)."""
    found = session.call(
        "GET",
        f"/projects/{project_id}/environments",
        params=session.after("testexec"),
    )
    for environment in found:
        if environment["name"] == CI_ENVIRONMENT:
            session.call(
                "PATCH",
                f"/environments/{environment['id']}",
                json={"base_url": base_url, "auth": auth},
            )
            return str(environment["id"])
    created = session.call(
        "POST",
        f"/projects/{project_id}/environments",
        json={"name": CI_ENVIRONMENT, "base_url": base_url, "auth": auth},
        expect=201,
        repeatable=False,
    )
    return str(created["id"])


def approve_suite(session: Session, suite_id: str) -> None:
    """This function will approve the suite's pending order proposal (asking for one when
    there is none), recorded with the reason `testament test --approve`."""
    proposals = session.call(
        "GET", f"/suites/{suite_id}/proposals", params=session.after("testgen")
    )
    pending = [p for p in proposals if p["status"] == "Pending"]
    if not pending:
        session.call("POST", f"/suites/{suite_id}/proposals", expect=201, repeatable=False)
        proposals = session.call(
            "GET",
            f"/suites/{suite_id}/proposals",
            params=session.after("testgen"),
        )
        pending = [p for p in proposals if p["status"] == "Pending"]
    if not pending:
        raise ApiError(f"suite {suite_id} has no proposal to approve")
    session.call(
        "POST",
        f"/suites/{suite_id}/proposals/{pending[-1]['number']}/approve",
        json={"notes": f"approved through the CLI ({APPROVAL_REASON})"},
        headers={"X-Change-Reason": APPROVAL_REASON},
        repeatable=False,
    )
