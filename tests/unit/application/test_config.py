"""The config application on the in-memory store, and the cached ports over it: settings
checked by their rule and sealed when sensitive, texts edited and reset, caches that
expire and forget on a change."""

from collections.abc import Iterator
from uuid import uuid4

import pytest

from application.config.app import ConfigApplication
from application.config.commands import EditText, ResetSetting, ResetText, SetSetting
from application.config.live import EditedTexts, LiveSettings
from application.config.queries import MASK, SettingQueries, SettingRow, TextRow
from domain.configuration.model import SettingNotSetError, entry_id
from domain.localization.model import TextNotEditedError
from domain.shared.errors import InvalidValueError, NotFoundError, VersionMismatchError
from infrastructure.security.secrets import AesGcmSecretBox
from tests.unit.builders import POPO, a_meta

DEFAULTS = {
    ("problem.forbidden.title", "vi"): "Không có quyền",
    ("notification.run_finished.subject", "en"): "Run #{run_number} {status}",
}


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def app() -> Iterator[ConfigApplication]:
    config = ConfigApplication(
        POPO,
        box=AesGcmSecretBox("k" * 40, purpose="config-settings"),
        env_only=frozenset({"database_url"}),
        texts=DEFAULTS,
    )
    yield config
    config.close()


def a_setting(key: str, value: str, **kwargs: object) -> SetSetting:
    return SetSetting(key=key, value=value, meta=a_meta(), **kwargs)  # type: ignore[arg-type]


