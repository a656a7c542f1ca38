"""Runs a projection over one application's log: batches, one transaction each, exactly once."""

import logging
import threading
import time
from typing import Any

from eventsourcing.application import Application

from infrastructure.postgres.pool import DictPool
from infrastructure.projections.tracking import advance, read_position
from infrastructure.read_models.postgres.base import PostgresView
from projections.base import Projection

log = logging.getLogger(__name__)


class ProjectionRunner:
    """Applies the events of one log to one projection's tables.

    Each batch of events and the tracking position of its last event commit in one
    transaction, so a crash never applies an event twice or loses one. Batches make
    catching up on a long log fast (one round trip of tracking per batch, not per event).
    """

    def __init__(
        self,
        *,
        pool: DictPool,
        application: Application[Any],
        projection: Projection[Any],
        view: PostgresView,
        tracking_name: str | None = None,
        batch_size: int = 500,
    ) -> None:
        self.pool = pool
        self.application = application
        self.projection = projection
        self.view = view
        self.name = tracking_name or projection.name
        self.log_name = application.name
        self.batch_size = batch_size

    def position(self) -> int:
        with self.pool.connection() as conn, conn.cursor() as cur:
            return read_position(cur, self.name, self.log_name)

    def step(self) -> int:
        """This function will apply the next batch of events and return how many there were."""
        with self.pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
            previous = read_position(cur, self.name, self.log_name)
            notifications = self.application.recorder.select_notifications(
                start=previous + 1, limit=self.batch_size
            )
            if not notifications:
                return 0
            mapper = self.application.mapper
            self.view.bind(cur)
            try:
                # Pipeline mode: the view's statements are sent without waiting for each
                # result (a read forces a sync), so a batch costs a few round trips, not one
                # per statement. Leaving the block syncs and raises the first error, before
                # the tracking row moves.
                with conn.pipeline():
                    for notification in notifications:
                        self.projection.process_event(mapper.to_domain_event(notification))
            finally:
                self.view.bind(None)
            advance(cur, self.name, self.log_name, previous=previous, to=notifications[-1].id)
            return len(notifications)

    def catch_up(self, until: int | None = None) -> int:
        """This function will apply events until the log's head (or a given position) is reached."""
        total = 0
        while True:
            applied = self.step()
            total += applied
            if applied == 0 or (until is not None and self.position() >= until):
                return total

    def run(self, stop: threading.Event, wake: threading.Event) -> None:
        """This function will follow the log until stopped, woken when the log grows."""
        while not stop.is_set():
            if self.step() == self.batch_size:
                continue  # more is waiting: don't sleep
            # Woken by a NOTIFY, or every half second in case one was missed.
            wake.wait(0.5)
            wake.clear()


def supervise(runner: ProjectionRunner, stop: threading.Event, wake: threading.Event) -> None:
    """This function will keep a runner going, logging failures and retrying with backoff."""
    delay = 0.5
    while not stop.is_set():
        started = time.monotonic()
        try:
            runner.run(stop, wake)
        except Exception:
            log.exception(
                "projection %s on %s failed; retrying in %.1fs", runner.name, runner.log_name, delay
            )
            if time.monotonic() - started > 60:
                delay = 0.5
            stop.wait(delay)
            delay = min(delay * 2, 30.0)
