"""Rule-based generation of a test suite from a parsed specification.

``generate_suite`` gives, for each chosen operation, a happy path, boundary cases and
negative cases (bounded by the options), the variables that chain them, and a System
proposal of the order to run them in. Operations the chosen ones need (the login
providing ``{{authToken}}``, the POST creating the resource whose id a path uses) are
added with their happy path and tagged "prerequisite". Same input, same output.
"""

from dataclasses import dataclass, field

from domain.generation.constraints import SchemaReader
from domain.generation.dependencies import DependencyPlan, plan_dependencies, unique_endpoints
from domain.generation.operation_cases import OperationCases
from domain.generation.ordering import propose_order
from domain.generation.report import GenerationReport, OperationReport
from domain.generation.request_builder import RequestBuilder
from domain.generation.resources import endpoint_key
from domain.generation.suite import (
    GeneratedCase,
    GeneratedProposal,
    GeneratedSuite,
    ProposedPosition,
)
from domain.generation.type_aliases import with_real_types
from domain.shared.errors import InvalidValueError
from domain.specifications.parsed import ParsedSpecification
from domain.testing.values import TestType

__all__ = [
    "GeneratedCase",
    "GeneratedProposal",
    "GeneratedSuite",
    "GenerationOptions",
    "ProposedPosition",
    "generate_suite",
]


@dataclass(frozen=True, kw_only=True, slots=True)
class GenerationOptions:
    """The knobs of rule-based generation: seed, kinds of cases and how many."""

    seed: int = 0
    test_types: list[TestType] = field(default_factory=lambda: list(TestType))
    max_cases_per_operation: int = 10
    max_boundary_cases_per_field: int = 4
    include_security_negatives: bool = True

    def __post_init__(self) -> None:
        if not self.test_types or len(set(self.test_types)) != len(self.test_types):
            raise InvalidValueError("test_types", "must name each wanted test type once")
        for test_type in self.test_types:
            TestType(test_type)
        if not 1 <= self.max_cases_per_operation <= 100:
            raise InvalidValueError("max_cases_per_operation", "must be between 1 and 100")
        if not 1 <= self.max_boundary_cases_per_field <= 20:
            raise InvalidValueError("max_boundary_cases_per_field", "must be between 1 and 20")


def generate_suite(
    spec: ParsedSpecification,
    endpoint_keys: list[str] | None,
    options: GenerationOptions | None = None,
) -> GeneratedSuite:
    """This function will generate the cases of the chosen operations and propose an order.

    ``endpoint_keys`` are "METHOD /path" keys ("GET /pets/{petId}"); None chooses every
    operation. An unknown key raises ``InvalidValueError``.
    """
    options = options or GenerationOptions()
    spec, type_notes = with_real_types(spec)
    plan = plan_dependencies(spec)
    endpoints = unique_endpoints(spec)
    chosen = _chosen(endpoint_keys, [endpoint_key(item) for item in endpoints])
    needed, providers = _with_prerequisites(chosen, plan)
    builder = RequestBuilder(plan=plan, reader=SchemaReader(spec.schemas), seed=options.seed)
    cases: list[GeneratedCase] = []
    notes: list[str] = [*_unresolved(spec), *type_notes, *plan.notes]
    operations: list[OperationReport] = []
    for endpoint in endpoints:
        key = endpoint_key(endpoint)
        if key in needed:
            maker = OperationCases(
                endpoint,
                builder,
                test_types=options.test_types,
                max_cases=options.max_cases_per_operation,
                per_field=options.max_boundary_cases_per_field,
                include_security=options.include_security_negatives,
                chosen=key in chosen,
            )
            cases += maker.cases(is_provider=key in providers)
            notes += [f"{key}: {note}" for note in maker.notes]
            operations.append(maker.report)
            if key not in chosen:
                notes.append(f"{key}: added as a prerequisite of the chosen operations")
    proposal = propose_order(cases, endpoints, plan)
    by_key = {case.key: case for case in cases}
    ordered = [by_key[key] for key in proposal.keys_in_order()]
    report = GenerationReport(
        operations=operations, notes=[*_unresolved(spec), *type_notes, *plan.notes]
    )
    return GeneratedSuite(cases=ordered, proposal=proposal, notes=notes, report=report.bounded())


def _chosen(endpoint_keys: list[str] | None, known: list[str]) -> list[str]:
    if endpoint_keys is None:
        return known
    unknown = [key for key in endpoint_keys if key not in known]
    if unknown:
        raise InvalidValueError("endpoint_keys", f"not operations of the specification: {unknown}")
    return [key for key in known if key in endpoint_keys]


def _with_prerequisites(chosen: list[str], plan: DependencyPlan) -> tuple[set[str], set[str]]:
    """This function will add, transitively, the operations the chosen ones need first."""
    needed, providers = set(chosen), set()
    pending = list(chosen)
    while pending:
        for prerequisite in plan.prerequisites(pending.pop()):
            providers.add(prerequisite)
            if prerequisite not in needed:
                needed.add(prerequisite)
                pending.append(prerequisite)
    return needed, providers


def _unresolved(spec: ParsedSpecification) -> list[str]:
    """This function will warn when the import left references to other files unresolved:
    what they name is missing from the cases (the import's issues start so)."""
    refs = [
        issue.message.split("'")[1]
        for issue in spec.issues
        if issue.message.startswith("external reference '") and issue.message.count("'") >= 2
    ]
    if not refs:
        return []
    shown = ", ".join(list(dict.fromkeys(refs))[:5])
    return [
        f"warning: the specification has {len(refs)} unresolved references to other files "
        f"({shown}); the schemas and parameters behind them are missing, so the cases send "
        "and check less than the API describes"
    ]
