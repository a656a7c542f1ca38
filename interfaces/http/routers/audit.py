"""The audit API: signed digests of the hash chain (docs/audit.md)."""

from collections.abc import Iterator
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from interfaces.http.dependencies import AdminUser, RuntimeDep
from interfaces.http.schemas.audit import ChainHeadPublic, DigestPublic, DigestsPublic

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get(
    "/digests",
    response_model=DigestsPublic,
    responses={200: {"content": {"application/x-ndjson": {}}}},
)
def list_digests(
    _admin: AdminUser,
    runtime: RuntimeDep,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    format: Annotated[Literal["json", "jsonl"], Query()] = "json",
) -> DigestsPublic | StreamingResponse:
    """The signed digests, oldest first, from the one after `after`. `format=jsonl` answers
    every digest from there as the file `testament verify --digest` reads: keep it outside
    the system."""
    digests = runtime.audit_digests
    if format == "jsonl":

        def lines() -> Iterator[str]:
            cursor = after
            while page := digests.page(after=cursor, limit=500):
                for digest in page:
                    yield digest.as_line()
                cursor = page[-1].number

        return StreamingResponse(
            lines(),
            media_type="application/x-ndjson",
            headers={"Content-Disposition": 'attachment; filename="testament-digests.jsonl"'},
        )
    page = digests.page(after=after, limit=limit)
    return DigestsPublic(
        items=[
            DigestPublic(
                number=d.number,
                taken_at=d.taken_at,  # type: ignore[arg-type]  # ISO 8601, validated
                heads={
                    log: ChainHeadPublic(position=position, link=link.hex())
                    for log, (position, link) in sorted(d.heads.items())
                },
                public_key=d.public_key,
                signature=d.signature,
            )
            for d in page
        ],
        public_key=digests.public_key,
        next_after=page[-1].number if len(page) == limit else None,
    )
