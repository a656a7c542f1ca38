"""The calls to the model one user has taken in a period: what makes MaxLlmCallsPerMonth hold
when calls race (as RunSlots does for runs).

A call is taken before the model is asked, by saving the user's allowance one higher; two
calls at the limit collide in the event store and the loser, checking again, is refused. A
call the model never answered is given back (the usage count counts answered calls only).
"""

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


def allowance_id(user_id: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"testament:llm-allowance:{user_id}")


class LlmCallAllowance(Aggregate):
    """One user's calls taken in the current period ('2026-12'); a new period starts at 0."""

    class Opened(Aggregate.Created):
        user_id: UUID

    @event(Opened)
    def __init__(self, *, user_id: UUID) -> None:
        self.user_id = user_id
        self.period = ""
        self.taken_in_period = 0

    @staticmethod
    def create_id(user_id: UUID, **_: Any) -> UUID:
        return allowance_id(user_id)

    def taken_in(self, period: str) -> int:
        """This function will count the calls taken in a period."""
        return self.taken_in_period if self.period == period else 0

    class Taken(Aggregate.Event):
        period: str

    @event(Taken)
    def take(self, *, period: str) -> None:
        self.taken_in_period = self.taken_in(period) + 1
        self.period = period

    class GivenBack(Aggregate.Event):
        period: str

    @event(GivenBack)
    def give_back(self, *, period: str) -> None:
        if self.period == period:
            self.taken_in_period = max(0, self.taken_in_period - 1)
