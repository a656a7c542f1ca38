"""The Project aggregate: a user's API under test."""

from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.shared.errors import ConflictError
from domain.shared.meta import Meta
from domain.shared.values import require_http_url, require_text


class ProjectArchivedError(ConflictError):
    """A change to an archived project, or archiving it again."""


class ProjectNotArchivedError(ConflictError):
    """Restoring a project that is not archived."""


NAME_MAX = 200
DESCRIPTION_MAX = 4000


class ProjectStatus(StrEnum):
    """Whether a project is in use or put away."""

    ACTIVE = "Active"
    ARCHIVED = "Archived"


class Project(Aggregate):
    """An API under test, owned by one user."""

    class Created(Aggregate.Created):
        owner_id: UUID
        name: str
        description: str
        base_url: str
        meta: Meta

    @event(Created)
    def __init__(
        self, *, owner_id: UUID, name: str, description: str, base_url: str, meta: Meta
    ) -> None:
        self.owner_id = owner_id
        self.name = name
        self.description = description
        self.base_url = base_url
        self.status = ProjectStatus.ACTIVE
        self.active_spec_id: UUID | None = None

    @classmethod
    def start(
        cls, *, owner_id: UUID, name: str, description: str, base_url: str, meta: Meta
    ) -> "Project":
        """This function will create a project after checking each of its fields."""
        return cls(
            owner_id=owner_id,
            name=require_text("name", name, max_length=NAME_MAX),
            description=require_text(
                "description", description, max_length=DESCRIPTION_MAX, allow_empty=True
            ),
            base_url=require_http_url("base_url", base_url),
            meta=meta,
        )

    class Renamed(Aggregate.Event):
        name: str
        meta: Meta

    def rename(self, *, name: str, meta: Meta) -> None:
        """This function will give the project a new name."""
        self._require_active()
        self._rename(name=require_text("name", name, max_length=NAME_MAX), meta=meta)

    @event(Renamed)
    def _rename(self, *, name: str, meta: Meta) -> None:
        self.name = name

    class DescriptionChanged(Aggregate.Event):
        description: str
        meta: Meta

    def change_description(self, *, description: str, meta: Meta) -> None:
        """This function will replace the project's description."""
        self._require_active()
        text = require_text(
            "description", description, max_length=DESCRIPTION_MAX, allow_empty=True
        )
        self._change_description(description=text, meta=meta)

    @event(DescriptionChanged)
    def _change_description(self, *, description: str, meta: Meta) -> None:
        self.description = description

    class BaseUrlChanged(Aggregate.Event):
        base_url: str
        meta: Meta

    def change_base_url(self, *, base_url: str, meta: Meta) -> None:
        """This function will point the project at another base URL."""
        self._require_active()
        self._change_base_url(base_url=require_http_url("base_url", base_url), meta=meta)

    @event(BaseUrlChanged)
    def _change_base_url(self, *, base_url: str, meta: Meta) -> None:
        self.base_url = base_url

    class Archived(Aggregate.Event):
        meta: Meta

    def archive(self, *, meta: Meta) -> None:
        """This function will put the project away; it refuses one already archived."""
        if self.status == ProjectStatus.ARCHIVED:
            raise ProjectArchivedError("the project is already archived")
        self._archive(meta=meta)

    @event(Archived)
    def _archive(self, *, meta: Meta) -> None:
        self.status = ProjectStatus.ARCHIVED

    class Restored(Aggregate.Event):
        meta: Meta

    def restore(self, *, meta: Meta) -> None:
        """This function will bring an archived project back into use."""
        if self.status == ProjectStatus.ACTIVE:
            raise ProjectNotArchivedError("the project is not archived")
        self._restore(meta=meta)

    @event(Restored)
    def _restore(self, *, meta: Meta) -> None:
        self.status = ProjectStatus.ACTIVE

    class ActiveSpecChanged(Aggregate.Event):
        spec_id: UUID | None
        meta: Meta

    def change_active_spec(self, *, spec_id: UUID | None, meta: Meta) -> None:
        """This function will choose the specification the project is tested against."""
        self._require_active()
        if spec_id != self.active_spec_id:
            self._change_active_spec(spec_id=spec_id, meta=meta)

    @event(ActiveSpecChanged)
    def _change_active_spec(self, *, spec_id: UUID | None, meta: Meta) -> None:
        self.active_spec_id = spec_id

    def _require_active(self) -> None:
        if self.status == ProjectStatus.ARCHIVED:
            raise ProjectArchivedError("the project is archived; restore it before changing it")
