"""Fixtures shared by the integration tests."""

from collections.abc import Iterator
from typing import Any

import pytest

from infrastructure.redis.results import RedisHotResults


@pytest.fixture
def hot(servers: Any, settings: Any) -> Iterator[RedisHotResults]:
    """The hot-results port on the session's Redis, as a run's worker holds it."""
    results = RedisHotResults(servers.redis_url, namespace=settings.queue_namespace)
    yield results
    results.close()
