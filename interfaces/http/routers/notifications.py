"""A user's notification preferences for a project."""

from uuid import UUID

from fastapi import APIRouter

from application.notif.commands import SetNotificationPreferences
from domain.notifications.model import NotificationPreference
from interfaces.http.dependencies import Command, CurrentUser, RuntimeDep
from interfaces.http.schemas.notifications import (
    NotificationPreferencesPublic,
    NotificationPreferencesUpdate,
)

router = APIRouter(tags=["notifications"])


def _public(found: NotificationPreference, saved: bool) -> NotificationPreferencesPublic:
    return NotificationPreferencesPublic(
        project_id=found.project_id,
        run_finished=found.run_finished,  # type: ignore[arg-type]  # checked by the domain
        suite_waiting=found.suite_waiting,
        parse_failed=found.parse_failed,
        language=found.language,  # type: ignore[arg-type]
        sms_run_failed=found.sms_run_failed,
        version=found.version if saved else 0,
    )


@router.get(
    "/projects/{project_id}/notification-preferences",
    response_model=NotificationPreferencesPublic,
)
def get_preferences(
    project_id: UUID, user: CurrentUser, runtime: RuntimeDep
) -> NotificationPreferencesPublic:
    """The caller's preferences for the project (the defaults until changed)."""
    found = runtime.notif.owned_preferences(user.user_id, project_id)
    return _public(found, saved=not found.pending_events)


@router.put(
    "/projects/{project_id}/notification-preferences",
    response_model=NotificationPreferencesPublic,
)
def set_preferences(
    project_id: UUID, body: NotificationPreferencesUpdate, ctx: Command
) -> NotificationPreferencesPublic:
    """Replace the caller's preferences for the project."""
    written = ctx.runtime.notif.set_preferences(
        SetNotificationPreferences(
            project_id=project_id,
            requester_id=ctx.user_id,
            run_finished=body.run_finished,
            suite_waiting=body.suite_waiting,
            parse_failed=body.parse_failed,
            language=body.language,
            sms_run_failed=body.sms_run_failed,
            meta=ctx.meta,
        )
    )
    ctx.wrote(log=written.log, position=written.position, version=written.version)
    return _public(written.aggregate, saved=True)
