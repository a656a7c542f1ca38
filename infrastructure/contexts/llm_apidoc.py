"""The apidoc context as documentation parsing sees it: the project a document is about, and
where an accepted draft becomes a Manual specification (one save, every endpoint checked as
a typed-in one)."""

from typing import Any
from uuid import UUID

from application.apidoc.app import ApidocApplication
from application.apidoc.commands import CreateManualSpecification
from domain.shared.meta import Meta
from domain.specifications.manual import manual_endpoint_from_fields


class ApidocManualSpecifications:
    """The ManualSpecifications port on the apidoc application."""

    def __init__(self, apidoc: ApidocApplication) -> None:
        self._apidoc = apidoc

    def require_project(self, project_id: UUID, owner_id: UUID) -> None:
        self._apidoc.owned_project(project_id, owner_id)._require_active()

    def create(
        self,
        *,
        project_id: UUID,
        owner_id: UUID,
        name: str,
        endpoints: list[dict[str, Any]],
        meta: Meta,
    ) -> tuple[UUID, int]:
        written = self._apidoc.create_manual_specification(
            CreateManualSpecification(
                project_id=project_id,
                requester_id=owner_id,
                name=name,
                meta=meta,
                endpoints=[manual_endpoint_from_fields(fields) for fields in endpoints],
            )
        )
        return written.aggregate_id, written.position
