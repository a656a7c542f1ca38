"""The SuggestionList aggregate: scenarios a model proposed for chosen endpoints, each
accepted, edited or rejected by a person before any of them becomes a case (FE-06)."""

from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.shared.errors import ConflictError, InvalidValueError
from domain.shared.meta import Meta


class SuggestionStatus(StrEnum):
    """Where a list stands: waiting for the model, reviewable, given up, or made a suite."""

    PENDING = "Pending"
    READY = "Ready"
    FAILED = "Failed"
    COMMITTED = "Committed"


class Decision(StrEnum):
    PENDING = "Pending"
    ACCEPTED = "Accepted"
    REJECTED = "Rejected"


class SuggestionStateError(ConflictError):
    """A list that cannot take this step in its state (not ready, already a suite)."""


class SuggestionList(Aggregate):
    """The suggestions for some endpoints of one project, and what the reviewer decided."""

    class Requested(Aggregate.Created):
        owner_id: UUID
        project_id: UUID
        endpoint_keys: list[str]
        meta: Meta

    @event(Requested)
    def __init__(
        self, *, owner_id: UUID, project_id: UUID, endpoint_keys: list[str], meta: Meta
    ) -> None:
        self.owner_id = owner_id
        self.project_id = project_id
        self.endpoint_keys = endpoint_keys
        self.status = SuggestionStatus.PENDING
        self.items: list[dict[str, Any]] = []
        self.model = ""
        self.tokens_used = 0
        self.reason = ""
        self.suite_id: str | None = None

    class Proposed(Aggregate.Event):
        cases: list[dict[str, Any]]
        rationales: list[str]
        model: str
        tokens_used: int
        meta: Meta

    def propose(
        self,
        *,
        cases: list[dict[str, Any]],
        rationales: list[str],
        model: str,
        tokens_used: int,
        meta: Meta,
    ) -> None:
        """This function will hold the model's suggestions for review (once)."""
        self._require(SuggestionStatus.PENDING)
        self._propose(
            cases=cases, rationales=rationales, model=model, tokens_used=tokens_used, meta=meta
        )

    @event(Proposed)
    def _propose(
        self,
        *,
        cases: list[dict[str, Any]],
        rationales: list[str],
        model: str,
        tokens_used: int,
        meta: Meta,
    ) -> None:
        self.items = [
            {"case": case, "rationale": why, "decision": Decision.PENDING.value, "edited": False}
            for case, why in zip(cases, rationales, strict=True)
        ]
        self.model, self.tokens_used = model, tokens_used
        self.status = SuggestionStatus.READY

    class GivenUp(Aggregate.Event):
        reason: str
        meta: Meta

    def give_up(self, *, reason: str, meta: Meta) -> None:
        """This function will record why no suggestion came (once)."""
        self._require(SuggestionStatus.PENDING)
        self._give_up(reason=reason, meta=meta)

    @event(GivenUp)
    def _give_up(self, *, reason: str, meta: Meta) -> None:
        self.reason = reason
        self.status = SuggestionStatus.FAILED

    class Reviewed(Aggregate.Event):
        index: int
        decision: str
        case: dict[str, Any] | None
        meta: Meta

    def review(
        self, *, index: int, decision: Decision, case: dict[str, Any] | None, meta: Meta
    ) -> None:
        """This function will accept (as proposed or edited) or reject one suggestion."""
        self._require(SuggestionStatus.READY)
        if not 0 <= index < len(self.items):
            raise InvalidValueError("index", f"must be between 0 and {len(self.items) - 1}")
        if case is not None and decision != Decision.ACCEPTED:
            raise InvalidValueError("case", "an edited case is only taken with `accept`")
        self._review(index=index, decision=decision.value, case=case, meta=meta)

    @event(Reviewed)
    def _review(
        self, *, index: int, decision: str, case: dict[str, Any] | None, meta: Meta
    ) -> None:
        item = self.items[index]
        item["decision"] = decision
        if case is not None:
            item["case"], item["edited"] = case, True

    class Committed(Aggregate.Event):
        suite_id: str
        meta: Meta

    def accepted_cases(self) -> list[dict[str, Any]]:
        """This function will give the accepted suggestions' cases, in the list's order."""
        return [i["case"] for i in self.items if i["decision"] == Decision.ACCEPTED.value]

    def require_committable(self) -> None:
        """This function will refuse to make a suite of a list not ready or with nothing
        accepted."""
        self._require(SuggestionStatus.READY)
        if not self.accepted_cases():
            raise SuggestionStateError("no suggestion is accepted: accept at least one first")

    def commit(self, *, suite_id: str, meta: Meta) -> None:
        """This function will record the suite the accepted suggestions became."""
        self.require_committable()
        self._commit(suite_id=suite_id, meta=meta)

    @event(Committed)
    def _commit(self, *, suite_id: str, meta: Meta) -> None:
        self.suite_id = suite_id
        self.status = SuggestionStatus.COMMITTED

    def _require(self, status: SuggestionStatus) -> None:
        if self.status != status:
            raise SuggestionStateError(
                f"the suggestion list is {self.status.value}, not {status.value}"
            )
