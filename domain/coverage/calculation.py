"""Coverage of a specification by the requests a run sent: endpoints, documented response
statuses, parameters and request-body fields (FE-10).

Pure functions on plain data: the specification's endpoints as the parsed model stores them
(`ParsedEndpoint.to_json()`) and what each sent request was (`Exercise`). Everything a figure
is made of is kept per endpoint (`EndpointCoverage`), so the coverage of several runs (a
suite's recent runs, a project's runs on one specification version) is the union of their
endpoints' coverage, summarised again.
"""

import json
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from domain.specifications.model import endpoint_key

UNTAGGED = "(untagged)"


@dataclass(frozen=True, kw_only=True)
class Exercise:
    """One request a run sent, as its result recorded it."""

    endpoint_key: str  # the case's endpoint, as the case names it ('' when none)
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    response_status: int | None = None


def exercises_of(results: list[dict[str, Any]]) -> list[Exercise]:
    """This function will list the requests a run sent, from its captured results (a
    skipped case sent nothing)."""
    out = []
    for result in results:
        request = result.get("request") or {}
        if result.get("status") == "Skipped" or not request.get("method"):
            continue
        status = (result.get("response") or {}).get("status")
        out.append(
            Exercise(
                endpoint_key=str(result.get("endpoint_key") or ""),
                method=str(request["method"]),
                url=str(request.get("url") or ""),
                headers={str(k): str(v) for k, v in (request.get("headers") or {}).items()},
                body=str(request.get("body") or ""),
                response_status=status if isinstance(status, int) else None,
            )
        )
    return out


def _sorted_union(*lists: list[str]) -> list[str]:
    return sorted({item for items in lists for item in items})


@dataclass(frozen=True, kw_only=True)
class EndpointCoverage:
    """What was documented of one endpoint and what a run (or several) exercised of it."""

    key: str
    method: str
    path: str
    tags: list[str]
    tested: bool
    statuses_documented: list[str]
    statuses_observed: list[str]  # documented statuses a response came back with
    statuses_undocumented: list[str]  # statuses that came back and the spec does not name
    parameters_documented: list[str]  # '<location>:<name>'
    parameters_exercised: list[str]
    body_fields_documented: list[str]
    body_fields_sent: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "method": self.method,
            "path": self.path,
            "tags": self.tags,
            "tested": self.tested,
            "statuses_documented": self.statuses_documented,
            "statuses_observed": self.statuses_observed,
            "statuses_undocumented": self.statuses_undocumented,
            "parameters_documented": self.parameters_documented,
            "parameters_exercised": self.parameters_exercised,
            "body_fields_documented": self.body_fields_documented,
            "body_fields_sent": self.body_fields_sent,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "EndpointCoverage":
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})

    def merged(self, other: "EndpointCoverage") -> "EndpointCoverage":
        """This function will unite two runs' coverage of the same endpoint."""
        return EndpointCoverage(
            key=self.key,
            method=self.method,
            path=self.path,
            tags=self.tags,
            tested=self.tested or other.tested,
            statuses_documented=self.statuses_documented,
            statuses_observed=_sorted_union(self.statuses_observed, other.statuses_observed),
            statuses_undocumented=_sorted_union(
                self.statuses_undocumented, other.statuses_undocumented
            ),
            parameters_documented=self.parameters_documented,
            parameters_exercised=_sorted_union(
                self.parameters_exercised, other.parameters_exercised
            ),
            body_fields_documented=self.body_fields_documented,
            body_fields_sent=_sorted_union(self.body_fields_sent, other.body_fields_sent),
        )


def percent(part: int, whole: int) -> Decimal:
    """This function will give part/whole as a percentage with two decimals (DECIMAL(5,2));
    nothing to cover is fully covered."""
    if whole == 0:
        return Decimal("100.00")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass(frozen=True, kw_only=True)
class CoverageFigures:
    """The figures of testreport.coverage_metrics, derived from the endpoints' coverage."""

    total_endpoints: int
    tested_endpoints: int
    coverage_percent: Decimal
    by_method: dict[str, float]  # {"GET": 66.67}: percent of the method's endpoints tested
    by_tag: dict[str, float]
    uncovered_paths: list[str]  # endpoint keys no request reached: 'DELETE /pets/{petId}'
    statuses: dict[str, Any]  # {"documented": n, "observed": n, "percent": p}
    parameters: dict[str, Any]
    body_fields: dict[str, Any]


def _share(part: int, whole: int) -> dict[str, Any]:
    return {"documented": whole, "exercised": part, "percent": float(percent(part, whole))}


def summarize(endpoints: list[EndpointCoverage]) -> CoverageFigures:
    """This function will give the figures of a set of endpoints' coverage."""
    tested = [e for e in endpoints if e.tested]
    by_method: dict[str, list[int]] = {}
    by_tag: dict[str, list[int]] = {}
    for endpoint in endpoints:
        for bucket, name in [(by_method, endpoint.method)] + [
            (by_tag, tag) for tag in endpoint.tags or [UNTAGGED]
        ]:
            counts = bucket.setdefault(name, [0, 0])
            counts[0] += int(endpoint.tested)
            counts[1] += 1
    return CoverageFigures(
        total_endpoints=len(endpoints),
        tested_endpoints=len(tested),
        coverage_percent=percent(len(tested), len(endpoints)),
        by_method={k: float(percent(*v)) for k, v in sorted(by_method.items())},
        by_tag={k: float(percent(*v)) for k, v in sorted(by_tag.items())},
        uncovered_paths=[e.key for e in endpoints if not e.tested],
        statuses=_share(
            sum(len(e.statuses_observed) for e in endpoints),
            sum(len(e.statuses_documented) for e in endpoints),
        ),
        parameters=_share(
            sum(len(e.parameters_exercised) for e in endpoints),
            sum(len(e.parameters_documented) for e in endpoints),
        ),
        body_fields=_share(
            sum(len(e.body_fields_sent) for e in endpoints),
            sum(len(e.body_fields_documented) for e in endpoints),
        ),
    )


