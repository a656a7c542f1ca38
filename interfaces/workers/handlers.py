"""Who consumes which published event: the integration side of the outbox."""

from collections.abc import Callable
from typing import Any

Handler = Callable[[dict[str, Any]], None]

# event type ('Project.Created') -> handlers; a handler must be idempotent.
HANDLERS: dict[str, list[tuple[str, Handler]]] = {}


def subscribe(event_type: str, name: str, handler: Handler) -> None:
    """This function will make a handler receive every published event of a type."""
    HANDLERS.setdefault(event_type, [])
    if all(existing != name for existing, _ in HANDLERS[event_type]):
        HANDLERS[event_type].append((name, handler))


def unsubscribe(event_type: str, name: str) -> None:
    HANDLERS[event_type] = [(n, h) for n, h in HANDLERS.get(event_type, []) if n != name]
