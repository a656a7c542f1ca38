"""A suite written back as a Postman collection v2.1, its checks as ``pm.test`` scripts.

Every check becomes a test Newman judges as Testament does: named assertions keep their
names; plain expectations become tests named after them. What was never translated goes
back as it came: the scripts the sandbox runs, each in its own function. Relative URLs are put under ``{{baseUrl}}``.
"""

import json
import re
from typing import Any

_SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
_ACCESSOR = re.compile(r"\.([A-Za-z_$][\w$]*)|\[(-?\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\[\"([^\"]*)\"\]")
_CHAI = {"gt": "above", "gte": "least", "lt": "below", "lte": "most"}


def _keys(path: str) -> list[Any] | None:
    """This function will give the keys of a simple JSONPath, None for filters and wildcards."""
    keys: list[Any] = []
    position = 1
    for part in _ACCESSOR.finditer(path, 1):
        if part.start() != position:
            return None
        position = part.end()
        name, number, quoted, double = part.groups()
        keys.append(int(number) if number is not None else name or quoted or double or "")
    return keys if position == len(path) else None


def _value(subject: str, target: str) -> str | None:
    if subject == "status":
        return "pm.response.code"
    if subject == "time":
        return "pm.response.responseTime"
    if subject == "body":
        return "pm.response.text()"
    if subject == "header":
        return f"pm.response.headers.get({json.dumps(target)})"
    keys = _keys(target)
    if keys is None:
        return None
    return f"_.get(pm.response.json(), {json.dumps(keys)})" if keys else "pm.response.json()"


def _expected(value: Any) -> str:
    whole = re.fullmatch(r"\{\{\s*([^{}]+?)\s*\}\}", value) if isinstance(value, str) else None
    if whole is not None:
        # The variable as it was set, its JSON type kept (an id set from a body is a number).
        return f"pm.variables.get({json.dumps(whole.group(1))})"
    if isinstance(value, str) and "{{" in value:
        return f"pm.variables.replaceIn({json.dumps(value)})"
    return json.dumps(value)


def condition_js(condition: dict[str, Any]) -> str | None:
    """This function will write one condition as a chai expectation, None when it cannot."""
    subject, operator = condition.get("subject"), condition.get("operator")
    expected = condition.get("expected")
    not_ = ".not" if condition.get("negate") else ""
    if subject == "schema":
        return f"pm.response.to{not_}.have.jsonSchema({json.dumps(expected)})"
    actual = _value(str(subject), str(condition.get("target") or ""))
    if actual is None:
        return None
    head = f"pm.expect({actual}).to{not_}"
    if operator == "exists":
        flip = ".not" if not condition.get("negate") else ""
        return f"pm.expect({actual}).to{flip}.be.undefined"
    if operator == "not_null":
        return (
            f"{head}.not.be.oneOf([null, undefined])"
            if not not_
            else f"{head}.be.oneOf([null, undefined])"
        )
    if operator == "equals":
        return f"{head}.eql({_expected(expected)})"
    if operator == "one_of":
        return f"{head}.be.oneOf({_expected(expected)})"
    if operator == "contains":
        return f"{head}.include({_expected(expected)})"
    if operator == "matches":
        text = str(expected)
        literal = (
            text
            if re.fullmatch(r"/.*/[gimsuy]*", text, re.DOTALL)
            else "/" + text.replace("/", "\\/") + "/"
        )
        return f"{head}.match({literal})"
    if operator in _CHAI:
        return (
            f"{head}.be.at.{_CHAI[operator]}({_expected(expected)})"
            if operator in ("gte", "lte")
            else f"{head}.be.{_CHAI[operator]}({_expected(expected)})"
        )
    if operator == "type":
        if expected == "integer":
            return f"pm.expect(Number.isInteger({actual})).to.be.{'false' if not_ else 'true'}"
        return f"{head}.be.a({json.dumps(expected)})"
    if operator == "length":
        return f"{head}.have.lengthOf({_expected(expected)})"
    if operator == "has_key":
        return f"{head}.have.property({json.dumps(expected)})"
    return None


def _guard(conditions: list[dict[str, Any]]) -> str:
    checks = [condition_js(c) or "undefined.fail" for c in conditions]
    body = "; ".join(checks)
    return f"(function () {{ try {{ {body}; return true; }} catch (e) {{ return false; }} }})()"


