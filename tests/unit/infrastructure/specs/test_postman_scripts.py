"""The translation of Postman scripts into named assertions and extractions."""

from typing import Any

import pytest

from infrastructure.specs.postman_scripts import translate_prerequest, translate_tests


def _conditions(source: str) -> list[tuple[Any, ...]]:
    found = translate_tests(source)
    assert len(found.assertions) == 1 and found.assertions[0].translated, found.untranslated
    return [
        (c.subject.value, c.operator.value, c.target, c.expected, c.negate)
        for c in found.assertions[0].conditions
    ]


class TestPmTest:
    @pytest.mark.parametrize(
        ("line", "expected"),
        [
            ("pm.response.to.have.status(201);", ("status", "equals", "", 201, False)),
            ("pm.response.to.be.ok;", ("status", "equals", "", 200, False)),
            ("pm.response.to.not.be.ok;", ("status", "equals", "", 200, True)),
            ("pm.expect(pm.response.code).to.eql(422);", ("status", "equals", "", 422, False)),
            (
                "pm.expect(pm.response.code).to.be.oneOf([200, 201]);",
                ("status", "one_of", "", [200, 201], False),
            ),
            (
                'pm.response.to.have.header("Location");',
                ("header", "exists", "Location", None, False),
            ),
            ('pm.response.to.have.header("X-A", "1");', ("header", "equals", "X-A", "1", False)),
            (
                "pm.expect(pm.response.responseTime).to.be.below(900);",
                ("time", "lt", "", 900, False),
            ),
            (
                'pm.expect(pm.response.text()).to.include("ok");',
                ("body", "contains", "", "ok", False),
            ),
            (
                'pm.expect(pm.response.json().a.b).to.equal("x");',
                ("json", "equals", "$.a.b", "x", False),
            ),
            (
                'pm.expect(pm.response.json().tags).to.include("m");',
                ("json", "contains", "$.tags", "m", False),
            ),
            (
                'pm.expect(pm.response.json()).to.have.property("id");',
                ("json", "has_key", "$", "id", False),
            ),
            (
                'pm.expect(pm.response.json().n).to.be.a("string");',
                ("json", "type", "$.n", "string", False),
            ),
            (
                'pm.expect(pm.response.json().l).to.be.an("array");',
                ("json", "type", "$.l", "array", False),
            ),
            (
                "pm.expect(pm.response.json().l).to.have.lengthOf(2);",
                ("json", "length", "$.l", 2, False),
            ),
            ("pm.expect(pm.response.json().n).to.be.above(3);", ("json", "gt", "$.n", 3, False)),
            ("pm.expect(pm.response.json().n).to.be.below(3);", ("json", "lt", "$.n", 3, False)),
            (
                "pm.expect(pm.response.json().n).to.be.at.least(3);",
                ("json", "gte", "$.n", 3, False),
            ),
            ("pm.expect(pm.response.json().n).to.be.at.most(3);", ("json", "lte", "$.n", 3, False)),
            (
                "pm.expect(pm.response.json().e).to.match(/@x\\.com$/i);",
                ("json", "matches", "$.e", "/@x\\.com$/i", False),
            ),
            (
                "pm.expect(pm.response.json().l.length).to.be.above(1);",
                ("json", "exists", "$.l[1]", None, False),
            ),
            (
                'pm.expect(pm.response.json().id).to.eql(pm.environment.get("uid"));',
                ("json", "equals", "$.id", "{{uid}}", False),
            ),
        ],
    )
    def test_translates_each_form_into_one_condition(
        self, line: str, expected: tuple[Any, ...]
    ) -> None:
        assert _conditions(f'pm.test("t", function () {{ {line} }});') == [expected]

    def test_chains_joined_by_and_and_the_response_as_a_subject(self) -> None:
        found = translate_tests(
            'pm.test("a", () => { pm.expect(pm.response).to.have.status(201); });\n'
            'pm.test("b", () => { pm.expect(pm.response.json().n).to.be.a("string").and.not.be.empty; });\n'
            'pm.test("c", () => { pm.response.to.have.jsonBody("data.id"); pm.response.to.be.withBody; });'
        )
        assert [
            [
                (c.subject.value, c.operator.value, c.target, c.expected, c.negate)
                for c in a.conditions
            ]
            for a in found.assertions
        ] == [
            [("status", "equals", "", 201, False)],
            [("json", "type", "$.n", "string", False), ("json", "length", "$.n", 0, True)],
            [("json", "exists", "$.data.id", None, False), ("body", "length", "", 0, True)],
        ]

    def test_a_truthy_value_is_there_and_not_null_false_zero_or_empty(self) -> None:
        found = translate_tests(
            'pm.test("t", () => { pm.expect(pm.response.json().token).to.be.ok; });'
        )
        assert [
            (c.operator.value, c.expected, c.negate) for c in found.assertions[0].conditions
        ] == [
            ("not_null", None, False),
            ("equals", False, True),
            ("equals", 0, True),
            ("equals", "", True),
        ]

    def test_keeps_the_json_alias_and_one_assertion_per_test(self) -> None:
        found = translate_tests(
            "var jsonData = pm.response.json();\n"
            'pm.test("one", () => { pm.expect(jsonData.x).to.eql(1); pm.expect(jsonData.y).to.eql(2); });\n'
            'pm.test("two", () => pm.response.to.be.success);'
        )
        assert [a.name for a in found.assertions] == ["one", "two"]
        assert [c.target for c in found.assertions[0].conditions] == ["$.x", "$.y"]
        assert found.untranslated == []

    def test_json_schema_and_tv4_become_schema_checks(self) -> None:
        found = translate_tests(
            'const schema = { type: "object", required: ["id"] };\n'
            'pm.test("a", function () { pm.response.to.have.jsonSchema(schema); });\n'
            'pm.test("b", function () { pm.expect(tv4.validate(pm.response.json(), schema)).to.be.true; });'
        )
        for assertion in found.assertions:
            assert assertion.conditions[0].subject.value == "schema"
            assert assertion.conditions[0].expected == {"type": "object", "required": ["id"]}

    def test_keeps_an_untranslatable_test_whole_and_lists_it(self) -> None:
        found = translate_tests(
            'pm.test("loop", function () { _.each(pm.response.json().a, function (x) { pm.expect(x).to.be.ok; }); });'
        )
        assert not found.assertions[0].translated
        assert "_.each" in found.assertions[0].source
        assert found.untranslated and found.untranslated[0][0] == 1


