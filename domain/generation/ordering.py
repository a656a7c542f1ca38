"""The System proposal of an execution order, and the reason for each place in it.

The order is a topological sort of the cases (stable and deterministic) over three
kinds of edges: data dependencies (``depends_on``), an operation's happy path before its
other cases, and a resource's DELETE after every other case that uses the resource.
Among the cases free to run, the next is chosen by: authentication first, then resource
(in specification order), CRUD step (create, read, update, delete), operation, and
test type (happy path, boundary, negative).
"""

import heapq
import re
from collections.abc import Callable
from dataclasses import dataclass

from domain.generation.dependencies import DependencyPlan
from domain.generation.reasons import Explainer, OrderFacts, considered_factors, summary
from domain.generation.resources import collection_path, endpoint_key, is_parameter, segments, shape
from domain.generation.suite import GeneratedCase, GeneratedProposal, ProposedPosition
from domain.specifications.parsed import ParsedEndpoint
from domain.testing.values import TestType

_PLACEHOLDER = re.compile(r"\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}")
_TYPE_RANK = {TestType.HappyPath: 0, TestType.Boundary: 1, TestType.Negative: 2}


@dataclass(frozen=True, kw_only=True, slots=True)
class _Facts:
    """What the order of one case depends on."""

    case: GeneratedCase
    endpoint: ParsedEndpoint
    rank: tuple[int, int, int, int, int, int]


def crud_phase(method: str, path: str) -> int:
    """This function will place an operation in its resource's lifecycle: 0 create ... 3 delete."""
    on_item = bool(segments(path)) and is_parameter(segments(path)[-1])
    verb = method.upper()
    if verb == "POST":
        return 2 if on_item else 0
    if verb in ("PUT", "PATCH"):
        return 2
    return 3 if verb == "DELETE" else 1


def propose_order(
    cases: list[GeneratedCase], endpoints: list[ParsedEndpoint], plan: DependencyPlan
) -> GeneratedProposal:
    """This function will order the cases and explain each position."""
    by_key = {endpoint_key(item): item for item in endpoints}
    groups: dict[str, int] = {}
    for item in endpoints:
        groups.setdefault(collection_path(item.path), len(groups))
    auth_key = plan.auth.endpoint_key if plan.auth else None
    spec_index = {key: index for index, key in enumerate(by_key)}
    facts: dict[str, _Facts] = {}
    for index, case in enumerate(cases):
        endpoint = by_key[case.endpoint_key]
        rank = (
            0 if case.endpoint_key == auth_key else 1,
            groups[collection_path(endpoint.path)],
            crud_phase(endpoint.method, endpoint.path),
            spec_index[case.endpoint_key],
            _TYPE_RANK[case.test_type],
            index,
        )
        facts[case.key] = _Facts(case=case, endpoint=endpoint, rank=rank)
    graph = _Graph(list(facts))
    for case in cases:
        for needed in case.depends_on:
            graph.add(needed, case.key)
    happy = {case.endpoint_key: case.key for case in cases if case.test_type == TestType.HappyPath}
    for case in cases:
        first = happy.get(case.endpoint_key)
        if first is not None and first != case.key:
            graph.add(first, case.key)
    deferred = _delete_last(cases, facts, graph)
    ordered = graph.sorted(lambda key: facts[key].rank)
    order_facts = OrderFacts(
        phases={key: fact.rank[2] for key, fact in facts.items()}, deferred=deferred, happy=happy
    )
    explainer = Explainer(cases, plan, order_facts)
    positions = [
        ProposedPosition(case_key=key, position=number, reason=explainer.reason(key))
        for number, key in enumerate(ordered, start=1)
    ]
    return GeneratedProposal(
        order=positions,
        considered_factors=considered_factors(cases, plan, order_facts),
        summary=summary(cases, plan, order_facts),
    )


def _delete_last(
    cases: list[GeneratedCase], facts: dict[str, _Facts], graph: "_Graph"
) -> dict[str, list[str]]:
    """This function will make each DELETE of a resource wait for the other users of it."""
    deferred: dict[str, list[str]] = {}
    for case in cases:
        endpoint = facts[case.key].endpoint
        if case.test_type != TestType.HappyPath or crud_phase(endpoint.method, endpoint.path) != 3:
            continue
        scope = shape(endpoint.path)
        deleted = _last_placeholder(case.request.url)
        later = graph.reachable(case.key)
        for other in cases:
            if other.endpoint_key == case.endpoint_key or other.key in later:
                continue
            under = shape(facts[other.key].endpoint.path).startswith(scope)
            uses = deleted is not None and deleted in _PLACEHOLDER.findall(other.request.url)
            if under or uses:
                graph.add(other.key, case.key)
                deferred.setdefault(case.key, []).append(other.key)
    return deferred


def _last_placeholder(url: str) -> str | None:
    found = _PLACEHOLDER.findall(url.rstrip("/").rsplit("/", 1)[-1])
    return found[0] if found else None


class _Graph:
    """A directed graph of case keys, sorted topologically by a ranking among the ready."""

    def __init__(self, keys: list[str]) -> None:
        self._keys = keys
        self._after: dict[str, list[str]] = {key: [] for key in keys}
        self._before: dict[str, set[str]] = {key: set() for key in keys}

    def add(self, first: str, then: str) -> None:
        """This function will make ``then`` wait for ``first``."""
        if first in self._after and then in self._after and then not in self._after[first]:
            self._after[first].append(then)
            self._before[then].add(first)

    def reachable(self, start: str) -> set[str]:
        """This function will give every key that waits, directly or not, for ``start``."""
        seen, pending = {start}, [start]
        while pending:
            for following in self._after[pending.pop()]:
                if following not in seen:
                    seen.add(following)
                    pending.append(following)
        return seen

    def sorted(self, rank: Callable[[str], tuple[int, ...]]) -> list[str]:
        """This function will order the keys so each follows those it waits for.

        Among the keys free to go, the lowest rank goes first, which makes the order
        stable and deterministic; a cycle raises ``ValueError``.
        """
        waiting = {key: len(self._before[key]) for key in self._keys}
        ready = [(rank(key), key) for key, count in waiting.items() if count == 0]
        heapq.heapify(ready)
        ordered: list[str] = []
        while ready:
            _, key = heapq.heappop(ready)
            ordered.append(key)
            for following in self._after[key]:
                waiting[following] -= 1
                if waiting[following] == 0:
                    heapq.heappush(ready, (rank(following), following))
        if len(ordered) != len(self._keys):
            raise ValueError("the case dependencies form a cycle")
        return ordered
