"""One document from a specification split across files (`$ref: Pet.yaml`).

Every reference to another file (`Pet.yaml`, `../common/Error.yaml`,
`parameters.yaml#/limitsParam`) is resolved relative to the file that makes it, read
through a `read(location)` callback (an archive's members, or same-origin URLs), and the
node it names is copied once under `x-bundled` at the root, where the reference now
points (`#/x-bundled/Pet`). References inside a copied node are resolved relative to its
own file, so `#/x` in `parameters.yaml` means that file's `/x`. Cycles end on the copy
already made. A reference that cannot be resolved is an error naming it and why; the
bundle is made only when every one resolves.
"""

import posixpath
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from domain.specifications.errors import SpecParseError
from infrastructure.specs.decode import decode_text
from infrastructure.specs.loader import load_document
from infrastructure.specs.refgraph import lookup

BUNDLED = "x-bundled"
MAX_FILES = 200
MAX_DEPTH = 16  # files reached through files reached through ... the entry
_DATA = frozenset(
    {"example", "enum", "const"}
)  # values, not objects ("default" is also a response)
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


class BundleError(Exception):
    """References that could not be resolved: each names the reference, where, and why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def has_external_refs(document: Any) -> bool:
    """This function will tell whether a document refers to another file."""
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                return True
            stack.extend(value for key, value in node.items() if key not in _DATA)
        elif isinstance(node, list):
            stack.extend(node)
    return False


def is_url(location: str) -> bool:
    """This function will tell whether a location is an http(s) URL, not an archive path."""
    return urlsplit(location).scheme in ("http", "https")


def join(base: str, relative: str) -> str:
    """This function will resolve a reference's file part against the referring file."""
    if is_url(base):
        return urljoin(base, relative)
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), unquote(relative)))


class Bundler:
    """The bundler of one specification: the files it read, the nodes it copied."""

    def __init__(self, read: Callable[[str], bytes], *, max_files: int = MAX_FILES) -> None:
        self._read = read
        self._max_files = max_files
        self._documents: dict[str, Any] = {}
        self._keys: dict[tuple[str, str], str] = {}
        self._copied: dict[str, Any] = {}
        self._problems: list[str] = []
        self._unreadable: set[str] = set()

    @property
    def files_read(self) -> list[str]:
        """This function will list the files read besides the entry, in order."""
        return list(self._documents)[1:]

    def bundle(self, entry: str, document: Any) -> Any:
        """This function will give the entry document with every other file's nodes copied
        in, or raise BundleError listing every reference that could not be resolved."""
        self._documents[entry] = document
        result = self._rewrite(document, entry, 0, entry=True)
        if self._problems:
            raise BundleError(list(dict.fromkeys(self._problems)))
        if self._copied and isinstance(result, dict):
            if BUNDLED in result:
                raise BundleError([f"the entry file already has an '{BUNDLED}' member"])
            result = {**result, BUNDLED: self._copied}
        return result

    def _rewrite(self, node: Any, location: str, depth: int, *, entry: bool) -> Any:
        if isinstance(node, list):
            return [self._rewrite(item, location, depth, entry=entry) for item in node]
        if not isinstance(node, dict):
            return node
        result: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                result[key] = self._reference(value, location, depth, entry=entry)
            elif key in _DATA:
                result[key] = value
            else:
                result[key] = self._rewrite(value, location, depth, entry=entry)
        return result

    def _reference(self, ref: str, location: str, depth: int, *, entry: bool) -> str:
        file_part, _, fragment = ref.partition("#")
        if not file_part and entry:
            return ref  # a local reference of the entry file stays as it is
        target = join(location, file_part) if file_part else location
        key = self._copy(target, fragment, ref, location, depth + 1)
        return ref if key is None else f"#/{BUNDLED}/{key.replace('~', '~0').replace('/', '~1')}"

    def _copy(self, target: str, fragment: str, ref: str, source: str, depth: int) -> str | None:
        """This function will copy the node a reference names (once), giving its key."""
        known = self._keys.get((target, fragment))
        if known is not None:
            return known
        if depth > MAX_DEPTH:
            self._problems.append(
                f"'{ref}' in {source}: files refer to files more than {MAX_DEPTH} levels deep"
            )
            return None
        document = self._document(target, ref, source)
        if document is None:
            return None
        found = lookup(document, "#" + fragment)
        if isinstance(found, str):
            self._problems.append(f"'{ref}' in {source}: {found} in {target}")
            return None
        key = self._new_key(target, fragment)
        self._keys[(target, fragment)] = key
        self._copied[key] = None  # taken before the copy is made, so cycles end here
        self._copied[key] = self._rewrite(found[0], target, depth, entry=False)
        return key

    def _document(self, target: str, ref: str, source: str) -> Any:
        if target in self._documents:
            return self._documents[target]
        if target in self._unreadable:
            return None  # said once, for the first reference to it
        if len(self._documents) > self._max_files:
            self._problems.append(f"'{ref}' in {source}: more than {self._max_files} files")
            return None
        try:
            document = load_document(decode_text(self._read(target)))
        except SpecParseError as error:
            where = "; ".join(f"{i.location}: {i.message}" for i in error.issues[:3])
            self._unreadable.add(target)
            self._problems.append(f"'{ref}' in {source}: {target} cannot be read ({where})")
            return None
        except (OSError, ValueError, LookupError) as error:
            reason = error.args[0] if isinstance(error, LookupError) and error.args else error
            self._unreadable.add(target)
            self._problems.append(f"'{ref}' in {source}: {target} cannot be read ({reason})")
            return None
        self._documents[target] = document
        return document

    def _new_key(self, target: str, fragment: str) -> str:
        stem = posixpath.splitext(posixpath.basename(urlsplit(target).path or target))[0]
        last = unquote(fragment.rstrip("/").rsplit("/", 1)[-1]) if fragment.strip("/") else ""
        base = _UNSAFE.sub("_", last or stem) or "document"
        if last and last != stem and base in self._copied:
            base = _UNSAFE.sub("_", f"{stem}_{last}")
        key, number = base, 1
        while key in self._copied:
            number += 1
            key = f"{base}_{number}"
        return key
