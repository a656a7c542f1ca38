"""What the files read model can be told to do."""

from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any
from uuid import UUID


class FilesView(ABC):
    """storage.file_entries and storage.deleted_file_entries."""

    @abstractmethod
    def insert_file(self, row: dict[str, Any]) -> None: ...

    @abstractmethod
    def update_file(self, file_id: UUID, *, at: datetime, version: int, **fields: Any) -> None: ...

    @abstractmethod
    def insert_deleted(self, row: dict[str, Any]) -> None: ...
