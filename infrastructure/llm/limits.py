"""Usage limits of model calls: the plan's MaxLlmCallsPerMonth against sub's usage rows."""

from datetime import date
from typing import Protocol
from uuid import UUID

from application.llm.ports import Clock
from application.shared.limits import PlanLimitsPort
from application.subscriptions.queries import UsageView
from domain.subscriptions.limits import LimitType, require_within
from domain.subscriptions.periods import month_of


class UsageRows(Protocol):
    def usage(self, user_id: UUID, period_start: date) -> UsageView | None: ...


class PlanLlmLimits:
    """The UsageLimits port on the user's plan: calls answered this month, as counted in
    sub.usage_trackings from the llm log, against MaxLlmCallsPerMonth. Unlimited when the
    deployment enforces no plan limits (PlanLimits answers None then).

    The worker's check before each call (require_room) counts the user's allowance, taken in
    the event store before the model is asked, so racing calls cannot pass the limit; the
    check when work is queued (require_available) reads usage, a read model a few calls
    behind at most, and only spares a queued job that would be refused anyway."""

    def __init__(self, limits: PlanLimitsPort, usage: UsageRows, clock: Clock) -> None:
        self._limits, self._usage, self._clock = limits, usage, clock

    def require_available(self, user_id: UUID) -> None:
        """Raises LimitExceededError (the plan's limit problem, §7.3)."""
        self.require_room(user_id, 0)

    def require_room(self, user_id: UUID, taken: int) -> None:
        """Raises LimitExceededError when the calls taken from the user's allowance, or those
        usage counted (calls from before the allowance existed), fill the plan's limit."""
        limit = self._limits.limit(user_id, LimitType.MaxLlmCallsPerMonth)
        if limit.value is None:
            return
        start, _ = month_of(self._clock.now().date())
        row = self._usage.usage(user_id, start)
        counted = row.llm_call_count if row is not None else 0
        require_within(limit, max(taken, counted), upgrade_url=self._limits.upgrade_url)
