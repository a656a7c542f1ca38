"""What a plan limits (seed 001 §7.4), and the refusal of a command past a limit."""

from dataclasses import dataclass
from enum import IntEnum

from domain.shared.errors import DomainError


class LimitType(IntEnum):
    """The seed's limit_type enum, in its order; the read tables store the number."""

    MaxProjects = 0
    MaxEndpointsPerProject = 1
    MaxTestCasesPerSuite = 2
    MaxTestRunsPerMonth = 3
    MaxConcurrentRuns = 4
    RetentionDays = 5
    MaxLlmCallsPerMonth = 6
    MaxStorageMB = 7


@dataclass(frozen=True)
class PlanLimit:
    """One limit of a plan: a value, or unlimited (the seed's IsUnlimited; value None)."""

    limit_type: LimitType
    value: int | None

    @property
    def unlimited(self) -> bool:
        return self.value is None

    def allows(self, current_usage: int) -> bool:
        """This function will tell whether one more is allowed with this much used already."""
        return self.value is None or current_usage < self.value


# A retention outside these days is refused unless the plan is Enterprise (§5: 5-10 days).
RETENTION_MIN_DAYS = 5
RETENTION_MAX_DAYS = 10


def require_within(limit: PlanLimit, current_usage: int, *, upgrade_url: str) -> None:
    """This function will refuse one more of something past its plan limit. Raises
    LimitExceededError naming the limit, the usage and the limit value (seed 001 §7.3)."""
    if not limit.allows(current_usage):
        assert limit.value is not None
        raise LimitExceededError(
            limit_type=limit.limit_type.name,
            current_usage=current_usage,
            limit=limit.value,
            upgrade_url=upgrade_url,
        )


class LimitExceededError(DomainError):
    """A command that would take a user past a limit of their plan (HTTP 403, §7.3)."""

    def __init__(
        self, *, limit_type: str, current_usage: int, limit: int, upgrade_url: str
    ) -> None:
        super().__init__(
            f"the plan allows {limit} for {limit_type} and {current_usage} are used: "
            "upgrade the plan for more"
        )
        self.limit_type = limit_type
        self.current_usage = current_usage
        self.limit = limit
        self.upgrade_url = upgrade_url
