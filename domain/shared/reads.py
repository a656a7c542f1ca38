"""A sensitive read, recorded: reads change nothing, but an auditor wants to know who took
a file's bytes or a whole export, from where, and when."""

from eventsourcing.domain import Aggregate, event

from domain.shared.meta import Meta


class SensitiveRead(Aggregate):
    """One read worth auditing, kept in the log of the context that served it: so it is in
    the hash chain and the audit log like any change (its audit entry's object is the thing
    read, not this record)."""

    class Recorded(Aggregate.Created):
        what: str
        object_id: str
        meta: Meta

    @event(Recorded)
    def __init__(self, *, what: str, object_id: str, meta: Meta) -> None:
        self.what = what
        self.object_id = object_id