def merge(runs: list[list[EndpointCoverage]]) -> list[EndpointCoverage]:
    """This function will unite the coverage of several runs on one specification."""
    united: dict[str, EndpointCoverage] = {}
    for endpoints in runs:
        for endpoint in endpoints:
            known = united.get(endpoint.key)
            united[endpoint.key] = endpoint if known is None else known.merged(endpoint)
    return list(united.values())


# -- matching requests to endpoints -------------------------------------------------------


def _template(path: str) -> re.Pattern[str]:
    """This function will match a request path ending in the endpoint's path template; any
    prefix is allowed (the environment's base URL may carry a base path)."""
    parts = re.split(r"(\{[^}/]*\})", path.rstrip("/") or "/")
    pattern = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts if p)
    return re.compile(f"^(?:/.*)?{pattern}/?$")


def _matcher(endpoints: list[dict[str, Any]]) -> Any:
    # Literal paths before templated ones: /pets/mine is not /pets/{petId}.
    ordered = sorted(endpoints, key=lambda e: (str(e["path"]).count("{"), -len(str(e["path"]))))
    compiled = [(str(e["method"]).upper(), _template(str(e["path"])), e) for e in ordered]
    keys = {endpoint_key(str(e["method"]), str(e["path"])): e for e in endpoints}

    def match(exercise: Exercise) -> dict[str, Any] | None:
        if exercise.endpoint_key in keys:
            return keys[exercise.endpoint_key]
        path = urlsplit(exercise.url).path or "/"
        for method, template, endpoint in compiled:
            if method == exercise.method.upper() and template.match(path):
                return endpoint
        return None

    return match


def _status_matches(documented: str, status: int) -> bool:
    text = documented.upper()
    if len(text) == 3 and text.endswith("XX"):
        return str(status)[0] == text[0]
    return text == str(status)


def _observed(documented: list[str], statuses: set[int]) -> tuple[list[str], list[str]]:
    observed, undocumented = set(), set()
    explicit = [d for d in documented if d.lower() != "default"]
    for status in statuses:
        found = [d for d in explicit if _status_matches(d, status)]
        if found:
            observed.update(found)
        elif "default" in [d.lower() for d in documented]:
            observed.add(next(d for d in documented if d.lower() == "default"))
        else:
            undocumented.add(str(status))
    return sorted(observed), sorted(undocumented)


def _sent_parameters(parameters: list[dict[str, Any]], exercise: Exercise) -> set[str]:
    query = {name for name, _ in parse_qsl(urlsplit(exercise.url).query, keep_blank_values=True)}
    headers = {name.lower() for name in exercise.headers}
    cookies = {
        part.split("=", 1)[0].strip()
        for name, value in exercise.headers.items()
        if name.lower() == "cookie"
        for part in value.split(";")
    }
    sent = set()
    for parameter in parameters:
        name, location = str(parameter["name"]), str(parameter["location"])
        if (
            location == "path"
            or (location == "query" and name in query)
            or (location == "header" and name.lower() in headers)
            or (location == "cookie" and name in cookies)
        ):
            sent.add(f"{location}:{name}")
    return sent


def _body_fields(schema: dict[str, Any]) -> list[str]:
    properties = schema.get("properties")
    return sorted(properties) if isinstance(properties, dict) else []


def _fields_sent(body: str) -> set[str]:
    text = body.strip()
    if not text:
        return set()
    try:
        decoded = json.loads(text)
    except ValueError:
        return {name for name, _ in parse_qsl(text, keep_blank_values=True)}
    return set(decoded) if isinstance(decoded, dict) else set()


def calculate(endpoints: list[dict[str, Any]], exercises: list[Exercise]) -> list[EndpointCoverage]:
    """This function will give each documented endpoint's coverage by the sent requests."""
    match = _matcher(endpoints)
    reached: dict[str, list[Exercise]] = {}
    for exercise in exercises:
        endpoint = match(exercise)
        if endpoint is not None:
            key = endpoint_key(str(endpoint["method"]), str(endpoint["path"]))
            reached.setdefault(key, []).append(exercise)
    out = []
    for endpoint in endpoints:
        key = endpoint_key(str(endpoint["method"]), str(endpoint["path"]))
        sent = reached.get(key, [])
        documented = sorted({str(r["status_code"]) for r in endpoint.get("responses") or []})
        statuses = {e.response_status for e in sent if e.response_status is not None}
        observed, undocumented = _observed(documented, statuses)
        parameters = endpoint.get("parameters") or []
        body = endpoint.get("request_body") or {}
        body_documented = _body_fields(body.get("schema") or {})
        exercised = set().union(*(_sent_parameters(parameters, e) for e in sent)) if sent else set()
        fields_sent = set().union(*(_fields_sent(e.body) for e in sent)) if sent else set()
        out.append(
            EndpointCoverage(
                key=key,
                method=str(endpoint["method"]).upper(),
                path=str(endpoint["path"]),
                tags=[str(tag) for tag in endpoint.get("tags") or []],
                tested=bool(sent),
                statuses_documented=documented,
                statuses_observed=observed,
                statuses_undocumented=undocumented,
                parameters_documented=sorted(f"{p['location']}:{p['name']}" for p in parameters),
                parameters_exercised=sorted(exercised),
                body_fields_documented=body_documented,
                body_fields_sent=sorted(fields_sent & set(body_documented)),
            )
        )
    return out
