"""Claims: facts about a user, or about everyone holding a role, that roles alone cannot say
(a reviewer of one project, a department). Type and value are the ASP.NET Identity pair."""

import re
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.shared.errors import ConflictError, InvalidValueError
from domain.shared.meta import Meta

CLAIM_TYPE = re.compile(r"^[A-Za-z][A-Za-z0-9:._/-]{0,99}$")
MAX_CLAIM_VALUE = 500
MAX_CLAIMS = 100


class ClaimAlreadyHeldError(ConflictError):
    """Adding a claim (type and value) that is already there."""


class ClaimNotHeldError(ConflictError):
    """Removing a claim that is not there."""


def require_claim(claim_type: str, value: str) -> tuple[str, str]:
    """This function will refuse a claim type that is not a short name, or a value too long."""
    if not CLAIM_TYPE.match(claim_type):
        raise InvalidValueError(
            "type", "must start with a letter and hold at most 100 of A-Z a-z 0-9 : . _ / -"
        )
    if len(value) > MAX_CLAIM_VALUE or any(ch in value for ch in "\x00\r\n"):
        raise InvalidValueError(
            "value", f"must be one line of at most {MAX_CLAIM_VALUE} characters"
        )
    return claim_type, value


class ClaimSet:
    """The rules of a set of claims, for whoever holds one (a user, a role)."""

    claims: tuple[tuple[str, str], ...]

    def _check_add(self, claim_type: str, value: str) -> None:
        require_claim(claim_type, value)
        if (claim_type, value) in self.claims:
            raise ClaimAlreadyHeldError(f"the claim {claim_type}={value} is already there")
        if len(self.claims) >= MAX_CLAIMS:
            raise InvalidValueError("type", f"at most {MAX_CLAIMS} claims")

    def _check_remove(self, claim_type: str, value: str) -> None:
        if (claim_type, value) not in self.claims:
            raise ClaimNotHeldError(f"the claim {claim_type}={value} is not there")


def role_claims_id(role: str) -> UUID:
    """This function will give the id of a role's claims."""
    return uuid5(NAMESPACE_URL, f"testament:role-claims:{role}")


class RoleClaims(Aggregate, ClaimSet):
    """The claims every holder of a role has (identity.role_claims)."""

    class Started(Aggregate.Created):
        role: str

    @event(Started)
    def __init__(self, *, role: str) -> None:
        self.role = role
        self.claims: tuple[tuple[str, str], ...] = ()

    @staticmethod
    def create_id(*, role: str, **_: object) -> UUID:
        return role_claims_id(role)

    class ClaimAdded(Aggregate.Event):
        claim_type: str
        value: str
        meta: Meta

    def add_claim(self, *, claim_type: str, value: str, meta: Meta) -> None:
        self._check_add(claim_type, value)
        self._add_claim(claim_type=claim_type, value=value, meta=meta)

    @event(ClaimAdded)
    def _add_claim(self, *, claim_type: str, value: str, meta: Meta) -> None:
        self.claims = (*self.claims, (claim_type, value))

    class ClaimRemoved(Aggregate.Event):
        claim_type: str
        value: str
        meta: Meta

    def remove_claim(self, *, claim_type: str, value: str, meta: Meta) -> None:
        self._check_remove(claim_type, value)
        self._remove_claim(claim_type=claim_type, value=value, meta=meta)

    @event(ClaimRemoved)
    def _remove_claim(self, *, claim_type: str, value: str, meta: Meta) -> None:
        self.claims = tuple(c for c in self.claims if c != (claim_type, value))
