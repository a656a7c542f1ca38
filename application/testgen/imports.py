"""Importing a suite written elsewhere (a Postman collection): its cases, in its order.

The collection is read by infrastructure (infrastructure/specs/postman_import.py) into
GeneratedCase values and an ImportReport; this module turns them into a suite written by
hand (GenerationType Imported) that waits for review with a System proposal keeping the
collection's order.
"""

from dataclasses import dataclass, field
from uuid import UUID, uuid5

from domain.generation.suite import GeneratedCase
from domain.shared.errors import InvalidValueError
from domain.shared.meta import Meta
from domain.suites.enums import GenerationType, ProposalSource
from domain.suites.model import TestSuite
from domain.testcases.model import TestCase


@dataclass(frozen=True, kw_only=True)
class UntranslatedLine:
    """A script line the importer could not translate, with the request it belongs to."""

    request: str
    line: int
    text: str


@dataclass(frozen=True, kw_only=True)
class ImportReport:
    """What an import made of a collection."""

    requests: int
    cases: int
    assertions: int
    assertions_translated: int
    extractions: int
    partially_imported: list[str] = field(default_factory=list)
    untranslated: list[UntranslatedLine] = field(default_factory=list)
    variables: list[str] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class ImportSuite:
    """Create a suite from imported cases, in their order."""

    project_id: UUID
    requester_id: UUID
    name: str
    description: str
    cases: list[GeneratedCase]
    meta: Meta
    spec_id: UUID | None = None  # the collection uploaded as a specification, for endpoint ids


def imported_suite(cmd: ImportSuite) -> tuple[TestSuite, list[TestCase]]:
    """This function will build the aggregates of an imported suite, waiting for review.
    Raises InvalidValueError when there is no case or a dependency points forward."""
    if not cmd.cases:
        raise InvalidValueError("item", "the collection holds no request to import")
    suite = TestSuite.start(
        project_id=cmd.project_id,
        api_spec_id=cmd.spec_id,
        name=cmd.name,
        description=cmd.description,
        generation_type=GenerationType.IMPORTED.value,
        selected_endpoint_ids=[],
        meta=cmd.meta,
    )
    ids = {c.key: uuid5(suite.id, c.key) for c in cmd.cases}
    if len(ids) != len(cmd.cases):
        raise InvalidValueError("item", "two imported cases share a key")
    cases = []
    for position, imported in enumerate(cmd.cases):
        fields = {
            "id": str(ids[imported.key]),
            # As an edit would store them (stripped, tags once each): sent back unchanged by a
            # PATCH, an imported case then records no change.
            "name": imported.name.strip() or imported.name,
            "description": imported.description.strip(),
            # The id the specification's read table gives the endpoint (method and path).
            "endpoint_id": None
            if cmd.spec_id is None
            else str(uuid5(cmd.spec_id, imported.endpoint_key)),
            "endpoint_key": imported.endpoint_key,
            "test_type": imported.test_type.value,
            "priority": imported.priority.value,
            "tags": list(dict.fromkeys(imported.tags)),
            "request": imported.request.to_json(),
            "expectations": imported.expectations.to_json(),
            "variables": [v.to_json() for v in imported.variables],
            "data_sets": [d.to_json() for d in imported.data_sets],
            "depends_on": [str(ids[k]) for k in imported.depends_on],
            "order_index": position,
        }
        cases.append(TestCase(suite_id=suite.id, fields=fields, meta=cmd.meta))
    suite.add_cases(
        [
            {"id": str(c.id), "depends_on": c.depends_on, "order_index": c.order_index}
            for c in cases
        ],
        meta=cmd.meta,
    )
    suite.propose_order(
        [
            {"case_id": str(c.id), "position": i, "reason": "the collection's order"}
            for i, c in enumerate(cases)
        ],
        source=ProposalSource.SYSTEM,
        reasoning="the order of the imported collection, as its runner would send it",
        considered_factors=["collection order", "variables set by earlier requests"],
        meta=cmd.meta,
    )
    return suite, cases
