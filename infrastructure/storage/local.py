"""Files on the local disk, under the data directory, addressed by their SHA-256."""

import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO
from uuid import UUID

from application.apidoc.ports import SourceFile
from application.storage.app import StorageApplication
from application.storage.ports import Kept
from domain.files.model import FileCategory
from domain.shared.meta import Meta


class LocalFileStore:
    """Content-addressed files: <base>/ab/cd/<sha256>. Writes are atomic (rename)."""

    def __init__(self, base: Path) -> None:
        self.base = base.resolve()

    def put(self, sha256: str, content: bytes) -> str:
        location = f"{sha256[:2]}/{sha256[2:4]}/{sha256}"
        target = self.base / location
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(handle.name, target)
        return location

    def put_stream(self, chunks: Iterable[bytes]) -> Kept:
        # Written under a temporary name beside the store (its checksum, hence its place,
        # is known only at the end), then renamed into place, or dropped if already there.
        incoming = self.base / "incoming"
        incoming.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        with tempfile.NamedTemporaryFile(dir=incoming, delete=False) as handle:
            try:
                for chunk in chunks:
                    digest.update(chunk)
                    size += len(chunk)
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            except BaseException:
                os.unlink(handle.name)
                raise
        sha256 = digest.hexdigest()
        location = f"{sha256[:2]}/{sha256[2:4]}/{sha256}"
        target = self.base / location
        if target.exists():
            os.unlink(handle.name)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(handle.name, target)
        return Kept(location=location, sha256=sha256, size=size)

    def open(self, location: str) -> BinaryIO:
        return self._path(location).open("rb")

    def get(self, location: str) -> bytes:
        return self._path(location).read_bytes()

    def delete(self, location: str) -> bool:
        try:
            self._path(location).unlink()
        except FileNotFoundError:
            return False
        return True

    def _path(self, location: str) -> Path:
        target = (self.base / location).resolve()
        if self.base not in target.parents:
            raise FileNotFoundError(location)
        return target


class StorageSpecificationSource:
    """The apidoc context's view of stored files: where a specification's upload is kept
    and read back."""

    def __init__(self, storage: StorageApplication) -> None:
        self._storage = storage

    def read(self, file_id: UUID) -> SourceFile:
        entry = self._storage.load_version(file_id)
        return SourceFile(
            content=self._storage.content_for_system(file_id),
            file_name=entry.file_name,
            content_type=entry.content_type,
        )

    def keep(self, source: SourceFile, *, owner_id: UUID, meta: Meta) -> UUID:
        stored, _ = self._storage.store_file(
            owner_id=owner_id,
            file_name=source.file_name,
            content_type=source.content_type,
            content=source.content,
            category=FileCategory.API_SPEC,
            meta=meta,
        )
        return stored.id
