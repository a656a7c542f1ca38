"""What an Admin says about users and roles beyond their roles: claims, and the set a user
holds in effect (their own and their roles')."""

from uuid import UUID

from application.identity.admin import AccountAdministration
from application.shared.base import Written
from domain.shared.meta import Meta
from domain.users.claims import RoleClaims, role_claims_id
from domain.users.model import Role

Claim = tuple[str, str]


class ClaimAdministration(AccountAdministration):
    """The identity context's claims (the routes check the caller is an Admin)."""

    def add_user_claim(self, user_id: UUID, claim_type: str, value: str, *, meta: Meta) -> Written:
        """This function will give a user a claim. Raises NotFoundError, InvalidValueError,
        ClaimAlreadyHeldError."""
        user = self._user(user_id)
        user.add_claim(claim_type=claim_type, value=value, meta=meta)
        return self.written(user)

    def remove_user_claim(
        self, user_id: UUID, claim_type: str, value: str, *, meta: Meta
    ) -> Written:
        """This function will take a claim from a user. Raises NotFoundError,
        ClaimNotHeldError."""
        user = self._user(user_id)
        user.remove_claim(claim_type=claim_type, value=value, meta=meta)
        return self.written(user)

    def add_role_claim(self, role: Role, claim_type: str, value: str, *, meta: Meta) -> Written:
        """This function will give every holder of a role a claim. Raises InvalidValueError,
        ClaimAlreadyHeldError."""
        claims = self._role_claims(role) or RoleClaims(role=str(role))
        claims.add_claim(claim_type=claim_type, value=value, meta=meta)
        return self.written(claims)

    def remove_role_claim(self, role: Role, claim_type: str, value: str, *, meta: Meta) -> Written:
        """This function will take a claim from a role. Raises ClaimNotHeldError."""
        claims = self._role_claims(role) or RoleClaims(role=str(role))
        claims.remove_claim(claim_type=claim_type, value=value, meta=meta)
        return self.written(claims)

    def _role_claims(self, role: Role | str) -> RoleClaims | None:
        claims_id = role_claims_id(str(role))
        if not any(True for _ in self.events.get(claims_id, limit=1)):
            return None
        found: RoleClaims = self.repository.get(claims_id)
        return found

    def effective_claims(self, user_id: UUID) -> list[Claim]:
        """This function will give the claims a user holds: their own, then their roles',
        each once. Raises NotFoundError. Authorization reads these, never a token's copy."""
        user = self._user(user_id)
        found: dict[Claim, None] = dict.fromkeys(user.claims)
        for role in user.roles:
            role_claims = self._role_claims(role)
            if role_claims is not None:
                found.update(dict.fromkeys(role_claims.claims))
        return list(found)
