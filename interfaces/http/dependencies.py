"""What routes receive: the runtime, the caller, the request's context, preconditions."""

import re
import uuid
from dataclasses import dataclass
from typing import Annotated
from uuid import UUID

import anyio.to_thread
from fastapi import Depends, Header, Query, Request, Response
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from domain.shared.meta import Meta
from domain.users.model import Role
from infrastructure.projections.catalog import read_model
from infrastructure.projections.waiting import PositionWatch, TooManyWaitersError
from infrastructure.security.revocations import SessionCheck
from infrastructure.security.tokens import AccessClaims, InvalidTokenError
from interfaces.bootstrap import Runtime
from interfaces.http.api_keys import API_KEY_HEADER, api_key_claims, is_api_key
from interfaces.http.errors import ETAG, ProblemError

POSITION_HEADER = "X-Testament-Position"
MIN_POSITION_HEADER = "X-Testament-Min-Position"

# The formats below, as the OpenAPI document states them: what the readers accept, written
# for a schema (the readers also take the whitespace around that a proxy may add).
IF_MATCH_PATTERN = r'^(\*|(W/)?"?[0-9]{1,9}"?)$'
POSITION_PATTERN = r"^([A-Za-z_][A-Za-z0-9_]{0,62}:[0-9]{1,18})?$"  # empty: no condition


async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]

_bearer = HTTPBearer(
    auto_error=False,
    description="The access token from POST /auth/login, or an API key (tk_...)",
)
_api_key = APIKeyHeader(
    name=API_KEY_HEADER,
    auto_error=False,
    description="An API key made with POST /me/api-keys (docs/api-keys.md)",
)


async def get_current_user(
    request: Request,
    runtime: RuntimeDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key)],
) -> AccessClaims:
    if api_key is None and credentials is not None and is_api_key(credentials.credentials):
        api_key = credentials.credentials
    if api_key is not None:
        return await api_key_claims(request, runtime, api_key)
    if credentials is None:
        raise InvalidTokenError(
            "send an access token as 'Authorization: Bearer <token>', or an API key as"
            f" '{API_KEY_HEADER}: <key>'"
        )
    claims = runtime.tokens.check_access(credentials.credentials)
    sessions: SessionCheck = request.app.state.sessions
    if await sessions.has_ended(claims.session_id):
        raise InvalidTokenError(
            "the session of this access token has ended (logout, password change, "
            "disabled account or a reused refresh token); log in again"
        )
    return claims


CurrentUser = Annotated[AccessClaims, Depends(get_current_user)]


def get_admin(runtime: RuntimeDep, user: CurrentUser) -> AccessClaims:
    """This function will let through an Admin, by the account's roles now (the token's may
    be older), and refuse anyone else with 403."""
    account = runtime.identity.active_account(user.user_id)
    if Role.ADMIN not in account.roles:
        raise ProblemError(403, "forbidden", "Forbidden", "this needs the Admin role")
    return user


AdminUser = Annotated[AccessClaims, Depends(get_admin)]


async def get_meta(request: Request, user: CurrentUser) -> Meta:
    reason = (request.headers.get("x-change-reason") or "").strip()[:1000] or None
    meta = request_meta(request, user.user_id, reason)
    if user.api_key_id is not None:
        meta["api_key_id"] = str(user.api_key_id)
    return meta


def request_meta(request: Request, user_id: UUID | None, reason: str | None = None) -> Meta:
    """This function will describe who sent a request and from where, for the events it records."""
    return Meta(
        user_id=str(user_id) if user_id else None,
        ip=request.client.host if request.client else None,
        user_agent=(request.headers.get("user-agent") or "")[:512] or None,
        correlation_id=getattr(request.state, "correlation_id", None) or str(uuid.uuid4()),
        reason=reason,
    )


MetaDep = Annotated[Meta, Depends(get_meta)]


async def get_expected_version(
    if_match: Annotated[
        str | None,
        Header(
            description='ETag of the version you edited, e.g. "3", or * for any version',
            json_schema_extra={"pattern": IF_MATCH_PATTERN},
        ),
    ] = None,
) -> int | None:
    """This function will read If-Match; '*' or no header means any version."""
    if if_match is None or if_match.strip() == "*":
        return None
    match = ETAG.match(if_match)
    if not match:
        raise ProblemError(
            400, "bad-if-match", "Bad If-Match", 'If-Match must be an ETag such as "3"'
        )
    return int(match.group(1))


ExpectedVersion = Annotated[int | None, Depends(get_expected_version)]


_POSITION = re.compile(r"([A-Za-z_][A-Za-z0-9_]{0,62}):([0-9]{1,18})")


