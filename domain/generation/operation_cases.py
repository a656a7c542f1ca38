"""The cases of one operation: a happy path, then boundaries and negatives in budget."""

import re

from domain.generation.boundary_cases import boundary_cases
from domain.generation.credentials import AUTH_TOKEN
from domain.generation.drafts import CaseDraft, statuses_text
from domain.generation.expectations import success_expectations
from domain.generation.negatives import negative_cases
from domain.generation.report import OperationReport, ReportedValue
from domain.generation.request_builder import HappyRequest, RequestBuilder
from domain.generation.resources import endpoint_key
from domain.generation.responses import expected_statuses
from domain.generation.suite import MAX_NAME_LENGTH, GeneratedCase
from domain.specifications.parsed import ParsedEndpoint
from domain.testing.values import Priority, TestType, VariableExtraction

_PLACEHOLDER = re.compile(r"\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}")
_MAX_TAG = 50


class OperationCases:
    """A maker of the cases of one operation, within a budget of cases.

    An operation that was not chosen (a prerequisite) only gets its happy path.
    """

    def __init__(
        self,
        endpoint: ParsedEndpoint,
        builder: RequestBuilder,
        *,
        test_types: list[TestType],
        max_cases: int,
        per_field: int,
        include_security: bool,
        chosen: bool,
    ) -> None:
        self.endpoint = endpoint
        self.key = endpoint_key(endpoint)
        self.builder = builder
        self.test_types = test_types
        self.max_cases = max_cases
        self.per_field = per_field
        self.include_security = include_security
        self.chosen = chosen
        self.notes: list[str] = []
        self.report = OperationReport(endpoint_key=self.key)

    def cases(self, *, is_provider: bool) -> list[GeneratedCase]:
        """This function will give the operation's cases: its happy path, then the rest.

        A provider (an operation others need) always gets its happy path, even when
        happy paths were not asked for, because the cases that follow rely on it.
        """
        types = self.test_types if self.chosen else [TestType.HappyPath]
        happy = self.builder.happy(self.endpoint)
        found: list[GeneratedCase] = []
        if TestType.HappyPath in types or is_provider:
            found.append(self._happy_case(happy, is_provider=is_provider))
        boundaries: list[CaseDraft] = []
        negatives: list[CaseDraft] = []
        rules: list[str] = []
        dropped: list[ReportedValue] = []
        if TestType.Boundary in types:
            found_boundaries = boundary_cases(
                self.endpoint,
                happy,
                self.builder,
                per_field=self.per_field,
            )
            boundaries, rules = found_boundaries.drafts, list(found_boundaries.rules)
            dropped += found_boundaries.dropped
        if TestType.Negative in types:
            negatives = negative_cases(
                self.endpoint,
                happy,
                self.builder,
                include_security=self.include_security,
                include_enum=TestType.Boundary not in types,
            )
            rules += list(dict.fromkeys(f"negative: {d.suffix.split(':')[1]}" for d in negatives))
        budget = self.max_cases - len(found)
        keys = {case.key for case in found}
        taken = _alternate(boundaries, negatives, budget)
        for draft in taken:
            case = self._case(draft)
            if case.key not in keys:
                keys.add(case.key)
                found.append(case)
        taken_ids = {id(draft) for draft in taken}
        dropped += [
            ReportedValue(
                case=draft.suffix,
                value=draft.value,
                reason=f"over the budget of {self.max_cases} cases for this operation",
            )
            for draft in [*boundaries, *negatives]
            if id(draft) not in taken_ids
        ]
        status_note = expected_statuses(self.endpoint)[1]
        self.notes = [*([status_note] if status_note else []), *self.builder.take_notes()]
        values = {f"{self.key}#{d.suffix}": d.value for d in [*boundaries, *negatives]}
        self.report = OperationReport(
            endpoint_key=self.key,
            rules=rules,
            kept=[
                ReportedValue(case=case.key.partition("#")[2], value=values.get(case.key, ""))
                for case in found
            ],
            dropped=dropped,
            notes=list(self.notes),
        )
        return found

    def _label(self) -> str:
        return self.endpoint.summary.strip() or self.endpoint.operation_id or self.key

    def _name(self, title: str) -> str:
        name = f"{self._label()}: {title}"
        return name if len(name) <= MAX_NAME_LENGTH else name[: MAX_NAME_LENGTH - 3] + "..."

    def _tags(self, *extra: str) -> list[str]:
        tags = [tag[:_MAX_TAG] for tag in [*self.endpoint.tags, *extra] if tag.strip()]
        if not self.chosen:
            tags.append("prerequisite")
        return list(dict.fromkeys(tags))

    def _happy_case(self, happy: HappyRequest, *, is_provider: bool) -> GeneratedCase:
        plan = self.builder.plan
        variables = list(plan.extractions.get(self.key, []))
        is_auth = plan.auth is not None and plan.auth.endpoint_key == self.key
        if plan.auth is not None and is_auth:
            variables.insert(0, plan.auth.extraction)
        expectations = success_expectations(self.endpoint, self.builder.reader, variables)
        return GeneratedCase(
            key=f"{self.key}#happy",
            name=self._name("a valid request succeeds"),
            description=_happy_description(self.key, expectations.expected_status, variables),
            endpoint_key=self.key,
            test_type=TestType.HappyPath,
            priority=Priority.Critical if is_provider else Priority.High,
            tags=self._tags("happy-path", *(["auth"] if is_auth else [])),
            request=happy.request,
            expectations=expectations,
            variables=variables,
            depends_on=self._depends_on(happy.request.to_json()),
        )

    def _case(self, draft: CaseDraft) -> GeneratedCase:
        return GeneratedCase(
            key=f"{self.key}#{draft.suffix}",
            name=self._name(draft.title),
            description=draft.description,
            endpoint_key=self.key,
            test_type=draft.test_type,
            priority=draft.priority,
            tags=self._tags(*draft.tags),
            request=draft.request,
            expectations=draft.expectations,
            depends_on=self._depends_on(draft.request.to_json()),
        )

    def _depends_on(self, request: object) -> list[str]:
        """This function will name the happy paths producing the variables a request uses."""
        plan = self.builder.plan
        producers = {
            binding.variable: binding.producer_key for binding in plan.bindings.get(self.key, [])
        }
        if plan.auth is not None and plan.needs_auth_step(self.key):
            producers[AUTH_TOKEN] = plan.auth.endpoint_key
        found: list[str] = []
        for name in _PLACEHOLDER.findall(repr(request)):
            producer = producers.get(name)
            if producer is not None and f"{producer}#happy" not in found:
                found.append(f"{producer}#happy")
        return found


def _alternate(first: list[CaseDraft], second: list[CaseDraft], budget: int) -> list[CaseDraft]:
    """This function will share a budget between two lists, taking from each in turn."""
    taken_first: list[CaseDraft] = []
    taken_second: list[CaseDraft] = []
    index = 0
    while len(taken_first) + len(taken_second) < budget and (
        index < len(first) or index < len(second)
    ):
        if index < len(first):
            taken_first.append(first[index])
        if index < len(second) and len(taken_first) + len(taken_second) < budget:
            taken_second.append(second[index])
        index += 1
    return taken_first + taken_second


def _happy_description(key: str, statuses: list[int], variables: list[VariableExtraction]) -> str:
    text = (
        f"Sends a valid {key} request built from the specification's examples and schemas; "
        f"expects {statuses_text(statuses)} and the documented response."
    )
    if variables:
        extracted = ", ".join(f"{item.name} from {item.expression}" for item in variables)
        text += f" Extracts {extracted} for the cases that need it."
    return text