def _plain(expectations: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """This function will give the plain expectations of a case as named condition lists."""
    tests: list[tuple[str, list[dict[str, Any]]]] = []
    statuses = expectations.get("expected_status") or []
    if statuses and not expectations.get("any_status"):
        tests.append(
            (
                f"status is {' or '.join(map(str, statuses))}",
                [{"subject": "status", "operator": "one_of", "expected": statuses}],
            )
        )
    if expectations.get("response_schema"):
        tests.append(
            (
                "body matches the response schema",
                [
                    {
                        "subject": "schema",
                        "operator": "valid",
                        "expected": expectations["response_schema"],
                    }
                ],
            )
        )
    for check in expectations.get("header_checks") or []:
        operator = {"present": "exists"}.get(check["operator"], check["operator"])
        tests.append(
            (
                f"header {check['name']} {check['operator']}",
                [
                    {
                        "subject": "header",
                        "operator": operator,
                        "target": check["name"],
                        "expected": check.get("expected"),
                    }
                ],
            )
        )
    for text in expectations.get("body_contains") or []:
        tests.append(
            (
                f"body contains {text}",
                [{"subject": "body", "operator": "contains", "expected": text}],
            )
        )
    for text in expectations.get("body_not_contains") or []:
        tests.append(
            (
                f"body does not contain {text}",
                [{"subject": "body", "operator": "contains", "expected": text, "negate": True}],
            )
        )
    for check in expectations.get("jsonpath_checks") or []:
        operator, negate = check["operator"], False
        if operator == "not_equals":
            operator, negate = "equals", True
        tests.append(
            (
                f"jsonpath {check['path']} {check['operator']}",
                [
                    {
                        "subject": "json",
                        "operator": operator,
                        "target": check["path"],
                        "expected": check.get("expected"),
                        "negate": negate,
                    }
                ],
            )
        )
    if expectations.get("max_response_time_ms"):
        tests.append(
            (
                "response time",
                [
                    {
                        "subject": "time",
                        "operator": "lte",
                        "expected": expectations["max_response_time_ms"],
                    }
                ],
            )
        )
    return tests


def _test_script(case: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    expectations = case.get("expectations") or {}
    for name, conditions in _plain(expectations):
        lines.extend(_pm_test(name, conditions))
    scripts = [str(script) for script in expectations.get("scripts") or []]
    for assertion in expectations.get("assertions") or []:
        if assertion.get("translated", True) is False:
            if not scripts:  # else its source is in a script, below
                lines.extend(str(assertion.get("source") or "").splitlines())
            continue
        test = _pm_test(assertion["name"], assertion.get("conditions") or [])
        guards = assertion.get("guards") or []
        if guards:
            test = [f"if ({_guard(guards)}) {{", *("    " + t for t in test), "}"]
        lines.extend(test)
    for extraction in case.get("variables") or []:
        lines.append(_setter(extraction))
    for script in scripts:
        # Each in its own function, as it ran in the sandbox: its declarations stay its own.
        lines.extend(["(function () {", *script.splitlines(), "})();"])
    return lines


def _pm_test(name: str, conditions: list[dict[str, Any]]) -> list[str]:
    body = [condition_js(c) for c in conditions]
    inner = [
        f"    {b};" if b else "    throw new Error('not expressible in Postman');" for b in body
    ]
    return [f"pm.test({json.dumps(name)}, function () {{", *inner, "});"]


def _setter(extraction: dict[str, Any]) -> str:
    name, source = json.dumps(extraction["name"]), extraction["source"]
    expression = str(extraction.get("expression") or "")
    if source == "body":
        value = _value("json", expression) or "undefined"
    elif source == "header":
        value = _value("header", expression) or "undefined"
    elif source == "status":
        value = "pm.response.code"
    else:
        target = (
            f"pm.response.headers.get({json.dumps(extraction.get('header_name'))})"
            if extraction.get("header_name")
            else "pm.response.text()"
        )
        value = f"(String({target}).match(new RegExp({json.dumps(expression)})) || [])[1]"
    default = extraction.get("default")
    if default is not None:
        value = f"(function (v) {{ return v === undefined ? {json.dumps(default)} : v; }})({value})"
    return f"pm.environment.set({name}, {value});"


def _url(request: dict[str, Any]) -> str:
    url = str(request.get("url") or "/")
    for name, value in (request.get("path_params") or {}).items():
        url = url.replace("{" + name + "}", value)
    if url.startswith("/"):
        url = "{{baseUrl}}" + url
    query = [{"key": k, "value": v} for k, v in (request.get("query_params") or {}).items()]
    raw = url + ("?" + "&".join(f"{q['key']}={q['value']}" for q in query) if query else "")
    return raw


def _body(request: dict[str, Any]) -> dict[str, Any] | None:
    kind, body = request.get("body_type"), request.get("body")
    if body is None or kind == "None":
        return None
    if kind == "Raw":
        return {"mode": "raw", "raw": body}
    if kind == "JSON":
        return {
            "mode": "raw",
            "raw": json.dumps(body, indent=2),
            "options": {"raw": {"language": "json"}},
        }
    mode = "urlencoded" if kind == "UrlEncoded" else "formdata"
    return {
        mode: [
            {"key": k, "value": v if isinstance(v, str) else json.dumps(v), "type": "text"}
            for k, v in body.items()
        ],
        "mode": mode,
    }


def export_collection(name: str, description: str, cases: list[dict[str, Any]]) -> dict[str, Any]:
    """This function will write cases (their stored fields, in run order) as a collection."""
    items = []
    for case in cases:
        request = case.get("request") or {}
        entry: dict[str, Any] = {
            "method": request.get("method", "GET"),
            "header": [{"key": k, "value": v} for k, v in (request.get("headers") or {}).items()],
            "url": _url(request),
        }
        body = _body(request)
        if body is not None:
            entry["body"] = body
        item: dict[str, Any] = {"name": case.get("name", ""), "request": entry}
        script = _test_script(case)
        if script:
            item["event"] = [
                {"listen": "test", "script": {"type": "text/javascript", "exec": script}}
            ]
        items.append(item)
    return {
        "info": {"name": name, "description": description, "schema": _SCHEMA},
        "item": items,
        "variable": [{"key": "baseUrl", "value": ""}],
    }
