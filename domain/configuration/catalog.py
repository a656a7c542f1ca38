"""The settings an Admin may change while Testament runs, and the rule each value follows.

Every other setting is read once at start-up from its TESTAMENT_* environment variable
(docs/configuration.md): changing it means a restart, so it is not a runtime setting.
A key is the Settings field's name, so its default comes from TESTAMENT_<KEY>.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from domain.shared.errors import InvalidValueError

_MAILBOX = re.compile(
    r"^([^<>\r\n]{0,200}<[^@\s<>]{1,64}@[^@\s<>]+\.[^@\s<>]+>|[^@\s<>]{1,64}@[^@\s<>]+\.[^@\s<>]+)$"
)


def _choice(*allowed: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value.strip() not in allowed:
            raise InvalidValueError("value", f"must be one of {', '.join(allowed)}")
        return value.strip()

    return check


def _integer(low: int, high: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        text = value.strip()
        if not re.fullmatch(r"[0-9]{1,9}", text) or not low <= int(text) <= high:
            raise InvalidValueError("value", f"must be a whole number from {low} to {high}")
        return str(int(text))

    return check


def _mailbox(value: str) -> str:
    text = value.strip()
    if not _MAILBOX.match(text):
        raise InvalidValueError(
            "value", "must be an e-mail address, alone or as 'Name <address@host>'"
        )
    return text


def _secret(value: str) -> str:
    if not value or len(value) > 1024 or any(c in value for c in "\r\n\x00"):
        raise InvalidValueError("value", "must be 1 to 1024 characters on one line")
    return value


@dataclass(frozen=True)
class LiveSetting:
    """A setting read each time it is used, so a change applies without a restart."""

    key: str
    description: str
    check: Callable[[str], str]
    is_sensitive: bool = False

    def parse(self, value: str) -> str:
        """This function will give the value as stored, or raise InvalidValueError naming
        the rule it breaks."""
        return self.check(value)


LIVE_SETTINGS: dict[str, LiveSetting] = {
    s.key: s
    for s in (
        LiveSetting(
            "registration",
            "who may open an account: open, invite-only or closed",
            _choice("open", "invite-only", "closed"),
        ),
        LiveSetting(
            "email_from",
            "the From of every e-mail Testament sends",
            _mailbox,
        ),
        LiveSetting(
            "smtp_password",
            "the password of the SMTP account e-mails are sent with",
            _secret,
            is_sensitive=True,
        ),
        LiveSetting(
            "webhook_max_attempts",
            "attempts of one webhook delivery before it is given up",
            _integer(1, 50),
        ),
        LiveSetting(
            "webhook_disable_after_failures",
            "failed webhook deliveries in a row before the webhook is disabled",
            _integer(1, 10_000),
        ),
    )
}


def live_setting(key: str, *, env_only: frozenset[str]) -> LiveSetting:
    """This function will find a runtime setting. Raises InvalidValueError naming the rule:
    a start-up setting is env-only, any other key is unknown."""
    found = LIVE_SETTINGS.get(key)
    if found is not None:
        return found
    if key in env_only:
        raise InvalidValueError(
            "key",
            f"{key} is read at start-up only: set TESTAMENT_{key.upper()} and restart",
        )
    raise InvalidValueError(
        "key", f"unknown setting {key!r}; runtime settings: {', '.join(sorted(LIVE_SETTINGS))}"
    )
