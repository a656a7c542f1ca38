"""Targets that hang, reset, flood or are not allowed: a failed case, never a stuck run."""

import time
import tracemalloc

from application.testexec.execution import CaseStatus
from tests.integration.execution.support import case, run
from tests.integration.execution.target import BIG_BYTES, ServedTarget, Target


class TestMisbehavingTargets:
    def test_a_hanging_target_fails_the_case_at_its_timeout(self, target: Target) -> None:
        started = time.monotonic()
        outcome, sink = run([case("hang", "/slow?seconds=5", timeout_ms=300)], target.url)
        result = sink.result("hang")
        assert result.status == CaseStatus.FAILED
        assert result.failure_reason == "no response within 300 ms (after 1 attempt)"
        assert time.monotonic() - started < 2
        assert outcome.failed == 1

    def test_timeouts_of_different_lengths_each_fire_at_their_own_deadline_and_the_run_goes_on(
        self, target: Target
    ) -> None:
        # One watchdog keeps every timeout of a run: each request keeps its own deadline,
        # and the worker whose request timed out goes on to the next case.
        started = time.monotonic()
        outcome, sink = run(
            [
                case("short", "/slow?seconds=5", timeout_ms=200),
                case("long", "/slow?seconds=5", timeout_ms=900),
                case("after", "/echo"),
            ],
            target.url,
            concurrency=2,
        )
        assert time.monotonic() - started < 2
        assert sink.result("short").failure_reason.startswith("no response within 200 ms")
        assert sink.result("long").failure_reason.startswith("no response within 900 ms")
        assert 900 <= sink.result("long").duration_ms < 1300
        assert 200 <= sink.result("short").duration_ms < 600
        assert sink.result("after").status == CaseStatus.PASSED
        assert (outcome.passed, outcome.failed) == (1, 2)

    def test_a_reset_connection_fails_the_case(self, target: Target) -> None:
        _, sink = run([case("reset", "/reset")], target.url)
        result = sink.result("reset")
        assert result.status == CaseStatus.FAILED
        assert result.response == {}
        assert result.failure_reason.endswith("(after 1 attempt)")

    def test_a_50_mb_body_is_cut_at_the_limit_and_fails_fast(self, target: Target) -> None:
        tracemalloc.start()
        started = time.monotonic()
        try:
            _, sink = run([case("big", "/big")], target.url, max_response_bytes=1_048_576)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        result = sink.result("big")
        assert time.monotonic() - started < 5
        assert peak < 16 * 1024 * 1024
        assert result.status == CaseStatus.FAILED
        assert result.response["truncated"] is True
        assert result.response["size"] == BIG_BYTES
        assert len(result.response["body"].encode()) <= 65_536
        assert "larger than 1048576 bytes" in result.failure_reason


class TestRetries:
    def test_retries_network_errors_and_records_the_attempts(self, target: Target) -> None:
        target.flaky_failures = 2
        _, sink = run([case("flaky", "/flaky")], target.url, retries=2)
        result = sink.result("flaky")
        assert result.status == CaseStatus.PASSED, result.failure_reason
        assert result.attempts == 3
        assert target.counts["flaky"] == 3
        assert sum(1 for level, _ in sink.logs if level == "warning") == 2

    def test_gives_up_after_the_retries_and_says_how_many_attempts(self, target: Target) -> None:
        target.flaky_failures = 5
        _, sink = run([case("flaky", "/flaky")], target.url, retries=1)
        result = sink.result("flaky")
        assert result.status == CaseStatus.FAILED
        assert result.attempts == 2
        assert result.failure_reason.endswith("(after 2 attempts)")

    def test_does_not_retry_an_http_500(self, target: Target) -> None:
        _, sink = run([case("boom", "/error500")], target.url, retries=3)
        result = sink.result("boom")
        assert result.status == CaseStatus.FAILED
        assert result.attempts == 1
        assert target.counts["error500"] == 1
        assert result.failure_reason == "status: expected [200], got 500"


class TestOutboundPolicy:
    def test_refuses_loopback_when_private_targets_are_not_allowed(self, target: Target) -> None:
        _, sink = run([case("local", "/typed")], target.url, allow_private_targets=False)
        result = sink.result("local")
        assert result.status == CaseStatus.FAILED
        assert result.failure_reason.startswith(
            "the outbound policy refused the request: 127.0.0.1"
        )
        assert "loopback or private address" in result.failure_reason
        assert target.counts["typed"] == 0

    def test_sends_to_ipv6_loopback_when_private_targets_are_allowed(self) -> None:
        served = ServedTarget(host="::1")
        ipv6 = served.start()
        try:
            _, sink = run([case("v6", "/typed")], ipv6.url, allow_private_targets=True)
            assert sink.result("v6").status == CaseStatus.PASSED, sink.result("v6").failure_reason
            _, sink = run([case("v6", "/typed")], ipv6.url, allow_private_targets=False)
            assert "::1 is a loopback or private address" in sink.result("v6").failure_reason
            assert ipv6.counts["typed"] == 1
        finally:
            served.stop()

    def test_refuses_a_token_url_the_policy_forbids(self, target: Target) -> None:
        auth = {
            "type": "oauth2_client_credentials",
            "token_url": "http://169.254.169.254/token",
            "client_id": "c",
            "client_secret": "s3cr3t-value",
        }
        _, sink = run([case("meta", "/typed")], target.url, auth=auth)
        assert "cloud metadata address" in sink.result("meta").failure_reason
        assert target.counts["typed"] == 0


class TestHostileRegexes:
    def test_stops_a_regex_that_backtracks_without_end_and_fails_only_its_checks(
        self, target: Target
    ) -> None:
        # (a|aa)+! on forty a's would take hours: each search is stopped at its time limit.
        slow = "(a|aa)+!"
        cases = [
            case(
                "regexes",
                "/echo",
                method="POST",
                body_type="Raw",
                body="a" * 40,
                variables=[{"name": "x", "source": "regex", "expression": f"({slow})"}],
                x_jsonpath_checks=[{"path": "$.body", "operator": "matches", "expected": slow}],
            ),
            case("after", "/echo"),
        ]
        started = time.monotonic()
        outcome, sink = run(cases, target.url)
        assert time.monotonic() - started < 5
        result = sink.result("regexes")
        assert result.status == CaseStatus.FAILED
        assert "ran for more than 0.25 s" in result.failure_reason
        assert sink.result("after").status == CaseStatus.PASSED
        assert outcome.passed == 1
