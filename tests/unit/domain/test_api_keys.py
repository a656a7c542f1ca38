"""The ApiKey aggregate: what it keeps, its scope order, its term, revocation and last use."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.api_keys.model import (
    ApiKey,
    ApiKeyRevokedError,
    ApiKeyScope,
    api_key_hash,
    api_key_id,
)
from domain.shared.errors import InvalidValueError
from domain.shared.meta import system_meta

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
SECRET = "tk_" + "s" * 43


def a_key(**overrides: object) -> ApiKey:
    fields: dict[str, object] = {
        "owner_id": uuid4(),
        "name": " ci ",
        "scope": "run",
        "secret": SECRET,
        "now": NOW,
        "valid_days": 30,
        "meta": system_meta(),
    }
    fields.update(overrides)
    return ApiKey.issue(**fields)  # type: ignore[arg-type]


class TestIssueApiKey:
    def test_keeps_the_hash_and_a_prefix_never_the_key(self) -> None:
        key = a_key()
        created = key.pending_events[0]
        assert key.id == api_key_id(api_key_hash(SECRET))
        assert created.key_hash == api_key_hash(SECRET)  # type: ignore[attr-defined]
        assert SECRET not in repr(created.__dict__)
        assert key.prefix == SECRET[:9] and key.name == "ci"
        assert key.expires_at == NOW + timedelta(days=30)

    @pytest.mark.parametrize(
        ("field", "overrides"),
        [
            ("scope", {"scope": "admin"}),
            ("name", {"name": "  "}),
            ("name", {"name": "x" * 101}),
            ("expires_in_days", {"valid_days": 0}),
            ("expires_in_days", {"valid_days": 367}),
        ],
    )
    def test_refuses_a_bad_value(self, field: str, overrides: dict[str, object]) -> None:
        with pytest.raises(InvalidValueError) as refused:
            a_key(**overrides)
        assert refused.value.field == field


class TestScopeOrder:
    def test_each_scope_includes_the_ones_before(self) -> None:
        read, run, write = ApiKeyScope.READ, ApiKeyScope.RUN, ApiKeyScope.WRITE
        assert write.allows(run) and write.allows(read) and run.allows(read)
        assert not read.allows(run) and not run.allows(write) and read.allows(read)


class TestTermRevocationAndUse:
    def test_opens_requests_until_it_expires_or_is_revoked(self) -> None:
        key = a_key(valid_days=1)
        assert key.usable_at(NOW + timedelta(hours=23))
        assert not key.usable_at(NOW + timedelta(days=1))
        key.revoke(meta=system_meta())
        assert not key.usable_at(NOW)
        with pytest.raises(ApiKeyRevokedError):
            key.revoke(meta=system_meta())

    def test_records_a_use_at_most_once_a_minute(self) -> None:
        key = a_key()
        assert key.record_use(at=NOW)
        assert not key.record_use(at=NOW + timedelta(seconds=59))
        assert key.record_use(at=NOW + timedelta(seconds=60))
        assert key.last_used_at == NOW + timedelta(seconds=60)
