"""Which problem type each named conflict is: `type` is `/problems/<slug>`, and docs/problems.md
describes each slug under a heading of its own name."""

from application.identity.errors import EmailTakenError, OwnAccountError
from application.identity.external import AccountExistsError
from application.llm.errors import NotAFailureError, SuiteNotOrderableError
from application.shared.base import ConcurrentChangeError
from application.subscriptions.app import PlanNameTakenError
from application.testexec.runs import NoEnvironmentError, SuiteNotRunnableError
from application.testexec.schedules import TooManySchedulesError
from application.testgen.generation import NothingToGenerateError, UnknownEndpointsError
from application.testgen.ports import NoActiveSpecificationError, SpecificationNotParsedError
from application.testreport.errors import RunNotFinishedError
from application.testreport.queries import CoverageNotReadyError
from domain.api_keys.model import ApiKeyRevokedError
from domain.configuration.model import SettingNotSetError
from domain.environments.model import EnvironmentDeletedError
from domain.files.model import FileDeletedError
from domain.llm.documentation import DraftStateError
from domain.llm.suggestions import SuggestionStateError
from domain.localization.model import TextNotEditedError
from domain.projects.model import ProjectArchivedError, ProjectNotArchivedError
from domain.reports.model import ReportNotReadyError
from domain.runs.model import RunStatusError
from domain.schedules.model import ScheduleDeletedError
from domain.shared.errors import ConflictError
from domain.specifications.model import (
    DuplicateEndpointError,
    NotManualSpecificationError,
    SpecificationStateError,
)
from domain.subscriptions.payments import RefundNotAllowedError
from domain.subscriptions.subscription import SubscriptionStateError
from domain.suites.model import (
    CaseHasDependantsError,
    CaseNotInSuiteError,
    DuplicateCaseError,
    ProposalDecidedError,
    SuiteArchivedError,
)
from domain.suites.ordering import OrderMismatchError
from domain.testcases.model import CaseDeletedError, DuplicateDataSetError
from domain.users.claims import ClaimAlreadyHeldError, ClaimNotHeldError
from domain.users.external_logins import (
    LastSignInMethodError,
    LoginNotLinkedError,
    LoginTakenError,
)
from domain.users.model import (
    AccountAlreadyDisabledError,
    AccountNotDisabledError,
    InvitationUnusableError,
    NoPhoneNumberError,
    RoleAlreadyGrantedError,
    RoleNotHeldError,
)
from domain.users.two_factor import (
    CodeAlreadyUsedError,
    TwoFactorAlreadyEnabledError,
    TwoFactorNotEnabledError,
    TwoFactorNotStartedError,
)
from domain.webhooks.model import WebhookDeletedError, WebhookStateError

