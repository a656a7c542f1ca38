"""Actors of the apidoc context: parse an uploaded specification."""

from typing import Any
from uuid import UUID

import dramatiq

from interfaces.workers.context import get_runtime

DEFAULT_TIME_LIMIT_MS = 120_000


@dramatiq.actor(actor_name="apidoc.abandon_parse", queue_name="parsing", max_retries=5)
def abandon_parse(message_data: dict[str, Any], retry_info: dict[str, Any]) -> None:
    """Record a parse whose retries ran out as Failed, so it never stays Processing."""
    spec_id = message_data.get("kwargs", {}).get("spec_id")
    if spec_id:
        get_runtime().apidoc.abandon_parse(UUID(spec_id), abandon_reason(message_data, retry_info))


def abandon_reason(message_data: dict[str, Any], retry_info: dict[str, Any]) -> str:
    """This function will say why a parse was given up, from its last failure's traceback."""
    options = message_data.get("options", {})
    attempts = int(retry_info.get("retries", 0)) + 1
    last_failure = str(options.get("traceback") or "")
    if "TimeLimitExceeded" in last_failure:
        limit = int(options.get("time_limit") or DEFAULT_TIME_LIMIT_MS) / 1000
        return (
            f"parsing was stopped at its time limit of {limit:g} s, {attempts} times"
            " (TESTAMENT_PARSE_TIME_LIMIT_SECONDS): the document is too slow to read"
        )
    lines = [line for line in last_failure.strip().splitlines() if line.strip()]
    why = f": {lines[-1][:300]}" if lines else ""
    return f"the parse job failed {attempts} times{why}"


@dramatiq.actor(
    actor_name="apidoc.parse_specification",
    queue_name="parsing",
    max_retries=2,
    min_backoff=1_000,
    time_limit=DEFAULT_TIME_LIMIT_MS,
    on_retry_exhausted="apidoc.abandon_parse",
)
def parse_specification(*, spec_id: str) -> None:
    """Parse a Pending specification; a finished one is left alone (redelivery is safe)."""
    get_runtime().apidoc.parse_specification(UUID(spec_id))
