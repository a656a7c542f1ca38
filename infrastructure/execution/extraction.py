"""Variables read from a response: by JSONPath, header, regex or status code."""

from typing import Any

from application.testexec.execution import Validation
from domain.testing.values import ExtractionSource
from infrastructure.execution.compiler import CompiledExtraction
from infrastructure.execution.patterns import SlowPatternError, search
from infrastructure.execution.response import JsonUnavailableError, Received

_NOTHING = object()


def _read(extraction: CompiledExtraction, received: Received) -> tuple[Any, str]:
    """This function will find an extraction's value (or _NOTHING) and, failing, say why."""
    source = extraction.source
    if source == ExtractionSource.Status:
        return received.status, ""
    if source == ExtractionSource.Header:
        value = received.headers.get(extraction.expression.lower())
        return (_NOTHING, "the header is absent") if value is None else (value, "")
    if source == ExtractionSource.Regex and extraction.pattern is not None:
        if extraction.header_name is not None:
            text = received.headers.get(extraction.header_name)
            if text is None:
                return _NOTHING, f"the header {extraction.header_name} is absent"
        else:
            text = received.text
        try:
            match = search(extraction.pattern, text)
        except SlowPatternError as error:
            return _NOTHING, str(error)
        if match is None or match.group(1) is None:
            return _NOTHING, "the regex does not match"
        return match.group(1), ""
    if extraction.path is None:
        return _NOTHING, "the extraction has no expression"
    try:
        found = extraction.path.find(received.json())
    except JsonUnavailableError as error:
        return _NOTHING, str(error)
    if not found:
        return _NOTHING, "nothing is at that path"
    return (found[0] if extraction.path.singular else found), ""


def extract(
    extractions: tuple[CompiledExtraction, ...], received: Received
) -> tuple[dict[str, Any], list[Validation]]:
    """This function will read every variable of a case; one without value nor default fails."""
    values: dict[str, Any] = {}
    failures: list[Validation] = []
    for extraction in extractions:
        value, why = _read(extraction, received)
        if value is _NOTHING:
            if extraction.default is None:
                failures.append(
                    Validation(
                        check=f"extract {extraction.name}",
                        passed=False,
                        expected=extraction.expression or str(extraction.source),
                        message=f"could not extract {extraction.name} ({why})",
                    )
                )
                continue
            value = extraction.default
        values[extraction.name] = value
    return values, failures
