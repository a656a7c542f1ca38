import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from application.identity.policy import RegistrationMode
from infrastructure.settings import Settings
from interfaces.cli.console import NOISY_LOGGERS, divert_embedded_logs, greeting


def embedded(tmp_path: Path, **overrides: object) -> Settings:
    return Settings(database_url=None, redis_url=None, data_dir=tmp_path, **overrides)  # type: ignore[arg-type]


@pytest.fixture
def restore_loggers() -> Iterator[None]:
    yield
    for name in NOISY_LOGGERS:
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
            handler.close()
        logger.propagate = True
        logger.setLevel(logging.NOTSET)


class TestGreeting:
    def test_tells_a_newcomer_the_urls_the_data_and_how_to_stop(self, tmp_path: Path) -> None:
        text = greeting(embedded(tmp_path, host="127.0.0.1", port=8123))

        assert "http://127.0.0.1:8123/docs" in text
        assert "http://127.0.0.1:8123/health" in text
        assert str(tmp_path.resolve()) in text
        assert "Ctrl+C" in text

    def test_shows_how_to_register_when_registration_is_open(self, tmp_path: Path) -> None:
        text = greeting(embedded(tmp_path, registration=RegistrationMode.OPEN, port=8123))

        assert "curl -X POST http://127.0.0.1:8123/auth/register" in text

    def test_points_to_the_admin_command_when_registration_is_not_open(
        self, tmp_path: Path
    ) -> None:
        text = greeting(embedded(tmp_path, registration=RegistrationMode.INVITE_ONLY))

        assert "/auth/register" not in text
        assert "Registration is invite-only" in text
        assert "testament users create-admin --email" in text


class TestDivertEmbeddedLogs:
    @pytest.mark.usefixtures("restore_loggers")
    def test_writes_the_embedded_servers_logs_to_a_file_not_the_console(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        path = divert_embedded_logs(embedded(tmp_path, log_level="INFO"))

        logging.getLogger(NOISY_LOGGERS[0]).info("initdb says a lot")

        assert path is not None
        assert "initdb says a lot" in path.read_text()
        assert "initdb says a lot" not in caplog.text

    def test_keeps_them_on_the_console_at_debug(self, tmp_path: Path) -> None:
        assert divert_embedded_logs(embedded(tmp_path, log_level="DEBUG")) is None
        assert not (tmp_path / "logs").exists()
