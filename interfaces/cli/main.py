"""The `testament` command: serve, migrate, worker, projector, rebuild, projections, users, key-ring,
and the REST API's clients (run, import-postman, and the Click commands of client.py)."""

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from infrastructure.projections.wakeups import ProjectionAlreadyRunningError
from infrastructure.settings import ConfigurationError, Settings
from interfaces.cli.console import divert_embedded_logs
from interfaces.cli.keys import add_key_commands


def _wait_for_signal(stop: threading.Event) -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    while not stop.wait(0.5):
        pass


def cmd_migrate(settings: Settings, _: argparse.Namespace) -> int:
    from interfaces.bootstrap import migrate

    runtime = migrate(settings)
    print("schema is up to date")
    runtime.close()
    return 0


def cmd_serve(settings: Settings, _: argparse.Namespace) -> int:
    import uvicorn

    from interfaces.bootstrap import build_runtime, migrate, resolve_servers
    from interfaces.cli.console import greeting
    from interfaces.http.app import create_app
    from interfaces.processes import (
        projecting,
        start_outbox_ticker,
        start_projections,
        start_run_maintenance,
        start_webhook_sweeper,
        start_worker,
        stop_everything,
    )
    from interfaces.workers.broker import configure_broker
    from interfaces.workers.context import set_runtime

    # uvicorn re-raises the SIGTERM it handled once it has shut down; with the default action
    # that kills the process before the `finally` below stops the worker and the embedded
    # servers (which then outlive it). Make it a normal exit, so the cleanup runs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if settings.embedded:  # this process runs the projections too
        settings = projecting(settings)
    servers = resolve_servers(settings)
    # Embedded mode owns its database, so it keeps its schema up to date itself.
    runtime = migrate(settings, servers) if settings.embedded else build_runtime(settings, servers)
    set_runtime(runtime)
    configure_broker(servers.redis_url, settings.queue_namespace)
    stop = threading.Event()
    worker = None
    if settings.embedded:
        start_projections(runtime, stop)
        start_outbox_ticker(runtime, stop, settings.outbox_poll_seconds)
        start_run_maintenance(runtime, stop, settings.maintenance_interval_seconds)
        start_webhook_sweeper(runtime, stop, settings.webhook_sweep_interval_seconds)
        worker = start_worker(poll_ms=settings.worker_poll_ms)
    print(greeting(settings), flush=True)
    try:
        if settings.web_workers > 1 and not settings.embedded:
            # Several API processes: each builds its own runtime from the environment.
            uvicorn.run(
                "interfaces.http.asgi:create_app_from_environment",
                factory=True,
                workers=settings.web_workers,
                host=settings.host,
                port=settings.port,
                log_level=settings.log_level.lower(),
                access_log=settings.access_log,
                timeout_graceful_shutdown=5,
            )
        else:
            uvicorn.run(
                create_app(runtime),
                host=settings.host,
                port=settings.port,
                log_level=settings.log_level.lower(),
                access_log=settings.access_log,
                # A request stuck on the database must not hold the shutdown for ever.
                timeout_graceful_shutdown=5,
            )
    finally:
        stop_everything(stop, worker, runtime)
    return 0


def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    from interfaces.bootstrap import build_runtime
    from interfaces.processes import start_worker
    from interfaces.workers.broker import configure_broker
    from interfaces.workers.context import set_runtime

    runtime = build_runtime(settings)
    set_runtime(runtime)
    configure_broker(runtime.servers.redis_url, settings.queue_namespace)
    worker = start_worker(args.threads, settings.worker_poll_ms)
    print(f"worker running with {args.threads} threads", flush=True)
    stop = threading.Event()
    _wait_for_signal(stop)
    worker.stop()
    runtime.close()
    return 0


