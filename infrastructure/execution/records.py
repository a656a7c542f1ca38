"""What a CaseResult keeps of a request and its response: bounded, and masked."""

import dataclasses
import json
import time
from datetime import UTC, datetime
from typing import Any

from application.testexec.execution import CaseResult, Validation
from infrastructure.execution.masking import SecretMasker
from infrastructure.execution.outgoing import Outgoing
from infrastructure.execution.response import Received, decode

RECORDED_BYTES = 65_536
# Masking runs on a little more than is kept, so a secret across the cut is masked whole.
_MASKING_MARGIN = 4_096


_current_second: tuple[int, str] = (-1, "")


def now() -> str:
    """This function will give the current time as an ISO 8601 UTC timestamp (milliseconds).

    Two timestamps a row, thousands of rows a second: the text of the current second is
    kept (as one tuple, replaced whole, so threads never see half of it)."""
    global _current_second
    moment = time.time()
    second, text = _current_second
    if int(moment) != second:
        second = int(moment)
        text = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S")
        _current_second = (second, text)
    return f"{text}.{int((moment - second) * 1000):03d}+00:00"


def _cut(text: str, masker: SecretMasker) -> tuple[str, bool]:
    """This function will mask a text, then cut it to the recorded size (saying if it did)."""
    masked = masker.mask(text)
    if len(masked) * 4 <= RECORDED_BYTES:
        return masked, False  # short enough whatever its characters (at most 4 bytes each)
    encoded = masked.encode("utf-8", errors="replace")
    if len(encoded) <= RECORDED_BYTES:
        return masked, False
    return encoded[:RECORDED_BYTES].decode("utf-8", errors="ignore"), True


def _masked_headers(headers: dict[str, str], masker: SecretMasker) -> dict[str, str]:
    """This function will copy headers with their values masked."""
    if not masker.active:
        return dict(headers)
    return {name: masker.mask(value) for name, value in headers.items()}


def request_record(outgoing: Outgoing, masker: SecretMasker) -> dict[str, Any]:
    """This function will describe a sent request: method, final URL, headers, body."""
    body, _cut_off = _cut(outgoing.body_text[: RECORDED_BYTES + _MASKING_MARGIN], masker)
    return {
        "method": outgoing.method,
        "url": masker.mask(outgoing.full_url),
        "headers": _masked_headers(outgoing.headers, masker),
        "body": body,
    }


def response_record(received: Received, masker: SecretMasker) -> dict[str, Any]:
    """This function will describe a response: status, headers, bounded body, size."""
    limit = RECORDED_BYTES + _MASKING_MARGIN
    if len(received.body) <= limit:
        text = received.text  # decoded once, shared with the checks that read the text
    else:
        text = decode(received.body[:limit], received.content_type)
    body, cut_off = _cut(text, masker)
    record = {
        "status": received.status,
        "headers": _masked_headers(received.headers, masker),
        "body": body,
        "truncated": received.truncated or cut_off,
        "size": received.size,
        "url": masker.mask(received.url),
    }
    if received.note:
        record["note"] = received.note
    return record


def _spell(value: Any) -> str:
    """This function will spell a value for a failure reason."""
    if isinstance(value, str):
        return repr(value)
    return json.dumps(value, default=str)


def failure_reason(validations: list[Validation]) -> str:
    """This function will name every failed check with what was expected and what came."""
    reasons = []
    for validation in validations:
        if validation.passed:
            continue
        if validation.check.startswith("extract "):
            reasons.append(validation.message)
            continue
        if validation.expected is None and validation.message:
            # Presence checks expect nothing in particular: what went wrong says it all.
            reasons.append(f"{validation.check}: {validation.message}")
            continue
        expected, actual = _spell(validation.expected), _spell(validation.actual)
        reason = f"{validation.check}: expected {expected}, got {actual}"
        if validation.message:
            reason += f" ({validation.message})"
        reasons.append(reason)
    return "; ".join(reasons)


def masked(result: CaseResult, masker: SecretMasker) -> CaseResult:
    """This function will give a result with every secret in it replaced by ``***``."""
    if not masker.active:
        return result
    return dataclasses.replace(
        result,
        request=masker.mask_value(result.request),
        response=masker.mask_value(result.response),
        validations=[
            dataclasses.replace(
                validation,
                expected=masker.mask_value(validation.expected),
                actual=masker.mask_value(validation.actual),
                message=masker.mask(validation.message),
            )
            for validation in result.validations
        ],
        failure_reason=masker.mask(result.failure_reason),
        extracted=masker.mask_value(result.extracted),
    )
