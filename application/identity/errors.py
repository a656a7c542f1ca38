"""Errors the identity context raises."""

from domain.shared.errors import ConflictError, DomainError


class EmailTakenError(ConflictError):
    """An e-mail address that another account already uses."""


class InvalidCredentialsError(DomainError):
    """An e-mail and password that do not match an account."""
