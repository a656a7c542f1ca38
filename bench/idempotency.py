"""Benchmark of the Idempotency-Key check (not a test).

    .venv/bin/python bench/idempotency.py [--n 600]

`POST /projects` against a real `testament serve` process (servers mode, on a throwaway
database), over one keep-alive connection: without a key (the baseline) and with a new key
on every request (the check: read the body, HMAC it, claim the key, seal and store the
answer). The two run interleaved, in rounds, so the machine's load weighs on both alike.
Also printed: a replay (the same key and body again), which runs no command.

Ends with `TARGET idempotency_overhead measured=<keyed/unkeyed mean latency> goal=1.1`.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench.commands import PASSWORD, serve, throwaway_servers  # noqa: E402

GOAL = 1.1
ROUNDS = 6


def _login(base_url: str) -> dict[str, str]:
    email = f"bench-idem-{uuid.uuid4().hex[:8]}@example.com"
    httpx.post(
        f"{base_url}/auth/register", json={"email": email, "password": PASSWORD}
    ).raise_for_status()
    token = httpx.post(
        f"{base_url}/auth/login", json={"email": email, "password": PASSWORD}
    ).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def _post(client: httpx.Client, headers: dict[str, str], i: int, key: str | None) -> float:
    extra = {"Idempotency-Key": key} if key else {}
    started = time.perf_counter()
    answer = client.post("/projects", json={"name": f"bench {i}"}, headers={**headers, **extra})
    elapsed = time.perf_counter() - started
    if answer.status_code != 201:
        raise RuntimeError(f"POST /projects answered {answer.status_code}: {answer.text}")
    return elapsed


def _figures(label: str, latencies: list[float]) -> float:
    mean = statistics.fmean(latencies) * 1000
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    print(
        f"{label:<32} n={len(latencies):>5}  mean {mean:7.2f} ms  p50 {cuts[49] * 1000:7.2f} ms"
        f"  p99 {cuts[98] * 1000:7.2f} ms"
    )
    return mean


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=600, help="requests per side")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}")
    with (
        tempfile.TemporaryDirectory() as tmp,
        throwaway_servers(Path(tmp)) as servers,
        serve(servers, Path(tmp)) as base_url,
        httpx.Client(base_url=base_url) as client,
    ):
        headers = _login(base_url)
        for i in range(50):  # warm-up of both paths
            _post(client, headers, i, None)
            _post(client, headers, i, f"warm-{i}-{uuid.uuid4()}")
        plain: list[float] = []
        keyed: list[float] = []
        per_round = max(args.n // ROUNDS, 1)
        for r in range(ROUNDS):
            for i in range(per_round):
                plain.append(_post(client, headers, r * per_round + i, None))
            for i in range(per_round):
                keyed.append(_post(client, headers, r * per_round + i, str(uuid.uuid4())))
        replayed = []
        key = str(uuid.uuid4())
        _post(client, headers, 0, key)
        for _ in range(per_round):
            replayed.append(_post(client, headers, 0, key))
    baseline = _figures("POST /projects, no key", plain)
    measured = _figures("POST /projects, new key", keyed)
    _figures("POST /projects, replayed key", replayed)
    ratio = measured / baseline
    median = statistics.median(keyed) / statistics.median(plain)
    print(f"keyed / unkeyed mean latency: {ratio:.3f} (p50: {median:.3f})")
    print(
        f"TARGET idempotency_overhead measured={ratio:.3f} goal={GOAL} met={'yes' if ratio <= GOAL else 'no'}"
    )


if __name__ == "__main__":
    main()
