"""The AiOrderRequest aggregate: a request for a model's execution order of a suite (§3.4.1),
and what came of it: a proposal submitted for review, or why none was."""

from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.shared.meta import Meta


class AiOrderStatus(StrEnum):
    """Waiting for the model; submitted for review; refused before review (it broke a rule
    of the suite); or no valid answer came."""

    PENDING = "Pending"
    PROPOSED = "Proposed"
    REFUSED = "Refused"
    FAILED = "Failed"


class AiOrderRequest(Aggregate):
    """One request for an AI order proposal of a suite, by its owner."""

    class Requested(Aggregate.Created):
        owner_id: UUID
        suite_id: UUID
        meta: Meta

    @event(Requested)
    def __init__(self, *, owner_id: UUID, suite_id: UUID, meta: Meta) -> None:
        self.owner_id = owner_id
        self.suite_id = suite_id
        self.status = AiOrderStatus.PENDING
        self.proposal_number: int | None = None
        self.order: list[dict[str, Any]] = []
        self.reasoning = ""
        self.considered_factors: list[str] = []
        self.model = ""
        self.tokens_used = 0
        self.reason = ""

    class Proposed(Aggregate.Event):
        proposal_number: int
        order: list[dict[str, Any]]
        reasoning: str
        considered_factors: list[str]
        model: str
        tokens_used: int
        meta: Meta

    @event(Proposed)
    def _proposed(
        self,
        *,
        proposal_number: int,
        order: list[dict[str, Any]],
        reasoning: str,
        considered_factors: list[str],
        model: str,
        tokens_used: int,
        meta: Meta,
    ) -> None:
        self.status = AiOrderStatus.PROPOSED
        self.proposal_number = proposal_number
        self._answer(order, reasoning, considered_factors, model, tokens_used)

    def proposed(
        self,
        *,
        proposal_number: int,
        order: list[dict[str, Any]],
        reasoning: str,
        considered_factors: list[str],
        model: str,
        tokens_used: int,
        meta: Meta,
    ) -> None:
        """This function will record the proposal submitted for review (once)."""
        if self.status == AiOrderStatus.PENDING:
            self._proposed(
                proposal_number=proposal_number,
                order=order,
                reasoning=reasoning,
                considered_factors=considered_factors,
                model=model,
                tokens_used=tokens_used,
                meta=meta,
            )

    class Refused(Aggregate.Event):
        reason: str
        order: list[dict[str, Any]]
        reasoning: str
        considered_factors: list[str]
        model: str
        tokens_used: int
        meta: Meta

    @event(Refused)
    def _refused(
        self,
        *,
        reason: str,
        order: list[dict[str, Any]],
        reasoning: str,
        considered_factors: list[str],
        model: str,
        tokens_used: int,
        meta: Meta,
    ) -> None:
        self.status = AiOrderStatus.REFUSED
        self.reason = reason
        self._answer(order, reasoning, considered_factors, model, tokens_used)

    def refuse(
        self,
        *,
        reason: str,
        order: list[dict[str, Any]],
        reasoning: str,
        considered_factors: list[str],
        model: str,
        tokens_used: int,
        meta: Meta,
    ) -> None:
        """This function will record a model's order kept from the reviewer, and why (once)."""
        if self.status == AiOrderStatus.PENDING:
            self._refused(
                reason=reason,
                order=order,
                reasoning=reasoning,
                considered_factors=considered_factors,
                model=model,
                tokens_used=tokens_used,
                meta=meta,
            )

    class GivenUp(Aggregate.Event):
        reason: str
        meta: Meta

    @event(GivenUp)
    def _given_up(self, *, reason: str, meta: Meta) -> None:
        self.status = AiOrderStatus.FAILED
        self.reason = reason

    def give_up(self, *, reason: str, meta: Meta) -> None:
        """This function will record why no order came (once)."""
        if self.status == AiOrderStatus.PENDING:
            self._given_up(reason=reason, meta=meta)

    def _answer(
        self,
        order: list[dict[str, Any]],
        reasoning: str,
        considered_factors: list[str],
        model: str,
        tokens_used: int,
    ) -> None:
        self.order = order
        self.reasoning = reasoning
        self.considered_factors = considered_factors
        self.model = model
        self.tokens_used = tokens_used
