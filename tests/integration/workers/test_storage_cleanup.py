"""The storage clean-up: expired files' bytes leave the disk and are recorded."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from dramatiq.brokers.redis import RedisBroker

from domain.files.model import FileCategory
from domain.shared.errors import NotFoundError
from domain.shared.meta import Meta
from infrastructure.projections.catalog import read_model
from infrastructure.projections.rebuild import rebuild
from interfaces.bootstrap import Runtime
from interfaces.workers.context import set_runtime


def a_meta(owner: UUID) -> Meta:
    return Meta(user_id=str(owner), ip=None, user_agent="test", correlation_id=None, reason=None)


def store(
    runtime: Runtime,
    owner: UUID,
    content: bytes,
    category: FileCategory,
    expires_at: datetime | None,
) -> tuple[UUID, Path]:
    stored, _ = runtime.storage.store_file(
        owner_id=owner,
        file_name=f"{category.value.lower()}.bin",
        content_type="application/octet-stream",
        content=content,
        category=category,
        meta=a_meta(owner),
        expires_at=expires_at,
    )
    entry = runtime.storage.load_version(stored.id)
    return stored.id, runtime.settings.data_dir / "files" / entry.location


def catch_up(runtime: Runtime) -> None:
    for runner in runtime.runners((read_model("files"),)):
        runner.catch_up()


def deleted_rows(runtime: Runtime, file_id: UUID) -> list[dict[str, object]]:
    with runtime.pool.connection() as conn:
        return conn.execute(
            "SELECT * FROM storage.deleted_file_entries WHERE file_entry_id = %s", (file_id,)
        ).fetchall()


def test_an_expired_files_bytes_are_gone_from_disk_and_recorded(
    broker: RedisBroker, runtime: Runtime
) -> None:
    owner, other = uuid4(), uuid4()
    now = datetime.now(UTC)
    past, future = now - timedelta(hours=1), now + timedelta(days=1)
    report, report_path = store(runtime, owner, uuid4().bytes * 50, FileCategory.REPORT, past)
    export, export_path = store(runtime, owner, uuid4().bytes, FileCategory.EXPORT, future)
    spec, spec_path = store(runtime, owner, uuid4().bytes, FileCategory.API_SPEC, None)
    shared = uuid4().bytes
    expired_copy, copy_path = store(runtime, owner, shared, FileCategory.EXPORT, past)
    kept_copy, kept_path = store(runtime, other, shared, FileCategory.ATTACHMENT, None)
    assert copy_path == kept_path and report_path.exists()
    catch_up(runtime)

    from interfaces.workers.actors import runs

    set_runtime(runtime)
    try:
        runs.purge_expired_files.fn()
        runs.purge_expired_files.fn()  # again (another worker, a retry): nothing more
    finally:
        set_runtime(None)
    catch_up(runtime)

    assert not report_path.exists()
    assert export_path.exists() and spec_path.exists()
    assert kept_path.exists()  # the other owner's live file keeps the shared bytes
    (row,) = deleted_rows(runtime, report)
    assert set(row) == {
        "id",
        "file_entry_id",
        "created_date_time",
        "updated_date_time",
        "row_version",
    }
    assert len(deleted_rows(runtime, expired_copy)) == 1
    assert deleted_rows(runtime, export) == deleted_rows(runtime, spec) == []
    with pytest.raises(NotFoundError):
        runtime.storage.content(report, owner)
    assert runtime.storage.content(kept_copy, other) == shared
    with runtime.pool.connection() as conn:
        live = conn.execute(
            "SELECT deleted, expires_at FROM storage.file_entries WHERE id = %s", (report,)
        ).fetchone()
    assert live["deleted"] and live["expires_at"] is not None


def test_the_deleted_files_table_is_rebuilt_from_the_log(runtime: Runtime) -> None:
    report = rebuild(runtime.pool, runtime.applications(), "files")
    assert report.equal, report.tables


def test_a_file_uploaded_again_after_its_purge_is_kept(
    broker: RedisBroker, runtime: Runtime
) -> None:
    owner = uuid4()
    content = uuid4().bytes
    past = datetime.now(UTC) - timedelta(minutes=1)
    file_id, path = store(runtime, owner, content, FileCategory.REPORT, past)
    catch_up(runtime)
    assert runtime.storage.purge_expired_files(datetime.now(UTC)) == [file_id]
    assert not path.exists()
    again, again_path = store(runtime, owner, content, FileCategory.REPORT, None)
    assert again == file_id and again_path.exists()
    catch_up(runtime)
    assert runtime.storage.purge_expired_files(datetime.now(UTC)) == []
    assert runtime.storage.content(file_id, owner) == content
