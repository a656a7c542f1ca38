"""Negative cases about credentials: left out, or wrong."""

import dataclasses

from domain.generation.credentials import Credential
from domain.generation.drafts import CaseDraft, negative_draft
from domain.generation.mutations import with_credential
from domain.generation.request_builder import HappyRequest
from domain.generation.responses import documents
from domain.specifications.parsed import ParsedEndpoint
from domain.testing.values import Priority

INVALID_CREDENTIAL_STATUSES = [401, 403]
_HTTP_AUTH_KINDS = ("bearer", "basic")


def security_cases(endpoint: ParsedEndpoint, happy: HappyRequest) -> list[CaseDraft]:
    """This function will give the missing- and invalid-credential cases of a secured call.

    None when the operation needs no credentials or also accepts calls without them.
    """
    credentials = happy.credentials
    if not credentials or endpoint.security_optional:
        return []
    missing = happy.request
    wrong = happy.request
    for credential in credentials:
        missing = with_credential(missing, credential, None)
        wrong = with_credential(wrong, credential, credential.invalid_value)
    # Left out means left out: the environment's authentication would otherwise add the very
    # credentials this case is about, and a server that checks them would fail the case.
    missing = dataclasses.replace(missing, without_credentials=True)
    names = ", ".join(sorted({credential.name for credential in credentials}))
    kinds = " and ".join(sorted({credential.kind for credential in credentials}))
    return [
        negative_draft(
            "missingCredentials",
            "missing credentials are refused",
            f"Sends the request without {names}",
            missing,
            missing_credential_statuses(endpoint, credentials),
            tags=["security"],
            priority=Priority.High,
        ),
        negative_draft(
            "invalidCredentials",
            "invalid credentials are refused",
            f"Sends a wrong {kinds} credential",
            wrong,
            list(INVALID_CREDENTIAL_STATUSES),
            tags=["security"],
            priority=Priority.High,
        ),
    ]


def missing_credential_statuses(
    endpoint: ParsedEndpoint, credentials: list[Credential]
) -> list[int]:
    """This function will give what a call without credentials should get.

    401 is what HTTP authentication prescribes (RFC 9110); 403 is accepted too for API
    keys (gateways often answer it) and when the operation documents 403 but not 401.
    """
    api_key = any(credential.kind not in _HTTP_AUTH_KINDS for credential in credentials)
    if api_key or (documents(endpoint, 403) and not documents(endpoint, 401)):
        return [401, 403]
    return [401]
