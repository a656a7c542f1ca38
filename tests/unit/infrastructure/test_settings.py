"""Settings read from TESTAMENT_* variables: the task queues' namespace."""

import pytest
from pydantic import ValidationError

from infrastructure.settings import Settings


class TestQueueNamespace:
    def test_is_read_from_the_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("TESTAMENT_QUEUE_NAMESPACE", "testament-staging")
        assert Settings().queue_namespace == "testament-staging"

    def test_keeps_dramatiqs_own_by_default_so_queued_messages_survive_an_upgrade(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("TESTAMENT_QUEUE_NAMESPACE", raising=False)
        assert Settings().queue_namespace == "dramatiq"

    @pytest.mark.parametrize("bad", ["", "has space", "x" * 65, "a{b}"])
    def test_refuses_a_namespace_that_is_not_a_plain_key_prefix(self, bad: str) -> None:
        with pytest.raises(ValidationError):
            Settings(queue_namespace=bad)
