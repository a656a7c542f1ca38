"""The testgen context: suites and cases, their order, its review, and their history."""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from application.shared.base import (
    ConcurrentChangeError,
    TestamentApplication,
    Written,
    require_version,
)
from application.shared.limits import PlanLimitsPort, refuse_past
from application.testgen.batch import (
    BatchErrors,
    WriteCases,
    added_cases,
    checked_items,
    replace_case,
)
from application.testgen.commands import (
    AddDataSet,
    AddTestCase,
    CaseCommand,
    CreateSuite,
    EditTestCase,
    GenerateSuite,
    ProposeAiOrder,
    RenameSuite,
    ReorderCases,
    ReviewProposal,
    SetCaseEnabled,
    SetDependencies,
    SuiteCommand,
)
from application.testgen.documents import ImportSuiteDocument, document_suite, suite_document
from application.testgen.fields import check_case_fields
from application.testgen.generation import generated_suite
from application.testgen.imports import ImportSuite, imported_suite
from application.testgen.ports import Clock, ProjectCatalog, ProjectReviewers
from application.testgen.queries import (
    CASE_READ_ONLY,
    SUITE_READ_ONLY,
    TestgenOwners,
    case_detail,
    suite_summary,
)
from domain.generation.report import GenerationReport
from domain.shared.errors import InvalidValueError, NotFoundError
from domain.shared.meta import Meta
from domain.subscriptions.limits import LimitType
from domain.suites.enums import GenerationType, ProposalSource
from domain.suites.model import TestSuite
from domain.testcases.model import TestCase

# Cases saved per transaction when a generation writes a suite (each case is one event).
GENERATION_BATCH_CASES = 200


@dataclass(frozen=True, kw_only=True)
class CasesWritten:
    """A batch saved: the suite as saved, and each item's case id in the batch's order."""

    written: Written
    case_ids: list[UUID]
    created: int
    replaced: int


class _SuiteRace(Exception):
    """The suite moved while a command about one of its cases saved; the case did not."""


_Command = TypeVar("_Command")


def _retrying_suite_races(
    method: Callable[[Any, _Command], Written],
) -> Callable[[Any, _Command], Written]:
    """Run a case command again on a fresh suite when only the suite moved meanwhile: two people
    editing two cases of one suite both succeed."""

    @functools.wraps(method)
    def retrying(self: Any, cmd: _Command) -> Written:
        for _ in range(5):
            try:
                return method(self, cmd)
            except _SuiteRace:
                continue
        raise ConcurrentChangeError(None)

    return retrying


