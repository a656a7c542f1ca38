"""The LocalizationEntry aggregate: one text (a problem title, a notification template) in
one language, as an Admin edited it."""

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.shared.errors import ConflictError
from domain.shared.meta import Meta
from domain.shared.values import require_text

VALUE_MAX = 4000
DESCRIPTION_MAX = 500


class TextNotEditedError(ConflictError):
    """A reset of a text that already is its default."""


def text_id(name: str, culture: str) -> UUID:
    """This function will give the one id of a text in a language, derived from both."""
    return uuid5(NAMESPACE_URL, f"testament:localization:{culture}:{name}")


class LocalizationEntry(Aggregate):
    """A text in a language: seeded from the code's default, editable, reset to the default.

    `edited` says whether an Admin's value is in force; when not, the code's default is
    (so a default improved in a later release reaches every text no one edited).
    """

    class Created(Aggregate.Created):
        name: str
        culture: str
        value: str
        description: str
        meta: Meta

    @staticmethod
    def create_id(name: str, culture: str, **_: object) -> UUID:
        return text_id(name, culture)

    @event(Created)
    def __init__(
        self, *, name: str, culture: str, value: str, description: str, meta: Meta
    ) -> None:
        self.name, self.culture, self.value, self.description = name, culture, value, description
        self.edited = False

    class Edited(Aggregate.Event):
        value: str
        meta: Meta

    def edit(self, *, value: str, meta: Meta) -> None:
        """This function will put an Admin's text in force. Raises InvalidValueError."""
        text = require_text("value", value, max_length=VALUE_MAX)
        if self.edited and text == self.value:
            return
        self._edit(value=text, meta=meta)

    @event(Edited)
    def _edit(self, *, value: str, meta: Meta) -> None:
        self.value = value
        self.edited = True

    class Reset(Aggregate.Event):
        value: str
        meta: Meta

    def reset(self, *, default: str, meta: Meta) -> None:
        """This function will put the code's default back. Raises TextNotEditedError."""
        if not self.edited:
            raise TextNotEditedError(f"{self.name} ({self.culture}) is not edited")
        self._reset(value=default, meta=meta)

    @event(Reset)
    def _reset(self, *, value: str, meta: Meta) -> None:
        self.value = value
        self.edited = False


def require_description(description: str) -> str:
    return require_text("description", description, max_length=DESCRIPTION_MAX, allow_empty=True)
