"""The TestCase aggregate: one request, its expectations, extractions and data sets.

Every change event carries `changes`: the fields it changed with their old and new values,
so the per-field change log is a plain projection of the history.
"""

from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event

from domain.shared.errors import ConflictError
from domain.shared.meta import Meta


# Fields a user edits; each maps to the event that records a change of it.
class CaseDeletedError(ConflictError):
    """A change to a deleted test case."""


class DuplicateDataSetError(ConflictError):
    """A data set named like one the case already has."""


DETAIL_FIELDS = (
    "name",
    "description",
    "test_type",
    "priority",
    "tags",
    "endpoint_id",
    "endpoint_key",
)
CONTENT_FIELDS = ("request", "expectations", "variables", "data_sets")


def _changes(aggregate: Any, values: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"field": field, "old": getattr(aggregate, field), "new": value}
        for field, value in values.items()
        if getattr(aggregate, field) != value
    ]


class TestCase(Aggregate):
    """One test of a suite."""

    __test__ = False

    class Created(Aggregate.Created):
        suite_id: UUID
        fields: dict[str, Any]
        meta: Meta

    @event(Created)
    def __init__(self, *, suite_id: UUID, fields: dict[str, Any], meta: Meta) -> None:
        self.suite_id = suite_id
        self.name: str = fields["name"]
        self.description: str = fields.get("description", "")
        self.endpoint_id: str | None = fields.get("endpoint_id")
        self.endpoint_key: str = fields.get("endpoint_key", "")
        self.test_type: str = fields["test_type"]
        self.priority: str = fields["priority"]
        self.tags: list[str] = list(fields.get("tags", []))
        self.request: dict[str, Any] = fields["request"]
        self.expectations: dict[str, Any] = fields["expectations"]
        self.variables: list[dict[str, Any]] = list(fields.get("variables", []))
        self.data_sets: list[dict[str, Any]] = list(fields.get("data_sets", []))
        self.depends_on: list[str] = list(fields.get("depends_on", []))
        self.order_index: int = int(fields.get("order_index", 0))
        self.custom_order_index: int | None = None
        self.is_order_customized = False
        self.enabled = True
        self.deleted = False
        self.last_modified_by = meta["user_id"]

    @staticmethod
    def create_id(fields: dict[str, Any], **_: Any) -> UUID:
        """This function will take a given id (a generated case's id is derived from its key)."""
        return UUID(fields["id"]) if fields.get("id") else uuid4()

    def snapshot_fields(self) -> dict[str, Any]:
        """This function will give the case's editable state as plain data."""
        return {
            field: getattr(self, field)
            for field in (
                *DETAIL_FIELDS,
                *CONTENT_FIELDS,
                "depends_on",
                "order_index",
                "custom_order_index",
                "is_order_customized",
                "enabled",
            )
        }

    def _require_live(self) -> None:
        if self.deleted:
            raise CaseDeletedError("the test case is deleted")

    class DetailsChanged(Aggregate.Event):
        changes: list[dict[str, Any]]
        meta: Meta

    class RequestChanged(Aggregate.Event):
        changes: list[dict[str, Any]]
        meta: Meta

    class ExpectationsChanged(Aggregate.Event):
        changes: list[dict[str, Any]]
        meta: Meta

    class VariablesChanged(Aggregate.Event):
        changes: list[dict[str, Any]]
        meta: Meta

    class DataSetsChanged(Aggregate.Event):
        changes: list[dict[str, Any]]
        meta: Meta

    def edit(self, values: dict[str, Any], *, meta: Meta) -> list[str]:
        """This function will record the given fields that differ, one event per kind of field.
        Returns the names of the fields that changed."""
        self._require_live()
        unknown = set(values) - set(DETAIL_FIELDS) - set(CONTENT_FIELDS)
        if unknown:
            raise ValueError(f"not editable fields: {sorted(unknown)}")
        details = _changes(self, {k: v for k, v in values.items() if k in DETAIL_FIELDS})
        if details:
            self._change_details(changes=details, meta=meta)
        changed = [c["field"] for c in details]
        for field, recorder in (
            ("request", self._change_request),
            ("expectations", self._change_expectations),
            ("variables", self._change_variables),
            ("data_sets", self._change_data_sets),
        ):
            if field in values:
                found = _changes(self, {field: values[field]})
                if found:
                    recorder(changes=found, meta=meta)
                    changed.append(field)
        return changed

    def _apply(self, changes: list[dict[str, Any]], meta: Meta) -> None:
        for change in changes:
            setattr(self, change["field"], change["new"])
        self.last_modified_by = meta["user_id"]

    @event(DetailsChanged)
    def _change_details(self, *, changes: list[dict[str, Any]], meta: Meta) -> None:
        self._apply(changes, meta)

    @event(RequestChanged)
    def _change_request(self, *, changes: list[dict[str, Any]], meta: Meta) -> None:
        self._apply(changes, meta)

    @event(ExpectationsChanged)
    def _change_expectations(self, *, changes: list[dict[str, Any]], meta: Meta) -> None:
        self._apply(changes, meta)

    @event(VariablesChanged)
    def _change_variables(self, *, changes: list[dict[str, Any]], meta: Meta) -> None:
        self._apply(changes, meta)

    @event(DataSetsChanged)
    def _change_data_sets(self, *, changes: list[dict[str, Any]], meta: Meta) -> None:
        self._apply(changes, meta)

    class DataSetAdded(Aggregate.Event):
        changes: list[dict[str, Any]]
        meta: Meta

    def add_data_set(self, data_set: dict[str, Any], *, meta: Meta) -> None:
        """This function will add a named row set for data-driven runs, refusing a duplicate name."""
        self._require_live()
        if any(d["name"] == data_set["name"] for d in self.data_sets):
            raise DuplicateDataSetError(
                f"the case already has a data set named {data_set['name']!r}"
            )
        self._add_data_set(
            changes=[
                {"field": "data_sets", "old": self.data_sets, "new": [*self.data_sets, data_set]}
            ],
            meta=meta,
        )

    @event(DataSetAdded)
    def _add_data_set(self, *, changes: list[dict[str, Any]], meta: Meta) -> None:
        self._apply(changes, meta)

    class Enabled(Aggregate.Event):
        changes: list[dict[str, Any]]
        meta: Meta

    class Disabled(Aggregate.Event):
        changes: list[dict[str, Any]]
        meta: Meta

    def set_enabled(self, enabled: bool, *, meta: Meta) -> bool:
        """This function will enable or disable the case; returns whether anything changed."""
        self._require_live()
        if enabled == self.enabled:
            return False
        changes = [{"field": "enabled", "old": self.enabled, "new": enabled}]
        (self._enable if enabled else self._disable)(changes=changes, meta=meta)
        return True

    @event(Enabled)
    def _enable(self, *, changes: list[dict[str, Any]], meta: Meta) -> None:
        self._apply(changes, meta)

    @event(Disabled)
    def _disable(self, *, changes: list[dict[str, Any]], meta: Meta) -> None:
        self._apply(changes, meta)

    class DependencyChanged(Aggregate.Event):
        changes: list[dict[str, Any]]
        meta: Meta

    def set_dependencies(self, depends_on: list[str], *, meta: Meta) -> None:
        """This function will mirror the suite's record of what this case depends on."""
        self._require_live()
        changes = _changes(self, {"depends_on": list(depends_on)})
        if changes:
            self._set_dependencies(changes=changes, meta=meta)

    @event(DependencyChanged)
    def _set_dependencies(self, *, changes: list[dict[str, Any]], meta: Meta) -> None:
        self._apply(changes, meta)

    class OrderChanged(Aggregate.Event):
        changes: list[dict[str, Any]]
        meta: Meta

    class CustomOrderSet(Aggregate.Event):
        changes: list[dict[str, Any]]
        meta: Meta

    def place(self, *, order_index: int, custom_order_index: int | None, meta: Meta) -> None:
        """This function will record the case's position: OrderIndex, and a reviewer's custom one."""
        self._require_live()
        order = _changes(self, {"order_index": order_index})
        if order:
            self._change_order(changes=order, meta=meta)
        custom = _changes(
            self,
            {
                "custom_order_index": custom_order_index,
                "is_order_customized": custom_order_index is not None,
            },
        )
        if custom:
            self._set_custom_order(changes=custom, meta=meta)

    @event(OrderChanged)
    def _change_order(self, *, changes: list[dict[str, Any]], meta: Meta) -> None:
        self._apply(changes, meta)

    @event(CustomOrderSet)
    def _set_custom_order(self, *, changes: list[dict[str, Any]], meta: Meta) -> None:
        self._apply(changes, meta)

    class Deleted(Aggregate.Event):
        changes: list[dict[str, Any]]
        meta: Meta

    def delete(self, *, meta: Meta) -> None:
        self._require_live()
        self._delete(changes=[{"field": "deleted", "old": False, "new": True}], meta=meta)

    @event(Deleted)
    def _delete(self, *, changes: list[dict[str, Any]], meta: Meta) -> None:
        self._apply(changes, meta)
