"""A run's results written to Redis as the engine gives them: batched, pipelined, each once."""

import dataclasses
import json
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import orjson
import redis

from application.testexec.execution import CaseResult, CaseStatus, Validation
from infrastructure.redis.keys import RedisKeys
from infrastructure.redis.pipelined import PipelinedWriter

# Records a batch of results, each once: a second record of the same case (or row) changes
# nothing, so a resumed run never counts a case twice. One call per batch, not per result:
# the per-command cost of the client was most of a fast case's storage cost, and Redis
# unpacks the batch on its own core. A data-driven case records each row in its own field;
# its top-level fields are those of its worst row so far (a failed row is never hidden by a
# later row that passed), the latest of equals.
#   KEYS[1]: the run's results hash; KEYS[i + 1]: the execution hash of the i-th result
#   ARGV[1]: the TTL in seconds; ARGV[2]: a JSON array of
#            [marker, counter, fields, severity, row field name or ""] per result
_RECORD_BATCH = """
local results = KEYS[1]
local ttl = ARGV[1]
local recorded = 0
for index, item in ipairs(cjson.decode(ARGV[2])) do
  local execution = KEYS[index + 1]
  if redis.call('HSETNX', execution, item[1], '1') == 1 then
    local row = item[5]
    local top = row == ''
    if not top then
      local worst = tonumber(redis.call('HGET', execution, 'severity') or '-1')
      top = item[4] >= worst
    end
    if top then
      local flat = {}
      for name, value in pairs(item[3]) do
        flat[#flat + 1] = name
        flat[#flat + 1] = value
      end
      if row ~= '' then
        flat[#flat + 1] = 'severity'
        flat[#flat + 1] = item[4]
      end
      redis.call('HSET', execution, unpack(flat))
    else
      redis.call('HSET', execution, row, item[3][row])
    end
    redis.call('HINCRBY', results, item[2], 1)
    redis.call('EXPIRE', execution, ttl)
    recorded = recorded + 1
  end
end
return recorded
"""


# Counts one more send of each row, before it goes out (resumed runs read the counts).
#   KEYS[i]: the execution hash of the i-th row; ARGV[1]: the TTL; ARGV[i + 1]: its field
_MARK_SENT = """
for index, execution in ipairs(KEYS) do
  redis.call('HINCRBY', execution, ARGV[index + 1], 1)
  redis.call('EXPIRE', execution, ARGV[1])
end
return #KEYS
"""


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _dumps(value: Any) -> str:
    """This function will encode JSON fast: every case's result passes through here."""
    return _encode(value).decode()


def _encode(value: Any) -> bytes:
    """This function will encode JSON as UTF-8 bytes, with orjson when it can."""
    try:
        return orjson.dumps(value, default=str)
    except orjson.JSONEncodeError:
        # What orjson refuses (an integer past 64 bits in a response, a key that is not
        # text, a lone surrogate that a body's "\ud800" escape gave) takes the slow road
        # rather than failing the run; a lone surrogate is no character, so it becomes U+FFFD.
        text = json.dumps(value, default=_plain, ensure_ascii=False)
        return _LONE_SURROGATE.sub("\ufffd", text).encode()


