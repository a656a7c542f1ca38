"""The config context: runtime settings (ConfigurationEntry) and localized texts
(LocalizationEntry), each change an event of the `config` log."""

import logging
from collections.abc import Mapping
from string import Formatter

from eventsourcing.application import AggregateNotFoundError

from application.config.commands import EditText, ResetSetting, ResetText, SetSetting
from application.config.ports import SecretBox
from application.shared.base import TestamentApplication, Written, require_version
from domain.configuration.catalog import LIVE_SETTINGS, live_setting
from domain.configuration.model import ConfigurationEntry, entry_id
from domain.localization.model import LocalizationEntry, text_id
from domain.shared.errors import InvalidValueError, NotFoundError
from domain.shared.meta import Meta, system_meta
from domain.shared.values import require_text

CULTURES = ("en", "vi")
log = logging.getLogger(__name__)


class ConfigApplication(TestamentApplication):
    """Sets and resets runtime settings and edits localized texts; every change is audited
    as an event of its own log."""

    name = "config"

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        box: SecretBox,
        env_only: frozenset[str] = frozenset(),
        texts: Mapping[tuple[str, str], str] | None = None,
    ) -> None:
        super().__init__(env)
        self._box, self._env_only = box, env_only
        # The code's default of every text, by (name, culture): what may be edited.
        self.default_texts: Mapping[tuple[str, str], str] = texts or {}

    def set_setting(self, cmd: SetSetting) -> Written:
        """This function will give a runtime setting a value, in force at once.

        Raises InvalidValueError (an unknown or start-up key, a value breaking the setting's
        rule), VersionMismatchError.
        """
        setting = live_setting(cmd.key, env_only=self._env_only)
        value = setting.parse(cmd.value)
        stored = self._box.seal(value) if setting.is_sensitive else value
        description = require_text(
            "description",
            setting.description if cmd.description is None else cmd.description,
            max_length=500,
            allow_empty=True,
        )
        entry = self._entry(cmd.key)
        if entry is None:
            if cmd.expected_version is not None:
                raise NotFoundError(f"{cmd.key} has no value of its own to match If-Match with")
            entry = ConfigurationEntry(
                key=cmd.key,
                value=stored,
                description=description,
                is_sensitive=setting.is_sensitive,
                meta=cmd.meta,
            )
        else:
            require_version(entry, cmd.expected_version)
            entry.change(value=stored, description=description, meta=cmd.meta)
        return self.written(entry)

    def reset_setting(self, cmd: ResetSetting) -> Written:
        """This function will give a setting back to its default.

        Raises InvalidValueError (unknown key), NotFoundError (never set),
        SettingNotSetError (already at its default), VersionMismatchError.
        """
        live_setting(cmd.key, env_only=self._env_only)
        entry = self._entry(cmd.key)
        if entry is None:
            raise NotFoundError(f"{cmd.key} has never been set: it has its default value")
        require_version(entry, cmd.expected_version)
        entry.reset(meta=cmd.meta)
        return self.written(entry)

    def setting(self, key: str) -> ConfigurationEntry | None:
        """This function will load a setting's entry, if one was ever made."""
        return self._entry(key)

    def setting_values(self) -> dict[str, str]:
        """This function will give the value of every runtime setting an Admin set, opened:
        from the log itself, so a change is seen at once by every process that reloads."""
        values = {}
        for key in LIVE_SETTINGS:
            entry = self._entry(key)
            if entry is None or not entry.is_set:
                continue
            if not entry.is_sensitive:
                values[key] = entry.value
                continue
            try:
                values[key] = self._box.open(entry.value)
            except ValueError as error:  # a key changed without `testament rotate-secret-key`
                log.error(
                    "runtime setting %s cannot be opened, its default applies: %s", key, error
                )
        return values

    def _entry(self, key: str) -> ConfigurationEntry | None:
        try:
            found: ConfigurationEntry = self.repository.get(entry_id(key))
        except AggregateNotFoundError:
            return None
        return found

    # Localized texts.

    def seed_texts(self, meta: Meta) -> int:
        """This function will make an entry for every default text that has none yet (safe
        to run again); it returns how many it made."""
        missing = []
        for (name, culture), value in sorted(self.default_texts.items()):
            if self._text(name, culture) is None:
                missing.append(
                    LocalizationEntry(
                        name=name,
                        culture=culture,
                        value=value,
                        description=_describe(name),
                        meta=meta,
                    )
                )
        for start in range(0, len(missing), 200):
            self.save_and_locate(*missing[start : start + 200])
        return len(missing)

    def edit_text(self, cmd: EditText) -> Written:
        """This function will put an Admin's text in force.

        Raises NotFoundError (no such text), InvalidValueError, VersionMismatchError.
        """
        entry = self._known_text(cmd.name, cmd.culture)
        require_version(entry, cmd.expected_version)
        _require_placeholders(cmd.value, self.default_texts[(cmd.name, cmd.culture)])
        entry.edit(value=cmd.value, meta=cmd.meta)
        return self.written(entry)

    def reset_text(self, cmd: ResetText) -> Written:
        """This function will put a text's code default back in force.

        Raises NotFoundError, TextNotEditedError, VersionMismatchError.
        """
        entry = self._known_text(cmd.name, cmd.culture)
        require_version(entry, cmd.expected_version)
        entry.reset(default=self.default_texts[(cmd.name, cmd.culture)], meta=cmd.meta)
        return self.written(entry)

    def _known_text(self, name: str, culture: str) -> LocalizationEntry:
        if culture not in CULTURES:
            raise InvalidValueError("culture", f"must be one of {', '.join(CULTURES)}")
        if (name, culture) not in self.default_texts:
            raise NotFoundError(f"no text named {name!r} in {culture}")
        entry = self._text(name, culture)
        if entry is None:  # a text added by a release after the seed ran
            default = self.default_texts[(name, culture)]
            entry = LocalizationEntry(
                name=name,
                culture=culture,
                value=default,
                description=_describe(name),
                meta=system_meta("seeded from the code's default"),
            )
        return entry

    def _text(self, name: str, culture: str) -> LocalizationEntry | None:
        try:
            found: LocalizationEntry = self.repository.get(text_id(name, culture))
        except AggregateNotFoundError:
            return None
        return found


def _describe(name: str) -> str:
    kind, _, rest = name.partition(".")
    if kind == "problem":
        return f"title of the problem type /problems/{rest.rsplit('.', 1)[0]}"
    return f"{rest.rsplit('.', 1)[-1]} of the {rest.rsplit('.', 1)[0]} notification"


def _require_placeholders(value: str, default: str) -> None:
    """A template may use only the values its default is given ({name}, {token}...)."""
    try:
        used = {field for _, field, _, _ in Formatter().parse(value) if field is not None}
    except ValueError:
        raise InvalidValueError(
            "value", "has an unmatched { or }; write {{ or }} for one"
        ) from None
    allowed = {field for _, field, _, _ in Formatter().parse(default) if field is not None}
    unknown = sorted(used - allowed)
    if unknown:
        raise InvalidValueError(
            "value",
            f"uses {{{unknown[0]}}}, which this text is not given; it may use "
            + (", ".join(f"{{{f}}}" for f in sorted(allowed)) or "no placeholder"),
        )
