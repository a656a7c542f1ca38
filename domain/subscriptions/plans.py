"""The SubscriptionPlan aggregate: a tier's prices, limits and features, as data.

An Admin edits a plan through events, so its history is kept; a subscription copies the
plan's name and prices when it changes plan (the Snapshot* columns), so editing a plan never
rewrites what a past period was billed.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.shared.errors import InvalidValueError
from domain.shared.meta import Meta
from domain.subscriptions.limits import (
    RETENTION_MAX_DAYS,
    RETENTION_MIN_DAYS,
    LimitType,
    PlanLimit,
)

EXPORT_FORMATS = ("csv", "pdf", "json", "html")
# Limits as events hold them: {"MaxProjects": 1, "MaxStorageMB": null (unlimited), ...}.
LimitValues = dict[str, int | None]


def plan_id(name: str) -> UUID:
    """This function will give a seeded plan its stable id (the seed's FREE_PLAN_GUID...)."""
    return uuid5(NAMESPACE_URL, f"testament:plan:{name}")


FREE_PLAN_ID = plan_id("Free")
PRO_PLAN_ID = plan_id("Pro")
ENTERPRISE_PLAN_ID = plan_id("Enterprise")


def require_price(field: str, value: str | None) -> str | None:
    """This function will check a price (a decimal string, two places at most, not negative)."""
    if value is None:
        return None
    try:
        price = Decimal(value)
    except (InvalidOperation, TypeError):
        raise InvalidValueError(field, "must be a decimal number") from None
    if not price.is_finite() or price < 0 or price > Decimal("99999999.99"):
        raise InvalidValueError(field, "must be between 0 and 99999999.99")
    if price.as_tuple().exponent < -2:  # type: ignore[operator]
        raise InvalidValueError(field, "must have at most two decimal places")
    return str(price.quantize(Decimal("0.01")))


def require_limits(values: dict[str, Any], *, enterprise: bool) -> LimitValues:
    """This function will check a plan's limits: every LimitType named once, each a
    non-negative whole number or null (unlimited); retention within 5-10 days unless the
    plan is Enterprise (§5), and never unlimited (a Redis key needs a TTL)."""
    unknown = set(values) - {t.name for t in LimitType}
    if unknown:
        raise InvalidValueError("limits", f"unknown limit types: {sorted(unknown)}")
    checked: LimitValues = {}
    for limit_type in LimitType:
        value = values.get(limit_type.name)
        field = f"limits.{limit_type.name}"
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10**9
        ):
            raise InvalidValueError(field, "must be a whole number from 0, or null for unlimited")
        checked[limit_type.name] = value
    retention = checked[LimitType.RetentionDays.name]
    if retention is None:
        raise InvalidValueError("limits.RetentionDays", "cannot be unlimited")
    if not enterprise and not RETENTION_MIN_DAYS <= retention <= RETENTION_MAX_DAYS:
        raise InvalidValueError(
            "limits.RetentionDays",
            f"must be from {RETENTION_MIN_DAYS} to {RETENTION_MAX_DAYS} days outside Enterprise",
        )
    if enterprise and retention < RETENTION_MIN_DAYS:
        raise InvalidValueError("limits.RetentionDays", f"must be {RETENTION_MIN_DAYS} or more")
    return checked


def require_formats(formats: list[str]) -> list[str]:
    unknown = [f for f in formats if f not in EXPORT_FORMATS]
    if unknown or len(set(formats)) != len(formats):
        raise InvalidValueError(
            "export_formats", f"must be distinct values of {', '.join(EXPORT_FORMATS)}"
        )
    return list(formats)


@dataclass(frozen=True, kw_only=True)
class PlanTerms:
    """What a plan sells: prices, limits, features."""

    display_name: str
    description: str
    price_monthly: str | None
    price_yearly: str | None
    currency: str
    is_active: bool
    sort_order: int
    limits: LimitValues
    export_formats: list[str]
    llm_features: bool


