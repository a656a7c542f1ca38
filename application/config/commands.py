"""Commands of the config context: frozen keyword-only dataclasses."""

from dataclasses import dataclass

from domain.shared.meta import Meta


@dataclass(frozen=True, kw_only=True)
class SetSetting:
    key: str
    value: str
    meta: Meta
    description: str | None = None  # None: the setting's own description
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class ResetSetting:
    """Give a setting back to its default (the environment's value, else the code's)."""

    key: str
    meta: Meta
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class EditText:
    name: str
    culture: str
    value: str
    meta: Meta
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class ResetText:
    name: str
    culture: str
    meta: Meta
    expected_version: int | None = None
