"""A Postman collection (with its environment and globals) read into the cases of a suite.

One case per request, in collection order, repeats kept; folders become tags. Auth is
inherited down the folders; test scripts become named assertions and extractions
(infrastructure/specs/postman_scripts.py); what cannot be translated is kept and reported.
"""

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from application.testgen.imports import ImportReport, UntranslatedLine
from domain.generation.suite import GeneratedCase
from domain.shared.errors import InvalidValueError
from domain.testing.assertions import NamedAssertion
from domain.testing.checks import MAX_SCRIPTS
from domain.testing.values import (
    BodyType,
    Expectations,
    ExtractionSource,
    Priority,
    RequestSpec,
    TestType,
    VariableExtraction,
)
from infrastructure.specs.common import text
from infrastructure.specs.loader import load_embedded_json
from infrastructure.specs.postman import postman_schema_version
from infrastructure.specs.postman_body import key_values
from infrastructure.specs.postman_scripts import (
    Translation,
    translate_prerequest,
    translate_tests,
)
from infrastructure.specs.postman_variables import Variables, auth_effect

_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")
_VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_JSON_LANGUAGE = "application/json"
PARTIAL_TAG = "partially-imported"


@dataclass
class ImportedCollection:
    """What a collection became: its cases in order, the environment's variables, a report."""

    name: str
    description: str
    cases: list[GeneratedCase]
    variables: list[dict[str, Any]]
    base_url: str
    report: ImportReport
    auth: dict[str, Any] = field(default_factory=lambda: {"type": "none"})


@dataclass
class _Level:
    """What a folder passes down: its tags, auth and scripts."""

    tags: list[str] = field(default_factory=list)
    auth: Any = None
    tests: list[str] = field(default_factory=list)
    prerequests: list[str] = field(default_factory=list)


@dataclass
class _State:
    variables: Variables
    cases: list[GeneratedCase] = field(default_factory=list)
    untranslated: list[UntranslatedLine] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    producers: dict[str, str] = field(default_factory=dict)  # variable -> key of its last setter
    assertions: int = 0
    translated: int = 0
    extractions: int = 0
    servers: list[str] = field(default_factory=list)
    without_auth: list[str] = field(default_factory=list)


def import_collection(
    collection: Any, environment: Any = None, globals_: Any = None
) -> ImportedCollection:
    """This function will read a collection into cases (SpecParseError, InvalidValueError)."""
    postman_schema_version(collection)
    variables = Variables()
    variables.add_file(globals_, "globals")
    variables.add_file(collection.get("variable"), "collection")
    variables.add_file(environment, "environment")
    state = _State(variables)
    root = _Level(auth=collection.get("auth"), **_scripts(collection.get("event")))
    _items(collection.get("item"), root, state)
    state.warnings[:0] = variables.warnings
    if variables.environment_auth is not None and state.without_auth:
        state.warnings.append(
            "the environment's OAuth2 token is also sent by requests that had no auth: "
            + ", ".join(state.without_auth)
        )
    info = collection.get("info") or {}
    name = (text(info.get("name")) or "Imported collection")[:200]
    base = next((s for s in state.servers if s.startswith("http")), "http://localhost")
    report = ImportReport(
        requests=len(state.cases),
        cases=len(state.cases),
        assertions=state.assertions,
        assertions_translated=state.translated,
        extractions=state.extractions,
        partially_imported=state.partial,
        untranslated=state.untranslated,
        variables=sorted(variables.values),
        secrets=sorted(variables.secret & set(variables.values)),
        warnings=state.warnings,
    )
    description = info.get("description")
    description = (
        text(description.get("content")) if isinstance(description, dict) else text(description)
    )
    return ImportedCollection(
        name=name,
        description=f"Imported from the Postman collection {name!r}. {description}".strip()[
            :10_000
        ],
        cases=state.cases,
        variables=variables.as_environment(),
        base_url=base,
        report=report,
        auth=variables.environment_auth or {"type": "none"},
    )


