"""The conformance bench counts a schema-valid request refused for a rule no schema can state
apart from one refused for a form the document failed to state."""

import json
from pathlib import Path
from typing import Any

from bench.openapi_conformance import _failures


def _scenario(label: str, check: str, status: int, answer: dict[str, Any]) -> str:
    interaction = {
        "request": {"method": "POST", "uri": "http://127.0.0.1/x", "body": "{}"},
        "response": {"status_code": status, "content": json.dumps(answer)},
    }
    recorder = {
        "label": label,
        "checks": {"c1": [{"name": check, "status": "failure"}]},
        "interactions": {"c1": interaction},
    }
    return json.dumps({"ScenarioFinished": {"recorder": recorder}})


class TestFailures:
    def test_count_a_refusal_beyond_schema_apart_from_a_validation_refusal(
        self, tmp_path: Path
    ) -> None:
        report = tmp_path / "report.ndjson"
        report.write_text(
            "\n".join(
                [
                    _scenario(
                        "POST /a",
                        "positive_data_acceptance",
                        422,
                        {"type": "/problems/fetch-refused"},
                    ),
                    _scenario(
                        "POST /b",
                        "positive_data_acceptance",
                        422,
                        {"type": "/problems/inconsistent-values"},
                    ),
                    _scenario(
                        "POST /c", "positive_data_acceptance", 422, {"type": "/problems/validation"}
                    ),
                    _scenario(
                        "POST /d", "not_a_server_error", 500, {"type": "/problems/fetch-refused"}
                    ),
                ]
            )
        )

        found = {(f.check, f.operation) for f in _failures(report)}

        assert found == {
            ("refused_beyond_schema", "POST /a"),
            ("refused_beyond_schema", "POST /b"),
            ("positive_data_acceptance", "POST /c"),
            ("not_a_server_error", "POST /d"),
        }
