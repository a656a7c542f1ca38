"""Refusals of the LLM context."""

from domain.shared.errors import ConflictError, DomainError


class LlmNotConfiguredError(DomainError):
    """No model is configured for this deployment (TESTAMENT_LLM_BASE_URL / _MODEL)."""

    def __init__(self) -> None:
        super().__init__(
            "LLM assistance is not configured: set TESTAMENT_LLM_BASE_URL and "
            "TESTAMENT_LLM_MODEL (and TESTAMENT_LLM_API_KEY when the server needs one)"
        )


class LlmUnavailableError(DomainError):
    """The model could not be reached or refused the request."""


class LlmInvalidAnswerError(DomainError):
    """The model answered twice with something its schema refuses; nothing was applied."""


class NotAFailureError(ConflictError):
    """Asking to explain a case that did not fail."""


class SuiteNotOrderableError(ConflictError):
    """A suite with too few or too many cases for a model to order (2 to MAX_CASES)."""
