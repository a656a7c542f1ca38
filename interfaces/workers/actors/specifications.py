"""Actors of the apidoc context: parse an uploaded specification."""

from typing import Any
from uuid import UUID

import dramatiq

from interfaces.workers.context import get_runtime
from interfaces.workers.handlers import subscribe


@dramatiq.actor(actor_name="apidoc.abandon_parse", queue_name="parsing", max_retries=5)
def abandon_parse(message_data: dict[str, Any], retry_info: dict[str, Any]) -> None:
    """Record a parse whose retries ran out as Failed, so it never stays Processing."""
    spec_id = message_data.get("kwargs", {}).get("spec_id")
    if spec_id:
        get_runtime().apidoc.abandon_parse(
            UUID(spec_id), f"the parse job failed {retry_info.get('retries', '?')} times"
        )


@dramatiq.actor(
    actor_name="apidoc.parse_specification",
    queue_name="parsing",
    max_retries=2,
    min_backoff=1_000,
    time_limit=120_000,
    on_retry_exhausted="apidoc.abandon_parse",
)
def parse_specification(*, spec_id: str) -> None:
    """Parse a Pending specification; a finished one is left alone (redelivery is safe)."""
    get_runtime().apidoc.parse_specification(UUID(spec_id))


def _parse_when_uploaded(event: dict[str, Any]) -> None:
    parse_specification.send(spec_id=event["object_id"])


subscribe("ApiSpecification.Uploaded", "apidoc.parse_when_uploaded", _parse_when_uploaded)
