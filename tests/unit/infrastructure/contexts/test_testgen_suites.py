"""The OpenAPI document a run checks responses against, read from the uploaded file."""

from types import SimpleNamespace
from typing import Any
from uuid import UUID, uuid4

from infrastructure.contexts.testgen_suites import TestgenSuiteSource

_YAML = b"""openapi: 3.0.3
info: {title: Switches, version: "1.0"}
paths:
  /switch:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: string, enum: [on, off, no, yes]}
"""


class _Apidoc:
    def specification_state(self, project_id: UUID, spec_id: UUID, user_id: UUID) -> Any:
        return SimpleNamespace(source_type="OpenAPI 3.0", original_file_id=uuid4())


class _Storage:
    def __init__(self, content: bytes) -> None:
        self.content = content

    def content_for_system(self, file_id: UUID) -> bytes:
        return self.content


def _document(content: bytes) -> Any:
    source = TestgenSuiteSource(None, _Apidoc(), _Storage(content))  # type: ignore[arg-type]
    return source._openapi(uuid4(), uuid4(), uuid4())


class TestOpenapiDocument:
    def test_reads_yaml_scalars_as_the_import_does(self) -> None:
        document = _document(_YAML)
        schema = document["paths"]["/switch"]["get"]["responses"]["200"]["content"][
            "application/json"
        ]["schema"]
        assert schema["enum"] == ["on", "off", "no", "yes"]

    def test_refuses_an_alias_bomb_instead_of_expanding_it(self) -> None:
        lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
        for level in range(1, 9):
            previous = f"*a{level - 1}"
            lines.append(f"a{level}: &a{level} [{', '.join([previous] * 10)}]")
        assert _document("\n".join(lines).encode()) is None
