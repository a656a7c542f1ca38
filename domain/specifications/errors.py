"""Errors raised while reading an API description."""

from domain.shared.errors import DomainError
from domain.specifications.parsed import ParseIssue


class SpecParseError(DomainError):
    """An uploaded API description from which nothing usable could be extracted.

    ``issues`` says why, each with the place in the document it concerns.
    """

    def __init__(self, issues: list[ParseIssue]) -> None:
        if not issues:
            issues = [ParseIssue("/", "the document could not be read")]
        summary = "; ".join(f"{issue.location}: {issue.message}" for issue in issues[:5])
        if len(issues) > 5:
            summary += f" (and {len(issues) - 5} more)"
        super().__init__(summary)
        self.issues = list(issues)

    @classmethod
    def single(cls, location: str, message: str) -> "SpecParseError":
        """This function will build the error for one problem at one place."""
        return cls([ParseIssue(location, message)])


class InconsistentEndpointError(SpecParseError):
    """An endpoint whose every part is well formed, but whose parameters and path disagree
    (a path parameter the path does not have, a parameter given twice)."""
