"""Queries on the specification and endpoint tables."""

from typing import Any
from uuid import UUID

from application.apidoc.queries import (
    EndpointDetail,
    EndpointFilter,
    EndpointSummary,
    SpecificationSummary,
)
from infrastructure.postgres.pool import DictPool


def _spec(row: dict[str, Any]) -> SpecificationSummary:
    return SpecificationSummary(
        id=row["id"],
        project_id=row["project_id"],
        original_file_id=row["original_file_id"],
        name=row["name"],
        source_type=row["source_type"],
        api_version=row["version"],
        title=row["title"],
        is_active=row["is_active"],
        parse_status=row["parse_status"],
        parse_errors=row["parse_errors"],
        parsed_at=row["parsed_at"],
        servers=row["servers"],
        endpoint_count=row["endpoint_count"],
        version=row["row_version"],
        created_at=row["created_date_time"],
        updated_at=row["updated_date_time"],
    )


def _endpoint(row: dict[str, Any]) -> EndpointSummary:
    return EndpointSummary(
        id=row["id"],
        spec_id=row["api_spec_id"],
        method=row["http_method"],
        path=row["path"],
        operation_id=row["operation_id"],
        summary=row["summary"],
        description=row["description"],
        tags=row["tags"],
        deprecated=row["is_deprecated"],
    )


_SPEC_SELECT = (
    "SELECT s.*, (SELECT count(*) FROM apidoc.api_endpoints e WHERE e.api_spec_id = s.id) AS endpoint_count"
    " FROM apidoc.api_specifications s"
)


class PostgresSpecificationReader:
    """apidoc.api_specifications and the endpoint tables."""

    def __init__(self, pool: DictPool) -> None:
        self._pool = pool

    def list_specifications(self, project_id: UUID) -> list[SpecificationSummary]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                _SPEC_SELECT + " WHERE s.project_id = %s ORDER BY s.created_date_time DESC, s.id",
                (project_id,),
            ).fetchall()
        return [_spec(r) for r in rows]

    def get_specification(self, project_id: UUID, spec_id: UUID) -> SpecificationSummary | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                _SPEC_SELECT + " WHERE s.project_id = %s AND s.id = %s", (project_id, spec_id)
            ).fetchone()
        return _spec(row) if row else None

    def endpoint_in_project(self, project_id: UUID, endpoint_id: UUID) -> bool:
        """This function will tell whether an endpoint belongs to a spec of the project."""
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT 1 FROM apidoc.api_endpoints e"
                " JOIN apidoc.api_specifications s ON s.id = e.api_spec_id"
                " WHERE e.id = %s AND s.project_id = %s",
                (endpoint_id, project_id),
            ).fetchone()
        return row is not None

    def list_endpoints(
        self, spec_id: UUID, where: EndpointFilter
    ) -> tuple[list[EndpointSummary], int]:
        clauses = ["api_spec_id = %(spec)s"]
        params: dict[str, Any] = {"spec": spec_id, "limit": where.limit, "offset": where.offset}
        if where.tag:
            clauses.append("tags ? %(tag)s")
            params["tag"] = where.tag
        if where.method:
            clauses.append("http_method = %(method)s")
            params["method"] = where.method.upper()
        if where.path_contains:
            clauses.append("path ILIKE %(path)s ESCAPE '\\'")
            escaped = (
                where.path_contains.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            )
            params["path"] = f"%{escaped}%"
        if where.deprecated is not None:
            clauses.append("is_deprecated = %(deprecated)s")
            params["deprecated"] = where.deprecated
        condition = " AND ".join(clauses)
        with self._pool.connection() as conn:
            total = conn.execute(
                f"SELECT count(*) AS n FROM apidoc.api_endpoints WHERE {condition}", params
            ).fetchone()
            rows = conn.execute(
                f"SELECT * FROM apidoc.api_endpoints WHERE {condition}"
                " ORDER BY path, http_method LIMIT %(limit)s OFFSET %(offset)s",
                params,
            ).fetchall()
        return [_endpoint(r) for r in rows], int(total["n"]) if total else 0

    def get_endpoint(self, spec_id: UUID, endpoint_id: UUID) -> EndpointDetail | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT * FROM apidoc.api_endpoints WHERE id = %s AND api_spec_id = %s",
                (endpoint_id, spec_id),
            ).fetchone()
            if row is None:
                return None
            parameters = conn.execute(
                "SELECT name, location, data_type, format, is_required, default_value, schema, examples"
                " FROM apidoc.endpoint_parameters WHERE endpoint_id = %s ORDER BY location, name",
                (endpoint_id,),
            ).fetchall()
            responses = conn.execute(
                "SELECT status_code, status_key, description, content_type, schema, examples, headers"
                " FROM apidoc.endpoint_responses WHERE endpoint_id = %s ORDER BY status_key",
                (endpoint_id,),
            ).fetchall()
            security = conn.execute(
                "SELECT security_type, scheme_name, scopes, alternative FROM apidoc.endpoint_security_reqs"
                " WHERE endpoint_id = %s ORDER BY alternative, scheme_name",
                (endpoint_id,),
            ).fetchall()
        return EndpointDetail(
            endpoint=_endpoint(row),
            parameters=[dict(p) for p in parameters],
            responses=[dict(r) for r in responses],
            security=[dict(s) for s in security],
        )
