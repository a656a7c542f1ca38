"""identity.users, identity.roles, identity.user_roles and identity.user_profiles in PostgreSQL."""

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from infrastructure.read_models.postgres.base import PostgresView
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


def role_id(name: str) -> UUID:
    """This function will give the seeded id of a role."""
    return uuid5(NAMESPACE_URL, f"testament:role:{name}")


class PostgresUsersView(PostgresView, UsersView):
    """The ERD's identity tables that Testament fills from User events."""

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
    ddl = (
        "CREATE TABLE IF NOT EXISTS {schema}.users ("
        " id uuid PRIMARY KEY, user_name text NOT NULL, normalized_user_name text NOT NULL,"
        " email text NOT NULL, normalized_email text NOT NULL UNIQUE,"
        " email_confirmed boolean NOT NULL DEFAULT false, password_hash text NOT NULL,"
        " security_stamp text NOT NULL, concurrency_stamp text NOT NULL, phone_number text,"
        " phone_number_confirmed boolean NOT NULL DEFAULT false,"
        " two_factor_enabled boolean NOT NULL DEFAULT false, lockout_end timestamptz,"
        " lockout_enabled boolean NOT NULL DEFAULT true,"
        " access_failed_count integer NOT NULL DEFAULT 0, auth0_user_id text,"
        " azure_ad_b2c_user_id text, created_date_time timestamptz NOT NULL,"
        " updated_date_time timestamptz NOT NULL, row_version integer NOT NULL)",
        "CREATE TABLE IF NOT EXISTS {schema}.roles ("
        " id uuid PRIMARY KEY, name text NOT NULL UNIQUE, normalized_name text NOT NULL,"
        " concurrency_stamp text NOT NULL, created_date_time timestamptz NOT NULL,"
        " updated_date_time timestamptz NOT NULL, row_version integer NOT NULL)",
        "CREATE TABLE IF NOT EXISTS {schema}.user_roles ("
        " id uuid PRIMARY KEY, user_id uuid NOT NULL, role_id uuid NOT NULL,"
        " created_date_time timestamptz NOT NULL, updated_date_time timestamptz NOT NULL,"
        " row_version integer NOT NULL, UNIQUE (user_id, role_id))",
        "CREATE TABLE IF NOT EXISTS {schema}.user_profiles ("
        " id uuid PRIMARY KEY, user_id uuid NOT NULL UNIQUE, display_name text NOT NULL,"
        " avatar_url text NOT NULL, timezone text NOT NULL,"
        " created_date_time timestamptz NOT NULL, row_version integer NOT NULL)",
        # Not in the ERD: the language the user chose for e-mails and answers (NULL: none).
        "ALTER TABLE {schema}.user_profiles ADD COLUMN IF NOT EXISTS language text",
        # Not in the ERD: an account an Admin disabled (LockoutEnd is the failed log-ins').
        "ALTER TABLE {schema}.users ADD COLUMN IF NOT EXISTS is_disabled boolean NOT NULL"
        " DEFAULT false",
        "CREATE TABLE IF NOT EXISTS {schema}.user_tokens ("
        " id uuid PRIMARY KEY, user_id uuid NOT NULL, login_provider text NOT NULL,"
        " token_name text NOT NULL, token_value text NOT NULL,"
        " created_date_time timestamptz NOT NULL, row_version integer NOT NULL,"
        " UNIQUE (user_id, login_provider, token_name))",
        "CREATE TABLE IF NOT EXISTS {schema}.user_logins ("
        " id uuid PRIMARY KEY, user_id uuid NOT NULL, login_provider text NOT NULL,"
        " provider_key text NOT NULL, provider_display_name text NOT NULL,"
        " created_date_time timestamptz NOT NULL, row_version integer NOT NULL,"
        " UNIQUE (login_provider, provider_key), UNIQUE (user_id, login_provider))",
        "CREATE TABLE IF NOT EXISTS {schema}.user_claims ("
        " id uuid PRIMARY KEY, user_id uuid NOT NULL, claim_type text NOT NULL,"
        " claim_value text NOT NULL, created_date_time timestamptz NOT NULL,"
        " row_version integer NOT NULL)",
        "CREATE TABLE IF NOT EXISTS {schema}.role_claims ("
        " id uuid PRIMARY KEY, role_id uuid NOT NULL, claim_type text NOT NULL,"
        " claim_value text NOT NULL, created_date_time timestamptz NOT NULL,"
        " row_version integer NOT NULL)",
        # Seed data of the ERD analysis: the two roles, with ids stable across installs.
        "INSERT INTO {schema}.roles VALUES"
        " ('"
        + str(role_id("Admin"))
        + "', 'Admin', 'ADMIN', '1', '2026-01-01Z', '2026-01-01Z', 1),"
        " ('" + str(role_id("User")) + "', 'User', 'USER', '1', '2026-01-01Z', '2026-01-01Z', 1)"
        " ON CONFLICT (id) DO NOTHING",
    )

    def insert_user(self, row: UserRow) -> None:
        self.run(
            "INSERT INTO {t_users} (id, user_name, normalized_user_name, email, normalized_email,"
            " password_hash, security_stamp, concurrency_stamp, created_date_time,"
            " updated_date_time, row_version) VALUES (%(id)s, %(user_name)s, %(normalized_user_name)s,"
            " %(email)s, %(normalized_email)s, %(password_hash)s, %(security_stamp)s, %(version)s,"
            " %(at)s, %(at)s, %(version)s)",
            {
                "id": row.id,
                "user_name": row.user_name,
                "email": row.email,
                # The domain's normalisation (Python's upper), not PostgreSQL's.
                "normalized_email": row.email.strip().upper(),
                "normalized_user_name": row.user_name.strip().upper(),
                "password_hash": row.password_hash,
                "security_stamp": row.security_stamp,
                "version": row.row_version,
                "at": row.created_date_time,
            },
        )

    def change_credentials(
        self, user_id: UUID, *, password_hash: str, security_stamp: str, at: datetime, version: int
    ) -> None:
        self.run(
            "UPDATE {t_users} SET password_hash = %(h)s, security_stamp = %(s)s,"
            " concurrency_stamp = %(v)s, updated_date_time = %(at)s, row_version = %(v)s"
            " WHERE id = %(id)s",
            {"h": password_hash, "s": security_stamp, "v": version, "at": at, "id": user_id},
        )

    def add_role(self, user_id: UUID, role: str, *, at: datetime, version: int) -> None:
        self.run(
            "INSERT INTO {t_user_roles} (id, user_id, role_id, created_date_time,"
            " updated_date_time, row_version) VALUES (%(id)s, %(u)s, %(r)s, %(at)s, %(at)s, %(v)s)",
            {"id": uuid5(user_id, role), "u": user_id, "r": role_id(role), "at": at, "v": version},
        )
        self._touch(user_id, at, version)

    def put_profile(self, row: ProfileRow) -> None:
        self.run(
            "INSERT INTO {t_user_profiles} (id, user_id, display_name, avatar_url, timezone,"
            " created_date_time, row_version) VALUES (%(id)s, %(u)s, %(d)s, %(a)s, %(tz)s, %(at)s,"
            " %(v)s) ON CONFLICT (user_id) DO UPDATE SET display_name = EXCLUDED.display_name,"
            " avatar_url = EXCLUDED.avatar_url, timezone = EXCLUDED.timezone,"
            " row_version = EXCLUDED.row_version",
            {
                "id": uuid5(row.user_id, "profile"),
                "u": row.user_id,
                "d": row.display_name,
                "a": row.avatar_url,
                "tz": row.timezone,
                "at": row.at,
                "v": row.row_version,
            },
        )
        self._touch(row.user_id, row.at, row.row_version)

    def set_language(self, user_id: UUID, language: str, *, at: datetime, version: int) -> None:
        self.run(
            "UPDATE {t_user_profiles} SET language = %(l)s, row_version = %(v)s"
            " WHERE user_id = %(u)s",
            {"l": language, "v": version, "u": user_id},
        )
        self._touch(user_id, at, version)

    def _touch(self, user_id: UUID, at: datetime, version: int) -> None:
        self.run(
            "UPDATE {t_users} SET updated_date_time = %(at)s, row_version = %(v)s,"
            " concurrency_stamp = %(v)s WHERE id = %(id)s AND row_version < %(v)s",
            {"at": at, "v": version, "id": user_id},
        )

    def remove_role(self, user_id: UUID, role: str, *, at: datetime, version: int) -> None:
        self.run(
            "DELETE FROM {t_user_roles} WHERE user_id = %(u)s AND role_id = %(r)s",
            {"u": user_id, "r": role_id(role)},
        )
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
        self.run(
            "UPDATE {t_users} SET access_failed_count = %(n)s, lockout_end = %(end)s"
            " WHERE id = %(id)s",
            {"n": access_failed_count, "end": lockout_end, "id": user_id},
        )
        self._touch(user_id, at, version)

    def set_email_confirmed(self, user_id: UUID, *, at: datetime, version: int) -> None:
        self.run("UPDATE {t_users} SET email_confirmed = true WHERE id = %(id)s", {"id": user_id})
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
        self.run(
            "UPDATE {t_users} SET phone_number = %(n)s, phone_number_confirmed = %(c)s"
            " WHERE id = %(id)s",
            {"n": phone_number, "c": confirmed, "id": user_id},
        )
        self._touch(user_id, at, version)

    def touch(self, user_id: UUID, *, at: datetime, version: int) -> None:
        self._touch(user_id, at, version)

    def set_disabled(self, user_id: UUID, disabled: bool, *, at: datetime, version: int) -> None:
        self.run(
            "UPDATE {t_users} SET is_disabled = %(d)s WHERE id = %(id)s",
            {"d": disabled, "id": user_id},
        )
        self._touch(user_id, at, version)

    def put_user_token(
        self, user_id: UUID, name: str, value: str, *, at: datetime, version: int
    ) -> None:
        self.run(
            "INSERT INTO {t_user_tokens} (id, user_id, login_provider, token_name, token_value,"
            " created_date_time, row_version) VALUES (%(id)s, %(u)s, %(p)s, %(n)s, %(val)s,"
            " %(at)s, %(v)s) ON CONFLICT (user_id, login_provider, token_name) DO UPDATE SET"
            " token_value = EXCLUDED.token_value, row_version = EXCLUDED.row_version",
            {
                "id": uuid5(user_id, f"token:{name}"),
                "u": user_id,
                "p": TOKEN_PROVIDER,
                "n": name,
                "val": value,
                "at": at,
                "v": version,
            },
        )
        self._touch(user_id, at, version)

    def spend_recovery_code(
        self, user_id: UUID, code_hash: str, *, at: datetime, version: int
    ) -> None:
        self.run(
            "UPDATE {t_user_tokens} SET token_value = array_to_string(array_remove("
            "string_to_array(token_value, %(sep)s), %(h)s), %(sep)s), row_version = %(v)s"
            " WHERE user_id = %(u)s AND token_name = %(n)s",
            {
                "sep": RECOVERY_CODE_SEPARATOR,
                "h": code_hash,
                "v": version,
                "u": user_id,
                "n": RECOVERY_CODES,
            },
        )
        self._touch(user_id, at, version)

    def set_two_factor(self, user_id: UUID, enabled: bool, *, at: datetime, version: int) -> None:
        self.run(
            "UPDATE {t_users} SET two_factor_enabled = %(e)s WHERE id = %(id)s",
            {"e": enabled, "id": user_id},
        )
        if not enabled:
            self.run("DELETE FROM {t_user_tokens} WHERE user_id = %(id)s", {"id": user_id})
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
        self.run(
            "INSERT INTO {t_user_logins} (id, user_id, login_provider, provider_key,"
            " provider_display_name, created_date_time, row_version) VALUES (%(id)s, %(u)s,"
            " %(p)s, %(k)s, %(d)s, %(at)s, %(v)s)",
            {
                "id": uuid5(user_id, f"login:{provider}:{subject}"),
                "u": user_id,
                "p": provider,
                "k": subject,
                "d": display_name,
                "at": at,
                "v": version,
            },
        )
        self._set_subject(user_id, kind, subject)
        self._touch(user_id, at, version)

    def remove_login(
        self, user_id: UUID, *, provider: str, kind: str, at: datetime, version: int
    ) -> None:
        self.run(
            "DELETE FROM {t_user_logins} WHERE user_id = %(u)s AND login_provider = %(p)s",
            {"u": user_id, "p": provider},
        )
        self._set_subject(user_id, kind, None)
        self._touch(user_id, at, version)

    def _set_subject(self, user_id: UUID, kind: str, subject: str | None) -> None:
        column = SUBJECT_COLUMNS.get(kind)
        if column is not None:  # a fixed name from SUBJECT_COLUMNS, never input
            self.run(
                f"UPDATE {{t_users}} SET {column} = %(s)s WHERE id = %(id)s",
                {"s": subject, "id": user_id},
            )

    def add_claim(
        self, owner: ClaimOwner, claim_type: str, value: str, *, at: datetime, version: int
    ) -> None:
        table, column, key = _claim_target(owner)
        self.run(
            f"INSERT INTO {{{table}}} (id, {column}, claim_type, claim_value, created_date_time,"
            " row_version) VALUES (%(id)s, %(k)s, %(t)s, %(v)s, %(at)s, %(ver)s)",
            {
                "id": claim_row_id(key, claim_type, value),
                "k": key,
                "t": claim_type,
                "v": value,
                "at": at,
                "ver": version,
            },
        )
        if owner.user_id is not None:
            self._touch(owner.user_id, at, version)

    def remove_claim(
        self, owner: ClaimOwner, claim_type: str, value: str, *, at: datetime, version: int
    ) -> None:
        table, _, key = _claim_target(owner)
        self.run(
            f"DELETE FROM {{{table}}} WHERE id = %(id)s",
            {"id": claim_row_id(key, claim_type, value)},
        )
        if owner.user_id is not None:
            self._touch(owner.user_id, at, version)


def claim_row_id(owner_key: UUID, claim_type: str, value: str) -> UUID:
    """This function will give a claim's row id: one row per owner, type and value."""
    return uuid5(owner_key, f"claim:{claim_type}\x00{value}")


def _claim_target(owner: ClaimOwner) -> tuple[str, str, UUID]:
    """(table placeholder, owner column, owner key) of a claim: fixed names, never input."""
    if owner.user_id is not None:
        return "t_user_claims", "user_id", owner.user_id
    return "t_role_claims", "role_id", role_id(owner.role or "")
