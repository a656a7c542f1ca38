"""What a published event of another context means to webhooks: which project, which
webhook events, and the documented data of each (docs/webhooks.md).

Read from the event stores (the source of truth), at the event's own version, so a
delivery describes the event as it happened, not what followed it.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import Application

from domain.webhooks.model import WebhookEvent


@dataclass(frozen=True, kw_only=True)
class WebhookSource:
    project_id: UUID
    event: str
    occurred_at: datetime
    data: dict[str, Any]


# outbox event type -> the log it is in
SOURCES = {
    "TestRun.Completed": "testexec",
    "TestRun.Failed": "testexec",
    "TestSuite.OrderProposed": "testgen",
    "TestSuite.ProposalApproved": "testgen",
    "TestSuite.ProposalModified": "testgen",
    "ApiSpecification.Parsed": "apidoc",
    "ApiSpecification.ParseFailed": "apidoc",
}


def webhook_sources(
    applications: dict[str, Application[UUID]], event_type: str, object_id: UUID, version: int
) -> list[WebhookSource]:
    """This function will describe a published event for webhooks (none for other events)."""
    log = SOURCES.get(event_type)
    if log is None:
        return []
    app = applications[log]
    stored = list(app.events.get(object_id, gt=version - 1, lte=version))
    if not stored:
        return []
    event = stored[0]
    aggregate: Any = app.repository.get(object_id, version=version)
    at: datetime = getattr(event, "timestamp")  # noqa: B009 - not on the protocol
    project_id: UUID = aggregate.project_id
    return [
        WebhookSource(project_id=project_id, event=name, occurred_at=at, data=data)
        for name, data in _describe(event_type, event, aggregate)
    ]


def _describe(event_type: str, event: Any, aggregate: Any) -> list[tuple[str, dict[str, Any]]]:
    if event_type.startswith("TestRun."):
        data = {
            "run_id": str(aggregate.id),
            "suite_id": str(aggregate.suite_id),
            "environment_id": str(aggregate.environment_id),
            "run_number": aggregate.run_number,
            "status": "Completed" if event_type == "TestRun.Completed" else "Failed",
            "passed": event.passed,
            "failed": event.failed,
            "skipped": event.skipped,
            "duration_ms": event.duration_ms,
            "completed_at": event.completed_at,
            "reason": getattr(event, "reason", ""),
        }
        events = [(WebhookEvent.RUN_COMPLETED.value, data)]
        if event_type == "TestRun.Failed" or event.failed > 0:
            events.append((WebhookEvent.RUN_FAILED.value, data))
        return events
    if event_type == "TestSuite.OrderProposed":
        return [
            (
                WebhookEvent.SUITE_ORDER_PROPOSED.value,
                {
                    "suite_id": str(aggregate.id),
                    "suite_name": aggregate.name,
                    "proposal_number": event.number,
                    "source": event.source,
                    "cases": len(event.proposed_order),
                },
            )
        ]
    if event_type.startswith("TestSuite."):
        return [
            (
                WebhookEvent.SUITE_APPROVED.value,
                {
                    "suite_id": str(aggregate.id),
                    "suite_name": aggregate.name,
                    "proposal_number": event.number,
                    "modified": event_type == "TestSuite.ProposalModified",
                    "cases": len(
                        event.user_order
                        if event_type == "TestSuite.ProposalModified"
                        else event.applied_order
                    ),
                },
            )
        ]
    if event_type == "ApiSpecification.Parsed":
        return [
            (
                WebhookEvent.SPEC_PARSED.value,
                {
                    "spec_id": str(aggregate.id),
                    "name": aggregate.name,
                    "source_type": event.source_type,
                    "title": event.title,
                    "api_version": event.api_version,
                },
            )
        ]
    return [
        (
            WebhookEvent.SPEC_PARSE_FAILED.value,
            {"spec_id": str(aggregate.id), "name": aggregate.name, "issues": event.issues},
        )
    ]
