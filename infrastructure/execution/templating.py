"""``{{variable}}`` placeholders and ``{name}`` path parameters, parsed once per case."""

import json
import re
from collections.abc import Mapping
from typing import Any

from infrastructure.execution.dynamic import dynamic_value
from infrastructure.execution.encodings import path_param, url_path, url_query

# The names an environment variable may take (domain/environments/model.py), which include
# those of a case's extracted variables: a narrower grammar would send ``{{api-key}}`` as text.
_NAME = r"[A-Za-z_][A-Za-z0-9_.\-]*"
# ``$name`` is a Postman dynamic variable ({{$guid}}), made when it is rendered.
_PLACEHOLDER = re.compile(rf"\{{\{{\s*(\$?{_NAME})\s*\}}\}}")
_PATH_PARAM = re.compile(rf"(?<!\{{)\{{({_NAME})\}}(?!\}})")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://")
_MISSING = object()


class ResolutionError(Exception):
    """A request that cannot be built: the message says which value is missing."""


class UnknownVariableError(ResolutionError):
    """A placeholder names a variable that neither the row, the run nor the environment has."""

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown variable {{{{{name}}}}}")
        self.name = name


class Scope:
    """The variables a request sees: the data-set row, then the run's, then the environment's."""

    __slots__ = ("_layers",)

    def __init__(self, *layers: Mapping[str, Any]) -> None:
        self._layers = layers

    def lookup(self, name: str) -> Any:
        """This function will give a variable's value, raising UnknownVariableError without one."""
        for layer in self._layers:
            value = layer.get(name, _MISSING)
            if value is not _MISSING:
                return value
        if name.startswith("$"):
            made = dynamic_value(name)
            if made is not None:
                return made
        raise UnknownVariableError(name)


def as_text(value: Any) -> str:
    """This function will spell a variable's value as text: strings as they are, JSON otherwise."""
    return value if isinstance(value, str) else json.dumps(value)


class Template:
    """A string that may hold placeholders, split once into literal text and variable names."""

    __slots__ = ("_parts", "_whole", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._parts: list[tuple[bool, str]] = []
        self._whole: str | None = None
        if "{{" not in text:
            return
        position = 0
        for match in _PLACEHOLDER.finditer(text):
            if match.start() > position:
                self._parts.append((False, text[position : match.start()]))
            self._parts.append((True, match.group(1)))
            position = match.end()
        if position < len(text):
            self._parts.append((False, text[position:]))
        if len(self._parts) == 1 and self._parts[0][0]:
            self._whole = self._parts[0][1]

    @property
    def names(self) -> list[str]:
        """This function will give the names of the variables the string reads, in order."""
        return [part for is_name, part in self._parts if is_name]

    @property
    def constant(self) -> bool:
        """This function will tell whether the string holds no placeholder at all."""
        return not self._parts

    def render(self, scope: Scope) -> str:
        """This function will give the string with every placeholder replaced by its value."""
        if not self._parts:
            return self.text
        return "".join(
            as_text(scope.lookup(part)) if is_name else part for is_name, part in self._parts
        )

    def render_url(self, scope: Scope) -> str:
        """This function will render a URL, each value encoded for where it stands: as it is
        in the scheme and host (``{{baseUrl}}/pets``), percent-encoded in the path (``/``
        kept) and fully in the query or fragment, so that a value holding ``? # & + %``
        stays one value and reaches the target whole."""
        if not self._parts:
            return self.text
        place = "path"
        if _SCHEME.match(self.text) or self._parts[0][0]:
            place = "origin"
        rendered = []
        for is_name, part in self._parts:
            if not is_name:
                place = _place_after(part, place)
                rendered.append(part)
                continue
            value = as_text(scope.lookup(part))
            rendered.append(
                value
                if place == "origin"
                else url_path(value)
                if place == "path"
                else url_query(value)
            )
        return "".join(rendered)

    def resolve(self, scope: Scope) -> Any:
        """This function will render, keeping the variable's own type for a lone placeholder."""
        if self._whole is not None:
            return scope.lookup(self._whole)
        return self.render(scope)


def _place_after(literal: str, place: str) -> str:
    """This function will tell where in a URL the text after a literal part stands."""
    if place == "origin":
        scheme = _SCHEME.match(literal)
        rest = literal[scheme.end() :] if scheme else literal
        if "/" not in rest and "?" not in rest and "#" not in rest:
            return "origin"
        place = "path"
        literal = rest[min(i for i in (rest.find(c) for c in "/?#") if i >= 0) :]
    if place == "path" and ("?" in literal or "#" in literal):
        return "query"
    return place


def has_placeholder(value: Any) -> bool:
    """This function will tell whether JSON data holds a placeholder anywhere (keys included)."""
    if isinstance(value, str):
        return "{{" in value and _PLACEHOLDER.search(value) is not None
    if isinstance(value, dict):
        return any(has_placeholder(key) or has_placeholder(item) for key, item in value.items())
    if isinstance(value, list):
        return any(has_placeholder(item) for item in value)
    return False


def resolve_json(value: Any, scope: Scope) -> Any:
    """This function will resolve placeholders throughout JSON data, recursively."""
    if isinstance(value, str):
        return Template(value).resolve(scope) if "{{" in value else value
    if isinstance(value, dict):
        return {
            Template(key).render(scope): resolve_json(item, scope) for key, item in value.items()
        }
    if isinstance(value, list):
        return [resolve_json(item, scope) for item in value]
    return value


def fill_path_params(url: str, params: Mapping[str, Template], scope: Scope) -> str:
    """This function will replace each ``{name}`` segment with its percent-encoded value.

    Only the parameters the URL names are resolved: a URL that already carries its
    values (``/pets/42``) keeps ``path_params`` as a record, not as something to fill."""
    if "{" not in url:
        return url

    def value(match: re.Match[str]) -> str:
        """This function will give the encoded value of one path parameter."""
        name = match.group(1)
        template = params.get(name)
        if template is None:
            raise ResolutionError(f"no value for the path parameter {{{name}}}")
        return path_param(template.render(scope))

    return _PATH_PARAM.sub(value, url)
