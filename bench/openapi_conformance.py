"""OpenAPI conformance: Schemathesis `--checks all` against a running Testament.

Starts a real deployment (migrate, projector, worker, serve) on a throwaway database,
registers and logs in a user, creates a project for the fuzzed requests to find, and runs
Schemathesis against /openapi.json with that user's access token and a bounded number of
examples per operation. Prints, per check, how many failures it found, the operations each
failed on, and the figures the issue names:

  TARGET openapi_server_errors measured=<n> goal=0       not_a_server_error
  TARGET openapi_undocumented measured=<n> goal=0        status_code + content_type conformance
  TARGET openapi_valid_rejected measured=<n> goal=0      positive_data_acceptance
  TARGET openapi_response_violations measured=<n> goal=0 response_schema_conformance
  openapi_refused_beyond_schema measured=<n> (not a target; see BEYOND_SCHEMA)

Baseline (issue 9, before the document was told the truth): 1 server error, 156 undocumented
statuses, 49 undocumented content types, 63 schema-valid requests rejected.

Servers: TESTAMENT_DATABASE_URL and TESTAMENT_REDIS_URL, or the embedded ones. Everything
listens on 127.0.0.1. Run it as:

  .venv/bin/python bench/openapi_conformance.py --max-examples 25
"""

import argparse
import base64
import contextlib
import json
import socket
import subprocess
import sys
import tempfile
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.commands import throwaway_servers  # noqa: E402
from tests.support.deployment import Deployment, deployment_env  # noqa: E402
from tests.support.fake_openai import FakeOpenAI, Reply  # noqa: E402
from tests.support.fake_stripe import API_KEY as STRIPE_KEY  # noqa: E402
from tests.support.fake_stripe import WEBHOOK_SECRET as STRIPE_WEBHOOK_SECRET  # noqa: E402
from tests.support.fake_stripe import fake_stripe  # noqa: E402

SECRET_KEY = "openapi-conformance-bench-secret-key-0123456789"
PASSWORD = "correct horse battery staple"

