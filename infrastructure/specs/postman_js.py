"""Just enough JavaScript reading for Postman scripts: statements, calls and literals.

Nothing here runs JavaScript. The scanner knows strings, template strings, comments,
regex literals and bracket nesting, which is what splitting a script into statements and
finding the end of a ``pm.test`` callback need.
"""

import json
import re
from dataclasses import dataclass
from typing import Any

_OPENERS = {"(": ")", "[": "]", "{": "}"}
_REGEX_BEFORE = set("(,=:[!&|?{};+-*%<>~^") | {""}


class NotLiteral(ValueError):
    """A JavaScript expression that is not a plain literal value."""


@dataclass(frozen=True)
class Statement:
    """One top-level statement of a script, with the line it starts on (1-based)."""

    text: str
    line: int


def _skip_string(source: str, index: int) -> int:
    quote = source[index]
    index += 1
    while index < len(source) and source[index] != quote:
        index += 2 if source[index] == "\\" else 1
    return index + 1


def _skip_regex(source: str, index: int) -> int:
    index += 1
    in_class = False
    while index < len(source) and source[index] != "\n":
        char = source[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "/" and not in_class:
            index += 1
            while index < len(source) and source[index].isalpha():
                index += 1
            return index
        index += 1
    return index


def strip_comments(source: str) -> str:
    """This function will blank out comments, keeping line breaks (so line numbers hold)."""
    out: list[str] = []
    index, previous = 0, ""
    while index < len(source):
        char = source[index]
        pair = source[index : index + 2]
        if char in "\"'`":
            end = _skip_string(source, index)
            out.append(source[index:end])
            index, previous = end, char
        elif pair == "//":
            end = source.find("\n", index)
            index = len(source) if end < 0 else end
        elif pair == "/*":
            end = source.find("*/", index + 2)
            end = len(source) if end < 0 else end + 2
            out.append("\n" * source.count("\n", index, end))
            index = end
        elif char == "/" and previous in _REGEX_BEFORE:
            end = _skip_regex(source, index)
            out.append(source[index:end])
            index, previous = end, "/"
        else:
            out.append(char)
            if not char.isspace():
                previous = char
            index += 1
    return "".join(out)


def matching(source: str, index: int) -> int:
    """This function will give the index just past the bracket closing the one at ``index``."""
    stack = [_OPENERS[source[index]]]
    position, previous = index + 1, source[index]
    while position < len(source) and stack:
        char = source[position]
        if char in "\"'`":
            position = _skip_string(source, position)
            previous = char
            continue
        if char == "/" and previous in _REGEX_BEFORE:
            position = _skip_regex(source, position)
            previous = "/"
            continue
        if char in _OPENERS:
            stack.append(_OPENERS[char])
        elif stack and char == stack[-1]:
            stack.pop()
        if not char.isspace():
            previous = char
        position += 1
    return position


def statements(source: str, first_line: int = 1) -> list[Statement]:
    """This function will split a script (comments already stripped) into statements.

    A statement ends at ``;`` or at a line break outside brackets, and a block statement
    (``if (...) {...}``, ``pm.test(...)``) ends at its closing bracket.
    """
    found: list[Statement] = []
    start, index = 0, 0

    def close(end: int) -> None:
        text = source[start:end].strip().rstrip(";").strip()
        if text:
            line = first_line + source.count(
                "\n", 0, start + (len(source[start:end]) - len(source[start:end].lstrip()))
            )
            found.append(Statement(text, line))

    while index < len(source):
        char = source[index]
        if char in "\"'`":
            index = _skip_string(source, index)
        elif char in _OPENERS:
            index = matching(source, index)
            if char == "{" and not _continues(source, index):
                close(index)
                start = index
        elif char == ";" or (char == "\n" and not _continues(source, index)):
            close(index)
            start = index = index + 1
        else:
            index += 1
    close(len(source))
    return found


def _continues(source: str, index: int) -> bool:
    """This function will tell whether the statement goes on after ``index``: the next
    text is ``.``, ``else``, an operator or a closing bracket, or this line ended in one."""
    before = source[:index].rstrip(" \t")
    if before and before[-1] in "=+-*/%&|?:,.(\\[{<>!":
        return True
    rest = source[index:].lstrip()
    return bool(rest) and (
        rest[0] in ".)]}?:+-*/%&|=,<>" or rest.startswith("else") or rest.startswith("catch")
    )


def split_top(text: str, separator: str) -> list[str]:
    """This function will split text on a separator that stands outside brackets and strings."""
    parts, start, index = [], 0, 0
    while index < len(text):
        char = text[index]
        if char in "\"'`":
            index = _skip_string(text, index)
        elif char in _OPENERS:
            index = matching(text, index)
        elif text.startswith(separator, index):
            parts.append(text[start:index].strip())
            index += len(separator)
            start = index
        else:
            index += 1
    parts.append(text[start:].strip())
    return parts


_KEY = re.compile(r"([{,]\s*)([A-Za-z_$][A-Za-z0-9_$]*)\s*:")
_TRAILING = re.compile(r",\s*([}\]])")


def literal(text: str) -> Any:
    """This function will read a JavaScript literal (number, string, true/false/null, array,
    object with bare or quoted keys) as JSON, raising NotLiteral for anything else."""
    text = text.strip()
    if text == "undefined":
        raise NotLiteral(text)
    if len(text) >= 2 and text[0] == text[-1] == "'" and _skip_string(text, 0) == len(text):
        return _js_string(text[1:-1])
    if len(text) >= 2 and text[0] == text[-1] == "`" and "${" not in text:
        return text[1:-1]
    converted = _to_json(text)
    try:
        return json.loads(converted)
    except ValueError:
        raise NotLiteral(text) from None


def _js_string(body: str) -> str:
    return str(
        json.loads('"' + body.replace('\\"', '"').replace('"', '\\"').replace("\\'", "'") + '"')
    )


def _to_json(text: str) -> str:
    """This function will respell a JavaScript object or array literal as JSON."""
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "'":
            end = _skip_string(text, index)
            out.append(json.dumps(_js_string(text[index + 1 : end - 1])))
            index = end
        elif char == '"':
            end = _skip_string(text, index)
            out.append(text[index:end])
            index = end
        else:
            out.append(char)
            index += 1
    joined = "".join(out)
    joined = _KEY.sub(lambda m: f'{m.group(1)}"{m.group(2)}":', joined)
    return _TRAILING.sub(r"\1", joined)
