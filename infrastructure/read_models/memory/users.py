"""identity.users, roles, user_roles and user_profiles in memory: the twin of
PostgresUsersView, with every column (defaults included) PostgreSQL fills."""

import copy
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid5

from infrastructure.read_models.postgres.users import claim_row_id, role_id
from projections.users.view import (
    RECOVERY_CODE_SEPARATOR,
    RECOVERY_CODES,
    SUBJECT_COLUMNS,
    TOKEN_PROVIDER,
    ClaimOwner,
    ProfileRow,
    UserRow,
    UsersView,
)

_SEEDED_AT = datetime(2026, 1, 1, tzinfo=UTC)


def _seeded_role(name: str) -> dict[str, Any]:
    return {
        "id": role_id(name),
        "name": name,
        "normalized_name": name.upper(),
        "concurrency_stamp": "1",
        "created_date_time": _SEEDED_AT,
        "updated_date_time": _SEEDED_AT,
        "row_version": 1,
    }


class MemoryUsersView(UsersView):
    """The ERD's identity tables that Testament fills from User events, as dicts."""

    tables = (
        "users",
        "roles",
        "user_roles",
        "user_profiles",
        "user_tokens",
        "user_logins",
        "user_claims",
        "role_claims",
    )

    def __init__(self) -> None:
        self._tables: dict[str, dict[UUID, dict[str, Any]]] = {name: {} for name in self.tables}
        for name in ("Admin", "User"):
            role = _seeded_role(name)
            self._tables["roles"][role["id"]] = role

    def rows(self, table: str) -> list[dict[str, Any]]:
        """This function will return a table's rows ordered by id, as SELECT * gives them."""
        if table not in self._tables:
            raise KeyError(f"no table {table!r} in this view; it has {self.tables}")
        rows = self._tables[table]
        return [copy.deepcopy(rows[key]) for key in sorted(rows)]

    def insert_user(self, row: UserRow) -> None:
        users = self._tables["users"]
        normalized_email = row.email.upper()
        if row.id in users or any(
            u["normalized_email"] == normalized_email for u in users.values()
        ):
            raise ValueError(f"duplicate key: user {row.id} or e-mail {row.email!r} exists")
        users[row.id] = {
            "id": row.id,
            "user_name": row.user_name,
            "normalized_user_name": row.user_name.upper(),
            "email": row.email,
            "normalized_email": normalized_email,
            "email_confirmed": False,
            "password_hash": row.password_hash,
            "security_stamp": row.security_stamp,
            "concurrency_stamp": str(row.row_version),
            "phone_number": None,
            "phone_number_confirmed": False,
            "two_factor_enabled": False,
            "lockout_end": None,
            "lockout_enabled": True,
            "access_failed_count": 0,
            "auth0_user_id": None,
            "azure_ad_b2c_user_id": None,
            "created_date_time": row.created_date_time,
            "updated_date_time": row.created_date_time,
            "row_version": row.row_version,
            "is_disabled": False,
        }

    def change_credentials(
        self, user_id: UUID, *, password_hash: str, security_stamp: str, at: datetime, version: int
    ) -> None:
        user = self._tables["users"].get(user_id)
        if user is not None:
            user.update(
                password_hash=password_hash,
                security_stamp=security_stamp,
                concurrency_stamp=str(version),
                updated_date_time=at,
                row_version=version,
            )

    def add_role(self, user_id: UUID, role: str, *, at: datetime, version: int) -> None:
        user_roles = self._tables["user_roles"]
        key = uuid5(user_id, role)
        if key in user_roles:
            raise ValueError(f"duplicate key: user {user_id} already has the role {role!r}")
        user_roles[key] = {
            "id": key,
            "user_id": user_id,
            "role_id": role_id(role),
            "created_date_time": at,
            "updated_date_time": at,
            "row_version": version,
        }
        self._touch(user_id, at, version)

    def set_language(self, user_id: UUID, language: str, *, at: datetime, version: int) -> None:
        for profile in self._tables["user_profiles"].values():
            if profile["user_id"] == user_id:
                profile.update(language=language, row_version=version)
        self._touch(user_id, at, version)

    def put_profile(self, row: ProfileRow) -> None:
        profiles = self._tables["user_profiles"]
        existing = next((p for p in profiles.values() if p["user_id"] == row.user_id), None)
        if existing is None:
            key = uuid5(row.user_id, "profile")
            profiles[key] = {
                "id": key,
                "user_id": row.user_id,
                "display_name": row.display_name,
                "avatar_url": row.avatar_url,
                "timezone": row.timezone,
                "language": None,
                "created_date_time": row.at,
                "row_version": row.row_version,
            }
        else:  # an upsert keeps the row's id and creation time
            existing.update(
                display_name=row.display_name,
                avatar_url=row.avatar_url,
                timezone=row.timezone,
                row_version=row.row_version,
            )
        self._touch(row.user_id, row.at, row.row_version)

    def remove_role(self, user_id: UUID, role: str, *, at: datetime, version: int) -> None:
        self._tables["user_roles"].pop(uuid5(user_id, role), None)
        self._touch(user_id, at, version)

    def set_access_failures(
        self,
        user_id: UUID,
        *,
        access_failed_count: int,
        lockout_end: datetime | None,
        at: datetime,
        version: int,
    ) -> None:
        user = self._tables["users"].get(user_id)
        if user is not None:
            user.update(access_failed_count=access_failed_count, lockout_end=lockout_end)
        self._touch(user_id, at, version)

    def set_email_confirmed(self, user_id: UUID, *, at: datetime, version: int) -> None:
        user = self._tables["users"].get(user_id)
        if user is not None:
            user["email_confirmed"] = True
        self._touch(user_id, at, version)

    def set_phone_number(
        self,
        user_id: UUID,
        phone_number: str | None,
        *,
        confirmed: bool,
        at: datetime,
        version: int,
    ) -> None:
        user = self._tables["users"].get(user_id)
        if user is not None:
            user.update(phone_number=phone_number, phone_number_confirmed=confirmed)
        self._touch(user_id, at, version)

    def touch(self, user_id: UUID, *, at: datetime, version: int) -> None:
        self._touch(user_id, at, version)

    def set_disabled(self, user_id: UUID, disabled: bool, *, at: datetime, version: int) -> None:
        user = self._tables["users"].get(user_id)
        if user is not None:
            user["is_disabled"] = disabled
        self._touch(user_id, at, version)

    def _touch(self, user_id: UUID, at: datetime, version: int) -> None:
        user = self._tables["users"].get(user_id)
        if user is not None and user["row_version"] < version:
            user.update(updated_date_time=at, row_version=version, concurrency_stamp=str(version))

    def put_user_token(
        self, user_id: UUID, name: str, value: str, *, at: datetime, version: int
    ) -> None:
        token_id = uuid5(user_id, f"token:{name}")
        tokens = self._tables["user_tokens"]
        if token_id in tokens:
            tokens[token_id].update(token_value=value, row_version=version)
        else:
            tokens[token_id] = {
                "id": token_id,
                "user_id": user_id,
                "login_provider": TOKEN_PROVIDER,
                "token_name": name,
                "token_value": value,
                "created_date_time": at,
                "row_version": version,
            }
        self._touch(user_id, at, version)

    def spend_recovery_code(
        self, user_id: UUID, code_hash: str, *, at: datetime, version: int
    ) -> None:
        token = self._tables["user_tokens"].get(uuid5(user_id, f"token:{RECOVERY_CODES}"))
        if token is not None:
            kept = [
                h for h in token["token_value"].split(RECOVERY_CODE_SEPARATOR) if h != code_hash
            ]
            token.update(token_value=RECOVERY_CODE_SEPARATOR.join(kept), row_version=version)
        self._touch(user_id, at, version)

    def set_two_factor(self, user_id: UUID, enabled: bool, *, at: datetime, version: int) -> None:
        user = self._tables["users"].get(user_id)
        if user is not None:
            user["two_factor_enabled"] = enabled
        if not enabled:
            tokens = self._tables["user_tokens"]
            for key in [k for k, t in tokens.items() if t["user_id"] == user_id]:
                del tokens[key]
        self._touch(user_id, at, version)

    def add_login(
        self,
        user_id: UUID,
        *,
        provider: str,
        kind: str,
        subject: str,
        display_name: str,
        at: datetime,
        version: int,
    ) -> None:
        logins = self._tables["user_logins"]
        if any(
            (row["login_provider"], row["provider_key"]) == (provider, subject)
            or (row["user_id"], row["login_provider"]) == (user_id, provider)
            for row in logins.values()
        ):
            raise ValueError(f"duplicate key: login {provider}/{subject}")
        login_id = uuid5(user_id, f"login:{provider}:{subject}")
        logins[login_id] = {
            "id": login_id,
            "user_id": user_id,
            "login_provider": provider,
            "provider_key": subject,
            "provider_display_name": display_name,
            "created_date_time": at,
            "row_version": version,
        }
        self._set_subject(user_id, kind, subject)
        self._touch(user_id, at, version)

    def remove_login(
        self, user_id: UUID, *, provider: str, kind: str, at: datetime, version: int
    ) -> None:
        logins = self._tables["user_logins"]
        for key in [
            k
            for k, row in logins.items()
            if (row["user_id"], row["login_provider"]) == (user_id, provider)
        ]:
            del logins[key]
        self._set_subject(user_id, kind, None)
        self._touch(user_id, at, version)

    def _set_subject(self, user_id: UUID, kind: str, subject: str | None) -> None:
        user = self._tables["users"].get(user_id)
        column = SUBJECT_COLUMNS.get(kind)
        if user is not None and column is not None:
            user[column] = subject

    def add_claim(
        self, owner: ClaimOwner, claim_type: str, value: str, *, at: datetime, version: int
    ) -> None:
        table, column, key = _claim_target(owner)
        row_id = claim_row_id(key, claim_type, value)
        if row_id in self._tables[table]:
            raise ValueError(f"duplicate key: claim {claim_type}={value}")
        self._tables[table][row_id] = {
            "id": row_id,
            column: key,
            "claim_type": claim_type,
            "claim_value": value,
            "created_date_time": at,
            "row_version": version,
        }
        if owner.user_id is not None:
            self._touch(owner.user_id, at, version)

    def remove_claim(
        self, owner: ClaimOwner, claim_type: str, value: str, *, at: datetime, version: int
    ) -> None:
        table, _, key = _claim_target(owner)
        self._tables[table].pop(claim_row_id(key, claim_type, value), None)
        if owner.user_id is not None:
            self._touch(owner.user_id, at, version)


def _claim_target(owner: ClaimOwner) -> tuple[str, str, UUID]:
    if owner.user_id is not None:
        return "user_claims", "user_id", owner.user_id
    return "role_claims", "role_id", role_id(owner.role or "")
