"""Small value rules shared by several aggregates."""

import re
from urllib.parse import urlsplit

from domain.shared.errors import InvalidValueError

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


def require_text(field: str, value: str, *, max_length: int, allow_empty: bool = False) -> str:
    """This function will return the text stripped, or refuse it if empty or too long."""
    text = value.strip()
    _refuse_nul(field, text)
    if not text and not allow_empty:
        raise InvalidValueError(field, "must not be empty")
    if len(text) > max_length:
        raise InvalidValueError(field, f"must be at most {max_length} characters")
    return text


def require_verbatim_text(field: str, value: str, *, max_length: int) -> str:
    """This function will return the text as it is (spaces kept), or refuse NUL or excess length.

    For values sent on the wire (header values, variables, credentials), where a leading or
    trailing space may be part of the value."""
    _refuse_nul(field, value)
    if len(value) > max_length:
        raise InvalidValueError(field, f"must be at most {max_length} characters")
    return value


def require_email(value: str) -> str:
    """This function will return a normalised e-mail address, or refuse a malformed one."""
    email = value.strip()
    _refuse_nul("email", email)
    if len(email) > 254 or not _EMAIL.match(email):
        raise InvalidValueError("email", "is not a valid e-mail address")
    return email


def require_http_url(field: str, value: str) -> str:
    """This function will accept an absolute http(s) URL, or an empty string meaning none."""
    url = value.strip()
    _refuse_nul(field, url)
    if not url:
        return ""
    if len(url) > 2048:
        raise InvalidValueError(field, "must be at most 2048 characters")
    if any(character.isspace() for character in url):
        # urlsplit keeps "http://a b/" as a host with a space, which no request can reach.
        raise InvalidValueError(field, "must not contain spaces (percent-encode them)")
    try:
        parts = urlsplit(url)
        # The port is parsed lazily: reading it now refuses one that is not a number in range
        # here, rather than when a run first sends a request.
        _ = parts.port
    except ValueError:
        # urlsplit refuses some malformed URLs itself, e.g. an unclosed IPv6 bracket.
        raise InvalidValueError(field, "must be an absolute http or https URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidValueError(field, "must be an absolute http or https URL")
    return url.rstrip("/")


def _refuse_nul(field: str, value: str) -> None:
    # PostgreSQL text cannot hold NUL: an event carrying one would stop every read model
    # that copies the field, at every replay.
    if "\x00" in value:
        raise InvalidValueError(field, "must not contain NUL characters")
