"""Benchmark of the audit hash chain (not a test).

    .venv/bin/python bench/audit.py [--n 2000] [--rounds 20] [--events 100000]

Uses TESTAMENT_DATABASE_URL / TESTAMENT_REDIS_URL when both are set, embedded servers
otherwise; always works in a fresh throwaway database, dropped at the end. Measures:

  a. the write path: in-process `ApidocApplication.create_project` (one event per
     transaction, the hot case) at 1 and 4 threads, with the chain's trigger enabled and
     disabled on the apidoc log, interleaved in rounds so the machine's load weighs on both
     alike; the baseline is the same commands without the chain, in the same run;
  b. verification: `verify()` over an apidoc log of at least `--events` events (written 100
     per transaction, chain on), events per second, as `testament verify` runs it (ranges
     walked on one connection per core, one snapshot) and on one connection; the baseline
     is a plain read of the same rows (no hashing) in the same run.

It ends with one `TARGET ...` line per target; see bench/README.md.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from bench.commands import (  # noqa: E402
    SECRET,
    build_log,
    in_process_command,
    throwaway_servers,
    timed,
)
from infrastructure.audit.verify import verify  # noqa: E402
from infrastructure.settings import Settings  # noqa: E402
from interfaces.bootstrap import migrate  # noqa: E402

OVERHEAD_GOAL = 1.1
VERIFY_GOAL = 50_000
THREADS = (1, 4)


def set_chain(database_url: str, enabled: bool) -> None:
    """This function will enable or disable the apidoc log's link trigger (the bench only)."""
    action = "ENABLE" if enabled else "DISABLE"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f"ALTER TABLE apidoc_events {action} TRIGGER link_event")


def plain_read(database_url: str) -> tuple[int, float]:
    """The baseline of verification: the same rows read, nothing hashed."""
    started = time.perf_counter()
    count = 0
    with psycopg.connect(database_url) as conn, conn.cursor(name="plain") as cursor:
        cursor.itersize = 5000
        cursor.execute(
            "SELECT notification_id, originator_id, originator_version, topic, state"
            " FROM apidoc_events ORDER BY notification_id"
        )
        for _ in cursor:
            count += 1
    return count, time.perf_counter() - started


def timed_verify(database_url: str, workers: int) -> tuple[int, float]:
    """`testament verify`'s walk: REPEATABLE READ, `workers` connections sharing its snapshot
    (the command uses one per core; 1 is the walk on one connection)."""
    started = time.perf_counter()
    with psycopg.connect(database_url) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        result = verify(
            conn,
            logs=("apidoc",),
            connect=lambda: psycopg.connect(database_url),
            workers=workers,
        )
    seconds = time.perf_counter() - started
    if not result.intact:
        raise RuntimeError(f"the bench's own chain does not verify: {result.findings}")
    return result.events["apidoc"], seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=2000, help="commands per measurement (2000)")
    parser.add_argument("--rounds", type=int, default=20, help="interleaved rounds (20)")
    parser.add_argument("--events", type=int, default=100_000, help="log to verify (100000)")
    args = parser.parse_args(argv)
    configured = os.environ.get("TESTAMENT_DATABASE_URL") and os.environ.get("TESTAMENT_REDIS_URL")
    print(
        f"Testament audit bench: n={args.n}, rounds={args.rounds}, events>={args.events}, on"
        f" {'the configured' if configured else 'embedded'} servers, {os.cpu_count()} CPUs,"
        f" load average {os.getloadavg()[0]:.2f}"
    )
    with (
        tempfile.TemporaryDirectory(prefix="testament-bench-") as tmp,
        throwaway_servers(Path(tmp)) as servers,
    ):
        settings = Settings(
            database_url=servers.database_url,
            redis_url=servers.redis_url,
            secret_key=SECRET,
            data_dir=Path(tmp) / "data",
        )
        runtime = migrate(settings, servers)
        url = servers.database_url
        try:
            command = in_process_command(runtime)
            timed("warm-up", 200, max(THREADS), command)
            rates: dict[tuple[bool, int], list[float]] = {}
            per_round = max(1, args.n // args.rounds)
            print("a. create_project with and without the chain, interleaved ...", flush=True)
            for round_number in range(args.rounds):
                # Alternate which goes first, so neither always meets a warmer cache.
                order = (True, False) if round_number % 2 == 0 else (False, True)
                for chained in order:
                    set_chain(url, chained)
                    for threads in THREADS:
                        run = timed("create_project", per_round, threads, command)
                        rates.setdefault((chained, threads), []).append(run.per_second)
            set_chain(url, True)
            ratios = []
            for threads in THREADS:
                with_chain = statistics.median(rates[(True, threads)])
                without = statistics.median(rates[(False, threads)])
                ratios.append(without / with_chain)
                print(
                    f"  {threads} thread(s): {with_chain:8.1f} commands/s with the chain,"
                    f" {without:8.1f} without (median of {args.rounds} rounds);"
                    f" cost ratio {without / with_chain:.3f}"
                )
            overhead = max(ratios)

            print("b. verify over a log built with the chain on ...", flush=True)
            # The rounds without the chain left unlinked events: start the log afresh.
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("TRUNCATE apidoc_events")
                conn.execute("DELETE FROM storage.event_links WHERE log = 'apidoc'")
            written, write_seconds = build_log(runtime, args.events)
            print(f"  wrote {written} events in {write_seconds:.1f} s")
            plain_read(url)  # both start from a warm cache
            rows, read_seconds = plain_read(url)
            workers = os.cpu_count() or 1
            events, one_seconds = timed_verify(url, 1)
            events, verify_seconds = timed_verify(url, workers)
            per_second = events / verify_seconds
            print(
                f"  verify on one connection: {events / one_seconds:,.0f} events/s;"
                f" as `testament verify` ({workers} connections): {events} events in"
                f" {verify_seconds:.2f} s = {per_second:,.0f} events/s; plain read of the same"
                f" rows: {rows / read_seconds:,.0f} rows/s (verify at"
                f" {per_second / (rows / read_seconds):.2f} of it)"
            )
        finally:
            runtime.close()
    print(
        f"TARGET chain_write_overhead measured={overhead:.3f} goal={OVERHEAD_GOAL}"
        f" met={'yes' if overhead <= OVERHEAD_GOAL else 'no'}"
    )
    print(
        f"TARGET verify_events_per_s measured={per_second:.0f} goal={VERIFY_GOAL}"
        f" met={'yes' if per_second >= VERIFY_GOAL else 'no'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
