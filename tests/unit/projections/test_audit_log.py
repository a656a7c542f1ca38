"""AuditLogProjection into the in-memory audit table: every event, secrets redacted."""

import json
from typing import Any
from uuid import UUID, uuid4, uuid5

from application.apidoc.app import ApidocApplication
from application.identity.app import IdentityApplication
from application.identity.commands import ChangePassword, RegisterUser
from infrastructure.read_models.memory.audit_log import MemoryAuditLogView
from projections.audit_log.projection import AuditLogProjection
from tests.unit.builders import POPO, FakeHasher, FixedClock, a_meta, a_project, stored_events

PASSWORD = "correct horse battery staple"


def project_from(events: list[Any]) -> MemoryAuditLogView:
    view = MemoryAuditLogView()
    projection = AuditLogProjection(view)
    for domain_event in events:
        projection.process_event(domain_event)
    return view


def a_user_who_changed_password(identity: IdentityApplication) -> UUID:
    user_id = identity.register_user(
        RegisterUser(email="ada@example.com", password=PASSWORD, display_name="Ada", meta=a_meta())
    ).aggregate_id
    identity.change_password(
        ChangePassword(
            user_id=user_id,
            current_password=PASSWORD,
            new_password="another good password",
            meta=a_meta(),
        )
    )
    return user_id


class TestAuditLogProjection:
    def test_records_one_entry_per_event_with_who_what_and_where(self, clock: FixedClock) -> None:
        apidoc = ApidocApplication(env=POPO)
        owner = uuid4()
        meta = a_meta(
            user_id=owner, ip="198.51.100.1", user_agent="curl/8.5", correlation_id="corr-7"
        )
        project = a_project(owner_id=owner, name="Petstore", meta=meta)
        project.rename(name="Pet shop", meta=meta)
        apidoc.save(project)

        rows = project_from(stored_events(apidoc)).rows("audit_log_entries")

        by_version = {row["row_version"]: row for row in rows}
        assert set(by_version) == {1, 2}
        renamed = by_version[2]
        assert {k: v for k, v in renamed.items() if k != "log"} == {
            "id": uuid5(project.id, "2"),
            "user_id": owner,
            "action": "Project.Renamed",
            "object_id": str(project.id),
            "created_date_time": clock.at(1),
            "updated_date_time": clock.at(1),
            "row_version": 2,
            # No runner here, so no log position (the runner sets it: test_audit.py).
            "module": None,
            "position": None,
        }
        assert json.loads(renamed["log"]) == {
            "version": 2,
            "ip": "198.51.100.1",
            "user_agent": "curl/8.5",
            "correlation_id": "corr-7",
            "reason": None,
            "payload": {"name": "Pet shop"},
        }
        created_log = json.loads(by_version[1]["log"])
        assert (by_version[1]["action"], created_log["payload"]["owner_id"]) == (
            "Project.Created",
            str(owner),
        )

    def test_takes_each_timestamp_from_its_event(self) -> None:
        apidoc = ApidocApplication(env=POPO)
        project = a_project()
        project.archive(meta=a_meta())
        apidoc.save(project)
        events = stored_events(apidoc)

        rows = project_from(events).rows("audit_log_entries")

        assert sorted((r["row_version"], r["created_date_time"]) for r in rows) == [
            (e.originator_version, e.timestamp) for e in events
        ]

    def test_records_events_of_every_aggregate_of_a_log(self) -> None:
        identity = IdentityApplication(env=POPO, hasher=FakeHasher())
        a_user_who_changed_password(identity)

        rows = project_from(stored_events(identity)).rows("audit_log_entries")

        assert sorted(r["action"] for r in rows) == [
            "EmailClaim.Claimed",
            "User.PasswordChanged",
            "User.Registered",
        ]

    def test_never_contains_a_password_hash(self) -> None:
        identity = IdentityApplication(env=POPO, hasher=FakeHasher())
        user_id = a_user_who_changed_password(identity)
        events = stored_events(identity)
        hashes = {e.password_hash for e in events if hasattr(e, "password_hash")}
        assert len(hashes) == 2  # the first password's hash, and the new one's

        rows = project_from(events).rows("audit_log_entries")

        everything = json.dumps(rows, default=str)
        assert not any(h in everything for h in hashes)
        assert PASSWORD not in everything
        for row in rows:
            if row["object_id"] == str(user_id):
                assert json.loads(row["log"])["payload"]["password_hash"] == "***"

    def test_has_no_user_for_an_event_made_by_testament_itself(self) -> None:
        apidoc = ApidocApplication(env=POPO)
        apidoc.save(a_project(meta=a_meta(user_id=None)))

        (row,) = project_from(stored_events(apidoc)).rows("audit_log_entries")

        assert row["user_id"] is None


class TestSealedValues:
    def test_are_masked_in_the_audit_log(self, clock: FixedClock) -> None:
        from domain.configuration.model import ConfigurationEntry

        entry = ConfigurationEntry(
            key="smtp_password",
            value="sealed:v1:Y2lwaGVydGV4dA==",
            description="pw",
            is_sensitive=True,
            meta=a_meta(),
        )
        rows = project_from(list(entry.collect_events())).rows("audit_log_entries")
        payload = json.loads(rows[0]["log"])["payload"]
        assert payload["value"] == "***" and payload["key"] == "smtp_password"
