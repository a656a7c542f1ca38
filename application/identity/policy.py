"""How a deployment opens accounts and locks them after failed log-ins."""

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum


class RegistrationMode(StrEnum):
    """Who may open an account (`TESTAMENT_REGISTRATION`)."""

    OPEN = "open"
    INVITE_ONLY = "invite-only"
    CLOSED = "closed"


@dataclass(frozen=True, kw_only=True)
class LockoutPolicy:
    """After `max_failures` wrong passwords in a row an account is locked for `duration`."""

    max_failures: int = 5
    duration: timedelta = timedelta(minutes=15)