class TestgenApplication(TestamentApplication):
    """Authoring of test suites: every change is an event, every order is reviewed."""

    name = "testgen"
    snapshotting_intervals = {TestSuite: 100, TestCase: 100}
    # The user's plan (MaxTestCasesPerSuite); bootstrap sets it, None checks nothing.
    limits: PlanLimitsPort | None = None
    # Who reviews a project besides its owner (the identity read tables); None: owners only.
    reviewers: ProjectReviewers | None = None

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        catalog: ProjectCatalog | None = None,
        clock: Clock | None = None,
        owners: TestgenOwners | None = None,
    ) -> None:
        super().__init__(env)
        self._catalog = catalog
        self._clock = clock
        self._owners = owners

    @property
    def catalog(self) -> ProjectCatalog:
        if self._catalog is None:
            raise RuntimeError("this TestgenApplication was built without a project catalog")
        return self._catalog

    def _now(self) -> str:
        if self._clock is None:
            raise RuntimeError("this TestgenApplication was built without a clock")
        return self._clock.now().isoformat()

    # -- loading with ownership ---------------------------------------------------------

    def suite(self, suite_id: UUID, requester_id: UUID, version: int | None = None) -> TestSuite:
        """This function will load a requester's suite. Raises NotFoundError."""
        owner = self._owners.suite_owner(suite_id) if self._owners else None
        owned = self._owned_by(requester_id, owner)
        suite: TestSuite = self.load_version(suite_id)
        if not isinstance(suite, TestSuite):
            raise NotFoundError("suite not found")
        if not owned:
            self.catalog.require_owned(suite.project_id, requester_id)
        if version is not None:
            suite = self._at(suite_id, version)
            if suite.version != version:
                raise NotFoundError(
                    f"version {version} not found; the suite is at version {suite.version}"
                )
        return suite

    def case(self, case_id: UUID, requester_id: UUID, version: int | None = None) -> TestCase:
        """This function will load a requester's case. Raises NotFoundError."""
        owner = self._owners.case_owner(case_id) if self._owners else None
        owned = self._owned_by(requester_id, owner)
        case: TestCase = self.load_version(case_id)
        if not isinstance(case, TestCase):
            raise NotFoundError("test case not found")
        if not owned:
            self.suite(case.suite_id, requester_id)
        if version is not None:
            case = self._at(case_id, version)
            if case.version != version:
                raise NotFoundError(
                    f"version {version} not found; the case is at version {case.version}"
                )
        return case

    @staticmethod
    def _owned_by(requester_id: UUID, owner_id: UUID | None) -> bool:
        """Whether the read tables say the requester owns it. Someone else's is a 404 at
        once; one not projected yet is checked on the aggregates (a write just made)."""
        if owner_id is None:
            return False
        if owner_id != requester_id:
            raise NotFoundError("not found")
        return True

    def _at(self, aggregate_id: UUID, version: int) -> Any:
        return self.load_version(aggregate_id, version)

    # -- suites -----------------------------------------------------------------------------

    def create_suite(self, cmd: CreateSuite) -> Written:
        """This function will create an empty suite written by hand."""
        self.catalog.require_owned(cmd.project_id, cmd.requester_id)
        suite = TestSuite.start(
            project_id=cmd.project_id,
            api_spec_id=None,
            name=cmd.name,
            description=cmd.description,
            generation_type=GenerationType.MANUAL.value,
            selected_endpoint_ids=[],
            meta=cmd.meta,
        )
        return self.written(suite)

    def generation_report(self, suite_id: UUID, requester_id: UUID) -> GenerationReport:
        """This function will give what rule-based generation did for a suite, per operation.
        Raises NotFoundError (no such suite, or one written by hand)."""
        found = self.suite(suite_id, requester_id).report_of_generation()
        if found is None:
            raise NotFoundError("the suite was not generated by rules: it has no generation report")
        return GenerationReport.from_json(found)

    def generate_suite(self, cmd: GenerateSuite) -> Written:
        """This function will generate a suite by rules from a specification; it waits for review
        with a System proposal. Raises NotFoundError, NoActiveSpecificationError,
        SpecificationNotParsedError, InvalidValueError."""
        spec_id, parsed = self.catalog.parsed_specification(
            cmd.project_id, cmd.spec_id, cmd.requester_id
        )
        suite, cases = generated_suite(cmd, spec_id, parsed)
        self._require_room(0, len(cases), cmd.requester_id)
        # Cases first: when the suite's events are projected, its cases' rows exist.
        return self._save_generated(suite, cases)

    def _save_generated(self, suite: TestSuite, cases: list[TestCase]) -> Written:
        # Bounded transactions: the cases in batches, then the suite, which alone makes them
        # visible (readers reach cases through their suite, so no reader sees half a suite).
        # One save of thousands of cases held the log's lock for the whole insert. New
        # aggregates only, so no batch can lose a race: nothing to undo between batches.
        for start in range(0, len(cases), GENERATION_BATCH_CASES):
            self.save(*cases[start : start + GENERATION_BATCH_CASES])
        return self._save_cases_then(suite, [])

    def import_suite(self, cmd: ImportSuite) -> Written:
        """This function will create a suite from imported cases (a Postman collection), in
        their order, waiting for review. Raises NotFoundError, InvalidValueError."""
        self.catalog.require_owned(cmd.project_id, cmd.requester_id)
        suite, cases = imported_suite(cmd)
        self._require_room(0, len(cases), cmd.requester_id)
        return self._save_cases_then(suite, cases)

    def export_document(self, suite_id: UUID, requester_id: UUID) -> dict[str, Any]:
        """This function will give a suite as one JSON document (no ids), its cases in
        execution order. Raises NotFoundError."""
        suite = self.suite(suite_id, requester_id)
        cases = [self.load_version(UUID(case_id)) for case_id in suite.execution_order()]
        return suite_document(suite, cases)

    def import_suite_document(self, cmd: ImportSuiteDocument) -> Written:
        """This function will create a suite from a suite document, in the document's order,
        waiting for review, in one transaction. Raises NotFoundError, InvalidValueError."""
        self.catalog.require_owned(cmd.project_id, cmd.requester_id)
        suite, cases = document_suite(cmd, lambda f: check_case_fields(f, partial=False))
        self._require_room(0, len(cases), cmd.requester_id)
        return self._save_cases_then(suite, cases)

    def _save_cases_then(self, suite: TestSuite, cases: list[TestCase]) -> Written:
        position = self._save(suite, *cases, suite)
        return Written(
            aggregate_id=suite.id,
            version=suite.version,
            position=position,
            log=self.name,
            aggregate=suite,
        )

    def rename_suite(self, cmd: RenameSuite) -> Written:
        """This function will rename a suite. Raises NotFoundError, InvalidValueError (a
        read-only field sent with another value)."""
        suite = self._suite_for(cmd)
        _require_unchanged(suite_summary(suite), cmd.unchanged, SUITE_READ_ONLY)
        suite.rename(name=cmd.name, description=cmd.description, meta=cmd.meta)
        return self.written(suite)

    def archive_suite(self, cmd: SuiteCommand) -> Written:
        suite = self._suite_for(cmd)
        suite.archive(meta=cmd.meta)
        return self.written(suite)

    def _suite_for(self, cmd: SuiteCommand) -> TestSuite:
        suite = self.suite(cmd.suite_id, cmd.requester_id)
        require_version(suite, cmd.expected_version)
        return suite

    # -- cases --------------------------------------------------------------------------------

    @_retrying_suite_races
    def add_test_case(self, cmd: AddTestCase) -> Written:
        """This function will add a case to the end of a suite."""
        suite = self.suite(cmd.suite_id, cmd.requester_id)
        require_version(suite, cmd.expected_version)
        fields = check_case_fields(cmd.fields, partial=False)
        self._require_endpoint(suite, fields.get("endpoint_id"))
        self._require_room(len(suite.cases), 1, cmd.requester_id)
        depends_on = [str(d) for d in cmd.depends_on]
        index = suite.next_order_index()
        case = TestCase(
            suite_id=suite.id,
            fields={**fields, "depends_on": depends_on, "order_index": index},
            meta=cmd.meta,
        )
        suite.add_cases(
            [{"id": str(case.id), "depends_on": depends_on, "order_index": index}], meta=cmd.meta
        )
        position = self._save(suite, case, suite)
        return Written(
            aggregate_id=case.id,
            version=case.version,
            position=position,
            log=self.name,
            aggregate=case,
        )

    @_retrying_suite_races
    def edit_test_case(self, cmd: EditTestCase) -> Written:
        """This function will change any editable fields of a case (review starts again if the
        suite was approved)."""
        case, suite = self._case_and_suite(cmd.case_id, cmd.requester_id, cmd.expected_version)
        _require_unchanged(case_detail(case), cmd.unchanged, CASE_READ_ONLY)
        values = check_case_fields(cmd.values, partial=True)
        if values.get("endpoint_id") != case.endpoint_id:
            self._require_endpoint(suite, values.get("endpoint_id"))
        changed = case.edit(values, meta=cmd.meta)
        if changed:
            suite.record_case_edit(str(case.id), changed, meta=cmd.meta)
        return self._case_written(case, suite)

    @_retrying_suite_races
    def set_case_enabled(self, cmd: SetCaseEnabled) -> Written:
        case, suite = self._case_and_suite(cmd.case_id, cmd.requester_id, cmd.expected_version)
        if case.set_enabled(cmd.enabled, meta=cmd.meta):
            suite.record_case_edit(str(case.id), ["enabled"], meta=cmd.meta)
        return self._case_written(case, suite)

    @_retrying_suite_races
    def add_data_set(self, cmd: AddDataSet) -> Written:
        case, suite = self._case_and_suite(cmd.case_id, cmd.requester_id, cmd.expected_version)
        checked = check_case_fields({"data_sets": [cmd.data_set]}, partial=True)["data_sets"][0]
        case.add_data_set(checked, meta=cmd.meta)
        suite.record_case_edit(str(case.id), ["data_sets"], meta=cmd.meta)
        return self._case_written(case, suite)

    @_retrying_suite_races
    def set_dependencies(self, cmd: SetDependencies) -> Written:
        """This function will set what a case depends on (same suite, no cycles, runs first)."""
        case, suite = self._case_and_suite(cmd.case_id, cmd.requester_id, cmd.expected_version)
        targets = [str(d) for d in cmd.depends_on]
        suite.set_dependencies(str(case.id), targets, meta=cmd.meta)
        case.set_dependencies(targets, meta=cmd.meta)
        return self._case_written(case, suite)

    @_retrying_suite_races
    def delete_test_case(self, cmd: CaseCommand) -> Written:
        case, suite = self._case_and_suite(cmd.case_id, cmd.requester_id, cmd.expected_version)
        suite.remove_case(str(case.id), meta=cmd.meta)
        case.delete(meta=cmd.meta)
        return self._case_written(case, suite)

    @_retrying_suite_races
    def duplicate_test_case(self, cmd: CaseCommand) -> Written:
        """This function will copy a case (without its dependencies) to the end of its suite."""
        source, suite = self._case_and_suite(cmd.case_id, cmd.requester_id, cmd.expected_version)
        self._require_room(len(suite.cases), 1, cmd.requester_id)
        fields = {k: v for k, v in source.snapshot_fields().items() if k in _COPIED}
        fields["name"] = f"{source.name} (copy)"[:200]
        fields["order_index"] = index = suite.next_order_index()
        copy = TestCase(suite_id=suite.id, fields=fields, meta=cmd.meta)
        suite.add_cases(
            [{"id": str(copy.id), "depends_on": [], "order_index": index}], meta=cmd.meta
        )
        position = self._save(suite, copy, suite)
        return Written(
            aggregate_id=copy.id,
            version=copy.version,
            position=position,
            log=self.name,
            aggregate=copy,
        )

    def write_cases(self, cmd: WriteCases) -> CasesWritten:
        """This function will add cases to the end of a suite and replace others by id, in one
        transaction: all of them, or none (InvalidValuesError naming each refused item)."""
        suite = self.suite(cmd.suite_id, cmd.requester_id)
        require_version(suite, cmd.expected_version)
        items = checked_items(
            cmd,
            suite,
            lambda fields: check_case_fields(fields, partial=False),
            lambda endpoint: self._require_endpoint(suite, endpoint),
        )
        # New cases first: one CasesAdded, so an approved suite gets one proposal to review.
        adding = sum(item.case_id is None for item in items)
        self._require_room(len(suite.cases), adding, cmd.requester_id)
        made = added_cases(suite, items, cmd.meta)
        errors = BatchErrors()
        replaced: dict[int, TestCase] = {}
        for item in items:
            if item.case_id is not None:
                case: TestCase = self.load_version(UUID(item.case_id))
                replace_case(suite, case, item, cmd.meta, errors)
                replaced[item.index] = case
        errors.raise_any()
        position = self._save(suite, *made.values(), *replaced.values(), suite)
        every = {**made, **replaced}
        return CasesWritten(
            written=Written(
                aggregate_id=suite.id,
                version=suite.version,
                position=position,
                log=self.name,
                aggregate=suite,
            ),
            case_ids=[every[i].id for i in sorted(every)],
            created=len(made),
            replaced=len(replaced),
        )

    def _require_room(self, current: int, adding: int, owner_id: UUID) -> None:
        """A suite holds at most the plan's MaxTestCasesPerSuite cases (§7.3); the check is on
        the suite aggregate saved with the new cases, so two writers cannot both pass it.
        Raises LimitExceededError."""
        if self.limits is None or adding == 0:
            return
        limit = self.limits.limit(owner_id, LimitType.MaxTestCasesPerSuite)
        refuse_past(limit, current=current, adding=adding, upgrade_url=self.limits.upgrade_url)

    def _require_endpoint(self, suite: TestSuite, endpoint_id: str | None) -> None:
        """A case may name an endpoint of its own project only: another tenant's id would be a
        dangling reference (and a probe of what exists). Raises NotFoundError."""
        if endpoint_id is not None:
            self.catalog.require_endpoint(suite.project_id, UUID(endpoint_id))

    def _case_and_suite(
        self, case_id: UUID, requester_id: UUID, expected: int | None
    ) -> tuple[TestCase, TestSuite]:
        case = self.case(case_id, requester_id)
        require_version(case, expected)
        return case, self.suite(case.suite_id, requester_id)

    def _case_written(self, case: TestCase, suite: TestSuite) -> Written:
        position = self._save(case, case, suite)
        return Written(
            aggregate_id=case.id,
            version=case.version,
            position=position,
            log=self.name,
            aggregate=case,
        )

    def _save(self, addressed: TestSuite | TestCase, *aggregates: TestSuite | TestCase) -> int:
        """Save in one transaction; a lost race is a ConcurrentChangeError, not a crash.

        A command about one case also writes its suite. When only the suite moved meanwhile
        (someone edited another case), the case is intact: _SuiteRace asks for a retry.
        """
        loaded = addressed.version - len(addressed.pending_events)
        try:
            return self.save_and_locate(*aggregates)
        except IntegrityError:
            current = self._current_version(addressed.id) or 0
            if isinstance(addressed, TestCase) and current == loaded:
                raise _SuiteRace from None
            raise ConcurrentChangeError(current or None) from None

    # -- order and review -------------------------------------------------------------------

    def reorder_cases(self, cmd: ReorderCases) -> Written:
        """This function will set the suite's order by hand (dependencies must run first)."""
        suite = self._suite_for(cmd)
        suite.reorder([str(c) for c in cmd.order], meta=cmd.meta)
        return self._placed(suite, cmd.meta)

    def request_proposal(self, cmd: SuiteCommand) -> Written:
        """This function will propose the current order for review (after a rejection, say)."""
        suite = self._suite_for(cmd)
        order = suite.execution_order()
        dependants = suite.dependencies()
        proposed = [
            {"case_id": case_id, "position": i, "reason": _reason(case_id, dependants)}
            for i, case_id in enumerate(order)
        ]
        suite.propose_order(
            proposed,
            source=ProposalSource.USER,
            reasoning="the current order, proposed for review",
            considered_factors=["dependencies"],
            meta=cmd.meta,
        )
        return self.written(suite)

    def propose_ai_order(self, cmd: ProposeAiOrder) -> Written:
        """This function will submit a model's order for review (Source Ai), as any proposal:
        it must hold every case of the suite once and run each dependency first. Raises
        NotFoundError, SuiteArchivedError, OrderMismatchError, InvalidValueError."""
        suite = self._suite_for(cmd)
        suite.propose_order(
            cmd.proposed,
            source=ProposalSource.AI,
            reasoning=cmd.reasoning,
            considered_factors=cmd.considered_factors,
            llm_model=cmd.llm_model,
            tokens_used=cmd.tokens_used,
            meta=cmd.meta,
        )
        return self.written(suite)

    def review_proposal(self, cmd: ReviewProposal, action: str) -> Written:
        """This function will approve, modify-and-approve or reject a pending proposal, for
        the project's owner or one of its reviewers. Raises NotFoundError for anyone else."""
        suite = self._suite_for_review(cmd)
        at = self._now()
        if action == "approve":
            suite.approve(cmd.number, notes=cmd.notes, reviewed_at=at, meta=cmd.meta)
        elif action == "modify":
            suite.modify_and_approve(
                cmd.number,
                [str(c) for c in cmd.order or []],
                notes=cmd.notes,
                reviewed_at=at,
                meta=cmd.meta,
            )
        elif action == "reject":
            suite.reject(cmd.number, notes=cmd.notes, reviewed_at=at, meta=cmd.meta)
            return self.written(suite)
        else:
            raise ValueError(f"unknown review action {action!r}")
        return self._placed(suite, cmd.meta)

    def _suite_for_review(self, cmd: ReviewProposal) -> TestSuite:
        """The suite of a review: the owner's, or one of a project the requester reviews
        (checked now, from the read tables: a claim taken away counts at once)."""
        try:
            return self._suite_for(cmd)
        except NotFoundError:
            if self.reviewers is None:
                raise
            suite = self.load_version(cmd.suite_id)
            if not isinstance(suite, TestSuite) or not self.reviewers.reviews(
                cmd.requester_id, suite.project_id
            ):
                raise
        require_version(suite, cmd.expected_version)
        return suite

    def _placed(self, suite: TestSuite, meta: Meta) -> Written:
        """Record each case's new position on the case itself, in the same transaction."""
        cases = []
        for entry in suite.cases:
            case: TestCase = self.load_version(UUID(entry["id"]))
            case.place(
                order_index=entry["order_index"],
                custom_order_index=entry["custom_order_index"],
                meta=meta,
            )
            cases.append(case)  # an unchanged case has no pending events: saving it writes nothing
        return self._save_cases_then(suite, cases)

    # -- auditors -----------------------------------------------------------------------------

    def version_at(self, aggregate_id: UUID, at: datetime) -> int:
        """This function will find the version an aggregate had at a moment. Raises NotFoundError."""
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)  # a moment given without an offset is read as UTC
        version = 0
        for domain_event in self.events.get(aggregate_id):
            if getattr(domain_event, "timestamp") > at:  # noqa: B009
                break
            version = domain_event.originator_version
        if version == 0:
            raise NotFoundError(f"it did not exist yet at {at.isoformat()}")
        return version


