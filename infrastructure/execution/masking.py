"""The masking of secret values in everything a run records or logs."""

import json
import re
from typing import Any

from infrastructure.execution.encodings import basic_credentials, spellings
from infrastructure.execution.response import JsonUnavailableError, Received

MASK = "***"


def _trie_pattern(words: set[str]) -> str:
    """This function will give one regex matching any of the words, longest first, as a
    trie: a run masks hundreds of spellings in every record, and an alternation of them
    tried one by one at each character cost about twenty times as much."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for character in word:
            node = node.setdefault(character, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        """This function will write a node, a chain of single children as one literal."""
        literal = ""
        while len(node) == 1 and "" not in node:
            ((character, node),) = node.items()
            literal += re.escape(character)
        if len(node) == 1:  # only the end of a word
            return literal
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        optional = "" in node
        group = "(?:" + "|".join(branches) + ")"
        return literal + group + ("?" if optional else "")

    return emit(trie)


class SecretMasker:
    """A set of secret values, each replaced by ``***`` wherever it appears in text.

    A secret is masked in every spelling it can take (encodings.py): as it is, in JSON
    strings (UTF-8 or \\uXXXX escapes), percent-encoded in a path, query or form, quoted
    by ``repr``, as the HTTP client re-quotes it, and in their compositions (a JSON body a
    target echoes as a JSON string).
    """

    def __init__(self, secrets: list[str] | None = None) -> None:
        self._spellings: set[str] = set()
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        for secret in secrets or []:
            self.add(secret)

    def add(self, secret: str) -> None:
        """This function will start masking a secret (and its encoded spellings)."""
        if not secret or secret in self._secrets:
            return
        self._secrets.add(secret)
        found = spellings(secret)
        if found <= self._spellings:
            return
        self._spellings |= found
        self._pattern = re.compile(_trie_pattern(self._spellings))

    def add_basic_credentials(self, username: str, password: str) -> None:
        """This function will mask a password and the Basic credentials that carry it."""
        self.add(password)
        self.add(basic_credentials(username, password))

    @property
    def active(self) -> bool:
        """This function will tell whether there is any secret to mask."""
        return self._pattern is not None

    def reveals(self, text: str) -> bool:
        """This function will tell whether a text holds any spelling of a secret."""
        return self._pattern is not None and bool(text) and self._pattern.search(text) is not None

    def mask(self, text: str) -> str:
        """This function will give the text with every secret replaced by ``***``."""
        if self._pattern is None or not text:
            return text
        return self._pattern.sub(MASK, text)

    def mask_value(self, value: Any) -> Any:
        """This function will mask every string (keys too) inside plain JSON-like data, and
        every number that is a secret (a PIN extracted as 1234 is no less secret than
        "1234"). A number is masked whole, when its spelling is a secret: a secret "20"
        leaves the status 200 alone, where inside text it would be masked wherever it is."""
        if self._pattern is None:
            return value
        if isinstance(value, str):
            return self.mask(value)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return MASK if json.dumps(value) in self._secrets else value
        if isinstance(value, dict):
            return {self.mask_value(key): self.mask_value(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.mask_value(item) for item in value]
        return value


def masked_response(received: Received, masker: SecretMasker) -> Received:
    """This function will give the response as checks and extractions see it: every
    spelling of a secret reads ``***`` in its headers, text and parsed JSON.

    So a user's regex, JSONPath (filters included: ``search(@.token, '^a')``), header or
    body check can tell where a secret is, never what it is: an extraction cannot read a
    secret slice by slice, nor a check answer "does it start with a?". The response is
    copied only when a secret is in it; the records mask the real response themselves."""
    if not masker.active:
        return received
    text = received.text
    revealing = masker.reveals(text) or any(masker.reveals(v) for v in received.headers.values())
    if not revealing:
        return received
    view = Received(
        status=received.status,
        headers={name: masker.mask(value) for name, value in received.headers.items()},
        body=b"",
        truncated=received.truncated,
        size=received.size,
        elapsed_ms=received.elapsed_ms,
        url=masker.mask(received.url),
    )
    view._text = masker.mask(text)
    try:
        document = masker.mask_value(received.json())
    except JsonUnavailableError:
        view.body = view._text.encode("utf-8", errors="replace")
        return view
    # Masked as data, not as text: a secret "1234" masked in `{"pin":1234}` would leave
    # no JSON to read. The body bytes (read by the OpenAPI conformance) follow the data.
    view._json = document
    view.body = json.dumps(document, ensure_ascii=False).encode("utf-8", errors="replace")
    return view
