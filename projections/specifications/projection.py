"""apidoc.api_specifications, api_endpoints, endpoint_parameters, endpoint_responses,
endpoint_security_reqs and security_schemes, from ApiSpecification events."""

import json
from functools import singledispatchmethod
from typing import Any

from domain.specifications.model import ApiSpecification, ParseStatus
from projections.base import Projection
from projections.specifications.rows import (
    distinct_endpoints,
    endpoint_id,
    endpoint_rows,
    scheme_rows,
)
from projections.specifications.view import SpecificationsView


class SpecificationsProjection(Projection[SpecificationsView]):
    """One row per specification and the endpoints read from it."""

    name = "specifications"
    follows = ("apidoc",)

    @singledispatchmethod
    def process_event(self, domain_event: Any) -> None:
        """This function will ignore events of other aggregates."""

    @process_event.register
    def _(self, e: ApiSpecification.Uploaded) -> None:
        manual = e.format_hint == "Manual"
        self.view.insert_specification(
            {
                "id": e.originator_id,
                "project_id": e.project_id,
                "original_file_id": e.original_file_id,
                "name": e.name,
                "source_type": e.format_hint,
                "version": "",
                "title": "",
                "is_active": False,
                "parsed_at": e.timestamp if manual else None,
                "parse_status": (ParseStatus.SUCCESS if manual else ParseStatus.PENDING).value,
                "parse_errors": None,
                "servers": "[]",
                "created_date_time": e.timestamp,
                "updated_date_time": e.timestamp,
                "row_version": e.originator_version,
            }
        )

    @process_event.register
    def _(self, e: ApiSpecification.ParsingStarted) -> None:
        self._update(e, parse_status=ParseStatus.PROCESSING.value)

    @process_event.register
    def _(self, e: ApiSpecification.Parsed) -> None:
        spec = e.specification
        issues = spec.get("issues", [])
        self.view.replace_contents(
            e.originator_id,
            distinct_endpoints(
                [
                    endpoint_rows(e.originator_id, ep, e.timestamp, e.originator_version)
                    for ep in spec.get("endpoints", [])
                ]
            ),
            scheme_rows(
                e.originator_id, spec.get("security_schemes", []), e.timestamp, e.originator_version
            ),
        )
        self._update(
            e,
            parse_status=ParseStatus.SUCCESS.value,
            parsed_at=e.timestamp,
            source_type=e.source_type,
            version=e.api_version,
            title=e.title,
            parse_errors=json.dumps(issues) if issues else None,
            servers=json.dumps(spec.get("servers", [])),
        )

    @process_event.register
    def _(self, e: ApiSpecification.ParseFailed) -> None:
        self._update(
            e,
            parse_status=ParseStatus.FAILED.value,
            parsed_at=e.timestamp,
            parse_errors=json.dumps(e.issues),
        )

    @process_event.register
    def _(self, e: ApiSpecification.Activated) -> None:
        self._update(e, is_active=True)

    @process_event.register
    def _(self, e: ApiSpecification.Deactivated) -> None:
        self._update(e, is_active=False)

    @process_event.register
    def _(self, e: ApiSpecification.EndpointAdded) -> None:
        self.view.add_endpoint(
            endpoint_rows(e.originator_id, e.endpoint, e.timestamp, e.originator_version)
        )
        self._update(e)

    @process_event.register
    def _(self, e: ApiSpecification.EndpointRemoved) -> None:
        self.view.remove_endpoint(endpoint_id(e.originator_id, e.method, e.path))
        self._update(e)

    def _update(self, e: ApiSpecification.Event, **fields: Any) -> None:
        self.view.update_specification(
            e.originator_id, at=e.timestamp, row_version=e.originator_version, **fields
        )
