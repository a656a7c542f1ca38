"""The process that puts every newly registered user on the Free plan (§7.2).

Not a read model: it follows the identity log with a tracking position like one, and its
"view" gives commands to the sub context. Assigning is idempotent (the subscription's id
derives from the user), so an event applied again after a crash changes nothing; and a
process that was down catches up from its position when it starts again."""

from abc import ABC, abstractmethod
from datetime import date
from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from domain.users.model import User
from projections.base import Projection


class PlanAssignments(ABC):
    @abstractmethod
    def assign_free_plan(self, user_id: UUID, start: date) -> None: ...


class FreePlanOnRegistration(Projection[PlanAssignments]):
    name = "free_plan_on_registration"
    follows = ("identity",)

    @singledispatchmethod
    def process_event(self, domain_event: Any) -> None:
        """This function will ignore every identity event but a registration."""

    @process_event.register
    def _(self, e: User.Registered) -> None:
        self.view.assign_free_plan(e.originator_id, e.timestamp.date())
