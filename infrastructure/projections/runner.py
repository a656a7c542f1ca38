"""Runs a projection over one application's log: batches, one transaction each, exactly once."""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from eventsourcing.application import Application

from infrastructure.postgres.pool import DictPool
from infrastructure.projections.stalls import clear_stall, record_stall, skipped_positions
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
        # Positions an operator skipped (`testament projections skip`), read on the first step
        # and again after a failure; a rebuild replays the log without them too.
        self._skipped: frozenset[int] | None = None
        self._stalled = False
        # Called after each batch commits, outside its transaction (an outbox publishes its
        # new rows at once). A failure is logged, not raised: what it missed is retried by
        # whoever owns that work (the outbox ticker), and the projection goes on.
        self.after_commit: Callable[[], object] | None = None

    def position(self) -> int:
        with self.pool.connection() as conn, conn.cursor() as cur:
            return read_position(cur, self.name, self.log_name)

    def step(self) -> int:
        """This function will apply the next batch of events and return how many there were."""
        # Read before taking the batch's connection: a step holds one connection at a time.
        # Asking the same pool for a second one while holding the first deadlocked the
        # projector when more runners than the pool has connections started together: each
        # held one and waited for another until the pool's 30 s timeout.
        skipped = self._skipped_positions()
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
                        if notification.id not in skipped:
                            self.projection.at = (self.log_name, notification.id)
                            self.projection.process_event(mapper.to_domain_event(notification))
            finally:
                self.view.bind(None)
            advance(cur, self.name, self.log_name, previous=previous, to=notifications[-1].id)
            if self._stalled:
                clear_stall(cur, self.name, self.log_name)
        self._stalled = False
        if self.after_commit is not None:
            try:
                self.after_commit()
            except Exception:
                log.exception("after projection %s committed, its follow-up failed", self.name)
        return len(notifications)

    def _skipped_positions(self) -> frozenset[int]:
        # Read again while stalled: the operator's skip is what lets the runner go on.
        if self._skipped is None or self._stalled:
            self._skipped = skipped_positions(self.pool, self.projection.name, self.log_name)
        return self._skipped

    def find_poison(self) -> tuple[int, str, str] | None:
        """This function will apply the next batch again, one event at a time (each under a
        savepoint, all rolled back), and return the position, topic and error of the first
        event that fails; None when none does (the failure was elsewhere, or has passed)."""
        self._skipped = None
        skipped = self._skipped_positions()
        mapper = self.application.mapper
        with self.pool.connection() as conn, conn.transaction(force_rollback=True):
            with conn.cursor() as cur:
                previous = read_position(cur, self.name, self.log_name)
            notifications = self.application.recorder.select_notifications(
                start=previous + 1, limit=self.batch_size
            )
            for notification in notifications:
                if notification.id in skipped:
                    continue
                try:
                    with conn.transaction(), conn.cursor() as cur:
                        self.view.bind(cur)
                        try:
                            self.projection.at = (self.log_name, notification.id)
                            self.projection.process_event(mapper.to_domain_event(notification))
                        finally:
                            self.view.bind(None)
                except Exception as error:
                    return notification.id, notification.topic, f"{type(error).__name__}: {error}"
        return None

    def report_failure(self) -> None:
        """This function will find the event the projection cannot apply, if one is to blame,
        and record it where /health and `testament projections status` show it."""
        poison = self.find_poison()
        if poison is None:
            return
        position, topic, error = poison
        record_stall(self.pool, self.name, self.log_name, position, topic, error)
        self._stalled = True
        log.error(
            "projection %s stopped at %s:%d (%s): %s. Fix the cause, or skip the event with "
            "`testament projections skip %s %s:%d --reason ...` (docs/runbook.md)",
            self.name,
            self.log_name,
            position,
            topic,
            error,
            self.name,
            self.log_name,
            position,
        )

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
            try:
                runner.report_failure()
            except Exception:  # the database itself may be what failed: the retry will tell
                log.exception("projection %s: could not find the failing event", runner.name)
            if time.monotonic() - started > 60:
                delay = 0.5
            stop.wait(delay)
            delay = min(delay * 2, 30.0)
