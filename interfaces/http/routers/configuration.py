"""Runtime settings and localized texts, for Admins: read, change, reset, history."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from application.config.commands import EditText, ResetSetting, ResetText, SetSetting
from application.config.queries import MASK, SettingSummary, TextRow, require_text_row
from application.shared.base import HistoryEntry, Written
from domain.configuration.model import ConfigurationEntry, entry_id
from domain.localization.model import LocalizationEntry, text_id
from interfaces.http.dependencies import (
    AdminUser,
    ExpectedVersion,
    MetaDep,
    ReadPosition,
    RuntimeDep,
    set_written_headers,
)
from interfaces.http.schemas.configuration import (
    Culture,
    SettingPublic,
    SettingsPublic,
    SettingUpdate,
    TextPublic,
    TextsPublic,
    TextUpdate,
)
from interfaces.http.schemas.projects import HistoryEntryPublic

router = APIRouter(prefix="/admin", tags=["configuration"])
_read_settings = Depends(ReadPosition("configuration_entries"))
_read_texts = Depends(ReadPosition("localization_entries"))


def _setting(found: SettingSummary) -> SettingPublic:
    return SettingPublic(**{k: getattr(found, k) for k in SettingPublic.model_fields})


def _written_setting(response: Response, written: Written) -> SettingPublic:
    set_written_headers(
        response, log=written.log, position=written.position, version=written.version
    )
    entry: ConfigurationEntry = written.aggregate
    return SettingPublic(
        id=entry.id,
        key=entry.key,
        value=MASK if entry.is_sensitive else entry.value,
        description=entry.description,
        is_sensitive=entry.is_sensitive,
        source="admin",
        version=entry.version,
        created_at=entry.created_on,
        updated_at=entry.modified_on,
    )


def _text(found: TextRow | LocalizationEntry) -> TextPublic:
    if isinstance(found, LocalizationEntry):
        return TextPublic(
            id=found.id,
            name=found.name,
            culture=found.culture,  # type: ignore[arg-type]  # checked by the application
            value=found.value,
            description=found.description,
            edited=found.edited,
            version=found.version,
            created_at=found.created_on,
            updated_at=found.modified_on,
        )
    return TextPublic(**{k: getattr(found, k) for k in TextPublic.model_fields})


def _history(entries: list[HistoryEntry]) -> list[HistoryEntryPublic]:
    return [
        HistoryEntryPublic(**{**entry.__dict__, "payload": _masked(entry.payload)})
        for entry in entries
    ]


def _masked(payload: dict[str, Any]) -> dict[str, Any]:
    return {
        k: MASK if isinstance(v, str) and v.startswith("sealed:") else v for k, v in payload.items()
    }


@router.get("/settings", response_model=SettingsPublic, dependencies=[_read_settings])
def list_settings(_admin: AdminUser, runtime: RuntimeDep) -> SettingsPublic:
    """Every runtime setting, in force: an Admin's value or the default (docs/configuration.md).
    Start-up settings are not here: they are read from the environment only."""
    return SettingsPublic(items=[_setting(s) for s in runtime.setting_queries.settings()])


@router.get("/settings/{key}", response_model=SettingPublic, dependencies=[_read_settings])
def get_setting(
    key: str, _admin: AdminUser, runtime: RuntimeDep, response: Response
) -> SettingPublic:
    """One runtime setting (422 naming the rule for a start-up or unknown key); its ETag is
    the If-Match of a change."""
    found = runtime.setting_queries.setting(key)
    response.headers["ETag"] = f'"{found.version}"'
    return _setting(found)


@router.put("/settings/{key}", response_model=SettingPublic)
def set_setting(
    key: str,
    body: SettingUpdate,
    _admin: AdminUser,
    meta: MetaDep,
    expected: ExpectedVersion,
    runtime: RuntimeDep,
    response: Response,
) -> SettingPublic:
    """Give a runtime setting a value, in force without a restart; If-Match refuses a lost
    update (412). A value breaking the setting's rule is a 422 naming the rule."""
    written = runtime.live_settings.set(
        SetSetting(
            key=key,
            value=body.value,
            description=body.description,
            meta=meta,
            expected_version=expected,
        )
    )
    return _written_setting(response, written)


