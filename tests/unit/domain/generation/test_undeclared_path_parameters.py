"""Path parameters a specification forgot to declare: reported, and still given a value."""

from domain.generation.generator import GenerationOptions, generate_suite
from infrastructure.specs.swagger2 import parse_swagger2

DOCUMENT = {
    "swagger": "2.0",
    "info": {"title": "Anything", "version": "1"},
    "paths": {
        "/anything/{anything}": {"get": {"responses": {"200": {"description": "ok"}}}},
        "/reports/{id}.json": {"get": {"responses": {"200": {"description": "ok"}}}},
        "/files/{name}.{ext}": {
            "get": {
                "parameters": [
                    {
                        "name": "ext",
                        "in": "path",
                        "required": True,
                        "type": "string",
                        "enum": ["png"],
                    }
                ],
                "responses": {"200": {"description": "ok"}},
            }
        },
    },
}


class TestUndeclaredPathParameters:
    def test_are_reported_on_import(self) -> None:
        messages = [issue.message for issue in parse_swagger2(DOCUMENT).issues]

        assert "path parameter 'anything' is not declared" in messages
        assert "path parameter 'id' is not declared" in messages

    def test_every_case_gets_a_value_for_each_template(self) -> None:
        suite = generate_suite(parse_swagger2(DOCUMENT), None, GenerationOptions())

        urls = {case.key: case.request.url for case in suite.cases}
        assert all("{" not in url for url in urls.values()), urls
        assert urls["GET /reports/{id}.json#happy"].endswith(".json")
        assert urls["GET /files/{name}.{ext}#happy"].endswith(".png")
