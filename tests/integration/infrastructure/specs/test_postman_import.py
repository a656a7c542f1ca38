"""Imported Postman collections run by the engine against a real local API."""

import json
from pathlib import Path
from typing import Any

from application.testexec.execution import (
    CaseResult,
    EnvironmentConfig,
    ExecutionCase,
    ExecutionPlan,
    ExecutionSettings,
)
from infrastructure.execution.engine import HttpExecutionEngine
from infrastructure.specs.postman_import import PARTIAL_TAG, ImportedCollection, import_collection
from tests.support.postman_target import serving

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "postman"


class _Sink:
    def __init__(self) -> None:
        self.results: dict[str, CaseResult] = {}

    def previous_result(self, key: str) -> CaseResult | None:
        return None

    def mark_sent(self, keys: list[str]) -> None:
        pass

    def sent_before(self, key: str) -> int:
        return 0

    def record(self, result: CaseResult, variables: dict[str, str]) -> None:
        self.results[result.case_id] = result

    def log(self, level: str, message: str) -> None:
        pass

    def cancelled(self) -> bool:
        return False


def _collection(name: str, base: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    for variable in document.get("variable") or []:
        if variable["key"] == "baseUrl":
            variable["value"] = base
    return document


def _run(imported: ImportedCollection) -> dict[str, CaseResult]:
    sink = _Sink()
    HttpExecutionEngine().run(
        ExecutionPlan(
            run_id="postman",
            cases=[
                ExecutionCase(
                    id=case.key,
                    name=case.name,
                    endpoint_key=case.endpoint_key,
                    request=case.request.to_json(),
                    expectations=case.expectations.to_json(),
                    variables=[v.to_json() for v in case.variables],
                    depends_on=list(case.depends_on),
                )
                for case in imported.cases
            ],
        ),
        EnvironmentConfig(
            base_url=imported.base_url,
            variables={v["name"]: v["value"] for v in imported.variables},
        ),
        sink,
        ExecutionSettings(concurrency=1, allow_private_targets=True),
    )
    return {case.name: sink.results[case.key] for case in imported.cases}


def _verdicts(result: CaseResult) -> dict[str, bool]:
    return {v.check: v.passed for v in result.validations if ":" in v.check}


def _import_and_run(
    name: str, environment: str | None = None
) -> tuple[ImportedCollection, dict[str, CaseResult]]:
    env = json.loads((FIXTURES / environment).read_text()) if environment else None
    with serving() as base:
        imported = import_collection(_collection(name, base), env)
        return imported, _run(imported)


class TestUsersCollection:
    def test_every_request_is_a_case_in_order_and_every_assertion_passes(self) -> None:
        imported, results = _import_and_run("users_crud.postman_collection.json")
        assert [c.name for c in imported.cases][:4] == [
            "Login",
            "Create user",
            "Create user without email",
            "Get user",
        ]
        # Repeats of one endpoint stay separate cases.
        assert [c.endpoint_key for c in imported.cases].count("GET /users/{userId}") == 2
        assert [c.endpoint_key for c in imported.cases].count("GET /users") == 3
        assert imported.report.assertions == imported.report.assertions_translated == 23
        for name, result in results.items():
            assert result.status == "Passed", (name, result.failure_reason, result.validations)
        assert _verdicts(results["Get user"]) == {
            "assertion: Status code is 200": True,
            "assertion: Same user": True,
            "assertion: Resource header": True,
        }

    def test_folder_auth_is_inherited_and_noauth_sends_none(self) -> None:
        imported, _ = _import_and_run("users_crud.postman_collection.json")
        by_name = {c.name: c for c in imported.cases}
        assert by_name["Create user"].request.headers["Authorization"] == "Bearer {{token}}"
        assert "Authorization" not in by_name["Users without token"].request.headers
        assert "Authorization" not in by_name["Login"].request.headers
        assert by_name["Get user"].depends_on == [by_name["Login"].key, by_name["Create user"].key]
        assert by_name["List users"].request.query_params == {"limit": "5", "q": "ada"}


class TestAuthAndBodies:
    def test_bodies_and_auth_reach_the_api_as_postman_sends_them(self) -> None:
        imported, results = _import_and_run(
            "auth_bodies.postman_collection.json", "auth_bodies.postman_environment.json"
        )
        for name, result in results.items():
            assert result.status == "Passed", (name, result.failure_reason, result.validations)
        by_name = {c.name: c for c in imported.cases}
        assert by_name["Empty raw body"].request.body is None
        assert by_name["Authorization header written by hand"].request.headers == {
            "Authorization": "Bearer handwritten-{{apiKey}}"
        }

    def test_credentials_are_secret_variables_never_case_values(self) -> None:
        imported, _ = _import_and_run(
            "auth_bodies.postman_collection.json", "auth_bodies.postman_environment.json"
        )
        secrets = {v["name"]: v["value"] for v in imported.variables if v["secret"]}
        assert "alanPassword" in secrets and "apiKey" in secrets
        assert "nope" not in json.dumps([c.to_json() for c in imported.cases])


class TestLegacyAndPartial:
    def test_legacy_tests_are_judged_and_a_wrong_one_fails_its_case(self) -> None:
        imported, results = _import_and_run("legacy_tests.postman_collection.json")
        assert imported.report.assertions_translated == imported.report.assertions
        health = _verdicts(results["Health (legacy)"])
        assert health["assertion: Valid schema"] is True
        assert health["assertion: Wrong on purpose"] is False
        assert results["Health (legacy)"].status == "Failed"
        # A guard that does not hold leaves no assertion, as in Postman.
        assert "assertion: Never here" not in _verdicts(results["Me without token (legacy)"])
        assert results["Me (legacy)"].status == "Passed"

    def test_an_untranslated_test_is_reported_and_judged_in_the_sandbox(self) -> None:
        imported, results = _import_and_run("mixed_scripts.postman_collection.json")
        assert imported.report.assertions_translated == imported.report.assertions - 1
        assert "Health" in imported.report.partially_imported
        assert any("_.each" in line.text for line in imported.report.untranslated)
        health = {c.name: c for c in imported.cases}["Health"]
        assert PARTIAL_TAG in health.tags
        assert any("_.each" in script for script in health.expectations.scripts)
        checks = _verdicts(results["Health"])
        assert checks["assertion: Every key is short"] is True
        assert "not evaluated: Every key is short" not in checks
        assert checks["assertion: Responds with JSON"] is True  # the collection's own test


class TestSandboxedScripts:
    def test_loops_else_branches_and_or_are_all_judged_and_chain_variables(self) -> None:
        imported, results = _import_and_run("roster_scripts.postman_collection.json")
        report = imported.report
        assert report.assertions_translated < report.assertions  # the sandbox has work
        assert not [
            (name, check)
            for name, result in results.items()
            for check in _verdicts(result)
            if check.startswith("not evaluated")
        ]
        # The token and Ada's id were set by scripts the sandbox ran (an if/else, a _.find).
        assert results["Create Ada"].status == "Passed"
        show = _verdicts(results["Show Ada"])
        assert show["assertion: Found"] is True
        assert show["assertion: Is a mathematician"] is True
        assert show["assertion: Age is a positive integer"] is True
        assert "assertion: Age is missing" not in show  # the branch not taken
        listing = _verdicts(results["List users"])
        assert listing["assertion: User 1 has an email"] is True
        assert listing["assertion: Item 2 has an id"] is True
        refused = _verdicts(results["Create without email"])
        assert refused["assertion: The email is named"] is True
        assert refused["assertion: Every field is named (wrong on purpose)"] is False
        assert results["Create without email"].status == "Failed"
        assert _verdicts(results["Delete Ada"])["assertion: The body is not JSON"] is True
        assert _verdicts(results["Show Ada again"])["assertion: Says why"] is True
        everywhere = [
            _verdicts(result)["assertion: Answers in time"] for result in results.values()
        ]
        assert everywhere == [True] * len(imported.cases)  # the collection's own script


class TestOAuth2ClientCredentials:
    def test_collection_oauth2_becomes_the_environments_auth_and_the_engine_gets_a_token(
        self,
    ) -> None:
        oauth2 = {
            "type": "oauth2",
            "oauth2": [
                {"key": "grant_type", "value": "client_credentials"},
                {"key": "accessTokenUrl", "value": "{{baseUrl}}/oauth/token"},
                {"key": "clientId", "value": "reports"},
                {"key": "clientSecret", "value": "{{clientSecret}}"},
            ],
        }
        me = {
            "name": "Me with a client token",
            "request": {"method": "GET", "url": "{{baseUrl}}/me"},
            "event": [
                {
                    "listen": "test",
                    "script": {"exec": ['pm.test("ok", () => pm.response.to.have.status(200));']},
                }
            ],
        }
        with serving() as base:
            collection = {
                "info": {
                    "name": "OAuth",
                    "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
                },
                "item": [me],
                "auth": oauth2,
                "variable": [{"key": "baseUrl", "value": base}],
            }
            environment = {
                "values": [{"key": "clientSecret", "value": "s3cr3t-client", "type": "secret"}]
            }
            imported = import_collection(collection, environment)
            assert imported.auth == {
                "type": "oauth2_client_credentials",
                "token_url": f"{base}/oauth/token",
                "client_id": "reports",
                "client_secret": "s3cr3t-client",
            }
            assert imported.cases[0].request.headers == {}
            sink = _Sink()
            HttpExecutionEngine().run(
                ExecutionPlan(
                    run_id="oauth",
                    cases=[
                        ExecutionCase(
                            id="me",
                            name="me",
                            endpoint_key="GET /me",
                            request=imported.cases[0].request.to_json(),
                            expectations=imported.cases[0].expectations.to_json(),
                        )
                    ],
                ),
                EnvironmentConfig(
                    base_url=imported.base_url,
                    variables={v["name"]: v["value"] for v in imported.variables},
                    auth=imported.auth,
                ),
                sink,
                ExecutionSettings(concurrency=1, allow_private_targets=True),
            )
        assert _verdicts(sink.results["me"]) == {"assertion: ok": True}
