"""The import of a Postman collection: a hand-written suite and an environment for it."""

import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.apidoc.app import ApidocApplication
from application.apidoc.commands import UploadSpecification
from application.shared.base import Written
from application.storage.app import StorageApplication
from application.testexec.app import TestexecApplication
from application.testexec.commands import CreateEnvironment
from application.testgen.app import TestgenApplication
from application.testgen.imports import ImportReport, ImportSuite
from domain.files.model import FileCategory
from domain.shared.errors import InvalidValueError
from domain.shared.meta import Meta
from domain.specifications.errors import SpecParseError
from domain.specifications.parsed import SourceType
from infrastructure.specs.postman_export import export_collection
from infrastructure.specs.postman_import import import_collection


@dataclass(frozen=True)
class PostmanImport:
    """What an import wrote: the suite, the environment holding the variables, the report."""

    suite: Written
    environment_id: UUID
    spec_id: UUID
    report: ImportReport


class PostmanExchange:
    """Postman in and out across contexts: a collection imported as a suite (with its
    specification and environment), a suite exported as a collection."""

    def __init__(
        self,
        *,
        storage: StorageApplication,
        apidoc: ApidocApplication,
        testgen: TestgenApplication,
        testexec: TestexecApplication,
    ) -> None:
        self._storage, self._apidoc = storage, apidoc
        self._testgen, self._testexec = testgen, testexec

    def import_collection(
        self,
        *,
        project_id: UUID,
        requester_id: UUID,
        meta: Meta,
        collection: Any,
        environment: Any = None,
        globals_: Any = None,
        name: str | None = None,
    ) -> PostmanImport:
        """This function will import a collection (SpecParseError, InvalidValueError,
        NotFoundError before anything is written).

        The environment comes first: a suite without its variables could not run. Secret
        values (typed secret in Postman, named like a credential, or literal credentials of
        an auth object) are stored as the environment's secrets, sealed like any other.
        """
        self._apidoc.owned_project(project_id, requester_id)  # 404 before anything is written
        try:
            imported = import_collection(collection, environment, globals_)
        except SpecParseError as error:
            # A body field that is not a collection we read: a 422 naming the field.
            raise InvalidValueError("collection", str(error)) from None
        suite_name = (name or imported.name)[:200]
        # The collection is also a specification: a worker parses it into endpoints.
        stored, _ = self._storage.store_file(
            owner_id=requester_id,
            file_name=f"{suite_name}.postman_collection.json",
            content_type="application/json",
            content=json.dumps(collection).encode(),
            category=FileCategory.API_SPEC,
            meta=meta,
        )
        spec = self._apidoc.upload_specification(
            UploadSpecification(
                project_id=project_id,
                requester_id=requester_id,
                name=suite_name,
                original_file_id=stored.id,
                format_hint=SourceType.Postman,
                meta=meta,
            )
        )
        environment_name = text_of(environment, "name") or f"{suite_name} (Postman)"
        written_environment = self._testexec.create_environment(
            CreateEnvironment(
                project_id=project_id,
                requester_id=requester_id,
                name=environment_name[:100],
                base_url=imported.base_url,
                meta=meta,
                variables=imported.variables,
                auth=imported.auth,
            )
        )
        written = self._testgen.import_suite(
            ImportSuite(
                project_id=project_id,
                requester_id=requester_id,
                name=suite_name,
                description=imported.description,
                cases=imported.cases,
                meta=meta,
                spec_id=spec.aggregate_id,
            )
        )
        return PostmanImport(
            suite=written,
            environment_id=written_environment.aggregate_id,
            spec_id=spec.aggregate_id,
            report=imported.report,
        )

    def export_suite(self, suite_id: UUID, requester_id: UUID) -> dict[str, Any]:
        """This function will give a suite as a Postman collection v2.1, its enabled cases
        in run order (NotFoundError)."""
        suite = self._testgen.suite(suite_id, requester_id)
        cases = []
        for case_id in suite.execution_order():
            case = self._testgen.case(UUID(case_id), requester_id)
            if case.enabled:
                cases.append({"name": case.name, **case.snapshot_fields()})
        return export_collection(suite.name, suite.description, cases)


def text_of(node: Any, key: str) -> str:
    """This function will read a string field of an optional object."""
    value = node.get(key) if isinstance(node, dict) else None
    return value if isinstance(value, str) else ""
