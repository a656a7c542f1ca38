"""What the notif context needs from outside: sealing secrets, time, ownership, targets."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.shared.errors import DomainError


class SecretBox(Protocol):
    """Encryption of signing secrets at rest."""

    def seal(self, plaintext: str) -> str: ...

    def open(self, sealed: str) -> str: ...


class Clock(Protocol):
    def now(self) -> datetime: ...


class ProjectOwnership(Protocol):
    """Whether a user owns a project (raises NotFoundError when not, or when it is unknown)."""

    def require_owned(self, project_id: UUID, user_id: UUID) -> None: ...


class TargetRefusedError(DomainError):
    """A webhook URL the outbound policy refuses: it resolves to an address Testament does
    not post to (private, loopback, 'this network'...). A state of DNS when asked, apart
    from the URL's form (`validation`)."""


class TargetPolicy(Protocol):
    """The outbound policy: raises TargetRefusedError for a URL it refuses."""

    def check(self, url: str) -> None: ...


@dataclass(frozen=True, kw_only=True)
class SentRequest:
    """What a receiver did with one delivery attempt."""

    status_code: int | None
    latency_ms: int
    response_excerpt: str
    error: str

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class WebhookSender(Protocol):
    """Posts one signed delivery under the outbound policy; never raises for the receiver's
    faults (they are the outcome)."""

    def send(
        self, *, url: str, body: bytes, delivery_id: UUID, event: str, secrets: list[str]
    ) -> SentRequest: ...
