"""What an operation documents it answers: success and client-error statuses, schemas."""

import copy
import re
from typing import Any

from domain.generation.constraints import SchemaReader
from domain.specifications.parsed import ParsedEndpoint, ParsedResponse

VALIDATION_STATUSES = [400, 422]
_FALLBACK_SUCCESS = {"POST": [200, 201], "DELETE": [200, 202, 204]}
_ANY_SUCCESS = [200, 201, 202, 204]
_ANY_REDIRECT = [301, 302, 303, 307, 308]


def status_number(response: ParsedResponse) -> int | None:
    """This function will give a response's status as a number, None for "2XX" or "default"."""
    code = response.status_code
    return int(code) if code.isdigit() and 100 <= int(code) <= 599 else None


def success_response(endpoint: ParsedEndpoint) -> ParsedResponse | None:
    """This function will give the first documented 2xx response, else a "2XX" range one."""
    for response in endpoint.responses:
        number = status_number(response)
        if number is not None and 200 <= number < 300:
            return response
    return next((item for item in endpoint.responses if item.status_code == "2XX"), None)


def expected_response(endpoint: ParsedEndpoint) -> ParsedResponse | None:
    """This function will give the response a valid call is expected to get: the documented
    success, else the first documented redirect (the runner does not follow redirects),
    else the first documented response of any other status."""
    found = success_response(endpoint)
    if found is not None:
        return found
    for low in (300, 100, 400, 500):
        for response in endpoint.responses:
            number = status_number(response)
            if number is not None and low <= number < low + 100:
                return response
    return None


def expected_statuses(endpoint: ParsedEndpoint) -> tuple[list[int], str | None]:
    """This function will give the statuses a valid call is expected to answer, and a note
    when they are not a documented success.

    Every documented 2xx code (every common one for a "2XX" range); without a 2xx, the
    documented 3xx codes (a redirect is the answer: the runner does not follow it); without
    either, the codes the operation does document (an operation that only answers 405 is
    expected to answer 405). Only an operation documenting no status at all falls back to
    what its method usually answers, and the note says so.
    """
    numbers = [n for n in (status_number(r) for r in endpoint.responses) if n is not None]
    ranges = {r.status_code.upper() for r in endpoint.responses}
    success = [n for n in numbers if 200 <= n < 300]
    if success or "2XX" in ranges:
        return _unique(success + (list(_ANY_SUCCESS) if "2XX" in ranges else [])), None
    redirects = [n for n in numbers if 300 <= n < 400]
    if redirects or "3XX" in ranges:
        found = _unique(redirects + (list(_ANY_REDIRECT) if "3XX" in ranges else []))
        return found, (
            f"documents no 2xx response; the happy path expects the documented redirect "
            f"{_listed(found)} (redirects are not followed)"
        )
    if numbers:
        found = _unique(numbers)
        return found, (
            f"documents no success response; the happy path expects what it documents: "
            f"{_listed(found)}"
        )
    fallback = list(_FALLBACK_SUCCESS.get(endpoint.method.upper(), [200]))
    return fallback, (
        f"documents no response status; the happy path expects {_listed(fallback)}, "
        f"what a {endpoint.method.upper()} usually answers"
    )


def _unique(numbers: list[int]) -> list[int]:
    return list(dict.fromkeys(numbers))


def _listed(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def documents(endpoint: ParsedEndpoint, status: int) -> bool:
    """This function will tell whether the operation documents a given status code."""
    return any(response.status_code == str(status) for response in endpoint.responses)


def validation_statuses(endpoint: ParsedEndpoint) -> list[int]:
    """This function will give the statuses an invalid request should get: 400 and/or 422.

    When the operation documents 400 or 422, those documented; otherwise both, since
    frameworks differ on which one a validation failure gets.
    """
    documented = [status for status in VALIDATION_STATUSES if documents(endpoint, status)]
    return documented or list(VALIDATION_STATUSES)


def standalone_schema(schema: dict[str, Any], reader: SchemaReader) -> dict[str, Any] | None:
    """This function will make a response schema self-contained, or give None if empty.

    The ``$ref`` pointers a specification left in (recursive schemas) are rewritten to
    ``#/$defs/<Name>`` and their targets copied under ``$defs``, so a JSON Schema
    validator needs nothing else; a pointer nothing resolves becomes ``{}``.
    """
    if not schema:
        return None
    names: dict[str, str] = {}
    pending: list[str] = []
    result: dict[str, Any] = _rewrite(copy.deepcopy(schema), reader, names, pending)
    definitions: dict[str, Any] = {}
    while pending:
        ref = pending.pop(0)
        target = copy.deepcopy(reader.target(ref))
        definitions[names[ref]] = _rewrite(target, reader, names, pending)
    if definitions:
        result["$defs"] = {**result.get("$defs", {}), **definitions}
    return result


def _rewrite(node: Any, reader: SchemaReader, names: dict[str, str], pending: list[str]) -> Any:
    if isinstance(node, list):
        return [_rewrite(item, reader, names, pending) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and not ref.startswith("#/$defs/"):
        if reader.target(ref) is None:
            return {key: value for key, value in node.items() if key != "$ref"}
        if ref not in names:
            names[ref] = _definition_name(ref, list(names.values()))
            pending.append(ref)
        node = {**node, "$ref": f"#/$defs/{names[ref]}"}
    return {key: _rewrite(value, reader, names, pending) for key, value in node.items()}


def _definition_name(ref: str, taken: list[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_.-]", "_", ref.rsplit("/", 1)[-1]) or "schema"
    name, counter = base, 1
    while name in taken:
        counter += 1
        name = f"{base}_{counter}"
    return name