@router.delete("/settings/{key}", response_model=SettingPublic)
def reset_setting(
    key: str,
    _admin: AdminUser,
    meta: MetaDep,
    expected: ExpectedVersion,
    runtime: RuntimeDep,
    response: Response,
) -> SettingPublic:
    """Give a setting back to its default (the environment's value, else the code's)."""
    written = runtime.live_settings.reset(
        ResetSetting(key=key, meta=meta, expected_version=expected)
    )
    set_written_headers(
        response, log=written.log, position=written.position, version=written.version
    )
    default = runtime.setting_queries.default(key)
    return _setting(default)


@router.get("/settings/{key}/history", response_model=list[HistoryEntryPublic])
def setting_history(key: str, _admin: AdminUser, runtime: RuntimeDep) -> list[HistoryEntryPublic]:
    """Every change of a setting, oldest first, sensitive values masked."""
    runtime.setting_queries.setting(key)  # an unknown key is a 422, as everywhere
    return _history(runtime.config.history(entry_id(key)))


@router.get("/texts", response_model=TextsPublic, dependencies=[_read_texts])
def list_texts(
    _admin: AdminUser,
    runtime: RuntimeDep,
    culture: Culture | None = None,
    prefix: Annotated[str | None, Query(max_length=200, pattern=r"^[a-z0-9_.-]*$")] = None,
) -> TextsPublic:
    """Problem titles (`problem.<slug>.title`) and notification templates
    (`notification.<kind>.subject` / `.body`), by name then culture."""
    return TextsPublic(items=[_text(t) for t in runtime.config_reader.texts(culture, prefix)])


@router.get("/texts/{culture}/{name}", response_model=TextPublic, dependencies=[_read_texts])
def get_text(
    culture: Culture, name: str, _admin: AdminUser, runtime: RuntimeDep, response: Response
) -> TextPublic:
    """One text in one language; its ETag is the If-Match of a change."""
    found = require_text_row(runtime.config_reader.text(name, culture), name, culture)
    response.headers["ETag"] = f'"{found.version}"'
    return _text(found)


@router.put("/texts/{culture}/{name}", response_model=TextPublic)
def edit_text(
    culture: Culture,
    name: str,
    body: TextUpdate,
    _admin: AdminUser,
    meta: MetaDep,
    expected: ExpectedVersion,
    runtime: RuntimeDep,
    response: Response,
) -> TextPublic:
    """Put an edited text in force (a template may use only its default's placeholders)."""
    written = runtime.texts.edit(
        EditText(name=name, culture=culture, value=body.value, meta=meta, expected_version=expected)
    )
    set_written_headers(
        response, log=written.log, position=written.position, version=written.version
    )
    return _text(written.aggregate)


@router.delete("/texts/{culture}/{name}", response_model=TextPublic)
def reset_text(
    culture: Culture,
    name: str,
    _admin: AdminUser,
    meta: MetaDep,
    expected: ExpectedVersion,
    runtime: RuntimeDep,
    response: Response,
) -> TextPublic:
    """Put the code's default text back in force (409 when it is not edited)."""
    written = runtime.texts.reset(
        ResetText(name=name, culture=culture, meta=meta, expected_version=expected)
    )
    set_written_headers(
        response, log=written.log, position=written.position, version=written.version
    )
    return _text(written.aggregate)


@router.get("/texts/{culture}/{name}/history", response_model=list[HistoryEntryPublic])
def text_history(
    culture: Culture, name: str, _admin: AdminUser, runtime: RuntimeDep
) -> list[HistoryEntryPublic]:
    """Every change of a text, oldest first."""
    return _history(runtime.config.history(text_id(name, culture)))
