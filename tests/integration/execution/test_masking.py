"""Secrets sent through every place a request can carry them, to a real echo target: they
arrive whole, and no spelling of them reaches Redis, the logs or the results."""

import json
import uuid
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from application.testexec.execution import CaseStatus
from infrastructure.execution.encodings import spellings
from infrastructure.redis.results import RedisHotResults
from tests.integration.execution.support import case, run
from tests.integration.execution.target import Target

# Letters, unicode (accents, CJK, emoji), quotes, backslashes and URL specials.
_ALPHABET = st.sampled_from(list("aZ9 é€漢😀\"'\\/?#&+%=;:@,[]{}<>|^`~!$*()"))
SECRETS = st.text(_ALPHABET, min_size=4, max_size=24).map(lambda text: f"Qx{text}")


def _cases() -> list[Any]:
    """Every place a request carries a secret, each echoed back by the target."""
    echo_checks = {
        "x_jsonpath_checks": [{"path": "$.body", "operator": "matches", "expected": "^Qx"}],
        "x_body_contains": ["{{s}}"],
    }
    return [
        case("path", "/echo/{p}", path_params={"p": "{{s}}"}),
        case("url-path", "/echo/a/{{s}}/b"),
        case("url-query", "/echo?x={{s}}&y=1"),
        case("query", "/echo", query_params={"q": "{{s}}"}),
        case("header", "/echo", headers={"X-Secret": "{{s}}"}),
        case("json-whole", "/echo", method="POST", body_type="JSON", body={"s": "{{s}}"}),
        case(
            "json-part",
            "/echo",
            method="POST",
            body_type="JSON",
            body={"nested": ["pre {{s}} post", {"{{s}}": 1}]},
        ),
        case("form", "/echo", method="POST", body_type="UrlEncoded", body={"f": "{{s}}"}),
        case("multipart", "/echo", method="POST", body_type="FormData", body={"f": "{{s}}"}),
        case("raw", "/echo", method="POST", body_type="Raw", body="raw={{s}};", **echo_checks),
        case(
            "probe",
            "/echo",
            headers={"X-Secret": "{{s}}"},
            # An owner's attempt to read the secret a slice at a time.
            variables=[
                {"name": "slice", "source": "body", "expression": "$.headers.X-Secret"},
                {
                    "name": "regex",
                    "source": "regex",
                    "expression": '"X-Secret": "Qx(.{0,3})',
                },
            ],
            x_header_checks=[{"name": "Content-Type", "operator": "matches", "expected": "Qx"}],
        ),
    ]


def _everything_in_redis(hot: RedisHotResults, run_id: uuid.UUID, case_ids: list[str]) -> str:
    client: Any = hot._redis
    named = hot.keys.run(run_id)
    texts = [json.dumps(client.hgetall(named["results"]), default=str)]
    texts.append(json.dumps(client.hgetall(named["variables"]), default=str))
    texts.extend(str(line) for line in client.lrange(named["logs"], 0, -1))
    for case_id in case_ids:
        found = hot.execution(run_id, case_id)
        texts.append(json.dumps(found, default=str, ensure_ascii=False))
        texts.append(json.dumps(found, default=str))
    return "\n".join(texts)


def _leaks(secret: str, text: str) -> list[str]:
    return sorted(spelling for spelling in spellings(secret) if spelling in text)


class TestSecretsInEveryPlace:
    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(secret=SECRETS)
    def test_no_spelling_of_a_random_secret_is_kept_anywhere(
        self, secret: str, target: Target, hot: RedisHotResults
    ) -> None:
        run_id = uuid.uuid4()
        sink = hot.sink(run_id, uuid.uuid4(), 1, lambda: False, resuming=False)
        cases = _cases()
        try:
            _, memory = run(cases, target.url, variables={"s": secret}, secrets=[secret])
            outcome, _ = run(
                cases, target.url, sink=sink, variables={"s": secret}, secrets=[secret]
            )
            sink.close()
            stored = _everything_in_redis(hot, run_id, [c.id for c in cases])
        finally:
            hot.forget(run_id)
        for where, text in (("redis", stored), ("results", memory.everything())):
            assert _leaks(secret, text) == [], where
        header = memory.result("header")
        if header.status == CaseStatus.PASSED:
            # It arrived whole: the echo says so (and the answer is masked).
            assert json.loads(header.response["body"])["headers"]["X-Secret"] == "***"
        for place in ("path", "url-path", "url-query", "query", "form", "json-whole"):
            result = memory.result(place)
            assert result.status == CaseStatus.PASSED, (place, result.failure_reason)
        echoed = json.loads(memory.result("query").response["body"])
        assert echoed["query"] == {"q": "***"}
        echoed = json.loads(memory.result("url-query").response["body"])
        assert echoed["query"] == {"x": "***", "y": "1"}
        assert json.loads(memory.result("path").response["body"])["path"] == "/echo/***"
        probe = memory.result("probe")
        assert probe.extracted == {"slice": "***"}, probe.extracted  # the regex finds no "Qx"
        assert outcome.passed + outcome.failed == len(cases)


class TestProbing:
    def test_a_regex_cannot_tell_one_first_letter_of_a_secret_from_another(
        self, target: Target
    ) -> None:
        secret = "k3y-of-the-vault"
        guesses = [
            case(
                f"guess-{letter}",
                "/echo",
                headers={"X-Secret": "{{s}}"},
                x_jsonpath_checks=[
                    {"path": "$.headers.X-Secret", "operator": "matches", "expected": f"^{letter}"}
                ],
                variables=[{"name": f"v{letter}", "source": "regex", "expression": "(k3)"}],
            )
            for letter in "jkl"
        ]
        _, sink = run(guesses, target.url, variables={"s": secret}, secrets=[secret])
        assert {r.status for r in sink.results} == {CaseStatus.FAILED}
        assert all(r.extracted == {} for r in sink.results)
        assert "k3y" not in sink.everything()

    def test_a_check_that_expects_the_secret_itself_still_passes(self, target: Target) -> None:
        secret = 'a"b\\c é?#'
        checked = case(
            "check",
            "/echo",
            headers={"X-Secret": "{{s}}"},
            x_jsonpath_checks=[
                {"path": "$.headers.X-Secret", "operator": "equals", "expected": "{{s}}"}
            ],
        )
        _, sink = run([checked], target.url, variables={"s": secret}, secrets=[secret])
        result = sink.result("check")
        assert result.status == CaseStatus.PASSED, result.failure_reason
