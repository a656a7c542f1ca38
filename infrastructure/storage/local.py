"""Files on the local disk, under the data directory, addressed by their SHA-256."""

import os
import tempfile
from pathlib import Path
from uuid import UUID

from application.apidoc.ports import SourceFile
from application.storage.app import StorageApplication
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
