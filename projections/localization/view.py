"""What the localization entries read model can be told to do."""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID


@dataclass(frozen=True, kw_only=True)
class LocalizationRow:
    """A row of config.localization_entries: one text in one language."""

    id: UUID
    name: str
    value: str
    culture: str
    description: str
    edited: bool
    created_date_time: datetime
    updated_date_time: datetime
    row_version: int


class LocalizationView(ABC):
    """The config.localization_entries table."""

    @abstractmethod
    def insert_text(self, row: LocalizationRow) -> None: ...

    @abstractmethod
    def update_text(self, text_id: UUID, *, at: datetime, version: int, **fields: Any) -> None: ...
