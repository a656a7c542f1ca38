"""Access tokens (JWT) and rotating refresh tokens with reuse detection."""

import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import jwt

from infrastructure.postgres.pool import DictPool
from infrastructure.security.revocations import SessionRevocations

REFRESH_TOKENS_DDL = (
    "CREATE TABLE IF NOT EXISTS identity.refresh_tokens ("
    " id uuid PRIMARY KEY, user_id uuid NOT NULL, family_id uuid NOT NULL,"
    " token_hash text NOT NULL UNIQUE, created_at timestamptz NOT NULL,"
    " expires_at timestamptz NOT NULL, used_at timestamptz, revoked_at timestamptz)",
    "CREATE INDEX IF NOT EXISTS refresh_tokens_family_idx ON identity.refresh_tokens (family_id)",
)

_ISSUER = "testament"
# Claims ride in an access token only while they are small: a header has limits.
MAX_TOKEN_CLAIMS_CHARS = 1024
# A log-in's second step: its token names this audience, so it is never an access token
# (PyJWT refuses a token with an audience when none is asked for).
_CHALLENGE_AUDIENCE = "testament:two-factor"
CHALLENGE_SECONDS = 300


class InvalidTokenError(Exception):
    """A token that is malformed, expired, revoked or already used."""


@dataclass(frozen=True, kw_only=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int


@dataclass(frozen=True, kw_only=True)
class Challenge:
    """A log-in waiting for its second factor: whose, under which credentials, which one."""

    user_id: UUID
    stamp_digest: str
    challenge_id: UUID


def stamp_digest(security_stamp: str) -> str:
    """This function will give what a challenge carries of the account's security stamp, so
    a password change (a new stamp) voids the challenges made under the old password."""
    return hashlib.sha256(f"testament:stamp:{security_stamp}".encode()).hexdigest()[:32]


@dataclass(frozen=True, kw_only=True)
class AccessClaims:
    user_id: UUID
    roles: list[str]
    session_id: str
    # Set when the request sent an API key instead of an access token.
    api_key_id: UUID | None = None
    api_key_scope: str | None = None


class TokenService:
    """Issues and checks tokens; refresh tokens live hashed in identity.refresh_tokens.

    Refresh tokens rotate: each is good for one use. Presenting a used one again means it
    was stolen, so its whole family (every token descended from the same login) is revoked.
    An access token names its family as its session (`sid`): whatever revokes a family
    also ends its session in `revocations`, and the access tokens stop working at once.
    """

    def __init__(
        self,
        *,
        pool: DictPool,
        secret_key: str,
        access_minutes: int,
        refresh_days: int,
        revocations: SessionRevocations,
    ) -> None:
        self._pool = pool
        self._key = secret_key
        self._access = timedelta(minutes=access_minutes)
        self._refresh = timedelta(days=refresh_days)
        self.revocations = revocations

    def issue(
        self,
        user_id: UUID,
        roles: list[str],
        family_id: UUID | None = None,
        claims: list[tuple[str, str]] | None = None,
    ) -> TokenPair:
        now = datetime.now(UTC)
        family_id = family_id or uuid.uuid4()
        payload: dict[str, Any] = {
            "sub": str(user_id),
            "sid": str(family_id),
            "roles": roles,
            "iat": now,
            "exp": now + self._access,
            "iss": _ISSUER,
            "jti": uuid.uuid4().hex,
        }
        carried = [[t, v] for t, v in claims or []]
        if carried and len(json.dumps(carried)) <= MAX_TOKEN_CLAIMS_CHARS:
            # For clients to read; every check on the server reads the claims afresh.
            payload["claims"] = carried
        access = jwt.encode(payload, self._key, algorithm="HS256")
        refresh = secrets.token_urlsafe(32)
        with self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO identity.refresh_tokens (id, user_id, family_id, token_hash, created_at,"
                " expires_at) VALUES (%s, %s, %s, %s, %s, %s)",
                (
                    uuid.uuid4(),
                    user_id,
                    family_id,
                    _digest(refresh),
                    now,
                    now + self._refresh,
                ),
            )
        return TokenPair(
            access_token=access, refresh_token=refresh, expires_in=int(self._access.total_seconds())
        )

    def issue_challenge(self, user_id: UUID, security_stamp: str) -> str:
        """This function will give the short-lived token of a log-in's second step."""
        now = datetime.now(UTC)
        claims = {
            "sub": str(user_id),
            "sid": str(uuid.uuid4()),
            "stamp": stamp_digest(security_stamp),
            "iat": now,
            "exp": now + timedelta(seconds=CHALLENGE_SECONDS),
            "iss": _ISSUER,
            "aud": _CHALLENGE_AUDIENCE,
        }
        return jwt.encode(claims, self._key, algorithm="HS256")

    def check_challenge(self, token: str) -> Challenge:
        """This function will read a second-step token. Raises InvalidTokenError (malformed,
        expired, another kind of token); whether it was already spent is the caller's to ask
        (`revocations`)."""
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._key,
                algorithms=["HS256"],
                issuer=_ISSUER,
                audience=_CHALLENGE_AUDIENCE,
                options={"require": ["exp", "sub", "sid", "stamp", "aud"]},
            )
            return Challenge(
                user_id=UUID(claims["sub"]),
                stamp_digest=str(claims["stamp"]),
                challenge_id=UUID(claims["sid"]),
            )
        except (jwt.PyJWTError, ValueError, KeyError) as error:
            raise InvalidTokenError(f"the two-factor challenge is not valid: {error}") from None

    def check_access(self, token: str) -> AccessClaims:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._key,
                algorithms=["HS256"],
                issuer=_ISSUER,
                options={"require": ["exp", "sub", "sid"]},
            )
            return AccessClaims(
                user_id=UUID(claims["sub"]),
                roles=list(claims.get("roles", [])),
                session_id=str(UUID(claims["sid"])),
            )
        except (jwt.PyJWTError, ValueError, KeyError) as error:
            raise InvalidTokenError(f"the access token is not valid: {error}") from None

    def rotate(self, refresh_token: str) -> tuple[UUID, UUID]:
        """This function will spend a refresh token and return (user id, family id) for a new pair.

        Raises InvalidTokenError for an unknown, expired, revoked or reused token.
        """
        now = datetime.now(UTC)
        problem: str | None = None
        reused = False
        with self._pool.connection() as conn, conn.transaction():
            row = conn.execute(
                "SELECT id, user_id, family_id, expires_at, used_at, revoked_at FROM identity.refresh_tokens"
                " WHERE token_hash = %s FOR UPDATE",
                (_digest(refresh_token),),
            ).fetchone()
            if row is None:
                problem = "the refresh token is not known"
            elif row["revoked_at"] is not None or row["expires_at"] <= now:
                problem = "the refresh token has expired or was revoked"
            elif row["used_at"] is not None:
                # Committed before the error is raised: the revocation must stick.
                conn.execute(
                    "UPDATE identity.refresh_tokens SET revoked_at = %s WHERE family_id = %s AND revoked_at IS NULL",
                    (now, row["family_id"]),
                )
                problem = "the refresh token was already used; every session of it is revoked"
                reused = True
            else:
                conn.execute(
                    "UPDATE identity.refresh_tokens SET used_at = %s WHERE id = %s",
                    (now, row["id"]),
                )
        if reused and row is not None:
            self.revocations.end([row["family_id"]])
        if problem is not None or row is None:
            raise InvalidTokenError(problem or "the refresh token is not known")
        return row["user_id"], row["family_id"]

    def revoke_user(self, user_id: UUID) -> None:
        """This function will end every session of a user (password change, disabled account)."""
        with self._pool.connection() as conn, conn.transaction():
            # Sessions with a live refresh token, and those whose last access token may still
            # be valid though their refresh tokens were spent or revoked.
            rows = conn.execute(
                "SELECT DISTINCT family_id FROM identity.refresh_tokens WHERE user_id = %s"
                " AND (revoked_at IS NULL OR created_at > %s)",
                (user_id, datetime.now(UTC) - self._access),
            ).fetchall()
            conn.execute(
                "UPDATE identity.refresh_tokens SET revoked_at = now() WHERE user_id = %s AND revoked_at IS NULL",
                (user_id,),
            )
        self.revocations.end(row["family_id"] for row in rows)

    def revoke_family_of(self, refresh_token: str) -> None:
        """This function will end the session a refresh token belongs to (logout)."""
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT family_id FROM identity.refresh_tokens WHERE token_hash = %s",
                (_digest(refresh_token),),
            ).fetchone()
            if row is None:
                return
            conn.execute(
                "UPDATE identity.refresh_tokens SET revoked_at = now() WHERE revoked_at IS NULL"
                " AND family_id = %s",
                (row["family_id"],),
            )
        self.revocations.end([row["family_id"]])


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