class TestSetSetting:
    def test_stores_a_checked_value_and_changes_it_at_the_same_id(
        self, app: ConfigApplication
    ) -> None:
        first = app.set_setting(a_setting("webhook_max_attempts", " 04 "))
        second = app.set_setting(a_setting("webhook_max_attempts", "5", expected_version=1))
        assert first.aggregate_id == second.aggregate_id == entry_id("webhook_max_attempts")
        assert app.setting_values() == {"webhook_max_attempts": "5"}
        assert second.version == 2

    def test_seals_a_sensitive_value_in_the_log_and_opens_it_for_use(
        self, app: ConfigApplication
    ) -> None:
        app.set_setting(a_setting("smtp_password", "hunter2-secret"))
        [created] = app.events.get(entry_id("smtp_password"))
        assert created.value.startswith("sealed:") and "hunter2" not in created.value
        assert app.setting_values() == {"smtp_password": "hunter2-secret"}

    def test_a_value_that_no_longer_opens_gives_way_to_the_default(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        box = AesGcmSecretBox("k" * 40, purpose="config-settings")
        app = ConfigApplication(POPO, box=box, texts=DEFAULTS)
        app.set_setting(a_setting("smtp_password", "old-key-secret"))
        # The secret key changed without `testament rotate-secret-key`.
        app._box = AesGcmSecretBox("z" * 40, purpose="config-settings")  # type: ignore[attr-defined]
        with caplog.at_level("ERROR"):
            assert app.setting_values() == {}
        assert "smtp_password cannot be opened" in caplog.text
        app.close()

    @pytest.mark.parametrize(
        ("key", "value", "message"),
        [
            ("nothing", "1", "unknown setting 'nothing'"),
            ("database_url", "x", "TESTAMENT_DATABASE_URL and restart"),
            ("webhook_max_attempts", "51", "from 1 to 50"),
            ("webhook_max_attempts", "²", "from 1 to 50"),
            ("registration", "maybe", "open, invite-only, closed"),
            ("email_from", "a\r\nBcc: x@y.z", "e-mail address"),
            ("smtp_password", "", "1 to 1024 characters"),
        ],
    )
    def test_refuses_naming_the_rule(
        self, app: ConfigApplication, key: str, value: str, message: str
    ) -> None:
        with pytest.raises(InvalidValueError) as refused:
            app.set_setting(a_setting(key, value))
        assert message in refused.value.message

    def test_refuses_a_stale_version(self, app: ConfigApplication) -> None:
        app.set_setting(a_setting("registration", "closed"))
        with pytest.raises(VersionMismatchError):
            app.set_setting(a_setting("registration", "open", expected_version=3))
        with pytest.raises(NotFoundError):
            app.set_setting(a_setting("email_from", "a@b.cd", expected_version=1))

    def test_a_same_value_records_nothing(self, app: ConfigApplication) -> None:
        app.set_setting(a_setting("registration", "closed"))
        again = app.set_setting(a_setting("registration", "closed"))
        assert again.version == 1


class TestResetSetting:
    def test_gives_the_setting_back_to_its_default(self, app: ConfigApplication) -> None:
        app.set_setting(a_setting("registration", "closed"))
        app.reset_setting(ResetSetting(key="registration", meta=a_meta()))
        assert app.setting_values() == {}
        entry = app.setting("registration")
        assert entry is not None and entry.is_set is False
        with pytest.raises(SettingNotSetError):
            app.reset_setting(ResetSetting(key="registration", meta=a_meta()))

    def test_refuses_a_setting_never_set(self, app: ConfigApplication) -> None:
        with pytest.raises(NotFoundError):
            app.reset_setting(ResetSetting(key="email_from", meta=a_meta()))
        assert app.setting("email_from") is None


class TestTexts:
    def test_are_seeded_once_then_edited_and_reset(self, app: ConfigApplication) -> None:
        assert app.seed_texts(a_meta()) == 2
        assert app.seed_texts(a_meta()) == 0
        edit = EditText(name="problem.forbidden.title", culture="vi", value="Cấm", meta=a_meta())
        assert app.edit_text(edit).version == 2
        reset = ResetText(name="problem.forbidden.title", culture="vi", meta=a_meta())
        written = app.reset_text(reset)
        assert written.aggregate.value == "Không có quyền" and written.aggregate.edited is False
        with pytest.raises(TextNotEditedError):
            app.reset_text(reset)

    def test_an_unseeded_known_text_is_made_on_its_first_edit(self, app: ConfigApplication) -> None:
        written = app.edit_text(
            EditText(
                name="notification.run_finished.subject",
                culture="en",
                value="Run {run_number}: {status}",
                meta=a_meta(),
            )
        )
        assert [e.__class__.__name__ for e in app.events.get(written.aggregate_id)] == [
            "Created",
            "Edited",
        ]

    @pytest.mark.parametrize(
        ("name", "culture", "value", "error"),
        [
            ("problem.nothing.title", "vi", "x", NotFoundError),
            ("problem.forbidden.title", "fr", "x", InvalidValueError),
            ("problem.forbidden.title", "vi", "   ", InvalidValueError),
            ("notification.run_finished.subject", "en", "{secret}", InvalidValueError),
            ("notification.run_finished.subject", "en", "Run }", InvalidValueError),
        ],
    )
    def test_refuse_an_unknown_text_or_a_bad_value(
        self,
        app: ConfigApplication,
        name: str,
        culture: str,
        value: str,
        error: type[Exception],
    ) -> None:
        with pytest.raises(error):
            app.edit_text(EditText(name=name, culture=culture, value=value, meta=a_meta()))


class TestLiveSettings:
    def test_reads_again_after_its_time_or_at_once_after_a_change_here(
        self, app: ConfigApplication
    ) -> None:
        ticks = Ticks()
        live = LiveSettings(app, {"registration": "open"}, monotonic=ticks, ttl_seconds=5)
        assert live.value("registration") == "open"
        app.set_setting(a_setting("registration", "closed"))  # another process's change
        assert live.value("registration") == "open"  # cached
        ticks.now = 5.0
        assert live.value("registration") == "closed"
        live.reset(ResetSetting(key="registration", meta=a_meta()))
        assert live.value("registration") == "open"
        live.set(a_setting("registration", "invite-only"))
        assert live.value("registration") == "invite-only"
        assert live.value("no_default") == ""

    def test_logs_a_sensitive_value_masked(
        self, app: ConfigApplication, caplog: pytest.LogCaptureFixture
    ) -> None:
        live = LiveSettings(app, {}, monotonic=Ticks())
        with caplog.at_level("INFO"):
            live.set(a_setting("smtp_password", "plain-words"))
        assert "plain-words" not in caplog.text and MASK in caplog.text
        assert live.value("smtp_password") == "plain-words"


class FakeTexts:
    def __init__(self) -> None:
        self.edited: dict[tuple[str, str], str] = {}
        self.position = 0
        self.reads = 0

    def texts(self, culture: str | None, prefix: str | None) -> list[TextRow]:
        return []

    def text(self, name: str, culture: str) -> TextRow | None:
        return None

    def edited_texts(self) -> tuple[dict[tuple[str, str], str], int]:
        self.reads += 1
        return dict(self.edited), self.position


class TestEditedTexts:
    def test_wait_for_the_read_table_to_reach_a_change_made_here(
        self, app: ConfigApplication
    ) -> None:
        reader = FakeTexts()
        ticks = Ticks()
        texts = EditedTexts(app, _Reader(reader), monotonic=ticks, ttl_seconds=5)
        app.seed_texts(a_meta())
        assert texts.text("problem.forbidden.title", "vi") is None
        written = texts.edit(
            EditText(name="problem.forbidden.title", culture="vi", value="Cấm", meta=a_meta())
        )
        assert texts.text("problem.forbidden.title", "vi") is None  # not projected yet
        reader.edited = {("problem.forbidden.title", "vi"): "Cấm"}
        reader.position = written.position
        assert texts.text("problem.forbidden.title", "vi") == "Cấm"
        reads = reader.reads
        assert texts.text("problem.forbidden.title", "vi") == "Cấm"
        assert reader.reads == reads  # caught up: cached until its time is over
        texts.reset(ResetText(name="problem.forbidden.title", culture="vi", meta=a_meta()))
        reader.edited, ticks.now = {}, 10.0
        assert texts.text("problem.forbidden.title", "vi") is None


class Broken:
    def texts(self, culture: str | None, prefix: str | None) -> list[TextRow]:
        return []

    def text(self, name: str, culture: str) -> TextRow | None:
        return None

    def edited(self) -> tuple[dict[tuple[str, str], str], int]:
        raise RuntimeError("relation config.localization_entries does not exist")


def test_unreadable_texts_give_way_to_the_defaults(
    app: ConfigApplication, caplog: pytest.LogCaptureFixture
) -> None:
    texts = EditedTexts(app, Broken(), monotonic=Ticks())
    with caplog.at_level("WARNING"):
        assert texts.text("problem.forbidden.title", "vi") is None
    assert "the code's defaults apply" in caplog.text


class _Reader:
    def __init__(self, fake: FakeTexts) -> None:
        self._fake = fake

    def texts(self, culture: str | None, prefix: str | None) -> list[TextRow]:
        return self._fake.texts(culture, prefix)

    def text(self, name: str, culture: str) -> TextRow | None:
        return self._fake.text(name, culture)

    def edited(self) -> tuple[dict[tuple[str, str], str], int]:
        return self._fake.edited_texts()


class Rows:
    def __init__(self, rows: list[SettingRow]) -> None:
        self.rows = rows

    def settings(self) -> list[SettingRow]:
        return self.rows


class TestSettingQueries:
    def test_list_every_runtime_setting_with_its_source_and_masked_defaults(self) -> None:
        from datetime import UTC, datetime

        at = datetime(2026, 1, 1, tzinfo=UTC)
        row = SettingRow(
            id=uuid4(),
            key="registration",
            value="closed",
            description="who",
            is_sensitive=False,
            is_set=True,
            version=2,
            created_at=at,
            updated_at=at,
        )
        queries = SettingQueries(
            Rows([row]),
            {"registration": "open", "smtp_password": "from-env"},
            env_only=frozenset({"database_url"}),
        )
        found = {s.key: s for s in queries.settings()}
        assert (found["registration"].value, found["registration"].source) == ("closed", "admin")
        assert (found["smtp_password"].value, found["smtp_password"].source) == (MASK, "default")
        assert found["email_from"].value == "" and found["email_from"].version == 0
        assert queries.setting("registration").version == 2
        assert queries.default("registration").value == "open"
        with pytest.raises(InvalidValueError):
            queries.setting("database_url")
