"""Stored files: describe, download, soft-delete."""

from uuid import UUID

from fastapi import APIRouter, Response, status

from interfaces.http.dependencies import CurrentUser, MetaDep, RuntimeDep, set_written_headers
from interfaces.http.schemas.specifications import FilePublic
from interfaces.http.security_headers import download_headers

router = APIRouter(prefix="/files", tags=["files"])


@router.get("/{file_id}", response_model=FilePublic)
def get_file(file_id: UUID, user: CurrentUser, runtime: RuntimeDep) -> FilePublic:
    """A file's name, type, size and SHA-256 checksum."""
    stored = runtime.storage.file(file_id, user.user_id)
    return FilePublic(**{k: v for k, v in stored.__dict__.items() if k in FilePublic.model_fields})


@router.get("/{file_id}/content")
def download(file_id: UUID, user: CurrentUser, meta: MetaDep, runtime: RuntimeDep) -> Response:
    """The file's bytes, as uploaded. Each download is recorded in the audit log."""
    stored = runtime.storage.file(file_id, user.user_id)
    content = runtime.storage.content(file_id, user.user_id)
    runtime.storage.record_read("file.download", file_id, meta)
    return Response(
        content,
        media_type=stored.content_type or "application/octet-stream",
        headers=download_headers(stored.file_name, stored.sha256),
    )


@router.delete("/{file_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_file(
    file_id: UUID, user: CurrentUser, meta: MetaDep, runtime: RuntimeDep, response: Response
) -> None:
    """Soft-delete a file: it disappears from the API; specifications keep their parse."""
    written = runtime.storage.delete_file(file_id, user.user_id, meta)
    set_written_headers(
        response, log=written.log, position=written.position, version=written.version
    )
