"""The methods a path answers, for the Allow header of a 405.

Starlette names only the methods of the first route whose path matched; a path served by
several routes (GET, PATCH and DELETE of /cases/{id}, each its own route) then advertised
one of them. RFC 9110 15.5.6: Allow lists the methods the target resource supports.
"""

from fastapi.routing import iter_route_contexts
from starlette.requests import Request
from starlette.routing import Match


def allowed_methods(request: Request) -> str:
    """This function will list, as an Allow value, every method some route takes this path
    with."""
    methods: set[str] = set()
    scope = {**request.scope, "method": "\x00"}  # no route takes it: every match is partial
    for context in iter_route_contexts(request.app.routes):
        match, _ = context.matches(scope)
        if match != Match.NONE and context.methods:
            methods |= set(context.methods)
    return ", ".join(sorted(methods))
