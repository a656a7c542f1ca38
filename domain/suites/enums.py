"""The enumerations of test suites and order proposals (the ERD's ENUM columns)."""

from enum import StrEnum


class GenerationType(StrEnum):
    """How a suite came to be."""

    AUTO = "Auto"
    MANUAL = "Manual"
    LLM_ASSISTED = "LLMAssisted"
    IMPORTED = "Imported"  # from a Postman collection: its requests, in its order


class SuiteStatus(StrEnum):
    DRAFT = "Draft"
    READY = "Ready"
    ARCHIVED = "Archived"


class ApprovalStatus(StrEnum):
    """Where a suite's execution order stands in human review (§3.4.1)."""

    NOT_APPLICABLE = "NotApplicable"
    PENDING_REVIEW = "PendingReview"
    APPROVED = "Approved"
    REJECTED = "Rejected"
    MODIFIED_AND_APPROVED = "ModifiedAndApproved"


class ProposalSource(StrEnum):
    AI = "Ai"
    USER = "User"
    SYSTEM = "System"
    IMPORTED = "Imported"


class ProposalStatus(StrEnum):
    PENDING = "Pending"
    APPROVED = "Approved"
    REJECTED = "Rejected"
    MODIFIED = "Modified"


RUNNABLE = (
    ApprovalStatus.APPROVED,
    ApprovalStatus.MODIFIED_AND_APPROVED,
    ApprovalStatus.NOT_APPLICABLE,
)
APPROVED = (ApprovalStatus.APPROVED, ApprovalStatus.MODIFIED_AND_APPROVED)
