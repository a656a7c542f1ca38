"""Writing many cases of a suite in one command: added at the end, or replacing cases by id.

Every item is checked before anything changes, and every refusal names its item
(`cases.<index>.<field>`), so a batch is all or nothing and a client can fix it in one go.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from domain.shared.errors import (
    DomainError,
    InconsistentItemsError,
    InconsistentValuesError,
    InvalidValueError,
    InvalidValuesError,
    NotFoundError,
)
from domain.shared.meta import Meta
from domain.suites.enums import SuiteStatus
from domain.suites.model import SuiteArchivedError, TestSuite
from domain.testcases.model import TestCase

# One command, one transaction: 5,000 Created events and a CasesAdded of about 110 bytes a
# case (550 KB) stay far under TESTAMENT_MAX_EVENT_BYTES, so no batch needs splitting.
MAX_BATCH_CASES = 5_000
# Enough for a client to fix a batch in one go, small enough to answer quickly.
MAX_REPORTED_ERRORS = 100


@dataclass(frozen=True, kw_only=True)
class BatchItem:
    """One case of a batch: its fields, and the case it replaces (None: a new case)."""

    fields: dict[str, Any]
    depends_on: list[UUID] = field(default_factory=list)
    case_id: UUID | None = None


@dataclass(frozen=True, kw_only=True)
class WriteCases:
    """Add cases to the end of a suite, or replace some of its cases, all or nothing."""

    suite_id: UUID
    requester_id: UUID
    items: list[BatchItem]
    meta: Meta
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class CheckedItem:
    index: int
    fields: dict[str, Any]
    depends_on: list[str]
    case_id: str | None


class BatchErrors:
    """The refusals of a batch, each named by its item's index."""

    def __init__(self) -> None:
        self.found: list[tuple[str, str]] = []
        self.all_inconsistent = True

    def add(self, index: int, error: DomainError) -> None:
        where = error.field if isinstance(error, InvalidValueError) else "id"
        self.found.append((f"cases.{index}.{where}", error.message.removeprefix(f"{where}: ")))
        self.all_inconsistent &= isinstance(error, InconsistentValuesError)

    def raise_any(self) -> None:
        """Raises the refusals found; when every one is an inconsistency the batch keeps
        that kind, so a client sees the same problem type as for one such case."""
        if not self.found:
            return
        reported = self.found[:MAX_REPORTED_ERRORS]
        if self.all_inconsistent:
            raise InconsistentItemsError(reported)
        raise InvalidValuesError(reported)


def checked_items(
    cmd: WriteCases,
    suite: TestSuite,
    check_fields: Callable[[dict[str, Any]], dict[str, Any]],
    check_endpoint: Callable[[str], None],
) -> list[CheckedItem]:
    """This function will check every item against the suite before anything changes.
    Raises InvalidValuesError naming each refused item."""
    if not cmd.items:
        raise InvalidValueError("cases", "holds no case")
    if len(cmd.items) > MAX_BATCH_CASES:
        raise InvalidValueError("cases", f"holds more than {MAX_BATCH_CASES} cases")
    if suite.status == SuiteStatus.ARCHIVED:
        raise SuiteArchivedError("the suite is archived")
    errors = BatchErrors()
    known = set(suite.case_ids())
    replaced: set[str] = set()
    endpoints: dict[str, DomainError | None] = {}
    items = []
    for index, item in enumerate(cmd.items):
        try:
            fields = check_fields(item.fields)
            endpoint = fields.get("endpoint_id")
            if endpoint is not None:
                if endpoint not in endpoints:
                    endpoints[endpoint] = _refusal(check_endpoint, endpoint)
                refusal = endpoints[endpoint]
                if isinstance(refusal, NotFoundError):
                    # Whose endpoint it is is state, not form: the whole batch answers as
                    # the single-case route does (404), naming the item.
                    raise NotFoundError(f"cases.{index}.endpoint_id: {refusal}")
                if refusal is not None:
                    raise InvalidValueError("endpoint_id", "is not an endpoint of this project")
            case_id = None if item.case_id is None else str(item.case_id)
            if case_id is not None and case_id not in known:
                # A case to replace that is not there is state, as for PUT /cases/{id}: 404.
                raise NotFoundError(f"cases.{index}.id: is not a case of this suite")
            if case_id is not None and case_id in replaced:
                raise InconsistentValuesError("id", "is replaced twice in this batch")
            depends_on = list(dict.fromkeys(str(d) for d in item.depends_on))
            outside = [d for d in depends_on if d not in known]
            if outside:
                raise InconsistentValuesError("depends_on", f"not cases of this suite: {outside}")
        except InvalidValueError as error:
            errors.add(index, error)
            continue
        if case_id is not None:
            replaced.add(case_id)
        items.append(
            CheckedItem(index=index, fields=fields, depends_on=depends_on, case_id=case_id)
        )
    errors.raise_any()
    return items


def _refusal(check: Callable[[str], None], value: str) -> DomainError | None:
    try:
        check(value)
    except DomainError as error:
        return error
    return None


def added_cases(suite: TestSuite, items: list[CheckedItem], meta: Meta) -> dict[int, TestCase]:
    """This function will make the new cases of a batch and add them, in one event, to the
    end of the suite. Returns them by item index."""
    start = suite.next_order_index()
    made: dict[int, TestCase] = {}
    for offset, item in enumerate(i for i in items if i.case_id is None):
        made[item.index] = TestCase(
            suite_id=suite.id,
            fields={**item.fields, "depends_on": item.depends_on, "order_index": start + offset},
            meta=meta,
        )
    if made:
        suite.add_cases(
            [
                {"id": str(c.id), "depends_on": c.depends_on, "order_index": c.order_index}
                for c in made.values()
            ],
            meta=meta,
        )
    return made


def replace_case(
    suite: TestSuite, case: TestCase, item: CheckedItem, meta: Meta, errors: BatchErrors
) -> None:
    """This function will make a case what its item says: every field, and its dependencies."""
    try:
        changed = case.edit(item.fields, meta=meta)
        if changed:
            suite.record_case_edit(str(case.id), changed, meta=meta)
        if item.depends_on != case.depends_on:
            suite.set_dependencies(str(case.id), item.depends_on, meta=meta)
            case.set_dependencies(item.depends_on, meta=meta)
    except DomainError as error:
        if not isinstance(error, InvalidValueError) and "depend" in error.message:
            error = InvalidValueError("depends_on", error.message)
        errors.add(item.index, error)
