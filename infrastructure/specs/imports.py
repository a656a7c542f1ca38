"""Descriptions brought in from outside, made one document: the SpecificationImports port."""

from application.apidoc.ports import FetchRefusedError, SourceFile, UnresolvedReferencesError
from infrastructure.http.outbound import OutboundPolicy, OutboundRefusedError, fetch
from infrastructure.specs.archive import is_archive
from infrastructure.specs.multi_file import MultiFileError, bundle_archive, bundle_url


class OutboundSpecificationImports:
    """Archives read in memory and URLs fetched under the outbound policy, each bounded by
    the deployment's upload limit."""

    def __init__(self, policy: OutboundPolicy, *, max_bytes: int) -> None:
        self._policy, self._max_bytes = policy, max_bytes

    def bundle_upload(self, source: SourceFile, *, entry: str | None) -> SourceFile:
        if not is_archive(source.content):
            return source
        try:
            bundled = bundle_archive(source.content, entry, max_bytes=self._max_bytes)
        except MultiFileError as error:
            raise UnresolvedReferencesError("file", error.problems) from None
        return SourceFile(
            content=bundled.content,
            file_name=bundled.file_name,
            content_type=bundled.content_type,
        )

    def fetch(self, url: str) -> SourceFile:
        try:
            fetched = fetch(url, self._policy, max_bytes=self._max_bytes)
        except OutboundRefusedError as error:
            raise FetchRefusedError(str(error)) from None
        file_name = (fetched.url.rstrip("/").rsplit("/", 1)[-1] or "download")[:255]
        try:
            bundled = bundle_url(fetched, self._policy, max_bytes=self._max_bytes)
        except MultiFileError as error:
            raise UnresolvedReferencesError("url", error.problems) from None
        if bundled is None:  # it refers to no file beside it: kept as fetched
            return SourceFile(
                content=fetched.content, file_name=file_name, content_type=fetched.content_type
            )
        return SourceFile(
            content=bundled.content, file_name=file_name, content_type=bundled.content_type
        )
