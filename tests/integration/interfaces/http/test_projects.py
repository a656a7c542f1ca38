"""Projects over HTTP: create, list, read, change with If-Match, archive, history, time travel."""

import threading
from collections.abc import Callable
from uuid import uuid4

import pytest

from tests.integration.interfaces.http.support import (
    Account,
    TestClient,
    a_project,
    an_account,
    assert_problem,
    error_fields,
    position_of,
)


@pytest.fixture(scope="module")
def owner(client: TestClient) -> Account:
    return an_account(client)


@pytest.fixture(scope="module")
def stranger(client: TestClient) -> Account:
    return an_account(client)


class TestCreateProject:
    def test_creates_a_project_with_its_etag_location_and_position(
        self, client: TestClient, owner: Account
    ) -> None:
        response = client.post(
            "/projects",
            json={
                "name": " Petstore ",
                "description": "Pets",
                "base_url": "https://petstore.example.com/v1/",
            },
            headers=owner.auth,
        )

        assert response.status_code == 201, response.text
        body = response.json()
        assert response.headers["ETag"] == '"1"'
        assert response.headers["Location"] == f"/projects/{body['id']}"
        log, position = position_of(response)
        assert log == "apidoc" and position > 0
        assert {k: body[k] for k in ("name", "description", "base_url", "status", "version")} == {
            "name": "Petstore",
            "description": "Pets",
            "base_url": "https://petstore.example.com/v1",
            "status": "Active",
            "version": 1,
        }
        assert (body["owner_id"], body["active_spec_id"]) == (str(owner.id), None)
        assert body["created_at"] == body["updated_at"]

    @pytest.mark.parametrize(
        ("body", "named"),
        [
            ({"name": "Fine", "base_url": "not a url"}, "base_url"),
            ({"name": "Fine", "base_url": "ftp://files.example.com"}, "base_url"),
            ({"name": ""}, "name"),
            ({"name": "   "}, "name"),
            ({"name": "n" * 201}, "name"),
            ({"description": "no name"}, "name"),
            ({"name": "Fine", "colour": "blue"}, "colour"),
            ({"name": "Fine", "description": "d" * 4001}, "description"),
        ],
    )
    def test_refuses_a_bad_field_naming_it(
        self, client: TestClient, owner: Account, body: dict[str, str], named: str
    ) -> None:
        response = client.post("/projects", json=body, headers=owner.auth)

        problem = assert_problem(response, 422, "validation")
        assert named in error_fields(problem)
        assert named in problem["detail"]

    def test_needs_an_access_token(self, client: TestClient) -> None:
        assert_problem(client.post("/projects", json={"name": "Anonymous"}), 401, "unauthorized")


class TestListProjects:
    @pytest.fixture
    def lister(
        self, client: TestClient, catch_up: Callable[[], None]
    ) -> tuple[Account, list[dict[str, object]]]:
        """An account with five projects (the first archived), all in the read model."""
        account = an_account(client)
        created = [
            a_project(client, account, name=f"{word} API").json()
            for word in ("Alpha", "Beta", "Gamma", "Delta", "100%_Epsilon")
        ]
        archived = client.post(f"/projects/{created[0]['id']}/archive", headers=account.auth)
        assert archived.status_code == 200
        catch_up()
        return account, created

    def test_pages_through_the_callers_projects_newest_first(
        self, client: TestClient, lister: tuple[Account, list[dict[str, object]]]
    ) -> None:
        account, created = lister
        newest_first = [p["id"] for p in reversed(created)]

        first = client.get("/projects", params={"limit": 2}, headers=account.auth).json()
        last = client.get(
            "/projects", params={"limit": 2, "offset": 4}, headers=account.auth
        ).json()

        assert (first["total"], first["limit"], first["offset"]) == (5, 2, 0)
        assert [p["id"] for p in first["items"]] == newest_first[:2]
        assert [p["id"] for p in last["items"]] == newest_first[4:]

    def test_filters_by_status(
        self, client: TestClient, lister: tuple[Account, list[dict[str, object]]]
    ) -> None:
        account, created = lister

        archived = client.get("/projects", params={"status": "Archived"}, headers=account.auth)
        active = client.get("/projects", params={"status": "Active"}, headers=account.auth)

        assert [p["id"] for p in archived.json()["items"]] == [created[0]["id"]]
        assert archived.json()["items"][0]["status"] == "Archived"
        assert active.json()["total"] == 4

    @pytest.mark.parametrize(
        ("search", "names"),
        [
            ("gamma", ["Gamma API"]),
            ("API", ["100%_Epsilon API", "Delta API", "Gamma API", "Beta API", "Alpha API"]),
            ("100%_", ["100%_Epsilon API"]),
            ("%", ["100%_Epsilon API"]),
            ("_", ["100%_Epsilon API"]),
            ("nothing like it", []),
        ],
    )
    def test_searches_names_taking_wildcards_literally(
        self,
        client: TestClient,
        lister: tuple[Account, list[dict[str, object]]],
        search: str,
        names: list[str],
    ) -> None:
        account, _ = lister
        response = client.get("/projects", params={"search": search}, headers=account.auth)
        assert [p["name"] for p in response.json()["items"]] == names

    def test_lists_nothing_of_another_account(
        self,
        client: TestClient,
        lister: tuple[Account, list[dict[str, object]]],
        stranger: Account,
    ) -> None:
        _, created = lister
        response = client.get("/projects", params={"limit": 200}, headers=stranger.auth)
        theirs = {p["id"] for p in created}
        assert theirs.isdisjoint(p["id"] for p in response.json()["items"])

    @pytest.mark.parametrize(
        "params",
        [{"limit": 0}, {"limit": 201}, {"offset": -1}, {"status": "Deleted"}, {"limit": "ten"}],
    )
    def test_refuses_bad_paging_or_filters(
        self, client: TestClient, owner: Account, params: dict[str, object]
    ) -> None:
        assert_problem(client.get("/projects", params=params, headers=owner.auth), 422)


