"""identity.api_keys, from the ApiKey aggregate's events."""

from functools import singledispatchmethod
from typing import Any

from domain.api_keys.model import ApiKey
from projections.api_keys.view import ApiKeyRow, ApiKeysView
from projections.base import Projection


class ApiKeysProjection(Projection[ApiKeysView]):
    """One row per key: what its owner lists, with when it was last used."""

    name = "api_keys"
    follows = ("identity",)

    @singledispatchmethod
    def process_event(self, domain_event: Any) -> None:
        """This function will ignore events of other aggregates."""

    @process_event.register
    def _(self, e: ApiKey.Created) -> None:
        self.view.insert_key(
            ApiKeyRow(
                id=e.originator_id,
                owner_id=e.owner_id,
                name=e.name,
                scope=e.scope,
                prefix=e.prefix,
                expires_at=e.expires_at,
                created_at=e.timestamp,
                row_version=e.originator_version,
            )
        )

    @process_event.register
    def _(self, e: ApiKey.Revoked) -> None:
        self.view.revoke_key(e.originator_id, at=e.timestamp, version=e.originator_version)

    @process_event.register
    def _(self, e: ApiKey.Used) -> None:
        self.view.record_use(e.originator_id, at=e.at, version=e.originator_version)
