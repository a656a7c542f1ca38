"""Response headers over HTTP: nosniff everywhere, and downloads that a browser cannot run."""

import pytest

from tests.integration.interfaces.http.support import (
    Account,
    TestClient,
    a_project,
    an_account,
)

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture(scope="module")
def uploader(client: TestClient) -> Account:
    return an_account(client)


def an_html_upload(client: TestClient, account: Account) -> dict[str, str]:
    project_id = a_project(client, account).json()["id"]
    response = client.post(
        f"/projects/{project_id}/specs",
        files={"file": ("page.html", HTML, "text/html")},
        headers=account.auth,
    )
    assert response.status_code == 202, response.text
    return {"project_id": project_id, **response.json()}


class TestNosniff:
    @pytest.mark.parametrize(
        ("method", "path"),
        [("GET", "/health"), ("GET", "/no/such/route"), ("GET", "/me"), ("POST", "/auth/login")],
    )
    def test_every_answer_says_nosniff(self, client: TestClient, method: str, path: str) -> None:
        response = client.request(method, path, json={} if method == "POST" else None)

        assert response.headers["X-Content-Type-Options"] == "nosniff"


class TestDownloads:
    def test_a_stored_html_file_is_saved_not_shown(
        self, client: TestClient, uploader: Account
    ) -> None:
        spec = an_html_upload(client, uploader)

        response = client.get(f"/files/{spec['original_file_id']}/content", headers=uploader.auth)

        assert response.status_code == 200, response.text
        assert response.content == HTML
        assert response.headers["Content-Disposition"] == 'attachment; filename="page.html"'
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert response.headers["X-Content-Type-Options"] == "nosniff"

    def test_the_original_of_a_specification_is_saved_not_shown(
        self, client: TestClient, uploader: Account
    ) -> None:
        spec = an_html_upload(client, uploader)

        response = client.get(
            f"/projects/{spec['project_id']}/specs/{spec['id']}/file", headers=uploader.auth
        )

        assert response.status_code == 200, response.text
        assert response.headers["Content-Disposition"] == 'attachment; filename="page.html"'
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
