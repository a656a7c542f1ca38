"""What the specifications read model can be told to do."""

from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any
from uuid import UUID

from projections.specifications.rows import EndpointRows


class SpecificationsView(ABC):
    """apidoc.api_specifications and the endpoint tables under it."""

    @abstractmethod
    def insert_specification(self, row: dict[str, Any]) -> None: ...

    @abstractmethod
    def update_specification(
        self, spec_id: UUID, *, at: datetime, row_version: int, **fields: Any
    ) -> None: ...

    @abstractmethod
    def replace_contents(
        self, spec_id: UUID, endpoints: list[EndpointRows], schemes: list[dict[str, Any]]
    ) -> None: ...

    @abstractmethod
    def add_endpoint(self, rows: EndpointRows) -> None: ...

    @abstractmethod
    def remove_endpoint(self, endpoint_id: UUID) -> None: ...
