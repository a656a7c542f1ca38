"""A run's capture as a file: gzip-compressed JSON lines, the run first, then one line per
result, so readers can go through a run of many thousand cases one result at a time."""

import gzip
import io
import json
from collections.abc import Iterator
from typing import Any

from domain.reports.capture import CAPTURE_VERSION

CONTENT_TYPE = "application/x-ndjson+gzip"


def encode_capture(run: dict[str, Any], results: list[dict[str, Any]]) -> bytes:
    """This function will write a capture; the same run gives the same bytes."""
    buffer = io.BytesIO()
    # mtime=0: identical captures are identical files (the store keeps them once).
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=6) as out:
        out.write(json.dumps({"capture_version": CAPTURE_VERSION, "run": run}).encode() + b"\n")
        for result in results:
            out.write(json.dumps(result, separators=(",", ":")).encode() + b"\n")
    return buffer.getvalue()


def decode_run(content: bytes) -> dict[str, Any]:
    """This function will read the run of a capture."""
    with gzip.GzipFile(fileobj=io.BytesIO(content)) as lines:
        head: dict[str, Any] = json.loads(lines.readline())
    return dict(head["run"])


def iter_results(content: bytes) -> Iterator[dict[str, Any]]:
    """This function will read a capture's results one at a time."""
    with gzip.GzipFile(fileobj=io.BytesIO(content)) as lines:
        lines.readline()
        for line in lines:
            yield json.loads(line)
