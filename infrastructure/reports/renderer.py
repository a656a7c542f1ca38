"""The report renderer: a document in the format asked for."""

from typing import Any

from domain.reports.model import ReportFormat
from infrastructure.reports.html_report import render_html
from infrastructure.reports.pdf_report import render_pdf
from infrastructure.reports.tabular import render_csv, render_json

_WRITERS = {
    ReportFormat.CSV: render_csv,
    ReportFormat.JSON: render_json,
    ReportFormat.HTML: render_html,
    ReportFormat.PDF: render_pdf,
}


class DocumentRenderer:
    """Writes report documents as CSV, JSON, HTML or PDF."""

    def render(self, document: dict[str, Any], report_format: str) -> bytes:
        return _WRITERS[ReportFormat(report_format)](document)
