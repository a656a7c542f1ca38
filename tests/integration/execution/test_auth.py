"""The environment's authentication, and the masking of every secret the sink could see."""

import json

from application.testexec.execution import CaseStatus
from tests.integration.execution.support import case, run
from tests.integration.execution.target import (
    API_KEY,
    BEARER,
    CLIENT_ID,
    CLIENT_SECRET,
    LOGIN_TOKEN,
    PASSWORD,
    USER,
    Target,
)


def _oauth(target: Target) -> dict[str, str]:
    return {
        "type": "oauth2_client_credentials",
        "token_url": f"{target.url}/oauth/token",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "scope": "pets:read",
    }


class TestStaticAuth:
    def test_basic_credentials_open_the_basic_route(self, target: Target) -> None:
        auth = {"type": "basic", "username": USER, "password": PASSWORD}
        outcome, sink = run([case("basic", "/protected/basic")], target.url, auth=auth)
        assert outcome.passed == 1, sink.results
        assert sink.result("basic").request["headers"]["Authorization"] == "Basic ***"

    def test_a_bearer_token_opens_the_bearer_route(self, target: Target) -> None:
        outcome, sink = run(
            [case("bearer", "/protected/bearer")],
            target.url,
            auth={"type": "bearer", "token": BEARER},
        )
        assert outcome.passed == 1, sink.results

    def test_an_api_key_goes_in_a_header_the_query_or_a_cookie(self, target: Target) -> None:
        for place, name in (("header", "X-API-Key"), ("query", "api_key"), ("cookie", "api_key")):
            auth = {"type": "api_key", "in": place, "name": name, "value": API_KEY}
            outcome, sink = run([case("key", "/protected/apikey")], target.url, auth=auth)
            assert outcome.passed == 1, (place, sink.results)
            assert API_KEY not in sink.everything()

    def test_the_case_authorization_header_wins_over_the_environment(self, target: Target) -> None:
        auth = {"type": "bearer", "token": BEARER}
        cases = [
            case(
                "own", "/protected/bearer", status=[401], headers={"Authorization": "Bearer other"}
            )
        ]
        outcome, sink = run(cases, target.url, auth=auth)
        assert outcome.passed == 1, sink.results

    def test_a_case_sent_without_credentials_gets_none_from_the_environment(
        self, target: Target
    ) -> None:
        # A generated "missing credentials are refused" case: the environment's token must not
        # be added, or a server that checks it answers 200 and the case fails for nothing.
        for auth in (
            {"type": "bearer", "token": BEARER},
            {"type": "api_key", "in": "query", "name": "api_key", "value": API_KEY},
        ):
            route = "/protected/bearer" if auth["type"] == "bearer" else "/protected/apikey"
            cases = [case("anonymous", route, status=[401], without_credentials=True)]
            outcome, sink = run(cases, target.url, auth=auth)
            assert outcome.passed == 1, sink.results
            sent = sink.result("anonymous").request
            assert "Authorization" not in sent["headers"] and "api_key" not in sent["url"]

    def test_an_incomplete_auth_configuration_fails_the_cases_with_the_reason(
        self, target: Target
    ) -> None:
        _, sink = run([case("incomplete", "/typed")], target.url, auth={"type": "bearer"})
        assert sink.result("incomplete").failure_reason == (
            "authentication failed: the bearer authentication of the environment has no token"
        )
        assert target.counts["typed"] == 0


class TestOAuth2:
    def test_fetches_one_token_for_many_requests(self, target: Target) -> None:
        cases = [case(f"c{i}", "/oauth/resource") for i in range(12)]
        outcome, sink = run(cases, target.url, auth=_oauth(target), concurrency=4)
        assert outcome.passed == 12, [r.failure_reason for r in sink.results]
        assert target.counts["token"] == 1
        assert target.counts["oauth_resource"] == 12

    def test_fetches_a_new_token_once_the_old_one_expires(self, target: Target) -> None:
        target.token_lifetime = 0.3
        cases = [
            case("before", "/oauth/resource"),
            case("pause", "/slow?seconds=0.4", depends_on=["before"]),
            case("after", "/oauth/resource", depends_on=["pause"]),
        ]
        outcome, sink = run(cases, target.url, auth=_oauth(target))
        assert outcome.passed == 3, [r.failure_reason for r in sink.results]
        assert target.counts["token"] == 2
        assert sink.result("after").attempts == 1

    def test_refreshes_the_token_once_on_a_401_and_retries(self, target: Target) -> None:
        _, sink = run([case("revoked", "/oauth/revoked-once")], target.url, auth=_oauth(target))
        result = sink.result("revoked")
        assert result.status == CaseStatus.PASSED, result.failure_reason
        assert target.counts["token"] == 2
        assert target.counts["revoked_once"] == 2
        assert result.attempts == 2

    def test_a_token_endpoint_refusal_fails_the_case_with_the_reason(self, target: Target) -> None:
        auth = {**_oauth(target), "client_secret": "wrong-secret"}
        _, sink = run([case("refused", "/oauth/resource")], target.url, auth=auth)
        result = sink.result("refused")
        assert result.status == CaseStatus.FAILED
        assert "/oauth/token answered HTTP 401" in result.failure_reason
        assert target.counts["oauth_resource"] == 0


