"""The walk over the ``paths`` of OpenAPI 3.x and Swagger 2.0 documents, and their servers."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from domain.specifications.parsed import ParseIssue
from infrastructure.specs.common import HTTP_METHODS, InvalidNode, child, optional_mapping, text
from infrastructure.specs.refs import RefResolver


@dataclass(frozen=True)
class OperationSite:
    """An operation object found under ``paths``, with its path item and pointers."""

    path: str
    method: str
    operation: dict[str, Any]
    pointer: str
    path_item: dict[str, Any]
    path_item_pointer: str


def operation_sites(
    paths: Any, resolver: RefResolver, issues: list[ParseIssue]
) -> Iterator[OperationSite]:
    """This function will yield every well-formed operation, noting the malformed ones."""
    for path, raw_item in optional_mapping(paths, "/paths", "paths", issues).items():
        item_pointer = child("/paths", path)
        if path.startswith("x-"):
            continue
        if not path.startswith("/"):
            issues.append(ParseIssue(item_pointer, f"path '{path}' must start with '/'"))
            continue
        try:
            item, _ = resolver.deref(raw_item, item_pointer)
        except InvalidNode as exc:
            issues.append(exc.as_issue())
            continue
        if not isinstance(item, dict):
            issues.append(ParseIssue(item_pointer, "a path item must be an object"))
            continue
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            pointer = child(item_pointer, method)
            if not isinstance(operation, dict):
                issues.append(ParseIssue(pointer, "an operation must be an object"))
                continue
            yield OperationSite(path, method, operation, pointer, item, item_pointer)


def openapi3_servers(node: Any, pointer: str, issues: list[ParseIssue]) -> list[str]:
    """This function will list server URLs, their ``{variables}`` set to their defaults."""
    if node is None:
        return []
    if not isinstance(node, list):
        issues.append(ParseIssue(pointer, "servers must be a list"))
        return []
    urls = []
    for index, server in enumerate(node):
        url = text(server.get("url")) if isinstance(server, dict) else ""
        if not url:
            issues.append(ParseIssue(child(pointer, index), "a server needs a url"))
            continue
        variables = server.get("variables")
        for name, variable in (variables if isinstance(variables, dict) else {}).items():
            default = text(variable.get("default")) if isinstance(variable, dict) else ""
            url = url.replace("{" + name + "}", default)
        urls.append(url)
    return urls


def swagger2_servers(document: dict[str, Any]) -> list[str]:
    """This function will build server URLs from ``schemes``, ``host`` and ``basePath``."""
    host = text(document.get("host"))
    base_path = text(document.get("basePath"))
    if base_path and not base_path.startswith("/"):
        base_path = "/" + base_path
    if not host:
        return [base_path] if base_path else []
    schemes = document.get("schemes")
    names = [s for s in schemes if isinstance(s, str)] if isinstance(schemes, list) else []
    return [f"{scheme}://{host}{base_path}" for scheme in names or ["https"]]


def duplicate_operation_ids(sites: list[OperationSite]) -> list[ParseIssue]:
    """This function will flag operation ids used twice: links and tests rely on them."""
    seen: set[str] = set()
    issues = []
    for site in sites:
        operation_id = text(site.operation.get("operationId"))
        if not operation_id:
            continue
        if operation_id in seen:
            issues.append(
                ParseIssue(
                    child(site.pointer, "operationId"), f"duplicate operationId '{operation_id}'"
                )
            )
        seen.add(operation_id)
    return issues
