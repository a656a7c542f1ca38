"""A run's capture as a file: gzip-compressed JSON lines, the run first, then one line per
result, so readers can go through a run of many thousand cases one result at a time. This
codec uses the standard library; infrastructure/reports/capture_codec.py writes and reads the
same format faster, and is the one a deployment uses."""

import gzip
import io
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from domain.reports.capture import CAPTURE_VERSION

CONTENT_TYPE = "application/x-ndjson+gzip"


class JsonLinesCodec:
    """Captures in gzip JSON lines, with the standard library."""

    def encode(self, run: dict[str, Any], results: list[dict[str, Any]]) -> bytes:
        """This function will write a capture; the same run gives the same bytes."""
        buffer = io.BytesIO()
        # mtime=0: identical captures are identical files (the store keeps them once).
        with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=1) as out:
            head = {"capture_version": CAPTURE_VERSION, "run": run}
            out.write(json.dumps(head).encode() + b"\n")
            for result in results:
                out.write(json.dumps(result, separators=(",", ":")).encode() + b"\n")
        return buffer.getvalue()

    def run_of(self, content: bytes) -> dict[str, Any]:
        """This function will read the run of a capture."""
        return self.run_from(io.BytesIO(content))

    def results_of(self, content: bytes) -> Iterator[dict[str, Any]]:
        """This function will read a capture's results one at a time."""
        return self.results_from(io.BytesIO(content))

    def run_from(self, stream: BinaryIO) -> dict[str, Any]:
        """This function will read the run from a capture's stream."""
        with gzip.GzipFile(fileobj=stream) as lines:
            head: dict[str, Any] = json.loads(lines.readline())
        return dict(head["run"])

    def results_from(self, stream: BinaryIO) -> Iterator[dict[str, Any]]:
        """This function will read a capture's results one at a time from its stream."""
        with gzip.GzipFile(fileobj=stream) as lines:
            lines.readline()
            for line in lines:
                yield json.loads(line)