class TestGetProject:
    def test_reads_a_project_from_the_read_model_with_its_etag(
        self, client: TestClient, owner: Account, catch_up: Callable[[], None]
    ) -> None:
        created = a_project(client, owner, name="Readable")
        catch_up()

        response = client.get(f"/projects/{created.json()['id']}", headers=owner.auth)

        assert response.status_code == 200, response.text
        assert response.json() == created.json()
        assert response.headers["ETag"] == '"1"'

    def test_waits_for_the_position_of_the_callers_write(
        self, client: TestClient, owner: Account, catch_up: Callable[[], None]
    ) -> None:
        catch_up()  # only this project's event is left for the timer to apply
        created = a_project(client, owner, name="Just written")
        later = threading.Timer(0.2, catch_up)
        later.start()
        try:
            response = client.get(
                f"/projects/{created.json()['id']}",
                params={"min_position": created.headers["X-Testament-Position"]},
                headers=owner.auth,
            )
        finally:
            later.join()

        assert response.status_code == 200, response.text
        assert response.json()["name"] == "Just written"

    def test_answers_503_with_retry_after_while_the_read_model_is_behind(
        self, impatient_client: TestClient, client: TestClient, owner: Account
    ) -> None:
        created = a_project(client, owner)  # not applied: no projection runs here
        _, position = position_of(created)

        response = impatient_client.get(
            f"/projects/{created.json()['id']}",
            params={"min_position": f"apidoc:{position}"},
            headers=owner.auth,
        )

        body = assert_problem(response, 503, "read-model-behind")
        assert response.headers["Retry-After"] == "1"
        assert body["required_position"] == position

    def test_answers_412_for_a_position_beyond_the_head_of_the_log(
        self, impatient_client: TestClient, client: TestClient, owner: Account
    ) -> None:
        created = a_project(client, owner)
        _, position = position_of(created)

        response = impatient_client.get(
            f"/projects/{created.json()['id']}",
            params={"min_position": f"apidoc:{position + 1_000_000}"},
            headers=owner.auth,
        )

        body = assert_problem(response, 412, "position-not-written")
        assert body["required_position"] == position + 1_000_000

    @pytest.mark.parametrize("position", ["apidoc", "apidoc:", "apidoc:1.5", "apidoc:-3", "42"])
    def test_refuses_a_malformed_min_position(
        self, client: TestClient, owner: Account, position: str
    ) -> None:
        response = client.get(
            f"/projects/{uuid4()}", params={"min_position": position}, headers=owner.auth
        )
        assert_problem(response, 400, "bad-position")

    def test_does_not_find_an_unknown_project(self, client: TestClient, owner: Account) -> None:
        assert_problem(client.get(f"/projects/{uuid4()}", headers=owner.auth), 404, "not-found")


