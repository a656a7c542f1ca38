"""Which earlier cases a case waits for, besides those it depends on, so that running cases
concurrently gives what the plan's order gives.

Cases run concurrently unless their order can matter. A case waits for an earlier case when:

- it reads a variable the earlier case extracts (the latest such case);
- it extracts a variable the earlier case extracts, or reads since the last extraction
  (a later login must not replace the token under the cases still using the first);
- both address the same created resource: a variable extracted in the run appears in both
  URLs. A generated suite reads ``/pets/{{petId}}`` and deletes it afterwards; run
  together, the delete could come first and the read would find nothing.

Waiting for the last case of each chain is enough: that one waited for the one before it.
Only variables some case extracts count; the environment's and the data sets' never change.
"""

from collections.abc import Iterator
from typing import Any

from application.testexec.execution import ExecutionCase
from infrastructure.execution.templating import Template


def _names(value: Any) -> Iterator[str]:
    """This function will give the variable names of every placeholder inside JSON data."""
    if isinstance(value, str):
        if "{{" in value:
            yield from Template(value).names
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _names(key)
            yield from _names(item)
    elif isinstance(value, list):
        for item in value:
            yield from _names(item)


def _extracted(case: ExecutionCase) -> set[str]:
    """This function will give the names of the variables a case extracts."""
    return {item["name"] for item in case.variables if isinstance(item.get("name"), str)}


class _Chains:
    """The last case to touch each variable and resource, walking the plan in order."""

    def __init__(self) -> None:
        self.writer: dict[str, str] = {}
        self.readers: dict[str, list[str]] = {}
        self.resource: dict[str, str] = {}

    def before(self, reads: set[str], writes: set[str], addresses: set[str]) -> set[str]:
        """This function will give the earlier cases a case with these accesses waits for."""
        waits = {self.writer[name] for name in reads | writes if name in self.writer}
        for name in writes:
            waits.update(self.readers.get(name, ()))
        waits.update(self.resource[name] for name in addresses if name in self.resource)
        return waits

    def add(self, case_id: str, reads: set[str], writes: set[str], addresses: set[str]) -> None:
        """This function will make a case the last to touch what it reads, writes, addresses."""
        for name in reads:
            self.readers.setdefault(name, []).append(case_id)
        for name in writes:
            self.writer[name] = case_id
            self.readers[name] = []
        for name in addresses:
            self.resource[name] = case_id


def ordering_waits(cases: list[ExecutionCase]) -> dict[str, set[str]]:
    """This function will give, for each case that has any, the earlier cases it waits for."""
    written = set().union(*(_extracted(case) for case in cases)) if cases else set()
    if not written:
        return {}  # nothing changes during the run: every case may go at once
    chains = _Chains()
    waits: dict[str, set[str]] = {}
    for case in cases:
        request = case.request
        reads = (set(_names(request)) | set(_names(case.expectations))) & written
        url = [request.get("url"), request.get("path_params")]
        addresses = set(_names(url)) & written
        writes = _extracted(case)
        before = chains.before(reads, writes, addresses) - {case.id}
        if before:
            waits[case.id] = before
        chains.add(case.id, reads, writes, addresses)
    return waits
