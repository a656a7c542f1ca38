"""Which published event starts which work: the outbox's routes, in one table.

This replaces the handlers each actor module registered at import time with `subscribe`:
the publisher now sends each event straight to the actor that does its work. The actor and
queue names are stored schema (messages wait under them in Redis); a test checks that each
route names a declared actor on its own queue.
"""

from infrastructure.contexts.webhook_sources import SOURCES
from infrastructure.messaging.outbox import Consumer, Consumers, Route, Routes
from infrastructure.settings import Settings
from infrastructure.webhooks.adapters import DELIVER_QUEUE, MESSAGES_QUEUE

# The consumers of published events: a project's webhooks and its people's e-mails.
WEBHOOK_FAN_OUT = Consumer("notif.webhook_fan_out", DELIVER_QUEUE)
EMAIL_NOTICE = Consumer("notif.email_notice", MESSAGES_QUEUE)

RUN_QUEUED = "TestRun.Queued"
SPEC_UPLOADED = "ApiSpecification.Uploaded"


def outbox_routes(settings: Settings) -> Routes:
    """This function will name, per event type, the message the publisher sends for it."""
    return {
        RUN_QUEUED: Route("testexec.execute_run", "runs", "run_id"),
        # The deployment's parse limit travels with the message: an actor's own limit is
        # fixed when its module is imported.
        SPEC_UPLOADED: Route(
            "apidoc.parse_specification",
            "parsing",
            "spec_id",
            {"time_limit": settings.parse_time_limit_seconds * 1000},
        ),
    }


def outbox_consumers() -> Consumers:
    """This function will name, per event type, the actors told of every such event."""
    return {event_type: (WEBHOOK_FAN_OUT, EMAIL_NOTICE) for event_type in SOURCES}
