"""The JSON a receiver gets: a versioned envelope around each event (docs/webhooks.md)."""

import json
from datetime import datetime
from typing import Any
from uuid import UUID

PAYLOAD_VERSION = "2026-12-01"
TEST_EVENT = "webhook.test"


def envelope(
    *,
    delivery_id: UUID,
    event: str,
    project_id: UUID,
    occurred_at: datetime,
    data: dict[str, Any],
) -> str:
    """This function will write a delivery's body. The id is the delivery id: the same on
    every retry of it, so a receiver de-duplicates by it."""
    return json.dumps(
        {
            "id": str(delivery_id),
            "type": event,
            "api_version": PAYLOAD_VERSION,
            "created_at": occurred_at.isoformat(),
            "project_id": str(project_id),
            "data": data,
        },
        sort_keys=True,
        separators=(",", ":"),
    )
