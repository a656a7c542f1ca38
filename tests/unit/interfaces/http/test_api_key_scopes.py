"""Which scope an API key needs for a route, and the routes no key may use."""

import pytest

from domain.api_keys.model import ApiKeyScope
from interfaces.http.api_keys import is_api_key, needed_scope


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("GET", "/projects", ApiKeyScope.READ),
        ("GET", "/runs/{run_id}/results", ApiKeyScope.READ),
        ("GET", "/me", ApiKeyScope.READ),
        ("POST", "/suites/{suite_id}/runs", ApiKeyScope.RUN),
        ("POST", "/runs/{run_id}/cancel", ApiKeyScope.RUN),
        ("POST", "/projects", ApiKeyScope.WRITE),
        ("POST", "/suites/{suite_id}/proposals/{number}/approve", ApiKeyScope.WRITE),
        ("DELETE", "/files/{file_id}", ApiKeyScope.WRITE),
        ("POST", "/me/api-keys", None),
        ("GET", "/me/api-keys", None),
        ("DELETE", "/me/api-keys/{key_id}", None),
        ("POST", "/me/password", None),
        ("PUT", "/me/profile", None),
        ("GET", "/admin/users", None),
        ("POST", "/auth/logout", None),
    ],
)
def test_needed_scope(method: str, path: str, scope: ApiKeyScope | None) -> None:
    assert needed_scope(method, path) == scope


def test_tells_a_key_from_an_access_token() -> None:
    assert is_api_key("tk_abc") and not is_api_key("eyJhbGciOi")
