"""auditlog.audit_log_entries: every domain event of every context."""

import json
from functools import singledispatchmethod
from typing import Any

from domain.shared.reads import SensitiveRead
from projections.audit_log.view import AuditEntry, AuditLogView
from projections.base import Projection
from projections.shared import actor_id, event_id, event_meta, event_payload_json, event_type

# Secrets never reach the audit log, even hashed.
_REDACTED_FIELDS = ("password_hash",)


class AuditLogProjection(Projection[AuditLogView]):
    """One entry per event: who did what to which object, with the request's context."""

    name = "audit_log"
    follows = ("identity", "apidoc", "storage", "testgen", "testexec")

    @singledispatchmethod
    def process_event(self, domain_event: Any) -> None:
        payload = json.loads(event_payload_json(domain_event))
        for field in _REDACTED_FIELDS:
            if field in payload:
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
