"""Postman's dynamic variables (``{{$guid}}``, ``{{$timestamp}}``...), made at run time.

Each placeholder gets a fresh value where it is rendered, as in Postman. Only the common
ones are known; any other ``$name`` is an unknown variable.
"""

import random
import string
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

_FIRST = ["Ada", "Alan", "Grace", "Linus", "Barbara", "Edsger", "Katherine", "Dennis"]
_LAST = ["Lovelace", "Turing", "Hopper", "Torvalds", "Liskov", "Dijkstra", "Johnson", "Ritchie"]
_WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india"]
_rng = random.SystemRandom()


def _word(length: int = 8) -> str:
    return "".join(_rng.choice(string.ascii_lowercase) for _ in range(length))


def _iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


GENERATORS: dict[str, Callable[[], str]] = {
    "$guid": lambda: str(uuid.uuid4()),
    "$randomUUID": lambda: str(uuid.uuid4()),
    "$timestamp": lambda: str(int(time.time())),
    "$isoTimestamp": _iso,
    "$randomInt": lambda: str(_rng.randint(0, 1000)),
    "$randomBoolean": lambda: _rng.choice(["true", "false"]),
    "$randomAlphaNumeric": lambda: _rng.choice(string.ascii_lowercase + string.digits),
    "$randomWord": lambda: _rng.choice(_WORDS),
    "$randomWords": lambda: " ".join(_rng.choice(_WORDS) for _ in range(3)),
    "$randomFirstName": lambda: _rng.choice(_FIRST),
    "$randomLastName": lambda: _rng.choice(_LAST),
    "$randomFullName": lambda: f"{_rng.choice(_FIRST)} {_rng.choice(_LAST)}",
    "$randomUserName": lambda: f"{_rng.choice(_FIRST).lower()}{_rng.randint(10, 9999)}",
    "$randomEmail": lambda: f"{_word()}@example.com",
    "$randomExampleEmail": lambda: f"{_word()}@example.com",
    "$randomPassword": lambda: _word(15),
    "$randomColor": lambda: _rng.choice(["red", "green", "blue", "teal", "orange"]),
    "$randomCity": lambda: _rng.choice(["Lyon", "Porto", "Oslo", "Kyoto", "Quito"]),
    "$randomCountry": lambda: _rng.choice(["France", "Portugal", "Norway", "Japan", "Ecuador"]),
    "$randomPhoneNumber": lambda: f"555-{_rng.randint(100, 999)}-{_rng.randint(1000, 9999)}",
    "$randomPrice": lambda: f"{_rng.randint(1, 999)}.{_rng.randint(0, 99):02d}",
    "$randomLoremWord": lambda: _rng.choice(_WORDS),
    "$randomLoremSentence": lambda: (
        " ".join(_rng.choice(_WORDS) for _ in range(6)).capitalize() + "."
    ),
    "$randomIP": lambda: ".".join(str(_rng.randint(1, 254)) for _ in range(4)),
    "$randomUrl": lambda: f"https://{_word()}.example.com",
    "$randomDateFuture": lambda: datetime.fromtimestamp(
        time.time() + _rng.randint(86_400, 86_400 * 365), UTC
    ).isoformat(),
    "$randomDatePast": lambda: datetime.fromtimestamp(
        time.time() - _rng.randint(86_400, 86_400 * 365), UTC
    ).isoformat(),
}


def dynamic_value(name: str) -> str | None:
    """This function will make a fresh value for a dynamic variable, None for an unknown one."""
    generator = GENERATORS.get(name)
    return None if generator is None else generator()
