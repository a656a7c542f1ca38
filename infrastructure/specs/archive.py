"""An uploaded folder: a zip or tar.gz archive of a specification's files, read in memory.

Bounded before anything is read: at most `max_files` files and `max_bytes` in all
(uncompressed, counted while reading, so a bomb stops at the limit). Members are files
only; links, devices and paths that climb out of the archive (`../x`, `/etc/x`) are
refused. Paths are kept relative and normalised (`spec/Pet.yaml`).
"""

import io
import posixpath
import tarfile
import zipfile
from typing import IO

MAX_FILES = 1000


class ArchiveError(Exception):
    """An archive that cannot be read, or that breaks a limit; the message says which."""


def is_archive(content: bytes) -> bool:
    """This function will tell a zip or gzip-compressed tar archive from a document."""
    return content.startswith((b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b"))


def read_archive(content: bytes, *, max_bytes: int, max_files: int = MAX_FILES) -> dict[str, bytes]:
    """This function will give an archive's files by normalised path, or raise ArchiveError."""
    if content.startswith(b"PK"):
        return _zip(content, max_bytes, max_files)
    return _tar(content, max_bytes, max_files)


def _safe(name: str) -> str:
    path = posixpath.normpath(name.replace("\\", "/"))
    if path.startswith(("/", "../")) or path == ".." or ":" in path.split("/", 1)[0]:
        raise ArchiveError(f"the archive member '{name}' points outside the archive")
    return path


class _Budget:
    def __init__(self, max_bytes: int, max_files: int) -> None:
        self.left, self.files, self.max_files = max_bytes, 0, max_files
        self.max_bytes = max_bytes

    def count(self) -> None:
        self.files += 1
        if self.files > self.max_files:
            raise ArchiveError(f"the archive holds more than {self.max_files} files")

    def read(self, stream: IO[bytes] | None, name: str) -> bytes:
        if stream is None:
            raise ArchiveError(f"the archive member '{name}' cannot be read")
        data = stream.read(self.left + 1) or b""
        if len(data) > self.left:
            raise ArchiveError(f"the archive holds more than {self.max_bytes} bytes unpacked")
        self.left -= len(data)
        return bytes(data)


def _zip(content: bytes, max_bytes: int, max_files: int) -> dict[str, bytes]:
    budget, files = _Budget(max_bytes, max_files), {}
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                budget.count()
                if (info.external_attr >> 16) & 0o170000 == 0o120000:
                    raise ArchiveError(f"the archive member '{info.filename}' is a link")
                path = _safe(info.filename)
                with archive.open(info) as stream:
                    files[path] = budget.read(stream, info.filename)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as error:
        raise ArchiveError(f"the zip archive cannot be read ({error})") from None
    return files


def _tar(content: bytes, max_bytes: int, max_files: int) -> dict[str, bytes]:
    budget, files = _Budget(max_bytes, max_files), {}
    try:
        with tarfile.open(fileobj=io.BytesIO(content), mode="r:gz") as archive:
            for member in archive:
                if member.isdir():
                    continue
                budget.count()
                if not member.isfile():
                    raise ArchiveError(f"the archive member '{member.name}' is not a plain file")
                path = _safe(member.name)
                files[path] = budget.read(archive.extractfile(member), member.name)
    except (tarfile.TarError, EOFError, OSError) as error:
        raise ArchiveError(f"the tar.gz archive cannot be read ({error})") from None
    return files
