"""The report renderer: a document in the format asked for."""

from collections.abc import Callable, Iterator
from typing import Any

from domain.reports.model import ReportFormat
from infrastructure.reports.html_report import render_html
from infrastructure.reports.tabular import render_csv, render_json, stream_csv, stream_json


def _pdf(document: dict[str, Any]) -> bytes:
    # Imported when first used: fpdf2 and fontTools take most of a second to import, which
    # every process (the API, the CLI) would otherwise pay at start.
    from infrastructure.reports.pdf_report import render_pdf

    return render_pdf(document)


_WRITERS: dict[ReportFormat, Callable[[dict[str, Any]], bytes]] = {
    ReportFormat.CSV: render_csv,
    ReportFormat.JSON: render_json,
    ReportFormat.HTML: render_html,
    ReportFormat.PDF: _pdf,
}


Results = Callable[[], Iterator[dict[str, Any]]]
# The formats written item by item: memory flat in the number of cases.
_STREAMS: dict[ReportFormat, Callable[[dict[str, Any], Results], Iterator[bytes]]] = {
    ReportFormat.CSV: stream_csv,
    ReportFormat.JSON: stream_json,
}


class DocumentRenderer:
    """Writes report documents as CSV, JSON, HTML or PDF."""

    def render(self, document: dict[str, Any], report_format: str) -> bytes:
        return _WRITERS[ReportFormat(report_format)](document)

    def streams(self, report_format: str) -> bool:
        return ReportFormat(report_format) in _STREAMS

    def render_stream(
        self, head: dict[str, Any], results: Results, report_format: str
    ) -> Iterator[bytes]:
        return _STREAMS[ReportFormat(report_format)](head, results)
