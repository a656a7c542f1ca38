"""The ProjectQuota aggregate: how many projects one user has in use, kept where they change."""

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


def project_quota_id(owner_id: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"testament:project-quota:{owner_id}")


class ProjectQuota(Aggregate):
    """The count of a user's projects in use (created or restored, not archived).

    Saved with each project created, archived or restored, so two creations at the plan's
    MaxProjects collide in the event store and the loser, checking again, is refused: the
    limit holds under races, where a count read from a read table would let both pass."""

    class Opened(Aggregate.Created):
        owner_id: UUID
        in_use: int

    @event(Opened)
    def __init__(self, *, owner_id: UUID, in_use: int) -> None:
        # `in_use`: the projects the user already had when their quota was first kept.
        self.owner_id = owner_id
        self.in_use = in_use

    @staticmethod
    def create_id(owner_id: UUID, **_: Any) -> UUID:
        return project_quota_id(owner_id)

    class Taken(Aggregate.Event):
        project_id: UUID

    @event(Taken)
    def take(self, *, project_id: UUID) -> None:
        """This function will count one more project in use (created or restored)."""
        self.in_use += 1

    class Released(Aggregate.Event):
        project_id: UUID

    @event(Released)
    def release(self, *, project_id: UUID) -> None:
        """This function will count one project fewer (archived)."""
        self.in_use = max(0, self.in_use - 1)
