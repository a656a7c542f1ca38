"""The wall clock, the only one in Testament (the domain takes times as arguments)."""

from datetime import UTC, datetime


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)
