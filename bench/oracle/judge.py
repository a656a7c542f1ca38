"""Judging one verdict of Testament against what Prism saw.

Prism's mock is a conforming implementation of the document it serves: it refuses an invalid
request (400/422 with the document's error example, or its own problem), a request without
the declared credentials (401), and answers a valid one with a documented example. The
proxy in front of it reports, in `sl-violations`, every violation it found in the request
and in the mock's response. So against it:

- a case labelled valid (expects a success) is right when it passes and Prism accepted the
  request; it is wrong when it fails for a request Prism accepted with a conforming answer,
  and wrong when Prism refused the request (Testament built an invalid request and blamed the
  API);
- a negative case (expects only 4xx) is right when it passes and Prism refused the request,
  wrong when Prism accepted what Testament called invalid;
- a conformance verdict is right when it agrees with the proxy's response violations;
- undecidable, counted apart and never as right: what a stateless mock cannot decide
  (invalid credentials accepted, an unknown id found, no answer from Prism, a documented
  response header Prism's mock does not send and does not check).
"""

import ast
import json
import re
from dataclasses import dataclass
from typing import Any

RIGHT, WRONG, UNDECIDABLE, SKIPPED = "right", "wrong", "undecidable", "skipped"


@dataclass(frozen=True)
class Judgement:
    outcome: str
    label: str  # the class (wrong, undecidable) or reason (skipped); "" when right
    detail: str  # one example's facts, for the report


def violations(headers: dict[str, str]) -> list[dict[str, Any]]:
    raw = next((v for k, v in headers.items() if k.lower() == "sl-violations"), "")
    if not raw:
        return []
    try:
        found = json.loads(raw)
    except ValueError:
        return []
    return [v for v in found if isinstance(v, dict)]


def _errors(found: list[dict[str, Any]], where: str) -> list[dict[str, Any]]:
    return [
        v for v in found if v.get("severity") == "Error" and (v.get("location") or [""])[0] == where
    ]


def _where(violation: dict[str, Any]) -> str:
    return ".".join(str(p) for p in (violation.get("location") or [])[1:]) or "request"


_IGNORED_HEADERS = ("authorization", "accept", "content-type")
_REQUIRED_PROPERTY = re.compile(r"required property '([^']+)'")


def _ignored_header(violation: dict[str, Any]) -> bool:
    location = [str(p).lower() for p in violation.get("location") or []]
    if len(location) < 2 or location[1] != "header":
        return False
    if len(location) >= 3:
        return location[2] in _IGNORED_HEADERS
    # A missing header is located at the headers object itself (["request", "header"]),
    # and only the message names it: "Request header must have required property 'x'".
    named = _REQUIRED_PROPERTY.search(str(violation.get("message", "")))
    return named is not None and named.group(1).lower() in _IGNORED_HEADERS


# The formats OpenAPI and JSON Schema (2020-12) define; any other is an annotation a
# validator "SHOULD" ignore, but Prism's ajv-formats checks a few of its own ("url").
_STANDARD_FORMATS = {
    "int32",
    "int64",
    "float",
    "double",
    "byte",
    "binary",
    "date",
    "date-time",
    "password",
    "time",
    "duration",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uuid",
    "uri-template",
    "json-pointer",
    "relative-json-pointer",
    "regex",
}
_FORMAT_VIOLATION = re.compile(r'must match format "([^"]+)"')


def _unknown_format(violation: dict[str, Any]) -> bool:
    named = _FORMAT_VIOLATION.search(str(violation.get("message", "")))
    return named is not None and named.group(1) not in _STANDARD_FORMATS


def _no_media_type(violation: dict[str, Any]) -> bool:
    # A Swagger 2.0 operation with a body parameter and no `consumes` (none global either)
    # declares no media type; Prism then refuses every body, valid or not ("No supported
    # content types"), so its refusal says nothing about the request.
    return str(violation.get("code")) == "415" and "No supported content types" in str(
        violation.get("message", "")
    )