def cmd_projector(settings: Settings, _: argparse.Namespace) -> int:
    from interfaces.bootstrap import build_runtime
    from interfaces.processes import (
        projecting,
        start_outbox_ticker,
        start_projections,
        start_run_maintenance,
        start_webhook_sweeper,
    )
    from interfaces.workers.broker import configure_broker
    from interfaces.workers.context import set_runtime

    settings = projecting(settings)
    runtime = build_runtime(settings)
    set_runtime(runtime)
    configure_broker(runtime.servers.redis_url, settings.queue_namespace)
    stop = threading.Event()
    threads = start_projections(runtime, stop)
    start_outbox_ticker(runtime, stop, settings.outbox_poll_seconds)
    start_run_maintenance(runtime, stop, settings.maintenance_interval_seconds)
    start_webhook_sweeper(runtime, stop, settings.webhook_sweep_interval_seconds)
    print(f"projector running {len(threads)} projections", flush=True)
    _wait_for_signal(stop)
    for thread in threads:
        thread.join(timeout=5)
    runtime.close()
    return 0


def cmd_rebuild(settings: Settings, args: argparse.Namespace) -> int:
    from infrastructure.projections.rebuild import rebuild
    from interfaces.bootstrap import build_runtime

    runtime = build_runtime(settings)
    try:
        report = rebuild(
            runtime.pool, runtime.applications(), args.name, apply=args.apply, progress=print
        )
    finally:
        runtime.close()
    for table in report.tables:
        print(
            f"{table.name}: live {table.live_rows} rows, rebuilt {table.rebuilt_rows} rows, {table.differing} differ"
        )
    print(f"positions: {report.positions}")
    if report.equal:
        print(f"{args.name}: the rebuilt read model equals the live one")
        return 0
    print(
        f"{args.name}: the rebuilt read model DIFFERS from the live one"
        + (" (live replaced)" if report.applied else "")
    )
    return 0 if report.applied else 1


def cmd_projections_status(settings: Settings, _: argparse.Namespace) -> int:
    from infrastructure.projections.stalls import read_stalls
    from infrastructure.projections.tracking import read_position
    from interfaces.bootstrap import build_runtime

    runtime = build_runtime(settings)
    try:
        heads = {
            name: app.recorder.max_notification_id() or 0
            for name, app in runtime.applications().items()
        }
        stalled = 0
        with runtime.pool.connection() as conn, conn.cursor() as cur:
            stalls = read_stalls(cur)
            for runner in runtime.runners():
                position = read_position(cur, runner.name, runner.log_name)
                line = f"{runner.name} on {runner.log_name}: at {position}, lag {heads[runner.log_name] - position}"
                stall = stalls.get((runner.name, runner.log_name))
                if stall is not None:
                    stalled += 1
                    line += (
                        f"; STALLED at {stall.log}:{stall.position} ({stall.topic}) since"
                        f" {stall.since:%Y-%m-%d %H:%M:%S}, {stall.attempts} attempts: {stall.error}"
                    )
                print(line)
    finally:
        runtime.close()
    return 1 if stalled else 0


def cmd_projections_skip(settings: Settings, args: argparse.Namespace) -> int:
    from infrastructure.projections.catalog import read_model
    from infrastructure.projections.stalls import SkipRefusedError, skip_event
    from interfaces.bootstrap import build_runtime
    from interfaces.http.dependencies import parse_position

    read_model(args.name)  # a KeyError naming the known read models
    try:
        log_name, position = parse_position(args.position)
    except Exception:
        print("testament: a position looks like apidoc:42, as /health shows it", file=sys.stderr)
        return 2
    runtime = build_runtime(settings)
    try:
        application = runtime.applications().get(log_name)
        if application is None:
            raise SkipRefusedError(f"no log named {log_name!r}")
        record = skip_event(runtime.pool, application, args.name, log_name, position, args.reason)
    except SkipRefusedError as error:
        print(f"testament: {error}", file=sys.stderr)
        return 2
    finally:
        runtime.close()
    print(
        f"{args.name}: skipped {log_name}:{position} ({record['topic']}, aggregate"
        f" {record['originator_id']} version {record['originator_version']}), recorded in"
        " projections.skipped_events; the projection goes on with the next event"
    )
    return 0


