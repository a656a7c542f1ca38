"""Helpers shared by the format readers: JSON pointers, typed access and media types."""

from collections.abc import Iterable
from typing import Any

from domain.specifications.endpoint_rules import HTTP_METHODS as HTTP_METHODS
from domain.specifications.parsed import ParseIssue


class InvalidNode(Exception):
    """A part of the document too malformed to use, and the JSON pointer to it."""

    def __init__(self, pointer: str, message: str) -> None:
        super().__init__(f"{pointer}: {message}")
        self.pointer = pointer
        self.message = message

    def as_issue(self) -> ParseIssue:
        """This function will turn the problem into an issue of the parse."""
        return ParseIssue(self.pointer or "/", self.message)


def child(pointer: str, *tokens: str | int) -> str:
    """This function will extend a JSON pointer with escaped reference tokens."""
    escaped = (str(token).replace("~", "~0").replace("/", "~1") for token in tokens)
    return pointer + "".join("/" + token for token in escaped)


def require_mapping(node: Any, pointer: str, what: str) -> dict[str, Any]:
    """This function will return the node if it is an object, or refuse it."""
    if not isinstance(node, dict):
        raise InvalidNode(pointer, f"{what} must be an object, not {json_kind(node)}")
    return node


def optional_mapping(
    node: Any, pointer: str, what: str, issues: list[ParseIssue]
) -> dict[str, Any]:
    """This function will return an object, or an empty one (noting why) when it is malformed."""
    if node is None:
        return {}
    if not isinstance(node, dict):
        issues.append(ParseIssue(pointer, f"{what} must be an object, not {json_kind(node)}"))
        return {}
    return node


def optional_list(node: Any, pointer: str, what: str, issues: list[ParseIssue]) -> list[Any]:
    """This function will return a list, or an empty one (noting why) when it is malformed."""
    if node is None:
        return []
    if not isinstance(node, list):
        issues.append(ParseIssue(pointer, f"{what} must be a list, not {json_kind(node)}"))
        return []
    return node


def text(node: Any) -> str:
    """This function will read a scalar as text, and anything else as ""."""
    if isinstance(node, str):
        return node
    if isinstance(node, bool):
        return "true" if node else "false"
    if isinstance(node, int | float):
        return str(node)
    return ""


def json_kind(node: Any) -> str:
    """This function will name the JSON kind of a value for messages."""
    if node is None:
        return "null"
    if isinstance(node, bool):
        return "a boolean"
    if isinstance(node, int | float):
        return "a number"
    if isinstance(node, str):
        return "a string"
    return "a list" if isinstance(node, list) else "an object"


def string_list(node: Any) -> list[str]:
    """This function will keep the non-empty strings of a list."""
    if not isinstance(node, list):
        return []
    return [item for item in node if isinstance(item, str) and item]


def extensions_of(node: dict[str, Any]) -> dict[str, Any]:
    """This function will keep the ``x-`` keys of an object."""
    return {key: value for key, value in node.items() if key.startswith("x-")}


def preferred_media_type(media_types: Iterable[str]) -> str:
    """This function will pick the content type a client should use: JSON when offered."""
    offered = list(media_types)
    for candidate in offered:
        if candidate.split(";")[0].strip().lower() == "application/json":
            return candidate
    for candidate in offered:
        essence = candidate.split(";")[0].strip().lower()
        if essence.endswith("+json") or essence.endswith("/json"):
            return candidate
    return offered[0] if offered else ""
