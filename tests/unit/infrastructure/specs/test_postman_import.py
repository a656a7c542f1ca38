"""A collection read into cases: requests, bodies, auth, variables, order and the report."""

from typing import Any

import pytest

from domain.specifications.errors import SpecParseError
from domain.testing.values import BodyType
from infrastructure.specs.postman_import import import_collection

V21 = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"


def a_collection(*items: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"info": {"name": "C", "schema": V21}, "item": list(items), **extra}


def a_request(name: str, url: Any, method: str = "GET", **request: Any) -> dict[str, Any]:
    return {"name": name, "request": {"method": method, "url": url, **request}}


class TestRequests:
    def test_one_case_per_request_in_order_repeats_kept(self) -> None:
        imported = import_collection(
            a_collection(
                a_request("first", "{{baseUrl}}/x?a=1"),
                {"name": "F", "item": [a_request("second", "{{baseUrl}}/x?a=2")]},
                a_request("third", "{{baseUrl}}/x"),
            )
        )
        assert [(c.name, c.request.query_params, c.tags) for c in imported.cases] == [
            ("first", {"a": "1"}, []),
            ("second", {"a": "2"}, ["F"]),
            ("third", {}, []),
        ]
        assert imported.report.requests == 3

    def test_disabled_query_and_headers_are_off_and_path_variables_are_parameters(self) -> None:
        url = {
            "raw": "{{baseUrl}}/users/:id?a=1&b=2",
            "host": ["{{baseUrl}}"],
            "path": ["users", ":id"],
            "query": [{"key": "a", "value": "1"}, {"key": "b", "value": "2", "disabled": True}],
            "variable": [{"key": "id", "value": "42"}],
        }
        headers = [{"key": "X-On", "value": "1"}, {"key": "X-Off", "value": "0", "disabled": True}]
        [case] = import_collection(a_collection(a_request("r", url, header=headers))).cases
        assert (case.request.url, case.request.path_params) == (
            "{{baseUrl}}/users/{id}",
            {"id": "42"},
        )
        assert case.request.query_params == {"a": "1"}
        assert case.request.headers == {"X-On": "1"}

    @pytest.mark.parametrize("raw", ["", "   \n"])
    def test_an_empty_raw_body_is_no_body(self, raw: str) -> None:
        body = {"mode": "raw", "raw": raw, "options": {"raw": {"language": "json"}}}
        [case] = import_collection(a_collection(a_request("r", "/x", "POST", body=body))).cases
        assert (case.request.body_type, case.request.body) == (BodyType.None_, None)
        assert "Content-Type" not in case.request.headers

    def test_a_raw_json_body_is_sent_as_written_with_its_type(self) -> None:
        body = {"mode": "raw", "raw": '{"id": {{id}}}', "options": {"raw": {"language": "json"}}}
        [case] = import_collection(a_collection(a_request("r", "/x", "POST", body=body))).cases
        assert (case.request.body_type, case.request.body) == (BodyType.Raw, '{"id": {{id}}}')
        assert case.request.headers["Content-Type"] == "application/json"

    def test_a_v1_collection_is_refused(self) -> None:
        with pytest.raises(SpecParseError):
            import_collection({"requests": [], "order": []})