def cmd_create_admin(settings: Settings, args: argparse.Namespace) -> int:
    import getpass

    from application.identity.commands import CreateAdmin
    from domain.shared.meta import system_meta
    from interfaces.bootstrap import build_runtime

    password = args.password or getpass.getpass("password: ")
    runtime = build_runtime(settings)
    try:
        written = runtime.identity.create_admin(
            CreateAdmin(
                email=args.email,
                password=password,
                meta=system_meta("testament users create-admin"),
            )
        )
    finally:
        runtime.close()
    print(f"{args.email} is an Admin (user id {written.aggregate_id})")
    return 0


def _audit_database(settings: Settings, args: argparse.Namespace) -> tuple[str, Any]:
    """The database to audit: --database-url (an auditor's copy), the configured one, or the
    embedded one (started, and returned to be stopped)."""
    if getattr(args, "database_url", None):
        return args.database_url, None
    if settings.database_url:
        return settings.database_url, None
    from interfaces.bootstrap import resolve_servers

    servers = resolve_servers(settings)
    return servers.database_url, servers.embedded


def cmd_verify(settings: Settings, args: argparse.Namespace) -> int:
    """This function will re-walk the hash chain; exit 1 at the first mismatch of any log."""
    import psycopg

    from infrastructure.audit.chain import LOGS
    from infrastructure.audit.digests import DigestError, read_file
    from infrastructure.audit.verify import verify

    try:
        pinned = read_file(Path(args.digest)) if args.digest else None
    except (OSError, DigestError) as error:
        print(f"testament: {error}", file=sys.stderr)
        return 2
    url, embedded = _audit_database(settings, args)
    try:
        with psycopg.connect(url) as conn:
            # One snapshot for the whole walk, and nothing written.
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            conn.read_only = True
            result = verify(
                conn,
                logs=tuple(args.log) if args.log else LOGS,
                from_position=args.from_position,
                digest_file=pinned,
                # Long logs walked in ranges, one connection per core, in conn's snapshot.
                connect=lambda: psycopg.connect(url),
                workers=os.cpu_count() or 1,
            )
    finally:
        if embedded is not None:
            embedded.stop()
    for log, count in result.events.items():
        position, link = result.heads.get(log, (0, b""))
        print(f"{log}: {count} events linked, head {position} {link.hex()[:16]}")
    print(f"digests checked: {result.digests}")
    for finding in result.findings:
        print(f"MISMATCH {finding}")
    if result.intact:
        print("the chain holds")
        return 0
    return 1


def cmd_audit_digest(settings: Settings, args: argparse.Namespace) -> int:
    """This function will sign a digest of the chain now, and export every digest to a file."""
    import psycopg

    from infrastructure.audit.digests import DigestSigner, read_digests, take_digest, write_file

    url, embedded = _audit_database(settings, args)
    try:
        signer = DigestSigner(
            secret_key=settings.resolved_secret_key(), signing_key=settings.audit_signing_key
        )
        with psycopg.connect(url, autocommit=True) as conn:
            digest = take_digest(conn, signer) if not args.no_new else None
            digests = read_digests(conn)
    finally:
        if embedded is not None:
            embedded.stop()
    if digest is not None:
        print(f"digest {digest.number} signed by {digest.public_key}")
    if args.out:
        count = write_file(Path(args.out), digests)
        print(f"{count} digests written to {args.out}")
    return 0


