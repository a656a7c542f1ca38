"""A valid string beyond ASCII: accented letters, a non-Latin script and an emoji.

Servers that store, log or encode text as ASCII (or as a legacy code page) crash on such
input, and no length or range rule sends it. The value is only offered where the schema
admits any text: no enum, const or format, and a pattern it matches.
"""

from collections.abc import Mapping
from typing import Any

from domain.generation.edges import BoundaryValue, natural

_SAMPLE = "Zoë ünïcødé 日本語 🚀"
# Free text of a schema with none of these can be any string the length allows.
_RESTRICTING = ("enum", "const", "format")


def non_ascii_string(schema: Mapping[str, Any]) -> BoundaryValue | None:
    """This function will give a non-ASCII string of a length the schema allows, or None
    when the schema restricts its text in a way such a string cannot meet (its pattern is
    checked by the caller, with every other constraint)."""
    if any(keyword in schema for keyword in _RESTRICTING):
        return None
    least = natural(schema.get("minLength")) or 0
    most = natural(schema.get("maxLength"))
    length = max(least, len(_SAMPLE))
    if most is not None:
        length = min(length, most)
    if length < 1 or length < least:
        return None
    # Repeated then cut to the length; cut to one or two characters the sample would be
    # ASCII ("Zo"), so such a text is accented letters only.
    text = (_SAMPLE * (length // len(_SAMPLE) + 1))[:length] if length >= 3 else "ë" * length
    return BoundaryValue(
        label="nonAscii",
        value=text,
        inside=True,
        description=f"{text!r}: valid text beyond ASCII (accents, another script, an emoji)",
    )
