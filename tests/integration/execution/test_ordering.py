"""Concurrent runs that give what the plan's order gives: shared variables and resources."""

from application.testexec.execution import CaseStatus, ExecutionCase
from tests.integration.execution.support import case, run
from tests.integration.execution.target import LOGIN_TOKEN, PASSWORD, USER, Target

AUTH = {"Authorization": "Bearer {{token}}"}


def _login(case_id: str = "login") -> ExecutionCase:
    return case(
        case_id,
        "/login",
        method="POST",
        body_type="JSON",
        body={"username": "{{user}}", "password": "{{password}}"},
        variables=[{"name": "token", "source": "body", "expression": "$.data.token"}],
    )


def _create() -> ExecutionCase:
    return case(
        "create",
        "/items",
        method="POST",
        status=[201],
        headers=AUTH,
        body_type="JSON",
        body={"name": "Rex"},
        depends_on=["login"],
        variables=[{"name": "itemId", "source": "body", "expression": "$.id"}],
    )


def _slow_read(case_id: str) -> ExecutionCase:
    return case(
        case_id,
        "/items/{id}",
        path_params={"id": "{{itemId}}"},
        query_params={"delay_ms": "300"},
        depends_on=["create"],
    )


class TestOrderOfChains:
    def test_reads_a_created_resource_before_a_later_case_deletes_it(self, target: Target) -> None:
        # As a generated suite has it: the reads and the delete each depend on the create
        # only, and the plan puts the delete last. Run at once, the delete (fast) would
        # overtake the reads (slow) and they would find nothing.
        cases = [
            _login(),
            _create(),
            _slow_read("read-1"),
            _slow_read("read-2"),
            case(
                "delete",
                "/items/{id}",
                method="DELETE",
                status=[204],
                path_params={"id": "{{itemId}}"},
                depends_on=["create"],
            ),
        ]
        outcome, sink = run(
            cases, target.url, concurrency=8, variables={"user": USER, "password": PASSWORD}
        )
        statuses = {r.case_id: r.status for r in sink.results}
        assert statuses == dict.fromkeys(statuses, CaseStatus.PASSED), sink.results
        assert [r.case_id for r in sink.results][-1] == "delete"
        assert (outcome.passed, outcome.failed) == (5, 0)

    def test_still_runs_the_readers_of_a_token_together(self, target: Target) -> None:
        # Cases that only read the token wait for the login, not for each other. One
        # second each, so that starts a few milliseconds apart on a loaded CI machine
        # still overlap (0.3 s once missed by 1.4 ms).
        slow = [
            case(
                f"slow-{n}",
                "/slow",
                query_params={"seconds": "1.0", "name": f"slow-{n}"},
                headers=AUTH,
            )
            for n in range(4)
        ]
        outcome, sink = run(
            [_login(), *slow],
            target.url,
            concurrency=8,
            variables={"user": USER, "password": PASSWORD},
        )
        assert outcome.passed == 5, sink.results
        spans = [target.spans[f"slow-{n}"] for n in range(4)]
        assert max(start for start, _ in spans) < min(end for _, end in spans)  # overlapping
        login = sink.result("login")
        assert all(r.started_at >= login.completed_at for r in sink.results if r is not login)
        assert sink.result("slow-0").request["headers"]["Authorization"] == f"Bearer {LOGIN_TOKEN}"

    def test_a_second_login_waits_for_the_cases_using_the_first_token(self, target: Target) -> None:
        cases = [
            _login("login"),
            case("use-1", "/slow", query_params={"seconds": "0.2"}, headers=AUTH),
            _login("login-again"),
            case("use-2", "/echo", headers=AUTH),
        ]
        _, sink = run(
            cases, target.url, concurrency=8, variables={"user": USER, "password": PASSWORD}
        )
        assert sink.result("login-again").started_at >= sink.result("use-1").completed_at
        assert sink.result("use-2").started_at >= sink.result("login-again").completed_at

    def test_cases_wait_for_a_login_whose_token_the_environment_headers_carry(
        self, target: Target
    ) -> None:
        creates = [
            case(
                f"create-{n}",
                "/items",
                method="POST",
                status=[201],
                body_type="JSON",
                body={"name": f"pet {n}"},
            )
            for n in range(20)
        ]
        outcome, sink = run(
            [_login(), *creates],
            target.url,
            concurrency=8,
            headers={"Authorization": "Bearer {{token}}"},
            variables={"user": USER, "password": PASSWORD, "token": "anonymous"},
        )
        assert (outcome.passed, outcome.failed) == (21, 0), [
            r.failure_reason for r in sink.results if r.failure_reason
        ]
