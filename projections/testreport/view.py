"""What the testreport read model can be told to do."""

from abc import ABC, abstractmethod
from typing import Any


class TestreportView(ABC):
    """testreport.coverage_metrics."""

    __test__ = False

    @abstractmethod
    def insert_coverage(self, row: dict[str, Any]) -> None: ...
