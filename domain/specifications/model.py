"""The ApiSpecification aggregate: one uploaded API description and what was read from it."""

from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.shared.errors import ConflictError, NotFoundError
from domain.shared.meta import Meta
from domain.shared.values import require_text
from domain.specifications.parsed import ParsedEndpoint, ParsedSpecification, ParseIssue, SourceType


class SpecificationStateError(ConflictError):
    """A command the specification's parse status does not allow."""


class NotManualSpecificationError(ConflictError):
    """An endpoint typed in or removed by hand, on a specification that was not typed in by hand."""


class DuplicateEndpointError(ConflictError):
    """An endpoint the specification already has."""


MAX_PARSE_ATTEMPTS = 3


class ParseStatus(StrEnum):
    """Where a specification is in the parse flow of the ERD analysis (§3.3.1)."""

    PENDING = "Pending"
    PROCESSING = "Processing"
    SUCCESS = "Success"
    FAILED = "Failed"


def endpoint_key(method: str, path: str) -> str:
    """This function will name an endpoint within a specification: 'GET /pets/{id}'."""
    return f"{method.upper()} {path}"


class ApiSpecification(Aggregate):
    """An API description of a project: its file, its parse status, its endpoints."""

    class Uploaded(Aggregate.Created):
        project_id: UUID
        owner_id: UUID
        name: str
        original_file_id: UUID | None
        format_hint: str
        meta: Meta

    @event(Uploaded)
    def __init__(
        self,
        *,
        project_id: UUID,
        owner_id: UUID,
        name: str,
        original_file_id: UUID | None,
        format_hint: str,
        meta: Meta,
    ) -> None:
        self.project_id = project_id
        self.owner_id = owner_id
        self.name = name
        self.original_file_id = original_file_id
        self.format_hint = format_hint
        self.status = ParseStatus.PENDING
        self.source_type = format_hint
        self.api_version = ""
        self.title = ""
        self.attempts = 0
        self.is_active = False
        self.parsed: dict[str, Any] | None = None
        self.issues: list[dict[str, str]] = []
        if format_hint == SourceType.Manual.value:
            # Endpoints typed in by hand need no parse: the spec starts empty and usable.
            self.status = ParseStatus.SUCCESS
            self.parsed = ParsedSpecification(source_type=SourceType.Manual, title=name).to_json()

    @classmethod
    def manual(
        cls, *, project_id: UUID, owner_id: UUID, name: str, meta: Meta
    ) -> "ApiSpecification":
        """This function will start an empty specification whose endpoints are typed in by hand."""
        return cls(
            project_id=project_id,
            owner_id=owner_id,
            name=require_text("name", name, max_length=200),
            original_file_id=None,
            format_hint=SourceType.Manual.value,
            meta=meta,
        )

    @classmethod
    def upload(
        cls,
        *,
        project_id: UUID,
        owner_id: UUID,
        name: str,
        original_file_id: UUID | None,
        format_hint: SourceType | None,
        meta: Meta,
    ) -> "ApiSpecification":
        """This function will record an uploaded description, waiting to be parsed."""
        return cls(
            project_id=project_id,
            owner_id=owner_id,
            name=require_text("name", name, max_length=200),
            original_file_id=original_file_id,
            format_hint=format_hint.value if format_hint else "",
            meta=meta,
        )

    class ParsingStarted(Aggregate.Event):
        attempt: int
        meta: Meta

    def start_parsing(self, *, meta: Meta) -> None:
        """This function will mark an attempt to parse; a finished spec refuses it."""
        if self.status in (ParseStatus.SUCCESS, ParseStatus.FAILED):
            raise SpecificationStateError(f"the specification is already parsed ({self.status})")
        self._start_parsing(attempt=self.attempts + 1, meta=meta)

    @event(ParsingStarted)
    def _start_parsing(self, *, attempt: int, meta: Meta) -> None:
        self.status = ParseStatus.PROCESSING
        self.attempts = attempt

    class Parsed(Aggregate.Event):
        source_type: str
        title: str
        api_version: str
        specification: dict[str, Any]
        meta: Meta

    def record_parsed(self, spec: ParsedSpecification, *, meta: Meta) -> None:
        """This function will keep what was read; partial issues are kept with it."""
        if self.status != ParseStatus.PROCESSING:
            raise SpecificationStateError(f"the specification is not being parsed ({self.status})")
        self._record_parsed(
            source_type=spec.source_type.value,
            title=spec.title[:200],
            api_version=spec.version[:50],
            specification=spec.to_json(),
            meta=meta,
        )

    @event(Parsed)
    def _record_parsed(
        self,
        *,
        source_type: str,
        title: str,
        api_version: str,
        specification: dict[str, Any],
        meta: Meta,
    ) -> None:
        self.status = ParseStatus.SUCCESS
        self.source_type = source_type
        self.title = title
        self.api_version = api_version
        self.parsed = specification
        self.issues = list(specification.get("issues", []))

    class ParseFailed(Aggregate.Event):
        issues: list[dict[str, str]]
        meta: Meta

    def record_failure(self, issues: list[ParseIssue], *, meta: Meta) -> None:
        """This function will record why nothing usable could be read."""
        if self.status in (ParseStatus.SUCCESS, ParseStatus.FAILED):
            raise SpecificationStateError(f"the specification is already parsed ({self.status})")
        self._record_failure(
            issues=[{"location": i.location, "message": i.message} for i in issues], meta=meta
        )

    @event(ParseFailed)
    def _record_failure(self, *, issues: list[dict[str, str]], meta: Meta) -> None:
        self.status = ParseStatus.FAILED
        self.issues = issues

    class Activated(Aggregate.Event):
        meta: Meta

    def activate(self, *, meta: Meta) -> None:
        """This function will make this the spec the project tests against."""
        if self.status != ParseStatus.SUCCESS:
            raise SpecificationStateError(
                f"only a parsed specification can be active (this one is {self.status})"
            )
        if not self.is_active:
            self._activate(meta=meta)

    @event(Activated)
    def _activate(self, *, meta: Meta) -> None:
        self.is_active = True

    class Deactivated(Aggregate.Event):
        meta: Meta

    def deactivate(self, *, meta: Meta) -> None:
        if self.is_active:
            self._deactivate(meta=meta)

    @event(Deactivated)
    def _deactivate(self, *, meta: Meta) -> None:
        self.is_active = False

    class EndpointAdded(Aggregate.Event):
        endpoint: dict[str, Any]
        meta: Meta

    def add_endpoint(self, endpoint: ParsedEndpoint, *, meta: Meta) -> None:
        """This function will add an endpoint typed in by hand (FE-11), refusing a duplicate."""
        if self.source_type != SourceType.Manual.value or self.parsed is None:
            raise NotManualSpecificationError(
                "endpoints can be added by hand only to a Manual specification"
            )
        key = endpoint_key(endpoint.method, endpoint.path)
        if key in self.endpoint_keys():
            raise DuplicateEndpointError(f"the specification already has {key}")
        self._add_endpoint(endpoint=endpoint.to_json(), meta=meta)

    @event(EndpointAdded)
    def _add_endpoint(self, *, endpoint: dict[str, Any], meta: Meta) -> None:
        parsed = self.parsed or {"endpoints": []}
        self.parsed = {**parsed, "endpoints": [*parsed["endpoints"], endpoint]}

    class EndpointRemoved(Aggregate.Event):
        method: str
        path: str
        meta: Meta

    def remove_endpoint(self, *, method: str, path: str, meta: Meta) -> None:
        """This function will remove an endpoint typed in by hand."""
        if self.source_type != SourceType.Manual.value:
            raise NotManualSpecificationError(
                "endpoints can be removed by hand only from a Manual specification"
            )
        if endpoint_key(method, path) not in self.endpoint_keys():
            raise NotFoundError(f"the specification has no endpoint {endpoint_key(method, path)}")
        self._remove_endpoint(method=method.upper(), path=path, meta=meta)

    @event(EndpointRemoved)
    def _remove_endpoint(self, *, method: str, path: str, meta: Meta) -> None:
        parsed = self.parsed or {"endpoints": []}
        key = endpoint_key(method, path)
        kept = [e for e in parsed["endpoints"] if endpoint_key(e["method"], e["path"]) != key]
        self.parsed = {**parsed, "endpoints": kept}

    def endpoint_keys(self) -> list[str]:
        if self.parsed is None:
            return []
        return [endpoint_key(e["method"], e["path"]) for e in self.parsed.get("endpoints", [])]

    def specification(self) -> ParsedSpecification | None:
        """This function will give back the parsed model, when there is one."""
        return None if self.parsed is None else ParsedSpecification.from_json(self.parsed)
