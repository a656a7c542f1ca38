"""One corpus spec through Testament and Prism, every verdict judged."""

import base64
import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from bench.oracle.client import Client, StepFailed
from bench.oracle.corpus import Spec
from bench.oracle.judge import (
    RIGHT,
    SKIPPED,
    UNDECIDABLE,
    WRONG,
    Judgement,
    judge,
    violations,
)
from bench.oracle.relay import relay
from bench.oracle.servers import prism

_VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}")
_NAMES_AN_ERROR_PLACE = re.compile(
    r"(line \d+|column \d+|#/|\$\.|paths|components|definitions|parameters|schema|"
    r"info|openapi|swagger|\"[^\"]+\"|'[^']+'|/\w)",
    re.I,
)


@dataclass
class SpecOutcome:
    spec: Spec
    parse_status: str = ""
    parse_detail: str = ""
    import_ok: bool = False
    endpoints: int = 0
    judgements: list[Judgement] = field(default_factory=list)
    note: str = ""  # why the spec was not judged, when it was not
    seconds: float = 0.0

    def count(self, outcome: str) -> int:
        return sum(1 for j in self.judgements if j.outcome == outcome)


def _undefined_variables(cases: list[dict[str, Any]]) -> set[str]:
    """This function will list the {{variables}} the cases use that no case extracts: what a
    user puts in the environment (API keys, tokens of schemes with no login operation)."""
    used: set[str] = set()
    extracted: set[str] = set()
    for case in cases:
        used |= set(_VARIABLE.findall(repr(case.get("request"))))
        extracted |= {v["name"] for v in case.get("variables") or []}
    return used - extracted


def _load(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text()
        document = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError, UnicodeDecodeError):
        return {}
    return document if isinstance(document, dict) else {}


def environment_auth(path: Path) -> dict[str, str]:
    """This function will configure the environment's authentication as a user would: for
    the security scheme the most operations use, a credential Prism accepts (it checks that
    one is present and well formed, not that it is valid)."""
    document = _load(path)
    schemes = (document.get("components") or {}).get("securitySchemes") or document.get(
        "securityDefinitions"
    )
    if not isinstance(schemes, dict) or not schemes:
        return {"type": "none"}
    used: Counter[str] = Counter()
    for requirement in document.get("security") or []:
        used.update(list(requirement) if isinstance(requirement, dict) else [])
    for item in (document.get("paths") or {}).values():
        for operation in (item or {}).values() if isinstance(item, dict) else []:
            if isinstance(operation, dict):
                for requirement in operation.get("security") or []:
                    used.update(list(requirement) if isinstance(requirement, dict) else [])
    name = next((n for n, _ in used.most_common() if n in schemes), next(iter(schemes)))
    scheme = schemes[name] if isinstance(schemes[name], dict) else {}
    kind = str(scheme.get("type", "")).lower()
    if kind == "apikey":
        place = str(scheme.get("in", "header")).lower()
        if place in ("header", "query", "cookie"):
            return {
                "type": "api_key",
                "in": place,
                "name": str(scheme.get("name", "api_key")),
                "value": "oracle-api-key",
            }
    if kind in ("http", "basic") and str(scheme.get("scheme", "basic")).lower() == "basic":
        return {"type": "basic", "username": "oracle", "password": "oracle-password"}
    if kind in ("http", "oauth2", "openidconnect"):
        return {"type": "bearer", "token": "oracle-token"}
    return {"type": "none"}


def environment_variables(
    cases: list[dict[str, Any]], token: str = "oracle-token"
) -> list[dict[str, Any]]:
    """This function will fill what docs/generation.md asks of the environment when no case
    provides it: `authToken` (no login step), `apiKey`, `basicAuth` (user:password in
    base64), and any other variable no case extracts."""
    values = {
        "authToken": token,
        "apiKey": "oracle-api-key",
        "basicAuth": base64.b64encode(b"oracle:oracle-password").decode(),
    }
    return [
        {"name": name, "value": values.get(name, f"oracle-{name}"), "secret": False}
        for name in sorted(_undefined_variables(cases))
    ]


