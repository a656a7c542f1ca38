"""Inferring which operation feeds which: logins feed tokens, creations feed identifiers.

OpenAPI links are honoured first. Then an operation that creates a resource (a POST
answering 200/201 with an ``id``-like property or a ``Location`` header) feeds the path
parameter of every operation below its path that names that resource's identifier:
``POST /pets`` feeds ``{petId}``, ``{pet_id}`` or ``{id}`` in ``/pets/{...}``. Bindings
that would make two operations wait on each other are dropped, so the result is acyclic.
"""

from dataclasses import dataclass, field

from domain.generation.auth_flow import AuthStep, search_auth_step
from domain.generation.constraints import SchemaReader
from domain.generation.credentials import (
    API_KEY,
    AUTH_TOKEN,
    BASIC_AUTH,
    Credential,
    credentials_for,
)
from domain.generation.links import linked_parameters
from domain.generation.resources import (
    camel,
    endpoint_key,
    id_property_path,
    names_resource_id,
    normalised,
    path_parameters,
    prefix_before,
    resource_name,
    shape,
)
from domain.generation.responses import status_number, success_response
from domain.specifications.parsed import ParsedEndpoint, ParsedSpecification
from domain.testing.values import ExtractionSource, VariableExtraction

# The last segment of a Location header ("/pets/42" -> "42"), query and fragment aside.
LOCATION_ID = r"([^/?#]+)/?(?:[?#].*)?$"
_GENERIC_IDS = ("id", "uuid", "key")


@dataclass(frozen=True, kw_only=True, slots=True)
class Binding:
    """A path parameter of a consumer filled with a variable its producer extracts."""

    parameter: str
    variable: str
    producer_key: str
    resource: str
    link_name: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class DependencyPlan:
    """Who authenticates, what each operation extracts, and which parameters it receives."""

    auth: AuthStep | None
    credentials: dict[str, list[Credential]]
    extractions: dict[str, list[VariableExtraction]] = field(default_factory=dict)
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the login search found and why

    def binding(self, key: str, parameter: str) -> Binding | None:
        """This function will give the binding of one path parameter of an operation."""
        return next(
            (item for item in self.bindings.get(key, []) if item.parameter == parameter), None
        )

    def needs_auth_step(self, key: str) -> bool:
        """This function will tell whether an operation sends the token the login provides."""
        return (
            self.auth is not None
            and key != self.auth.endpoint_key
            and any(credential.uses_auth_token for credential in self.credentials.get(key, []))
        )

    def prerequisites(self, key: str) -> list[str]:
        """This function will list the operations whose happy path must run before this one."""
        found = [self.auth.endpoint_key] if self.auth and self.needs_auth_step(key) else []
        for binding in self.bindings.get(key, []):
            if binding.producer_key not in found:
                found.append(binding.producer_key)
        return found


def unique_endpoints(spec: ParsedSpecification) -> list[ParsedEndpoint]:
    """This function will list the operations of a specification, the first of each key."""
    seen: dict[str, ParsedEndpoint] = {}
    for endpoint in spec.endpoints:
        seen.setdefault(endpoint_key(endpoint), endpoint)
    return list(seen.values())


