"""A received response, its body bounded, decoded and parsed only when a check needs it."""

import codecs
import json
import re
from dataclasses import dataclass, field
from typing import Any

import orjson

_NOT_PARSED = object()
# Nineteen digits in a row may be an integer past 64 bits, which orjson reads as a float.
_LONG_NUMBER = re.compile(rb"[0-9]{19}")


def is_json_type(content_type: str) -> bool:
    """This function will tell whether a media type carries JSON (``application/json``, ``+json``)."""
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json") or media == "text/json"


def _charset(content_type: str) -> str:
    """This function will read the charset of a content type (UTF-8 when absent or unknown)."""
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            try:
                return codecs.lookup(value.strip().strip('"')).name
            except LookupError:
                break
    return "utf-8"


def decode(body: bytes, content_type: str) -> str:
    """This function will decode a body with the charset of its content type (bad bytes replaced)."""
    return body.decode(_charset(content_type), errors="replace")


class JsonUnavailableError(Exception):
    """The body cannot be read as JSON; the message says why (so that checks can say it)."""


@dataclass
class Received:
    """One HTTP response: status, headers (lower-cased names), the body read (bounded)."""

    status: int
    headers: dict[str, str]
    body: bytes
    truncated: bool
    size: int
    elapsed_ms: int
    url: str
    note: str = ""  # how it was obtained, when that is worth saying (sent again, say)
    _text: str | None = field(default=None, repr=False)
    _json: Any = field(default=_NOT_PARSED, repr=False)
    _json_error: str = field(default="", repr=False)

    @property
    def content_type(self) -> str:
        """This function will give the response's Content-Type header."""
        return self.headers.get("content-type", "")

    @property
    def text(self) -> str:
        """This function will give the body decoded with its charset (bad bytes replaced)."""
        if self._text is None:
            self._text = decode(self.body, self.content_type)
        return self._text

    def json(self) -> Any:
        """This function will give the parsed JSON body, or raise JsonUnavailableError saying why."""
        if self._json is _NOT_PARSED:
            self._json = None
            self._json_error = self._why_not_json()
            if not self._json_error:
                self._parse()
        if self._json_error:
            raise JsonUnavailableError(self._json_error)
        return self._json

    def _parse(self) -> None:
        """This function will parse the body: orjson on UTF-8 bytes (several times faster),
        json on the decoded text for what orjson refuses (NaN, say) or reads as a float (an
        integer past 64 bits, which must stay exact), which also words the error of a body
        that is not JSON at all."""
        if _charset(self.content_type) == "utf-8" and not _LONG_NUMBER.search(self.body):
            try:
                self._json = orjson.loads(self.body)
                return
            except orjson.JSONDecodeError:
                pass
        try:
            self._json = json.loads(self.text)
        except ValueError as error:
            self._json_error = f"the response body is not valid JSON ({error})"

    def _why_not_json(self) -> str:
        """This function will say why the body cannot be JSON, or give an empty text."""
        if self.truncated:
            return f"the response body was cut at {len(self.body)} bytes, so it is not read as JSON"
        if self.content_type and not is_json_type(self.content_type):
            return f"the response is {self.content_type.split(';')[0]}, not JSON"
        if not self.body:
            return "the response body is empty"
        return ""
