"""The formats the domain enforces on text, as OpenAPI patterns.

The domain is the judge (domain.shared.values): these patterns only tell clients, and
generators of test data, what it accepts. Each is the same rule or a plain subset of it, never
wider, so a value that matches is never refused for its form.
"""

from typing import Any

# domain.shared.values.require_email: a local part of 1 to 64, one @, a dot in the domain, no
# space. The pattern keeps to the ASCII an address is usually made of (what counts as a space
# differs between regex dialects; ASCII letters do not).
EMAIL_PATTERN = r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$"

# domain.shared.values.require_http_url: absolute http(s), a host, a port in range, no spaces;
# or empty for none. The pattern keeps to ASCII and ports up to 9999.
HTTP_URL_PATTERN = (
    r"^(https?://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:[1-9][0-9]{0,3})?"
    r"(/[A-Za-z0-9._~!$&'()*+,;=:@%/?#-]*)?)?$"
)

# domain.environments.model.require_variables and require_headers: a variable's name, an
# HTTP header's name (token characters, at most MAX_HEADER_NAME_LENGTH), a header's value (one
# line, no NUL).
VARIABLE_NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_.-]{0,99}$"
HEADER_NAME_PATTERN = r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"
HEADER_VALUE_PATTERN = r"^[^\r\n\x00]*$"

# A required text the domain strips before judging it empty (an auth configuration's fields):
# at least one visible ASCII character, and no NUL. (What else is white space differs
# between regex dialects: Python's strip() takes \x1c-\x1f too.)
NOT_BLANK_PATTERN = r"^[^\x00]*[!-~][^\x00]*$"


def pattern(regex: str) -> dict[str, Any]:
    """This function will give a Field's json_schema_extra stating a pattern the domain checks."""
    return {"pattern": regex}
