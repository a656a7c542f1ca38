"""What the config context reads: its read tables' rows, and the settings in force."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.configuration.catalog import LIVE_SETTINGS, live_setting
from domain.configuration.model import entry_id
from domain.shared.errors import NotFoundError

MASK = "***"


@dataclass(frozen=True, kw_only=True)
class SettingRow:
    """A row of config.configuration_entries (a sensitive value is there as MASK)."""

    id: UUID
    key: str
    value: str
    description: str
    is_sensitive: bool
    is_set: bool
    version: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, kw_only=True)
class SettingSummary:
    """A runtime setting as an Admin sees it: in force, and where its value comes from."""

    key: str
    value: str  # MASK for a sensitive value that is set
    description: str
    is_sensitive: bool
    source: str  # "admin" (set through the API) or "default" (environment, else code)
    id: UUID
    version: int
    created_at: datetime | None
    updated_at: datetime | None


@dataclass(frozen=True, kw_only=True)
class TextRow:
    """A row of config.localization_entries."""

    id: UUID
    name: str
    value: str
    culture: str
    description: str
    edited: bool
    version: int
    created_at: datetime
    updated_at: datetime


class ConfigurationReader(Protocol):
    def settings(self) -> list[SettingRow]: ...


class LocalizationReader(Protocol):
    def texts(self, culture: str | None, prefix: str | None) -> list[TextRow]: ...

    def text(self, name: str, culture: str) -> TextRow | None: ...

    def edited(self) -> tuple[dict[tuple[str, str], str], int]:
        """The texts an Admin edited, by (name, culture), and the log position they are at."""
        ...


class SettingQueries:
    """The runtime settings in force: each set one from its row, the others at their
    default (the environment's value, else the code's), sensitive values masked."""

    def __init__(
        self,
        reader: ConfigurationReader,
        defaults: Mapping[str, str],
        *,
        env_only: frozenset[str],
    ) -> None:
        self._reader, self._defaults, self._env_only = reader, defaults, env_only

    def settings(self) -> list[SettingSummary]:
        rows = {row.key: row for row in self._reader.settings() if row.is_set}
        return [self._summary(key, rows.get(key)) for key in sorted(LIVE_SETTINGS)]

    def setting(self, key: str) -> SettingSummary:
        """Raises InvalidValueError (unknown or start-up key)."""
        live_setting(key, env_only=self._env_only)
        rows = [row for row in self._reader.settings() if row.key == key and row.is_set]
        return self._summary(key, rows[0] if rows else None)

    def default(self, key: str) -> SettingSummary:
        """A setting at its default (as it is just after a reset)."""
        live_setting(key, env_only=self._env_only)
        return self._summary(key, None)

    def _summary(self, key: str, row: SettingRow | None) -> SettingSummary:
        setting = LIVE_SETTINGS[key]
        if row is not None:
            return SettingSummary(
                key=key,
                value=row.value,
                description=row.description,
                is_sensitive=row.is_sensitive,
                source="admin",
                id=row.id,
                version=row.version,
                created_at=row.created_at,
                updated_at=row.updated_at,
            )
        default = self._defaults.get(key, "")
        return SettingSummary(
            key=key,
            value=MASK if setting.is_sensitive and default else default,
            description=setting.description,
            is_sensitive=setting.is_sensitive,
            source="default",
            id=entry_id(key),
            version=0,
            created_at=None,
            updated_at=None,
        )


def require_text_row(found: TextRow | None, name: str, culture: str) -> TextRow:
    if found is None:
        raise NotFoundError(f"no text named {name!r} in {culture}")
    return found
