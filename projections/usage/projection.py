"""sub.usage_trackings, fed from the events of every context (§3.7 UsageTracking).

Counts that stand (projects, endpoints, suites, cases, storage) carry over from one month's
row to the next; counts per period (runs, LLM calls answered) start at zero each month. Every update
is a difference added to a row, so the rows come out the same whatever order the logs are
replayed in (a rebuild follows each log on its own)."""

from functools import singledispatchmethod
from typing import Any

from domain.files.model import FileEntry
from domain.llm.model import InteractionOutcome, LlmInteraction
from domain.projects.model import Project
from domain.runs.model import TestRun
from domain.specifications.model import ApiSpecification
from domain.subscriptions.periods import month_of
from domain.subscriptions.subscription import UserSubscription
from domain.suites.model import TestSuite
from domain.testcases.model import TestCase
from projections.base import Projection
from projections.shared import actor_id
from projections.usage.view import UsageView


class UsageProjection(Projection[UsageView]):
    """What each user used, per calendar month."""

    name = "usage"
    follows = ("sub", "apidoc", "testgen", "testexec", "storage", "llm")

    @singledispatchmethod
    def process_event(self, domain_event: Any) -> None:
        """This function will ignore events that use nothing."""

    @process_event.register
    def _(self, e: UserSubscription.Assigned) -> None:
        start, end = month_of(e.timestamp.date())
        self.view.open_period(e.user_id, start=start, end=end, at=e.timestamp)

    @process_event.register
    def _(self, e: Project.Created) -> None:
        self._measure(e, "project_count", 1, owner_id=e.owner_id)

    @process_event.register
    def _(self, e: Project.Archived) -> None:
        self._measure(e, "project_count", 0)

    @process_event.register
    def _(self, e: Project.Restored) -> None:
        self._measure(e, "project_count", 1)

    @process_event.register
    def _(self, e: ApiSpecification.Uploaded) -> None:
        self._measure(e, "endpoint_count", 0, owner_id=e.owner_id)

    @process_event.register
    def _(self, e: ApiSpecification.Parsed) -> None:
        self._measure(e, "endpoint_count", len(e.specification.get("endpoints") or []))

    @process_event.register
    def _(self, e: TestSuite.Created) -> None:
        owner = actor_id(e)
        if owner is not None:
            self._measure(e, "test_suite_count", 1, owner_id=owner)

    @process_event.register
    def _(self, e: TestCase.Created) -> None:
        self._measure(e, "test_case_count", 1, parent_id=e.suite_id)

    @process_event.register
    def _(self, e: TestCase.Deleted) -> None:
        self._measure(e, "test_case_count", 0)

    @process_event.register
    def _(self, e: FileEntry.Uploaded) -> None:
        self._measure(e, "storage_used_mb", e.size, owner_id=e.owner_id)

    @process_event.register
    def _(self, e: FileEntry.Deleted) -> None:
        self._measure(e, "storage_used_mb", 0)

    @process_event.register
    def _(self, e: TestRun.Queued) -> None:
        start, end = month_of(e.timestamp.date())
        self.view.count(e.owner_id, column="test_run_count", start=start, end=end, at=e.timestamp)

    @process_event.register
    def _(self, e: LlmInteraction.Recorded) -> None:
        # A call the model answered (validly or not) is a call paid for; one that got no
        # answer (timeout, 5xx, refused) is not counted.
        if e.outcome == InteractionOutcome.FAILED:
            return
        start, end = month_of(e.timestamp.date())
        self.view.count(e.user_id, column="llm_call_count", start=start, end=end, at=e.timestamp)

    def _measure(self, e: Any, column: str, amount: int, **owner: Any) -> None:
        start, end = month_of(e.timestamp.date())
        self.view.measure(
            e.originator_id,
            column=column,
            amount=amount,
            start=start,
            end=end,
            at=e.timestamp,
            **owner,
        )
