"""config.localization_entries, from the LocalizationEntry aggregate's events."""

from functools import singledispatchmethod
from typing import Any

from domain.localization.model import LocalizationEntry
from projections.base import Projection
from projections.localization.view import LocalizationRow, LocalizationView


class LocalizationProjection(Projection[LocalizationView]):
    """One row per text and language, with the value in force and whether an Admin edited it."""

    name = "localization_entries"
    follows = ("config",)

    @singledispatchmethod
    def process_event(self, domain_event: Any) -> None:
        """This function will ignore events of other aggregates."""

    @process_event.register
    def _(self, e: LocalizationEntry.Created) -> None:
        self.view.insert_text(
            LocalizationRow(
                id=e.originator_id,
                name=e.name,
                value=e.value,
                culture=e.culture,
                description=e.description,
                edited=False,
                created_date_time=e.timestamp,
                updated_date_time=e.timestamp,
                row_version=e.originator_version,
            )
        )

    @process_event.register
    def _(self, e: LocalizationEntry.Edited) -> None:
        self.view.update_text(
            e.originator_id,
            at=e.timestamp,
            version=e.originator_version,
            value=e.value,
            edited=True,
        )

    @process_event.register
    def _(self, e: LocalizationEntry.Reset) -> None:
        self.view.update_text(
            e.originator_id,
            at=e.timestamp,
            version=e.originator_version,
            value=e.value,
            edited=False,
        )