def _prism_error(body: str) -> str:
    try:
        kind = json.loads(body).get("type", "")
    except (ValueError, AttributeError):
        return ""
    if str(kind) == "FetchError":
        # Prism's proxy failing to read the mock's answer (xtrf.eu's POST /files: an
        # empty body where JSON is documented without a schema): its own 500, not the API's.
        return "FetchError"
    return str(kind).rsplit("#", 1)[-1] if "stoplight.io/prism" in str(kind) else ""


def _failed_checks(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [v for v in result.get("validations") or [] if not v.get("passed")]


_MISSING_HEADER = re.compile(r"Missing required header", re.I)
# How Testament's schema check names a pattern violation: both sides in Python's repr.
_PATTERN_MISS = re.compile(r"('(?:[^'\\]|\\.)*') does not match ('(?:[^'\\]|\\.)*')")


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "boolean": (bool,),
    "null": (type(None),),
    "integer": (int,),
    "number": (int, float),
}
_STEP = re.compile(r"\.([A-Za-z_][\w-]*)|\[(\d+)\]")
_TYPE_MISS = re.compile(r"is not of type ((?:'\w+'(?:, )?)+)$")


def _at(document: Any, path: str) -> tuple[bool, Any]:
    """This function will follow a simple JSONPath ($.a.b[0]) into a document."""
    if not path.startswith("$"):
        return False, None
    rest, current = path[1:], document
    while rest:
        step = _STEP.match(rest)
        if step is None:
            return False, None
        name, index = step.groups()
        if name is not None and isinstance(current, dict) and name in current:
            current = current[name]
        elif index is not None and isinstance(current, list) and int(index) < len(current):
            current = current[int(index)]
        else:
            return False, None
        rest = rest[step.end() :]
    return True, current


def verified_type_misses(message: str, body: str) -> list[str]:
    """This function will give the type violations Testament's schema check names that the
    response body itself confirms (the value at that path is of none of the types)."""
    try:
        document = json.loads(body)
    except ValueError:
        return []
    confirmed: list[str] = []
    for error in re.split(r"; (?=\$)", message):
        path, _, text = error.partition(": ")
        wanted = _TYPE_MISS.search(text)
        found, value = _at(document, path)
        if wanted is None or not found:
            continue
        kinds = [k.strip("'") for k in wanted.group(1).split(", ")]
        if not any(
            isinstance(value, _JSON_TYPES.get(k, ()))
            and not (isinstance(value, bool) and k in ("integer", "number"))
            for k in kinds
        ):
            confirmed.append(f"{path} is not of type {', '.join(kinds)}")
    return confirmed


def verified_pattern_misses(reason: str) -> list[str]:
    """This function will give the pattern violations Testament names that a third party
    (Python's `re`, for the simple patterns documents use) confirms: a string that does not
    match its schema's pattern breaks the document whatever Prism's proxy says."""
    confirmed: list[str] = []
    for value_text, pattern_text in _PATTERN_MISS.findall(reason):
        try:
            value, pattern = ast.literal_eval(value_text), ast.literal_eval(pattern_text)
            if re.search(pattern, value) is None:
                confirmed.append(f"{value_text} does not match {pattern_text}")
        except (ValueError, SyntaxError, re.error, TypeError):
            continue
    return confirmed


def _changes_the_body(case: dict[str, Any]) -> bool:
    # Parameter fields are named with their location ("query.limit"); body fields are not.
    name = case["name"].rsplit(": ", 1)[-1]
    return not re.search(r"\b(query|header|path|cookie)\.", name) and "credentials" not in name


