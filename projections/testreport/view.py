"""What the testreport read model can be told to do."""

from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any
from uuid import UUID


class TestreportView(ABC):
    """testreport.coverage_metrics, test_reports and run_captures."""

    __test__ = False

    @abstractmethod
    def insert_coverage(self, row: dict[str, Any]) -> None: ...

    @abstractmethod
    def insert_capture(self, row: dict[str, Any]) -> None: ...

    @abstractmethod
    def insert_report(self, row: dict[str, Any]) -> None: ...

    @abstractmethod
    def update_report(
        self, report_id: UUID, *, at: datetime, version: int, **fields: Any
    ) -> None: ...