def rebuildable_names() -> list[str]:
    """This function will name every read model `rebuild` accepts, from the catalog."""
    from infrastructure.projections.catalog import READ_MODELS

    return [model.name for model in READ_MODELS if model.rebuildable]


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="testament", description="Testament: API test automation, event-sourced."
    )
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "serve", help="run the API (and, embedded, the worker and projections)"
    ).set_defaults(func=cmd_serve)
    commands.add_parser("migrate", help="create every table once").set_defaults(func=cmd_migrate)
    worker = commands.add_parser("worker", help="run a Dramatiq worker")
    worker.add_argument("--threads", type=int, default=4)
    worker.set_defaults(func=cmd_worker)
    commands.add_parser(
        "projector", help="run every projection and the outbox ticker"
    ).set_defaults(func=cmd_projector)
    rebuild = commands.add_parser(
        "rebuild", help="rebuild a read model from position zero and compare it"
    )
    names = rebuildable_names()
    rebuild.add_argument("name", choices=names, metavar="name", help=", ".join(names))
    rebuild.add_argument(
        "--apply", action="store_true", help="replace the live tables when they differ"
    )
    rebuild.set_defaults(func=cmd_rebuild)
    projections = commands.add_parser(
        "projections", help="where each projection stands; skip an event one cannot apply"
    ).add_subparsers(dest="projections_command", required=True)
    projections.add_parser(
        "status", help="position, lag and any stall of every projection (exit 1 when stalled)"
    ).set_defaults(func=cmd_projections_status)
    skip = projections.add_parser(
        "skip",
        help="skip the event a projection is stopped at, with an audit record (docs/runbook.md)",
    )
    skip.add_argument("name", help="the projection, as /health names it (e.g. specifications)")
    skip.add_argument(
        "position", help="the event it is stopped at, as /health shows it (apidoc:42)"
    )
    skip.add_argument("--reason", required=True, help="why; kept with the skipped event")
    skip.set_defaults(func=cmd_projections_skip)
    commands.add_parser("run", help="run a suite through the REST API (see testament run --help)")
    for name, summary in CLIENT_COMMANDS.items():
        commands.add_parser(name, help=f"{summary} (a client of the REST API; see its --help)")
    commands.add_parser(
        "import-postman", help="import a Postman collection as a suite (see its --help)"
    )
    add_key_commands(commands)
    verify = commands.add_parser(
        "verify", help="re-walk the audit hash chain; exit 1 at the first mismatch"
    )
    verify.add_argument(
        "--log",
        action="append",
        choices=("identity", "apidoc", "storage", "testgen", "testexec"),
        help="a log to walk (repeatable); default all",
    )
    verify.add_argument(
        "--from", dest="from_position", type=int, default=1, help="the first position walked"
    )
    verify.add_argument("--digest", help="a digest file kept outside the system, also checked")
    verify.add_argument("--database-url", help="a copy to verify instead of the configured one")
    verify.set_defaults(func=cmd_verify)
    digest = commands.add_parser(
        "audit-digest", help="sign a digest of the hash chain now; --out exports every digest"
    )
    digest.add_argument("--out", help="write every digest (JSON lines) to this file")
    digest.add_argument("--no-new", action="store_true", help="export only, sign nothing")
    digest.add_argument("--database-url", help="the database, instead of the configured one")
    digest.set_defaults(func=cmd_audit_digest)
    users = commands.add_parser("users", help="manage accounts").add_subparsers(
        dest="users_command", required=True
    )
    admin = users.add_parser("create-admin", help="create an Admin, or make an account Admin")
    admin.add_argument("--email", required=True)
    admin.add_argument("--password", help="prompted for when omitted")
    admin.set_defaults(func=cmd_create_admin)
    return root


# The client commands (interfaces/cli/client.py, on Click): they need no server settings.
CLIENT_COMMANDS = {
    "login": "log in once; the session or API key is kept in a file only you can read",
    "logout": "end the saved session",
    "whoami": "the account the credentials act as",
    "projects": "list projects",
    "specs": "list a project's specifications",
    "suites": "list a project's suites",
    "runs": "list runs, show a run's failures, follow a live run",
    "keys": "API keys for machines: create, list, revoke",
    "test": "CI in one command: import, generate, approve and run",
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] and argv[0] in CLIENT_COMMANDS:
        import interfaces.cli.ci_test  # noqa: F401 - registers `test` on the client group
        from interfaces.cli.client import main as client_main

        return client_main(argv)
    if argv[:1] == ["run"]:
        # A client of the REST API: it needs no server settings.
        from interfaces.cli.run import main as run_main

        return run_main(argv[1:])
    if argv[:1] == ["import-postman"]:
        from interfaces.cli.import_postman import main as import_main

        return import_main(argv[1:])
    args = parser().parse_args(argv)
    settings = Settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    divert_embedded_logs(settings)
    try:
        code: int = args.func(settings, args)
        return code
    except (ConfigurationError, ProjectionAlreadyRunningError) as error:
        print(f"testament: {error}", file=sys.stderr)
        return 2
    except KeyError as error:
        print(f"testament: {error.args[0]}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
