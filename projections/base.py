"""The shape every projection shares: a name, the logs it follows, a view it writes."""

from functools import singledispatchmethod
from typing import Any, ClassVar, Generic, TypeVar

TView = TypeVar("TView")


class Projection(Generic[TView]):
    """A read model built from events: each event becomes writes on its view.

    The runner calls ``process_event`` for a batch of events inside one transaction
    and records the position of the last one, so a batch is applied whole or not at all.
    Events a projection does not register are ignored (their position is still tracked).
    """

    name: ClassVar[str]
    follows: ClassVar[tuple[str, ...]]

    def __init__(self, view: TView) -> None:
        self.view = view
        # Where the event being processed sits (log name, position): set by the runner
        # before each event, for read models that keep it (the audit log does).
        self.at: tuple[str, int] | None = None

    @singledispatchmethod
    def process_event(self, domain_event: Any) -> None:
        """This function will ignore an event this projection does not follow."""
