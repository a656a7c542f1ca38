"""Stored event states: large ones compressed, every earlier one still readable."""

import json

import pytest

from domain.shared.limits import TooLargeError
from infrastructure.postgres.compression import COMPRESS_FROM_BYTES, TolerantZlibCompressor


def a_state(size: int) -> bytes:
    return json.dumps({"text": "an endpoint description " * (size // 24 + 1)}).encode()


class TestTolerantZlibCompressor:
    def test_a_large_state_is_stored_several_times_smaller_and_reads_back(self) -> None:
        compressor, state = TolerantZlibCompressor(), a_state(2_000_000)
        stored = compressor.compress(state)
        assert len(stored) * 5 < len(state)
        assert compressor.decompress(stored) == state

    def test_a_small_state_stays_plain_json(self) -> None:
        compressor, state = TolerantZlibCompressor(), a_state(COMPRESS_FROM_BYTES // 2)
        assert compressor.compress(state) == state
        assert compressor.decompress(state) == state

    def test_a_state_stored_before_compression_existed_reads_as_it_was(self) -> None:
        old = a_state(100_000)  # uncompressed, however large: what the store holds today
        assert TolerantZlibCompressor().decompress(old) == old

    def test_a_state_over_the_event_limit_is_refused_naming_the_limit(self) -> None:
        with pytest.raises(TooLargeError) as refused:
            TolerantZlibCompressor(max_event_bytes=100_000).compress(a_state(200_000))
        assert refused.value.limit == "TESTAMENT_MAX_EVENT_BYTES"
        assert refused.value.maximum == 100_000
