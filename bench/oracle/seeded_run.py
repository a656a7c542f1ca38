"""The seeded-bug apps, tested by Testament and by Schemathesis side by side.

A tool found a bug when, during that tool's run, the app's buggy path ran (the app records
the moment) and the tool reported a failure on the bug's operation. Time to find: from the
tool's start (Testament: the upload; Schemathesis: the command) to the bug's first trigger.
Both tools run at their defaults; Schemathesis with a fixed seed and a time budget so the
bench stays bounded.
"""

import json
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from bench.oracle.client import Client
from bench.oracle.corpus_run import environment_variables
from tests.support.seeded.apps import ALL
from tests.support.seeded.base import SeededApp
from tests.support.target_api import serve

# Schemathesis at its defaults runs until its examples are spent (two minutes an app here);
# it found every seeded bug within 20 s, so a budget keeps the bench bounded.
SCHEMATHESIS_MAX_TIME = 45


@dataclass
class ToolRun:
    found: dict[str, float] = field(default_factory=dict)  # bug id -> seconds to find
    failing_operations: set[str] = field(default_factory=set)
    seconds: float = 0.0
    note: str = ""


@dataclass
class AppOutcome:
    app: SeededApp
    testament: ToolRun
    schemathesis: ToolRun


@dataclass
class SeededOutcome:
    apps: list[AppOutcome]

    def found(self, tool: str) -> int:
        return sum(len(getattr(a, tool).found) for a in self.apps)

    def ratio(self) -> float:
        by_schemathesis = self.found("schemathesis")
        by_testament = self.found("testament")
        if by_schemathesis == 0:
            return float("inf") if by_testament else 1.0
        return by_testament / by_schemathesis


def _found(app: SeededApp, started: float, failing: set[str]) -> dict[str, float]:
    return {
        bug.id: app.triggered[bug.id] - started
        for bug in app.bugs
        if bug.id in app.triggered and bug.operation in failing
    }


def run_testament(client: Client, app: SeededApp, url: str, workdir: Path, seed: int) -> ToolRun:
    """This function will test one app with Testament at its defaults (generation and run)."""
    app.reset()
    run = ToolRun()
    document = workdir / f"{app.name}.json"
    document.write_text(json.dumps(app.document))
    started = time.monotonic()
    imported = client.import_spec(f"seeded {app.name}", document)
    suite = client.generate(imported.project_id, imported.spec["id"], seed, test_types=None)
    cases = {c["id"]: c for c in client.cases(suite["id"], suite["_position"])}
    # As a user reads docs/generation.md: the token in the environment's authentication, and
    # the variables the cases name and no case extracts (authToken when there is no login).
    variables = environment_variables(list(cases.values()), app.token or "seeded-token")
    environment = client.environment(imported.project_id, url, variables, token=app.token)
    results = client.run(suite["id"], environment["id"], 300)
    run.seconds = time.monotonic() - started
    for result in results["results"]:
        if result.get("status") == "Failed":
            run.failing_operations.add(cases[result["case_id"]]["endpoint_key"])
    run.found = _found(app, started, run.failing_operations)
    return run


def schemathesis_binary() -> Path | None:
    here = Path(sys.executable).with_name("schemathesis")
    return here if here.exists() else (Path(p) if (p := shutil.which("schemathesis")) else None)


def run_schemathesis(app: SeededApp, url: str, workdir: Path, seed: int) -> ToolRun:
    """This function will run `schemathesis run` at its defaults against the app."""
    app.reset()
    run = ToolRun()
    binary = schemathesis_binary()
    if binary is None:
        run.note = "schemathesis is not installed (pip install schemathesis)"
        return run
    junit = workdir / f"{app.name}-schemathesis.xml"
    started = time.monotonic()
    done = subprocess.run(
        [
            str(binary),
            "run",
            f"{url}/openapi.json",
            "--seed",
            str(seed),
            "--max-time",
            str(SCHEMATHESIS_MAX_TIME),
            "--report",
            "junit",
            "--report-junit-path",
            str(junit),
            *(["--header", f"Authorization: Bearer {app.token}"] if app.token else []),
        ],
        capture_output=True,
        text=True,
        timeout=SCHEMATHESIS_MAX_TIME + 120,
        cwd=workdir,
    )
    run.seconds = time.monotonic() - started
    if not junit.exists():
        run.note = f"no report (exit {done.returncode}): {done.stdout[-300:]} {done.stderr[-300:]}"
        return run
    for case in ElementTree.parse(junit).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            run.failing_operations.add(str(case.get("name", "")).strip())
    run.found = _found(app, started, run.failing_operations)
    return run


def run_seeded(client: Client, workdir: Path, seed: int) -> SeededOutcome:
    workdir.mkdir(parents=True, exist_ok=True)
    outcomes = []
    for factory in ALL:
        app = factory()
        with serve(app.app) as url:
            testament = run_testament(client, app, url, workdir, seed)
            schemathesis = run_schemathesis(app, url, workdir, seed)
        outcomes.append(AppOutcome(app, testament, schemathesis))
        print(
            f"seeded {app.name}: Testament {len(testament.found)}/{len(app.bugs)} in "
            f"{testament.seconds:.1f}s, Schemathesis {len(schemathesis.found)}/{len(app.bugs)}"
            f" in {schemathesis.seconds:.1f}s {schemathesis.note[:200]}",
            flush=True,
        )
    return SeededOutcome(outcomes)


def print_seeded(outcome: SeededOutcome) -> None:
    print(f"{'seeded bug':<28}{'kind':<32}{'Testament':>12}{'Schemathesis':>14}")
    for a in outcome.apps:
        for bug in a.app.bugs:
            cells = []
            for run in (a.testament, a.schemathesis):
                cells.append(f"{run.found[bug.id]:.1f}s" if bug.id in run.found else "missed")
            print(f"{bug.id:<28}{bug.kind:<32}{cells[0]:>12}{cells[1]:>14}")
    total = sum(len(a.app.bugs) for a in outcome.apps)
    t_time = sum(a.testament.seconds for a in outcome.apps)
    s_time = sum(a.schemathesis.seconds for a in outcome.apps)
    print(
        f"{'found':<60}{outcome.found('testament'):>5}/{total} {outcome.found('schemathesis'):>7}/{total}"
    )
    print(f"{'wall time of the tools (s)':<60}{t_time:>7.1f} {s_time:>10.1f}")
    false_alarms = {
        tool: sorted(
            op
            for a in outcome.apps
            for op in getattr(a, tool).failing_operations
            if op not in {b.operation for b in a.app.bugs}
        )
        for tool in ("testament", "schemathesis")
    }
    for tool, operations in false_alarms.items():
        print(f"failures on operations with no seeded bug ({tool}): {operations or 'none'}")


__all__ = ["SeededOutcome", "print_seeded", "run_seeded"]
