"""Following a run to its end: over server-sent events (GET /runs/{id}/events), falling back
to polling GET /runs/{id} when the stream cannot be had or breaks; and its results fetched in
pages, so a run of thousands of cases is not one answer of many megabytes."""

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from interfaces.cli.run import FINISHED, ApiError, Session

RESULTS_PAGE = 200

Progress = Callable[[dict[str, Any]], None]


def _events(response: httpx.Response) -> Iterator[tuple[str, dict[str, Any]]]:
    kind = ""
    for line in response.iter_lines():
        if line.startswith("event: "):
            kind = line[7:]
        elif line.startswith("data: "):
            yield kind, json.loads(line[6:])


def follow_events(
    session: Session, run: dict[str, Any], progress: Progress, deadline: float
) -> dict[str, Any] | None:
    """This function will follow the run's event stream until its final summary; None when
    the stream is not available or ends early (the caller polls instead)."""
    timeout = httpx.Timeout(30, read=max(1.0, deadline - time.monotonic()))
    try:
        with session.client.stream("GET", f"/runs/{run['id']}/events", timeout=timeout) as response:
            if response.status_code != 200:
                return None
            done = 0
            for kind, data in _events(response):
                if kind == "case":
                    done += 1
                    progress({**run, "cases_seen": done})
                elif kind == "summary":
                    run = data
                    progress(run)
                    if run["status"] in FINISHED:
                        return run
                if time.monotonic() >= deadline:
                    return None
    except (httpx.HTTPError, ValueError):
        return None
    return None


def follow_polling(
    session: Session, run: dict[str, Any], progress: Progress, deadline: float
) -> dict[str, Any] | None:
    """This function will poll the run every half second until it finishes; None when it
    did not finish before the deadline."""
    while run["status"] not in FINISHED:
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.5)
        run = session.call("GET", f"/runs/{run['id']}")
        progress(run)
    return run


def follow(
    session: Session, run: dict[str, Any], progress: Progress, timeout: float
) -> tuple[dict[str, Any] | None, str]:
    """This function will follow a run to its end: (the finished run or None, and "events" or
    "polling", how it was followed)."""
    deadline = time.monotonic() + timeout
    if run["status"] in FINISHED:
        return run, "events"
    finished = follow_events(session, run, progress, deadline)
    if finished is not None:
        return finished, "events"
    # The stream failed or ended early: the run's state now, then poll.
    latest = session.call("GET", f"/runs/{run['id']}")
    return follow_polling(session, latest, progress, deadline), "polling"


def all_results(session: Session, run_id: str, page: int = RESULTS_PAGE) -> list[dict[str, Any]]:
    """This function will fetch every case's result of a finished run, a page at a time."""
    results: list[dict[str, Any]] = []
    offset: int | None = 0
    while offset is not None:
        answer = session.call(
            "GET", f"/runs/{run_id}/results", params={"offset": offset, "limit": page}
        )
        results.extend(answer.get("results", []))
        next_offset = answer.get("next_offset")
        if next_offset is not None and next_offset <= offset:
            raise ApiError("GET /runs/{id}/results gave a page that does not move on")
        offset = next_offset
    return results
