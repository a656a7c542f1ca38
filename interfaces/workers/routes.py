"""Which published event starts which work: the outbox's routes, in one table.

This replaces the handlers each actor module registered at import time with `subscribe`:
the publisher now sends each event straight to the actor that does its work. The actor and
queue names are stored schema (messages wait under them in Redis); a test checks that each
route names a declared actor on its own queue.
"""

from infrastructure.messaging.outbox import Route, Routes
from infrastructure.settings import Settings

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
