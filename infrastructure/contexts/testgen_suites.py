"""The testgen context (and the OpenAPI document behind a suite), seen from test runs."""

import threading
from collections import OrderedDict
from typing import Any
from uuid import UUID

from application.apidoc.app import ApidocApplication
from application.storage.app import StorageApplication
from application.testexec.execution import ExecutionCase
from application.testexec.ports import SuitePlan
from application.testgen.app import TestgenApplication
from domain.specifications.errors import SpecParseError
from domain.testcases.model import TestCase
from infrastructure.postgres.many import load_many
from infrastructure.specs.decode import decode_text
from infrastructure.specs.loader import load_document

# Parsed OpenAPI documents kept per process, by stored file: a file never changes, and
# parsing a large document again for every run of its suites cost more than the run.
_DOCUMENTS_KEPT = 8


class TestgenSuiteSource:
    """Builds a run's plan: the suite's enabled cases in execution order."""

    __test__ = False

    def __init__(
        self, testgen: TestgenApplication, apidoc: ApidocApplication, storage: StorageApplication
    ) -> None:
        self._testgen, self._apidoc, self._storage = testgen, apidoc, storage
        self._documents: OrderedDict[UUID, dict[str, Any] | None] = OrderedDict()
        self._documents_lock = threading.Lock()

    def require_visible(self, suite_id: UUID, user_id: UUID) -> None:
        self._testgen.suite(suite_id, user_id)

    def execution_order(self, suite_id: UUID, user_id: UUID) -> list[str]:
        return list(self._testgen.suite(suite_id, user_id).execution_order())

    def plan(self, suite_id: UUID, user_id: UUID, *, with_document: bool = True) -> SuitePlan:
        suite = self._testgen.suite(suite_id, user_id)
        order = suite.execution_order()
        # Every case in one read of the log, not one aggregate at a time (docs/runs.md).
        loaded = load_many(self._testgen, [UUID(case_id) for case_id in order])
        cases: list[ExecutionCase] = []
        for case_id in order:
            case: TestCase | None = loaded.get(UUID(case_id))
            if case is None or case.deleted or not case.enabled:
                continue
            cases.append(
                ExecutionCase(
                    id=case_id,
                    name=case.name,
                    endpoint_key=case.endpoint_key,
                    request=case.request,
                    expectations=case.expectations,
                    variables=case.variables,
                    data_sets=case.data_sets,
                    depends_on=list(case.depends_on),
                )
            )
        refusal = suite.why_not_runnable() or (
            None if cases else "the suite has no enabled test cases"
        )
        return SuitePlan(
            project_id=suite.project_id,
            suite_version=suite.version,
            refusal=refusal,
            cases=cases,
            openapi_document=(
                self._openapi(suite.project_id, suite.api_spec_id, user_id)
                if with_document
                else None
            ),
        )

    def _openapi(
        self, project_id: UUID, spec_id: UUID | None, user_id: UUID
    ) -> dict[str, Any] | None:
        """The raw OpenAPI 3.x document of a suite's spec, for response conformance checks."""
        if spec_id is None:
            return None
        state = self._apidoc.specification_state(project_id, spec_id, user_id)
        if not state.source_type.startswith("OpenAPI 3") or state.original_file_id is None:
            return None
        # The loader the import parsed with: the same YAML 1.2 scalars (`no` stays a
        # string, as in the parsed model) and the same limits on depth and aliases.
        file_id = state.original_file_id
        with self._documents_lock:
            if file_id in self._documents:
                self._documents.move_to_end(file_id)
                return self._documents[file_id]
        content = self._storage.content_for_system(file_id)
        try:
            loaded = load_document(decode_text(content))
        except SpecParseError:
            loaded = None
        document = loaded if isinstance(loaded, dict) else None
        with self._documents_lock:
            self._documents[file_id] = document
            while len(self._documents) > _DOCUMENTS_KEPT:
                self._documents.popitem(last=False)
        return document
