"""Uploaded bytes turned into text, refusing files too big, empty or binary."""

import codecs

from domain.specifications.errors import SpecParseError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_text(content: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """This function will turn uploaded bytes into text, refusing big, empty or binary files."""
    if len(content) > max_bytes:
        raise SpecParseError.single(
            "/", f"the file is {len(content)} bytes, over the limit of {max_bytes} bytes"
        )
    encoding, body = "utf-8", content
    for bom, name in _BOMS:
        if content.startswith(bom):
            encoding, body = name, content[len(bom) :]
            break
    if encoding == "utf-8" and b"\x00" in body:
        raise SpecParseError.single("/", "the file is binary (it contains NUL bytes), not text")
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        raise SpecParseError.single(
            "/",
            f"the file is binary or not {encoding.upper()} text (bad byte at offset {exc.start})",
        ) from None
    if not text.strip():
        raise SpecParseError.single("/", "the file is empty")
    return text