_COPIED = (
    "description",
    "endpoint_id",
    "endpoint_key",
    "test_type",
    "priority",
    "tags",
    "request",
    "expectations",
    "variables",
    "data_sets",
)


def _reason(case_id: str, dependencies: dict[str, list[str]]) -> str:
    targets = dependencies.get(case_id, [])
    return f"runs after {', '.join(targets)}, which it depends on" if targets else "no dependencies"


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return str(value) if isinstance(value, UUID) else value


def _require_unchanged(current: Any, sent: dict[str, Any], read_only: tuple[str, ...]) -> None:
    """A read-only field sent back as it is changes nothing; sent with another value it is
    refused, never dropped. Raises InvalidValueError."""
    for field in read_only:
        if field in sent and _plain(sent[field]) != _plain(getattr(current, field)):
            raise InvalidValueError(
                field, "is read-only: send it as the GET answered it, or leave it out"
            )


def suite_state(suite: TestSuite) -> dict[str, Any]:
    """This function will give a suite's state as plain data (for auditors and diffs)."""
    return {
        "name": suite.name,
        "description": suite.description,
        "generation_type": suite.generation_type,
        "status": str(suite.status),
        "approval_status": str(suite.approval_status),
        "approved_by": suite.approved_by,
        "approved_at": suite.approved_at,
        "selected_endpoint_ids": suite.selected_endpoint_ids,
        "execution_order": suite.execution_order(),
        "dependencies": suite.dependencies(),
        "proposals": [
            {k: v for k, v in p.items() if k != "proposed_order"} for p in suite.proposals
        ],
        "version": suite.version,
    }


def state_diff(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """This function will list the fields that differ between two states."""
    return [
        {"field": key, "old": before.get(key), "new": after.get(key)}
        for key in sorted(set(before) | set(after))
        if key != "version" and before.get(key) != after.get(key)
    ]
