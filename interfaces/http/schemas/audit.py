"""Response bodies of the audit API."""

from datetime import datetime

from pydantic import BaseModel, Field


class ChainHeadPublic(BaseModel):
    position: int = Field(description="the log's last linked position when the digest was taken")
    link: str = Field(description="that position's link, 64 hex digits (docs/audit.md)")


class DigestPublic(BaseModel):
    number: int
    taken_at: datetime
    heads: dict[str, ChainHeadPublic] = Field(description="per log: identity, apidoc, ...")
    public_key: str = Field(description="the Ed25519 public key that signed it, hex")
    signature: str = Field(
        description="Ed25519 over the canonical JSON of taken_at and heads (docs/audit.md)"
    )


class DigestsPublic(BaseModel):
    items: list[DigestPublic]
    public_key: str = Field(description="the key signing new digests, hex")
    next_after: int | None = Field(description="pass as `after` for the next page; none at the end")
