"""The import of a Postman collection: a hand-written suite and an environment for it."""

import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.apidoc.commands import UploadSpecification
from application.shared.base import Written
from application.testexec.commands import CreateEnvironment
from application.testgen.imports import ImportReport, ImportSuite
from domain.files.model import FileCategory
from domain.shared.errors import InvalidValueError
from domain.shared.meta import Meta
from domain.specifications.errors import SpecParseError
from domain.specifications.parsed import SourceType
from infrastructure.specs.postman_import import import_collection


@dataclass(frozen=True)
class PostmanImport:
    """What an import wrote: the suite, the environment holding the variables, the report."""

    suite: Written
    environment_id: UUID
    spec_id: UUID
    report: ImportReport


def import_postman(
    runtime: Any,
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
    try:
        imported = import_collection(collection, environment, globals_)
    except SpecParseError as error:
        # A body field that is not a collection we read: a 422 naming the field.
        raise InvalidValueError("collection", str(error)) from None
    suite_name = (name or imported.name)[:200]
    # The collection is also a specification: a worker parses it into endpoints.
    stored, _ = runtime.storage.store_file(
        owner_id=requester_id,
        file_name=f"{suite_name}.postman_collection.json",
        content_type="application/json",
        content=json.dumps(collection).encode(),
        category=FileCategory.API_SPEC,
        meta=meta,
    )
    spec = runtime.apidoc.upload_specification(
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
    written_environment = runtime.testexec.create_environment(
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
    written = runtime.testgen.import_suite(
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


def text_of(node: Any, key: str) -> str:
    """This function will read a string field of an optional object."""
    value = node.get(key) if isinstance(node, dict) else None
    return value if isinstance(value, str) else ""
