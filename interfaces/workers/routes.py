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

# The consumers of published events: a project's webhooks and its people's e-mails, a run's
# capture for reports, requested reports, suggestions, AI orders and documents, the first failures
# explained.
WEBHOOK_FAN_OUT = Consumer("notif.webhook_fan_out", DELIVER_QUEUE)
EMAIL_NOTICE = Consumer("notif.email_notice", MESSAGES_QUEUE)
CAPTURE_RUN = Consumer("testreport.capture_run", "reports", "run_id")
GENERATE_REPORT = Consumer("testreport.generate_report", "reports", "report_id")
SUGGEST_SCENARIOS = Consumer("llm.suggest_scenarios", "llm", "list_id")
PROPOSE_ORDER = Consumer("llm.propose_order", "llm", "request_id")
PARSE_DOCUMENTATION = Consumer("llm.parse_documentation", "llm", "draft_id")
EXPLAIN_FIRST_FAILURES = Consumer("llm.explain_first_failures", "llm", "run_id")
# Every way a run ends: a cancelled or failed run covered what it sent before it stopped.
RUN_ENDED = ("TestRun.Completed", "TestRun.Failed", "TestRun.Cancelled")

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


def outbox_consumers(settings: Settings) -> Consumers:
    """This function will name, per event type, the actors told of every such event."""
    found: dict[str, list[Consumer]] = {}
    for event_type in SOURCES:
        found.setdefault(event_type, []).extend((WEBHOOK_FAN_OUT, EMAIL_NOTICE))
    for event_type in RUN_ENDED:
        found.setdefault(event_type, []).append(CAPTURE_RUN)
    found.setdefault("TestReport.Requested", []).append(GENERATE_REPORT)
    found.setdefault("SuggestionList.Requested", []).append(SUGGEST_SCENARIOS)
    found.setdefault("AiOrderRequest.Requested", []).append(PROPOSE_ORDER)
    found.setdefault("DocumentationDraft.Requested", []).append(PARSE_DOCUMENTATION)
    if settings.llm_configured and settings.llm_auto_explain_failures > 0:
        found.setdefault("TestRun.Completed", []).append(EXPLAIN_FIRST_FAILURES)
    return {event_type: tuple(consumers) for event_type, consumers in found.items()}
