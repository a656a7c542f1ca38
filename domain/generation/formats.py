"""Sample strings: for the JSON Schema and OpenAPI formats, patterns and lengths."""

import base64
import random
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from domain.generation.edges import natural
from domain.generation.patterns import string_matching

_WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel")


def _email(rng: random.Random) -> str:
    return f"{rng.choice(_WORDS)}{rng.randint(1, 999)}@example.com"


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _date(rng: random.Random) -> str:
    return f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _time(rng: random.Random) -> str:
    return f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"


def _date_time(rng: random.Random) -> str:
    return f"{_date(rng)}T{_time(rng)}Z"


def _uri(rng: random.Random) -> str:
    return f"https://example.com/{rng.choice(_WORDS)}/{rng.randint(1, 999)}"


def _hostname(rng: random.Random) -> str:
    return f"{rng.choice(_WORDS)}{rng.randint(1, 99)}.example.com"


def _ipv4(rng: random.Random) -> str:
    # 192.0.2.0/24 is TEST-NET-1 (RFC 5737): it never routes to a real host.
    return f"192.0.2.{rng.randint(1, 254)}"


def _ipv6(rng: random.Random) -> str:
    # 2001:db8::/32 is reserved for documentation (RFC 3849).
    return f"2001:db8::{rng.randint(1, 0xFFFF):x}"


def _password(rng: random.Random) -> str:
    return f"Pa55-{rng.choice(_WORDS)}-{rng.randint(100, 999)}"


def _byte(rng: random.Random) -> str:
    return base64.b64encode(rng.randbytes(9)).decode("ascii")


def _binary(rng: random.Random) -> str:
    return f"binary-{rng.randint(1000, 9999)}"


def word(rng: random.Random) -> str:
    """This function will give a short readable word with a number, like "delta42"."""
    return f"{rng.choice(_WORDS)}{rng.randint(10, 99)}"


FORMATS: dict[str, Callable[[random.Random], str]] = {
    "email": _email,
    "idn-email": _email,
    "uuid": _uuid,
    "date": _date,
    "time": _time,
    "date-time": _date_time,
    "uri": _uri,
    "url": _uri,
    "iri": _uri,
    "uri-reference": _uri,
    "hostname": _hostname,
    "idn-hostname": _hostname,
    "ipv4": _ipv4,
    "ipv6": _ipv6,
    "password": _password,
    "byte": _byte,
    "binary": _binary,
}


def fit_length(text: str, min_length: int, max_length: int | None) -> str:
    """This function will pad a string with "x" or cut it to fall within the lengths."""
    if len(text) < min_length:
        text += "x" * (min_length - len(text))
    if max_length is not None and len(text) > max_length:
        text = text[:max_length]
    return text


def string_value(schema: Mapping[str, Any], rng: random.Random) -> tuple[str, str]:
    """This function will give a string for a schema, and a note if a constraint was missed.

    A ``pattern`` is honoured first, then the ``format``; either way the length limits
    hold, padding or cutting a format sample if it must (and saying so).
    """
    least = natural(schema.get("minLength")) or 0
    most = natural(schema.get("maxLength"))
    pattern = schema.get("pattern")
    declared = str(schema.get("format", ""))
    generate = FORMATS.get(declared)
    if isinstance(pattern, str) and generate is not None:
        # A value of the format that also matches the pattern meets both; a value made
        # from the pattern alone ("(\d{4})-(\d{2})-(\d{2})" gives 1234-56-78) may not be
        # a date at all.
        sample = generate(rng)
        if _matches(pattern, sample) and fit_length(sample, least, most) == sample:
            return sample, ""
    if isinstance(pattern, str):
        found = string_matching(pattern, rng, min_length=least, max_length=most)
        if found is not None:
            return found, ""
        note = f"no string matching '{pattern}' was generated; its length is right"
        return fit_length(word(rng), least, most), note
    text = generate(rng) if generate else word(rng)
    fitted = fit_length(text, least, most)
    if generate and fitted != text:
        return fitted, f"a {declared} value was padded or cut to fit its length limits"
    return fitted, ""


def _matches(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False
