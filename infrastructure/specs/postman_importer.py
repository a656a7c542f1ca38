"""The import of a Postman collection: a hand-written suite and an environment for it."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.shared.base import Written
from application.testexec.commands import CreateEnvironment
from application.testgen.imports import ImportReport, ImportSuite
from domain.shared.meta import Meta
from infrastructure.specs.postman_import import import_collection


@dataclass(frozen=True)
class PostmanImport:
    """What an import wrote: the suite, the environment holding the variables, the report."""

    suite: Written
    environment_id: UUID
    report: ImportReport


def import_postman(
    testgen: Any,
    testexec: Any,
    *,
    project_id: UUID,
    requester_id: UUID,
    meta: Meta,
    collection: Any,
    environment: Any = None,
    globals_: Any = None,
    name: str | None = None,
) -> PostmanImport:
    """This function will import a collection (SpecParseError, InvalidValueError, NotFoundError).

    The environment comes first: a suite without its variables could not run. Secret
    values (typed secret in Postman, named like a credential, or literal credentials of
    an auth object) are stored as the environment's secrets, sealed like any other.
    """
    imported = import_collection(collection, environment, globals_)
    suite_name = (name or imported.name)[:200]
    environment_name = text_of(environment, "name") or f"{suite_name} (Postman)"
    written_environment = testexec.create_environment(
        CreateEnvironment(
            project_id=project_id,
            requester_id=requester_id,
            name=environment_name[:100],
            base_url=imported.base_url,
            meta=meta,
            variables=imported.variables,
        )
    )
    written = testgen.import_suite(
        ImportSuite(
            project_id=project_id,
            requester_id=requester_id,
            name=suite_name,
            description=imported.description,
            cases=imported.cases,
            meta=meta,
        )
    )
    return PostmanImport(
        suite=written, environment_id=written_environment.aggregate_id, report=imported.report
    )


def text_of(node: Any, key: str) -> str:
    """This function will read a string field of an optional object."""
    value = node.get(key) if isinstance(node, dict) else None
    return value if isinstance(value, str) else ""
