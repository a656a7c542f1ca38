"""Hot run results in Redis, with the key patterns of the ERD analysis (§3.5.1) under the
deployment's namespace (keys.py names them all):

testrun:{runId}:results                    hash: status, startedAt, completedAt, totalTests,
                                           passed, failed, skipped, durationMs
testrun:{runId}:execution:{testCaseId}     hash: the case's result (a data-driven case keeps
                                           one `row:<name>` field per row as well)
testrun:{runId}:logs                       list of JSON log lines
testrun:{runId}:variables                  hash of run variables, secrets masked
user:{userId}:recent_runs                  sorted set of run ids by start time

Every key expires after the owner's retention days. Live progress is also published on the
channel testrun:{runId}:events (a channel, not a stored key) for server-sent events.
"""

import json
from datetime import datetime
from typing import Any
from uuid import UUID

import redis

from infrastructure.redis.keys import RedisKeys
from infrastructure.redis.sink import RedisResultSink

__all__ = ["RedisHotResults", "RedisKeys", "RedisResultSink"]


class RedisHotResults:
    """The hot-results port: sinks for the engine, counts and summaries for the application."""

    def __init__(self, url: str, *, namespace: str) -> None:
        self.keys = RedisKeys(namespace)
        # Strings in and out: every value stored here is text. What cannot be UTF-8 (a lone
        # surrogate a response's JSON carried into a variable) is replaced, not refused.
        self._redis: Any = redis.Redis.from_url(
            url, decode_responses=True, encoding_errors="replace"
        )

    def close(self) -> None:
        self._redis.close()

    def sink(
        self,
        run_id: UUID,
        owner_id: UUID,
        retention_days: int,
        cancelled: Any,
        *,
        resuming: bool = True,
    ) -> RedisResultSink:
        return RedisResultSink(
            self._redis,
            run_id,
            retention_days * 86400,
            cancelled,
            resuming=resuming,
            keys=self.keys,
        )

    def channel(self, run_id: UUID) -> str:
        """This function will name the channel a run's live progress is published on."""
        return self.keys.run(run_id)["events"]

    def counts(self, run_id: UUID) -> dict[str, int]:
        raw = self._redis.hmget(self.keys.run(run_id)["results"], ["passed", "failed", "skipped"])
        return {
            name: int(value or 0)
            for name, value in zip(("passed", "failed", "skipped"), raw, strict=True)
        }

    def mark_started(
        self, run_id: UUID, owner_id: UUID, started_at: str, total: int, retention_days: int
    ) -> None:
        ttl = retention_days * 86400
        results = self.keys.run(run_id)["results"]
        pipe = self._redis.pipeline()
        pipe.hset(
            results,
            mapping={"status": "Running", "startedAt": started_at, "totalTests": str(total)},
        )
        for counter in ("passed", "failed", "skipped"):
            pipe.hsetnx(results, counter, "0")
        pipe.expire(results, ttl)
        recent = self.keys.recent_runs(owner_id)
        pipe.zadd(recent, {str(run_id): datetime.fromisoformat(started_at).timestamp()})
        pipe.expire(recent, ttl)
        pipe.publish(self.channel(run_id), json.dumps({"type": "started", "totalTests": total}))
        pipe.execute()

    def mark_finished(
        self, run_id: UUID, status: str, completed_at: str, duration_ms: int, retention_days: int
    ) -> None:
        results = self.keys.run(run_id)["results"]
        pipe = self._redis.pipeline()
        pipe.hset(
            results,
            mapping={"status": status, "completedAt": completed_at, "durationMs": str(duration_ms)},
        )
        # Counted from the end of the run, as ResultsExpireAt is; a run cancelled before it
        # started had no expiry on this key at all.
        pipe.expire(results, retention_days * 86400)
        pipe.publish(self.channel(run_id), json.dumps({"type": "finished", "status": status}))
        pipe.execute()

    # -- reading ----------------------------------------------------------------------

    def summary(self, run_id: UUID) -> dict[str, str] | None:
        summary: dict[str, str] = self._redis.hgetall(self.keys.run(run_id)["results"])
        return summary or None

    def execution(self, run_id: UUID, case_id: str) -> dict[str, Any] | None:
        raw: dict[str, str] = self._redis.hgetall(self.keys.execution(run_id, case_id))
        # The markers (done, sent: how often a row went out) and the row's severity are the
        # sink's bookkeeping, not part of the result.
        fields = {
            k: v for k, v in raw.items() if not k.startswith(("done", "sent")) and k != "severity"
        }
        if not fields:
            return None
        rows = {k[4:]: json.loads(v) for k, v in fields.items() if k.startswith("row:")}
        out: dict[str, Any] = {k: v for k, v in fields.items() if not k.startswith("row:")}
        for name in ("requestHeaders", "responseHeaders", "validations", "extracted"):
            if name in out:
                out[name] = json.loads(out[name])
        if rows:
            out["rows"] = rows
        return out

    def case_events(self, run_id: UUID) -> list[dict[str, Any]]:
        """This function will give the live event of every result recorded so far, in the
        order they completed: what a follower who joins a run late has missed."""
        prefix = self.keys.execution(run_id, "")
        names = list(self._redis.scan_iter(match=f"{prefix}*", count=1000))
        pipe = self._redis.pipeline(transaction=False)
        for name in names:
            pipe.hgetall(name)
        timed: list[tuple[str, dict[str, Any]]] = []
        for name, fields in zip(names, pipe.execute(), strict=True):
            case_id = name[len(prefix) :]
            rows = [(k[4:], json.loads(v)) for k, v in fields.items() if k.startswith("row:")]
            if not rows and "done" in fields:
                rows = [(None, fields)]
            for row, recorded in rows:
                event = {
                    "type": "case",
                    "caseId": case_id,
                    "row": row,
                    "status": recorded.get("status", ""),
                    "durationMs": int(recorded.get("durationMs") or 0),
                    "failureReason": recorded.get("failureReason", ""),
                }
                timed.append((recorded.get("completedAt", ""), event))
        timed.sort(key=lambda pair: pair[0])
        return [event for _, event in timed]

    def logs(self, run_id: UUID, start: int = 0, end: int = -1) -> list[dict[str, Any]]:
        return [
            json.loads(line)
            for line in self._redis.lrange(self.keys.run(run_id)["logs"], start, end)
        ]

    def variables(self, run_id: UUID) -> dict[str, str]:
        variables: dict[str, str] = self._redis.hgetall(self.keys.run(run_id)["variables"])
        return variables

    def forget(self, run_id: UUID) -> None:
        """This function will delete a run's hot keys at once (benchmarks, tests)."""
        names = [*self.keys.run(run_id).values()]
        pattern = self.keys.execution(run_id, "*")
        names += list(self._redis.scan_iter(match=pattern, count=1000))
        self._redis.delete(*names)

    def recent_runs(self, user_id: UUID, limit: int = 20) -> list[str]:
        recent: list[str] = self._redis.zrevrange(self.keys.recent_runs(user_id), 0, limit - 1)
        return recent
