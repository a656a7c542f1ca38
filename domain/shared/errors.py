"""Domain errors: every invariant the domain refuses raises one of these."""


class DomainError(Exception):
    """A rule of the domain that a command broke."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(DomainError):
    """A thing that does not exist, or that the requester may not see."""


class ConflictError(DomainError):
    """A command that conflicts with the current state of an aggregate."""


class VersionMismatchError(DomainError):
    """A command made against a version of an aggregate that is no longer current."""

    def __init__(self, *, expected: int, current: int) -> None:
        super().__init__(f"expected version {expected}, but the current version is {current}")
        self.expected = expected
        self.current = current


class InvalidValueError(DomainError):
    """A value that breaks a rule of the domain, named by its field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class InvalidValuesError(InvalidValueError):
    """Several values of one command that break rules, each named by its field (a batch
    names its items by index: `cases.3.name`)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__(errors[0][0], errors[0][1])
        self.message = f"{len(errors)} invalid value(s), the first {self.message}"
        self.errors = errors


class TokenNotValidError(InvalidValueError):
    """A single-use token (e-mail confirmation, password reset) that is not one Testament
    has pending: unknown, already used or expired. A state, not a form: the OpenAPI document
    states the token's form, and a token of that form can still be refused here
    (docs/problems.md#token-not-valid)."""

    def __init__(self, field: str = "token") -> None:
        super().__init__(field, "is unknown, already used or expired; ask for a new one")


class InconsistentValuesError(InvalidValueError):
    """Values each well formed that break a rule between them: two items of a list under one
    name, a path parameter its path does not have. JSON Schema, and so the OpenAPI document,
    can state a value's form, not these rules: the problem type says which kind of refusal
    this is (docs/problems.md#inconsistent-values)."""


class InconsistentItemsError(InvalidValuesError, InconsistentValuesError):
    """Several items of one command, each well formed, every one refused for a rule between
    values (a batch whose only refusals are repeated names): the same kind of refusal as one
    such item, reported per item."""
