"""A case's sandbox scripts (untranslated Postman scripts) run against one response, their
outcome turned into Validations and variables.

Each test a script ran gives ``assertion: <name>``, as a translated one does; one that
called ``pm.sendRequest`` gives ``not evaluated: <name>``. A script that throws fails the
case (``script``), as a script error does in Postman. A script the sandbox stopped (time,
memory, stack) puts the case in error. Untranslated tests a stopped script never reached
are listed as not evaluated, with the reason.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from application.testexec.execution import Validation
from infrastructure.execution.assertions import CompiledAssertion
from infrastructure.execution.response import Received
from infrastructure.execution.sandbox import ScriptInput, ScriptOutcome, run_scripts

_NOT_EVALUATED = "not evaluated"


@dataclass(slots=True)
class ScriptVerdict:
    """The Validations of the scripts, the variables they set, and whether the sandbox had
    to stop them (the case is then in error)."""

    validations: list[Validation] = field(default_factory=list)
    sets: dict[str, Any] = field(default_factory=dict)
    stopped: bool = False


def run_case_scripts(
    scripts: tuple[str, ...],
    assertions: tuple[CompiledAssertion, ...],
    request: tuple[str, str, str],
    received: Received,
    variables: Mapping[str, Any],
) -> ScriptVerdict:
    """This function will run the scripts (blocking, up to the sandbox's time limit)."""
    name, method, url = request
    seen = ScriptInput(
        name=name,
        method=method,
        url=url,
        status=received.status,
        headers=dict(received.headers),
        body="" if received.truncated and not received.body else received.text,
        time_ms=received.elapsed_ms,
    )
    outcome = run_scripts(scripts, seen, dict(variables))
    return verdict(outcome, assertions)


def _skipped(name: str, why: str) -> Validation:
    return Validation(
        check=f"not evaluated: {name}", passed=True, actual=_NOT_EVALUATED, message=why
    )


def verdict(outcome: ScriptOutcome, assertions: tuple[CompiledAssertion, ...]) -> ScriptVerdict:
    """This function will turn what the scripts did into Validations."""
    found = ScriptVerdict(sets=outcome.sets, stopped=bool(outcome.limit))
    validations = found.validations
    if outcome.limit:
        validations.append(Validation(check="script", passed=False, message=outcome.limit))
    for test in outcome.tests:
        if test.passed is None:
            validations.append(_skipped(test.name, test.message))
            continue
        validations.append(
            Validation(check=f"assertion: {test.name}", passed=test.passed, message=test.message)
        )
    for error in outcome.errors:
        validations.append(
            Validation(check="script", passed=False, message=f"the script stopped: {error}")
        )
    if outcome.unavailable:
        validations.append(
            _skipped("script", f"{outcome.unavailable}: the rest of the script did not run")
        )
    if outcome.notes:
        validations.append(
            _skipped(
                "setNextRequest",
                "setNextRequest is not available: the suite runs in its own order",
            )
        )
    why = outcome.limit or outcome.unavailable or "; ".join(outcome.errors)
    if why:
        ran = {test.name for test in outcome.tests}
        for assertion in assertions:
            if not assertion.translated and assertion.name not in ran:
                ran.add(assertion.name)
                validations.append(_skipped(assertion.name, f"the script stopped before it: {why}"))
    return found
