"""The credentials a secured operation is called with, as ``{{variable}}`` placeholders.

Bearer-style schemes (http bearer, oauth2, openIdConnect) send ``{{authToken}}``, which
the authentication operation of the suite extracts; an API key is ``{{apiKey}}`` and
HTTP basic ``{{basicAuth}}``, both expected from the environment.
"""

from dataclasses import dataclass

from domain.specifications.parsed import ParsedEndpoint, ParsedSecurityScheme

AUTH_TOKEN = "authToken"
API_KEY = "apiKey"
BASIC_AUTH = "basicAuth"

_BEARER_TYPES = ("oauth2", "openIdConnect")
# A syntactically plausible JWT that no server signed: it must be refused as invalid.
_INVALID_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJub2JvZHkifQ.aW52YWxpZC1zaWduYXR1cmU"
# base64("invalid:invalid")
_INVALID_BASIC = "aW52YWxpZDppbnZhbGlk"


@dataclass(frozen=True, kw_only=True, slots=True)
class Credential:
    """One credential to send: where it goes, its placeholder value and a wrong value."""

    scheme_name: str
    kind: str
    place: str
    name: str
    value: str
    invalid_value: str

    @property
    def uses_auth_token(self) -> bool:
        """This function will tell whether the value is the token a login provides."""
        return f"{{{{{AUTH_TOKEN}}}}}" in self.value


def credentials_for(
    endpoint: ParsedEndpoint, schemes: dict[str, ParsedSecurityScheme]
) -> list[Credential]:
    """This function will give the credentials of the first security alternative we can send.

    An alternative is skipped when one of its schemes cannot be expressed as a header,
    query parameter or cookie (mutual TLS, digest); none left means no credentials.
    """
    alternatives: dict[int, list[Credential | None]] = {}
    for requirement in endpoint.security:
        scheme = schemes.get(requirement.scheme_name)
        credential = _credential(requirement.scheme_name, requirement.security_type, scheme)
        alternatives.setdefault(requirement.alternative, []).append(credential)
    for number in sorted(alternatives):
        found = alternatives[number]
        if all(credential is not None for credential in found):
            return [credential for credential in found if credential is not None]
    return []


def bearer(scheme_name: str) -> Credential:
    """This function will give the bearer-token credential fed by the authentication step."""
    return Credential(
        scheme_name=scheme_name,
        kind="bearer",
        place="header",
        name="Authorization",
        value=f"Bearer {{{{{AUTH_TOKEN}}}}}",
        invalid_value=f"Bearer {_INVALID_TOKEN}",
    )


def _credential(
    name: str, security_type: str, scheme: ParsedSecurityScheme | None
) -> Credential | None:
    kind = scheme.type if scheme else security_type
    if kind in _BEARER_TYPES or not kind:
        return bearer(name)
    if kind == "http":
        http_scheme = scheme.scheme.lower() if scheme else "bearer"
        if http_scheme in ("bearer", ""):
            return bearer(name)
        if http_scheme == "basic":
            return Credential(
                scheme_name=name,
                kind="basic",
                place="header",
                name="Authorization",
                value=f"Basic {{{{{BASIC_AUTH}}}}}",
                invalid_value=f"Basic {_INVALID_BASIC}",
            )
        return None
    if kind == "apiKey" and scheme is not None and scheme.parameter_name:
        return Credential(
            scheme_name=name,
            kind="apiKey",
            place=scheme.in_ or "header",
            name=scheme.parameter_name,
            value=f"{{{{{API_KEY}}}}}",
            invalid_value="invalid-api-key-0000",
        )
    return None
