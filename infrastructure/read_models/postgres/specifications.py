"""The apidoc specification and endpoint tables in PostgreSQL."""

from datetime import datetime
from typing import Any
from uuid import UUID

from infrastructure.read_models.postgres.base import PostgresView
from projections.specifications.rows import EndpointRows
from projections.specifications.view import SpecificationsView

_STAMP = " created_date_time timestamptz NOT NULL, updated_date_time timestamptz NOT NULL, row_version integer NOT NULL"

_SPEC_COLUMNS = {
    "original_file_id",
    "name",
    "source_type",
    "version",
    "title",
    "is_active",
    "parsed_at",
    "parse_status",
    "parse_errors",
    "servers",
}


class PostgresSpecificationsView(PostgresView, SpecificationsView):
    """Specifications, endpoints, parameters, responses, security requirements and schemes."""

    tables = (
        "api_specifications",
        "api_endpoints",
        "endpoint_parameters",
        "endpoint_responses",
        "endpoint_security_reqs",
        "security_schemes",
    )
    ddl = (
        "CREATE TABLE IF NOT EXISTS {schema}.api_specifications ("
        " id uuid PRIMARY KEY, project_id uuid NOT NULL, original_file_id uuid, name text NOT NULL,"
        " source_type text NOT NULL, version text NOT NULL, title text NOT NULL,"
        " is_active boolean NOT NULL, parsed_at timestamptz, parse_status text NOT NULL,"
        " parse_errors jsonb, servers jsonb NOT NULL," + _STAMP + ")",
        "CREATE INDEX IF NOT EXISTS api_specifications_project_idx ON {schema}.api_specifications"
        " (project_id, created_date_time DESC)",
        "CREATE TABLE IF NOT EXISTS {schema}.api_endpoints ("
        " id uuid PRIMARY KEY, api_spec_id uuid NOT NULL, http_method text NOT NULL, path text NOT NULL,"
        " operation_id text NOT NULL, summary text NOT NULL, description text NOT NULL,"
        " tags jsonb NOT NULL, is_deprecated boolean NOT NULL," + _STAMP + ")",
        "CREATE INDEX IF NOT EXISTS api_endpoints_spec_idx ON {schema}.api_endpoints (api_spec_id, path, http_method)",
        "CREATE INDEX IF NOT EXISTS api_endpoints_tags_idx ON {schema}.api_endpoints USING gin (tags)",
        "CREATE TABLE IF NOT EXISTS {schema}.endpoint_parameters ("
        " id uuid PRIMARY KEY, endpoint_id uuid NOT NULL, name text NOT NULL, location text NOT NULL,"
        " data_type text NOT NULL, format text NOT NULL, is_required boolean NOT NULL,"
        " default_value text, schema jsonb NOT NULL, examples jsonb NOT NULL," + _STAMP + ")",
        "CREATE INDEX IF NOT EXISTS endpoint_parameters_endpoint_idx ON {schema}.endpoint_parameters (endpoint_id)",
        "CREATE TABLE IF NOT EXISTS {schema}.endpoint_responses ("
        " id uuid PRIMARY KEY, endpoint_id uuid NOT NULL, status_code integer, status_key text NOT NULL,"
        " description text NOT NULL, content_type text NOT NULL, schema jsonb NOT NULL,"
        " examples jsonb NOT NULL, headers jsonb NOT NULL," + _STAMP + ")",
        "CREATE INDEX IF NOT EXISTS endpoint_responses_endpoint_idx ON {schema}.endpoint_responses (endpoint_id)",
        "CREATE TABLE IF NOT EXISTS {schema}.endpoint_security_reqs ("
        " id uuid PRIMARY KEY, endpoint_id uuid NOT NULL, security_type text NOT NULL,"
        " scheme_name text NOT NULL, scopes jsonb NOT NULL, alternative integer NOT NULL,"
        + _STAMP
        + ")",
        "CREATE INDEX IF NOT EXISTS endpoint_security_endpoint_idx ON {schema}.endpoint_security_reqs (endpoint_id)",
        "CREATE TABLE IF NOT EXISTS {schema}.security_schemes ("
        " id uuid PRIMARY KEY, api_spec_id uuid NOT NULL, name text NOT NULL, type text NOT NULL,"
        ' scheme text NOT NULL, bearer_format text NOT NULL, "in" text NOT NULL,'
        " parameter_name text NOT NULL, configuration jsonb NOT NULL," + _STAMP + ")",
        "CREATE INDEX IF NOT EXISTS security_schemes_spec_idx ON {schema}.security_schemes (api_spec_id)",
    )

    def insert_specification(self, row: dict[str, Any]) -> None:
        self.insert_rows("api_specifications", [row])

    def update_specification(
        self, spec_id: UUID, *, at: datetime, row_version: int, **fields: Any
    ) -> None:
        self.update_row(
            "api_specifications",
            spec_id,
            at=at,
            version=row_version,
            allowed=_SPEC_COLUMNS,
            fields=fields,
        )

    def replace_contents(
        self, spec_id: UUID, endpoints: list[EndpointRows], schemes: list[dict[str, Any]]
    ) -> None:
        params = {"spec": spec_id}
        for child in ("endpoint_parameters", "endpoint_responses", "endpoint_security_reqs"):
            self.run(
                f"DELETE FROM {{t_{child}}} WHERE endpoint_id IN (SELECT id FROM {{t_api_endpoints}} WHERE api_spec_id = %(spec)s)",
                params,
            )
        self.run("DELETE FROM {t_api_endpoints} WHERE api_spec_id = %(spec)s", params)
        self.run("DELETE FROM {t_security_schemes} WHERE api_spec_id = %(spec)s", params)
        self.insert_rows("security_schemes", schemes)
        self._insert_endpoints(endpoints)

    def add_endpoint(self, rows: EndpointRows) -> None:
        self._insert_endpoints([rows])

    def remove_endpoint(self, endpoint_id: UUID) -> None:
        params = {"id": endpoint_id}
        for child in ("endpoint_parameters", "endpoint_responses", "endpoint_security_reqs"):
            self.run(f"DELETE FROM {{t_{child}}} WHERE endpoint_id = %(id)s", params)
        self.run("DELETE FROM {t_api_endpoints} WHERE id = %(id)s", params)

    def _insert_endpoints(self, endpoints: list[EndpointRows]) -> None:
        self.insert_rows("api_endpoints", [e.endpoint for e in endpoints])
        self.insert_rows("endpoint_parameters", [p for e in endpoints for p in e.parameters])
        self.insert_rows("endpoint_responses", [r for e in endpoints for r in e.responses])
        self.insert_rows("endpoint_security_reqs", [s for e in endpoints for s in e.security])