def parse_position(value: str) -> tuple[str, int]:
    # ASCII digits only, and few enough for a bigint: str.isdigit() accepts '²', which int()
    # refuses, and int() refuses more than 4300 digits; both were a 500.
    match = _POSITION.fullmatch(value.strip())
    if not match:
        raise ProblemError(
            400,
            "bad-position",
            "Bad position",
            "a position looks like 'apidoc:42', as commands return it",
        )
    return match.group(1), int(match.group(2))


class ReadPosition:
    """Waits, before a query, for its read model to reach the position a client wrote at.

    The caller is authenticated first (an anonymous request never waits), and the wait
    holds no thread: it is the process's PositionWatch, with a bounded number of places.
    """

    def __init__(self, projection: str) -> None:
        self.projection = projection

    async def __call__(
        self,
        request: Request,
        runtime: RuntimeDep,
        _user: CurrentUser,
        min_position: Annotated[
            str | None,
            Query(
                description="Wait until the read model has applied this position (e.g. apidoc:42)",
                json_schema_extra={"pattern": POSITION_PATTERN},
            ),
        ] = None,
        header: Annotated[
            str | None,
            Header(
                alias=MIN_POSITION_HEADER,
                description="The same as min_position, as a header",
                json_schema_extra={"pattern": POSITION_PATTERN},
            ),
        ] = None,
    ) -> None:
        wanted = min_position or header
        if not wanted:
            return
        log_name, position = parse_position(wanted)
        if log_name not in read_model(self.projection).projection.follows:
            return  # nothing of that log is in this read model: it cannot be behind on it
        timeout = runtime.settings.read_wait_timeout_seconds
        watch: PositionWatch = request.app.state.position_watch
        if not watch.reached(self.projection, log_name, position):
            await _require_written(runtime, log_name, position)
        try:
            reached, current = await watch.wait(self.projection, log_name, position, timeout)
        except TooManyWaitersError:
            raise ProblemError(
                503,
                "read-wait-busy",
                "Too many reads waiting",
                "this server already holds as many reads waiting for a read model as it "
                "allows; retry shortly",
                headers={"Retry-After": "1"},
            ) from None
        if not reached:
            raise ProblemError(
                503,
                "read-model-behind",
                "Read model not caught up",
                f"the {self.projection} read model stands at {log_name}:{current} and did not reach "
                f"{log_name}:{position} within {timeout:g}s; retry shortly",
                headers={"Retry-After": "1"},
                position=current,
                required_position=position,
            )


async def _require_written(runtime: Runtime, log_name: str, position: int) -> None:
    """This function will refuse, at once, a position the log has not reached: no command
    returned it, so waiting for it would only hold a place until the timeout."""
    recorder = runtime.applications()[log_name].recorder
    head = await anyio.to_thread.run_sync(recorder.max_notification_id) or 0
    if position > head:
        raise ProblemError(
            412,
            "position-not-written",
            "Position not written",
            f"the {log_name} log stands at {log_name}:{head}; {log_name}:{position} was never "
            "returned by a command",
            position=head,
            required_position=position,
        )


def set_written_headers(response: Response, *, log: str, position: int, version: int) -> None:
    response.headers[POSITION_HEADER] = f"{log}:{position}"
    response.headers["ETag"] = f'"{version}"'


@dataclass(frozen=True)
class CommandContext:
    """What every command route needs: the runtime, the caller, the request's context, the
    If-Match version, and the response whose headers say where the command wrote."""

    runtime: Runtime
    user: AccessClaims
    meta: Meta
    expected: int | None
    response: Response

    @property
    def user_id(self) -> UUID:
        return self.user.user_id

    def wrote(self, *, log: str, position: int, version: int) -> None:
        set_written_headers(self.response, log=log, position=position, version=version)


async def get_command_context(
    runtime: RuntimeDep,
    user: CurrentUser,
    meta: MetaDep,
    expected: ExpectedVersion,
    response: Response,
) -> CommandContext:
    return CommandContext(
        runtime=runtime, user=user, meta=meta, expected=expected, response=response
    )


Command = Annotated[CommandContext, Depends(get_command_context)]


@dataclass(frozen=True)
class VersionRange:
    """Two versions of an aggregate to compare (?from=&to=)."""

    first: int
    last: int


async def get_version_range(
    from_: Annotated[int, Query(alias="from", ge=1)], to: Annotated[int, Query(ge=1)]
) -> VersionRange:
    return VersionRange(first=from_, last=to)


Versions = Annotated[VersionRange, Depends(get_version_range)]
