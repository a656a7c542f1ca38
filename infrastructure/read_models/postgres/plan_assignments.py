"""The registration process's "view": commands to the sub context, no table of its own."""

from datetime import date
from uuid import UUID

from application.subscriptions.app import SubscriptionsApplication
from domain.shared.meta import system_meta
from infrastructure.read_models.postgres.base import PostgresView
from projections.subscriptions.registrations import PlanAssignments


class SubscriptionPlanAssignments(PostgresView, PlanAssignments):
    tables = ()
    ddl = ()

    def __init__(self, sub: SubscriptionsApplication) -> None:
        super().__init__("sub")
        self._sub = sub

    def assign_free_plan(self, user_id: UUID, start: date) -> None:
        self._sub.assign_free_plan(user_id, start, system_meta("registered"))
