"""eventsourcing's mapper, keeping large event fields out of the event (ADR 0005).

A field whose transcoded JSON is BLOB_FROM_BYTES or more (a parsed specification's model,
a hand-typed endpoint's huge schema) is written first as a content-addressed blob; the
stored event keeps only `{"__blobs__": {field: sha256}}` in its place. Reading puts the
field back, checked against its checksum, before any upcaster runs, so aggregates,
projections, history and `rebuild` see the event exactly as it was raised.

An event stored with the field inline (everything written before this) has no `__blobs__`
and reads as it always did.
"""

from collections.abc import Hashable
from typing import Any, cast
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import (
    Cipher,
    Compressor,
    Mapper,
    MapperDeserialisationError,
    StoredEvent,
    Transcoder,
    find_id_convertor,
)
from eventsourcing.utils import get_topic, resolve_topic

from domain.shared.limits import TooLargeError
from infrastructure.postgres.blobs import BlobIntegrityError, PostgresBlobStore

BLOBS = "__blobs__"


class BlobMapper(Mapper[UUID]):
    """A mapper that stores large fields of an event as blobs referenced by checksum."""

    def __init__(
        self,
        transcoder: Transcoder,
        compressor: Compressor | None = None,
        cipher: Cipher | None = None,
        *,
        blobs: PostgresBlobStore,
        blob_from_bytes: int,
        max_event_bytes: int = 0,
    ) -> None:
        super().__init__(transcoder, compressor=compressor, cipher=cipher)
        self.blobs = blobs
        self.blob_from_bytes = blob_from_bytes
        self.max_event_bytes = max_event_bytes

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        topic = get_topic(domain_event.__class__)
        event_state = dict(vars(domain_event))
        originator_id = event_state.pop("originator_id")
        originator_version = event_state.pop("originator_version")
        class_version = getattr(type(domain_event), "class_version", 1)
        if class_version > 1:
            event_state["class_version"] = class_version
        stored_state = self._encode(event_state, topic)
        if self.compressor:
            stored_state = self.compressor.compress(stored_state)
        if self.cipher:
            stored_state = self.cipher.encrypt(stored_state)
        return StoredEvent(
            originator_id=originator_id,
            originator_version=originator_version,
            topic=topic,
            state=stored_state,
        )

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        cls = resolve_topic(stored_event.topic)
        stored_state = stored_event.state
        try:
            if self.cipher:
                stored_state = self.cipher.decrypt(stored_state)
            if self.compressor:
                stored_state = self.compressor.decompress(stored_state)
            event_state: dict[str, Any] = self.transcoder.decode(stored_state)
        except Exception as error:
            raise MapperDeserialisationError(
                f"Failed to deserialise state of stored event with topic"
                f" '{stored_event.topic}', originator_id '{stored_event.originator_id}' and"
                f" originator_version {stored_event.originator_version}: {error}"
            ) from error
        references = event_state.pop(BLOBS, None)
        if references:
            needed_by = (
                f"{stored_event.topic.rsplit(':', 1)[-1]} of {stored_event.originator_id}"
                f" version {stored_event.originator_version}"
            )
            for field, name in references.items():
                content = self.blobs.get(name, needed_by=f"{field} of {needed_by}")
                event_state[field] = self.transcoder.decode(content)
        convert = find_id_convertor(cls, cast(Hashable, type(stored_event.originator_id)))
        event_state["originator_id"] = convert(stored_event.originator_id)
        event_state["originator_version"] = stored_event.originator_version
        class_version = getattr(cls, "class_version", 1)
        from_version = event_state.pop("class_version", 1)
        while from_version < class_version:
            getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(event_state)
            from_version += 1
        domain_event = object.__new__(cls)
        object.__setattr__(domain_event, "__dict__", event_state)
        return cast(DomainEventProtocol[UUID], domain_event)

    def _encode(self, event_state: dict[str, Any], topic: str) -> bytes:
        """This function will encode the state, its large fields moved to blobs first.

        Raises TooLargeError when the whole change, blobs included, is over the limit.
        """
        whole = self.transcoder.encode(event_state)
        if self.max_event_bytes and len(whole) > self.max_event_bytes:
            raise TooLargeError(
                limit="TESTAMENT_MAX_EVENT_BYTES",
                size=len(whole),
                maximum=self.max_event_bytes,
                what=f"the event {topic.rsplit(':', 1)[-1]}",
            )
        if not self.blob_from_bytes or len(whole) < self.blob_from_bytes:
            return whole
        encoded = {name: self.transcoder.encode(value) for name, value in event_state.items()}
        large = [name for name, value in encoded.items() if len(value) >= self.blob_from_bytes]
        if not large:
            return whole
        kept = {name: value for name, value in event_state.items() if name not in large}
        kept[BLOBS] = {name: self.blobs.put(encoded[name]) for name in large}
        return self.transcoder.encode(kept)


__all__ = ["BLOBS", "BlobIntegrityError", "BlobMapper"]