def judge(
    case: dict[str, Any],
    result: dict[str, Any] | None,
    *,
    body_unchecked: bool = False,
    query_unchecked: bool = False,
) -> Judgement:
    """This function will judge one case's verdict (result None: the run never reached it).

    ``body_unchecked``: the control request found that Prism checks no body of this
    operation (corpus_run.blind_operations), so its acceptance of a body proves nothing;
    ``query_unchecked`` the same of its query parameters (corpus_run.blind_queries)."""
    name = case["name"]
    tags = set(case.get("tags") or [])
    expected = [int(s) for s in (case.get("expectations") or {}).get("expected_status") or []]
    # A happy path of an operation that documents only 4xx (405, say) expects one of them
    # for a valid request: what makes a case negative is its request, not its statuses.
    # A boundary inside its range ("inside" tag) is a valid request too.
    valid_request = case.get("test_type") == "HappyPath" or "inside" in tags
    negative = not valid_request and bool(expected) and all(s >= 400 for s in expected)
    if result is None:
        return Judgement(SKIPPED, "no result recorded", name)
    status = result.get("status")
    reason = result.get("failureReason") or ""
    if status == "Skipped":
        label = re.sub(r"depends on .*", "depends on a case that failed", reason) or "skipped"
        return Judgement(SKIPPED, label, f"{name}: {reason}")
    passed = status == "Passed"
    headers = result.get("responseHeaders") or {}
    answered = bool(result.get("responseStatus"))
    example = (
        f"{case['endpoint_key']} «{name}» sent {result.get('requestMethod')} "
        f"{result.get('requestUrl')} expected {expected} got {result.get('responseStatus')}"
        f" — {reason[:300]}"
    )
    if "unknown variable" in reason:
        return Judgement(WRONG, "case uses a variable nothing defines", example)
    if not answered:
        return Judgement(UNDECIDABLE, "Prism did not answer", example)
    code = int(result["responseStatus"])
    found = violations(headers)
    request_errors = _errors(found, "request")
    # obono.at: 'must match format "url"' is Prism's own format, not the document's.
    response_errors = [v for v in _errors(found, "response") if not _unknown_format(v)]
    oracle = next((v for k, v in headers.items() if k.lower() == "x-oracle"), "")
    if oracle == "prism-failed":
        return Judgement(UNDECIDABLE, "Prism did not answer", example)
    if request_errors and all(_ignored_header(v) for v in request_errors):
        # OpenAPI 3: a header parameter named Accept, Content-Type or Authorization "SHALL be
        # ignored"; Testament ignores it, Prism requires it. The standard is on Testament's
        # side, and whatever Prism answered (a refusal of a valid or an invalid request)
        # was about that header, not about what the case tests.
        return Judgement(UNDECIDABLE, "Prism requires a header OpenAPI says to ignore", example)
    if request_errors and all(_no_media_type(v) for v in request_errors):
        return Judgement(
            UNDECIDABLE, "Prism refuses every body of an operation with no media type", example
        )
    malformed = oracle == "malformed-json"
    prism_error = _prism_error(result.get("responseBody") or "")
    refused = bool(request_errors) or malformed or (400 <= code < 500 and bool(prism_error))
    failed = _failed_checks(result)
    status_failed = any(v.get("check") == "status" for v in failed)
    other_failed = [v for v in failed if v.get("check") != "status"]
    if negative:
        if refused:
            if passed:
                return Judgement(RIGHT, "", example)
            if status_failed:
                return Judgement(
                    WRONG, "negative case: expected refusal status differs from Prism's", example
                )
            if response_errors:
                return Judgement(RIGHT, "", example)  # the proxy too finds the refusal broken
            if prism_error or malformed:
                # Prism's (or the relay's) own problem (no example to answer with), not the document's: whether
                # a refusal conforms cannot be decided against it.
                return Judgement(
                    UNDECIDABLE, "mock refuses with its own undocumented problem", example
                )
            return Judgement(
                WRONG,
                "negative case refused as expected but failed on " + _checks(other_failed),
                example,
            )
        if "security" in tags and "invalid credentials" in name:
            return Judgement(UNDECIDABLE, "mock accepts any well-formed credentials", example)
        if "not-found" in tags:
            return Judgement(UNDECIDABLE, "stateless mock finds every id", example)
        if code >= 500:
            return Judgement(
                UNDECIDABLE, f"Prism could not answer ({prism_error or code})", example
            )
        if body_unchecked and _changes_the_body(case):
            return Judgement(
                UNDECIDABLE, "Prism checks no body of this operation (control accepted)", example
            )
        if query_unchecked and "query." in case["name"]:
            return Judgement(
                UNDECIDABLE,
                "Prism checks no query parameter of this operation (control accepted)",
                example,
            )
        if passed:
            return Judgement(WRONG, "negative case passed on a request Prism accepted", example)
        kind = "security" if "security" in tags else _kind(case)
        return Judgement(WRONG, f"request labelled invalid ({kind}) is valid for Prism", example)
    # A case that expects a success (or a mix of codes).
    if refused:
        if passed and code in expected:
            return Judgement(RIGHT, "", example)
        what = (
            ", ".join(f"{v.get('code')}@{_where(v)}" for v in request_errors[:3])
            or prism_error
            or str(code)
        )
        return Judgement(
            WRONG,
            f"request labelled valid is refused by Prism ({_generalise(what)})",
            example + f" | Prism: {what}",
        )
    if code >= 500 and prism_error:
        return Judgement(UNDECIDABLE, f"Prism could not answer ({prism_error})", example)
    if passed:
        if response_errors:
            return Judgement(
                WRONG,
                "conformance: passed a response Prism's proxy finds invalid",
                example
                + " | Prism: "
                + "; ".join(str(v.get("message")) for v in response_errors[:2]),
            )
        return Judgement(RIGHT, "", example)
    if status_failed:
        return Judgement(WRONG, "expected status is not what a conforming server answers", example)
    if response_errors:
        return Judgement(RIGHT, "", example)  # both see the mock's answer break the document
    schema_messages = " ".join(
        str(v.get("message") or "") for v in other_failed if v.get("check") == "schema"
    )
    confirmed = verified_pattern_misses(reason) + verified_type_misses(
        schema_messages, str(result.get("responseBody") or "")
    )
    if confirmed and {v.get("check") for v in other_failed} <= {"schema", "openapi"}:
        # Prism's proxy reports no violation, yet the body breaks the document in a way a
        # third party confirms (twilio: 'stringstring...' for '^AC[0-9a-fA-F]{32}$';
        # soundcloud: an object where an array is documented): the failure is right.
        return Judgement(RIGHT, "the proxy missed a violation (verified)", example)
    problems = sum(int(n) for n in re.findall(r"(\d+) problem", reason))
    missing = len(_MISSING_HEADER.findall(reason))
    if not status_failed and problems and missing >= problems:
        return Judgement(UNDECIDABLE, "mock omits a documented response header", example)
    return Judgement(
        WRONG,
        "check fails on a response Prism's proxy finds conforming: " + _checks(other_failed),
        example,
    )


def _checks(failed: list[dict[str, Any]]) -> str:
    names = sorted({str(v.get("check", "?")).split(" ")[0] for v in failed})
    return ", ".join(names) or "no failed check"


def _kind(case: dict[str, Any]) -> str:
    text = case["name"]
    for word in (
        "wrong type",
        "missing required",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "enum",
        "pattern",
        "format",
        "multipleOf",
        "minItems",
        "maxItems",
        "malformed",
    ):
        if word.lower() in text.lower():
            return word
    return case.get("test_type", "?")


def _generalise(what: str) -> str:
    # "required@body, type@query.limit" -> "required@body, type@query": a class, not a field.
    return ", ".join(
        sorted(
            {
                part.split("@")[0] + "@" + part.split("@")[1].split(".")[0] if "@" in part else part
                for part in what.split(", ")
            }
        )
    )