class TestLegacy:
    @pytest.mark.parametrize(
        ("expression", "expected"),
        [
            ("responseCode.code === 200", ("status", "equals", "", 200, False)),
            ('responseBody.has("token")', ("body", "contains", "", "token", False)),
            ('data.hasOwnProperty("x")', ("json", "has_key", "$", "x", False)),
            ('data.x === "v"', ("json", "equals", "$.x", "v", False)),
            ('typeof data.x === "string"', ("json", "type", "$.x", "string", False)),
            ("Array.isArray(data.x)", ("json", "type", "$.x", "array", False)),
            ("data.x.length > 2", ("json", "exists", "$.x[2]", None, False)),
            ("responseTime < 500", ("time", "lt", "", 500, False)),
            ('postman.getResponseHeader("X-A") === "1"', ("header", "equals", "X-A", "1", False)),
        ],
    )
    def test_translates_each_legacy_expression(
        self, expression: str, expected: tuple[Any, ...]
    ) -> None:
        source = f'var data = JSON.parse(responseBody);\ntests["t"] = {expression};'
        assert _conditions(source) == [expected]

    def test_a_translatable_if_becomes_a_guard(self) -> None:
        found = translate_tests(
            'if (responseCode.code === 200) {\n  var data = JSON.parse(responseBody);\n  tests["id"] = data.id === 5;\n}'
        )
        assertion = found.assertions[0]
        assert [(g.subject.value, g.expected) for g in assertion.guards] == [("status", 200)]
        assert assertion.conditions[0].target == "$.id"


