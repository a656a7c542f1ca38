"""What the testexec read model can be told to do."""

from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any
from uuid import UUID


class TestexecView(ABC):
    """testexec.execution_environments and testexec.test_runs."""

    __test__ = False

    @abstractmethod
    def insert(self, table: str, row: dict[str, Any]) -> None: ...

    @abstractmethod
    def update(
        self, table: str, row_id: UUID, fields: dict[str, Any], at: datetime, row_version: int
    ) -> None: ...
