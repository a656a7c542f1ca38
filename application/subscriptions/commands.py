"""Commands of the sub context that arrive with a caller."""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.shared.meta import Meta
from domain.subscriptions.plans import PlanTerms


@dataclass(frozen=True, kw_only=True)
class EditPlan:
    plan_id: UUID
    terms: PlanTerms
    expected_version: int | None
    meta: Meta


@dataclass(frozen=True, kw_only=True)
class AssignPlan:
    user_id: UUID
    plan_id: UUID
    billing_cycle: str | None
    end_date: date | None
    meta: Meta
