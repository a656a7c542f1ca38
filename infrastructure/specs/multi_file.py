"""Specifications split across files, made into the one document that is stored and parsed.

Two ways in: a URL whose document refers to files beside it (fetched from the same origin
only, under the outbound policy, bounded in count and bytes), and an uploaded zip or
tar.gz archive of the specification's folder with its entry file named. Either way the
result is one JSON document (`infrastructure/specs/bundle.py`); a reference that cannot
be resolved is a `MultiFileError` naming it.
"""

import json
import posixpath
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from domain.specifications.errors import SpecParseError
from infrastructure.http.outbound import Fetched, OutboundPolicy, OutboundRefusedError, fetch
from infrastructure.specs.archive import ArchiveError, read_archive
from infrastructure.specs.bundle import MAX_FILES, BundleError, Bundler, has_external_refs
from infrastructure.specs.decode import decode_text
from infrastructure.specs.loader import load_document

_DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json")


class MultiFileError(Exception):
    """A multi-file specification that cannot be made into one document; `problems` name
    each reference or member at fault."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Bundled:
    """The one document made, what to call it, and the files read besides the entry."""

    content: bytes
    file_name: str
    files: list[str] = field(default_factory=list)
    content_type: str = "application/json"


def bundle_archive(content: bytes, entry: str | None, *, max_bytes: int) -> Bundled:
    """This function will bundle the specification an archive holds, from its entry file
    (found when the archive has only one OpenAPI or Swagger document). MultiFileError."""
    try:
        files = read_archive(content, max_bytes=max_bytes)
    except ArchiveError as error:
        raise MultiFileError([str(error)]) from None
    name = _entry(files, entry)
    document = _load(files[name], name)

    def read(location: str) -> bytes:
        if location not in files:
            raise LookupError("it is not in the archive")
        return files[location]

    return _bundled(document, name, read)


def bundle_url(fetched: Fetched, policy: OutboundPolicy, *, max_bytes: int) -> Bundled | None:
    """This function will bundle a fetched document with the files it refers to on the
    same origin; None when it refers to none (it is stored as fetched). MultiFileError."""
    try:
        document = load_document(decode_text(fetched.content, max_bytes=max_bytes))
    except SpecParseError:
        return None  # the parse reports what is wrong with it
    if not has_external_refs(document):
        return None
    return _bundled(document, fetched.url, _SameOrigin(fetched.url, policy, max_bytes))


class _SameOrigin:
    """Reads the files of a URL import: same origin, under the policy, bounded in bytes."""

    def __init__(self, entry: str, policy: OutboundPolicy, max_bytes: int) -> None:
        self._origin = _origin(entry)
        self._policy = policy
        self._left = max_bytes

    def __call__(self, location: str) -> bytes:
        if _origin(location) != self._origin:
            raise LookupError(f"only files of {self._origin} are fetched")
        try:
            fetched = fetch(location, self._policy, max_bytes=max(self._left, 0))
        except OutboundRefusedError as error:
            raise LookupError(str(error)) from None
        if _origin(fetched.url) != self._origin:
            raise LookupError(f"it redirects away from {self._origin}")
        self._left -= len(fetched.content)
        return fetched.content


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}".lower()


def _bundled(document: Any, entry: str, read: Any) -> Bundled:
    bundler = Bundler(read, max_files=MAX_FILES)
    try:
        result = bundler.bundle(entry, document)
    except BundleError as error:
        raise MultiFileError([f"cannot resolve {problem}" for problem in error.problems]) from None
    stem = posixpath.splitext(posixpath.basename(urlsplit(entry).path or entry))[0] or "bundled"
    content = json.dumps(result, ensure_ascii=False).encode()
    return Bundled(content=content, file_name=f"{stem}.json", files=bundler.files_read)


def _load(content: bytes, name: str) -> Any:
    try:
        return load_document(decode_text(content))
    except SpecParseError as error:
        where = "; ".join(f"{i.location}: {i.message}" for i in error.issues[:3])
        raise MultiFileError([f"the entry file {name} cannot be read ({where})"]) from None


def _entry(files: dict[str, bytes], entry: str | None) -> str:
    """This function will find the entry file: the one named, or the only OpenAPI/Swagger
    document of the archive (a folder around it, `petstore/`, may be left out of the name)."""
    if entry:
        wanted = posixpath.normpath(entry.strip().lstrip("/"))
        matches = [p for p in files if p == wanted or p.endswith("/" + wanted)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise MultiFileError([f"the entry file '{entry}' is not in the archive"])
        raise MultiFileError([f"the entry file '{entry}' matches {', '.join(sorted(matches))}"])
    roots = [p for p in sorted(files) if p.endswith(_DOCUMENT_SUFFIXES) and _is_root(files[p])]
    if len(roots) == 1:
        return roots[0]
    found = f"; it holds {', '.join(roots[:10])}" if roots else ""
    raise MultiFileError(
        [
            f"name the entry file (the form field `entry`): the archive has {len(roots)} "
            f"OpenAPI or Swagger documents{found}"
        ]
    )


def _is_root(content: bytes) -> bool:
    try:
        document = load_document(decode_text(content))
    except SpecParseError:
        return False
    return isinstance(document, dict) and ("openapi" in document or "swagger" in document)
