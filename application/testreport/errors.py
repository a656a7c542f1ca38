"""Refusals of the testreport context that are not conflicts of state."""

from domain.shared.errors import ConflictError, DomainError


class RunNotFinishedError(ConflictError):
    """A report asked of a run that has not ended yet."""


class ExportFormatNotAllowedError(DomainError):
    """A report format the owner's plan does not include (403)."""

    def __init__(self, report_format: str, allowed: list[str]) -> None:
        super().__init__(
            f"your plan does not include {report_format} reports; it includes: "
            + (", ".join(allowed) or "none")
        )
        self.allowed = allowed


class ReportDetailsExpiredError(DomainError):
    """A report of a run whose details expired before they were captured (410)."""


class ReportExpiredError(DomainError):
    """A report whose file is past its ExpiresAt (410)."""
