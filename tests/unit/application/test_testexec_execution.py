"""The rows a case runs: one result per data-set row, named so that no two collide."""

import pytest

from application.testexec.execution import (
    CaseResult,
    CaseStatus,
    ExecutionCase,
    MalformedDataSetsError,
    data_rows,
    result_count,
    result_rows,
)


def a_case(data_sets: list[dict]) -> ExecutionCase:
    return ExecutionCase(
        id="c", name="c", endpoint_key="GET /x", request={}, expectations={}, data_sets=data_sets
    )


class TestDataRows:
    def test_names_each_row_by_its_set_and_index_and_skips_disabled_sets(self) -> None:
        rows = data_rows(
            [
                {"name": "users", "rows": [{"u": 1}, {"u": 2}]},
                {"name": "off", "enabled": False, "rows": [{"u": 3}]},
                {"name": "more", "rows": [{"u": 4}]},
            ]
        )
        assert rows == [("users#0", {"u": 1}), ("users#1", {"u": 2}), ("more#0", {"u": 4})]

    def test_tells_apart_two_sets_of_one_name_by_position(self) -> None:
        rows = data_rows([{"name": "s", "rows": [{}]}, {"name": "s", "rows": [{}]}])
        assert [name for name, _ in rows] == ["s#0", "s@1#0"]

    @pytest.mark.parametrize(
        "data_sets",
        [[{"name": 3, "rows": []}], [{"name": "s", "rows": [1]}], [{"name": "s", "rows": "abc"}]],
    )
    def test_refuses_sets_a_case_cannot_run(self, data_sets: list[dict]) -> None:
        with pytest.raises(MalformedDataSetsError):
            data_rows(data_sets)


class TestResultRows:
    def test_gives_one_unnamed_result_without_rows_or_with_malformed_sets(self) -> None:
        assert result_rows(a_case([])) == [None]
        assert result_rows(a_case([{"name": 1}])) == [None]
        assert result_count(a_case([{"name": "s", "rows": [{}, {}, {}]}])) == 3


class TestCaseResult:
    def test_keys_a_row_result_by_case_and_row(self) -> None:
        common = {
            "status": CaseStatus.PASSED,
            "started_at": "",
            "completed_at": "",
            "duration_ms": 0,
        }
        assert CaseResult(case_id="c", row=None, **common).key == "c"
        assert CaseResult(case_id="c", row="s#1", **common).key == "c:s#1"
