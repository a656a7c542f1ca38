"""Postman scripts the importer could not translate, run in an embedded JavaScript sandbox.

QuickJS (PyPI ``quickjs``), one fresh context per response, with hard limits: CPU time,
memory and stack. The context has no I/O at all: QuickJS's ``std`` and ``os`` modules are
not loaded, there is no ``fetch``, ``require`` nor timers, and ``pm.sendRequest`` throws
(postman_shim.py); no Python function is reachable from it (JSON Schema is checked in
JavaScript too, postman_schema.py). The only way out is the results: named tests and
variable sets.
"""

import json
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

import _quickjs

from infrastructure.execution.postman_lodash import LODASH
from infrastructure.execution.postman_schema import SCHEMA
from infrastructure.execution.postman_shim import SHIM

TIME_LIMIT_S = 1.0  # for all the scripts of one response
MEMORY_LIMIT_BYTES = 64 * 1024 * 1024
STACK_LIMIT_BYTES = 512 * 1024
MAX_TESTS = 1_000
_OUT_OF_MEMORY = ("out of memory",)
_STACK = "the script went past its stack limit and was stopped"


@dataclass(frozen=True, slots=True)
class ScriptInput:
    """What a script sees: the request's name, method and URL, and the response."""

    name: str
    method: str
    url: str
    status: int
    headers: dict[str, str]
    body: str
    time_ms: int


@dataclass(frozen=True, slots=True)
class ScriptTest:
    """One ``pm.test`` or ``tests[...]`` the scripts ran: passed, failed, or not evaluated
    (``passed`` None) with the reason."""

    name: str
    passed: bool | None
    message: str = ""


@dataclass(slots=True)
class ScriptOutcome:
    """What running the scripts gave: their tests in order, the variables they set, why
    a script stopped early (``errors``), and why the sandbox stopped them (``limit``)."""

    tests: list[ScriptTest] = field(default_factory=list)
    sets: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    unavailable: str = ""
    limit: str = ""
    notes: list[str] = field(default_factory=list)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _wrapped(script: str) -> str:
    """This function will wrap a script in its own function, as Postman runs each script
    (collection, folder, request) on its own: one that throws stops only itself."""
    return f"__script(function () {{\n{script}\n}});"


def run_scripts(
    scripts: tuple[str, ...], seen: ScriptInput, variables: dict[str, Any]
) -> ScriptOutcome:
    """This function will run the scripts in a fresh context and collect what they did."""
    context = _quickjs.Context()
    context.set_memory_limit(MEMORY_LIMIT_BYTES)
    context.set_max_stack_size(STACK_LIMIT_BYTES)
    payload = {
        "name": seen.name,
        "method": seen.method,
        "url": seen.url,
        "status": seen.status,
        "reason": _reason(seen.status),
        "headers": [[name.lower(), value] for name, value in seen.headers.items()],
        "body": seen.body,
        "time": seen.time_ms,
        "variables": variables,
    }
    syntax: list[str] = []
    deadline = time.perf_counter() + TIME_LIMIT_S
    try:
        context.set("__input", json.dumps(payload, default=str))
        context.set_time_limit(TIME_LIMIT_S)
        for setup in (LODASH, SCHEMA, SHIM):
            context.eval(setup)
        for script in scripts:
            # One budget for all the scripts of the response, not one per script.
            context.set_time_limit(max(deadline - time.perf_counter(), 0.001))
            try:
                context.eval(_wrapped(script))
            except _quickjs.JSException as error:
                if _limit_message(str(error)):
                    raise
                syntax.append(_first_line(str(error)))
        raw = context.eval("__output()")
    except _quickjs.StackOverflow:
        return ScriptOutcome(limit=_STACK)
    except _quickjs.JSException as error:
        return ScriptOutcome(limit=_limit_message(str(error)) or _first_line(str(error)))
    outcome = _outcome(json.loads(str(raw)))
    outcome.errors.extend(syntax)
    return outcome


def _first_line(error: str) -> str:
    return (error.strip().splitlines() or ["null"])[0][:300]


def _limit_message(error: str) -> str:
    """This function will say which limit stopped a script, or give an empty text."""
    first = _first_line(error)
    if first == "null":
        # What QuickJS throws when it has no room left for an error object. A script's own
        # ``throw null`` reads the same once it escapes (the memory is freed by then), and
        # is taken for the limit too: a rare script, in error rather than failed.
        first = "out of memory"
    if "stack overflow" in first:
        return _STACK
    if "interrupted" in first:
        return f"the script ran past its time limit ({TIME_LIMIT_S:g} s) and was stopped"
    if any(word in first for word in _OUT_OF_MEMORY):
        return (
            f"the script went past its memory limit ({MEMORY_LIMIT_BYTES // (1024 * 1024)} MiB)"
            " and was stopped"
        )
    return ""


def _outcome(data: dict[str, Any]) -> ScriptOutcome:
    outcome = ScriptOutcome(sets=dict(data.get("sets") or {}), notes=list(data.get("notes") or []))
    for test in (data.get("tests") or [])[:MAX_TESTS]:
        name = str(test.get("name") or "unnamed test")[:300] or "unnamed test"
        if "skipped" in test:
            outcome.tests.append(ScriptTest(name, None, str(test["skipped"])))
        else:
            passed = test.get("passed") is True
            outcome.tests.append(ScriptTest(name, passed, "" if passed else str(test.get("error"))))
    for error in data.get("errors") or []:
        if "unavailable" in error:
            outcome.unavailable = str(error["unavailable"])
        else:
            outcome.errors.append(str(error.get("error"))[:500])
    return outcome
