"""Splitting shell text into commands and words, the way a POSIX shell would quote them.

It understands single and double quotes, ``$'...'`` strings, backslash escapes and
backslash-newline continuations. Exports for Windows ``cmd`` (``^`` escapes and
continuations) and PowerShell (backtick continuations) are first rewritten to that form.
Nothing is ever executed or expanded: ``$VAR`` stays as written.
"""

import re
from dataclasses import dataclass, field

_CMD_STYLE = re.compile(r'\^"|\^\r?\n')
_SEPARATORS = (";", "&&", "||", "|")
_SIMPLE_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "E": "\x1b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "?": "?",
}
_HEX_LENGTHS = {"x": 2, "u": 4, "U": 8}


class ShellSyntaxError(Exception):
    """Shell text that cannot be split into words, such as an unterminated quote."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass
class Command:
    """The words of one command line, and the line it starts on."""

    line: int
    words: list[str] = field(default_factory=list)


def normalise_exports(text: str) -> str:
    """This function will rewrite Windows cmd and PowerShell continuations into POSIX form."""
    text = text.replace("\r\n", "\n")
    if _CMD_STYLE.search(text):
        text = re.sub(r"\^\n", " ", text)
        text = re.sub(r"\^(.)", r"\1", text)
    return re.sub(r"[ \t]`\n", " \\\n", text)


def split_commands(text: str) -> list[Command]:
    """This function will split shell text into commands of unquoted words."""
    return _Splitter(normalise_exports(text)).run()


class _Splitter:
    """The state of one pass over shell text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0
        self.line = 1
        self.commands: list[Command] = []
        self.command = Command(1)
        self.word: list[str] = []
        self.in_word = False

    def run(self) -> list[Command]:
        while self.position < len(self.text):
            self._step()
        self._end_command()
        return self.commands

    def _step(self) -> None:
        text, char = self.text, self.text[self.position]
        separator = next((s for s in _SEPARATORS if text.startswith(s, self.position)), None)
        if char in " \t":
            self._end_word()
        elif char == "\n":
            self._end_command()
            self.line += 1
        elif separator is not None:
            self._end_command()
            self.position += len(separator) - 1
        elif char == "#" and not self.in_word:
            end = text.find("\n", self.position)
            self.position = (len(text) if end < 0 else end) - 1
        elif char == "\\":
            self._backslash()
        elif char == "'":
            self._single_quoted()
        elif char == "$" and text.startswith("$'", self.position):
            self.position += 1
            self._ansi_c_quoted()
        elif char == '"':
            self._double_quoted()
        else:
            self._add(char)
        self.position += 1

    def _add(self, chars: str) -> None:
        if not self.command.words and not self.in_word:
            self.command.line = self.line
        self.word.append(chars)
        self.in_word = True

    def _end_word(self) -> None:
        if self.in_word:
            self.command.words.append("".join(self.word))
        self.word, self.in_word = [], False

    def _end_command(self) -> None:
        self._end_word()
        if self.command.words:
            self.commands.append(self.command)
        self.command = Command(self.line)

    def _backslash(self) -> None:
        following = self.text[self.position + 1 : self.position + 2]
        self.position += 1
        if following == "\n":
            self.line += 1
        elif following:
            self._add(following)

    def _closing(self, quote: str, start_line: int) -> int:
        end = self.text.find(quote, self.position + 1)
        if end < 0:
            raise ShellSyntaxError(start_line, f"unterminated {quote} quote")
        return end

    def _single_quoted(self) -> None:
        self._add("")
        end = self._closing("'", self.line)
        content = self.text[self.position + 1 : end]
        self._add(content)
        self.line += content.count("\n")
        self.position = end

    def _double_quoted(self) -> None:
        self._add("")
        start_line, chars = self.line, []
        self.position += 1
        while self.position < len(self.text) and self.text[self.position] != '"':
            char = self.text[self.position]
            following = self.text[self.position + 1 : self.position + 2]
            if char == "\\" and following in ('"', "\\", "$", "`", "\n"):
                self.position += 1
                char = "" if following == "\n" else following
                self.line += following == "\n"
            elif char == "\n":
                self.line += 1
            chars.append(char)
            self.position += 1
        if self.position >= len(self.text):
            raise ShellSyntaxError(start_line, 'unterminated " quote')
        self._add("".join(chars))

    def _ansi_c_quoted(self) -> None:
        self._add("")
        start_line, chars = self.line, []
        self.position += 1
        while self.position < len(self.text) and self.text[self.position] != "'":
            char = self.text[self.position]
            if char == "\\" and self.position + 1 < len(self.text):
                char = self._ansi_c_escape()
            elif char == "\n":
                self.line += 1
            chars.append(char)
            self.position += 1
        if self.position >= len(self.text):
            raise ShellSyntaxError(start_line, "unterminated $' quote")
        self._add("".join(chars))

    def _ansi_c_escape(self) -> str:
        self.position += 1
        letter = self.text[self.position]
        if letter in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[letter]
        if letter in _HEX_LENGTHS:
            digits = re.match(
                rf"[0-9a-fA-F]{{1,{_HEX_LENGTHS[letter]}}}", self.text[self.position + 1 :]
            )
            if digits:
                self.position += len(digits.group())
                return _character(int(digits.group(), 16))
        if letter in "01234567":
            digits = re.match(r"[0-7]{1,3}", self.text[self.position :])
            if digits:
                self.position += len(digits.group()) - 1
                return _character(int(digits.group(), 8))
        return "\\" + letter


def _character(code: int) -> str:
    """This function will give a code point, or U+FFFD for one text cannot hold."""
    return "\ufffd" if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF else chr(code)