# The figures the issue names, each the sum of the failures of these checks.
FIGURES = {
    "openapi_server_errors": ("not_a_server_error",),
    "openapi_undocumented": ("status_code_conformance", "content_type_conformance"),
    "openapi_valid_rejected": ("positive_data_acceptance",),
    "openapi_response_violations": ("response_schema_conformance",),
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _access_token(base_url: str) -> str:
    """This function will register an account and log it in."""
    email = f"conformance-{uuid.uuid4().hex[:8]}@example.com"
    with httpx.Client(base_url=base_url, timeout=30) as http:
        registered = http.post("/auth/register", json={"email": email, "password": PASSWORD})
        registered.raise_for_status()
        logged_in = http.post("/auth/login", json={"email": email, "password": PASSWORD})
        logged_in.raise_for_status()
        token: str = logged_in.json()["access_token"]
        created = http.post(
            "/projects",
            json={"name": "conformance"},
            headers={"Authorization": f"Bearer {token}"},
        )
        created.raise_for_status()
        return token


# Refusals of a schema-valid request that no schema can state, each a problem type of its own
# (docs/problems.md) so that a client, and this bench, can tell them from a form the document
# failed to state. They are counted and printed apart, not hidden: a `validation` refusal of a
# schema-valid request still counts against the target.
#   fetch-refused: a specification URL whose host does not resolve, or resolves to a private
#     address: a state of the outside world (DNS) at the time of the request, not its form.
#   inconsistent-values: values each well formed that disagree with each other (a path
#     parameter its path does not have, two data sets of one name): JSON Schema states a
#     value's form, not a rule between values.
#   target-refused: a webhook URL whose host resolves to an address Testament does not post
#     to (as fetch-refused, for webhooks).
#   token-not-valid: a single-use e-mail token that is not pending (unknown, used, expired).
#   invalid-signature: a Stripe webhook whose signature does not verify with the endpoint's
#     secret (no schema can produce an HMAC).
#   idempotency-key-reused: an Idempotency-Key sent before with another request (RFC draft
#     "The Idempotency-Key HTTP Header Field": 422). Schemathesis sends the same few key
#     values to many operations; each is refused for what an earlier request did.
BEYOND_SCHEMA = frozenset(
    {
        "/problems/fetch-refused",
        "/problems/inconsistent-values",
        "/problems/target-refused",
        "/problems/token-not-valid",
        "/problems/invalid-signature",
        "/problems/idempotency-key-reused",
    }
)

# A schema-valid request may still name a version that is not current (412) or a resource
# that does not exist: those answers are about state, not about the request's form.
CONFIG = """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "412", "429", "5xx"]
"""


def _schemathesis(base_url: str, token: str, args: argparse.Namespace, report: Path) -> int:
    config = report.with_name("schemathesis.toml")
    config.write_text(CONFIG)
    command = [
        str(Path(sys.executable).parent / "st"),
        "--config-file",
        str(config),
        "run",
        f"{base_url}/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        str(args.max_examples),
        "--phases",
        args.phases,
        "--seed",
        str(args.seed),
        "--workers",
        str(args.workers),
        "--header",
        f"Authorization: Bearer {token}",
        "--continue-on-failure",
        "--request-timeout",
        "30",
        "--no-color",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(report),
        "--generation-database",
        "none",
    ]
    print("$ " + " ".join(c if "Bearer" not in c else "'Authorization: Bearer …'" for c in command))
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if args.verbose:
        print(completed.stdout[-20000:])
    return completed.returncode


@dataclass(frozen=True)
class Failure:
    """One failed check on one operation, with the first request that showed it."""

    check: str
    operation: str
    status: int | None
    example: str
    problem_type: str = ""


def _failures(report: Path) -> list[Failure]:
    """This function will read every distinct (check, operation, status) failure of a run."""
    found: dict[tuple[str, str, int | None], Failure] = {}
    for line in report.read_text().splitlines():
        event = json.loads(line).get("ScenarioFinished")
        if not event:
            continue
        recorder = event["recorder"]
        for case_id, checks in recorder.get("checks", {}).items():
            for check in checks:
                if check.get("status") != "failure":
                    continue
                interaction = recorder.get("interactions", {}).get(case_id) or {}
                status, example = _describe(interaction)
                kind = _problem_type(interaction)
                name = check["name"]
                if name == "positive_data_acceptance" and kind in BEYOND_SCHEMA:
                    name = "refused_beyond_schema"
                key = (name, recorder["label"], status)
                found.setdefault(key, Failure(*key, example, kind))
    return sorted(found.values(), key=lambda f: (f.check, f.operation, f.status or 0))


def _problem_type(interaction: dict[str, Any]) -> str:
    """This function will give the `type` of a problem+json answer, or ""."""
    content = _decode((interaction.get("response") or {}).get("content"))
    with contextlib.suppress(ValueError, AttributeError, TypeError):
        return str(json.loads(content).get("type", ""))
    return ""


def _describe(interaction: dict[str, Any]) -> tuple[int | None, str]:
    request, response = interaction.get("request") or {}, interaction.get("response") or {}
    status = response.get("status_code")
    body = _decode(request.get("body"))
    answer = _decode(response.get("content"))
    with contextlib.suppress(ValueError, AttributeError):
        answer = json.loads(answer).get("detail", answer)
    uri = str(request.get("uri", "")).split("/", 3)[-1]
    return status, f"{request.get('method')} /{uri} {body[:120]!r} -> {str(answer)[:160]!r}"


def _decode(value: Any) -> str:
    if isinstance(value, dict) and "$base64" in value:
        return base64.b64decode(value["$base64"]).decode("utf-8", "replace")
    return "" if value is None else str(value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=25, help="per operation")
    parser.add_argument("--phases", default="examples,coverage,fuzzing")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--verbose", action="store_true", help="print Schemathesis' own output")
    parser.add_argument("--keep-report", type=Path, help="copy Schemathesis' ndjson events here")
    args = parser.parse_args()
    # Billing and the LLM configured, each against the local server the tests use (the
    # real SDKs speak to them): unconfigured, their routes answer 503 by design, which
    # would say nothing about the routes themselves. Plan limits stay off (a team's install).
    llm = FakeOpenAI().answer(Reply('{"cases": []}')).start()
    with (
        tempfile.TemporaryDirectory() as tmp,
        throwaway_servers(Path(tmp)) as servers,
        fake_stripe() as stripe,
    ):
        port = _free_port()
        env = deployment_env(
            database_url=servers.database_url,
            redis_url=servers.redis_url,
            secret_key=SECRET_KEY,
            data_dir=Path(tmp) / "data",
            port=port,
            TESTAMENT_QUEUE_NAMESPACE=f"testament-openapi-{uuid.uuid4().hex[:8]}",
            TESTAMENT_REGISTRATION="open",
            TESTAMENT_STRIPE_SECRET_KEY=STRIPE_KEY,
            TESTAMENT_STRIPE_WEBHOOK_SECRET=STRIPE_WEBHOOK_SECRET,
            TESTAMENT_STRIPE_API_BASE=stripe.url,
            TESTAMENT_STRIPE_PRICE_PRO_MONTHLY="price_pro_monthly",
            TESTAMENT_STRIPE_PRICE_PRO_YEARLY="price_pro_yearly",
            TESTAMENT_ENFORCE_PLAN_LIMITS="false",
            TESTAMENT_LLM_BASE_URL=llm.url,
            TESTAMENT_LLM_MODEL="conformance-model",
            TESTAMENT_LLM_API_KEY="sk-conformance",
        )
        deployment = Deployment(base_url=f"http://127.0.0.1:{port}", env=env, logs=Path(tmp))
        migrated = deployment.cli("migrate")
        if migrated.returncode != 0:
            print(migrated.stderr)
            return 2
        deployment.start("projector", "projector")
        deployment.start("worker", "worker", "--threads", "1")
        deployment.start("serve", "serve")
        report = Path(tmp) / "schemathesis.ndjson"
        try:
            deployment.wait_healthy()
            token = _access_token(deployment.base_url)
            code = _schemathesis(deployment.base_url, token, args, report)
            failures = _failures(report) if report.exists() else []
            if args.keep_report and report.exists():
                args.keep_report.write_bytes(report.read_bytes())
        finally:
            deployment.stop()
            llm.stop()
        if "Traceback" in deployment.output("serve"):
            print("the server logged a traceback:\n" + deployment.output("serve")[-3000:])
    print(f"schemathesis exit code {code}; {len(failures)} distinct (check, operation, status)")
    by_check: dict[str, list[Failure]] = defaultdict(list)
    for failure in failures:
        by_check[failure.check].append(failure)
    # A figure counts operations: one route failing a check with two statuses is one finding.
    counts = Counter(
        {check: len({f.operation for f in items}) for check, items in by_check.items()}
    )
    for check, count in sorted(counts.items()):
        print(f"{check:<32} {count:>4} operations")
        for failure in by_check[check]:
            print(f"    {failure.operation} [{failure.status}]  {failure.example}")
    for figure, checks in FIGURES.items():
        measured = sum(counts[c] for c in checks)
        print(f"TARGET {figure} measured={measured} goal=0 met={'yes' if measured == 0 else 'no'}")
    # Not a target: schema-valid requests refused by the rules of BEYOND_SCHEMA, listed above.
    print(
        f"openapi_refused_beyond_schema measured={counts['refused_beyond_schema']} (not a target)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
