"""What the api_keys read model can be told to do."""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(frozen=True, kw_only=True)
class ApiKeyRow:
    """A row of identity.api_keys: a key's name, scope and term, never the key."""

    id: UUID
    owner_id: UUID
    name: str
    scope: str
    prefix: str
    expires_at: datetime
    created_at: datetime
    row_version: int


class ApiKeysView(ABC):
    """identity.api_keys."""

    @abstractmethod
    def insert_key(self, row: ApiKeyRow) -> None: ...

    @abstractmethod
    def revoke_key(self, key_id: UUID, *, at: datetime, version: int) -> None: ...

    @abstractmethod
    def record_use(self, key_id: UUID, *, at: datetime, version: int) -> None: ...
