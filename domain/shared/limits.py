"""Size limits every stored thing keeps to, and the error that names the one broken."""

from domain.shared.errors import DomainError


class TooLargeError(DomainError):
    """A command or an event bigger than a documented limit; it names the limit."""

    def __init__(self, *, limit: str, size: int, maximum: int, what: str) -> None:
        super().__init__(f"{what} is {size} bytes, over the {limit} limit of {maximum} bytes")
        self.limit, self.size, self.maximum = limit, size, maximum
