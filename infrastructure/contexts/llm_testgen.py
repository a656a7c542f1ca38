"""The apidoc and testgen contexts as scenario suggestions see them: the endpoints to ask
about, and where accepted suggestions become an LLMAssisted suite of ordinary cases."""

from typing import Any
from uuid import UUID

from application.llm.order_proposals import used_variables
from application.llm.ports import CaseToOrder
from application.testgen.app import TestgenApplication
from application.testgen.commands import ProposeAiOrder
from application.testgen.documents import DocumentCase, ImportSuiteDocument
from application.testgen.fields import check_case_fields
from application.testgen.generation import UnknownEndpointsError
from domain.shared.errors import InvalidValueError
from domain.shared.meta import Meta
from domain.specifications.parsed import ParsedSpecification
from domain.suites.enums import GenerationType, SuiteStatus
from domain.suites.model import SuiteArchivedError, TestSuite
from domain.testcases.model import TestCase
from infrastructure.contexts.apidoc_catalog import ApidocProjectCatalog


class ApidocEndpointSource:
    """Endpoints of a project's active specification, as parsed, by "METHOD /path" key."""

    def __init__(self, catalog: ApidocProjectCatalog) -> None:
        self._catalog = catalog

    def endpoints(self, project_id: UUID, owner_id: UUID, keys: list[str]) -> list[dict[str, Any]]:
        _, parsed = self._catalog.parsed_specification(project_id, None, owner_id)
        spec = ParsedSpecification.from_json(parsed)
        by_key = {f"{e.method.upper()} {e.path}": e for e in spec.endpoints}
        unknown = [k for k in keys if k not in by_key]
        if unknown:
            raise UnknownEndpointsError(
                f"endpoints: not endpoints of the active specification: {unknown}"
            )
        return [dict(by_key[k].to_json()) for k in keys]


class TestgenSuiteWriter:
    """Accepted suggestions checked as any case is, and saved as one suite waiting for
    review (cases, history, change logs and order proposal as for any suite)."""

    __test__ = False

    def __init__(self, testgen: TestgenApplication) -> None:
        self._testgen = testgen

    def case_problems(self, fields: dict[str, Any]) -> list[str]:
        try:
            check_case_fields(fields, partial=False)
        except InvalidValueError as error:
            return [error.message]
        return []

    def create_suite(
        self,
        *,
        project_id: UUID,
        owner_id: UUID,
        name: str,
        cases: list[dict[str, Any]],
        meta: Meta,
    ) -> tuple[UUID, int]:
        written = self._testgen.import_suite_document(
            ImportSuiteDocument(
                project_id=project_id,
                requester_id=owner_id,
                name=name,
                description="Scenarios suggested by a language model and accepted on review",
                cases=[
                    DocumentCase(key=f"case-{n + 1}", fields=fields, depends_on=[])
                    for n, fields in enumerate(cases)
                ],
                meta=meta,
                generation_type=GenerationType.LLM_ASSISTED,
                order_reason="the order the suggestions were accepted in",
            )
        )
        return written.aggregate_id, written.position


class TestgenSuiteOrders:
    """A suite's cases as the model is told of them, and its Ai proposals submitted through
    the same command any proposal goes through (permutation and dependencies checked)."""

    __test__ = False

    def __init__(self, testgen: TestgenApplication) -> None:
        self._testgen = testgen

    def cases_to_order(self, suite_id: UUID, owner_id: UUID) -> list[CaseToOrder]:
        suite = self._testgen.suite(suite_id, owner_id)
        if suite.status == SuiteStatus.ARCHIVED:
            raise SuiteArchivedError("the suite is archived")
        found = []
        for case_id in suite.execution_order():
            case: TestCase = self._testgen.load_version(UUID(case_id))
            found.append(
                CaseToOrder(
                    id=case_id,
                    name=case.name,
                    description=case.description,
                    endpoint=case.endpoint_key
                    or f"{case.request.get('method', '')} {case.request.get('url', '')}",
                    test_type=case.test_type,
                    priority=case.priority,
                    depends_on=list(case.depends_on),
                    extracts=[str(v.get("name", "")) for v in case.variables],
                    uses=used_variables(case.request),
                )
            )
        return found

    def propose(
        self,
        *,
        suite_id: UUID,
        owner_id: UUID,
        proposed: list[dict[str, Any]],
        reasoning: str,
        considered_factors: list[str],
        model: str,
        tokens_used: int,
        meta: Meta,
    ) -> int:
        written = self._testgen.propose_ai_order(
            ProposeAiOrder(
                suite_id=suite_id,
                requester_id=owner_id,
                meta=meta,
                proposed=proposed,
                reasoning=reasoning,
                considered_factors=considered_factors,
                llm_model=model,
                tokens_used=tokens_used,
            )
        )
        suite: TestSuite = written.aggregate
        pending = suite.pending_proposal()
        return int(pending["number"]) if pending else len(suite.proposals)
