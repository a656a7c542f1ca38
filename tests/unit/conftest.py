"""Fixtures shared by unit tests."""

import pytest
from eventsourcing.domain import CanCreateTimestamp

from tests.unit.builders import FixedClock


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FixedClock:
    """Every event recorded during the test takes its timestamp from this clock."""
    fixed = FixedClock()
    monkeypatch.setattr(CanCreateTimestamp, "create_timestamp", staticmethod(fixed))
    return fixed
