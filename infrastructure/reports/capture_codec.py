"""A run's capture as a file, written and read with orjson: the format of
application/testreport/capture_file.py (gzip-compressed JSON lines, the run first, then one
line per result), several times faster to read for a run of many thousand cases."""

import gzip
import io
import zlib
from collections.abc import Iterator
from typing import Any, BinaryIO

import orjson

from domain.reports.capture import CAPTURE_VERSION


class OrjsonCaptureCodec:
    """Captures in gzip JSON lines, through orjson."""

    def encode(self, run: dict[str, Any], results: list[dict[str, Any]]) -> bytes:
        # Level 1: a run's capture is written once per run, on the worker, and read a few
        # times; most of its size goes anyway (repeated keys), at a fraction of level 6's time.
        compressor = zlib.compressobj(1, zlib.DEFLATED, 31)  # 31: a gzip header, no name/time
        parts = [
            compressor.compress(
                orjson.dumps({"capture_version": CAPTURE_VERSION, "run": run}) + b"\n"
            )
        ]
        for result in results:
            parts.append(compressor.compress(orjson.dumps(result) + b"\n"))
        parts.append(compressor.flush())
        return b"".join(parts)

    def run_of(self, content: bytes) -> dict[str, Any]:
        with gzip.GzipFile(fileobj=io.BytesIO(content)) as lines:
            head: dict[str, Any] = orjson.loads(lines.readline())
        return dict(head["run"])

    def results_of(self, content: bytes) -> Iterator[dict[str, Any]]:
        text = gzip.decompress(content)
        start = text.index(b"\n") + 1
        for line in text[start:].splitlines():
            if line:
                yield orjson.loads(line)

    def run_from(self, stream: BinaryIO) -> dict[str, Any]:
        with gzip.GzipFile(fileobj=stream) as lines:
            head: dict[str, Any] = orjson.loads(lines.readline())
        return dict(head["run"])

    def results_from(self, stream: BinaryIO) -> Iterator[dict[str, Any]]:
        with gzip.GzipFile(fileobj=stream) as lines:
            lines.readline()  # the run
            for line in lines:
                if line.strip():
                    yield orjson.loads(line)
