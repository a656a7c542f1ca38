"""<module>.outbox_messages: the events of one context, queued for publication."""

from functools import singledispatchmethod
from typing import Any

from projections.base import Projection
from projections.outbox.view import OutboxMessage, OutboxView
from projections.shared import actor_id, event_id, event_meta, event_payload_json, event_type


class OutboxProjection(Projection[OutboxView]):
    """One outbox message per event of the followed context, with a stable id."""

    name = "outbox"

    @singledispatchmethod
    def process_event(self, domain_event: Any) -> None:
        self.view.add_message(
            OutboxMessage(
                id=event_id(domain_event),
                event_type=event_type(domain_event),
                triggered_by_id=actor_id(domain_event),
                object_id=str(domain_event.originator_id),
                payload=event_payload_json(domain_event),
                activity_id=event_meta(domain_event).get("correlation_id"),
                created_date_time=domain_event.timestamp,
                row_version=domain_event.originator_version,
            )
        )


class ApidocOutboxProjection(OutboxProjection):
    """apidoc.outbox_messages."""

    name = "apidoc_outbox"
    follows = ("apidoc",)


class TestexecOutboxProjection(OutboxProjection):
    """testexec.outbox_messages: a queued run reaches the worker through it."""

    __test__ = False
    name = "testexec_outbox"
    follows = ("testexec",)


class TestgenOutboxProjection(OutboxProjection):
    """testgen.outbox_messages: suites and cases changed, for webhooks and notifications."""

    __test__ = False
    name = "testgen_outbox"
    follows = ("testgen",)


class StorageOutboxProjection(OutboxProjection):
    """storage.outbox_messages: files uploaded, deleted and restored."""

    name = "storage_outbox"
    follows = ("storage",)


class SubOutboxProjection(OutboxProjection):
    """sub.outbox_messages: plan and subscription changes, for other contexts to react to."""

    name = "sub_outbox"
    follows = ("sub",)


class LlmOutboxProjection(OutboxProjection):
    """llm.outbox_messages: every recorded call to the model, for whoever counts usage."""

    name = "llm_outbox"
    follows = ("llm",)


class TestreportOutboxProjection(OutboxProjection):
    """testreport.outbox_messages: a requested report reaches the worker through it."""

    __test__ = False
    name = "testreport_outbox"
    follows = ("testreport",)
