"""Sign-in through an identity provider: which provider account opens which user.

An `ExternalLoginClaim` is to a provider account what `EmailClaim` is to an address: its id
derives from (provider, subject), so two users claiming one provider account collide in the
event store, with no read model to trust.
"""

from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.shared.errors import ConflictError


class ProviderKind(StrEnum):
    """Presets whose subject also fills a column of identity.users."""

    GENERIC = "generic"
    AUTH0 = "auth0"
    AZURE_AD_B2C = "azure-ad-b2c"


class LoginTakenError(ConflictError):
    """A provider account that already opens another user."""


class LastSignInMethodError(ConflictError):
    """Removing the only way left to sign in to an account."""


class LoginNotLinkedError(ConflictError):
    """Unlinking a provider the account is not linked to."""


def external_login_claim_id(provider: str, subject: str) -> UUID:
    """This function will give the id of the claim of one provider account."""
    return uuid5(NAMESPACE_URL, f"testament:external-login:{provider}:{subject}")


class ExternalLoginClaim(Aggregate):
    """One provider account's link to one user, or to none once released."""

    class Claimed(Aggregate.Created):
        provider: str
        subject: str
        user_id: UUID

    @event(Claimed)
    def __init__(self, *, provider: str, subject: str, user_id: UUID) -> None:
        self.provider = provider
        self.subject = subject
        self.user_id: UUID | None = user_id

    @staticmethod
    def create_id(*, provider: str, subject: str, **_: object) -> UUID:
        return external_login_claim_id(provider, subject)

    class Released(Aggregate.Event):
        pass

    @event(Released)
    def release(self) -> None:
        self.user_id = None

    class Reclaimed(Aggregate.Event):
        user_id: UUID

    def reclaim(self, *, user_id: UUID) -> None:
        """This function will link a released provider account to a user."""
        if self.user_id is not None and self.user_id != user_id:
            raise LoginTakenError("this provider account already signs in to another account")
        self._reclaim(user_id=user_id)

    @event(Reclaimed)
    def _reclaim(self, *, user_id: UUID) -> None:
        self.user_id = user_id
