"""What the testgen read model can be told to do."""

from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any
from uuid import UUID


class TestgenView(ABC):
    """testgen.test_suites, test_cases and their child tables, proposals, suite versions and
    test case change logs."""

    __test__ = False

    @abstractmethod
    def insert_suite(self, row: dict[str, Any]) -> None: ...

    @abstractmethod
    def change_suite(
        self,
        suite_id: UUID,
        fields: dict[str, Any],
        version: dict[str, Any],
        at: datetime,
        row_version: int,
    ) -> None:
        """Update the suite row and append its version row (previous and new state,
        order and approval snapshots) in one go."""

    @abstractmethod
    def put_proposal(self, row: dict[str, Any]) -> None: ...

    @abstractmethod
    def supersede_pending_proposals(self, suite_id: UUID, by_number: int, at: datetime) -> None: ...

    @abstractmethod
    def update_proposal(self, proposal_id: UUID, fields: dict[str, Any], at: datetime) -> None: ...

    @abstractmethod
    def insert_case(
        self, case: dict[str, Any], children: dict[str, list[dict[str, Any]]]
    ) -> None: ...

    @abstractmethod
    def change_case(
        self,
        case_id: UUID,
        fields: dict[str, Any],
        children: dict[str, list[dict[str, Any]]],
        at: datetime,
        row_version: int,
    ) -> None:
        """Update the case row; each child table given is replaced for the case."""

    @abstractmethod
    def delete_case(self, case_id: UUID) -> None: ...

    @abstractmethod
    def append_change_logs(self, rows: list[dict[str, Any]]) -> None: ...
