"""Usage limits of model calls until subscription plans exist."""

from uuid import UUID


class AllowAllLimits:
    """Every user may call the model: the plans' MaxLlmCallsPerMonth is not enforced yet
    (the subscription context will provide the adapter that counts calls per period)."""

    def require_available(self, user_id: UUID) -> None:
        return None
