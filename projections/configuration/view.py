"""What the configuration entries read model can be told to do."""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID


@dataclass(frozen=True, kw_only=True)
class ConfigurationRow:
    """A row of config.configuration_entries: a sensitive value is masked, never stored."""

    id: UUID
    key: str
    value: str
    description: str
    is_sensitive: bool
    is_set: bool
    created_date_time: datetime
    updated_date_time: datetime
    row_version: int


class ConfigurationView(ABC):
    """The config.configuration_entries table."""

    @abstractmethod
    def insert_entry(self, row: ConfigurationRow) -> None: ...

    @abstractmethod
    def update_entry(
        self, entry_id: UUID, *, at: datetime, version: int, **fields: Any
    ) -> None: ...
