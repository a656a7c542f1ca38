"""A user's notification preferences for one project: which events reach them, and how."""

from enum import StrEnum
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.shared.errors import InvalidValueError
from domain.shared.meta import Meta


class RunNotice(StrEnum):
    """When a finished run is told to its owner."""

    NEVER = "never"
    FAILED = "failed"
    ALWAYS = "always"


class Language(StrEnum):
    ENGLISH = "en"
    VIETNAMESE = "vi"


def choice(field: str, value: str, allowed: type[StrEnum]) -> str:
    """This function will accept one of an enumeration's values, naming the others."""
    values = [member.value for member in allowed]
    if value not in values:
        raise InvalidValueError(field, f"must be one of {', '.join(values)}")
    return value


class NotificationPreference(Aggregate):
    """What one user wants to hear about one project; its id derives from both."""

    # The SMS channel: a failed run is also told by SMS to a confirmed phone number (a
    # class default: preferences recorded before SMS existed replay without it).
    sms_run_failed = False

    @staticmethod
    def create_id(user_id: UUID, project_id: UUID) -> UUID:
        return uuid5(user_id, f"notification-preference:{project_id}")

    class Created(Aggregate.Created):
        user_id: UUID
        project_id: UUID
        meta: Meta

    @event(Created)
    def __init__(self, *, user_id: UUID, project_id: UUID, meta: Meta) -> None:
        self.user_id, self.project_id = user_id, project_id
        # The defaults: a failed run, a suite waiting for approval and a failed parse are
        # worth an e-mail; a passing run is not.
        self.run_finished = RunNotice.FAILED.value
        self.suite_waiting = True
        self.parse_failed = True
        self.language = Language.ENGLISH.value

    class Changed(Aggregate.Event):
        run_finished: str
        suite_waiting: bool
        parse_failed: bool
        language: str
        meta: Meta

    def change(
        self,
        *,
        run_finished: str,
        suite_waiting: bool,
        parse_failed: bool,
        language: str,
        meta: Meta,
        sms_run_failed: bool = False,
    ) -> None:
        """This function will set every preference at once (a PUT), after checking them."""
        fields = (
            choice("run_finished", run_finished, RunNotice),
            suite_waiting,
            parse_failed,
            choice("language", language, Language),
        )
        if fields != (self.run_finished, self.suite_waiting, self.parse_failed, self.language):
            self._change(
                run_finished=fields[0],
                suite_waiting=suite_waiting,
                parse_failed=parse_failed,
                language=fields[3],
                meta=meta,
            )
        if sms_run_failed != self.sms_run_failed:
            self._choose_sms(run_failed=sms_run_failed, meta=meta)

    @event(Changed)
    def _change(
        self,
        *,
        run_finished: str,
        suite_waiting: bool,
        parse_failed: bool,
        language: str,
        meta: Meta,
    ) -> None:
        self.run_finished, self.suite_waiting = run_finished, suite_waiting
        self.parse_failed, self.language = parse_failed, language

    class SmsChosen(Aggregate.Event):
        run_failed: bool
        meta: Meta

    @event(SmsChosen)
    def _choose_sms(self, *, run_failed: bool, meta: Meta) -> None:
        self.sms_run_failed = run_failed

    def wants_sms(self, *, failed: bool) -> bool:
        """This function will tell whether a finished run is worth an SMS (a failed one,
        when the SMS channel is chosen; whatever the e-mail preference)."""
        return failed and self.sms_run_failed

    def wants_run(self, *, failed: bool) -> bool:
        """This function will tell whether a finished run is worth telling."""
        if self.run_finished == RunNotice.ALWAYS:
            return True
        return failed and self.run_finished == RunNotice.FAILED
