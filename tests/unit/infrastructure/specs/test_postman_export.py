"""Cases written back as a Postman collection v2.1."""

from typing import Any

import pytest

from infrastructure.specs.postman_export import condition_js, export_collection


def a_case(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "get pet",
        "request": {
            "method": "GET",
            "url": "/pets/{petId}",
            "headers": {"Accept": "application/json"},
            "path_params": {"petId": "{{petId}}"},
            "query_params": {"full": "1"},
            "body_type": "None",
            "body": None,
        },
        "expectations": {
            "expected_status": [200],
            "jsonpath_checks": [{"path": "$.id", "operator": "equals", "expected": "{{petId}}"}],
        },
        "variables": [
            {
                "name": "owner",
                "source": "body",
                "expression": "$.owner.id",
                "default": None,
                "header_name": None,
            }
        ],
        **overrides,
    }


class TestConditions:
    @pytest.mark.parametrize(
        ("condition", "script"),
        [
            (
                {"subject": "status", "operator": "one_of", "expected": [200, 201]},
                "pm.expect(pm.response.code).to.be.oneOf([200, 201])",
            ),
            (
                {"subject": "header", "operator": "exists", "target": "Location"},
                'pm.expect(pm.response.headers.get("Location")).to.not.be.undefined',
            ),
            (
                {"subject": "json", "operator": "equals", "target": "$.a[0].b", "expected": 1},
                'pm.expect(_.get(pm.response.json(), ["a", 0, "b"])).to.eql(1)',
            ),
            (
                {"subject": "json", "operator": "equals", "target": "$.id", "expected": "{{id}}"},
                'pm.expect(_.get(pm.response.json(), ["id"])).to.eql(pm.variables.get("id"))',
            ),
            (
                {"subject": "json", "operator": "gte", "target": "$.n", "expected": 2},
                'pm.expect(_.get(pm.response.json(), ["n"])).to.be.at.least(2)',
            ),
            (
                {
                    "subject": "json",
                    "operator": "contains",
                    "target": "$.t",
                    "expected": "x",
                    "negate": True,
                },
                'pm.expect(_.get(pm.response.json(), ["t"])).to.not.include("x")',
            ),
            (
                {"subject": "json", "operator": "matches", "target": "$.e", "expected": "^a/b$"},
                'pm.expect(_.get(pm.response.json(), ["e"])).to.match(/^a\\/b$/)',
            ),
            (
                {"subject": "time", "operator": "lt", "expected": 500},
                "pm.expect(pm.response.responseTime).to.be.below(500)",
            ),
            (
                {"subject": "schema", "operator": "valid", "expected": {"type": "object"}},
                'pm.response.to.have.jsonSchema({"type": "object"})',
            ),
        ],
    )
    def test_writes_each_condition_as_chai(self, condition: dict[str, Any], script: str) -> None:
        assert condition_js(condition) == script

    def test_a_path_with_a_wildcard_cannot_be_written(self) -> None:
        assert condition_js({"subject": "json", "operator": "exists", "target": "$..id"}) is None


class TestCollection:
    def test_writes_requests_checks_and_setters(self) -> None:
        collection = export_collection("Pets", "", [a_case()])
        assert collection["info"]["schema"].endswith("/collection/v2.1.0/collection.json")
        [item] = collection["item"]
        assert item["request"]["url"] == "{{baseUrl}}/pets/{{petId}}?full=1"
        assert item["request"]["header"] == [{"key": "Accept", "value": "application/json"}]
        script = item["event"][0]["script"]["exec"]
        assert 'pm.test("status is 200", function () {' in script
        assert "    pm.expect(pm.response.code).to.be.oneOf([200]);" in script
        assert 'pm.environment.set("owner", _.get(pm.response.json(), ["owner", "id"]));' in script

    def test_an_untranslated_test_goes_back_as_written_and_guards_stay(self) -> None:
        expectations = {
            "expected_status": [],
            "any_status": True,
            "assertions": [
                {
                    "name": "loop",
                    "translated": False,
                    "source": "_.each(a, f);",
                    "conditions": [],
                    "guards": [],
                },
                {
                    "name": "guarded",
                    "conditions": [{"subject": "json", "operator": "exists", "target": "$.id"}],
                    "guards": [{"subject": "status", "operator": "equals", "expected": 200}],
                },
            ],
        }
        [item] = export_collection("C", "", [a_case(expectations=expectations, variables=[])])[
            "item"
        ]
        script = item["event"][0]["script"]["exec"]
        assert script[0] == "_.each(a, f);"
        assert script[1].startswith(
            "if ((function () { try { pm.expect(pm.response.code).to.eql(200)"
        )
        assert not any(line.startswith('pm.test("status') for line in script)

    def test_a_json_body_is_raw_json(self) -> None:
        request = {**a_case()["request"], "method": "POST", "body_type": "JSON", "body": {"a": 1}}
        [item] = export_collection("C", "", [a_case(request=request)])["item"]
        assert item["request"]["body"]["options"] == {"raw": {"language": "json"}}
