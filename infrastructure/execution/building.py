"""A compiled request and a row's variables turned into the request that goes out."""

import json

from domain.testing.values import BodyType
from infrastructure.execution.compiler import CompiledRequest
from infrastructure.execution.encodings import form
from infrastructure.execution.outgoing import Outgoing
from infrastructure.execution.templating import (
    ResolutionError,
    Scope,
    Template,
    as_text,
    fill_path_params,
    resolve_json,
)

_DEFAULT_TYPES = {
    BodyType.JSON: "application/json",
    BodyType.UrlEncoded: "application/x-www-form-urlencoded",
    BodyType.Raw: "text/plain; charset=utf-8",
}


def _join(base_url: str, url: str) -> str:
    """This function will put a relative URL under the base URL, keeping the base's path."""
    if url.startswith(("http://", "https://")):
        return url
    # Plain concatenation, not urljoin: a base URL's own path (/v1) must survive.
    return f"{base_url.rstrip('/')}/{url.lstrip('/')}"


def _safe_header(name: str, value: str) -> str:
    """This function will refuse a header value that a variable turned into two lines."""
    if "\r" in value or "\n" in value or "\x00" in value:
        raise ResolutionError(f"the header {name} has a line break once its variables are resolved")
    return value


def build(
    request: CompiledRequest,
    scope: Scope,
    *,
    base_url: str,
    environment_headers: tuple[tuple[str, Template], ...],
) -> Outgoing:
    """This function will resolve a request for one row (ResolutionError when it cannot)."""
    url = request.url.render_url(scope)
    if "{" in url:
        url = fill_path_params(url, dict(request.path_params), scope)
    outgoing = Outgoing(
        method=request.method,
        url=_join(base_url, url),
        query=[(name, template.render(scope)) for name, template in request.query],
        headers={},
        timeout_ms=request.timeout_ms,
        without_credentials=request.without_credentials,
    )
    for name, template in environment_headers + request.headers:
        outgoing.set_header(name, _safe_header(name, template.render(scope)))
    body = resolve_json(request.body, scope) if request.body_templated else request.body
    _encode_body(outgoing, request.body_type, body)
    return outgoing


def _encode_body(outgoing: Outgoing, body_type: BodyType, body: object) -> None:
    """This function will encode the body by its type and set a default Content-Type."""
    if body_type == BodyType.None_ or body is None:
        return
    if body_type == BodyType.JSON:
        # Each string escaped as encodings.json_text spells it, which the masker knows.
        outgoing.body_text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    elif body_type == BodyType.Raw:
        outgoing.body_text = as_text(body)
    else:
        fields = body.items() if isinstance(body, dict) else []
        pairs = [(str(name), as_text(value)) for name, value in fields]
        if body_type == BodyType.FormData:
            outgoing.form = pairs
            outgoing.body_text = json.dumps(dict(pairs), ensure_ascii=False)
            content_type = outgoing.header("Content-Type") or ""
            if "boundary=" not in content_type:
                # aiohttp writes the multipart Content-Type with the boundary it chose.
                outgoing.remove_header("Content-Type")
            return
        outgoing.body_text = "&".join(f"{form(name)}={form(value)}" for name, value in pairs)
    outgoing.body = outgoing.body_text.encode("utf-8")
    if outgoing.header("Content-Type") is None:
        outgoing.set_header("Content-Type", _DEFAULT_TYPES[body_type])