class TestSetters:
    def test_setters_become_extractions_from_body_and_headers(self) -> None:
        found = translate_tests(
            'var d = pm.response.json();\npm.environment.set("token", d.token);\n'
            'pm.globals.set("g", d.a[0].b);\npm.collectionVariables.set("loc", pm.response.headers.get("Location"));\n'
            'postman.setEnvironmentVariable("uid", JSON.parse(responseBody).id);\n'
            'postman.setGlobalVariable("code", responseCode.code);'
        )
        assert [(e.name, e.source, e.expression) for e in found.extractions] == [
            ("token", "body", "$.token"),
            ("g", "body", "$.a[0].b"),
            ("loc", "header", "Location"),
            ("uid", "body", "$.id"),
            ("code", "status", ""),
        ]

    def test_a_prerequest_script_of_constants_and_dynamic_variables_is_translated(self) -> None:
        found = translate_prerequest(
            'pm.environment.set("tag", "dragons");\n'
            'pm.variables.set("rid", pm.variables.replaceIn("{{$guid}}"));\n'
            "pm.sendRequest('http://x', function () {});"
        )
        assert found.constants == {"tag": "dragons", "rid": "{{$guid}}"}
        assert [line for line, _ in found.untranslated] == [3]


class TestSandboxResidual:
    def test_untranslatable_statements_go_to_the_sandbox_with_the_declarations_before_them(
        self,
    ) -> None:
        found = translate_tests(
            "var data = pm.response.json();\n"
            'pm.test("Status", () => pm.response.to.have.status(200));\n'
            "_.each(data.items, function (item) {\n"
            '    pm.test("Item " + item.id, () => pm.expect(item.id).to.be.above(0));\n'
            "});\n"
            'tests["Either"] = data.a === 1 || data.b === 2;'
        )
        assert [(a.name, a.translated) for a in found.assertions] == [
            ("Status", True),
            ("Either", False),  # the loop's tests are named when they run
        ]
        assert len(found.scripts) == 1
        script = found.scripts[0]
        assert script.startswith("var data = pm.response.json();")
        assert "_.each(data.items" in script and "||" in script
        assert 'pm.test("Status"' not in script  # translated: judged natively, once
        assert [line for line, _ in found.untranslated] == [3, 6]

    def test_an_if_with_an_else_runs_whole_in_the_sandbox_with_its_setters(self) -> None:
        found = translate_tests(
            "var body = pm.response.json();\n"
            "if (pm.response.code === 200) {\n"
            '    pm.environment.set("token", body.token);\n'
            '    tests["Token"] = true;\n'
            "} else {\n"
            '    tests["Token"] = false;\n'
            "}"
        )
        assert found.extractions == []  # the sandbox sets it, not an extraction
        assert [(a.name, a.translated) for a in found.assertions] == [("Token", False)]
        assert found.script_sets == ["token"]
        assert "} else {" in found.scripts[0]

    def test_a_test_that_cannot_be_translated_undoes_what_it_half_translated(self) -> None:
        found = translate_tests(
            'pm.test("Half", function () {\n'
            "    pm.response.to.have.status(200);\n"
            '    pm.environment.set("id", pm.response.json().id);\n'
            "    pm.response.json().list.forEach(x => pm.expect(x).to.be.a('number'));\n"
            "});"
        )
        assert [(a.name, a.translated) for a in found.assertions] == [("Half", False)]
        assert found.extractions == []
        assert found.script_sets == ["id"]

    def test_a_script_the_translator_understands_needs_no_sandbox(self) -> None:
        found = translate_tests(
            'var d = pm.response.json();\npm.test("Id", () => pm.expect(d.id).to.eql(1));'
        )
        assert found.scripts == []

    def test_variables_a_residual_reads_are_listed_for_the_dependencies(self) -> None:
        found = translate_tests(
            'tests["Mine"] = pm.environment.get("owner") === "ada" || "{{fallback}}" === "x";'
        )
        assert found.script_reads == ["owner", "fallback"]
