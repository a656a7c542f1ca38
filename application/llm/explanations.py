"""Failure explanations (FE-09): why a case failed, in words, written beside its result."""

from typing import Any
from uuid import UUID

from application.llm.app import LlmApplication, Question
from application.llm.ports import FailedCase, FailedResults, LlmJobs
from application.llm.prompts import untrusted
from domain.llm.model import InteractionType
from domain.shared.meta import Meta

INSTRUCTIONS = (
    "You explain why an automated API test case failed. You get the request that was sent, "
    "the checks that were expected, the checks' outcomes and the response that came back. "
    "Say what was expected, what came back, the most likely cause, and what to check. Name "
    "the failed check exactly as it is given (its `name` or `check`)."
)

_TEXT = {"type": "string", "maxLength": 1200}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["failedCheck", "expected", "received", "likelyCause", "whatToCheck"],
    "properties": {
        "failedCheck": {"type": "string", "maxLength": 300},
        "expected": _TEXT,
        "received": _TEXT,
        "likelyCause": _TEXT,
        "whatToCheck": {
            "type": "array",
            "maxItems": 8,
            "items": {"type": "string", "maxLength": 400},
        },
    },
}

# Header values never sent to the model, whatever a run recorded: credentials typed into a
# case are not environment secrets, so the run did not mask them.
_SENSITIVE = ("auth", "cookie", "token", "secret", "key", "session", "password", "signature")
BODY_CHARS = 6000
HEADER_CHARS = 2000


def masked_headers(headers: Any) -> Any:
    """This function will hide the values of headers that carry credentials."""
    if not isinstance(headers, dict):
        return headers
    return {name: "***" if _sensitive(name) else value for name, value in headers.items()}


def _sensitive(name: Any) -> bool:
    return any(word in str(name).lower() for word in _SENSITIVE)


def typed_credentials(result: dict[str, Any]) -> list[str]:
    """This function will list the credentials a case's headers carried (and their tokens
    without the scheme): a target may echo them anywhere, so they are masked everywhere."""
    found: list[str] = []
    for headers in (result.get("requestHeaders"), result.get("responseHeaders")):
        if not isinstance(headers, dict):
            continue
        for name, value in headers.items():
            if _sensitive(name) and isinstance(value, str) and value and value != "***":
                found.append(value)
                token = value.partition(" ")[2]
                if token and len(token) >= 4:
                    found.append(token)
    return found


def failure_context(case: FailedCase) -> str:
    """This function will describe a failed result to the model, untrusted parts quoted."""
    result = case.result
    request = {
        "method": result.get("requestMethod"),
        "url": result.get("requestUrl"),
        "headers": masked_headers(result.get("requestHeaders")),
    }
    return "\n\n".join(
        [
            f"Case status: {result.get('status')}",
            "Failure reason recorded by the runner:\n"
            + untrusted("failure-reason", result.get("failureReason") or "", 2000),
            "Checks (expected and actual):\n"
            + untrusted("checks", result.get("validations") or [], BODY_CHARS),
            "Request sent:\n" + untrusted("request", request, HEADER_CHARS),
            "Request body:\n" + untrusted("request-body", result.get("requestBody") or "", 2000),
            f"Response status: {result.get('responseStatus')}",
            "Response headers:\n"
            + untrusted(
                "response-headers", masked_headers(result.get("responseHeaders")), HEADER_CHARS
            ),
            "Response body:\n"
            + untrusted("response-body", result.get("responseBody") or "", BODY_CHARS),
        ]
    )


def explanation_text(answer: dict[str, Any]) -> str:
    """This function will write a valid answer as the text kept in llmExplanation."""
    checks = "\n".join(f"- {item}" for item in answer["whatToCheck"])
    return (
        f"Failed check: {answer['failedCheck']}\n"
        f"Expected: {answer['expected']}\n"
        f"Received: {answer['received']}\n"
        f"Likely cause: {answer['likelyCause']}\n"
        f"What to check:\n{checks}"
    ).strip()


class FailureExplanations:
    """Queues explanations on request and writes them when the model has answered."""

    def __init__(self, llm: LlmApplication, results: FailedResults, jobs: LlmJobs) -> None:
        self._llm, self._results, self._jobs = llm, results, jobs

    def request(self, *, user_id: UUID, run_id: UUID, case_id: UUID) -> None:
        """This function will queue the explanation of one failed case of the caller's run.

        Raises LlmNotConfiguredError, LimitExceededError, NotFoundError, ResultsExpiredError,
        NotAFailureError.
        """
        self._llm.require_calls_left(user_id)
        self._results.failed_case(run_id, case_id, user_id)
        self._jobs.explain_failure(user_id=user_id, run_id=run_id, case_id=case_id)

    def request_first_failures(self, *, run_id: UUID, limit: int) -> int:
        """This function will queue the explanations of a run's first failures for its owner
        (none when no model is configured or the limit is 0), and say how many were queued."""
        if limit <= 0 or not self._llm.configured:
            return 0
        owner_id, cases = self._results.first_failures(run_id, limit)
        for case_id in cases:
            self._jobs.explain_failure(user_id=owner_id, run_id=run_id, case_id=case_id)
        return len(cases)

    def report_failure(self, *, run_id: UUID, case_id: UUID, reason: str) -> None:
        """This function will say, beside the case's result, why it has no explanation."""
        self._results.write_explanation(run_id, case_id, "", reason[:1000])

    def explain(self, *, user_id: UUID, run_id: UUID, case_id: UUID, meta: Meta) -> str:
        """This function will ask the model about a failed case and write its explanation into
        the case's hot result. Raises what LlmApplication.ask and FailedResults raise."""
        case = self._results.failed_case(run_id, case_id, user_id)
        if case.result.get("llmExplanation"):  # a redelivered or repeated request: no new call
            return str(case.result["llmExplanation"])
        answer = self._llm.ask(
            Question(
                user_id=user_id,
                kind=InteractionType.FAILURE_EXPLANATION,
                instructions=INSTRUCTIONS,
                context=failure_context(case),
                schema_name="failure_explanation",
                schema=SCHEMA,
                secrets=[*case.secrets, *typed_credentials(case.result)],
                meta=meta,
            )
        )
        text = explanation_text(answer.content)
        self._results.write_explanation(run_id, case_id, text, "")
        return text
