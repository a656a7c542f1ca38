"""The execution engine: a run's requests sent over HTTP with aiohttp, on an event loop of its own."""

import asyncio
import concurrent.futures
from collections.abc import Coroutine
from typing import Any
from urllib.parse import urlencode

from application.testexec.execution import (
    EnvironmentConfig,
    ExecutionPlan,
    ExecutionSettings,
    ResultSink,
    RunOutcome,
)
from infrastructure.execution.auth import Auth, AuthError, build_auth
from infrastructure.execution.case_runner import CaseRunner
from infrastructure.execution.conformance import OpenApiConformance
from infrastructure.execution.masking import SecretMasker
from infrastructure.execution.outgoing import Outgoing
from infrastructure.execution.reporting import SinkReporter
from infrastructure.execution.response import Received
from infrastructure.execution.row_runner import RunContext
from infrastructure.execution.scheduler import RunScheduler
from infrastructure.execution.schemas import SchemaCache
from infrastructure.execution.templating import Template
from infrastructure.execution.transport import NetworkError, Transport
from infrastructure.http.outbound import OutboundRefusedError


class HttpExecutionEngine:
    """An ExecutionEngine that sends requests with one aiohttp session per run.

    ``run`` is synchronous: it turns a fresh event loop for the run and closes it after,
    so that any worker thread may call it. The sink is called on that same thread.
    """

    def run(
        self,
        plan: ExecutionPlan,
        environment: EnvironmentConfig,
        sink: ResultSink,
        settings: ExecutionSettings,
    ) -> RunOutcome:
        """This function will run a plan to its end (or its cancellation) and give the outcome.

        Whatever the target does only fails cases; an error of the sink ends the run."""
        coroutine = self._run(plan, environment, SinkReporter(sink), settings)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return _run_on_a_new_loop(coroutine)
        # Called from a running loop (an async caller): the run needs a thread of its own.
        with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="testament-run") as pool:
            return pool.submit(_run_on_a_new_loop, coroutine).result()

    async def _run(
        self,
        plan: ExecutionPlan,
        environment: EnvironmentConfig,
        reporter: SinkReporter,
        settings: ExecutionSettings,
    ) -> RunOutcome:
        """This function will run a plan on the current event loop, with one transport."""
        masker = SecretMasker(list(environment.secrets))

        def log(level: str, message: str) -> None:
            """This function will hand a masked log line to the sink."""
            reporter.log(level, masker.mask(message))

        async with Transport(
            concurrency=settings.concurrency,
            max_response_bytes=settings.max_response_bytes,
            allow_private=settings.allow_private_targets,
        ) as transport:

            async def fetch_token(url: str, form: list[tuple[str, str]]) -> Received:
                """This function will send the token request of the OAuth2 grant."""
                return await _post_form(transport, url, form)

            auth: Auth | None = None
            auth_error = ""
            try:
                auth = build_auth(dict(environment.auth or {"type": "none"}), masker, fetch_token)
            except AuthError as error:
                auth_error = f"authentication failed: {error}"
            conformance = None
            if plan.openapi_document is not None:
                conformance = OpenApiConformance(plan.openapi_document)
            context = RunContext(
                transport=transport,
                auth=auth,
                auth_error=auth_error,
                masker=masker,
                environment=environment,
                environment_headers=tuple(
                    (name, Template(value)) for name, value in environment.headers.items()
                ),
                retries=max(settings.retries, 0),
                max_response_bytes=settings.max_response_bytes,
                conformance=conformance,
                log=log,
                sending=reporter.sending,
                sent_before=reporter.sent_before,
            )
            runner = CaseRunner(context, SchemaCache(plan.openapi_document))
            log(
                "info",
                f"run {plan.run_id}: {len(plan.cases)} case(s), concurrency {settings.concurrency}",
            )
            # Every request carries the environment's headers, and so reads their variables.
            always_read = {
                name for _, header in context.environment_headers for name in header.names
            }
            scheduler = RunScheduler(plan, reporter, runner, settings.concurrency, always_read)
            outcome = await scheduler.run()
            log(
                "info",
                f"run {plan.run_id}: {outcome.passed} passed, {outcome.failed} failed, "
                f"{outcome.skipped} skipped in {outcome.duration_ms} ms"
                + (" (cancelled)" if outcome.cancelled else ""),
            )
            return outcome


async def _post_form(transport: Transport, url: str, form: list[tuple[str, str]]) -> Received:
    """This function will request an OAuth2 token, the token URL under the outbound policy."""
    try:
        await transport.check_target(url)
    except OutboundRefusedError as error:
        raise AuthError(f"the outbound policy refused the token URL: {error}") from None
    outgoing = Outgoing(
        method="POST",
        url=url,
        query=[],
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        timeout_ms=30_000,
    )
    outgoing.body = urlencode(form).encode("ascii")
    try:
        return await transport.send(outgoing)
    except NetworkError as error:
        raise AuthError(f"the token request to {url} failed: {error}") from None


def _run_on_a_new_loop(coroutine: Coroutine[Any, Any, RunOutcome]) -> RunOutcome:
    """This function will run a coroutine on a fresh event loop: uvloop's when installed (it
    roughly halves the event loop's share of each request), asyncio's otherwise."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coroutine)