def _scripts(node: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {"tests": [], "prerequests": []}
    for event in node if isinstance(node, list) else []:
        if not isinstance(event, dict) or event.get("disabled") is True:
            continue
        script = event.get("script")
        source = script.get("exec") if isinstance(script, dict) else None
        lines = source if isinstance(source, list) else [source]
        code = "\n".join(text(line) for line in lines)
        if not code.strip():
            continue
        listen = text(event.get("listen"))
        if listen == "test":
            found["tests"].append(code)
        elif listen == "prerequest":
            found["prerequests"].append(code)
    return found


def _items(node: Any, level: _Level, state: _State) -> None:
    for item in node if isinstance(node, list) else []:
        if not isinstance(item, dict):
            continue
        if isinstance(item.get("item"), list):
            scripts = _scripts(item.get("event"))
            name = text(item.get("name"))
            _items(
                item["item"],
                _Level(
                    tags=[*level.tags, name[:50]] if name else level.tags,
                    auth=_inherit(item.get("auth"), level.auth),
                    tests=[*level.tests, *scripts["tests"]],
                    prerequests=[*level.prerequests, *scripts["prerequests"]],
                ),
                state,
            )
        elif "request" in item:
            _request(item, level, state)


def _inherit(own: Any, parent: Any) -> Any:
    if not isinstance(own, dict) or text(own.get("type")).lower() in ("", "inherit"):
        return parent
    return own


def _request(item: dict[str, Any], level: _Level, state: _State) -> None:
    raw = item["request"]
    request = raw if isinstance(raw, dict) else {"url": raw}
    name = (text(item.get("name")) or f"request {len(state.cases) + 1}")[:200]
    method = (text(request.get("method")) or "GET").upper()
    url, path_params, query = _url(request.get("url"), state)
    headers = {k: text(v) for k, v in key_values(request.get("header")).items()}
    auth = _inherit(request.get("auth"), level.auth)
    if not isinstance(auth, dict) or text(auth.get("type")).lower() in ("", "noauth"):
        state.without_auth.append(name)
    effect = auth_effect(auth, state.variables, state.warnings, name)
    headers = {**effect.headers, **headers}
    query = {**query, **effect.query}
    body_type, body = _body(request.get("body"), headers, name, state)
    scripts = _scripts(item.get("event"))
    translation = _translated([*level.tests, *scripts["tests"]], name, state)
    for source in [*level.prerequests, *scripts["prerequests"]]:
        pre = translate_prerequest(source)
        for variable, value in pre.constants.items():
            spelled = (
                "" if value is None else value if isinstance(value, str) else json.dumps(value)
            )
            # The request sees the value its own script set; a dynamic one is made where
            # it is used, and a constant stays in the environment for the requests after.
            url, headers, body = _inline(variable, spelled, url, headers, body)
            if "{{$" not in spelled and _VARIABLE_NAME.match(variable):
                state.variables.values[variable] = spelled
        for line, source_text in pre.untranslated:
            state.untranslated.append(UntranslatedLine(request=name, line=line, text=source_text))
    endpoint_key = f"{method} {_endpoint_path(url)}"
    key = f"{endpoint_key}#postman-{len(state.cases) + 1}"
    extractions = _extractions(translation, name, state)
    needs = _names(url) | _names(headers) | _names(query) | _names(body)
    for assertion in translation.assertions:
        needs |= _names([c.expected for c in assertion.conditions])
    needs |= set(translation.script_reads)
    depends_on = sorted({state.producers[n] for n in needs if n in state.producers})
    for extraction in extractions:
        state.producers[extraction.name] = key
    for variable in translation.script_sets:
        state.producers[variable] = key
    if sum(len(script) for script in translation.scripts) > MAX_SCRIPTS:
        state.warnings.append(
            f"{name}: its untranslated scripts are longer than {MAX_SCRIPTS} characters"
            " and are not run; their tests are shown as not evaluated"
        )
        translation.scripts.clear()
    description = text(request.get("description"))
    tags = list(level.tags)
    if any(not a.translated for a in translation.assertions) or translation.untranslated:
        tags.append(PARTIAL_TAG)
        state.partial.append(name)
        description = (
            description
            + "\n\nPostman test script (not all translated; the rest runs in the sandbox):\n"
            + "\n".join([*level.tests, *scripts["tests"]])
        )[:10_000]
    try:
        case = GeneratedCase(
            key=key,
            name=name,
            description=description[:10_000],
            endpoint_key=endpoint_key,
            test_type=TestType.HappyPath,
            priority=Priority.Medium,
            tags=list(dict.fromkeys(tags)),
            request=RequestSpec(
                method=method if method in _METHODS else "GET",
                url=url,
                headers=headers,
                path_params=path_params,
                query_params=query,
                body_type=body_type,
                body=body,
            ),
            expectations=Expectations(
                expected_status=[],
                any_status=True,
                assertions=translation.assertions,
                scripts=translation.scripts,
            ),
            variables=extractions,
            depends_on=depends_on,
        )
    except InvalidValueError as error:
        state.warnings.append(f"{name}: not imported ({error})")
        return
    state.cases.append(case)


_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT")


def _translated(sources: list[str], name: str, state: _State) -> Translation:
    combined = Translation()
    for source in sources:
        part = translate_tests(source)
        combined.assertions.extend(part.assertions)
        combined.extractions.extend(part.extractions)
        combined.untranslated.extend(part.untranslated)
        combined.scripts.extend(part.scripts)
        combined.script_sets.extend(part.script_sets)
        combined.script_reads.extend(part.script_reads)
    state.assertions += len(combined.assertions)
    state.translated += combined.translated_count
    for line, source_text in combined.untranslated:
        state.untranslated.append(
            UntranslatedLine(request=name, line=line, text=source_text[:2_000])
        )
    return combined


def _extractions(translation: Translation, name: str, state: _State) -> list[VariableExtraction]:
    found: dict[str, VariableExtraction] = {}
    for extraction in translation.extractions:
        if not _VARIABLE_NAME.match(extraction.name):
            state.warnings.append(
                f"{name}: the variable {extraction.name!r} cannot be extracted by that name"
            )
            continue
        found[extraction.name] = VariableExtraction(
            name=extraction.name,
            source=ExtractionSource(extraction.source),
            expression=extraction.expression,
        )
        state.extractions += 1
    return list(found.values())


def _names(value: Any) -> set[str]:
    if isinstance(value, str):
        return {m.group(1) for m in _PLACEHOLDER.finditer(value)}
    if isinstance(value, dict):
        return set().union(*(_names(k) | _names(v) for k, v in value.items())) if value else set()
    if isinstance(value, list):
        return set().union(*(_names(v) for v in value)) if value else set()
    return set()


def _inline(
    name: str, value: str, url: str, headers: dict[str, str], body: Any
) -> tuple[str, dict[str, str], Any]:
    pattern = re.compile(r"\{\{\s*" + re.escape(name) + r"\s*\}\}")

    def swap(item: Any) -> Any:
        if isinstance(item, str):
            return pattern.sub(value, item)
        if isinstance(item, dict):
            return {swap(k): swap(v) for k, v in item.items()}
        if isinstance(item, list):
            return [swap(v) for v in item]
        return item

    return swap(url), swap(headers), swap(body)


def _endpoint_path(url: str) -> str:
    path = _PLACEHOLDER.sub(lambda m: "{" + m.group(1) + "}", url)
    path = re.sub(r"^(?:https?://)?[^/]*", "", path) or "/"
    return path


def _url(node: Any, state: _State) -> tuple[str, dict[str, str], dict[str, str]]:
    """This function will give the URL template, its path parameters and its query."""
    url = node if isinstance(node, dict) else {"raw": text(node)}
    raw = text(url.get("raw"))
    if not raw and (url.get("host") or url.get("path")):
        host = url.get("host")
        host = ".".join(text(h) for h in host) if isinstance(host, list) else text(host)
        path = url.get("path")
        path = (
            "/".join(text(p.get("value")) if isinstance(p, dict) else text(p) for p in path)
            if isinstance(path, list)
            else text(path)
        )
        protocol = text(url.get("protocol"))
        port = text(url.get("port"))
        raw = (
            (f"{protocol}://" if protocol else "")
            + host
            + (f":{port}" if port else "")
            + "/"
            + path.lstrip("/")
        )
    address = raw.split("#", 1)[0].split("?", 1)[0]
    path_params: dict[str, str] = {}
    declared = (
        {
            text(entry.get("key")): text(entry.get("value"))
            for entry in url.get("variable") or []
            if isinstance(entry, dict) and text(entry.get("key"))
        }
        if isinstance(url.get("variable"), list)
        else {}
    )

    def segment(match: re.Match[str]) -> str:
        name = match.group(1)
        path_params[name] = declared.get(name, "{{" + name + "}}")
        return "/{" + name + "}"

    address = re.sub(r"/:([A-Za-z_][\w.\-]*)", segment, address)
    if not address.startswith(("/", "{{", "http://", "https://")):
        address = "http://" + address
    address = quote(address, safe=":/{}$?&=%@!*'()+,;[]~.-_")
    query: dict[str, str] = {}
    if isinstance(url.get("query"), list):
        for entry in url["query"]:
            if (
                isinstance(entry, dict)
                and text(entry.get("key"))
                and entry.get("disabled") is not True
            ):
                query[text(entry.get("key"))] = text(entry.get("value"))
    elif "?" in raw:
        for pair in raw.split("#", 1)[0].split("?", 1)[1].split("&"):
            key, _, value = pair.partition("=")
            if key:
                query[key] = value
    resolved = state.variables.resolve(address)
    server = re.match(r"^https?://[^/]+", resolved or "")
    if server and server.group() not in state.servers:
        state.servers.append(server.group())
    return address, path_params, query


def _body(node: Any, headers: dict[str, str], name: str, state: _State) -> tuple[BodyType, Any]:
    """This function will give the body to send; an empty raw body is no body at all."""
    if not isinstance(node, dict) or node.get("disabled") is True:
        return BodyType.None_, None
    mode = text(node.get("mode"))
    has_type = any(k.lower() == "content-type" for k in headers)
    if mode == "raw":
        payload = text(node.get("raw"))
        if not payload.strip():
            return BodyType.None_, None
        options = node.get("options")
        raw_options = options.get("raw") if isinstance(options, dict) else None
        language = text(raw_options.get("language")) if isinstance(raw_options, dict) else ""
        if not has_type:
            # Postman sends the type of the language chosen, text/plain otherwise.
            headers["Content-Type"] = {
                "json": _JSON_LANGUAGE,
                "xml": "application/xml",
                "html": "text/html",
                "javascript": "application/javascript",
            }.get(language, "text/plain")
        return BodyType.Raw, payload
    if mode in ("urlencoded", "formdata"):
        fields: dict[str, Any] = {}
        for entry in node.get(mode) or []:
            if (
                not isinstance(entry, dict)
                or entry.get("disabled") is True
                or not text(entry.get("key"))
            ):
                continue
            if entry.get("type") == "file":
                state.warnings.append(
                    f"{name}: the file field {text(entry.get('key'))!r} is sent as its path"
                )
                fields[text(entry.get("key"))] = text(entry.get("src"))
            else:
                fields[text(entry.get("key"))] = text(entry.get("value"))
        return (BodyType.UrlEncoded if mode == "urlencoded" else BodyType.FormData), fields
    if mode == "graphql":
        found = node.get("graphql")
        graphql: dict[str, Any] = found if isinstance(found, dict) else {}
        ok, variables = load_embedded_json(text(graphql.get("variables")) or "{}")
        if not has_type:
            headers["Content-Type"] = _JSON_LANGUAGE
        return BodyType.JSON, {
            "query": text(graphql.get("query")),
            "variables": variables if ok else {},
        }
    if mode == "file":
        state.warnings.append(f"{name}: a file body is not imported")
    return BodyType.None_, None


__all__ = ["PARTIAL_TAG", "ImportedCollection", "NamedAssertion", "import_collection"]
