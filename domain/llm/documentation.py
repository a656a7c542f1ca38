"""The DocumentationDraft aggregate: free-text API documentation a user pasted, the endpoints
a model read from it, and the user's review: edited, then accepted as a Manual specification
or rejected. Nothing the model read becomes a specification without that review."""

from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.shared.errors import ConflictError
from domain.shared.meta import Meta


class DraftStatus(StrEnum):
    """Waiting for the model; reviewable; given up; accepted as a specification; rejected."""

    PENDING = "Pending"
    READY = "Ready"
    FAILED = "Failed"
    ACCEPTED = "Accepted"
    REJECTED = "Rejected"


class DocumentFormat(StrEnum):
    MARKDOWN = "markdown"
    HTML = "html"
    TEXT = "text"


class DraftStateError(ConflictError):
    """A draft that cannot take this step in its state (not ready, already decided)."""


class DocumentationDraft(Aggregate):
    """A draft Manual specification read from a document, for one project."""

    class Requested(Aggregate.Created):
        owner_id: UUID
        project_id: UUID
        name: str
        document_format: str
        document: str
        meta: Meta

    @event(Requested)
    def __init__(
        self,
        *,
        owner_id: UUID,
        project_id: UUID,
        name: str,
        document_format: str,
        document: str,
        meta: Meta,
    ) -> None:
        self.owner_id = owner_id
        self.project_id = project_id
        self.name = name
        self.document_format = document_format
        self.document = document
        self.status = DraftStatus.PENDING
        self.endpoints: list[dict[str, Any]] = []
        self.notes = ""
        self.model = ""
        self.tokens_used = 0
        self.edited = False
        self.reason = ""
        self.spec_id: str | None = None

    class Extracted(Aggregate.Event):
        endpoints: list[dict[str, Any]]
        notes: str
        model: str
        tokens_used: int
        meta: Meta

    def extract(
        self,
        *,
        endpoints: list[dict[str, Any]],
        notes: str,
        model: str,
        tokens_used: int,
        meta: Meta,
    ) -> None:
        """This function will hold what the model read for review (once)."""
        self._require(DraftStatus.PENDING)
        self._extract(
            endpoints=endpoints, notes=notes, model=model, tokens_used=tokens_used, meta=meta
        )

    @event(Extracted)
    def _extract(
        self,
        *,
        endpoints: list[dict[str, Any]],
        notes: str,
        model: str,
        tokens_used: int,
        meta: Meta,
    ) -> None:
        self.endpoints, self.notes = endpoints, notes
        self.model, self.tokens_used = model, tokens_used
        self.status = DraftStatus.READY

    class GivenUp(Aggregate.Event):
        reason: str
        meta: Meta

    def give_up(self, *, reason: str, meta: Meta) -> None:
        """This function will record why nothing was read (once)."""
        self._require(DraftStatus.PENDING)
        self._give_up(reason=reason, meta=meta)

    @event(GivenUp)
    def _give_up(self, *, reason: str, meta: Meta) -> None:
        self.reason = reason
        self.status = DraftStatus.FAILED

    class Edited(Aggregate.Event):
        endpoints: list[dict[str, Any]]
        meta: Meta

    def edit(self, *, endpoints: list[dict[str, Any]], meta: Meta) -> None:
        """This function will replace the draft's endpoints with the reviewer's."""
        self._require(DraftStatus.READY)
        self._edit(endpoints=endpoints, meta=meta)

    @event(Edited)
    def _edit(self, *, endpoints: list[dict[str, Any]], meta: Meta) -> None:
        self.endpoints, self.edited = endpoints, True

    class Accepted(Aggregate.Event):
        spec_id: str
        meta: Meta

    def require_acceptable(self) -> None:
        """This function will refuse to accept a draft not ready or without an endpoint."""
        self._require(DraftStatus.READY)
        if not self.endpoints:
            raise DraftStateError("the draft has no endpoint: edit it, or reject it")

    def accept(self, *, spec_id: str, meta: Meta) -> None:
        """This function will record the specification the draft became."""
        self.require_acceptable()
        self._accept(spec_id=spec_id, meta=meta)

    @event(Accepted)
    def _accept(self, *, spec_id: str, meta: Meta) -> None:
        self.spec_id = spec_id
        self.status = DraftStatus.ACCEPTED

    class Rejected(Aggregate.Event):
        meta: Meta

    def reject(self, *, meta: Meta) -> None:
        """This function will drop the draft: nothing becomes a specification."""
        self._require(DraftStatus.READY)
        self._reject(meta=meta)

    @event(Rejected)
    def _reject(self, *, meta: Meta) -> None:
        self.status = DraftStatus.REJECTED

    def _require(self, status: DraftStatus) -> None:
        if self.status != status:
            raise DraftStateError(f"the draft is {self.status.value}, not {status.value}")
