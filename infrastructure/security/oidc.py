"""OpenID Connect for signing in: discovery, the authorization-code flow with PKCE, state and
nonce, and ID tokens verified against the provider's JWKS (joserfc; PKCE with Authlib).

Provider URLs come from the operator's settings, not from users, so they are fetched
directly rather than through the outbound policy that guards test targets.
"""

import base64
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

import httpx
import redis
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from application.identity.external import ExternalIdentity, ProviderPolicy
from infrastructure.redis.keys import RedisKeys
from infrastructure.settings import OidcProviderSettings

FLOW_SECONDS = 600  # a user has ten minutes between leaving for the provider and coming back
# A token naming an unknown `kid` refetches the keys (a rotation), at most this often, so
# tokens with made-up ids cannot make Testament hammer the provider.
JWKS_REFRESH_SECONDS = 10.0
_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"]
_LEEWAY_SECONDS = 60


class OidcError(Exception):
    """A sign-in the provider's answer does not support (bad state, token or keys)."""


class UnknownProviderError(Exception):
    """A provider name the deployment does not configure."""


@dataclass(frozen=True, kw_only=True)
class Flow:
    """What the callback needs of the flow it ends; kept in Redis, used once."""

    provider: str
    nonce: str
    verifier: str
    redirect_uri: str
    link_user_id: UUID | None


