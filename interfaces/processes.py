"""The long-running parts of Testament, startable in one process or in separate ones."""

import gc
import logging
import os
import threading
from datetime import timedelta

import dramatiq

from infrastructure.projections.catalog import READ_MODELS
from infrastructure.projections.runner import ProjectionRunner, supervise
from infrastructure.projections.wakeups import LogWaker, ProjectionLocks
from infrastructure.settings import Settings
from interfaces.bootstrap import Runtime
from interfaces.workers.broker import WORKER_POLL_MS, new_worker
from interfaces.workers.queued import send_unless_queued
from projections.outbox.projection import OutboxProjection

log = logging.getLogger(__name__)


def projecting(settings: Settings) -> Settings:
    """This function will give settings whose read-model pool has a connection for every
    projection thread, and for the tickers and the requests beside them.

    A projection thread holds a connection while it waits for its log's events: with fewer
    connections than threads, some projections starved while the others caught up (the
    projects projection applied nothing for over 30 s after a busy test session)."""
    # One more for the process manager that assigns the Free plan (Runtime.processes).
    threads = sum(len(model.projection.follows) for model in READ_MODELS) + 1
    return settings.model_copy(update={"pool_size": max(settings.pool_size, threads + 4)})


def start_projections(runtime: Runtime, stop: threading.Event) -> list[threading.Thread]:
    """This function will run every projection in its own supervised thread, woken by one
    LISTEN connection per log, with every single-instance lock held on one connection.

    Raises ProjectionAlreadyRunningError when another process already runs one of them.
    """
    locks = ProjectionLocks(runtime.servers.database_url)
    wakers: dict[str, LogWaker] = {}
    threads = []
    runners = [*runtime.runners(), *runtime.processes()]
    publish_right_after_commit(runners)
    for runner in runners:
        locks.acquire(runner.name, runner.log_name)
        if runner.log_name not in wakers:
            channel = runner.application.recorder.channel_name  # type: ignore[attr-defined]
            wakers[runner.log_name] = LogWaker(runtime.servers.database_url, channel, stop)
        thread = threading.Thread(
            target=supervise,
            args=(runner, stop, wakers[runner.log_name].subscribe()),
            name=f"projection-{runner.name}-{runner.log_name}",
            daemon=True,
        )
        threads.append(thread)
    for waker in wakers.values():
        waker.start()
    for thread in threads:
        thread.start()

    def release_when_stopped() -> None:
        stop.wait()
        for thread in threads:
            thread.join(timeout=5)
        locks.close()

    threading.Thread(target=release_when_stopped, name="projection-locks", daemon=True).start()
    return threads


def publish_right_after_commit(runners: list[ProjectionRunner]) -> None:
    """This function will make each outbox projection publish the rows it has just
    committed, in its own thread. Call it after `configure_broker`.

    The projection is woken by its log's NOTIFY, so a queued run reaches the worker's queue
    a few milliseconds after its event commits, instead of at the next tick of the ticker
    (every 0.5 s) and one more queue hop. The message still leaves only from a committed
    row; the ticker stays as the safety net for a publish that failed (Redis away)."""
    from interfaces.workers.actors.outbox import publisher

    for runner in runners:
        if isinstance(runner.projection, OutboxProjection):
            runner.after_commit = publisher(runner.view.schema).publish_all


def start_outbox_ticker(
    runtime: Runtime, stop: threading.Event, interval: float = 0.5
) -> threading.Thread:
    """This function will ask a worker to publish whenever an outbox has unpublished rows,
    and to archive old rows hourly. Call it after `configure_broker`."""
    # Imported here, not at the top: an actor binds to the broker current at its import, and
    # importing it before `configure_broker` binds it to Dramatiq's default broker
    # (localhost:6379) instead of the configured one, which the worker then never consumes.
    from interfaces.workers.actors.outbox import (
        OUTBOX_SCHEMAS,
        archive_outbox,
        publish_outbox,
        publisher,
    )

    def tick() -> None:
        archive_every = 3600.0
        since_archive = archive_every
        while not stop.wait(interval):
            since_archive += interval
            for schema in OUTBOX_SCHEMAS:
                try:
                    # One publish message waiting per outbox: with no worker running, the
                    # queue would otherwise grow by two messages a second.
                    if publisher(schema).has_pending():
                        send_unless_queued(
                            runtime.redis,
                            runtime.settings.queue_namespace,
                            f"publish_outbox:{schema}",
                            publish_outbox,
                            60,
                            schema=schema,
                        )
                    if since_archive >= archive_every:
                        older = timedelta(days=runtime.settings.outbox_archive_after_days)
                        archive_outbox.send(
                            schema=schema, older_than_seconds=int(older.total_seconds())
                        )
                except Exception:
                    log.exception("the outbox ticker failed; trying again")
            if since_archive >= archive_every:
                since_archive = 0.0

    thread = threading.Thread(target=tick, name="outbox-ticker", daemon=True)
    thread.start()
    return thread


