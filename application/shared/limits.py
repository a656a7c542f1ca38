"""The port every context checks its plan limits through (the sub context's PlanLimits)."""

from typing import Protocol
from uuid import UUID

from domain.subscriptions.limits import LimitExceededError, LimitType, PlanLimit


class PlanLimitsPort(Protocol):
    """The limits of a user's plan; unlimited everywhere when the deployment enforces none."""

    upgrade_url: str

    def limit(self, user_id: UUID, limit_type: LimitType) -> PlanLimit: ...

    def limits(self, user_id: UUID, *limit_types: LimitType) -> tuple[PlanLimit, ...]: ...


def refuse_past(limit: PlanLimit, *, current: int, adding: int, upgrade_url: str) -> None:
    """This function will refuse adding `adding` more to `current` past the limit, naming the
    usage as it stands (§7.3's body). Raises LimitExceededError."""
    if limit.value is not None and current + adding > limit.value:
        raise LimitExceededError(
            limit_type=limit.limit_type.name,
            current_usage=current,
            limit=limit.value,
            upgrade_url=upgrade_url,
        )
