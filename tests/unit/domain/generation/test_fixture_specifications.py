"""Generation from the real fixture documents, read by the specification parser."""

import json
from pathlib import Path

import jsonschema
import pytest

from domain.generation.dependencies import plan_dependencies
from domain.generation.generator import GeneratedSuite, GenerationOptions, generate_suite
from domain.specifications.parsed import ParsedSpecification
from infrastructure.specs.service import SpecificationParser

FIXTURES = Path(__file__).parents[3] / "fixtures" / "specs"


def parsed(name: str) -> ParsedSpecification:
    return SpecificationParser().parse((FIXTURES / name).read_bytes(), filename=name)


@pytest.fixture(scope="module")
def petstore() -> GeneratedSuite:
    return generate_suite(parsed("petstore-3.0.yaml"), None, GenerationOptions())


class TestPetstoreSuite:
    def test_runs_the_login_first_and_extracts_its_access_token(
        self, petstore: GeneratedSuite
    ) -> None:
        first = petstore.cases[0]

        assert first.key == "POST /auth/login#happy"
        assert first.request.body == {"username": "alice", "password": "wonderland"}
        assert [(item.name, item.expression) for item in first.variables] == [
            ("authToken", "$.access_token")
        ]

    def test_sends_the_token_to_bearer_secured_operations(self, petstore: GeneratedSuite) -> None:
        listing = petstore.case("GET /pets#happy")

        assert listing.request.headers["Authorization"] == "Bearer {{authToken}}"
        assert "POST /auth/login#happy" in listing.depends_on

    def test_sends_the_api_key_where_the_operation_asks_for_it(
        self, petstore: GeneratedSuite
    ) -> None:
        removal = petstore.case("DELETE /pets/{petId}#happy")

        assert removal.request.headers["X-API-Key"] == "{{apiKey}}"
        assert "Authorization" not in removal.request.headers

    def test_extracts_the_pet_id_and_chains_every_pet_operation_to_it(
        self, petstore: GeneratedSuite
    ) -> None:
        creation = petstore.case("POST /pets#happy")

        assert [(item.name, item.expression) for item in creation.variables] == [("petId", "$.id")]
        for key in ("GET /pets/{petId}", "PUT /pets/{petId}", "DELETE /pets/{petId}"):
            consumer = petstore.case(f"{key}#happy")
            assert consumer.request.url == "/pets/{{petId}}"
            assert "POST /pets#happy" in consumer.depends_on

    def test_deletes_the_pet_after_every_other_case_that_uses_it(
        self, petstore: GeneratedSuite
    ) -> None:
        order = petstore.proposal.keys_in_order()
        delete = order.index("DELETE /pets/{petId}#happy")

        later = [key for key in order[delete + 1 :] if not key.startswith("DELETE /pets/{petId}#")]

        assert later == []
        assert "deletes the pet last" in petstore.proposal.order[delete].reason

    def test_honours_the_documented_link_to_the_created_pet(self) -> None:
        plan = plan_dependencies(parsed("petstore-3.0.yaml"))

        binding = plan.binding("GET /pets/{petId}", "petId")

        assert binding is not None
        assert (binding.producer_key, binding.variable, binding.link_name) == (
            "POST /pets",
            "petId",
            "201/GetCreatedPet",
        )

    def test_explains_each_consumer_by_its_producer(self, petstore: GeneratedSuite) -> None:
        reasons = {item.case_key: item.reason for item in petstore.proposal.order}

        for key in ("GET /pets/{petId}#happy", "PUT /pets/{petId}#happy"):
            assert (
                "runs after POST /pets#happy, which creates the pet whose id it uses"
                in (reasons[key])
            )

    def test_expects_the_documented_statuses_and_headers(self, petstore: GeneratedSuite) -> None:
        creation = petstore.case("POST /pets#happy")
        listing = petstore.case("GET /pets#happy")

        assert creation.expectations.expected_status == [201]
        assert [check.name for check in creation.expectations.header_checks] == ["Location"]
        assert [check.name for check in listing.expectations.header_checks] == ["X-Total-Count"]

    def test_synthesises_happy_bodies_valid_against_their_schemas(
        self, petstore: GeneratedSuite
    ) -> None:
        spec = parsed("petstore-3.0.yaml")
        creation = petstore.case("POST /pets#happy")
        schema = next(item for item in spec.endpoints if item.operation_id == "createPet")

        assert schema.request_body is not None
        jsonschema.Draft4Validator(schema.request_body.schema).validate(creation.request.body)


class TestEveryFixture:
    @pytest.mark.parametrize("name", sorted(path.name for path in FIXTURES.iterdir()))
    def test_gives_a_valid_deterministic_suite(self, name: str) -> None:
        spec = parsed(name)

        first = generate_suite(spec, None, GenerationOptions(seed=3))
        second = generate_suite(spec, None, GenerationOptions(seed=3))

        assert first.cases
        assert json.dumps(first.to_json()) == json.dumps(second.to_json())
        assert GeneratedSuite.from_json(json.loads(json.dumps(first.to_json()))) == first
