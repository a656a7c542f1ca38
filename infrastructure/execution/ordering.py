"""Which earlier cases a case waits for, besides those it depends on, so that running cases
concurrently gives what the plan's order gives.

Cases run concurrently unless their order can matter. A case waits for an earlier case when:

- it reads a variable the earlier case extracts (the latest such case);
- it extracts a variable the earlier case extracts, or read since the last extraction (a
  later login must not replace the token under the cases still using the first);
- it addresses a created resource (an extracted variable in its URL) the earlier case also
  addresses, or reads since: a generated suite reads ``/pets/{{petId}}``, orders it with
  ``{"petId": "{{petId}}"}``, and deletes it last; run together, the delete could come
  first and the others would find nothing;
- it reads a resource the earlier case addressed last.

A variable is read wherever a case resolves it: its request and expectations, and the
environment's default headers, which every request carries. Waiting for the last case of
each chain is enough: that one waited for the one before it. Only variables some case
extracts count; the environment's and the data sets' never change.
"""

from collections.abc import Iterable, Iterator
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


class _Access:
    """What one case does with the run's variables."""

    def __init__(self, case: ExecutionCase, written: set[str], always_read: set[str]) -> None:
        request = case.request
        self.reads = (set(_names(request)) | set(_names(case.expectations)) | always_read) & written
        self.addresses = set(_names([request.get("url"), request.get("path_params")])) & written
        self.writes = _extracted(case)


class _Chains:
    """The last cases to touch each variable and resource, walking the plan in order."""

    def __init__(self) -> None:
        self.writer: dict[str, str] = {}
        self.readers: dict[str, list[str]] = {}
        self.addresser: dict[str, str] = {}
        self.users: dict[str, list[str]] = {}  # read a resource since it was last addressed

    def before(self, access: _Access) -> set[str]:
        """This function will give the earlier cases a case with these accesses waits for."""
        waits = {self.writer[name] for name in access.reads | access.writes if name in self.writer}
        for name in access.writes:
            waits.update(self.readers.get(name, ()))
        waits.update(self.addresser[name] for name in access.reads if name in self.addresser)
        for name in access.addresses:
            waits.update(self.users.get(name, ()))
        return waits

    def add(self, case_id: str, access: _Access) -> None:
        """This function will make a case the last to touch what it reads, writes, addresses."""
        for name in access.reads:
            self.readers.setdefault(name, []).append(case_id)
        for name in access.writes:
            self.writer[name] = case_id
            self.readers[name] = []
        for name in access.addresses:
            self.addresser[name] = case_id
            self.users[name] = []
        for name in access.reads - access.addresses:
            self.users.setdefault(name, []).append(case_id)


def ordering_waits(
    cases: list[ExecutionCase], always_read: Iterable[str] = ()
) -> dict[str, set[str]]:
    """This function will give, for each case that has any, the earlier cases it waits for.

    ``always_read``: the variables every request reads (the environment's default headers)."""
    written = set().union(*(_extracted(case) for case in cases)) if cases else set()
    if not written:
        return {}  # nothing changes during the run: every case may go at once
    chains = _Chains()
    waits: dict[str, set[str]] = {}
    always = set(always_read)
    for case in cases:
        # Two cases extracting the same variable keep their order even when no case reads
        # it: the run's variables, as it ends, are the last extraction's in the plan.
        access = _Access(case, written, always)
        before = chains.before(access) - {case.id}
        if before:
            waits[case.id] = before
        chains.add(case.id, access)
    return waits
