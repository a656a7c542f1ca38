"""Commands of the testreport context."""

from dataclasses import dataclass
from uuid import UUID

from domain.shared.meta import Meta


@dataclass(frozen=True, kw_only=True)
class RequestReport:
    run_id: UUID
    requester_id: UUID
    report_type: str
    format: str
    meta: Meta
