"""A suite as one JSON document, to keep in a repository next to the code it tests.

The document holds what a suite is made of (its cases in execution order, with their
requests, checks, variables, data sets and dependencies) and no ids: a case is named by a
key (`case-<n>`, its position), its dependencies by those keys, and the endpoint by method
and path. So exporting a suite, importing the document and exporting again gives the same
document, in any project or deployment.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain.shared.errors import InconsistentValuesError, InvalidValueError
from domain.shared.meta import Meta
from domain.suites.enums import GenerationType, ProposalSource
from domain.suites.model import TestSuite
from domain.testcases.model import TestCase

DOCUMENT_FORMAT = "testament.suite"
DOCUMENT_VERSION = 1
_CASE_FIELDS = (
    "name",
    "description",
    "test_type",
    "priority",
    "tags",
    "endpoint_key",
    "request",
    "expectations",
    "variables",
    "data_sets",
)


@dataclass(frozen=True, kw_only=True)
class DocumentCase:
    """A case of a document: its key, its fields, the keys it depends on, whether it runs."""

    key: str
    fields: dict[str, Any]
    depends_on: list[str]
    enabled: bool = True


@dataclass(frozen=True, kw_only=True)
class ImportSuiteDocument:
    project_id: UUID
    requester_id: UUID
    name: str
    description: str
    cases: list[DocumentCase]
    meta: Meta
    # LLMAssisted for a suite of accepted model suggestions (docs/llm.md).
    generation_type: GenerationType = GenerationType.IMPORTED
    order_reason: str = "the order of the imported suite document"


def suite_document(suite: TestSuite, cases: list[TestCase]) -> dict[str, Any]:
    """This function will give a suite and its cases (in execution order) as a document."""
    keys = {str(case.id): f"case-{n + 1}" for n, case in enumerate(cases)}
    return {
        "format": DOCUMENT_FORMAT,
        "format_version": DOCUMENT_VERSION,
        "name": suite.name,
        "description": suite.description,
        "cases": [
            {
                "key": keys[str(case.id)],
                **{name: getattr(case, name) for name in _CASE_FIELDS},
                "depends_on": [keys[d] for d in case.depends_on],
                "enabled": case.enabled,
            }
            for case in cases
        ],
    }


def document_suite(
    cmd: ImportSuiteDocument, check_fields: Callable[[dict[str, Any]], dict[str, Any]]
) -> tuple[TestSuite, list[TestCase]]:
    """This function will build a suite from a document, its cases in the document's order,
    waiting for review. Raises InvalidValueError naming the refused case."""
    suite = TestSuite.start(
        project_id=cmd.project_id,
        api_spec_id=None,
        name=cmd.name,
        description=cmd.description,
        generation_type=cmd.generation_type.value,
        selected_endpoint_ids=[],
        meta=cmd.meta,
    )
    ids: dict[str, str] = {}
    cases = []
    for position, item in enumerate(cmd.cases):
        where = f"cases.{position}"
        # Rules between the document's values, which no schema can state.
        if item.key in ids:
            raise InconsistentValuesError(f"{where}.key", "is the key of an earlier case")
        later = [k for k in item.depends_on if k not in ids]
        if later:
            raise InconsistentValuesError(
                f"{where}.depends_on", f"names cases that are not earlier in the document: {later}"
            )
        try:
            fields = check_fields(item.fields)
        except InvalidValueError as error:
            # The same kind of refusal (a rule between values stays one), under the item's name.
            kind = (
                InconsistentValuesError
                if isinstance(error, InconsistentValuesError)
                else InvalidValueError
            )
            raise kind(
                f"{where}.{error.field}", error.message.removeprefix(f"{error.field}: ")
            ) from None
        case = TestCase(
            suite_id=suite.id,
            fields={
                **fields,
                "depends_on": [ids[k] for k in item.depends_on],
                "order_index": position,
            },
            meta=cmd.meta,
        )
        if not item.enabled:
            case.set_enabled(False, meta=cmd.meta)
        ids[item.key] = str(case.id)
        cases.append(case)
    suite.add_cases(
        [
            {"id": str(c.id), "depends_on": c.depends_on, "order_index": c.order_index}
            for c in cases
        ],
        meta=cmd.meta,
    )
    suite.propose_order(
        [
            {"case_id": str(c.id), "position": i, "reason": "the document's order"}
            for i, c in enumerate(cases)
        ],
        source=ProposalSource.SYSTEM,
        reasoning=cmd.order_reason,
        considered_factors=["document order", "dependencies"],
        meta=cmd.meta,
    )
    return suite, cases
