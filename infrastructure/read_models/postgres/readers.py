"""Queries on the read tables, behind the application's reader protocols."""

from typing import Any
from uuid import UUID

from application.apidoc.queries import ProjectPage, ProjectSummary
from application.identity.queries import (
    ClaimView,
    ExternalLoginView,
    UserAccountPage,
    UserAccountView,
    UserProfileView,
)
from infrastructure.postgres.pool import DictPool


def _project(row: dict[str, Any]) -> ProjectSummary:
    return ProjectSummary(
        id=row["id"],
        owner_id=row["owner_id"],
        name=row["name"],
        description=row["description"],
        base_url=row["base_url"],
        status=row["status"],
        active_spec_id=row["active_spec_id"],
        version=row["row_version"],
        created_at=row["created_date_time"],
        updated_at=row["updated_date_time"],
    )


class PostgresProjectReader:
    """apidoc.projects, filtered by owner."""

    def __init__(self, pool: DictPool) -> None:
        self._pool = pool

    def active_project_count(self, owner_id: UUID) -> int:
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT count(*) AS n FROM apidoc.projects WHERE owner_id = %s"
                " AND status = 'Active'",
                (owner_id,),
            ).fetchone()
        return int(row["n"]) if row else 0

    def get(self, owner_id: UUID, project_id: UUID) -> ProjectSummary | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT * FROM apidoc.projects WHERE id = %s AND owner_id = %s",
                (project_id, owner_id),
            ).fetchone()
        return _project(row) if row else None

    def list(
        self, owner_id: UUID, *, status: str | None, search: str | None, limit: int, offset: int
    ) -> ProjectPage:
        where = "owner_id = %(owner)s"
        params: dict[str, Any] = {"owner": owner_id, "limit": limit, "offset": offset}
        if status:
            where += " AND status = %(status)s"
            params["status"] = status
        if search:
            where += " AND name ILIKE %(search)s"
            params["search"] = (
                "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            )
        with self._pool.connection() as conn:
            total_row = conn.execute(
                f"SELECT count(*) AS n FROM apidoc.projects WHERE {where}", params
            ).fetchone()
            rows = conn.execute(
                f"SELECT * FROM apidoc.projects WHERE {where}"
                " ORDER BY created_date_time DESC, id LIMIT %(limit)s OFFSET %(offset)s",
                params,
            ).fetchall()
        return ProjectPage(
            items=[_project(r) for r in rows],
            total=int(total_row["n"]) if total_row else 0,
            limit=limit,
            offset=offset,
        )


class PostgresUserReader:
    """identity.users with its profile and roles."""

    def __init__(self, pool: DictPool) -> None:
        self._pool = pool

    def get(self, user_id: UUID) -> UserProfileView | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT u.*, p.display_name, p.avatar_url, p.timezone, p.language,"
                " coalesce((SELECT array_agg(r.name ORDER BY r.name) FROM identity.user_roles ur"
                "  JOIN identity.roles r ON r.id = ur.role_id WHERE ur.user_id = u.id), '{}') AS roles"
                " FROM identity.users u LEFT JOIN identity.user_profiles p ON p.user_id = u.id"
                " WHERE u.id = %s",
                (user_id,),
            ).fetchone()
        if row is None:
            return None
        return UserProfileView(
            id=row["id"],
            email=row["email"],
            user_name=row["user_name"],
            display_name=row["display_name"] or row["user_name"],
            avatar_url=row["avatar_url"] or "",
            timezone=row["timezone"] or "UTC",
            roles=list(row["roles"]),
            email_confirmed=row["email_confirmed"],
            version=row["row_version"],
            created_at=row["created_date_time"],
            two_factor_enabled=row["two_factor_enabled"],
            language=row["language"],
        )

    def logins(self, user_id: UUID) -> list[ExternalLoginView]:
        """This function will give the provider accounts that sign in to a user."""
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT login_provider, provider_key, provider_display_name, created_date_time"
                " FROM identity.user_logins WHERE user_id = %s ORDER BY login_provider",
                (user_id,),
            ).fetchall()
        return [
            ExternalLoginView(
                provider=row["login_provider"],
                provider_key=row["provider_key"],
                display_name=row["provider_display_name"],
                created_at=row["created_date_time"],
            )
            for row in rows
        ]

    def claims(self, user_id: UUID) -> list[ClaimView]:
        """This function will give a user's claims in effect: their own, then their roles'."""
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT claim_type, claim_value, 'user' AS source, created_date_time, 0 AS rank"
                " FROM identity.user_claims WHERE user_id = %(u)s"
                " UNION ALL SELECT c.claim_type, c.claim_value, r.name, c.created_date_time, 1"
                " FROM identity.role_claims c JOIN identity.roles r ON r.id = c.role_id"
                " JOIN identity.user_roles ur ON ur.role_id = r.id AND ur.user_id = %(u)s"
                " ORDER BY rank, source, claim_type, claim_value",
                {"u": user_id},
            ).fetchall()
        return [_claim(row) for row in rows]

    def role_claims(self, role: str) -> list[ClaimView]:
        """This function will give the claims that come with a role."""
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT c.claim_type, c.claim_value, r.name AS source, c.created_date_time"
                " FROM identity.role_claims c JOIN identity.roles r ON r.id = c.role_id"
                " WHERE r.name = %s ORDER BY c.claim_type, c.claim_value",
                (role,),
            ).fetchall()
        return [_claim(row) for row in rows]

    def account(self, user_id: UUID) -> UserAccountView | None:
        """This function will give one account as an Admin sees it."""
        page = self._accounts("u.id = %(id)s", {"id": user_id, "limit": 1, "offset": 0})
        return page[0][0] if page[0] else None

    def accounts(self, *, search: str | None, limit: int, offset: int) -> UserAccountPage:
        """This function will list accounts, newest first, optionally by e-mail or name."""
        where = "true"
        params: dict[str, Any] = {"limit": limit, "offset": offset}
        if search:
            where = "(u.email ILIKE %(search)s OR p.display_name ILIKE %(search)s)"
            params["search"] = (
                "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            )
        items, total = self._accounts(where, params)
        return UserAccountPage(items=items, total=total, limit=limit, offset=offset)

    def _accounts(self, where: str, params: dict[str, Any]) -> tuple[list[UserAccountView], int]:
        with self._pool.connection() as conn:
            total_row = conn.execute(
                "SELECT count(*) AS n FROM identity.users u"
                f" LEFT JOIN identity.user_profiles p ON p.user_id = u.id WHERE {where}",
                params,
            ).fetchone()
            rows = conn.execute(
                "SELECT u.*, p.display_name,"
                " coalesce((SELECT array_agg(r.name ORDER BY r.name) FROM identity.user_roles ur"
                "  JOIN identity.roles r ON r.id = ur.role_id WHERE ur.user_id = u.id), '{}') AS roles"
                " FROM identity.users u LEFT JOIN identity.user_profiles p ON p.user_id = u.id"
                f" WHERE {where} ORDER BY u.created_date_time DESC, u.id"
                " LIMIT %(limit)s OFFSET %(offset)s",
                params,
            ).fetchall()
        items = [
            UserAccountView(
                id=row["id"],
                email=row["email"],
                display_name=row["display_name"] or row["user_name"],
                roles=list(row["roles"]),
                disabled=row["is_disabled"],
                access_failed_count=row["access_failed_count"],
                lockout_end=row["lockout_end"],
                version=row["row_version"],
                created_at=row["created_date_time"],
                updated_at=row["updated_date_time"],
            )
            for row in rows
        ]
        return items, int(total_row["n"]) if total_row else 0


def _claim(row: dict[str, Any]) -> ClaimView:
    return ClaimView(
        type=row["claim_type"],
        value=row["claim_value"],
        source=row["source"],
        created_at=row["created_date_time"],
    )
