"""Reading a run's server-sent events, as a follower does."""

import json
from collections.abc import Iterable, Iterator
from typing import Any


def run_events(lines: Iterable[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """This function will give (event, data) for each event of the stream, until the server
    closes it (after the summary of the finished run)."""
    kind = ""
    for line in lines:
        if line.startswith("event: "):
            kind = line[7:]
        elif line.startswith("data: "):
            yield kind, json.loads(line[6:])
