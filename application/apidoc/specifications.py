"""The specification commands of the apidoc context: upload, parse, activate, diff."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from application.apidoc.commands import (
    ActivateSpecification,
    AddManualEndpoint,
    CreateManualSpecification,
    RemoveManualEndpoint,
    UploadSpecification,
)
from application.apidoc.ports import SpecificationParser, SpecificationSource
from application.shared.base import (
    ConcurrentChangeError,
    TestamentApplication,
    Written,
    require_version,
)
from application.shared.limits import PlanLimitsPort, refuse_past
from domain.projects.model import Project, ProjectStatus
from domain.shared.errors import NotFoundError
from domain.shared.limits import TooLargeError
from domain.shared.meta import system_meta
from domain.shared.strict_json import json_problem
from domain.specifications.diff import SpecificationDiff, diff_specifications
from domain.specifications.errors import SpecParseError
from domain.specifications.model import MAX_PARSE_ATTEMPTS, ApiSpecification, ParseStatus
from domain.specifications.parsed import ParseIssue, SourceType
from domain.subscriptions.limits import LimitExceededError, LimitType


@dataclass(frozen=True, kw_only=True)
class SpecificationState:
    """A specification as its events leave it (for the command side and for auditors)."""

    id: UUID
    project_id: UUID
    name: str
    source_type: str
    api_version: str
    title: str
    status: str
    is_active: bool
    original_file_id: UUID | None
    issues: list[dict[str, str]]
    endpoint_count: int
    servers: list[str]
    version: int
    created_at: datetime
    updated_at: datetime


def _state(spec: ApiSpecification) -> SpecificationState:
    parsed = spec.parsed or {}
    return SpecificationState(
        id=spec.id,
        project_id=spec.project_id,
        name=spec.name,
        source_type=spec.source_type,
        api_version=spec.api_version,
        title=spec.title,
        status=str(spec.status),
        is_active=spec.is_active,
        original_file_id=spec.original_file_id,
        issues=list(spec.issues),
        endpoint_count=len(parsed.get("endpoints", [])),
        servers=list(parsed.get("servers", [])),
        version=spec.version,
        created_at=spec.created_on,
        updated_at=spec.modified_on,
    )


class SpecificationCommands(TestamentApplication):
    """Upload, parse, activate and compare API descriptions of a project."""

    _parser: SpecificationParser | None = None
    _source: SpecificationSource | None = None

    def owned_project(self, project_id: UUID, requester_id: UUID) -> Project:
        """This function will load a requester's project; another owner's is not found."""
        try:
            project = self.load_version(project_id)
        except NotFoundError:
            project = None  # missing and someone else's must read the same: ids do not leak
        if not isinstance(project, Project) or project.owner_id != requester_id:
            raise NotFoundError("project not found")
        return project

    def _require_endpoint_room(
        self, spec: ApiSpecification, owner_id: UUID, current: int, adding: int
    ) -> None:
        """A description of a project holds at most the plan's MaxEndpointsPerProject
        endpoints (§7.3). Raises LimitExceededError."""
        limits: PlanLimitsPort | None = getattr(self, "limits", None)
        if limits is None:
            return
        limit = limits.limit(owner_id, LimitType.MaxEndpointsPerProject)
        refuse_past(limit, current=current, adding=adding, upgrade_url=limits.upgrade_url)

    def _owned_spec(self, project_id: UUID, spec_id: UUID, requester_id: UUID) -> ApiSpecification:
        self.owned_project(project_id, requester_id)
        spec = self.load_version(spec_id)
        if not isinstance(spec, ApiSpecification) or spec.project_id != project_id:
            raise NotFoundError("specification not found")
        return spec

    def upload_specification(self, cmd: UploadSpecification) -> Written:
        """This function will record an upload as Pending; a worker parses it.

        Raises NotFoundError, ProjectArchivedError, InvalidValueError.
        """
        project = self.owned_project(cmd.project_id, cmd.requester_id)
        project._require_active()
        spec = ApiSpecification.upload(
            project_id=project.id,
            owner_id=cmd.requester_id,
            name=cmd.name,
            original_file_id=cmd.original_file_id,
            format_hint=cmd.format_hint,
            meta=cmd.meta,
        )
        return self.written(spec)

    def create_manual_specification(self, cmd: CreateManualSpecification) -> Written:
        """This function will start a specification whose endpoints are typed in (FE-11),
        with the endpoints given, all in one save. Raises NotFoundError, ProjectArchivedError,
        DuplicateEndpointError, LimitExceededError."""
        project = self.owned_project(cmd.project_id, cmd.requester_id)
        project._require_active()
        spec = ApiSpecification.manual(
            project_id=project.id, owner_id=cmd.requester_id, name=cmd.name, meta=cmd.meta
        )
        if cmd.endpoints:
            self._require_endpoint_room(spec, cmd.requester_id, 0, len(cmd.endpoints))
        for endpoint in cmd.endpoints:
            spec.add_endpoint(endpoint, meta=cmd.meta)
        return self.written(spec)

    def add_manual_endpoint(self, cmd: AddManualEndpoint) -> Written:
        """This function will add a hand-typed endpoint. Raises DuplicateEndpointError,
        NotManualSpecificationError."""
        spec = self._owned_spec(cmd.project_id, cmd.spec_id, cmd.requester_id)
        require_version(spec, cmd.expected_version)
        self._require_endpoint_room(spec, cmd.requester_id, len(spec.endpoint_keys()), 1)
        spec.add_endpoint(cmd.endpoint, meta=cmd.meta)
        return self.written(spec)

    def remove_manual_endpoint(self, cmd: RemoveManualEndpoint) -> Written:
        """This function will remove a hand-typed endpoint."""
        spec = self._owned_spec(cmd.project_id, cmd.spec_id, cmd.requester_id)
        require_version(spec, cmd.expected_version)
        spec.remove_endpoint(method=cmd.method, path=cmd.path, meta=cmd.meta)
        return self.written(spec)

    def parse_specification(self, spec_id: UUID) -> str:
        """This function will parse a Pending specification and record the outcome.

        Safe to run twice (a redelivered message): a finished specification is left alone.
        Returns the final status.
        """
        spec = self.load_version(spec_id)
        if not isinstance(spec, ApiSpecification):
            raise NotFoundError("specification not found")
        if spec.status in (ParseStatus.SUCCESS, ParseStatus.FAILED):
            return str(spec.status)
        meta = system_meta("parse job")
        if spec.attempts >= MAX_PARSE_ATTEMPTS:
            message = f"parsing did not finish after {spec.attempts} attempts"
            spec.record_failure([ParseIssue("/", message)], meta=meta)
            self.written(spec)
            return str(spec.status)
        spec.start_parsing(meta=meta)
        self.written(spec)
        try:
            parsed = self._parse(spec)
            _require_strict(parsed)
        except SpecParseError as error:
            spec.record_failure(error.issues, meta=meta)
            self.written(spec)
            return str(spec.status)
        try:
            self._require_endpoint_room(spec, spec.owner_id, 0, len(parsed.endpoints))
        except LimitExceededError as error:
            # A worker has no one to answer 403 to: the parse fails, naming the limit.
            spec.record_failure([ParseIssue("/", f"LIMIT_EXCEEDED: {error.message}")], meta=meta)
            self.written(spec)
            return str(spec.status)
        spec.record_parsed(parsed, meta=meta)
        try:
            self.written(spec)
        except TooLargeError as error:
            # Nothing was saved: record why, so the spec never stays Processing.
            spec = self.load_version(spec_id)
            issue = ParseIssue("/", f"the parsed specification is too large to keep: {error}")
            spec.record_failure([issue], meta=meta)
            self.written(spec)
            return str(spec.status)
        self._adopt(spec.id, parsed.servers)
        return str(spec.status)

    def _adopt(self, spec_id: UUID, servers: list[str], attempts: int = 5) -> None:
        """Make a parsed spec its project's active one when the project has none, and offer
        its first server as the project's base URL when it has none.

        Its own transaction, after the parse is saved: two specs of one project parsed at once
        then race only here, and the loser retries on a fresh project instead of losing its parse.
        """
        meta = system_meta("offered by a parsed specification")
        server = next((s for s in servers if urlsplit(s).scheme in ("http", "https")), None)
        for _ in range(attempts):
            spec = self.load_version(spec_id)
            project = self.load_version(spec.project_id)
            if not isinstance(project, Project) or project.status != ProjectStatus.ACTIVE:
                return
            changed: list[Any] = []
            if project.active_spec_id is None:
                spec.activate(meta=meta)
                project.change_active_spec(spec_id=spec.id, meta=meta)
                changed = [spec, project]
            if server and not project.base_url:
                project.change_base_url(base_url=server, meta=meta)
                changed = changed or [project]
            if not changed:
                return
            try:
                self.written(*changed)
                return
            except ConcurrentChangeError:
                continue  # another command changed the project meanwhile: look again

    def abandon_parse(self, spec_id: UUID, reason: str) -> None:
        """This function will mark an unfinished parse as Failed with a reason."""
        spec = self.load_version(spec_id)
        if isinstance(spec, ApiSpecification) and spec.status in (
            ParseStatus.PENDING,
            ParseStatus.PROCESSING,
        ):
            spec.record_failure([ParseIssue("/", reason)], meta=system_meta("parse job abandoned"))
            self.written(spec)

    def _parse(self, spec: ApiSpecification) -> Any:
        if self._parser is None or self._source is None:
            raise RuntimeError("this application was built without a parser and a file source")
        if spec.original_file_id is None:
            raise SpecParseError.single("/", "the specification has no file to parse")
        source = self._source.read(spec.original_file_id)
        hint = SourceType(spec.format_hint) if spec.format_hint else None
        return self._parser.parse(
            source.content,
            filename=source.file_name,
            content_type=source.content_type,
            format_hint=hint,
        )

    def activate_specification(self, cmd: ActivateSpecification) -> Written:
        """This function will make a parsed spec the project's active one (the previous one
        is deactivated in the same transaction). Raises NotFoundError, SpecificationStateError."""
        spec = self._owned_spec(cmd.project_id, cmd.spec_id, cmd.requester_id)
        require_version(spec, cmd.expected_version)
        project = self.owned_project(cmd.project_id, cmd.requester_id)
        spec.activate(meta=cmd.meta)
        changed: list[Any] = [spec]
        if project.active_spec_id not in (None, spec.id):
            previous = self.load_version(project.active_spec_id)
            if isinstance(previous, ApiSpecification):
                previous.deactivate(meta=cmd.meta)
                changed.append(previous)
        project.change_active_spec(spec_id=spec.id, meta=cmd.meta)
        return self.written(spec, project, *changed[1:])

    def specification_state(
        self, project_id: UUID, spec_id: UUID, requester_id: UUID, version: int | None = None
    ) -> SpecificationState:
        """This function will describe a specification, optionally as of a version."""
        self._owned_spec(project_id, spec_id, requester_id)
        spec = self.load_version(spec_id, version)
        if version is not None and spec.version != version:
            raise NotFoundError(
                f"version {version} not found; the specification is at version {spec.version}"
            )
        return _state(spec)

    def specification_model(
        self, project_id: UUID, spec_id: UUID, requester_id: UUID
    ) -> dict[str, Any]:
        """This function will return the parsed model of a spec (empty when not parsed)."""
        spec = self._owned_spec(project_id, spec_id, requester_id)
        return dict(spec.parsed or {})

    def specification_history(
        self, project_id: UUID, spec_id: UUID, requester_id: UUID
    ) -> list[Any]:
        self._owned_spec(project_id, spec_id, requester_id)
        return self.history(spec_id)

    def diff_specifications(
        self, project_id: UUID, base_id: UUID, target_id: UUID, requester_id: UUID
    ) -> SpecificationDiff:
        """This function will list endpoints added, removed and changed from base to target."""
        base = self._owned_spec(project_id, base_id, requester_id)
        target = self._owned_spec(project_id, target_id, requester_id)
        return diff_specifications(base.parsed or {}, target.parsed or {})


def _require_strict(parsed: Any) -> None:
    """This function will fail a parse whose model is not strict JSON (a YAML `.nan` or `.inf`,
    a schema nested past the bound): recorded, it could never be projected or replayed.

    Raises SpecParseError naming where the value is in the parsed model.
    """
    found = json_problem(parsed.to_json())
    if found is not None:
        where, why = found
        raise SpecParseError.single(where[:200] or "/", f"the document {why}")
