"""The masking of secret values in everything a run records or logs."""

import base64
import json
import re
from typing import Any
from urllib.parse import quote, quote_plus

from infrastructure.execution.templating import PATH_SAFE

MASK = "***"


class SecretMasker:
    """A set of secret values, each replaced by ``***`` wherever it appears in text.

    A secret is also masked in the spellings it takes on the wire: percent-encoded in a
    URL path, a query or a form body, and escaped inside a JSON string, so that neither a
    URL nor a JSON dump of a recorded body gives it away.
    """

    def __init__(self, secrets: list[str] | None = None) -> None:
        self._spellings: set[str] = set()
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        for secret in secrets or []:
            self.add(secret)

    def add(self, secret: str) -> None:
        """This function will start masking a secret (and its encoded spellings)."""
        if not secret:
            return
        self._secrets.add(secret)
        spellings = {
            secret,
            quote(secret, safe=""),
            quote(secret, safe=PATH_SAFE),  # as a path parameter
            quote_plus(secret),
            json.dumps(secret)[1:-1],
        }
        if spellings <= self._spellings:
            return
        self._spellings |= spellings
        # The longest spelling first, so that a secret containing another is masked whole.
        ordered = sorted(self._spellings, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(spelling) for spelling in ordered))

    def add_basic_credentials(self, username: str, password: str) -> None:
        """This function will mask a password and the Basic credentials that carry it."""
        self.add(password)
        self.add(base64.b64encode(f"{username}:{password}".encode()).decode("ascii"))

    @property
    def active(self) -> bool:
        """This function will tell whether there is any secret to mask."""
        return self._pattern is not None

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
