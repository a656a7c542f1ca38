"""The target server, shared by the engine's tests, reset before each one."""

from collections.abc import Iterator

import pytest

from tests.integration.execution.target import ServedTarget, Target


@pytest.fixture(scope="package")
def served_target() -> Iterator[Target]:
    served = ServedTarget()
    try:
        yield served.start()
    finally:
        served.stop()


@pytest.fixture
def target(served_target: Target) -> Target:
    served_target.reset()
    return served_target
