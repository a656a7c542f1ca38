"""Every way a run spells a value, in one place: building uses these encoders to put a
variable where it goes, and masking derives a secret's spellings from the same list.

A secret leaks when it is written in a spelling the masker does not know: a JSON body
built with ``ensure_ascii=False`` while the masker only knew ``ensure_ascii=True``, a URL
that the HTTP client re-quoted, a target that echoes the request body as a JSON string
inside its JSON answer. So no spelling is listed by hand: SPELLERS holds every encoder a
value meets on its way out and back (ours, the HTTP client's re-quoting, the encodings a
target is most likely to echo it in), and the masker masks every composition of them up
to NESTING deep (``json_ascii(json_text(s))`` is a JSON body echoed as a JSON string).
"""

import base64
import json
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import quote, quote_plus

from yarl import URL

# The characters a path value keeps as they are: RFC 3986 pchar without ``%`` (a value is
# text, not something already encoded: ``%41`` is sent as ``%2541``, not as ``A``).
PATH_SAFE = "-._~!$&'()*+,;=:@"
# A placeholder in the path of a URL template may carry several segments (``{{prefix}}``).
URL_PATH_SAFE = PATH_SAFE + "/"


def json_text(value: str) -> str:
    """This function will escape text for a JSON string as JSON bodies are built (UTF-8)."""
    return json.dumps(value, ensure_ascii=False)[1:-1]


def json_ascii(value: str) -> str:
    """This function will escape text for a JSON string as Python's default does (\\uXXXX)."""
    return json.dumps(value)[1:-1]


def path_param(value: str) -> str:
    """This function will encode a ``{name}`` path parameter: one segment."""
    return quote(value, safe=PATH_SAFE)


def url_path(value: str) -> str:
    """This function will encode a placeholder in the path of a URL template."""
    return quote(value, safe=URL_PATH_SAFE)


def url_query(value: str) -> str:
    """This function will encode a placeholder in the query (or fragment) of a URL template."""
    return quote(value, safe="")


def form(value: str) -> str:
    """This function will form-encode a query parameter or a form field (``urlencode``)."""
    return quote_plus(value)


def header_value(value: str) -> str:
    """This function will give a header value as the receiver reads it: HTTP drops the
    spaces and tabs around it (RFC 9110 5.5), so a target echoes ``"k3y "`` as ``"k3y"``."""
    return value.strip(" \t")


def python_repr(value: str) -> str:
    """This function will spell text as failure reasons quote it (``repr``, quotes removed)."""
    return repr(value)[1:-1]


@lru_cache(maxsize=4096)
def wire_path(encoded: str) -> str:
    """This function will give an encoded path as the HTTP client (yarl) sends it."""
    return URL(f"http://h/{encoded}").raw_path[1:]


@lru_cache(maxsize=4096)
def wire_query(encoded: str) -> str:
    """This function will give an encoded query value as the HTTP client (yarl) sends it."""
    return URL(f"http://h/?q={encoded}").raw_query_string[2:]


def basic_credentials(username: str, password: str) -> str:
    """This function will encode HTTP Basic credentials (``Authorization: Basic ...``)."""
    return base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


def _wire_path_of(encode: Callable[[str], str]) -> Callable[[str], str]:
    return lambda value: wire_path(encode(value))


def _wire_query_of(encode: Callable[[str], str]) -> Callable[[str], str]:
    return lambda value: wire_query(encode(value))


# Every encoder a value may pass through, whether we or the HTTP client apply it, or a
# target that echoes what it received.
SPELLERS: tuple[Callable[[str], str], ...] = (
    json_text,
    json_ascii,
    path_param,
    url_path,
    url_query,
    form,
    header_value,
    python_repr,
    _wire_path_of(path_param),
    _wire_path_of(url_path),
    _wire_query_of(url_query),
    _wire_query_of(form),
)
# How deep encodings are composed: a JSON body (1) echoed as a JSON string (2) inside a
# JSON string (3).
NESTING = 3


def spellings(secret: str) -> set[str]:
    """This function will give every spelling of a secret: itself and every composition of
    up to NESTING encoders."""
    found = {secret}
    layer = {secret}
    for _ in range(NESTING):
        layer = {encode(text) for text in layer for encode in SPELLERS} - found
        if not layer:
            break
        found |= layer
    return found