class TestAnotherUsersProject:
    """Someone else's project is never forbidden: it does not exist for the caller."""

    @pytest.fixture
    def theirs(self, client: TestClient, owner: Account, catch_up: Callable[[], None]) -> str:
        project_id = str(a_project(client, owner, name="Private").json()["id"])
        catch_up()
        return project_id

    @pytest.mark.parametrize(
        ("method", "path", "body"),
        [
            ("GET", "", None),
            ("GET", "?version=1", None),
            ("GET", "/history", None),
            ("PATCH", "", {"name": "Hijacked"}),
            ("POST", "/archive", None),
            ("POST", "/restore", None),
        ],
    )
    def test_is_not_found(
        self,
        client: TestClient,
        stranger: Account,
        theirs: str,
        method: str,
        path: str,
        body: dict[str, str] | None,
    ) -> None:
        response = client.request(
            method, f"/projects/{theirs}{path}", json=body, headers=stranger.auth
        )
        unknown = client.request(
            method, f"/projects/{uuid4()}{path}", json=body, headers=stranger.auth
        )

        assert (
            assert_problem(response, 404, "not-found")["detail"]
            == (assert_problem(unknown, 404, "not-found")["detail"])
        )

    def test_is_left_unchanged(
        self, client: TestClient, owner: Account, stranger: Account, theirs: str
    ) -> None:
        client.patch(f"/projects/{theirs}", json={"name": "Hijacked"}, headers=stranger.auth)
        history = client.get(f"/projects/{theirs}/history", headers=owner.auth).json()
        assert [entry["type"] for entry in history] == ["Project.Created"]


class TestUpdateProject:
    def test_applies_a_change_when_if_match_names_the_current_version(
        self, client: TestClient, owner: Account
    ) -> None:
        project_id = a_project(client, owner, name="Before").json()["id"]

        response = client.patch(
            f"/projects/{project_id}",
            json={"name": "After", "description": "Changed too"},
            headers={**owner.auth, "If-Match": '"1"'},
        )

        assert response.status_code == 200, response.text
        assert response.headers["ETag"] == '"3"'
        assert (response.json()["name"], response.json()["version"]) == ("After", 3)
        assert position_of(response)[0] == "apidoc"

    @pytest.mark.parametrize("if_match", ['W/"1"', "1", "*"])
    def test_accepts_a_weak_bare_or_wildcard_etag(
        self, client: TestClient, owner: Account, if_match: str
    ) -> None:
        project_id = a_project(client, owner).json()["id"]
        response = client.patch(
            f"/projects/{project_id}",
            json={"description": "ok"},
            headers={**owner.auth, "If-Match": if_match},
        )
        assert response.status_code == 200, response.text

    def test_refuses_a_stale_if_match_with_the_current_version(
        self, client: TestClient, owner: Account
    ) -> None:
        project_id = a_project(client, owner, name="Contested").json()["id"]
        client.patch(f"/projects/{project_id}", json={"name": "First"}, headers=owner.auth)

        response = client.patch(
            f"/projects/{project_id}",
            json={"name": "Lost update"},
            headers={**owner.auth, "If-Match": '"1"'},
        )

        body = assert_problem(response, 412, "version-mismatch")
        assert body["current_version"] == 2
        assert response.headers["ETag"] == '"2"'
        state = client.get(f"/projects/{project_id}", params={"version": 2}, headers=owner.auth)
        assert state.json()["name"] == "First"

    @pytest.mark.parametrize("if_match", ['"abc"', '"1", "2"', "W/", '"12345678901"'])
    def test_refuses_a_malformed_if_match(
        self, client: TestClient, owner: Account, if_match: str
    ) -> None:
        project_id = a_project(client, owner).json()["id"]
        response = client.patch(
            f"/projects/{project_id}",
            json={"name": "Whatever"},
            headers={**owner.auth, "If-Match": if_match},
        )
        assert_problem(response, 400, "bad-if-match")

    def test_refuses_a_bad_base_url_naming_the_field(
        self, client: TestClient, owner: Account
    ) -> None:
        project_id = a_project(client, owner).json()["id"]
        response = client.patch(
            f"/projects/{project_id}", json={"base_url": "nope"}, headers=owner.auth
        )
        assert "base_url" in error_fields(assert_problem(response, 422, "validation"))


