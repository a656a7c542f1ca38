"""Every Redis key and channel Testament uses, in one place, under the deployment's namespace.

Several deployments may share one Redis: each has its TESTAMENT_QUEUE_NAMESPACE, and every
name below starts with `<namespace>:`, as Dramatiq's own queue keys do (the broker is given
the same namespace). Under it, the hot results keep the patterns of the ERD analysis
(§3.5.1), so `<namespace>:testrun:{runId}:results` is the ERD's `testrun:{runId}:results`:

  testrun:{runId}:results                  hash: the run's summary and counters
  testrun:{runId}:execution:{testCaseId}   hash: one case's result (and its rows)
  testrun:{runId}:logs                     list of JSON log lines
  testrun:{runId}:variables                hash of run variables, secrets masked
  testrun:{runId}:events                   channel (not stored): live progress
  testrun:{runId}:lease                    the worker executing the run (seconds)
  user:{userId}:recent_runs                sorted set of run ids by start time
  login:failures:{account} / login:locked:{account} / login:address:{address}
                                           the log-in throttle
  send-throttle:{kind}:{subject|client}:{key}
                                           messages sent per address, number or client
  ended-session:{sessionId}                a session whose access tokens are refused
  api-key:{keyId}:requests:{minute}        an API key's requests in one minute (the limit)
  queued:{kind}                            a periodic message is waiting in the queue
"""

from uuid import UUID


class RedisKeys:
    """The names of one deployment's Redis keys."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self._prefix = f"{namespace}:"

    def run(self, run_id: UUID | str) -> dict[str, str]:
        """This function will give a run's keys: its results hash, logs, variables, channel."""
        base = f"{self._prefix}testrun:{run_id}"
        return {
            "results": f"{base}:results",
            "logs": f"{base}:logs",
            "variables": f"{base}:variables",
            "events": f"{base}:events",
        }

    def execution(self, run_id: UUID | str, case_id: str) -> str:
        """This function will give the key of a case's execution hash in a run."""
        return f"{self._prefix}testrun:{run_id}:execution:{case_id}"

    def lease(self, run_id: object) -> str:
        return f"{self._prefix}testrun:{run_id}:lease"

    def recent_runs(self, user_id: UUID | str) -> str:
        return f"{self._prefix}user:{user_id}:recent_runs"

    def login(self, kind: str, subject: str) -> str:
        """This function will name a throttle counter: kind is failures, locked or address."""
        return f"{self._prefix}login:{kind}:{subject}"

    def send_throttle(self, kind: str, scope: str, key: str) -> str:
        """This function will name a send counter: kind is reset-password or phone-code."""
        return f"{self._prefix}send-throttle:{kind}:{scope}:{key}"

    def ended_session(self, session_id: UUID | str) -> str:
        return f"{self._prefix}ended-session:{session_id}"

    def legacy_ended_session(self, session_id: UUID | str) -> str:
        """The name releases before every key was prefixed gave an ended session; still read
        for one access-token lifetime after an upgrade, so no ended session comes back."""
        return f"testament:{self.namespace}:ended-session:{session_id}"

    def queued(self, kind: str) -> str:
        return f"{self._prefix}queued:{kind}"

    def api_key_requests(self, key_id: UUID, minute: int) -> str:
        """This function will name the counter of a key's requests in one minute."""
        return f"{self._prefix}api-key:{key_id}:requests:{minute}"
