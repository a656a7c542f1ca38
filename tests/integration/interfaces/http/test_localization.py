"""A Vietnamese Accept-Language gets Vietnamese problem titles, on every kind of refusal."""

from uuid import uuid4

from tests.integration.interfaces.http.support import Account, TestClient, assert_problem


def test_a_vietnamese_caller_gets_vietnamese_problem_titles(
    client: TestClient, account_for_reads: Account
) -> None:
    headers = {**account_for_reads.auth, "Accept-Language": "vi-VN,vi;q=0.9,en;q=0.5"}
    missing = client.get(f"/projects/{uuid4()}", headers=headers)
    body = assert_problem(missing, 404, "not-found")
    assert body["title"] == "Không tìm thấy"
    assert missing.headers["Content-Language"] == "vi"
    assert "Accept-Language" in missing.headers["Vary"]
    # Refused by a guard before any route runs, and by the request validation.
    guarded = client.post(
        "/projects",
        content=b'{"name": NaN}',
        headers={**headers, "Content-Type": "application/json"},
    )
    assert assert_problem(guarded, 422, "validation")["title"] == "Dữ liệu không hợp lệ"
    unauthenticated = client.get("/projects", headers={"Accept-Language": "vi"})
    assert assert_problem(unauthenticated, 401)["title"] == "Chưa xác thực"


def test_other_languages_fall_back_to_english(
    client: TestClient, account_for_reads: Account
) -> None:
    answer = client.get(
        f"/projects/{uuid4()}", headers={**account_for_reads.auth, "Accept-Language": "fr, de"}
    )
    assert assert_problem(answer, 404)["title"] == "Not found"
    assert answer.headers["Content-Language"] == "en"
    success = client.get("/projects", headers={**account_for_reads.auth, "Accept-Language": "vi"})
    assert success.status_code == 200 and "Content-Language" not in success.headers
