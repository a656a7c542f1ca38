"""Helpers for projections that record every event whatever its type."""

import json
from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

_ENVELOPE = {"originator_id", "originator_version", "timestamp", "originator_topic", "meta"}


def event_id(domain_event: Any) -> UUID:
    """This function will give a stable id to an event: the same on every replay."""
    return uuid5(domain_event.originator_id, str(domain_event.originator_version))


def event_type(domain_event: Any) -> str:
    """This function will name an event as 'Aggregate.Event'."""
    return str(type(domain_event).__qualname__)


def event_meta(domain_event: Any) -> dict[str, Any]:
    """This function will return who made an event and from where (empty when unknown)."""
    meta = getattr(domain_event, "meta", None)
    return dict(meta) if isinstance(meta, dict) else {}


def actor_id(domain_event: Any) -> UUID | None:
    """This function will return the id of the user behind an event, if any."""
    user_id = event_meta(domain_event).get("user_id")
    try:
        return UUID(user_id) if user_id else None
    except ValueError:
        return None


# A field larger than this is summarised in the audit log and outbox: a parsed
# specification can weigh megabytes, and both tables would copy it for every reader.
MAX_FIELD_BYTES = 4096


def event_payload_json(domain_event: Any) -> str:
    """This function will serialise an event's own fields (not its envelope) as JSON,
    with bulky fields replaced by their size."""
    fields = {}
    for key, value in domain_event.__dict__.items():
        if key in _ENVELOPE:
            continue
        encoded = json.dumps(value, default=_default, sort_keys=True)
        fields[key] = (
            {"omitted": True, "bytes": len(encoded)} if len(encoded) > MAX_FIELD_BYTES else value
        )
    return json.dumps(fields, default=_default, sort_keys=True)


def _default(value: Any) -> Any:
    if isinstance(value, UUID | datetime):
        return str(value)
    if isinstance(value, set | tuple):
        return list(value)
    return str(value)