def plan_dependencies(spec: ParsedSpecification) -> DependencyPlan:
    """This function will infer the authentication step and the producer/consumer bindings."""
    endpoints = unique_endpoints(spec)
    reader = SchemaReader(spec.schemas)
    schemes = {scheme.name: scheme for scheme in spec.security_schemes}
    credentials = {endpoint_key(item): credentials_for(item, schemes) for item in endpoints}
    search = search_auth_step(endpoints, spec.security_schemes, reader)
    auth, notes = search.step, list(search.notes)
    if auth is None and any(c.uses_auth_token for found in credentials.values() for c in found):
        notes.append(
            f"secured operations send {{{{{AUTH_TOKEN}}}}}, but no operation shows strong "
            f"evidence of logging in: no login step was added; set {AUTH_TOKEN} in the "
            "environment"
        )
    planner = _Planner(credentials, auth)
    by_key = {endpoint_key(item): item for item in endpoints}
    for linked in linked_parameters(endpoints):
        consumer_path = by_key[linked.consumer_key].path
        planner.bind(
            linked.producer_key,
            linked.consumer_key,
            linked.parameter,
            resource_name(prefix_before(consumer_path, linked.parameter)),
            _Source(source=linked.source, expression=linked.expression),
            linked.link_name,
        )
    for producer in endpoints:
        if auth is None or endpoint_key(producer) != auth.endpoint_key:
            _bind_creation(planner, producer, endpoints, reader)
    return DependencyPlan(
        auth=auth,
        credentials=credentials,
        extractions=planner.extractions,
        bindings=planner.bindings,
        notes=notes,
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class _Source:
    """Where in a producer's response a variable is read."""

    source: ExtractionSource
    expression: str
    header_name: str | None = None


def _bind_creation(
    planner: "_Planner",
    producer: ParsedEndpoint,
    endpoints: list[ParsedEndpoint],
    reader: SchemaReader,
) -> None:
    resource = resource_name(producer.path)
    source = _creation(producer, resource, reader)
    if source is None:
        return
    collection = shape(producer.path)
    for consumer in endpoints:
        for parameter in path_parameters(consumer.path):
            below = prefix_before(consumer.path, parameter) == collection
            if below and names_resource_id(parameter, resource):
                planner.bind(
                    endpoint_key(producer), endpoint_key(consumer), parameter, resource, source, ""
                )


def _creation(endpoint: ParsedEndpoint, resource: str, reader: SchemaReader) -> _Source | None:
    """This function will tell how to read the id of what a POST creates, if it creates."""
    response = success_response(endpoint)
    if endpoint.method.upper() != "POST" or response is None:
        return None
    if status_number(response) not in (200, 201, None):
        return None
    path = id_property_path(response.schema, resource, reader)
    if path is not None:
        return _Source(source=ExtractionSource.Body, expression=path)
    location = next((name for name in response.headers if name.lower() == "location"), None)
    if location is not None:
        return _Source(source=ExtractionSource.Regex, expression=LOCATION_ID, header_name=location)
    return None


class _Planner:
    """An accumulator of bindings that refuses any that would create a cycle."""

    def __init__(self, credentials: dict[str, list[Credential]], auth: AuthStep | None) -> None:
        self.extractions: dict[str, list[VariableExtraction]] = {}
        self.bindings: dict[str, list[Binding]] = {}
        self._edges: dict[str, list[str]] = {}
        self._owners: dict[str, tuple[str, str]] = {
            name: ("", "") for name in (AUTH_TOKEN, API_KEY, BASIC_AUTH)
        }
        if auth is not None:
            for key, found in credentials.items():
                if key != auth.endpoint_key and any(item.uses_auth_token for item in found):
                    self._edges.setdefault(auth.endpoint_key, []).append(key)

    def bind(
        self,
        producer: str,
        consumer: str,
        parameter: str,
        resource: str,
        source: _Source,
        link_name: str,
    ) -> None:
        """This function will bind a consumer's path parameter, unless it closes a cycle."""
        bound = self.bindings.setdefault(consumer, [])
        if producer == consumer or any(item.parameter == parameter for item in bound):
            return
        if self._reaches(consumer, producer):
            return
        variable = self._variable(producer, parameter, resource, repr(source))
        produced = self.extractions.setdefault(producer, [])
        if all(item.name != variable for item in produced):
            produced.append(
                VariableExtraction(
                    name=variable,
                    source=source.source,
                    expression=source.expression,
                    header_name=source.header_name,
                )
            )
        bound.append(
            Binding(
                parameter=parameter,
                variable=variable,
                producer_key=producer,
                resource=resource,
                link_name=link_name,
            )
        )
        self._edges.setdefault(producer, []).append(consumer)

    def _variable(self, producer: str, parameter: str, resource: str, expression: str) -> str:
        generic = normalised(parameter) in _GENERIC_IDS
        base = f"{camel(resource)}Id" if generic else camel(parameter)
        name, counter = base, 1
        while name in self._owners and self._owners[name] != (producer, expression):
            counter += 1
            name = f"{base}{counter}"
        self._owners[name] = (producer, expression)
        return name

    def _reaches(self, start: str, goal: str) -> bool:
        pending, seen = [start], {start}
        while pending:
            current = pending.pop()
            if current == goal:
                return True
            for following in self._edges.get(current, []):
                if following not in seen:
                    seen.add(following)
                    pending.append(following)
        return False
