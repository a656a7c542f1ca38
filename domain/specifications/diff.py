"""What changed between two versions of an API description, endpoint by endpoint."""

from dataclasses import dataclass, field
from typing import Any

from domain.specifications.model import endpoint_key


@dataclass(frozen=True, kw_only=True)
class EndpointChange:
    """One endpoint present in both versions, and the aspects of it that differ."""

    key: str
    changes: list[str]


@dataclass(frozen=True, kw_only=True)
class SpecificationDiff:
    """Endpoints added, removed and changed from a base version to a target version."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[EndpointChange] = field(default_factory=list)
    unchanged: int = 0


def _by_key(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {endpoint_key(e["method"], e["path"]): e for e in spec.get("endpoints", [])}


def _parameters(endpoint: dict[str, Any]) -> dict[str, Any]:
    return {
        f"{p['location']}:{p['name']}": (p.get("required"), p.get("schema"))
        for p in endpoint.get("parameters", [])
        if p.get("location") != "body"
    }


def _responses(endpoint: dict[str, Any]) -> dict[str, Any]:
    return {
        r["status_code"]: (r.get("schema"), r.get("content_type"))
        for r in endpoint.get("responses", [])
    }


def _security(endpoint: dict[str, Any]) -> list[Any]:
    return sorted(
        (s.get("alternative", 0), s["scheme_name"], sorted(s.get("scopes", [])))
        for s in endpoint.get("security", [])
    )


def _body(endpoint: dict[str, Any]) -> Any:
    body = endpoint.get("request_body")
    return (
        None
        if body is None
        else (body.get("required"), body.get("schema"), body.get("content_type"))
    )


def _describe(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    changes: list[str] = []
    old_params, new_params = _parameters(before), _parameters(after)
    changes += [f"parameter added: {k}" for k in sorted(new_params.keys() - old_params.keys())]
    changes += [f"parameter removed: {k}" for k in sorted(old_params.keys() - new_params.keys())]
    changes += [
        f"parameter changed: {k}"
        for k in sorted(old_params.keys() & new_params.keys())
        if old_params[k] != new_params[k]
    ]
    if _body(before) != _body(after):
        changes.append("request body changed")
    old_responses, new_responses = _responses(before), _responses(after)
    changes += [f"response added: {k}" for k in sorted(new_responses.keys() - old_responses.keys())]
    changes += [
        f"response removed: {k}" for k in sorted(old_responses.keys() - new_responses.keys())
    ]
    changes += [
        f"response changed: {k}"
        for k in sorted(old_responses.keys() & new_responses.keys())
        if old_responses[k] != new_responses[k]
    ]
    if _security(before) != _security(after):
        changes.append("security changed")
    if bool(before.get("deprecated")) != bool(after.get("deprecated")):
        changes.append("deprecated" if after.get("deprecated") else "no longer deprecated")
    return changes


def diff_specifications(base: dict[str, Any], target: dict[str, Any]) -> SpecificationDiff:
    """This function will compare two parsed specifications (their to_json form)."""
    old, new = _by_key(base), _by_key(target)
    changed = []
    unchanged = 0
    for key in sorted(old.keys() & new.keys()):
        changes = _describe(old[key], new[key])
        if changes:
            changed.append(EndpointChange(key=key, changes=changes))
        else:
            unchanged += 1
    return SpecificationDiff(
        added=sorted(new.keys() - old.keys()),
        removed=sorted(old.keys() - new.keys()),
        changed=changed,
        unchanged=unchanged,
    )