# An array where an object is documented (not a bare JSON string: Prism 5's proxy hangs on
# one). A schema with properties but no "type" accepts it: such an operation is counted blind,
# which makes its body cases undecidable, never right.
_CONTROL_BODY = '["oracle control: an array where an object is documented"]'


def blind_operations(
    cases: list[dict[str, Any]], results: list[dict[str, Any]], url: str
) -> set[str]:
    """This function will find the operations whose request bodies Prism does not check.

    Prism skips validation silently where it cannot compile a schema (readme.json's
    POST /branches/{branch}/reference accepts any body, schema-enums' too): there its
    acceptance of a body Testament calls invalid proves nothing. The control is the
    operation's happy request, sent again with a JSON array for its object body: a
    checking Prism refuses it.
    """
    by_case = {r["case_id"]: r for r in results}
    blind: set[str] = set()
    with httpx.Client(timeout=15) as http:
        for case in cases:
            result = by_case.get(case["id"])
            body = (case.get("request") or {}).get("body")
            if isinstance(body, str):  # the API gives a JSON body as its text
                try:
                    body = json.loads(body)
                except ValueError:
                    body = None
            if case.get("test_type") != "HappyPath" or not isinstance(body, dict) or not result:
                continue
            sent = {k: v for k, v in _sent_headers(result).items() if k.lower() != "content-type"}
            sent["Content-Type"] = "application/json"
            path = str(result.get("requestUrl") or "").split("/", 3)[-1]
            try:
                answer = http.request(
                    str(result.get("requestMethod") or "POST"),
                    f"{url}/{path}",
                    headers=sent,
                    content=_CONTROL_BODY,
                )
            except httpx.HTTPError:
                continue
            found = violations(dict(answer.headers))
            if not any((v.get("location") or [""])[0] == "request" for v in found):
                blind.add(case["endpoint_key"])
    return blind


def required_queries(path: Path) -> set[str]:
    """This function will list the operations ("GET /pets") whose document declares a
    required query parameter (path-level parameters and local `$ref`s included)."""
    document = _load(path)
    shared = (document.get("components") or {}).get("parameters") or document.get("parameters")
    shared = shared if isinstance(shared, dict) else {}

    def resolved(item: Any) -> dict[str, Any]:
        if isinstance(item, dict) and isinstance(item.get("$ref"), str):
            item = shared.get(item["$ref"].rsplit("/", 1)[-1])
        return item if isinstance(item, dict) else {}

    found: set[str] = set()
    for template, entry in (document.get("paths") or {}).items():
        if not isinstance(entry, dict):
            continue
        common = [resolved(p) for p in entry.get("parameters") or []]
        for method, operation in entry.items():
            if not isinstance(operation, dict) or method == "parameters":
                continue
            own = [resolved(p) for p in operation.get("parameters") or []]
            if any(p.get("in") == "query" and p.get("required") is True for p in common + own):
                found.add(f"{method.upper()} {template}")
    return found


def blind_queries(
    cases: list[dict[str, Any]], results: list[dict[str, Any]], url: str, required: set[str]
) -> set[str]:
    """This function will find the operations whose query parameters Prism does not check:
    their happy request sent again without its query string, where the document requires a
    query parameter, is accepted (oas-examples' schema-validation-top-level)."""
    by_case = {r["case_id"]: r for r in results}
    blind: set[str] = set()
    with httpx.Client(timeout=15) as http:
        for case in cases:
            result = by_case.get(case["id"])
            key = case["endpoint_key"]
            if case.get("test_type") != "HappyPath" or key not in required or not result:
                continue
            headers = _sent_headers(result)
            path = str(result.get("requestUrl") or "").split("/", 3)[-1].split("?", 1)[0]
            body = result.get("requestBody") or None
            try:
                answer = http.request(
                    str(result.get("requestMethod") or "GET"),
                    f"{url}/{path}",
                    headers=headers,
                    content=body,
                )
            except httpx.HTTPError:
                continue
            found = violations(dict(answer.headers))
            if not any((v.get("location") or [""])[0] == "request" for v in found):
                blind.add(key)
    return blind


