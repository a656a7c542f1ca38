"""The names `testament run` gives each testcase of its JUnit report."""

from xml.etree import ElementTree

from interfaces.cli.run import junit, report_names


def _case(case_id: str, name: str, key: str = "", **request: str) -> dict[str, object]:
    return {
        "id": case_id,
        "name": name,
        "endpoint_key": key,
        "test_type": "Negative",
        "request": request,
    }


CASES = [
    _case("a1b2c3d4-0001", "Missing field: a required field is missing", "POST /pets"),
    _case("a1b2c3d4-0002", "Missing field: a required field is missing", "POST /orders"),
    _case("f0f0f0f0-0003", "Unknown id", "GET /pets/{petId}"),
    _case("f0f0f0f0-0004", "Unknown id", "GET /pets/{petId}"),
    _case("0000aaaa-0005", "by hand", method="delete", url="/pets/7"),
]


class TestTestcaseNames:
    def test_say_the_method_and_path_each_case_tested(self) -> None:
        names = report_names(CASES)

        assert names["a1b2c3d4-0001"] == "POST /pets: Missing field: a required field is missing"
        assert names["a1b2c3d4-0002"] == "POST /orders: Missing field: a required field is missing"
        assert names["0000aaaa-0005"] == "DELETE /pets/7: by hand"

    def test_tell_apart_cases_of_one_operation_with_the_same_name(self) -> None:
        names = report_names(CASES)

        assert names["f0f0f0f0-0003"] == "GET /pets/{petId}: Unknown id (Negative f0f0f0f0-0003)"
        assert len(set(names.values())) == len(CASES)

    def test_junit_names_every_testcase_once(self) -> None:
        results = [{"case_id": case["id"], "status": "Passed", "durationMs": 1} for case in CASES]
        summary = {"run_number": 1, "suite_id": "s", "duration_ms": 5}

        tree = ElementTree.fromstring(junit(summary, results, report_names(CASES)))

        written = [case.get("name") for case in tree.findall("testcase")]
        assert len(written) == len(set(written)) == len(CASES)
