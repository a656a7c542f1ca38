"""The ConfigurationEntry aggregate: one runtime setting an Admin changed (one per key)."""

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.shared.errors import ConflictError
from domain.shared.meta import Meta


class SettingNotSetError(ConflictError):
    """A reset of a setting that already has its default value."""


def entry_id(key: str) -> UUID:
    """This function will give the one id of a setting's entry: derived from its key, so two
    Admins setting a key at once cannot make two entries."""
    return uuid5(NAMESPACE_URL, f"testament:config:{key}")


class ConfigurationEntry(Aggregate):
    """A setting's value as an Admin set it; reset, the deployment's default applies again.

    A sensitive value is sealed (encrypted) before it reaches an event: `value` then holds
    the sealed text, never the plain one.
    """

    class Created(Aggregate.Created):
        key: str
        value: str
        description: str
        is_sensitive: bool
        meta: Meta

    @staticmethod
    def create_id(key: str, **_: object) -> UUID:
        return entry_id(key)

    @event(Created)
    def __init__(
        self, *, key: str, value: str, description: str, is_sensitive: bool, meta: Meta
    ) -> None:
        self.key, self.value, self.description = key, value, description
        self.is_sensitive = is_sensitive
        self.is_set = True

    class Changed(Aggregate.Event):
        value: str
        description: str
        meta: Meta

    def change(self, *, value: str, description: str, meta: Meta) -> None:
        """This function will set a new value (a no-op when nothing differs)."""
        if self.is_set and (value, description) == (self.value, self.description):
            return
        self._change(value=value, description=description, meta=meta)

    @event(Changed)
    def _change(self, *, value: str, description: str, meta: Meta) -> None:
        self.value, self.description = value, description
        self.is_set = True

    class Reset(Aggregate.Event):
        meta: Meta

    def reset(self, *, meta: Meta) -> None:
        """This function will give the setting back to its default. Raises SettingNotSetError."""
        if not self.is_set:
            raise SettingNotSetError(f"{self.key} already has its default value")
        self._reset(meta=meta)

    @event(Reset)
    def _reset(self, *, meta: Meta) -> None:
        self.value = ""
        self.is_set = False
