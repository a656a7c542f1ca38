"""The model's answers checked against their JSON schema before anything uses them."""

from typing import Any

from jsonschema import Draft202012Validator


class JsonSchemaAnswers:
    """The answer validator: every way an answer breaks its schema, by path."""

    def errors(self, answer: Any, schema: dict[str, Any]) -> list[str]:
        found = sorted(
            Draft202012Validator(schema).iter_errors(answer), key=lambda e: list(e.absolute_path)
        )
        return [
            f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message[:300]}"
            for error in found[:20]
        ]
