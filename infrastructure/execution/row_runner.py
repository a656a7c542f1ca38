"""One row of one case: resolve, check the target, authenticate, send, check, extract."""

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from application.testexec.execution import CaseResult, CaseStatus, EnvironmentConfig
from domain.generation.credentials import API_KEY, AUTH_TOKEN, BASIC_AUTH
from infrastructure.execution.auth import Auth, AuthError
from infrastructure.execution.building import build
from infrastructure.execution.compiler import CompiledCase
from infrastructure.execution.conformance import OpenApiConformance
from infrastructure.execution.evaluation import evaluate
from infrastructure.execution.extraction import extract
from infrastructure.execution.masking import SecretMasker, masked_response
from infrastructure.execution.outgoing import Outgoing
from infrastructure.execution.records import failure_reason, now, request_record, response_record
from infrastructure.execution.response import Received
from infrastructure.execution.scripted import run_case_scripts
from infrastructure.execution.templating import (
    ResolutionError,
    Scope,
    Template,
    UnknownVariableError,
)
from infrastructure.execution.transport import NetworkError, Transport
from infrastructure.http.outbound import OutboundRefusedError

# Pauses before retrying a network error: short, since the target is usually local.
_BACKOFF_S = (0.05, 0.1, 0.2, 0.4, 0.8)
# The credentials generated cases read from the environment when no login step provides
# them (docs/generation.md): without one the case was never going to test the API, so it
# is a set-up to finish, not a failure of the target.
_CREDENTIALS = {
    AUTH_TOKEN: "no case of this run logs in to extract it",
    API_KEY: "the API key of the security scheme",
    BASIC_AUTH: "user:password in base64, for HTTP basic",
}


def _missing_setup(error: UnknownVariableError) -> str | None:
    what = _CREDENTIALS.get(error.name)
    if what is None:
        return None
    return (
        f"not run: set-up needed: the environment has no {{{{{error.name}}}}} ({what}); "
        f"define {error.name} in the environment to run this case"
    )


@dataclass
class RunContext:
    """What every row of a run shares: transport, auth, masking, settings."""

    transport: Transport
    auth: Auth | None
    auth_error: str
    masker: SecretMasker
    environment: EnvironmentConfig
    environment_headers: tuple[tuple[str, Template], ...]
    retries: int
    max_response_bytes: int
    conformance: OpenApiConformance | None
    log: Callable[[str, str], None]
    # Counts a send of a row before it goes out; and the sends of earlier workers of the run.
    sending: Callable[[str], Awaitable[None]]
    sent_before: Callable[[str], int]


@dataclass
class RowOutcome:
    """A finished row: its result (not yet masked) and the variables it extracted, typed."""

    result: CaseResult
    extracted: dict[str, Any] = field(default_factory=dict)


class _Failure(Exception):
    """The row stops here: the case failed for this reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class _Sends:
    """How often a row went out: in this worker's life, and in all (earlier lives too)."""

    key: str
    name: str
    here: int = 0
    total: int = 0
    interrupted: int = 0

    async def mark(self, ctx: RunContext) -> None:
        """This function will record one more send before it goes out; the first time in this
        life, it learns the sends of earlier lives that never recorded a result."""
        if self.here == 0:
            self.interrupted = ctx.sent_before(self.key)
        await ctx.sending(self.key)
        self.here += 1
        self.total = self.interrupted + self.here
        if self.here == 1 and self.interrupted:
            plural = "time" if self.interrupted == 1 else "times"
            ctx.log(
                "warning",
                f"{self.name}: sent {self.interrupted} {plural} by an earlier worker of this run"
                " that stopped before recording it; sending it again",
            )


async def _send(ctx: RunContext, outgoing: Outgoing, sends: _Sends) -> Received:
    """This function will send a request, retrying network errors as the settings allow."""
    tries = 0
    while True:
        tries += 1
        await sends.mark(ctx)
        try:
            received = await ctx.transport.send(outgoing)
            if received.note:
                ctx.log("warning", f"{outgoing.method} {outgoing.full_url}: {received.note}")
            return received
        except NetworkError as error:
            if not error.retryable or tries > ctx.retries:
                plural = "attempt" if sends.total == 1 else "attempts"
                raise _Failure(f"{error} (after {sends.total} {plural})") from None
            ctx.log("warning", f"{outgoing.method} {outgoing.full_url}: {error}; retrying")
            await asyncio.sleep(_BACKOFF_S[min(tries - 1, len(_BACKOFF_S) - 1)])