class Provider:
    """One configured provider: its discovery document and keys, fetched lazily and cached."""

    def __init__(
        self, settings: OidcProviderSettings, http: httpx.Client, refresh_seconds: float
    ) -> None:
        self.settings = settings
        self._http = http
        self._refresh_seconds = refresh_seconds
        self._metadata: dict[str, Any] | None = None
        self._keys: KeySet | None = None
        self._keys_fetched_at = 0.0

    @property
    def policy(self) -> ProviderPolicy:
        return ProviderPolicy(
            auto_provision=self.settings.auto_provision,
            allowed_domains=list(self.settings.allowed_domains),
        )

    def metadata(self) -> dict[str, Any]:
        if self._metadata is None:
            url = self.settings.issuer.rstrip("/") + "/.well-known/openid-configuration"
            document = self._get_json(url)
            if document.get("issuer") != self.settings.issuer:
                raise OidcError(
                    f"the discovery document names issuer {document.get('issuer')!r}, "
                    f"not the configured {self.settings.issuer!r}"
                )
            self._metadata = document
        return self._metadata

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = self._http.get(url)
            response.raise_for_status()
            document: dict[str, Any] = response.json()
        except (httpx.HTTPError, json.JSONDecodeError) as error:
            raise OidcError(f"the provider {self.settings.name} did not answer: {error}") from None
        return document

    def keys(self, kid: str | None) -> KeySet:
        """This function will give the provider's keys, fetching them again once when a token
        names a key not yet seen (the provider rotated its keys)."""
        stale = time.monotonic() - self._keys_fetched_at >= self._refresh_seconds
        known = self._keys is not None and (kid is None or _has_kid(self._keys, kid))
        if self._keys is None or (not known and stale):
            jwks: Any = self._get_json(self.metadata()["jwks_uri"])
            self._keys = KeySet.import_key_set(jwks)
            self._keys_fetched_at = time.monotonic()
        if kid is not None and not _has_kid(self._keys, kid):
            raise OidcError(
                f"the ID token is signed with key {kid!r}, which the provider does not publish"
            )
        return self._keys

    def authorization_url(self, *, state: str, nonce: str, verifier: str, redirect_uri: str) -> str:
        query = {
            "response_type": "code",
            "client_id": self.settings.client_id,
            "redirect_uri": redirect_uri,
            "scope": self.settings.scopes,
            "state": state,
            "nonce": nonce,
            "code_challenge": create_s256_code_challenge(verifier),
            "code_challenge_method": "S256",
        }
        return f"{self.metadata()['authorization_endpoint']}?{urlencode(query)}"

    def exchange(self, code: str, flow: Flow) -> str:
        """This function will trade the code for tokens and give the ID token."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": flow.redirect_uri,
            "code_verifier": flow.verifier,
            "client_id": self.settings.client_id,
        }
        # client_secret_basic for a confidential client; a public one proves itself by PKCE.
        auth: httpx.Auth | httpx._client.UseClientDefault = (
            httpx.BasicAuth(self.settings.client_id, self.settings.client_secret)
            if self.settings.client_secret
            else httpx.USE_CLIENT_DEFAULT
        )
        try:
            response = self._http.post(self.metadata()["token_endpoint"], data=form, auth=auth)
        except httpx.HTTPError as error:
            raise OidcError(f"the provider's token endpoint did not answer: {error}") from None
        if response.status_code != 200:
            raise OidcError(
                f"the provider refused the code ({response.status_code}): {response.text[:200]}"
            )
        id_token = response.json().get("id_token")
        if not isinstance(id_token, str):
            raise OidcError("the provider answered no ID token")
        return id_token

    def verify(self, id_token: str, nonce: str) -> dict[str, Any]:
        """This function will check the ID token's signature, issuer, audience, expiry and
        nonce, and give its claims. Raises OidcError."""
        try:
            kid = _header(id_token).get("kid")
            token = jwt.decode(id_token, self.keys(kid), algorithms=_ALGORITHMS)
            jwt.JWTClaimsRegistry(
                now=int(time.time()),
                leeway=_LEEWAY_SECONDS,
                iss={"essential": True, "value": self.settings.issuer},
                aud={"essential": True, "value": self.settings.client_id},
                exp={"essential": True},
                sub={"essential": True},
                nonce={"essential": True, "value": nonce},
            ).validate(token.claims)
        except (JoseError, ValueError) as error:
            raise OidcError(f"the ID token is not valid: {error}") from None
        claims: dict[str, Any] = token.claims
        return claims

    def identity(self, claims: dict[str, Any]) -> ExternalIdentity:
        email = claims.get("email")
        if email is None and self.settings.kind == "azure-ad-b2c":
            emails = claims.get("emails")  # B2C user flows put addresses in a list
            email = emails[0] if isinstance(emails, list) and emails else None
        verified = claims.get("email_verified")
        # Azure AD B2C verifies addresses in its sign-up flow and sends no such claim.
        trusted = (
            verified is True
            or verified == "true"
            or (verified is None and self.settings.kind == "azure-ad-b2c")
        )
        return ExternalIdentity(
            provider=self.settings.name,
            kind=self.settings.kind,
            subject=str(claims["sub"]),
            email=email if isinstance(email, str) else None,
            email_verified=trusted,
            display_name=str(claims.get("name") or claims.get("nickname") or "")[:100],
        )


def _header(token: str) -> dict[str, Any]:
    try:
        head = token.split(".")[0]
        header: dict[str, Any] = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except (ValueError, IndexError) as error:
        raise ValueError(f"malformed token: {error}") from None
    return header


def _has_kid(keys: KeySet, kid: str) -> bool:
    return any(key.kid == kid for key in keys.keys)


class OidcProviders:
    """Every configured provider, and the flows in progress (Redis, single use)."""

    def __init__(
        self,
        providers: list[OidcProviderSettings],
        client: redis.Redis,
        *,
        namespace: str,
        http: httpx.Client | None = None,
        jwks_refresh_seconds: float = JWKS_REFRESH_SECONDS,
    ) -> None:
        self._http = http or httpx.Client(timeout=10)
        self._providers = {p.name: Provider(p, self._http, jwks_refresh_seconds) for p in providers}
        self._redis, self._keys = client, RedisKeys(namespace)

    def close(self) -> None:
        self._http.close()

    def configured(self) -> list[OidcProviderSettings]:
        return [p.settings for p in self._providers.values()]

    def kind_of(self, name: str) -> str:
        """This function will give a provider's kind; one no longer configured is generic
        (its links can still be removed)."""
        provider = self._providers.get(name)
        return "generic" if provider is None else provider.settings.kind

    def get(self, name: str) -> Provider:
        provider = self._providers.get(name)
        if provider is None:
            raise UnknownProviderError(f"no identity provider named {name!r} is configured here")
        return provider

    def start(self, name: str, redirect_uri: str, link_user_id: UUID | None = None) -> str:
        """This function will begin a flow and give the URL to send the user to."""
        provider = self.get(name)
        state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        verifier = secrets.token_urlsafe(64)  # 86 characters: RFC 7636 asks 43 to 128
        url = provider.authorization_url(
            state=state, nonce=nonce, verifier=verifier, redirect_uri=redirect_uri
        )
        flow = {
            "provider": name,
            "nonce": nonce,
            "verifier": verifier,
            "redirect_uri": redirect_uri,
            "link_user_id": None if link_user_id is None else str(link_user_id),
        }
        self._redis.set(self._key(state), json.dumps(flow), ex=FLOW_SECONDS)
        return url

    def finish(self, name: str, code: str, state: str) -> tuple[Flow, ExternalIdentity]:
        """This function will end a flow: the state is spent whatever happens next, the
        code traded, the ID token verified. Raises OidcError, UnknownProviderError."""
        provider = self.get(name)
        raw = self._redis.getdel(self._key(state))
        if raw is None:
            raise OidcError("the sign-in is unknown, expired or already finished: start again")
        stored = json.loads(raw)
        flow = Flow(
            provider=stored["provider"],
            nonce=stored["nonce"],
            verifier=stored["verifier"],
            redirect_uri=stored["redirect_uri"],
            link_user_id=None if stored["link_user_id"] is None else UUID(stored["link_user_id"]),
        )
        if flow.provider != name:
            raise OidcError("the sign-in was started with another provider")
        claims = provider.verify(provider.exchange(code, flow), flow.nonce)
        return flow, provider.identity(claims)

    def _key(self, state: str) -> str:
        return f"{self._keys.namespace}:oidc-flow:{state}"