def _sent_headers(result: dict[str, Any]) -> dict[str, str]:
    headers = result.get("requestHeaders") or {}
    if isinstance(headers, str):
        try:
            headers = json.loads(headers)
        except ValueError:
            headers = {}
    return {
        str(k): str(v)
        for k, v in (headers if isinstance(headers, dict) else {}).items()
        if str(k).lower() not in ("content-length", "host")
    }


def _parse_detail(spec: dict[str, Any]) -> str:
    errors = spec.get("parse_errors")
    return str(errors)[:400] if errors else ""


def run_spec(
    client: Client, binary: Path, spec: Spec, workdir: Path, seed: int, run_timeout: float
) -> SpecOutcome:
    """This function will import, generate, approve, run and judge one spec."""
    started = time.perf_counter()
    outcome = SpecOutcome(spec)
    try:
        imported = client.import_spec(spec.name, spec.path)
        outcome.parse_status = imported.spec["parse_status"]
        outcome.parse_detail = _parse_detail(imported.spec)
        outcome.endpoints = int(imported.spec.get("endpoint_count") or 0)
        outcome.import_ok = outcome.parse_status == "Success" or bool(
            _NAMES_AN_ERROR_PLACE.search(outcome.parse_detail)
        )
        if outcome.parse_status != "Success":
            outcome.note = f"import {outcome.parse_status}: {outcome.parse_detail[:200]}"
            return outcome
        if outcome.endpoints == 0:
            outcome.note = "no endpoints"
            return outcome
        suite = client.generate(imported.project_id, imported.spec["id"], seed)
        cases = client.cases(suite["id"], suite["_position"])
        try:
            with prism(binary, spec.path, workdir) as served, relay(served.proxy_url) as url:
                variables = environment_variables(cases)
                environment = client.environment(
                    imported.project_id, url, variables, auth=environment_auth(spec.path)
                )
                results = client.run(suite["id"], environment["id"], run_timeout)
                blind = blind_operations(cases, results["results"], url)
                blind_query = blind_queries(
                    cases, results["results"], url, required_queries(spec.path)
                )
        except RuntimeError as error:
            if isinstance(error, StepFailed):
                raise
            outcome.note = f"Prism refused the document: {str(error).splitlines()[-1][:200]}"
            return outcome
        by_case = {r["case_id"]: r for r in results["results"]}
        outcome.judgements = [
            judge(
                case,
                by_case.get(case["id"]),
                body_unchecked=case["endpoint_key"] in blind,
                query_unchecked=case["endpoint_key"] in blind_query,
            )
            for case in cases
        ]
    except StepFailed as error:
        outcome.note = f"Testament: {error}"
    except Exception as error:
        outcome.note = f"harness error: {type(error).__name__}: {str(error)[:200]}"
    finally:
        outcome.seconds = time.perf_counter() - started
    return outcome


def classes(outcomes: list[SpecOutcome], kind: str) -> list[tuple[str, int, str]]:
    """This function will group the judgements of one kind by class, with one example."""
    counts: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for outcome in outcomes:
        for j in outcome.judgements:
            if j.outcome == kind:
                counts[j.label] += 1
                examples.setdefault(j.label, f"[{outcome.spec.name}] {j.detail}")
    return [(label, n, examples[label]) for label, n in counts.most_common()]


__all__ = ["RIGHT", "SKIPPED", "UNDECIDABLE", "WRONG", "SpecOutcome", "classes", "run_spec"]
