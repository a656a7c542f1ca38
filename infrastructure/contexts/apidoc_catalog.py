"""The apidoc context, as the testgen context sees it (projects and their parsed specs)."""

from typing import Any
from uuid import UUID

from application.apidoc.app import ApidocApplication
from application.testgen.ports import NoActiveSpecificationError, SpecificationNotParsedError
from domain.shared.errors import NotFoundError
from infrastructure.read_models.postgres.spec_readers import PostgresSpecificationReader


class ApidocProjectCatalog:
    """Ownership checks and parsed specifications, read from the apidoc event store; which
    endpoints a project has, from its read tables."""

    def __init__(self, apidoc: ApidocApplication, endpoints: PostgresSpecificationReader) -> None:
        self._apidoc = apidoc
        self._endpoints = endpoints

    def require_owned(self, project_id: UUID, user_id: UUID) -> None:
        self._apidoc.owned_project(project_id, user_id)

    def parsed_specification(
        self, project_id: UUID, spec_id: UUID | None, user_id: UUID
    ) -> tuple[UUID, dict[str, Any]]:
        project = self._apidoc.owned_project(project_id, user_id)
        chosen = spec_id or project.active_spec_id
        if chosen is None:
            raise NoActiveSpecificationError(
                "the project has no active specification: upload one, or name a spec_id"
            )
        model = self._apidoc.specification_model(project_id, chosen, user_id)
        if not model:
            raise SpecificationNotParsedError(
                "the specification is not parsed yet (or its parse failed)"
            )
        return chosen, model

    def require_endpoint(self, project_id: UUID, endpoint_id: UUID) -> None:
        if not self._endpoints.endpoint_in_project(project_id, endpoint_id):
            raise NotFoundError("endpoint not found in this project")
