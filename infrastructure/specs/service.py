"""The single entry point that turns an uploaded API description into the neutral model."""

from collections.abc import Callable
from typing import Any

from domain.specifications.errors import SpecParseError
from domain.specifications.parsed import ParsedSpecification, SourceType
from infrastructure.specs.curl import parse_curl
from infrastructure.specs.decode import DEFAULT_MAX_BYTES
from infrastructure.specs.detect import detect
from infrastructure.specs.har import parse_har
from infrastructure.specs.openapi3 import parse_openapi3
from infrastructure.specs.postman import parse_postman
from infrastructure.specs.swagger2 import parse_swagger2

_DOCUMENT_READERS: dict[SourceType, Callable[[Any], ParsedSpecification]] = {
    SourceType.OpenApi30: parse_openapi3,
    SourceType.OpenApi31: parse_openapi3,
    SourceType.Swagger20: parse_swagger2,
    SourceType.Postman: parse_postman,
    SourceType.Har: parse_har,
}


class SpecificationParser:
    """The reader of uploaded API descriptions, whatever their format."""

    def parse(
        self,
        content: bytes,
        *,
        filename: str | None = None,
        content_type: str | None = None,
        format_hint: SourceType | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> ParsedSpecification:
        """This function will read an upload into endpoints, or raise ``SpecParseError``.

        Broken parts of an otherwise usable document are skipped and listed in the
        result's ``issues``. ``SpecParseError`` is raised only when nothing usable can be
        extracted, and it is the only exception this method raises.
        """
        try:
            specification = self._read(content, filename, content_type, format_hint, max_bytes)
        except SpecParseError:
            raise
        except RecursionError:
            raise SpecParseError.single("/", "the document is nested too deeply to read") from None
        except Exception as exc:  # the last line of defence: callers rely on one error type
            raise SpecParseError.single(
                "/", f"the document could not be read ({type(exc).__name__})"
            ) from exc
        if not specification.endpoints and specification.issues:
            raise SpecParseError(specification.issues)
        return specification

    @staticmethod
    def _read(
        content: bytes,
        filename: str | None,
        content_type: str | None,
        format_hint: SourceType | None,
        max_bytes: int,
    ) -> ParsedSpecification:
        detected = detect(
            content,
            filename=filename,
            content_type=content_type,
            format_hint=format_hint,
            max_bytes=max_bytes,
        )
        if detected.source_type is SourceType.Curl:
            return parse_curl(detected.text)
        return _DOCUMENT_READERS[detected.source_type](detected.document)
