"""UsersProjection into the in-memory identity tables, fed from a real identity log."""

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

import pytest

from application.identity.app import IdentityApplication
from application.identity.commands import ChangePassword, GrantRole, RegisterUser, UpdateProfile
from domain.users.model import Role, User
from infrastructure.read_models.memory.users import MemoryUsersView
from projections.users.projection import UsersProjection
from tests.unit.builders import POPO, FakeHasher, FixedClock, a_meta, stored_events

PASSWORD = "correct horse battery staple"
ADMIN_ROLE_ID = uuid5(NAMESPACE_URL, "testament:role:Admin")
USER_ROLE_ID = uuid5(NAMESPACE_URL, "testament:role:User")


@pytest.fixture
def identity() -> IdentityApplication:
    return IdentityApplication(env=POPO, hasher=FakeHasher())


def project_from(events: list[Any]) -> MemoryUsersView:
    view = MemoryUsersView()
    projection = UsersProjection(view)
    for domain_event in events:
        projection.process_event(domain_event)
    return view


def register(identity: IdentityApplication, email: str = "Ada@Example.com") -> UUID:
    return identity.register_user(
        RegisterUser(email=email, password=PASSWORD, display_name="Ada", meta=a_meta())
    ).aggregate_id


class TestUsersProjection:
    def test_inserts_a_user_with_every_column_of_the_table(
        self, identity: IdentityApplication, clock: FixedClock
    ) -> None:
        user_id = register(identity)
        user: User = identity.repository.get(user_id)

        view = project_from(stored_events(identity))

        assert view.rows("users") == [
            {
                "id": user_id,
                "user_name": "Ada@Example.com",
                "normalized_user_name": "ADA@EXAMPLE.COM",
                "email": "Ada@Example.com",
                "normalized_email": "ADA@EXAMPLE.COM",
                "email_confirmed": False,
                "password_hash": user.password_hash,
                "security_stamp": user.security_stamp,
                "concurrency_stamp": "1",
                "phone_number": None,
                "phone_number_confirmed": False,
                "two_factor_enabled": False,
                "lockout_end": None,
                "lockout_enabled": True,
                "access_failed_count": 0,
                "auth0_user_id": None,
                "azure_ad_b2c_user_id": None,
                "created_date_time": clock.at(0),
                "updated_date_time": clock.at(0),
                "row_version": 1,
                "is_disabled": False,
            }
        ]

    def test_gives_a_new_user_its_roles_and_profile(
        self, identity: IdentityApplication, clock: FixedClock
    ) -> None:
        user_id = register(identity)

        view = project_from(stored_events(identity))

        assert view.rows("user_roles") == [
            {
                "id": uuid5(user_id, "User"),
                "user_id": user_id,
                "role_id": USER_ROLE_ID,
                "created_date_time": clock.at(0),
                "updated_date_time": clock.at(0),
                "row_version": 1,
            }
        ]
        assert view.rows("user_profiles") == [
            {
                "id": uuid5(user_id, "profile"),
                "user_id": user_id,
                "display_name": "Ada",
                "avatar_url": "",
                "timezone": "UTC",
                "language": None,
                "created_date_time": clock.at(0),
                "row_version": 1,
            }
        ]

    def test_follows_roles_profile_and_password_changes(
        self, identity: IdentityApplication, clock: FixedClock
    ) -> None:
        user_id = register(identity)  # events at clock 0 and 1 (the user, its e-mail claim)
        identity.grant_role(GrantRole(user_id=user_id, role=Role.ADMIN, meta=a_meta()))
        identity.update_profile(
            UpdateProfile(
                user_id=user_id,
                display_name="Countess",
                avatar_url="https://img.example.com/ada.png",
                timezone="Europe/London",
                meta=a_meta(),
            )
        )
        identity.change_password(
            ChangePassword(
                user_id=user_id,
                current_password=PASSWORD,
                new_password="another good password",
                meta=a_meta(),
            )
        )
        user: User = identity.repository.get(user_id)

        view = project_from(stored_events(identity))

        (row,) = view.rows("users")
        assert (row["password_hash"], row["security_stamp"]) == (
            user.password_hash,
            user.security_stamp,
        )
        assert (row["row_version"], row["concurrency_stamp"]) == (4, "4")
        assert (row["created_date_time"], row["updated_date_time"]) == (clock.at(0), clock.at(4))
        assert {(r["role_id"], r["row_version"]) for r in view.rows("user_roles")} == {
            (USER_ROLE_ID, 1),
            (ADMIN_ROLE_ID, 2),
        }
        (profile,) = view.rows("user_profiles")
        assert profile == {
            "id": uuid5(user_id, "profile"),
            "user_id": user_id,
            "display_name": "Countess",
            "avatar_url": "https://img.example.com/ada.png",
            "timezone": "Europe/London",
            "language": None,
            "created_date_time": clock.at(0),
            "row_version": 3,
        }

    def test_leaves_the_seeded_roles_as_they_are(self, identity: IdentityApplication) -> None:
        register(identity)
        roles = project_from(stored_events(identity)).rows("roles")
        assert [(r["id"], r["name"], r["normalized_name"]) for r in roles] == sorted(
            [(ADMIN_ROLE_ID, "Admin", "ADMIN"), (USER_ROLE_ID, "User", "USER")]
        )

    def test_ignores_the_email_claim_and_first_user_marker(
        self, identity: IdentityApplication
    ) -> None:
        identity.register_user(
            RegisterUser(
                email="first@example.com",
                password=PASSWORD,
                display_name=None,
                meta=a_meta(),
                first_user_becomes_admin=True,
            )
        )
        events = stored_events(identity)
        assert [type(e).__qualname__ for e in events] == [
            "User.Registered",
            "EmailClaim.Claimed",
            "FirstUserMarker.Marked",
        ]

        view = project_from(events)

        assert len(view.rows("users")) == 1
        assert {r["role_id"] for r in view.rows("user_roles")} == {USER_ROLE_ID, ADMIN_ROLE_ID}
