"""What the testgen context needs from outside: projects and specs, and the time."""

from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from domain.shared.errors import ConflictError


class NoActiveSpecificationError(ConflictError):
    """Generation asked for in a project with no active specification, naming none."""


class SpecificationNotParsedError(ConflictError):
    """Generation from a specification not parsed yet, or whose parse failed."""


class ProjectCatalog(Protocol):
    """The apidoc context, seen from test generation."""

    def require_owned(self, project_id: UUID, user_id: UUID) -> None:
        """Raises NotFoundError when the project is missing or someone else's."""
        ...

    def parsed_specification(
        self, project_id: UUID, spec_id: UUID | None, user_id: UUID
    ) -> tuple[UUID, dict[str, Any]]:
        """Returns (spec id, parsed model) of a spec, the active one when spec_id is None.
        Raises NotFoundError, NoActiveSpecificationError, SpecificationNotParsedError."""
        ...

    def require_endpoint(self, project_id: UUID, endpoint_id: UUID) -> None:
        """Raises NotFoundError unless the endpoint belongs to a specification of the project."""
        ...


class Clock(Protocol):
    def now(self) -> datetime: ...


REVIEWER_CLAIM = "testament:project-reviewer"


class ProjectReviewers(Protocol):
    """Who may review a project's order proposals besides its owner: the holders of the
    claim `testament:project-reviewer` whose value is the project's id (the identity read
    tables, a user's own claims and their roles')."""

    def reviews(self, user_id: UUID, project_id: UUID) -> bool: ...
