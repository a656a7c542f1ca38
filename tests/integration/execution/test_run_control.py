"""Cancellation, resumption and concurrency of a run."""

import asyncio
import threading

from application.testexec.execution import CaseResult, CaseStatus
from tests.integration.execution.support import MemorySink, case, run
from tests.integration.execution.target import Target


def _previous(
    case_id: str, status: CaseStatus, extracted: dict[str, str] | None = None
) -> CaseResult:
    return CaseResult(
        case_id=case_id,
        row=None,
        status=status,
        started_at="2026-01-01T00:00:00.000+00:00",
        completed_at="2026-01-01T00:00:00.010+00:00",
        duration_ms=10,
        extracted=extracted or {},
    )


class TestCancellation:
    def test_stops_starting_cases_once_cancelled(self, target: Target) -> None:
        cases = [case(f"c{i}", f"/counted/c{i}") for i in range(10)]
        sink = MemorySink(cancel_after=2)
        outcome, _ = run(cases, target.url, sink=sink, concurrency=1)
        assert [r.case_id for r in sink.results] == ["c0", "c1"]
        assert outcome.cancelled is True
        assert outcome.passed == 2
        assert sum(target.counts[f"counted:c{i}"] for i in range(10)) == 2


class TestResume:
    def test_does_not_send_again_what_an_earlier_attempt_recorded(self, target: Target) -> None:
        cases = [
            case(f"c{i}", f"/counted/c{i}", depends_on=[f"c{i - 1}"] if i else []) for i in range(5)
        ]
        cases[3] = case("c3", "/counted/{{name}}", depends_on=["c2"])
        previous = {
            "c0": _previous("c0", CaseStatus.PASSED),
            "c1": _previous("c1", CaseStatus.PASSED),
            "c2": _previous("c2", CaseStatus.PASSED, {"name": "from-c2"}),
        }
        sink = MemorySink(previous=previous)
        outcome, _ = run(cases, target.url, sink=sink)
        assert [r.case_id for r in sink.results] == ["c3", "c4"]
        assert sink.asked == ["c0", "c1", "c2", "c3", "c4"]
        assert [target.counts[f"counted:c{i}"] for i in range(5)] == [0, 0, 0, 0, 1]
        assert target.counts["counted:from-c2"] == 1
        assert (outcome.passed, outcome.failed) == (5, 0)

    def test_skips_after_a_dependency_that_had_failed_before(self, target: Target) -> None:
        cases = [case("a", "/counted/a"), case("b", "/counted/b", depends_on=["a"])]
        sink = MemorySink(previous={"a": _previous("a", CaseStatus.FAILED)})
        outcome, _ = run(cases, target.url, sink=sink)
        assert sink.result("b").status == CaseStatus.SKIPPED
        assert target.counts["counted:a"] + target.counts["counted:b"] == 0
        assert (outcome.failed, outcome.skipped) == (1, 1)


class TestConcurrency:
    def test_overlaps_independent_cases_but_not_a_chain(self, target: Target) -> None:
        cases = [
            case("free1", "/slow?seconds=0.3&name=free1"),
            case("free2", "/slow?seconds=0.3&name=free2"),
            case("chain1", "/slow?seconds=0.2&name=chain1"),
            case("chain2", "/slow?seconds=0.2&name=chain2", depends_on=["chain1"]),
        ]
        outcome, sink = run(cases, target.url, concurrency=4)
        assert outcome.passed == 4, [r.failure_reason for r in sink.results]
        free1, free2 = target.spans["free1"], target.spans["free2"]
        assert free1[0] < free2[1] and free2[0] < free1[1]
        assert target.spans["chain1"][1] <= target.spans["chain2"][0]

    def test_lets_independent_cases_pass_a_waiting_chain(self, target: Target) -> None:
        cases = [
            case("head", "/slow?seconds=0.3&name=head"),
            case("tail", "/slow?seconds=0.1&name=tail", depends_on=["head"]),
            case("free", "/slow?seconds=0.3&name=free"),
        ]
        outcome, _ = run(cases, target.url, concurrency=2)
        assert outcome.passed == 3
        head, tail, free = (target.spans[name] for name in ("head", "tail", "free"))
        assert free[0] < head[1], "the independent case waited for the chain"
        assert head[1] <= tail[0]

    def test_runs_from_inside_a_running_event_loop(self, target: Target) -> None:
        async def inside() -> int:
            outcome, _ = run([case("x", "/typed")], target.url)
            return outcome.passed

        assert asyncio.run(inside()) == 1

    def test_keeps_the_sink_calls_on_the_calling_thread(self, target: Target) -> None:
        threads: set[int] = set()

        class ThreadSink(MemorySink):
            def record(self, result: CaseResult, variables: dict[str, str]) -> None:
                threads.add(threading.get_ident())
                super().record(result, variables)

        run([case(f"c{i}", "/typed") for i in range(5)], target.url, sink=ThreadSink())
        assert threads == {threading.get_ident()}
