"""Who made a change, and from where: carried by every domain event."""

from typing import NotRequired, TypedDict


class Meta(TypedDict):
    """The context of a command: stored on each event it records.

    A plain dict, so the event store's JSON transcoder keeps it as it is.
    """

    user_id: str | None
    ip: str | None
    user_agent: str | None
    correlation_id: str | None
    reason: str | None
    # The API key the request authenticated with, when it did (user_id is then its owner).
    api_key_id: NotRequired[str]


def system_meta(reason: str | None = None, correlation_id: str | None = None) -> Meta:
    """This function will describe a change made by Testament itself, not by a user."""
    return Meta(
        user_id=None, ip=None, user_agent="testament", correlation_id=correlation_id, reason=reason
    )
