"""Recognising the format of an uploaded API description.

The content decides: cURL commands by their first command, documents by their keys
(``openapi``, ``swagger``, Postman's ``info.schema``, HAR's ``log.entries``). The file
name and content type only help when the content is not conclusive, and an explicit
hint overrides everything.
"""

import re
from dataclasses import dataclass
from typing import Any

from domain.specifications.errors import SpecParseError
from domain.specifications.parsed import SourceType
from infrastructure.specs.common import text
from infrastructure.specs.decode import DEFAULT_MAX_BYTES, decode_text
from infrastructure.specs.loader import load_document

_CURL_LINE = re.compile(r"^(?:\$\s+)?(?:\S*[/\\])?curl(?:\.exe)?(?:\s|$)", re.IGNORECASE)
_COMMENT_PREFIXES = ("#", "//", "::", "rem ")
_UNKNOWN = (
    "the format is not recognised: expected an OpenAPI 3.x or Swagger 2.0 document, a "
    "Postman v2.0/v2.1 collection, a HAR 1.2 file or cURL commands"
)


@dataclass(frozen=True)
class Detected:
    """An upload whose format is known, with its text and, for documents, its data."""

    source_type: SourceType
    text: str
    document: Any = None


def detect(
    content: bytes,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    format_hint: SourceType | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Detected:
    """This function will decode an upload and tell its format, or refuse it."""
    if format_hint is SourceType.Manual:
        raise SpecParseError.single("/", "manual endpoints are entered one by one, not uploaded")
    source_text = decode_text(content, max_bytes=max_bytes)
    by_name = _hint_from_name(filename, content_type)
    if format_hint is SourceType.Curl or (format_hint is None and looks_like_curl(source_text)):
        return Detected(SourceType.Curl, source_text)
    if format_hint is None and by_name is SourceType.Curl and _mentions_curl(source_text):
        return Detected(SourceType.Curl, source_text)
    document = load_document(source_text, prefer_json=_says_json(filename, content_type))
    source_type = format_hint or classify_document(document) or by_name
    if source_type is None or source_type is SourceType.Curl:
        raise SpecParseError.single("/", _UNKNOWN)
    return Detected(source_type, source_text, document)


def detect_format(
    content: bytes,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    format_hint: SourceType | None = None,
) -> SourceType:
    """This function will only tell the format of an upload, or refuse it."""
    detected = detect(
        content, filename=filename, content_type=content_type, format_hint=format_hint
    )
    return detected.source_type


def looks_like_curl(source_text: str) -> bool:
    """This function will tell whether the first command of a text runs curl."""
    for line in source_text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.lower().startswith(_COMMENT_PREFIXES):
            continue
        return bool(_CURL_LINE.match(stripped))
    return False


def classify_document(document: Any) -> SourceType | None:
    """This function will recognise a loaded document by its distinctive keys."""
    if not isinstance(document, dict):
        return None
    if "openapi" in document:
        version = text(document["openapi"])
        return SourceType.OpenApi30 if version.startswith("3.0") else SourceType.OpenApi31
    if "swagger" in document:
        return SourceType.Swagger20
    info = document.get("info")
    if isinstance(info, dict) and (
        "_postman_id" in info
        or "postman" in text(info.get("schema")).lower()
        or isinstance(document.get("item"), list)
    ):
        return SourceType.Postman
    log = document.get("log")
    if isinstance(log, dict) and "entries" in log:
        return SourceType.Har
    if isinstance(document.get("requests"), list) and (
        "order" in document or "folders" in document
    ):
        return SourceType.Postman
    return None


def _mentions_curl(source_text: str) -> bool:
    return any(_CURL_LINE.match(line.strip()) for line in source_text.splitlines())


def _hint_from_name(filename: str | None, content_type: str | None) -> SourceType | None:
    name = (filename or "").lower()
    media = (content_type or "").lower()
    if name.endswith(".har") or "har+json" in media:
        return SourceType.Har
    if "postman_collection" in name or "postman" in media:
        return SourceType.Postman
    if name.endswith((".curl", ".sh", ".bat", ".cmd", ".ps1")) or "shellscript" in media:
        return SourceType.Curl
    return None


def _says_json(filename: str | None, content_type: str | None) -> bool:
    name = (filename or "").lower()
    media = (content_type or "").lower()
    return name.endswith((".json", ".har")) or "json" in media
