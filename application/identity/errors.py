"""Errors the identity context raises."""

from domain.shared.errors import ConflictError, DomainError


class EmailTakenError(ConflictError):
    """An e-mail address that another account already uses."""


class OwnAccountError(ConflictError):
    """An Admin taking the Admin role from themselves, or disabling their own account: the
    deployment could be left with no Admin."""


class InvalidCredentialsError(DomainError):
    """An e-mail and password that do not match an account."""


class AccountLockedError(DomainError):
    """An account locked out by repeated failed log-ins, for `retry_after` more seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "too many failed log-ins for this account or from this address; "
            f"retry in {retry_after} seconds"
        )
        self.retry_after = retry_after


class AccountDisabledError(DomainError):
    """An account an Admin disabled: it may not log in, and its sessions are over."""


class RegistrationClosedError(DomainError):
    """A registration on a deployment that opens no accounts itself."""


class InvitationRequiredError(DomainError):
    """A registration without a usable invitation, on a deployment that requires one."""


class InvalidSecondFactorError(DomainError):
    """A one-time code or recovery code that does not match (counted as a failed log-in)."""


class TooManyMessagesError(DomainError):
    """More codes asked for, or tried, than the throttle allows, for `retry_after` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(f"{message}; retry in {retry_after} seconds")
        self.retry_after = retry_after