class TestSecretMasking:
    def test_masks_every_secret_in_everything_the_sink_receives(self, target: Target) -> None:
        env_secret = "env-secret-value-0042"
        cases = [
            case(
                "login",
                "/login",
                method="POST",
                body_type="JSON",
                body={"username": USER, "password": "{{password}}"},
                variables=[{"name": "token", "source": "body", "expression": "$.data.token"}],
            ),
            case(
                "echo",
                "/echo/{{secretPath}}",
                method="POST",
                headers={"X-Secret": "{{secretPath}}", "X-Token": "{{token}}"},
                query_params={"q": "{{secretPath}}"},
                body_type="Raw",
                body="password={{password}}",
                depends_on=["login"],
                x_body_contains=[env_secret, "{{password}}"],
                x_jsonpath_checks=[
                    {"path": "$.headers.X-Secret", "operator": "equals", "expected": "nope"}
                ],
                variables=[
                    {"name": "echoed", "source": "body", "expression": "$.headers.Authorization"}
                ],
            ),
            case("fail", "/echo", headers={"X-Fail": "{{secretPath}}"}, status=[418]),
        ]
        outcome, sink = run(
            cases,
            target.url,
            variables={"password": PASSWORD, "secretPath": env_secret},
            secrets=[PASSWORD, env_secret, LOGIN_TOKEN],
            auth=_oauth(target),
        )
        assert outcome.passed == 1 and outcome.failed == 2, [r.failure_reason for r in sink.results]
        dumped = sink.everything()
        issued = "oauth-token-1"
        for secret in (PASSWORD, env_secret, LOGIN_TOKEN, CLIENT_SECRET, issued):
            assert secret not in dumped, secret
        echo = sink.result("echo")
        assert echo.request["headers"]["X-Secret"] == "***"
        assert echo.request["headers"]["Authorization"] == "Bearer ***"
        assert echo.request["url"].endswith("/echo/***?q=***")
        assert echo.request["body"] == "password=***"
        assert json.loads(echo.response["body"])["headers"]["X-Token"] == "***"
        assert echo.extracted == {"echoed": "Bearer ***"}
        assert sink.variables[-1]["token"] == "***"
        assert "***" in sink.result("fail").request["headers"]["X-Fail"]
        assert "'***'" in echo.failure_reason

    def test_masks_secrets_in_the_logs_of_retries(self, target: Target) -> None:
        target.flaky_failures = 1
        cases = [case("flaky", "/flaky", query_params={"key": "{{key}}"})]
        _, sink = run(
            cases, target.url, retries=1, variables={"key": "q-secret-77"}, secrets=["q-secret-77"]
        )
        warnings = [message for level, message in sink.logs if level == "warning"]
        assert len(warnings) == 1 and "key=***" in warnings[0]
        assert "q-secret-77" not in sink.everything()

    def test_masks_a_secret_in_the_spelling_of_a_path_parameter(self, target: Target) -> None:
        secret = "s3cr3t key!"
        cases = [case("path", "/echo/{name}", path_params={"name": "{{key}}"})]
        _, sink = run(cases, target.url, variables={"key": secret}, secrets=[secret])
        result = sink.result("path")
        assert result.status == CaseStatus.PASSED, result.failure_reason
        assert result.request["url"] == f"{target.url}/echo/***"
        dumped = sink.everything()
        for spelling in (secret, "s3cr3t%20key!", "s3cr3t%20key%21", "s3cr3t+key%21"):
            assert spelling not in dumped, spelling
