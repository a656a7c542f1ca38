"""Sign-in through an identity provider (OpenID Connect): first sign-in opens an account,
later ones find it; a signed-in user links and unlinks providers.

The protocol (discovery, PKCE, ID-token checks) is the infrastructure's; what arrives here is
an identity the provider vouched for, and the deployment's policy for that provider.
"""

import secrets
from dataclasses import dataclass, field
from uuid import UUID

from application.identity.accounts import Account, account_of
from application.identity.errors import AccountDisabledError
from application.identity.two_factor import TwoFactor
from application.shared.base import ConcurrentChangeError, Written
from domain.shared.errors import ConflictError, DomainError
from domain.shared.meta import Meta
from domain.shared.values import require_text
from domain.users.external_logins import (
    ExternalLoginClaim,
    LoginTakenError,
    external_login_claim_id,
)
from domain.users.model import EmailClaim, Role, User, email_claim_id


@dataclass(frozen=True, kw_only=True)
class ExternalIdentity:
    """Who the provider says signed in (from a verified ID token)."""

    provider: str
    kind: str  # ProviderKind
    subject: str
    email: str | None
    email_verified: bool
    display_name: str


@dataclass(frozen=True, kw_only=True)
class ProviderPolicy:
    """Who may join through a provider: new accounts at all, and from which domains."""

    auto_provision: bool = True
    allowed_domains: list[str] = field(default_factory=list)  # empty: any


class AccountExistsError(ConflictError):
    """A first sign-in whose address already has an account: it is linked only after the
    user proves they own that account (log in, then link)."""


class ExternalSignUpRefusedError(DomainError):
    """A first sign-in that may not open an account (provisioning off, a domain not
    allowed, an address the provider did not verify)."""


class ExternalSignIn(TwoFactor):
    """The identity context's external sign-in (IdentityApplication)."""

    def sign_in_external(
        self, identity: ExternalIdentity, policy: ProviderPolicy, *, meta: Meta
    ) -> Account:
        """This function will give the account a provider account opens, opening one on a
        first sign-in when the policy allows.

        Raises AccountExistsError, ExternalSignUpRefusedError, AccountDisabledError."""
        user = self._user_of_login(identity.provider, identity.subject)
        if user is None:
            user = self._provision(identity, policy, meta)
        if user.disabled:
            raise AccountDisabledError("this account is disabled; ask an Admin")
        return account_of(user)

    def _claim_exists(self, normalized_email: str) -> bool:
        return any(True for _ in self.events.get(email_claim_id(normalized_email), limit=1))

    def _user_of_login(self, provider: str, subject: str) -> User | None:
        claim_id = external_login_claim_id(provider, subject)
        if not any(True for _ in self.events.get(claim_id, limit=1)):
            return None
        claim: ExternalLoginClaim = self.repository.get(claim_id)
        return None if claim.user_id is None else self._user(claim.user_id)

    def _provision(self, identity: ExternalIdentity, policy: ProviderPolicy, meta: Meta) -> User:
        if not identity.email or not identity.email_verified:
            raise ExternalSignUpRefusedError(
                "the provider did not vouch for an e-mail address: no account can be opened"
            )
        normalized = User.normalize(identity.email)
        if self._claim_exists(normalized):
            raise AccountExistsError(
                "an account with this e-mail address exists: log in to it, then link this"
                " provider (POST /me/logins/{provider}/start)"
            )
        domain = normalized.rsplit("@", 1)[1].lower()
        allowed = [d.lower().lstrip("@") for d in policy.allowed_domains]
        if not policy.auto_provision:
            raise ExternalSignUpRefusedError(
                "this provider does not open accounts here; ask an Admin for one, then link it"
            )
        if allowed and domain not in allowed:
            raise ExternalSignUpRefusedError(f"addresses at {domain} may not join through it")
        display_name = require_text(
            "display_name", identity.display_name or identity.email.split("@")[0], max_length=100
        )
        user = User(
            email=identity.email.strip(),
            user_name=identity.email.strip(),
            display_name=display_name,
            password_hash="",  # none: the provider is the way in until one is set
            roles=[Role.USER.value],
            security_stamp=secrets.token_hex(16),
            meta=meta,
        )
        user.add_external_login(
            provider=identity.provider,
            kind=identity.kind,
            subject=identity.subject,
            display_name=identity.display_name,
            meta=meta,
        )
        claims = [
            EmailClaim(normalized_email=normalized, user_id=user.id),
            ExternalLoginClaim(
                provider=identity.provider, subject=identity.subject, user_id=user.id
            ),
        ]
        try:
            self.written(user, *claims)
        except ConcurrentChangeError:
            # The same first sign-in twice at once, or the address registered meanwhile.
            again = self._user_of_login(identity.provider, identity.subject)
            if again is not None:
                return again
            raise AccountExistsError("an account with this e-mail address exists") from None
        return user

    def link_external(self, user_id: UUID, identity: ExternalIdentity, *, meta: Meta) -> Written:
        """This function will let a provider account sign in to the caller's account.

        Raises LoginTakenError (it opens another account), NotFoundError."""
        user = self._user(user_id)
        claim_id = external_login_claim_id(identity.provider, identity.subject)
        claim: ExternalLoginClaim
        if any(True for _ in self.events.get(claim_id, limit=1)):
            claim = self.repository.get(claim_id)
            claim.reclaim(user_id=user.id)
        else:
            claim = ExternalLoginClaim(
                provider=identity.provider, subject=identity.subject, user_id=user.id
            )
        if user.external_subject(identity.provider) is not None:
            raise LoginTakenError(
                f"the account is already linked to {identity.provider}: unlink it first"
            )
        user.add_external_login(
            provider=identity.provider,
            kind=identity.kind,
            subject=identity.subject,
            display_name=identity.display_name,
            meta=meta,
        )
        return self.written(user, claim)

    def unlink_external(self, user_id: UUID, provider: str, kind: str, *, meta: Meta) -> Written:
        """This function will stop a provider signing in to the account.

        Raises LoginNotLinkedError, LastSignInMethodError, NotFoundError."""
        user = self._user(user_id)
        subject = user.remove_external_login(provider=provider, kind=kind, meta=meta)
        claim: ExternalLoginClaim = self.repository.get(external_login_claim_id(provider, subject))
        claim.release()
        return self.written(user, claim)
