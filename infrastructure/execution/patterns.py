"""The regexes users write (extractions, header and JSONPath ``matches`` checks), each
search stopped after a time limit.

A regex such as ``(a+)+b`` takes time exponential in the text it fails on, and a run's
searches run on its event loop: one response could hold the worker for hours, out of
reach of the request timeouts and of cancellation. The ``regex`` module (a superset of
``re``) takes a timeout per search; a search that reaches it fails its check or
extraction, saying so.
"""

import regex

SEARCH_TIMEOUT_S = 0.25

Pattern = regex.Pattern
PatternError = regex.error


class SlowPatternError(Exception):
    """A search stopped at the time limit; the message says which regex, on how much text."""


def compile_pattern(text: str) -> "Pattern[str]":
    """This function will compile a user's regex (PatternError when it is not one)."""
    return regex.compile(text)


def search(pattern: "Pattern[str]", text: str) -> "regex.Match[str] | None":
    """This function will search a text, stopping at the time limit (SlowPatternError)."""
    try:
        return pattern.search(text, timeout=SEARCH_TIMEOUT_S)
    except TimeoutError:
        raise SlowPatternError(
            f"the regex {pattern.pattern!r} ran for more than {SEARCH_TIMEOUT_S:g} s on"
            f" {len(text)} characters and was stopped"
        ) from None