def _plain(value: Any) -> Any:
    """This function will give json.dumps what it cannot write itself: dataclasses as dicts."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return str(value)


# Which row of a data-driven case its top-level fields show: the worst.
_SEVERITY = {CaseStatus.PASSED: 0, CaseStatus.SKIPPED: 1, CaseStatus.FAILED: 2, CaseStatus.ERROR: 3}

_COUNTER = {
    CaseStatus.PASSED: "passed",
    CaseStatus.FAILED: "failed",
    CaseStatus.ERROR: "failed",
    CaseStatus.SKIPPED: "skipped",
}


def _result_fields(result: CaseResult) -> dict[str, str]:
    return {
        "status": result.status.value,
        "startedAt": result.started_at,
        "completedAt": result.completed_at,
        "durationMs": str(result.duration_ms),
        "requestUrl": str(result.request.get("url", "")),
        "requestMethod": str(result.request.get("method", "")),
        "requestHeaders": _dumps(result.request.get("headers", {})),
        "requestBody": str(result.request.get("body") or ""),
        "responseStatus": str(result.response.get("status", "")),
        "responseHeaders": _dumps(result.response.get("headers", {})),
        "responseBody": str(result.response.get("body") or ""),
        "responseTruncated": "1" if result.response.get("truncated") else "0",
        "responseTimeMs": "" if result.response_time_ms is None else str(result.response_time_ms),
        # orjson writes the Validation dataclasses itself, field by field, in C.
        "validations": _dumps(result.validations),
        "failureReason": result.failure_reason,
        "extracted": _dumps(result.extracted),
        "attempts": str(result.attempts),
        "interruptedAttempts": str(result.interrupted_attempts),
        "llmExplanation": "",
    }


def result_from_fields(case_id: str, row: str | None, fields: dict[str, str]) -> CaseResult:
    """This function will read back a stored result (for resuming a run)."""
    validations = [Validation(**v) for v in json.loads(fields.get("validations") or "[]")]
    return CaseResult(
        case_id=case_id,
        row=row,
        status=CaseStatus(fields["status"]),
        started_at=fields.get("startedAt", ""),
        completed_at=fields.get("completedAt", ""),
        duration_ms=int(fields.get("durationMs") or 0),
        request={"url": fields.get("requestUrl"), "method": fields.get("requestMethod")},
        response={"status": fields.get("responseStatus")},
        response_time_ms=int(fields["responseTimeMs"]) if fields.get("responseTimeMs") else None,
        validations=validations,
        failure_reason=fields.get("failureReason", ""),
        extracted=json.loads(fields.get("extracted") or "{}"),
        attempts=int(fields.get("attempts") or 1),
        interrupted_attempts=int(fields.get("interruptedAttempts") or 0),
    )


class RedisResultSink:
    """Where one run's engine reports, in Redis.

    Each result is encoded as it comes; batches (one script call per 200 results or per
    100 ms) go to Redis pipelined (pipelined.py): a round trip per case cost more than the
    case's own request. Each result is still recorded once by the script, so a batch
    written twice counts nothing twice; a batch lost in a crash is simply run again on
    resume. `flush` writes what is left and waits for Redis to have it.
    """

    FLUSH_EVERY = 200
    FLUSH_AFTER_SECONDS = 0.1

    def __init__(
        self,
        client: redis.Redis,
        run_id: UUID,
        ttl_seconds: int,
        cancelled: Callable[[], bool],
        *,
        resuming: bool = True,
        keys: RedisKeys,
    ) -> None:
        self._redis: Any = client
        self._names = keys
        self._run_id = run_id
        self._ttl = ttl_seconds
        self._cancelled = cancelled
        self._resuming = resuming
        self._keys = keys.run(run_id)
        self._record_sha: str = client.script_load(_RECORD_BATCH)
        self._mark_sha: str = client.script_load(_MARK_SENT)
        self._writer = PipelinedWriter(
            client, {self._record_sha: _RECORD_BATCH, self._mark_sha: _MARK_SENT}
        )
        self._last_cancel_check = 0.0
        self._cancel_seen = False
        self._pending: list[tuple[str, bytes, bytes]] = []
        self._variables: dict[str, str] = {}
        self._logs: list[str] = []
        self._last_flush = time.monotonic()
        self._sent_before: dict[str, int] = {}

    def previous_result(self, key: str) -> CaseResult | None:
        if not self._resuming:
            return None  # a first attempt has no earlier results to find
        case_id, _, row = key.partition(":")
        fields: dict[str, str] = self._redis.hgetall(self._names.execution(self._run_id, case_id))
        marker = f"done:{row}" if row else "done"
        if marker not in fields:
            sent = fields.get(f"sent:{row}" if row else "sent")
            if sent:
                self._sent_before[key] = int(sent)  # sent by an earlier worker, not recorded
            return None
        if row:
            return result_from_fields(case_id, row, json.loads(fields[f"row:{row}"]))
        return result_from_fields(case_id, None, fields)

    def mark_sent(self, keys: list[str]) -> None:
        # Written to Redis's connection before the requests go out, as a batch of its own,
        # its answers read with the next batch (pipelined.py): waiting for them took 40% of
        # a run's time (measured on a loaded machine). A worker killed after this call has
        # handed the counts to Redis; only one killed in the instant between the write and
        # Redis reading it (on a network, the bytes still in flight) could lose a count.
        executions, fields = [], []
        for key in keys:
            case_id, _, row = key.partition(":")
            executions.append(self._names.execution(self._run_id, case_id))
            fields.append(f"sent:{row}" if row else "sent")
        command = ("EVALSHA", self._mark_sha, len(keys), *executions, self._ttl, *fields)
        self._writer.send([command])

    def sent_before(self, key: str) -> int:
        return self._sent_before.pop(key, 0)

    def record(self, result: CaseResult, variables: dict[str, str]) -> None:
        # Encoded at once and kept as bytes until its batch is written: bytes are invisible
        # to the garbage collector, while results kept as objects for a batch made every
        # young collection walk them (measured: a collection cost 5 times as much).
        self._pending.append(self._encoded(result))
        self._variables.update(variables)
        if len(self._pending) >= self.FLUSH_EVERY or self._due():
            self._ship()

    def _encoded(self, result: CaseResult) -> tuple[str, bytes, bytes]:
        """This function will give a result's execution key, its item of the batch script
        and its live event, both as JSON."""
        fields = _result_fields(result)
        row = ""
        marker = "done"
        if result.row is not None:
            row, marker = f"row:{result.row}", f"done:{result.row}"
            fields[row] = _dumps(fields)
        item = _encode([marker, _COUNTER[result.status], fields, _SEVERITY[result.status], row])
        event = _encode(
            {
                "type": "case",
                "caseId": result.case_id,
                "row": result.row,
                "status": result.status.value,
                "durationMs": result.duration_ms,
                "failureReason": result.failure_reason,
            }
        )
        return self._names.execution(self._run_id, result.case_id), item, event

    def _due(self) -> bool:
        return time.monotonic() - self._last_flush >= self.FLUSH_AFTER_SECONDS

    def _ship(self) -> None:
        """This function will send the buffered results, variables and log lines as one
        batch (after reading the answers of the batch before), and start a new buffer."""
        self._last_flush = time.monotonic()
        if not (self._pending or self._variables or self._logs):
            return
        commands = self._commands(self._pending, self._variables, self._logs)
        self._pending, self._variables, self._logs = [], {}, []
        self._writer.send(commands)

    def flush(self) -> None:
        """This function will write everything buffered and wait until Redis has it."""
        self._ship()
        self._writer.wait()

    def close(self) -> None:
        """This function will flush, then give the connection back."""
        try:
            self._ship()
        finally:
            self._writer.close()

    def _commands(
        self, results: list[tuple[str, bytes, bytes]], variables: dict[str, str], logs: list[str]
    ) -> list[tuple[Any, ...]]:
        """This function will give the commands of a batch."""
        commands: list[tuple[Any, ...]] = []
        if results:
            record_keys = [self._keys["results"], *(key for key, _, _ in results)]
            batch = b"[" + b",".join(item for _, item, _ in results) + b"]"
            commands.append(
                ("EVALSHA", self._record_sha, len(record_keys), *record_keys, self._ttl, batch)
            )
        if variables:
            # Bytes, with what cannot be UTF-8 (a lone surrogate from a JSON body) replaced:
            # the command packer would refuse the whole batch for one such value.
            flat = [part.encode(errors="replace") for pair in variables.items() for part in pair]
            commands.append(("HSET", self._keys["variables"], *flat))
            commands.append(("EXPIRE", self._keys["variables"], self._ttl))
        if logs:
            commands.append(("RPUSH", self._keys["logs"], *logs))
            commands.append(("EXPIRE", self._keys["logs"], self._ttl))
        if results:
            # One message per batch; followers split it into one event per case.
            events = b",".join(event for _, _, event in results)
            message = b'{"type":"cases","items":[' + events + b"]}"
            commands.append(("PUBLISH", self._keys["events"], message))
        return commands

    def log(self, level: str, message: str) -> None:
        # A URL built from a response's value may hold a lone surrogate; read back, it would
        # be a string no JSON answer can carry.
        text = _LONE_SURROGATE.sub("\ufffd", message)
        self._logs.append(
            json.dumps(
                {"timestamp": datetime.now(UTC).isoformat(), "level": level, "message": text}
            )
        )

    def cancelled(self) -> bool:
        if self._pending and self._due():
            self._ship()  # keeps live progress current while cases are slow
        # Reading the run's events on every case boundary would cost more than the cases:
        # look at most four times a second.
        now = time.monotonic()
        if not self._cancel_seen and now - self._last_cancel_check > 0.25:
            self._last_cancel_check = now
            self._cancel_seen = self._cancelled()
        return self._cancel_seen
