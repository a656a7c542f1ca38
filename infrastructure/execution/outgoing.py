"""A request ready to send: final URL parts, merged headers, an encoded body."""

import re
from dataclasses import dataclass, field

import aiohttp

from infrastructure.execution.encodings import form

_PLAIN = re.compile(r"[A-Za-z0-9_.~-]*")


def _encode(text: str) -> str:
    """This function will form-encode a query name or value, skipping plain ones."""
    return text if _PLAIN.fullmatch(text) else form(text)


@dataclass
class Outgoing:
    """One HTTP request as it goes out; auth adds to it, retries send it again unchanged."""

    method: str
    url: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    timeout_ms: int
    body: bytes | None = None
    form: list[tuple[str, str]] | None = None  # multipart fields, encoded afresh per attempt
    body_text: str = ""
    # A case about missing credentials: the environment's authentication is not added.
    without_credentials: bool = False
    _names: dict[str, str] = field(default_factory=dict, repr=False)
    # The query only ever grows (auth may append a key), so its length keys the cache.
    _encoded: tuple[int, str] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._names = {name.lower(): name for name in self.headers}

    def header(self, name: str) -> str | None:
        """This function will give a header's value, the name matched case-insensitively."""
        actual = self._names.get(name.lower())
        return None if actual is None else self.headers[actual]

    def set_header(self, name: str, value: str) -> None:
        """This function will set a header, replacing any of the same name in another case."""
        previous = self._names.get(name.lower())
        if previous is not None and previous != name:
            del self.headers[previous]
        self.headers[name] = value
        self._names[name.lower()] = name

    def remove_header(self, name: str) -> None:
        """This function will drop a header, whatever the case of its name."""
        actual = self._names.pop(name.lower(), None)
        if actual is not None:
            del self.headers[actual]

    def has_query(self, name: str) -> bool:
        """This function will tell whether a query parameter is already set."""
        return any(key == name for key, _ in self.query)

    @property
    def full_url(self) -> str:
        """This function will give the URL with its query string (encoded once per change)."""
        if not self.query:
            return self.url
        if self._encoded is None or self._encoded[0] != len(self.query):
            separator = "&" if "?" in self.url else "?"
            encoded = "&".join(f"{_encode(name)}={_encode(value)}" for name, value in self.query)
            self._encoded = (len(self.query), f"{self.url}{separator}{encoded}")
        return self._encoded[1]

    def data(self) -> bytes | aiohttp.FormData | None:
        """This function will give the body to send (a fresh multipart form per attempt)."""
        if self.form is None:
            return self.body
        form = aiohttp.FormData(default_to_multipart=True)
        for name, value in self.form:
            form.add_field(name, value)
        return form
