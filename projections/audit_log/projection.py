"""auditlog.audit_log_entries: every domain event of every context."""

import json
from functools import singledispatchmethod
from typing import Any, ClassVar

from domain.shared.reads import SensitiveRead
from projections.audit_log.view import AuditEntry, AuditLogView
from projections.base import Projection
from projections.shared import actor_id, event_id, event_meta, event_payload_json, event_type

# Secrets never reach the audit log, even hashed.
_REDACTED_FIELDS = ("password_hash",)
_SEALED = "sealed:"


class AuditLogProjection(Projection[AuditLogView]):
    """One entry per event: who did what to which object, with the request's context."""

    name = "audit_log"
    follows: ClassVar[tuple[str, ...]] = (
        "identity",
        "apidoc",
        "storage",
        "testgen",
        "testexec",
        "notif",
        "sub",
        "llm",
        "testreport",
        "config",
    )

    @singledispatchmethod
    def process_event(self, domain_event: Any) -> None:
        payload = json.loads(event_payload_json(domain_event))
        for field in _REDACTED_FIELDS:
            if field in payload:
                payload[field] = "***"
        for field, value in payload.items():
            # A sealed value (a sensitive setting's, a secret's) is shown as masked, not as
            # its ciphertext: which key opens it is no business of the audit log's readers.
            if isinstance(value, str) and value.startswith(_SEALED):
                payload[field] = "***"
        meta = event_meta(domain_event)
        log = {
            "version": domain_event.originator_version,
            "ip": meta.get("ip"),
            "user_agent": meta.get("user_agent"),
            "correlation_id": meta.get("correlation_id"),
            "reason": meta.get("reason"),
            "payload": payload,
        }
        if meta.get("api_key_id"):  # made with an API key: its owner is the user
            log["api_key_id"] = meta["api_key_id"]
        self.view.append(
            AuditEntry(
                id=event_id(domain_event),
                user_id=actor_id(domain_event),
                action=event_type(domain_event),
                object_id=(
                    domain_event.object_id
                    if isinstance(domain_event, SensitiveRead.Recorded)
                    else str(domain_event.originator_id)
                ),
                log=json.dumps(log, sort_keys=True),
                created_date_time=domain_event.timestamp,
                row_version=domain_event.originator_version,
                module=self.at[0] if self.at else None,
                position=self.at[1] if self.at else None,
            )
        )


class SubAuditLogProjection(AuditLogProjection):
    """sub.audit_log_entries (the ERD's sub_AuditLogEntries): the sub context's events."""

    name = "sub_audit_log"
    follows = ("sub",)


class LlmAuditLogProjection(AuditLogProjection):
    """llm.audit_log_entries: the llm context's own audit log, as the ERD has it."""

    name = "llm_audit_log"
    follows = ("llm",)
