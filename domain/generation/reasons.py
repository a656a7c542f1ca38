"""The words of a proposal: why each case sits where it does, and what was considered."""

from dataclasses import dataclass

from domain.generation.credentials import AUTH_TOKEN
from domain.generation.dependencies import DependencyPlan
from domain.generation.suite import GeneratedCase
from domain.testing.values import TestType

PHASES = ("create", "read", "update", "delete")


@dataclass(frozen=True, kw_only=True, slots=True)
class OrderFacts:
    """What placed the cases: their CRUD steps, the deletes held back, the happy paths.

    ``phases`` maps a case key to its CRUD step (an index into ``PHASES``);
    ``deferred`` maps a DELETE's happy path to the cases it waits for; ``happy`` maps an
    operation key to the key of its happy path.
    """

    phases: dict[str, int]
    deferred: dict[str, list[str]]
    happy: dict[str, str]


class Explainer:
    """A writer of the concrete reason each case sits where it does."""

    def __init__(self, cases: list[GeneratedCase], plan: DependencyPlan, facts: OrderFacts) -> None:
        self._cases = {case.key: case for case in cases}
        self._plan = plan
        self._facts = facts

    def reason(self, key: str) -> str:
        """This function will explain the place of one case, naming the cases it follows."""
        case = self._cases[key]
        auth = self._plan.auth
        if auth and case.endpoint_key == auth.endpoint_key and case.test_type == TestType.HappyPath:
            return f"authentication first: provides {AUTH_TOKEN} for the secured operations"
        parts = [self._dependency(case, needed) for needed in case.depends_on]
        waited = self._facts.deferred.get(key)
        if waited:
            parts.append(
                f"deletes the {self._resource(case)} last, after the {len(waited)} other "
                "cases that use it"
            )
        first = self._facts.happy.get(case.endpoint_key)
        if case.test_type != TestType.HappyPath and first is not None:
            parts.append(f"{case.test_type.value.lower()} case of its operation, after {first}")
        if not parts:
            phase = PHASES[self._facts.phases[key]]
            parts.append(
                f"needs nothing from other cases: placed by resource and CRUD step ({phase})"
            )
        return "; ".join(parts)

    def _dependency(self, case: GeneratedCase, needed: str) -> str:
        producer = needed.split("#", 1)[0]
        auth = self._plan.auth
        if auth is not None and producer == auth.endpoint_key:
            return f"runs after {needed}, which provides {AUTH_TOKEN}"
        for binding in self._plan.bindings.get(case.endpoint_key, []):
            if binding.producer_key == producer:
                return (
                    f"runs after {needed}, which creates the {binding.resource} whose id it "
                    f"uses ({{{{{binding.variable}}}}})"
                )
        return f"runs after {needed}, whose response it uses"

    def _resource(self, case: GeneratedCase) -> str:
        for binding in self._plan.bindings.get(case.endpoint_key, []):
            if f"{{{{{binding.variable}}}}}" in case.request.url:
                return binding.resource
        return "resource"


def considered_factors(
    cases: list[GeneratedCase], plan: DependencyPlan, facts: OrderFacts
) -> list[str]:
    """This function will name the factors that shaped the order, the ones that applied."""
    found = []
    if any(case.depends_on for case in cases):
        found.append("dependencies")
    if plan.auth is not None and any(case.endpoint_key == plan.auth.endpoint_key for case in cases):
        found.append("auth flow")
    if facts.deferred or len(set(facts.phases.values())) > 1:
        found.append("CRUD lifecycle")
    found += ["test type order", "specification order"]
    return found


def summary(cases: list[GeneratedCase], plan: DependencyPlan, facts: OrderFacts) -> str:
    """This function will sum up the ordering rules that applied, in a few sentences."""
    sentences = []
    auth = plan.auth
    if auth is not None and any(case.endpoint_key == auth.endpoint_key for case in cases):
        sentences.append(f"{auth.endpoint_key} runs first: {auth.why}; it provides {AUTH_TOKEN}.")
    if any(case.depends_on for case in cases):
        sentences.append("Operations that create a resource run before the cases using its id.")
    if facts.deferred:
        sentences.append("Within a resource: create, read, update, and delete last.")
    sentences.append("For each operation: happy path, then boundaries, then negatives.")
    return " ".join(sentences)
