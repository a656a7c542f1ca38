"""config.configuration_entries, from the ConfigurationEntry aggregate's events."""

from functools import singledispatchmethod
from typing import Any

from domain.configuration.model import ConfigurationEntry
from projections.base import Projection
from projections.configuration.view import ConfigurationRow, ConfigurationView

MASK = "***"


class ConfigurationProjection(Projection[ConfigurationView]):
    """One row per setting ever set: its value (masked when sensitive) and whether it is set
    (a reset row stays, empty, so its history keeps its id)."""

    name = "configuration_entries"
    follows = ("config",)

    @singledispatchmethod
    def process_event(self, domain_event: Any) -> None:
        """This function will ignore events of other aggregates."""

    @process_event.register
    def _(self, e: ConfigurationEntry.Created) -> None:
        self.view.insert_entry(
            ConfigurationRow(
                id=e.originator_id,
                key=e.key,
                value=MASK if e.is_sensitive else e.value,
                description=e.description,
                is_sensitive=e.is_sensitive,
                is_set=True,
                created_date_time=e.timestamp,
                updated_date_time=e.timestamp,
                row_version=e.originator_version,
            )
        )

    @process_event.register
    def _(self, e: ConfigurationEntry.Changed) -> None:
        sealed = e.value.startswith("sealed:")
        self.view.update_entry(
            e.originator_id,
            at=e.timestamp,
            version=e.originator_version,
            value=MASK if sealed else e.value,
            description=e.description,
            is_set=True,
        )

    @process_event.register
    def _(self, e: ConfigurationEntry.Reset) -> None:
        self.view.update_entry(
            e.originator_id, at=e.timestamp, version=e.originator_version, value="", is_set=False
        )