class SubscriptionPlan(Aggregate):
    """A tier users subscribe to (Free, Pro, Enterprise, or one an Admin adds)."""

    class Created(Aggregate.Created):
        name: str
        display_name: str
        description: str
        price_monthly: str | None
        price_yearly: str | None
        currency: str
        is_active: bool
        sort_order: int
        limits: LimitValues
        export_formats: list[str]
        llm_features: bool
        meta: Meta

    @event(Created)
    def __init__(
        self,
        *,
        name: str,
        display_name: str,
        description: str,
        price_monthly: str | None,
        price_yearly: str | None,
        currency: str,
        is_active: bool,
        sort_order: int,
        limits: LimitValues,
        export_formats: list[str],
        llm_features: bool,
        meta: Meta,
    ) -> None:
        self.name = name
        self._set(
            display_name=display_name,
            description=description,
            price_monthly=price_monthly,
            price_yearly=price_yearly,
            currency=currency,
            is_active=is_active,
            sort_order=sort_order,
            limits=limits,
            export_formats=export_formats,
            llm_features=llm_features,
        )

    @staticmethod
    def create_id(name: str, **_: Any) -> UUID:
        return plan_id(name)

    @property
    def is_enterprise(self) -> bool:
        return self.name == "Enterprise"

    def limit(self, limit_type: LimitType) -> PlanLimit:
        return PlanLimit(limit_type, self.limits.get(limit_type.name))

    @property
    def terms(self) -> PlanTerms:
        return PlanTerms(
            display_name=self.display_name,
            description=self.description,
            price_monthly=self.price_monthly,
            price_yearly=self.price_yearly,
            currency=self.currency,
            is_active=self.is_active,
            sort_order=self.sort_order,
            limits=dict(self.limits),
            export_formats=list(self.export_formats),
            llm_features=self.llm_features,
        )

    class Changed(Aggregate.Event):
        """An Admin's edit: the whole of the plan's terms after it (history keeps before)."""

        display_name: str
        description: str
        price_monthly: str | None
        price_yearly: str | None
        currency: str
        is_active: bool
        sort_order: int
        limits: LimitValues
        export_formats: list[str]
        llm_features: bool
        meta: Meta

        def apply(self, aggregate: Any) -> None:
            terms = {k: v for k, v in self.__dict__.items() if k in PlanTerms.__dataclass_fields__}
            aggregate._set(**terms)

    def change(self, terms: PlanTerms, *, meta: Meta) -> bool:
        """This function will record new terms; False when nothing changed."""
        checked = checked_terms(terms, enterprise=self.is_enterprise)
        if checked == self.terms:
            return False
        self.trigger_event(SubscriptionPlan.Changed, meta=meta, **checked.__dict__)
        return True

    def _set(
        self,
        *,
        display_name: str,
        description: str,
        price_monthly: str | None,
        price_yearly: str | None,
        currency: str,
        is_active: bool,
        sort_order: int,
        limits: LimitValues,
        export_formats: list[str],
        llm_features: bool,
    ) -> None:
        self.display_name = display_name
        self.description = description
        self.price_monthly = price_monthly
        self.price_yearly = price_yearly
        self.currency = currency
        self.is_active = is_active
        self.sort_order = sort_order
        self.limits = dict(limits)
        self.export_formats = list(export_formats)
        self.llm_features = llm_features


def checked_terms(terms: PlanTerms, *, enterprise: bool) -> PlanTerms:
    """This function will check every field of a plan's terms. Raises InvalidValueError."""
    display_name = terms.display_name.strip()
    if not display_name or len(display_name) > 200:
        raise InvalidValueError("display_name", "must be 1 to 200 characters")
    if len(terms.description) > 4000:
        raise InvalidValueError("description", "must be at most 4000 characters")
    currency = terms.currency.strip().upper()
    if len(currency) != 3 or not currency.isalpha() or not currency.isascii():
        raise InvalidValueError("currency", "must be a three-letter ISO 4217 code")
    if not -1000 <= terms.sort_order <= 1000:
        raise InvalidValueError("sort_order", "must be from -1000 to 1000")
    return PlanTerms(
        display_name=display_name,
        description=terms.description,
        price_monthly=require_price("price_monthly", terms.price_monthly),
        price_yearly=require_price("price_yearly", terms.price_yearly),
        currency=currency,
        is_active=terms.is_active,
        sort_order=terms.sort_order,
        limits=require_limits(terms.limits, enterprise=enterprise),
        export_formats=require_formats(terms.export_formats),
        llm_features=terms.llm_features,
    )


def _limits(*values: int | None) -> LimitValues:
    return {t.name: v for t, v in zip(LimitType, values, strict=True)}


# Seed 001 §7.5 exactly (§7.1 for the features; MaxStorageMB is not seeded: unlimited).
#                                projects endpoints cases runs/mo concurrent retention llm storage
SEED_PLANS: dict[str, PlanTerms] = {
    "Free": PlanTerms(
        display_name="Free Plan",
        description="Auto-assigned on signup.",
        price_monthly="0.00",
        price_yearly="0.00",
        currency="USD",
        is_active=True,
        sort_order=1,
        limits=_limits(1, 10, 20, 30, 1, 5, 10, None),
        export_formats=["csv"],
        llm_features=False,
    ),
    "Pro": PlanTerms(
        display_name="Pro Plan",
        description="Full LLM-assisted generation and failure explanations, PDF reports.",
        price_monthly="19.00",
        price_yearly="190.00",
        currency="USD",
        is_active=True,
        sort_order=2,
        limits=_limits(10, 100, 200, 500, 3, 7, 200, None),
        export_formats=["csv", "pdf"],
        llm_features=True,
    ),
    "Enterprise": PlanTerms(
        display_name="Enterprise Plan",
        description="Custom pricing, custom retention.",
        price_monthly=None,
        price_yearly=None,
        currency="USD",
        is_active=True,
        sort_order=3,
        limits=_limits(None, None, None, None, 10, 10, None, None),
        export_formats=["csv", "pdf", "json", "html"],
        llm_features=True,
    ),
}
