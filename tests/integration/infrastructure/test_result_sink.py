"""The Redis sink of runs: the seed's keys, batched writes, each result counted once."""

import dataclasses
import json
import time
import uuid

import redis

from application.testexec.execution import CaseResult, CaseStatus, Validation
from infrastructure.redis.results import RedisHotResults


def a_result(
    case_id: str, status: CaseStatus = CaseStatus.PASSED, row: str | None = None
) -> CaseResult:
    return CaseResult(
        case_id=case_id,
        row=row,
        status=status,
        started_at="2026-11-22T00:00:00+00:00",
        completed_at="2026-11-22T00:00:01+00:00",
        duration_ms=12,
        request={
            "method": "GET",
            "url": "http://api.test/pets/1",
            "headers": {"Authorization": "***"},
        },
        response={
            "status": 200,
            "headers": {"content-type": "application/json"},
            "body": '{"id": 1}',
        },
        response_time_ms=11,
        validations=[Validation(check="status", passed=True, expected=[200], actual=200)],
        extracted={"petId": "1"},
    )


class TestRedisResultSink:
    def test_writes_every_result_under_the_seeds_keys_with_the_retention_ttl(
        self, hot: RedisHotResults, servers: object
    ) -> None:
        run_id, owner = uuid.uuid4(), uuid.uuid4()
        hot.mark_started(run_id, owner, "2026-11-22T00:00:00+00:00", 120, 5)
        sink = hot.sink(run_id, owner, 5, lambda: False, resuming=False)
        for index in range(120):
            status = CaseStatus.FAILED if index % 10 == 0 else CaseStatus.PASSED
            sink.record(a_result(f"case-{index}", status), {"petId": str(index)})
        sink.log("INFO", "done")
        sink.close()
        client = redis.Redis.from_url(servers.redis_url, decode_responses=True)  # type: ignore[attr-defined]
        try:
            assert hot.counts(run_id) == {"passed": 108, "failed": 12, "skipped": 0}
            stored = client.hgetall(hot.keys.execution(run_id, "case-7"))
            assert stored["status"] == "Passed" and stored["requestMethod"] == "GET"
            assert json.loads(stored["validations"])[0]["check"] == "status"
            assert client.hget(hot.keys.run(run_id)["variables"], "petId") == "119"
            assert json.loads(client.lindex(hot.keys.run(run_id)["logs"], -1))["message"] == "done"
            for key in (
                hot.keys.run(run_id)["results"],
                hot.keys.execution(run_id, "case-0"),
                hot.keys.run(run_id)["logs"],
            ):
                assert 4 * 86400 < client.ttl(key) <= 5 * 86400
            assert str(run_id) in client.zrange(hot.keys.recent_runs(owner), 0, -1)
        finally:
            hot.forget(run_id)
            client.close()

    def test_counts_a_result_recorded_twice_once(self, hot: RedisHotResults) -> None:
        run_id = uuid.uuid4()
        first = hot.sink(run_id, uuid.uuid4(), 1, lambda: False, resuming=False)
        first.record(a_result("case-1"), {})
        first.close()
        # A resumed attempt records the same case again (its result was lost in flight).
        second = hot.sink(run_id, uuid.uuid4(), 1, lambda: False, resuming=True)
        assert second.previous_result("case-1") is not None
        second.record(a_result("case-1", CaseStatus.FAILED), {})
        second.close()
        try:
            assert hot.counts(run_id) == {"passed": 1, "failed": 0, "skipped": 0}
        finally:
            hot.forget(run_id)

    def test_reads_back_a_data_set_row_for_a_resumed_run(self, hot: RedisHotResults) -> None:
        run_id = uuid.uuid4()
        sink = hot.sink(run_id, uuid.uuid4(), 1, lambda: False, resuming=True)
        sink.record(a_result("case-1", row="users#0"), {})
        sink.close()
        try:
            again = hot.sink(run_id, uuid.uuid4(), 1, lambda: False, resuming=True)
            previous = again.previous_result("case-1:users#0")
            assert previous is not None and previous.extracted == {"petId": "1"}
            assert again.previous_result("case-1:users#1") is None
            again.close()
        finally:
            hot.forget(run_id)

    def test_publishes_each_batch_for_live_followers(
        self, hot: RedisHotResults, servers: object
    ) -> None:
        run_id = uuid.uuid4()
        client = redis.Redis.from_url(servers.redis_url, decode_responses=True)  # type: ignore[attr-defined]
        pubsub = client.pubsub()
        pubsub.subscribe(hot.keys.run(run_id)["events"])
        assert pubsub.get_message(timeout=2)["type"] == "subscribe"
        sink = hot.sink(run_id, uuid.uuid4(), 1, lambda: False, resuming=False)
        for index in range(3):
            sink.record(a_result(f"case-{index}"), {})
        sink.close()
        try:
            deadline = time.monotonic() + 5
            items: list[dict[str, object]] = []
            while len(items) < 3 and time.monotonic() < deadline:
                message = pubsub.get_message(timeout=0.5)
                if message and message["type"] == "message":
                    items += json.loads(message["data"])["items"]
            assert [item["caseId"] for item in items] == ["case-0", "case-1", "case-2"]
        finally:
            pubsub.close()
            client.close()
            hot.forget(run_id)

    def test_records_values_too_large_for_the_fast_encoder(self, hot: RedisHotResults) -> None:
        run_id = uuid.uuid4()
        huge = 2**70  # a JSON body may hold any integer; orjson stops at 64 bits
        result = dataclasses.replace(
            a_result("case-1"),
            validations=[Validation(check="jsonpath $.id equals", passed=True, actual=huge)],
        )
        sink = hot.sink(run_id, uuid.uuid4(), 1, lambda: False, resuming=False)
        sink.record(result, {})
        sink.close()
        try:
            stored = hot.execution(run_id, "case-1")
            assert stored is not None and stored["validations"][0]["actual"] == huge
        finally:
            hot.forget(run_id)

    def test_records_a_batch_of_many_results_in_order_with_rows(self, hot: RedisHotResults) -> None:
        run_id = uuid.uuid4()
        sink = hot.sink(run_id, uuid.uuid4(), 1, lambda: False, resuming=False)
        for index in range(450):  # more than two batches
            sink.record(a_result(f"case-{index // 3}", row=f"rows#{index % 3}"), {})
        sink.close()
        try:
            assert hot.counts(run_id) == {"passed": 450, "failed": 0, "skipped": 0}
            stored = hot.execution(run_id, "case-149")
            assert stored is not None and sorted(stored["rows"]) == ["rows#0", "rows#1", "rows#2"]
            assert stored["rows"]["rows#2"]["requestUrl"] == "http://api.test/pets/1"
        finally:
            hot.forget(run_id)

    def test_shows_the_worst_row_of_a_data_driven_case_at_its_top(
        self, hot: RedisHotResults
    ) -> None:
        run_id = uuid.uuid4()
        sink = hot.sink(run_id, uuid.uuid4(), 1, lambda: False, resuming=False)
        failed = dataclasses.replace(
            a_result("case-1", CaseStatus.FAILED, row="users#0"), failure_reason="status: 500"
        )
        sink.record(failed, {})
        sink.record(a_result("case-1", CaseStatus.PASSED, row="users#1"), {})
        sink.close()
        try:
            stored = hot.execution(run_id, "case-1")
            assert stored is not None
            assert (stored["status"], stored["failureReason"]) == ("Failed", "status: 500")
            assert {name: row["status"] for name, row in stored["rows"].items()} == {
                "users#0": "Failed",
                "users#1": "Passed",
            }
            assert "severity" not in stored
            assert hot.counts(run_id) == {"passed": 1, "failed": 1, "skipped": 0}
        finally:
            hot.forget(run_id)

    def test_loads_its_script_again_when_redis_forgot_it(
        self, hot: RedisHotResults, servers: object
    ) -> None:
        run_id = uuid.uuid4()
        admin = redis.Redis.from_url(servers.redis_url)  # type: ignore[attr-defined]
        sink = hot.sink(run_id, uuid.uuid4(), 1, lambda: False, resuming=False)
        try:
            for index in range(10):
                sink.record(a_result(f"case-{index}"), {})
            sink.flush()
            admin.script_flush()  # as a restarted Redis would have it
            for index in range(10, 20):
                sink.record(a_result(f"case-{index}"), {})
            sink.close()
            assert hot.counts(run_id) == {"passed": 20, "failed": 0, "skipped": 0}
        finally:
            admin.close()
            hot.forget(run_id)

    def test_sends_a_batch_again_on_a_new_connection_when_the_old_one_is_lost(
        self, hot: RedisHotResults, servers: object
    ) -> None:
        run_id = uuid.uuid4()
        admin = redis.Redis.from_url(servers.redis_url, decode_responses=True)  # type: ignore[attr-defined]
        sink = hot.sink(run_id, uuid.uuid4(), 1, lambda: False, resuming=False)
        try:
            for index in range(200):  # a whole batch: sent, its answers not read yet
                sink.record(a_result(f"case-{index}"), {})
            time.sleep(0.2)
            writers = [c for c in admin.client_list() if c["cmd"] == "publish"]
            assert writers, "the sink's connection was not found"
            for writer in writers:
                admin.client_kill_filter(_id=writer["id"])
            for index in range(200, 450):
                sink.record(a_result(f"case-{index}"), {})
            sink.close()
            # Each result once, though a batch may have reached Redis twice.
            assert hot.counts(run_id) == {"passed": 450, "failed": 0, "skipped": 0}
        finally:
            admin.close()
            hot.forget(run_id)

    def test_keeps_a_log_line_that_holds_a_lone_surrogate_readable(
        self, hot: RedisHotResults
    ) -> None:
        run_id = uuid.uuid4()
        sink = hot.sink(run_id, uuid.uuid4(), 1, lambda: False, resuming=False)
        sink.log("warning", "GET http://api.test/items/\ud800: reset; retrying")
        sink.close()
        try:
            (line,) = hot.logs(run_id)
            assert line["message"] == "GET http://api.test/items/\ufffd: reset; retrying"
            json.dumps(line, ensure_ascii=False).encode()  # what an API answer does with it
        finally:
            hot.forget(run_id)
