"""One contract per view, run against the in-memory twin and the PostgreSQL view alike.

Each test body applies the same events and asserts the same rows on both, so unit tests
that use the in-memory views can trust what they see.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

import psycopg
import pytest
from psycopg.sql import SQL, Identifier

from domain.configuration.model import ConfigurationEntry, entry_id
from domain.localization.model import LocalizationEntry, text_id
from domain.projects.model import Project
from domain.shared.meta import Meta
from domain.users.claims import RoleClaims
from domain.users.model import Role, User
from infrastructure.read_models.memory.audit_log import MemoryAuditLogView
from infrastructure.read_models.memory.configuration import (
    MemoryConfigurationView,
    MemoryLocalizationView,
)
from infrastructure.read_models.memory.outbox import MemoryOutboxView
from infrastructure.read_models.memory.projects import MemoryProjectsView
from infrastructure.read_models.memory.users import MemoryUsersView
from infrastructure.read_models.postgres.audit_log import PostgresAuditLogView
from infrastructure.read_models.postgres.base import PostgresView
from infrastructure.read_models.postgres.configuration import (
    PostgresConfigurationView,
    PostgresLocalizationView,
)
from infrastructure.read_models.postgres.outbox import PostgresOutboxView
from infrastructure.read_models.postgres.projects import PostgresProjectsView
from infrastructure.read_models.postgres.users import PostgresUsersView
from interfaces.bootstrap import Runtime
from projections.audit_log.projection import AuditLogProjection
from projections.configuration.projection import ConfigurationProjection
from projections.localization.projection import LocalizationProjection
from projections.outbox.projection import ApidocOutboxProjection
from projections.projects.projection import ProjectsProjection
from projections.projects.view import ProjectRow
from projections.users.projection import UsersProjection

SEEDED_AT = datetime(2026, 1, 1, tzinfo=UTC)
REFUSED = (ValueError, psycopg.errors.UniqueViolation)


@dataclass
class Bound:
    """A view under test and how to read its tables back as rows (dicts by column)."""

    view: Any
    rows: Callable[[str], list[dict[str, Any]]]
    publish_and_archive: Callable[[list[UUID], datetime, datetime], None]


def a_meta(user_id: UUID | None = None) -> Meta:
    return Meta(
        user_id=str(user_id) if user_id else None,
        ip="203.0.113.5",
        user_agent="contract/1.0",
        correlation_id=f"corr-{uuid4().hex[:6]}",
        reason=None,
    )


def a_project_with_history(owner: UUID) -> tuple[Project, list[Any]]:
    project = Project.start(
        owner_id=owner,
        name="Petstore",
        description="Pets",
        base_url="https://petstore.example.com",
        meta=a_meta(owner),
    )
    project.rename(name="Pet shop", meta=a_meta(owner))
    project.change_description(description="Sells pets", meta=a_meta(owner))
    project.change_base_url(base_url="https://shop.example.com", meta=a_meta(owner))
    project.archive(meta=a_meta(owner))
    return project, list(project.collect_events())


def a_user_with_history() -> tuple[User, list[Any]]:
    user = User(
        email="Grace@Example.com",
        user_name="Grace@Example.com",
        display_name="Grace",
        password_hash="fake$first",
        roles=["User"],
        security_stamp="stamp-1",
        meta=a_meta(),
    )
    user.grant_role(role=Role.ADMIN, meta=a_meta())
    user.update_profile(
        display_name="Admiral",
        avatar_url="https://img.example.com/g.png",
        timezone="EST5EDT",
        meta=a_meta(),
    )
    user.change_password(password_hash="fake$second", security_stamp="stamp-2", meta=a_meta())
    return user, list(user.collect_events())


def feed(projection: Any, events: list[Any]) -> None:
    for domain_event in events:
        projection.process_event(domain_event)


@pytest.fixture(params=["memory", "postgres"])
def bind(request: pytest.FixtureRequest) -> Iterator[Callable[[type, type], Bound]]:
    """This fixture will open a view of either kind: in memory, or in PostgreSQL in a fresh
    schema, written through a cursor bound inside a transaction (as a runner does)."""
    if request.param == "memory":

        def memory(memory_class: type, _: type) -> Bound:
            view = memory_class()

            def publish_and_archive(ids: list[UUID], at: datetime, before: datetime) -> None:
                view.mark_published(ids, at=at)
                view.archive(published_before=before)

            return Bound(view, view.rows, publish_and_archive)

        yield memory
        return

    runtime: Runtime = request.getfixturevalue("runtime")
    schema = f"contract_{uuid4().hex[:12]}"
    with runtime.pool.connection() as conn:
        conn.execute(SQL("CREATE SCHEMA {}").format(Identifier(schema)))
        try:
            with conn.transaction(force_rollback=True), conn.cursor() as cursor:

                def postgres(_: type, postgres_class: type[PostgresView]) -> Bound:
                    view = postgres_class(schema)
                    for statement in view.create_statements():
                        cursor.execute(statement)
                    view.bind(cursor)

                    def rows(table: str) -> list[dict[str, Any]]:
                        cursor.execute(
                            SQL("SELECT * FROM {} ORDER BY id").format(view.table(table))
                        )
                        return [dict(row) for row in cursor.fetchall()]

                    def publish_and_archive(
                        ids: list[UUID], at: datetime, before: datetime
                    ) -> None:
                        cursor.execute(
                            SQL(
                                "UPDATE {} SET published = true, updated_date_time = %s"
                                " WHERE id = ANY(%s)"
                            ).format(view.table("outbox_messages")),
                            (at, ids),
                        )
                        cursor.execute(
                            SQL(
                                "WITH moved AS (DELETE FROM {} WHERE published"
                                " AND updated_date_time < %s RETURNING *)"
                                " INSERT INTO {} SELECT * FROM moved ON CONFLICT (id) DO NOTHING"
                            ).format(
                                view.table("outbox_messages"),
                                view.table("archived_outbox_messages"),
                            ),
                            (before,),
                        )

                    return Bound(view, rows, publish_and_archive)

                yield postgres
        finally:
            conn.execute(SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(Identifier(schema)))


class TestProjectsViewContract:
    def test_holds_the_latest_state_of_each_project(self, bind: Callable[..., Bound]) -> None:
        bound = bind(MemoryProjectsView, PostgresProjectsView)
        owner = uuid4()
        project, events = a_project_with_history(owner)
        other, other_events = a_project_with_history(uuid4())

        feed(ProjectsProjection(bound.view), events + other_events)

        rows = bound.rows("projects")
        assert [row["id"] for row in rows] == sorted([project.id, other.id])
        assert next(row for row in rows if row["id"] == project.id) == {
            "id": project.id,
            "active_spec_id": None,
            "owner_id": owner,
            "name": "Pet shop",
            "description": "Sells pets",
            "base_url": "https://shop.example.com",
            "status": "Archived",
            "created_date_time": events[0].timestamp,
            "updated_date_time": events[-1].timestamp,
            "row_version": 5,
        }

    def test_ignores_a_change_to_a_project_it_does_not_hold(
        self, bind: Callable[..., Bound]
    ) -> None:
        bound = bind(MemoryProjectsView, PostgresProjectsView)
        bound.view.update_project(uuid4(), at=SEEDED_AT, version=2, name="Ghost")
        assert bound.rows("projects") == []

    def test_refuses_a_column_that_is_not_editable(self, bind: Callable[..., Bound]) -> None:
        bound = bind(MemoryProjectsView, PostgresProjectsView)
        with pytest.raises(ValueError, match="owner_id"):
            bound.view.update_project(uuid4(), at=SEEDED_AT, version=2, owner_id=uuid4())

    def test_refuses_a_second_project_with_the_same_id(self, bind: Callable[..., Bound]) -> None:
        bound = bind(MemoryProjectsView, PostgresProjectsView)
        row = ProjectRow(
            id=uuid4(),
            active_spec_id=None,
            owner_id=uuid4(),
            name="Once",
            description="",
            base_url="",
            status="Active",
            created_date_time=SEEDED_AT,
            updated_date_time=SEEDED_AT,
            row_version=1,
        )
        bound.view.insert_project(row)
        with pytest.raises(REFUSED):
            bound.view.insert_project(row)


class TestUsersViewContract:
    def test_holds_users_roles_and_profiles(self, bind: Callable[..., Bound]) -> None:
        bound = bind(MemoryUsersView, PostgresUsersView)
        user, events = a_user_with_history()
        registered, granted, profiled, changed = events

        feed(UsersProjection(bound.view), events)

        assert bound.rows("users") == [
            {
                "id": user.id,
                "user_name": "Grace@Example.com",
                "normalized_user_name": "GRACE@EXAMPLE.COM",
                "email": "Grace@Example.com",
                "normalized_email": "GRACE@EXAMPLE.COM",
                "email_confirmed": False,
                "password_hash": "fake$second",
                "security_stamp": "stamp-2",
                "concurrency_stamp": "4",
                "phone_number": None,
                "phone_number_confirmed": False,
                "two_factor_enabled": False,
                "lockout_end": None,
                "lockout_enabled": True,
                "access_failed_count": 0,
                "auth0_user_id": None,
                "azure_ad_b2c_user_id": None,
                "created_date_time": registered.timestamp,
                "updated_date_time": changed.timestamp,
                "row_version": 4,
                "is_disabled": False,
            }
        ]
        assert bound.rows("user_roles") == sorted(
            [
                {
                    "id": uuid5(user.id, role),
                    "user_id": user.id,
                    "role_id": uuid5(NAMESPACE_URL, f"testament:role:{role}"),
                    "created_date_time": at,
                    "updated_date_time": at,
                    "row_version": version,
                }
                for role, at, version in [
                    ("User", registered.timestamp, 1),
                    ("Admin", granted.timestamp, 2),
                ]
            ],
            key=lambda row: row["id"],
        )
        assert bound.rows("user_profiles") == [
            {
                "id": uuid5(user.id, "profile"),
                "user_id": user.id,
                "display_name": "Admiral",
                "avatar_url": "https://img.example.com/g.png",
                "timezone": "EST5EDT",
                "created_date_time": registered.timestamp,
                "row_version": 3,
                "language": None,
            }
        ]
        assert profiled.originator_version == 3

    def test_holds_the_language_a_user_chose(self, bind: Callable[..., Bound]) -> None:
        bound = bind(MemoryUsersView, PostgresUsersView)
        user, events = a_user_with_history()
        user.choose_language(language="vi", meta=a_meta())
        user.choose_language(language="vi", meta=a_meta())  # the same again: no event
        chosen = list(user.collect_events())

        feed(UsersProjection(bound.view), events + chosen)

        [profile] = bound.rows("user_profiles")
        assert (profile["language"], profile["row_version"]) == ("vi", 5)
        assert [type(e).__name__ for e in chosen] == ["LanguageChosen"]
        assert bound.rows("users")[0]["updated_date_time"] == chosen[0].timestamp

    def test_holds_two_factor_secrets_and_unused_recovery_codes_until_turned_off(
        self, bind: Callable[..., Bound]
    ) -> None:
        bound = bind(MemoryUsersView, PostgresUsersView)
        user, history = a_user_with_history()
        user.start_two_factor(sealed_secret="sealed:v1:first", meta=a_meta())
        user.start_two_factor(sealed_secret="sealed:v1:second", meta=a_meta())
        user.enable_two_factor(step=7, recovery_code_hashes=["h1", "h2", "h3"], meta=a_meta())
        user.spend_recovery_code(code_hash="h2", meta=a_meta())
        feed(UsersProjection(bound.view), [*history, *user.collect_events()])

        tokens = [
            (t["login_provider"], t["token_name"], t["token_value"])
            for t in bound.rows("user_tokens")
        ]
        assert sorted(tokens) == [
            ("[AspNetUserStore]", "AuthenticatorKey", "sealed:v1:second"),
            ("[AspNetUserStore]", "RecoveryCodes", "h1;h3"),
        ]
        ((row,), versions) = (
            bound.rows("users"),
            {t["row_version"] for t in bound.rows("user_tokens")},
        )
        assert row["two_factor_enabled"] is True and row["row_version"] == 8
        assert versions == {6, 8}

        user.disable_two_factor(meta=a_meta())
        feed(UsersProjection(bound.view), list(user.collect_events()))

        assert bound.rows("user_tokens") == []
        assert bound.rows("users")[0]["two_factor_enabled"] is False

    def test_holds_linked_providers_and_their_subjects_by_kind(
        self, bind: Callable[..., Bound]
    ) -> None:
        bound = bind(MemoryUsersView, PostgresUsersView)
        user, history = a_user_with_history()
        meta = a_meta()
        user.add_external_login(
            provider="corp", kind="auth0", subject="auth0|1", display_name="G", meta=meta
        )
        user.add_external_login(
            provider="b2c", kind="azure-ad-b2c", subject="oid-2", display_name="", meta=meta
        )
        user.add_external_login(
            provider="kc", kind="generic", subject="kc-3", display_name="", meta=meta
        )
        user.remove_external_login(provider="b2c", kind="azure-ad-b2c", meta=meta)
        feed(UsersProjection(bound.view), [*history, *user.collect_events()])

        logins = sorted(
            (r["login_provider"], r["provider_key"], r["row_version"])
            for r in bound.rows("user_logins")
        )
        assert logins == [("corp", "auth0|1", 5), ("kc", "kc-3", 7)]
        (row,) = bound.rows("users")
        assert (row["auth0_user_id"], row["azure_ad_b2c_user_id"], row["row_version"]) == (
            "auth0|1",
            None,
            8,
        )

    def test_holds_user_and_role_claims(self, bind: Callable[..., Bound]) -> None:
        bound = bind(MemoryUsersView, PostgresUsersView)
        user, history = a_user_with_history()
        meta = a_meta()
        user.add_claim(claim_type="dept", value="qa", meta=meta)
        user.add_claim(claim_type="dept", value="dev", meta=meta)
        user.remove_claim(claim_type="dept", value="qa", meta=meta)
        role = RoleClaims(role="Admin")
        role.add_claim(claim_type="scope", value="audit", meta=meta)
        feed(
            UsersProjection(bound.view), [*history, *user.collect_events(), *role.collect_events()]
        )

        assert [
            (r["user_id"], r["claim_type"], r["claim_value"], r["row_version"])
            for r in bound.rows("user_claims")
        ] == [(user.id, "dept", "dev", 6)]
        assert [
            (r["role_id"], r["claim_type"], r["claim_value"], r["row_version"])
            for r in bound.rows("role_claims")
        ] == [(uuid5(NAMESPACE_URL, "testament:role:Admin"), "scope", "audit", 2)]
        assert bound.rows("users")[0]["row_version"] == 7

    def test_holds_failed_log_ins_lockouts_disabled_accounts_and_revoked_roles(
        self, bind: Callable[..., Bound]
    ) -> None:
        bound = bind(MemoryUsersView, PostgresUsersView)
        user, history = a_user_with_history()
        at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        for _ in range(6):  # the fifth locks the account, the sixth counts again
            user.record_failed_access(
                at=at, max_failures=5, lockout=timedelta(minutes=15), meta=a_meta()
            )
        user.disable(meta=a_meta())
        user.revoke_role(role=Role.ADMIN, meta=a_meta())

        feed(UsersProjection(bound.view), [*history, *user.collect_events()])

        (row,) = bound.rows("users")
        assert (row["access_failed_count"], row["lockout_end"], row["is_disabled"]) == (
            1,
            at + timedelta(minutes=15),
            True,
        )
        assert row["row_version"] == user.version
        assert [r["role_id"] for r in bound.rows("user_roles")] == [
            uuid5(NAMESPACE_URL, "testament:role:User")
        ]

    def test_is_seeded_with_the_two_roles(self, bind: Callable[..., Bound]) -> None:
        bound = bind(MemoryUsersView, PostgresUsersView)
        assert bound.rows("roles") == sorted(
            [
                {
                    "id": uuid5(NAMESPACE_URL, f"testament:role:{name}"),
                    "name": name,
                    "normalized_name": name.upper(),
                    "concurrency_stamp": "1",
                    "created_date_time": SEEDED_AT,
                    "updated_date_time": SEEDED_AT,
                    "row_version": 1,
                }
                for name in ("Admin", "User")
            ],
            key=lambda row: row["id"],
        )

    def test_refuses_a_second_account_with_the_same_address_in_another_case(
        self, bind: Callable[..., Bound]
    ) -> None:
        bound = bind(MemoryUsersView, PostgresUsersView)
        _, first = a_user_with_history()
        feed(UsersProjection(bound.view), first[:1])
        twin = User(
            email="GRACE@example.COM",
            user_name="GRACE@example.COM",
            display_name="Impostor",
            password_hash="fake$x",
            roles=["User"],
            security_stamp="s",
            meta=a_meta(),
        )
        with pytest.raises(REFUSED):
            feed(UsersProjection(bound.view), list(twin.collect_events()))


class TestAuditLogViewContract:
    def test_holds_one_entry_per_event(self, bind: Callable[..., Bound]) -> None:
        bound = bind(MemoryAuditLogView, PostgresAuditLogView)
        owner = uuid4()
        project, events = a_project_with_history(owner)

        feed(AuditLogProjection(bound.view), events)

        rows = bound.rows("audit_log_entries")
        assert [row["id"] for row in rows] == sorted(uuid5(project.id, str(v)) for v in range(1, 6))
        renamed = next(row for row in rows if row["row_version"] == 2)
        assert {k: v for k, v in renamed.items() if k != "log"} == {
            "id": uuid5(project.id, "2"),
            "user_id": owner,
            "action": "Project.Renamed",
            "object_id": str(project.id),
            "created_date_time": events[1].timestamp,
            "updated_date_time": events[1].timestamp,
            "row_version": 2,
            # Fed without a runner: no log position (the runner sets it; test_audit.py).
            "module": None,
            "position": None,
        }
        assert '"name": "Pet shop"' in renamed["log"]

    def test_refuses_the_same_event_twice(self, bind: Callable[..., Bound]) -> None:
        bound = bind(MemoryAuditLogView, PostgresAuditLogView)
        _, events = a_project_with_history(uuid4())
        feed(AuditLogProjection(bound.view), events[:1])
        with pytest.raises(REFUSED):
            feed(AuditLogProjection(bound.view), events[:1])


class TestOutboxViewContract:
    def test_queues_each_event_once_unpublished(self, bind: Callable[..., Bound]) -> None:
        bound = bind(MemoryOutboxView, PostgresOutboxView)
        owner = uuid4()
        project, events = a_project_with_history(owner)

        feed(ApidocOutboxProjection(bound.view), events)
        feed(ApidocOutboxProjection(bound.view), events)  # replayed: no duplicates

        rows = bound.rows("outbox_messages")
        assert len(rows) == 5
        archived = next(row for row in rows if row["row_version"] == 5)
        assert archived == {
            "id": uuid5(project.id, "5"),
            "event_type": "Project.Archived",
            "triggered_by_id": owner,
            "object_id": str(project.id),
            "payload": "{}",
            "published": False,
            "activity_id": events[4].meta["correlation_id"],
            "created_date_time": events[4].timestamp,
            "updated_date_time": events[4].timestamp,
            "row_version": 5,
        }

    def test_does_not_resurrect_archived_messages_on_replay(
        self, bind: Callable[..., Bound]
    ) -> None:
        bound = bind(MemoryOutboxView, PostgresOutboxView)
        project, events = a_project_with_history(uuid4())
        feed(ApidocOutboxProjection(bound.view), events)
        first_two = [uuid5(project.id, "1"), uuid5(project.id, "2")]
        published_at = events[-1].timestamp + timedelta(minutes=1)

        bound.publish_and_archive(first_two, published_at, published_at + timedelta(seconds=1))
        feed(ApidocOutboxProjection(bound.view), events)

        assert [row["id"] for row in bound.rows("archived_outbox_messages")] == sorted(first_two)
        remaining = bound.rows("outbox_messages")
        assert sorted(row["row_version"] for row in remaining) == [3, 4, 5]
        assert all(row["published"] is False for row in remaining)
        archived = bound.rows("archived_outbox_messages")
        assert all(
            row["published"] is True and row["updated_date_time"] == published_at
            for row in archived
        )


class TestConfigViewsContract:
    def test_hold_settings_masked_when_sensitive_and_emptied_on_reset(
        self, bind: Callable[..., Bound]
    ) -> None:
        bound = bind(MemoryConfigurationView, PostgresConfigurationView)
        plain = ConfigurationEntry(
            key="registration", value="closed", description="who", is_sensitive=False, meta=a_meta()
        )
        plain.change(value="open", description="who may", meta=a_meta())
        plain.change(value="open", description="who may", meta=a_meta())  # no event
        plain.reset(meta=a_meta())
        secret = ConfigurationEntry(
            key="smtp_password",
            value="sealed:v1:abc",
            description="pw",
            is_sensitive=True,
            meta=a_meta(),
        )
        secret.change(value="sealed:v1:def", description="pw", meta=a_meta())
        events = list(plain.collect_events()) + list(secret.collect_events())

        feed(ConfigurationProjection(bound.view), events)

        rows = {row["key"]: row for row in bound.rows("configuration_entries")}
        assert rows["registration"] | {"created_date_time": None, "updated_date_time": None} == {
            "id": entry_id("registration"),
            "key": "registration",
            "value": "",
            "description": "who may",
            "is_sensitive": False,
            "is_set": False,
            "created_date_time": None,
            "updated_date_time": None,
            "row_version": 3,
        }
        assert (rows["smtp_password"]["value"], rows["smtp_password"]["row_version"]) == ("***", 2)
        assert rows["smtp_password"]["is_set"] is True

    def test_hold_texts_with_the_value_in_force(self, bind: Callable[..., Bound]) -> None:
        bound = bind(MemoryLocalizationView, PostgresLocalizationView)
        text = LocalizationEntry(
            name="problem.forbidden.title",
            culture="vi",
            value="Không có quyền",
            description="title",
            meta=a_meta(),
        )
        text.edit(value="Cấm", meta=a_meta())
        edited = list(text.collect_events())
        text.reset(default="Không có quyền", meta=a_meta())
        reset = list(text.collect_events())

        feed(LocalizationProjection(bound.view), edited)
        [row] = bound.rows("localization_entries")
        assert (row["value"], row["edited"], row["row_version"]) == ("Cấm", True, 2)
        assert row["id"] == text_id("problem.forbidden.title", "vi")
        assert row["updated_date_time"] == edited[-1].timestamp

        feed(LocalizationProjection(bound.view), reset)
        [row] = bound.rows("localization_entries")
        assert (row["value"], row["edited"], row["row_version"]) == ("Không có quyền", False, 3)
        assert (row["name"], row["culture"], row["description"]) == (
            "problem.forbidden.title",
            "vi",
            "title",
        )