class TestArchiveAndRestore:
    def test_archives_once_then_refuses_a_second_archive(
        self, client: TestClient, owner: Account
    ) -> None:
        project_id = a_project(client, owner).json()["id"]

        archived = client.post(f"/projects/{project_id}/archive", headers=owner.auth)
        again = client.post(f"/projects/{project_id}/archive", headers=owner.auth)

        assert archived.status_code == 200, archived.text
        assert (archived.json()["status"], archived.headers["ETag"]) == ("Archived", '"2"')
        assert "already archived" in assert_problem(again, 409, "project-archived")["detail"]

    def test_refuses_changes_to_an_archived_project(
        self, client: TestClient, owner: Account
    ) -> None:
        project_id = a_project(client, owner).json()["id"]
        client.post(f"/projects/{project_id}/archive", headers=owner.auth)
        response = client.patch(
            f"/projects/{project_id}", json={"name": "Renamed"}, headers=owner.auth
        )
        assert_problem(response, 409, "project-archived")

    def test_restores_an_archived_project_and_refuses_to_restore_twice(
        self, client: TestClient, owner: Account
    ) -> None:
        project_id = a_project(client, owner).json()["id"]
        client.post(f"/projects/{project_id}/archive", headers=owner.auth)

        restored = client.post(
            f"/projects/{project_id}/restore", headers={**owner.auth, "If-Match": '"2"'}
        )
        again = client.post(f"/projects/{project_id}/restore", headers=owner.auth)

        assert (restored.json()["status"], restored.headers["ETag"]) == ("Active", '"3"')
        assert_problem(again, 409, "project-not-archived")


class TestHistoryAndTimeTravel:
    def test_lists_every_change_with_who_when_and_from_where(
        self, client: TestClient, owner: Account
    ) -> None:
        context = {"User-Agent": "history-test/2.0", "X-Correlation-ID": "corr-history-1"}
        project_id = a_project(client, owner, name="Audited", headers=context).json()["id"]
        renamed = client.patch(
            f"/projects/{project_id}",
            json={"name": "Audited twice"},
            headers={**owner.auth, "User-Agent": "other-agent/1.0", "X-Correlation-ID": "c-2"},
        )
        assert renamed.headers["X-Correlation-ID"] == "c-2"

        response = client.get(f"/projects/{project_id}/history", headers=owner.auth)

        assert response.status_code == 200, response.text
        created, rename = response.json()
        assert (created["type"], created["version"], created["payload"]["name"]) == (
            "Project.Created",
            1,
            "Audited",
        )
        assert (created["user_id"], created["ip"], created["user_agent"]) == (
            str(owner.id),
            "testclient",
            "history-test/2.0",
        )
        assert created["correlation_id"] == "corr-history-1"
        assert (rename["type"], rename["version"], rename["payload"]) == (
            "Project.Renamed",
            2,
            {"name": "Audited twice"},
        )
        assert (rename["user_agent"], rename["correlation_id"]) == ("other-agent/1.0", "c-2")
        assert created["timestamp"] <= rename["timestamp"]

    def test_gives_each_response_a_correlation_id_when_none_is_sent(
        self, client: TestClient, owner: Account
    ) -> None:
        project_id = a_project(client, owner).json()["id"]
        history = client.get(f"/projects/{project_id}/history", headers=owner.auth).json()
        assert history[0]["correlation_id"]

    def test_returns_the_original_name_at_version_one_after_a_rename(
        self, client: TestClient, owner: Account
    ) -> None:
        project_id = a_project(client, owner, name="Original").json()["id"]
        client.patch(f"/projects/{project_id}", json={"name": "Renamed"}, headers=owner.auth)

        response = client.get(f"/projects/{project_id}", params={"version": 1}, headers=owner.auth)

        assert response.status_code == 200, response.text
        assert (response.json()["name"], response.json()["version"]) == ("Original", 1)
        assert response.headers["ETag"] == '"1"'

    def test_does_not_find_a_version_beyond_the_head(
        self, client: TestClient, owner: Account
    ) -> None:
        project_id = a_project(client, owner).json()["id"]
        response = client.get(f"/projects/{project_id}", params={"version": 99}, headers=owner.auth)
        assert "version 99" in assert_problem(response, 404, "not-found")["detail"]

    @pytest.mark.parametrize("version", ["0", "-1", "one"])
    def test_refuses_a_version_that_is_not_a_positive_number(
        self, client: TestClient, owner: Account, version: str
    ) -> None:
        response = client.get(
            f"/projects/{uuid4()}", params={"version": version}, headers=owner.auth
        )
        assert "version" in error_fields(assert_problem(response, 422, "validation"))
