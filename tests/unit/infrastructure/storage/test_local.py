"""The local file store: bytes kept from a stream land where the same bytes would, once."""

import hashlib
from pathlib import Path

import pytest

from infrastructure.storage.local import LocalFileStore


def test_a_stream_is_kept_by_its_checksum_like_the_same_bytes(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path)
    content = b"".join(f"line {n}\n".encode() for n in range(10_000))
    kept = store.put_stream(content[i : i + 4096] for i in range(0, len(content), 4096))
    assert kept.sha256 == hashlib.sha256(content).hexdigest()
    assert kept.size == len(content)
    assert kept.location == store.put(kept.sha256, content)
    with store.open(kept.location) as stream:
        assert stream.read() == content
    again = store.put_stream(iter([content]))
    assert again == kept
    assert list((tmp_path / "incoming").iterdir()) == []  # nothing left half-written


def test_a_stream_that_fails_leaves_nothing_behind(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path)

    def failing() -> object:
        yield b"a first chunk"
        raise RuntimeError("the renderer failed")

    with pytest.raises(RuntimeError):
        store.put_stream(failing())  # type: ignore[arg-type]
    assert list((tmp_path / "incoming").iterdir()) == []
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