async def _exchange(ctx: RunContext, outgoing: Outgoing, sends: _Sends) -> Received:
    """This function will check the target, authenticate, send, and refresh once on a 401."""
    verdict = ctx.transport.known_verdict(outgoing.full_url)
    if verdict is None:
        try:
            await ctx.transport.check_target(outgoing.full_url)
        except OutboundRefusedError as error:
            verdict = str(error)
    if verdict:
        raise _Failure(f"the outbound policy refused the request: {verdict}")
    if ctx.auth is None:
        raise _Failure(ctx.auth_error)
    try:
        token = None if outgoing.without_credentials else await ctx.auth.apply(outgoing)
        received = await _send(ctx, outgoing, sends)
        if received.status == 401 and token is not None:
            # One refresh and one retry: an expired token, not wrong credentials.
            await ctx.auth.refresh(token)
            outgoing.remove_header("Authorization")
            await ctx.auth.apply(outgoing)
            received = await _send(ctx, outgoing, sends)
    except AuthError as error:
        raise _Failure(f"authentication failed: {error}") from None
    return received


async def run_row(
    ctx: RunContext,
    case: CompiledCase,
    row_key: str | None,
    row: Mapping[str, Any],
    variables: Mapping[str, Any],
) -> RowOutcome:
    """This function will run one row of a case and describe what happened."""
    started_at, started = now(), time.perf_counter()
    scope = Scope(row, variables, ctx.environment.variables)
    outgoing: Outgoing | None = None
    received: Received | None = None
    key = case.id if row_key is None else f"{case.id}:{row_key}"
    sends = _Sends(key, case.name if row_key is None else f"{case.name} [{row_key}]")

    def finish(status: CaseStatus, reason: str, **fields: Any) -> CaseResult:
        """This function will build the row's result with what is known so far."""
        return CaseResult(
            case_id=case.id,
            row=row_key,
            status=status,
            started_at=started_at,
            completed_at=now(),
            duration_ms=round((time.perf_counter() - started) * 1000),
            request={} if outgoing is None else request_record(outgoing, ctx.masker),
            response={} if received is None else response_record(received, ctx.masker),
            response_time_ms=None if received is None else received.elapsed_ms,
            failure_reason=reason,
            attempts=sends.total,
            interrupted_attempts=sends.interrupted,
            **fields,
        )

    try:
        built = build(
            case.request,
            scope,
            base_url=ctx.environment.base_url,
            environment_headers=ctx.environment_headers,
        )
        expected = case.checks.expected(scope)
        outgoing = built
        received = await _exchange(ctx, built, sends)
    except UnknownVariableError as error:
        setup = _missing_setup(error)
        if setup is not None:
            return RowOutcome(finish(CaseStatus.SKIPPED, setup))
        return RowOutcome(finish(CaseStatus.FAILED, str(error)))
    except ResolutionError as error:
        return RowOutcome(finish(CaseStatus.FAILED, str(error)))
    except _Failure as failure:
        return RowOutcome(finish(CaseStatus.FAILED, failure.reason))
    # Checks and extractions see the response with its secrets masked (masking.py), so
    # that none of them can probe a secret; their expected values are masked alike.
    seen = masked_response(received, ctx.masker)
    if seen is not received:
        expected = expected.masked(ctx.masker.mask_value)
    validations = evaluate(
        case.checks,
        expected,
        seen,
        max_response_bytes=ctx.max_response_bytes,
        conformance=ctx.conformance,
        endpoint_key=case.endpoint_key,
    )
    extracted, failures = extract(case.extractions, seen)
    validations.extend(failures)
    stopped = False
    if case.checks.scripts:
        known = {**ctx.environment.variables, **variables, **row, **extracted}
        if seen is not received:
            known = {name: ctx.masker.mask_value(value) for name, value in known.items()}
        # In a thread: a script may run up to the sandbox's time limit, and the other rows
        # of the run go on meanwhile.
        scripted = await asyncio.to_thread(
            run_case_scripts,
            case.checks.scripts,
            case.checks.assertions,
            (case.name, built.method, built.full_url),
            seen,
            known,
        )
        validations.extend(scripted.validations)
        extracted.update(scripted.sets)
        stopped = scripted.stopped
    reason = failure_reason(validations)
    status = CaseStatus.ERROR if stopped else CaseStatus.FAILED if reason else CaseStatus.PASSED
    # Kept with their JSON types: a resumed run reads them back from the stored result, and
    # a whole placeholder ("{{id}}") must send 7, not "7", after a crash as before it.
    return RowOutcome(
        finish(status, reason, validations=validations, extracted=extracted), extracted
    )
