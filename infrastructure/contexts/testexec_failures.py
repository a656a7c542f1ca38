"""The failed results that explanations read and annotate: testexec's runs and hot results."""

from typing import Any
from uuid import UUID

import redis

from application.llm.errors import NotAFailureError
from application.llm.ports import FailedCase
from application.testexec.app import TestexecApplication
from application.testexec.reading import RunQueries
from domain.shared.errors import NotFoundError
from infrastructure.redis.keys import RedisKeys

FAILED = ("Failed", "Error")

# Sets the explanation only while the result is still kept (never recreates an expired key).
_WRITE = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'llmExplanation', ARGV[1], 'llmExplanationError', ARGV[2])
  return 1
end
return 0
"""


class TestexecFailedResults:
    """Failed cases of a run, their environment's secrets, and where explanations go."""

    __test__ = False

    def __init__(
        self, testexec: TestexecApplication, queries: RunQueries, client: Any, keys: RedisKeys
    ) -> None:
        self._testexec, self._queries, self._keys = testexec, queries, keys
        self._redis: redis.Redis = client

    def failed_case(self, run_id: UUID, case_id: UUID, owner_id: UUID) -> FailedCase:
        result = self._queries.case_result(run_id, case_id, owner_id)
        if result.get("status") not in FAILED:
            raise NotAFailureError(f"case {case_id} did not fail in this run; nothing to explain")
        return FailedCase(
            run_id=run_id,
            case_id=case_id,
            owner_id=owner_id,
            result=result,
            secrets=self._secrets(run_id, owner_id),
        )

    def first_failures(self, run_id: UUID, limit: int) -> tuple[UUID, list[UUID]]:
        owner_id: UUID = self._testexec.load_version(run_id).owner_id
        results = self._queries.results(run_id, owner_id).results
        failed = [UUID(r["case_id"]) for r in results if r.get("status") in FAILED]
        return owner_id, failed[:limit]

    def write_explanation(self, run_id: UUID, case_id: UUID, explanation: str, error: str) -> bool:
        key = self._keys.execution(run_id, str(case_id))
        return bool(self._redis.eval(_WRITE, 1, key, explanation, error))

    def _secrets(self, run_id: UUID, owner_id: UUID) -> list[str]:
        """This function will list the run environment's secrets (auth and secret variables),
        masked again before any prompt: the run masked them too, this is the second lock."""
        run = self._testexec.run(run_id, owner_id)
        try:
            environment = self._testexec.environment(run.environment_id, owner_id)
        except NotFoundError:  # deleted since: what the run recorded was masked already
            return []
        return list(self._testexec.opened(environment).secrets)
