"""The TestSuite aggregate: its cases' order and dependencies, and the review of that order."""

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.shared.errors import (
    ConflictError,
    InconsistentValuesError,
    InvalidValueError,
    NotFoundError,
)
from domain.shared.meta import Meta
from domain.shared.values import require_text
from domain.suites.enums import (
    APPROVED,
    RUNNABLE,
    ApprovalStatus,
    ProposalSource,
    ProposalStatus,
    SuiteStatus,
)
from domain.suites.ordering import (
    execution_order,
    require_dependencies_first,
    require_no_cycle,
    require_permutation,
)


class SuiteArchivedError(ConflictError):
    """A change to an archived suite."""


class CaseNotInSuiteError(ConflictError):
    """A dependency on a case the suite does not hold (another suite's, or one deleted): the
    suite's state refuses it, not the request's form."""


class DuplicateCaseError(ConflictError):
    """A case added to a suite twice, or one the suite already has."""


class CaseHasDependantsError(ConflictError):
    """A case removed while other cases of the suite depend on it."""


class ProposalDecidedError(ConflictError):
    """A decision on a proposal that is already approved or rejected."""


class TestSuite(Aggregate):
    """A set of test cases of one project, run in an order a human approved."""

    __test__ = False

    class Created(Aggregate.Created):
        project_id: UUID
        api_spec_id: UUID | None
        name: str
        description: str
        generation_type: str
        selected_endpoint_ids: list[str]
        meta: Meta

    @event(Created)
    def __init__(
        self,
        *,
        project_id: UUID,
        api_spec_id: UUID | None,
        name: str,
        description: str,
        generation_type: str,
        selected_endpoint_ids: list[str],
        meta: Meta,
    ) -> None:
        self.project_id = project_id
        self.api_spec_id = api_spec_id
        self.name = name
        self.description = description
        self.generation_type = generation_type
        self.selected_endpoint_ids = list(selected_endpoint_ids)
        self.status = SuiteStatus.DRAFT
        self.approval_status = ApprovalStatus.NOT_APPLICABLE
        self.approved_by: str | None = None
        self.approved_at: str | None = None
        self.created_by = meta["user_id"]
        self.cases: list[dict[str, Any]] = []  # {id, order_index, custom_order_index, depends_on}
        self.proposals: list[dict[str, Any]] = []
        self.generation_report: dict[str, Any] | None = None

    @classmethod
    def start(
        cls,
        *,
        project_id: UUID,
        api_spec_id: UUID | None,
        name: str,
        description: str,
        generation_type: str,
        selected_endpoint_ids: list[str],
        meta: Meta,
    ) -> "TestSuite":
        """This function will create an empty suite after checking its name and description."""
        return cls(
            project_id=project_id,
            api_spec_id=api_spec_id,
            name=require_text("name", name, max_length=200),
            description=require_text("description", description, max_length=4000, allow_empty=True),
            generation_type=generation_type,
            selected_endpoint_ids=selected_endpoint_ids,
            meta=meta,
        )

    # -- queries ------------------------------------------------------------------

    def case_ids(self) -> list[str]:
        return [c["id"] for c in self.cases]

    def execution_order(self) -> list[str]:
        return execution_order(self.cases)

    def dependencies(self) -> dict[str, list[str]]:
        return {c["id"]: list(c["depends_on"]) for c in self.cases}

    def next_order_index(self) -> int:
        return max((c["order_index"] for c in self.cases), default=-1) + 1

    def is_runnable(self) -> bool:
        return self.status != SuiteStatus.ARCHIVED and self.approval_status in RUNNABLE

    def why_not_runnable(self) -> str | None:
        if self.status == SuiteStatus.ARCHIVED:
            return "the suite is archived"
        if self.approval_status not in RUNNABLE:
            return f"the suite's execution order is {self.approval_status}: it must be approved before it runs"
        if not self.cases:
            return "the suite has no test cases"
        return None

    def pending_proposal(self) -> dict[str, Any] | None:
        pending = [p for p in self.proposals if p["status"] == ProposalStatus.PENDING]
        return pending[-1] if pending else None

    def _case(self, case_id: str) -> dict[str, Any]:
        for case in self.cases:
            if case["id"] == case_id:
                return case
        raise NotFoundError(f"case {case_id} is not in this suite")

    def _require_editable(self) -> None:
        if self.status == SuiteStatus.ARCHIVED:
            raise SuiteArchivedError("the suite is archived")

    # -- cases and dependencies ---------------------------------------------------

    class CasesAdded(Aggregate.Event):
        cases: list[dict[str, Any]]
        meta: Meta

    def add_cases(self, entries: list[dict[str, Any]], *, meta: Meta) -> None:
        """This function will add cases ({id, depends_on}) at the end of the order."""
        self._require_editable()
        known = set(self.case_ids())
        new_ids = [e["id"] for e in entries]
        if len(set(new_ids)) != len(new_ids) or known & set(new_ids):
            raise DuplicateCaseError("a case is added twice")
        dependencies = self.dependencies()
        for entry in entries:
            dependencies[entry["id"]] = list(entry.get("depends_on", []))
        for case_id, targets in dependencies.items():
            outside = set(targets) - set(dependencies)
            if outside:
                # Ids each well formed, refused for what the suite holds: inconsistent-values.
                raise InconsistentValuesError(
                    "depends_on", f"case {case_id} depends on cases outside this suite"
                )
        require_no_cycle(dependencies)
        start = self.next_order_index()
        added = [
            {
                "id": e["id"],
                "order_index": e.get("order_index", start + i),
                "custom_order_index": None,
                "depends_on": list(e.get("depends_on", [])),
            }
            for i, e in enumerate(entries)
        ]
        self._add_cases(cases=added, meta=meta)
        self._after_edit(meta, f"{len(added)} case(s) added")

    @event(CasesAdded)
    def _add_cases(self, *, cases: list[dict[str, Any]], meta: Meta) -> None:
        # Copies: later events change the state's entries, never this event's payload.
        self.cases = [*self.cases, *({**c, "depends_on": list(c["depends_on"])} for c in cases)]

    class CaseRemoved(Aggregate.Event):
        case_id: str
        meta: Meta

    def remove_case(self, case_id: str, *, meta: Meta) -> None:
        """This function will take a case out; refused while another case depends on it."""
        self._require_editable()
        self._case(case_id)
        dependants = [c["id"] for c in self.cases if case_id in c["depends_on"]]
        if dependants:
            raise CaseHasDependantsError(
                f"cases {dependants} depend on case {case_id}; change them first"
            )
        self._remove_case(case_id=case_id, meta=meta)
        self._after_edit(meta, "a case was removed")

    @event(CaseRemoved)
    def _remove_case(self, *, case_id: str, meta: Meta) -> None:
        self.cases = [c for c in self.cases if c["id"] != case_id]

    class CaseEdited(Aggregate.Event):
        case_id: str
        fields: list[str]
        meta: Meta

    def record_case_edit(self, case_id: str, fields: list[str], *, meta: Meta) -> None:
        """This function will note that a case's content changed (it needs review again)."""
        self._require_editable()
        self._case(case_id)
        self._record_case_edit(case_id=case_id, fields=fields, meta=meta)
        self._after_edit(meta, f"case {case_id} changed: {', '.join(fields)}")

    @event(CaseEdited)
    def _record_case_edit(self, *, case_id: str, fields: list[str], meta: Meta) -> None:
        pass

    class DependencyChanged(Aggregate.Event):
        case_id: str
        depends_on: list[str]
        meta: Meta

    def set_dependencies(self, case_id: str, depends_on: list[str], *, meta: Meta) -> None:
        """This function will make a case depend on others of the same suite, refusing cycles,
        links to other suites, and an order that would run a dependency later."""
        self._require_editable()
        self._case(case_id)
        targets = list(dict.fromkeys(depends_on))
        outside = [t for t in targets if t not in self.case_ids()]
        if outside:
            raise CaseNotInSuiteError(f"depends_on: not cases of this suite: {outside}")
        dependencies = {**self.dependencies(), case_id: targets}
        require_no_cycle(dependencies)
        require_dependencies_first(self.execution_order(), {case_id: targets})
        self._set_dependencies(case_id=case_id, depends_on=targets, meta=meta)
        self._after_edit(meta, f"dependencies of case {case_id} changed")

    @event(DependencyChanged)
    def _set_dependencies(self, *, case_id: str, depends_on: list[str], meta: Meta) -> None:
        self._case(case_id)["depends_on"] = list(depends_on)

    class CasesReordered(Aggregate.Event):
        order: list[str]
        meta: Meta

    def reorder(self, order: list[str], *, meta: Meta) -> None:
        """This function will set every case's OrderIndex from a full order (custom orders clear)."""
        self._require_editable()
        require_permutation(order, self.case_ids())
        require_dependencies_first(order, self.dependencies())
        self._reorder(order=list(order), meta=meta)
        self._after_edit(meta, "the order was changed by hand")

    @event(CasesReordered)
    def _reorder(self, *, order: list[str], meta: Meta) -> None:
        index = {case_id: i for i, case_id in enumerate(order)}
        for case in self.cases:
            case["order_index"] = index[case["id"]]
            case["custom_order_index"] = None

    # -- proposals and review -----------------------------------------------------

    class OrderProposed(Aggregate.Event):
        """A proposed order; `llm_model` and `tokens_used` say which model made an Ai one and
        at what cost (None for the others, and in events stored before version 2)."""

        class_version = 2

        number: int
        source: str
        proposed_order: list[dict[str, Any]]
        reasoning: str
        considered_factors: list[str]
        llm_model: str | None
        tokens_used: int | None
        meta: Meta

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["llm_model"] = None
            state["tokens_used"] = None

    def propose_order(
        self,
        proposed: list[dict[str, Any]],
        *,
        source: ProposalSource,
        reasoning: str,
        considered_factors: list[str],
        meta: Meta,
        llm_model: str | None = None,
        tokens_used: int | None = None,
    ) -> int:
        """This function will record a proposal ({case_id, position, reason}); the suite waits
        for review. An earlier pending proposal is superseded (rejected). Refuses an order
        that is not the suite's cases or runs a case before one it depends on."""
        self._require_editable()
        order = [p["case_id"] for p in sorted(proposed, key=lambda p: p["position"])]
        require_permutation(order, self.case_ids())
        require_dependencies_first(order, self.dependencies())
        number = len(self.proposals) + 1
        self._propose(
            number=number,
            source=source.value,
            proposed_order=proposed,
            reasoning=reasoning,
            considered_factors=considered_factors,
            llm_model=llm_model,
            tokens_used=tokens_used,
            meta=meta,
        )
        return number

    @event(OrderProposed)
    def _propose(
        self,
        *,
        number: int,
        source: str,
        proposed_order: list[dict[str, Any]],
        reasoning: str,
        considered_factors: list[str],
        llm_model: str | None,
        tokens_used: int | None,
        meta: Meta,
    ) -> None:
        for proposal in self.proposals:
            if proposal["status"] == ProposalStatus.PENDING:
                proposal["status"] = ProposalStatus.REJECTED.value
        self.proposals.append(
            {
                "number": number,
                "source": source,
                "status": ProposalStatus.PENDING.value,
                "proposed_order": proposed_order,
            }
        )
        self.approval_status = ApprovalStatus.PENDING_REVIEW
        self.status = SuiteStatus.DRAFT

    def _require_pending(self, number: int) -> dict[str, Any]:
        for proposal in self.proposals:
            if proposal["number"] == number:
                if proposal["status"] != ProposalStatus.PENDING:
                    raise ProposalDecidedError(f"proposal {number} is already {proposal['status']}")
                return proposal
        raise NotFoundError(f"proposal {number} not found")

    class ProposalApproved(Aggregate.Event):
        number: int
        applied_order: list[str]
        notes: str
        reviewed_at: str
        meta: Meta

    def approve(self, number: int, *, notes: str, reviewed_at: str, meta: Meta) -> list[str]:
        """This function will apply a proposal as it is; it returns the applied order."""
        self._require_editable()
        proposal = self._require_pending(number)
        order = [
            p["case_id"] for p in sorted(proposal["proposed_order"], key=lambda p: p["position"])
        ]
        require_permutation(order, self.case_ids())
        # Dependencies set after the proposal was made may forbid its order.
        require_dependencies_first(order, self.dependencies())
        self._approve(
            number=number, applied_order=order, notes=notes, reviewed_at=reviewed_at, meta=meta
        )
        return order

    @event(ProposalApproved)
    def _approve(
        self, *, number: int, applied_order: list[str], notes: str, reviewed_at: str, meta: Meta
    ) -> None:
        index = {case_id: i for i, case_id in enumerate(applied_order)}
        for case in self.cases:
            case["order_index"] = index[case["id"]]
            case["custom_order_index"] = None
        self._close(number, ProposalStatus.APPROVED, ApprovalStatus.APPROVED, reviewed_at, meta)

    class ProposalModified(Aggregate.Event):
        number: int
        user_order: list[str]
        notes: str
        reviewed_at: str
        meta: Meta

    def modify_and_approve(
        self, number: int, user_order: list[str], *, notes: str, reviewed_at: str, meta: Meta
    ) -> list[str]:
        """This function will approve a proposal with the reviewer's own order, kept as each
        case's CustomOrderIndex. The order must run every dependency first."""
        self._require_editable()
        self._require_pending(number)
        require_permutation(user_order, self.case_ids())
        require_dependencies_first(user_order, self.dependencies())
        self._modify(
            number=number,
            user_order=list(user_order),
            notes=notes,
            reviewed_at=reviewed_at,
            meta=meta,
        )
        return list(user_order)

    @event(ProposalModified)
    def _modify(
        self, *, number: int, user_order: list[str], notes: str, reviewed_at: str, meta: Meta
    ) -> None:
        index = {case_id: i for i, case_id in enumerate(user_order)}
        for case in self.cases:
            case["custom_order_index"] = index[case["id"]]
        self._close(
            number, ProposalStatus.MODIFIED, ApprovalStatus.MODIFIED_AND_APPROVED, reviewed_at, meta
        )

    class ProposalRejected(Aggregate.Event):
        number: int
        notes: str
        reviewed_at: str
        meta: Meta

    def reject(self, number: int, *, notes: str, reviewed_at: str, meta: Meta) -> None:
        """This function will refuse a proposal; a new one can then be requested."""
        self._require_editable()
        self._require_pending(number)
        self._reject(number=number, notes=notes, reviewed_at=reviewed_at, meta=meta)

    @event(ProposalRejected)
    def _reject(self, *, number: int, notes: str, reviewed_at: str, meta: Meta) -> None:
        for proposal in self.proposals:
            if proposal["number"] == number:
                proposal["status"] = ProposalStatus.REJECTED.value
        self.approval_status = ApprovalStatus.REJECTED

    def _close(
        self, number: int, status: ProposalStatus, approval: ApprovalStatus, at: str, meta: Meta
    ) -> None:
        for proposal in self.proposals:
            if proposal["number"] == number:
                proposal["status"] = status.value
        self.approval_status = approval
        self.approved_by = meta["user_id"]
        self.approved_at = at
        self.status = SuiteStatus.READY

    def _after_edit(self, meta: Meta, what: str) -> None:
        """An approved order no longer holds once cases or order change: review it again."""
        pending = self.pending_proposal()
        stale = pending is not None and sorted(
            p["case_id"] for p in pending["proposed_order"]
        ) != sorted(self.case_ids())
        if self.approval_status in APPROVED or stale:
            proposed = [
                {"case_id": case_id, "position": i, "reason": "current order, unchanged"}
                for i, case_id in enumerate(self.execution_order())
            ]
            reason = meta.get("reason") or what
            self.propose_order(
                proposed,
                source=ProposalSource.SYSTEM,
                reasoning=f"re-review after an edit of the approved suite: {reason}",
                considered_factors=["edit after approval"],
                meta=meta,
            )

    # -- the suite itself ---------------------------------------------------------

    class GenerationReported(Aggregate.Event):
        """What rule-based generation did per operation (bounded by its maker)."""

        report: dict[str, Any]
        meta: Meta

    def record_generation_report(self, *, report: dict[str, Any], meta: Meta) -> None:
        """This function will keep the report of the generation that made the suite."""
        if not isinstance(report, dict):
            raise InvalidValueError("report", "must be an object")
        self._record_generation_report(report=report, meta=meta)

    @event(GenerationReported)
    def _record_generation_report(self, *, report: dict[str, Any], meta: Meta) -> None:
        self.generation_report = report

    def report_of_generation(self) -> dict[str, Any] | None:
        """This function will give the generation report, None for a suite written by hand."""
        found: dict[str, Any] | None = getattr(self, "generation_report", None)
        return found

    class Renamed(Aggregate.Event):
        name: str
        description: str
        meta: Meta

    def rename(self, *, name: str, description: str, meta: Meta) -> None:
        """This function will change the name and description; the same ones again are no
        change (a GET sent back as a PATCH records nothing)."""
        self._require_editable()
        name = require_text("name", name, max_length=200)
        description = require_text("description", description, max_length=4000, allow_empty=True)
        if (name, description) != (self.name, self.description):
            self._rename(name=name, description=description, meta=meta)

    @event(Renamed)
    def _rename(self, *, name: str, description: str, meta: Meta) -> None:
        self.name, self.description = name, description

    class Archived(Aggregate.Event):
        meta: Meta

    def archive(self, *, meta: Meta) -> None:
        self._require_editable()
        self._archive(meta=meta)

    @event(Archived)
    def _archive(self, *, meta: Meta) -> None:
        self.status = SuiteStatus.ARCHIVED