# Every one a 409: the request was well formed, the resource's state refuses it.
CONFLICTS: dict[type[ConflictError], tuple[str, str]] = {
    PlanNameTakenError: ("plan-name-taken", "Plan name taken"),
    SubscriptionStateError: ("subscription-state", "Subscription in the wrong state"),
    RefundNotAllowedError: ("refund-not-allowed", "Payment cannot be refunded"),
    NotAFailureError: ("not-a-failure", "Case did not fail"),
    SuiteNotOrderableError: ("suite-not-orderable", "Suite cannot be ordered by a model"),
    SuggestionStateError: ("suggestion-state", "Suggestion list in the wrong state"),
    DraftStateError: ("documentation-draft-state", "Documentation draft in the wrong state"),
    ProjectArchivedError: ("project-archived", "Project archived"),
    ProjectNotArchivedError: ("project-not-archived", "Project not archived"),
    SpecificationStateError: ("specification-state", "Specification in the wrong state"),
    NotManualSpecificationError: ("not-manual-specification", "Not a manual specification"),
    DuplicateEndpointError: ("duplicate-endpoint", "Endpoint already exists"),
    NoActiveSpecificationError: ("no-active-specification", "No active specification"),
    SpecificationNotParsedError: ("specification-not-parsed", "Specification not parsed"),
    SuiteArchivedError: ("suite-archived", "Suite archived"),
    OrderMismatchError: ("order-mismatch", "Not the suite's cases"),
    DuplicateCaseError: ("duplicate-case", "Case added twice"),
    CaseNotInSuiteError: ("case-not-in-suite", "Not a case of this suite"),
    UnknownEndpointsError: ("unknown-endpoints", "Not endpoints of the specification"),
    NothingToGenerateError: ("nothing-to-generate", "No case can be generated"),
    CaseHasDependantsError: ("case-has-dependants", "Other cases depend on this case"),
    ProposalDecidedError: ("proposal-decided", "Proposal already decided"),
    CaseDeletedError: ("case-deleted", "Test case deleted"),
    DuplicateDataSetError: ("duplicate-data-set", "Data set name taken"),
    EnvironmentDeletedError: ("environment-deleted", "Environment deleted"),
    FileDeletedError: ("file-deleted", "File deleted"),
    SuiteNotRunnableError: ("suite-not-runnable", "Suite cannot run"),
    NoEnvironmentError: ("no-environment", "No execution environment"),
    RunStatusError: ("run-status", "Run in the wrong status"),
    RoleAlreadyGrantedError: ("role-already-granted", "Role already held"),
    RoleNotHeldError: ("role-not-held", "Role not held"),
    AccountAlreadyDisabledError: ("account-already-disabled", "Account already disabled"),
    AccountNotDisabledError: ("account-not-disabled", "Account not disabled"),
    OwnAccountError: ("own-account", "Not on your own account"),
    InvitationUnusableError: ("invitation-unusable", "Invitation unusable"),
    NoPhoneNumberError: ("no-phone-number", "No phone number"),
    EmailTakenError: ("email-taken", "E-mail address taken"),
    TwoFactorAlreadyEnabledError: ("two-factor-enabled", "Two-factor already on"),
    TwoFactorNotEnabledError: ("two-factor-not-enabled", "Two-factor is off"),
    TwoFactorNotStartedError: ("two-factor-not-started", "No enrolment started"),
    CodeAlreadyUsedError: ("code-already-used", "Code already used"),
    AccountExistsError: ("account-exists", "Account exists: link it"),
    LoginTakenError: ("login-taken", "Provider account linked elsewhere"),
    LastSignInMethodError: ("last-sign-in-method", "Last way to sign in"),
    LoginNotLinkedError: ("login-not-linked", "Provider not linked"),
    ClaimAlreadyHeldError: ("claim-already-held", "Claim already held"),
    ClaimNotHeldError: ("claim-not-held", "Claim not held"),
    ApiKeyRevokedError: ("api-key-revoked", "API key already revoked"),
    ConcurrentChangeError: ("concurrent-change", "Conflict"),
    WebhookDeletedError: ("webhook-deleted", "Webhook deleted"),
    WebhookStateError: ("webhook-state", "Webhook already in that state"),
    SettingNotSetError: ("setting-not-set", "Setting already at its default"),
    TextNotEditedError: ("text-not-edited", "Text not edited"),
    CoverageNotReadyError: ("coverage-not-ready", "Coverage not calculated yet"),
    RunNotFinishedError: ("run-not-finished", "Run not ended"),
    ReportNotReadyError: ("report-not-ready", "Report not made"),
    TooManySchedulesError: ("too-many-schedules", "Too many schedules"),
    ScheduleDeletedError: ("schedule-deleted", "Schedule deleted"),
}


def conflict_type(error: ConflictError) -> tuple[str, str]:
    """This function will give the (slug, title) of a conflict, by its nearest named class."""
    for cls in type(error).__mro__:
        if cls in CONFLICTS:
            return CONFLICTS[cls]
    return "conflict", "Conflict"