def start_run_maintenance(
    runtime: Runtime, stop: threading.Event, interval: float = 15.0
) -> threading.Thread:
    """This function will ask a worker, every interval, to resume stalled runs, to archive
    expired results, to fire the schedules due, to forget expired idempotency answers, to
    purge expired files, to expire lapsed subscriptions and to take audit digests (one
    message of each kind waiting at most)."""
    from interfaces.workers.actors.audit import take_audit_digest
    from interfaces.workers.actors.runs import (
        archive_expired_results,
        fire_due_schedules,
        forget_idempotent_answers,
        purge_expired_files,
        resume_stalled_runs,
    )
    from interfaces.workers.actors.subscriptions import expire_lapsed_subscriptions

    ttl = max(int(interval * 10), 60)
    namespace = runtime.settings.queue_namespace

    def tick() -> None:
        while not stop.wait(interval):
            try:
                send_unless_queued(
                    runtime.redis, namespace, "resume_stalled_runs", resume_stalled_runs, ttl
                )
                send_unless_queued(
                    runtime.redis,
                    namespace,
                    "archive_expired_results",
                    archive_expired_results,
                    ttl,
                )
                send_unless_queued(
                    runtime.redis,
                    namespace,
                    "expire_lapsed_subscriptions",
                    expire_lapsed_subscriptions,
                    ttl,
                )
                # The worker takes one only when the last is older than the period.
                send_unless_queued(
                    runtime.redis, namespace, "take_audit_digest", take_audit_digest, ttl
                )
                send_unless_queued(
                    runtime.redis, namespace, "fire_due_schedules", fire_due_schedules, ttl
                )
                send_unless_queued(
                    runtime.redis,
                    namespace,
                    "forget_idempotent_answers",
                    forget_idempotent_answers,
                    ttl,
                )
                send_unless_queued(
                    runtime.redis, namespace, "purge_expired_files", purge_expired_files, ttl
                )
            except Exception:
                log.exception("the run maintenance ticker failed; trying again")

    thread = threading.Thread(target=tick, name="run-maintenance", daemon=True)
    thread.start()
    return thread


def start_webhook_sweeper(
    runtime: Runtime, stop: threading.Event, interval: float = 5.0
) -> threading.Thread:
    """This function will ask a worker, every interval, to queue the webhook deliveries and
    the notifications that are due and not held (one sweep message of each waiting at most),
    and hourly to archive old notifications."""
    from interfaces.workers.actors.notifications import archive_messages, sweep_messages
    from interfaces.workers.actors.webhooks import sweep_webhooks

    ttl = max(int(interval * 10), 60)
    namespace = runtime.settings.queue_namespace

    def tick() -> None:
        archive_every, since_archive = 3600.0, 3600.0
        while not stop.wait(interval):
            since_archive += interval
            try:
                send_unless_queued(runtime.redis, namespace, "sweep_webhooks", sweep_webhooks, ttl)
                send_unless_queued(runtime.redis, namespace, "sweep_messages", sweep_messages, ttl)
                if since_archive >= archive_every:
                    since_archive = 0.0
                    days = runtime.settings.message_archive_after_days
                    archive_messages.send(older_than_seconds=days * 86400)
            except Exception:
                log.exception("the webhook sweeper failed; trying again")

    thread = threading.Thread(target=tick, name="webhook-sweeper", daemon=True)
    thread.start()
    return thread


def settle_startup_objects() -> None:
    """This function will move everything loaded so far (modules, the composition root) out
    of the garbage collector's reach: it lives as long as the process. A run keeps its
    results alive for a batch, which sets off full collections; without this, each of them
    walked the few hundred thousand objects of the imports for nothing."""
    gc.collect()
    gc.freeze()


def start_worker(threads: int = 4, poll_ms: int = WORKER_POLL_MS) -> dramatiq.Worker:
    """This function will start a Dramatiq worker on the configured broker, in this process;
    an idle one looks at its queues every poll_ms."""
    settle_startup_objects()
    worker = new_worker(dramatiq.get_broker(), threads=threads, poll_ms=poll_ms)
    worker.start()
    return worker


def stop_everything(
    stop: threading.Event,
    worker: dramatiq.Worker | None,
    runtime: Runtime,
    *,
    grace_seconds: float = 10.0,
) -> None:
    """This function will stop the worker, the runtime and the embedded servers, in bounded
    time: when a thread is stuck (a message still running, a blocked connection), the
    embedded servers are stopped anyway and the process ends, rather than outliving them or
    leaving them behind."""
    stop.set()
    embedded = runtime.servers.embedded

    def last_resort() -> None:
        log.error(
            "shutdown took over %.0f s; stopping the embedded servers and exiting", grace_seconds
        )
        if embedded is not None:
            embedded.stop()
        os._exit(1)

    watchdog = threading.Timer(grace_seconds, last_resort)
    watchdog.daemon = True
    watchdog.start()
    try:
        if worker is not None:
            # Dramatiq waits 10 minutes by default for running messages; their retry or
            # time limit brings them back, so a few seconds is enough.
            worker.stop(timeout=int(grace_seconds * 500))
    finally:
        runtime.close()
        watchdog.cancel()
