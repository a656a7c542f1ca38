"""Builders and fakes for unit tests: aggregates, request context, a clock, a hasher."""

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from uuid import UUID, uuid4

from eventsourcing.application import Application
from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.popo import POPOApplicationRecorder, POPOFactory

from domain.projects.model import Project
from domain.shared.meta import Meta
from domain.users.model import Role, User

POPO: dict[str, str] = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


class FixedClock:
    """A clock that starts at a fixed instant and moves one step each time it is read.

    Installed as the event timestamp source, it makes every timestamp predictable:
    the n-th event recorded in a test happened at `clock.at(n)`.
    """

    def __init__(
        self,
        start: datetime = datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        step: timedelta = timedelta(minutes=1),
    ) -> None:
        self.start, self.step, self.reads = start, step, 0

    def __call__(self) -> datetime:
        now = self.at(self.reads)
        self.reads += 1
        return now

    def at(self, n: int) -> datetime:
        return self.start + n * self.step


class FakeHasher:
    """A salted-looking but fast password hash, so tests spend no time in argon2."""

    def __init__(self) -> None:
        self.hashed = 0
        self.verified = 0

    def hash(self, password: str) -> str:
        self.hashed += 1
        return "fake$" + hashlib.sha256(f"pepper:{password}".encode()).hexdigest()

    def verify(self, password_hash: str, password: str) -> bool:
        self.verified += 1
        return password_hash == "fake$" + hashlib.sha256(f"pepper:{password}".encode()).hexdigest()


def a_meta(
    *,
    user_id: UUID | None = None,
    ip: str = "203.0.113.7",
    user_agent: str = "pytest-agent/1.0",
    correlation_id: str = "corr-unit-1",
    reason: str | None = None,
) -> Meta:
    return Meta(
        user_id=str(user_id) if user_id else None,
        ip=ip,
        user_agent=user_agent,
        correlation_id=correlation_id,
        reason=reason,
    )


def a_project(
    *,
    owner_id: UUID | None = None,
    name: str = "Petstore",
    description: str = "The pet store API",
    base_url: str = "https://petstore.example.com/v1",
    meta: Meta | None = None,
) -> Project:
    owner = owner_id or uuid4()
    return Project.start(
        owner_id=owner,
        name=name,
        description=description,
        base_url=base_url,
        meta=meta or a_meta(user_id=owner),
    )


def an_archived_project(**kwargs: Any) -> Project:
    project = a_project(**kwargs)
    project.archive(meta=a_meta(user_id=project.owner_id))
    return project


def a_user(
    *,
    email: str = "ada@example.com",
    display_name: str = "Ada",
    password_hash: str = "fake$hash-of-a-password",
    roles: Iterable[str] = (Role.USER.value,),
    meta: Meta | None = None,
) -> User:
    return User(
        email=email,
        user_name=email,
        display_name=display_name,
        password_hash=password_hash,
        roles=list(roles),
        security_stamp="stamp-1",
        meta=meta or a_meta(),
    )


def stored_events(application: Application[Any]) -> list[Any]:
    """This function will read back every event of an application's log, as a runner does:
    through the mapper, so projections see what the store gives back, not the originals."""
    notifications = application.recorder.select_notifications(start=1, limit=10_000)
    return [application.mapper.to_domain_event(n) for n in notifications]


def replay(events: Iterable[Any]) -> Any:
    """This function will rebuild an aggregate from its events alone."""
    aggregate = None
    for domain_event in events:
        aggregate = domain_event.mutate(aggregate)
    return aggregate


class SharedMemoryStore(POPOFactory):
    """The in-memory store, shared by every application built from the same env.

    Applications normally get a fresh POPO recorder each; with
    PERSISTENCE_MODULE=tests.unit.builders:SharedMemoryStore and one SHARED_STORE key,
    two instances write to one event log, like two processes on one database.
    """

    recorders: ClassVar[dict[str, ApplicationRecorder]] = {}

    def application_recorder(self) -> ApplicationRecorder:
        key = self.env.get("SHARED_STORE") or "default"
        return self.recorders.setdefault(key, POPOApplicationRecorder())


def a_shared_store_env() -> dict[str, str]:
    """This function will give an env whose applications all share one fresh in-memory store."""
    return {
        "PERSISTENCE_MODULE": f"{__name__}:{SharedMemoryStore.__qualname__}",
        "SHARED_STORE": uuid4().hex,
    }