class TestAuthAndVariables:
    def test_auth_is_inherited_through_folders_and_noauth_removes_it(self) -> None:
        bearer = {"type": "bearer", "bearer": [{"key": "token", "value": "{{token}}"}]}
        imported = import_collection(
            a_collection(
                {
                    "name": "F",
                    "item": [
                        a_request("inherits", "/a"),
                        a_request("none", "/b", auth={"type": "noauth"}),
                    ],
                },
                a_request(
                    "api key",
                    "/c",
                    auth={
                        "type": "apikey",
                        "apikey": [
                            {"key": "key", "value": "k"},
                            {"key": "value", "value": "{{key}}"},
                            {"key": "in", "value": "query"},
                        ],
                    },
                ),
                auth=bearer,
                variable=[{"key": "key", "value": "k-1"}],
            )
        )
        inherits, none, keyed = imported.cases
        assert inherits.request.headers == {"Authorization": "Bearer {{token}}"}
        assert none.request.headers == {}
        assert keyed.request.query_params == {"k": "{{key}}"}
        # A variable an auth object reads is a secret (token is set at run time, by a login).
        assert imported.report.secrets == ["key"]

    def test_a_literal_credential_becomes_a_secret_variable(self) -> None:
        auth = {
            "type": "basic",
            "basic": [{"key": "username", "value": "ada"}, {"key": "password", "value": "pw"}],
        }
        imported = import_collection(a_collection(a_request("r", "/x", auth=auth)))
        [case] = imported.cases
        assert case.request.headers == {"Authorization": "Basic {{postman_basic_1}}"}
        assert imported.variables == [
            {"name": "postman_basic_1", "value": "YWRhOnB3", "secret": True}
        ]

    def test_variables_take_postmans_precedence(self) -> None:
        imported = import_collection(
            a_collection(
                a_request("r", "/x"),
                variable=[{"key": "a", "value": "collection"}, {"key": "b", "value": "collection"}],
            ),
            environment={"values": [{"key": "a", "value": "environment", "enabled": True}]},
            globals_={"values": [{"key": "a", "value": "global"}, {"key": "c", "value": "global"}]},
        )
        assert {v["name"]: v["value"] for v in imported.variables} == {
            "a": "environment",
            "b": "collection",
            "c": "global",
        }


class TestScripts:
    def test_setters_chain_cases_and_untranslated_lines_are_reported(self) -> None:
        login = a_request("login", "/login", "POST")
        login["event"] = [
            {
                "listen": "test",
                "script": {
                    "exec": [
                        'pm.test("ok", () => pm.response.to.be.ok);',
                        'pm.environment.set("token", pm.response.json().token);',
                        "pm.sendRequest('/other');",
                    ]
                },
            }
        ]
        me = a_request("me", "/me", header=[{"key": "Authorization", "value": "Bearer {{token}}"}])
        imported = import_collection(a_collection(login, me))
        first, second = imported.cases
        assert [v.expression for v in first.variables] == ["$.token"]
        assert second.depends_on == [first.key]
        assert "partially-imported" in first.tags
        assert [(u.request, u.line) for u in imported.report.untranslated] == [("login", 3)]
        assert (imported.report.assertions, imported.report.assertions_translated) == (1, 1)

    def test_a_variable_set_by_a_sandbox_script_makes_a_dependency(self) -> None:
        lister = a_request("list", "/users")
        lister["event"] = [
            {
                "listen": "test",
                "script": {
                    "exec": [
                        "const ada = _.find(pm.response.json(), u => u.name === 'Ada');",
                        'pm.environment.set("adaId", ada.id);',
                    ]
                },
            }
        ]
        show = a_request("show", "/users/{{adaId}}")
        first, second = import_collection(a_collection(lister, show)).cases
        assert second.depends_on == [first.key]
        assert first.variables == []  # the sandbox sets it
        assert first.expectations.scripts and "_.find" in first.expectations.scripts[0]

    def test_scripts_too_long_for_the_sandbox_are_not_run_and_said_so(self) -> None:
        item = a_request("big", "/big")
        filler = "x" * 250_000
        item["event"] = [
            {
                "listen": "test",
                "script": {
                    "exec": [
                        f'var filler = "{filler}";',
                        '_.each([1], function (n) { tests["n"] = n === 1; });',
                        'tests["Listed"] = filler.length > 0 || true;',
                    ]
                },
            }
        ]
        imported = import_collection(a_collection(item))
        (case,) = imported.cases
        assert case.expectations.scripts == []
        assert [a.name for a in case.expectations.assertions if not a.translated] == ["n", "Listed"]
        assert any("longer than" in warning for warning in imported.report.warnings)
