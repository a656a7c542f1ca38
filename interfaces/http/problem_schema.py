"""The shape of every error answer (RFC 9457 plus Testament's extensions), as OpenAPI states it."""

from typing import Any

_INTEGER = {"type": "integer"}

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": (
        "An RFC 9457 problem. `type` names the problem; each is described in docs/problems.md "
        "under its last path segment. The members after `instance` are Testament's extensions, "
        "present when the problem has them."
    ),
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri-reference", "examples": ["/problems/not-found"]},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string", "description": "the path of the request"},
        "correlation_id": {"type": "string", "description": "names the request in the logs"},
        "errors": {
            "type": "array",
            "description": "the fields refused, on a 422",
            "items": {
                "type": "object",
                "required": ["field", "location", "message"],
                "properties": {
                    "field": {"type": "string"},
                    "location": {"type": "array", "items": {"type": "string"}},
                    "message": {"type": "string"},
                },
            },
        },
        "current_version": {
            "anyOf": [_INTEGER, {"type": "null"}],
            "description": "the aggregate's version now, on a 409 or 412",
        },
        "retry_after": {**_INTEGER, "description": "seconds to wait, on a 429"},
        "position": {**_INTEGER, "description": "where the read model stands, on a 503"},
        "required_position": {**_INTEGER, "description": "where it was asked to reach"},
        "limit": {
            "anyOf": [_INTEGER, {"type": "string"}],
            "description": "the limit broken, on a 413: bytes, or the name of a documented limit",
        },
        "maximum": {**_INTEGER, "description": "that limit in bytes"},
        "size": {**_INTEGER, "description": "the size refused, in bytes"},
    },
    "additionalProperties": True,
}

STATUS_DESCRIPTIONS = {
    400: "Bad request: a header or value the server cannot read, or a rule of the domain broken",
    401: "Authentication required: no access token, or one that is expired or revoked",
    403: "Forbidden: the role or account state does not allow this",
    404: "Not found, or not the caller's to see",
    409: "Conflict with the current state of the resource",
    412: "Precondition failed: If-Match names a version that is no longer current",
    410: "Gone: the run's results were kept for a while and have expired",
    413: "Content too large for this route",
    415: "Unsupported media type",
    422: "Invalid input: the fields refused are listed in `errors`",
    429: "Too many attempts: wait for Retry-After",
    503: "Busy, or a read model behind the position asked for: retry after Retry-After",
}
