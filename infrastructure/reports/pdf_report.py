"""PDF reports with fpdf2: the HTML report's content (verdict, figures, charts drawn as
shapes, breakdowns, slowest cases, failures with their exchanges, coverage, trends, and for
a Detailed report every result), in DejaVu Sans, which Debian's fonts-dejavu-core installs
(`.ci/run` installs it)."""

import json
import textwrap
from datetime import datetime
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
COLOURS = {
    "Passed": (46, 125, 50),
    "Failed": (198, 40, 40),
    "Error": (239, 108, 0),
    "Skipped": (158, 158, 158),
}
# What a PDF shows of a request or response body; the JSON and HTML reports keep it all.
BODY_CHARACTERS = 3000
# Characters of DejaVu Sans Mono at 7 pt on a line of A4 between 14 mm margins.
MONO_COLUMNS = 118


class MissingFontError(RuntimeError):
    """The PDF fonts are not installed (Debian: apt-get install fonts-dejavu-core)."""


def _clip(text: Any, limit: int) -> str:
    value = "" if text is None else str(text)
    if len(value) <= limit:
        return value
    # An ASCII text stays ASCII (mono_line then writes it in the fast core font).
    return value[: limit - 3] + "..." if value.isascii() else value[: limit - 1] + "…"


class _Report(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
        mono = FONT_DIR / "DejaVuSansMono.ttf"
        if not (regular.exists() and bold.exists() and mono.exists()):
            raise MissingFontError(f"the PDF fonts are missing from {FONT_DIR}")
        self.add_font("DejaVu", "", str(regular))
        self.add_font("DejaVu", "B", str(bold))
        self.add_font("DejaVuMono", "", str(mono))
        self.title_text = title
        self.set_title(title)
        self.set_creator("Testament")
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(14, 14, 14)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 7)
        self.set_text_color(120, 120, 120)
        self.cell(0, 5, f"{_clip(self.title_text, 90)} · page {self.page_no()}", align="C")
        self.set_text_color(0, 0, 0)

    def heading(self, text: str, size: int = 13) -> None:
        self.ln(3)
        if len(text) * size <= 700 and "\n" not in text:  # fits one line: nothing to measure
            self.plain_line(text, "DejaVu", "B", size, size * 0.55)
        else:
            self.set_font("DejaVu", "B", size)
            self.multi_cell(0, size * 0.55, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("DejaVu", "", 9)

    def para(self, text: str, size: int = 9) -> None:
        # Wrapped by characters, each line measured once and written as is: multi_cell's
        # line breaking measures a line once per character (most of a large report's time).
        self.set_font("DejaVu", "", size)
        for paragraph in text.splitlines() or [""]:
            for line in textwrap.wrap(paragraph, int(800 / size)) or [""]:
                if self.get_string_width(line) <= self.epw - 1:
                    self.plain_line(line, "DejaVu", "", size, 4.5)
                else:  # wide letters: let fpdf2 break it
                    self.multi_cell(0, 4.5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def mono_line(self, text: str, size: float, height: float, fill: bool = False) -> None:
        """This function will print one line in a fixed-width font with `text`, fpdf2's
        plain text operator (cell measures and lays out every character: most of a large
        report's time), in the PDF core font Courier when the line is ASCII, else DejaVu Sans
        Mono (as wide)."""
        self.plain_line(text, "Courier" if text.isascii() else "DejaVuMono", "", size, height, fill)

    def plain_line(
        self, text: str, family: str, style: str, size: float, height: float, fill: bool = False
    ) -> None:
        """This function will print a line known to fit, with `text` (no measuring)."""
        if (self.font_family, self.font_style, self.font_size_pt) != (
            family.lower(),
            style,
            size,
        ):
            self.set_font(family, style, size)
        if self.will_page_break(height):
            self.add_page()
        if fill:
            self.rect(self.l_margin, self.y, self.epw, height, style="F")
        self.text(self.l_margin + 0.5, self.y + height * 0.75, text)
        self.set_xy(self.l_margin, self.y + height)

    def mono(self, text: str) -> None:
        """This function will print text in a fixed-width font, cut into lines of
        MONO_COLUMNS characters: every character is as wide, so no line needs measuring."""
        self.set_fill_color(248, 248, 248)
        for line in text.splitlines() or [""]:
            for start in range(0, max(len(line), 1), MONO_COLUMNS):
                self.mono_line(line[start : start + MONO_COLUMNS], 7, 3.4, fill=True)
        self.set_font("DejaVu", "", 9)

    def listing(self, headers: list[str], widths: list[int], rows: list[list[Any]]) -> None:
        """This function will print a long table as fixed-width lines, one cell per row
        (a grid of bordered cells cost a millisecond a cell)."""
        self.set_fill_color(240, 240, 240)

        def line(values: list[Any]) -> str:
            return " ".join(_clip(v, w).ljust(w) for v, w in zip(values, widths, strict=True))

        self.mono_line(line(headers), 6.5, 3.4, fill=True)
        for row in rows:
            self.mono_line(line(row).rstrip(), 6.5, 3.2)
        self.set_font("DejaVu", "", 9)

    def grid(self, headers: list[str], widths: list[float], rows: list[list[Any]]) -> None:
        self.set_font("DejaVu", "B", 8)
        self.set_fill_color(240, 240, 240)
        for header, width in zip(headers, widths, strict=True):
            self.cell(width, 5, header, border=1, fill=True)
        self.ln(5)
        self.set_font("DejaVu", "", 8)
        for row in rows:
            if self.will_page_break(5):
                self.add_page()
            for value, width in zip(row, widths, strict=True):
                self.cell(width, 5, _clip(value, int(width / 1.55)), border=1)
            self.ln(5)

    def bar(self, counts: dict[str, int], width: float, height: float = 5) -> None:
        total = sum(counts.values()) or 1
        x, y = self.get_x(), self.get_y()
        self.set_fill_color(235, 235, 235)
        self.rect(x, y, width, height, style="F")
        for status, count in counts.items():
            part = width * count / total
            if part:
                self.set_fill_color(*COLOURS.get(status, (96, 125, 139)))
                self.rect(x, y, part, height, style="F")
                x += part

    def percent_bar(self, label: str, value: float) -> None:
        self.set_font("DejaVu", "", 8)
        self.cell(60, 5, _clip(label, 40))
        x, y = self.get_x(), self.get_y() + 0.8
        self.set_fill_color(235, 235, 235)
        self.rect(x, y, 90, 3.4, style="F")
        colour = (46, 125, 50) if value >= 80 else (249, 168, 37) if value >= 50 else (198, 40, 40)
        self.set_fill_color(*colour)
        self.rect(x, y, 90 * max(0.0, min(100.0, value)) / 100, 3.4, style="F")
        self.set_x(x + 93)
        self.cell(20, 5, f"{value:.1f}%", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _duration(ms: Any) -> str:
    ms = int(ms or 0)
    return f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms} ms"


def _glance(pdf: _Report, run: dict[str, Any]) -> None:
    pdf.set_font("DejaVu", "B", 12)
    pdf.set_fill_color(*COLOURS.get(run["verdict"], (117, 117, 117)))
    pdf.set_text_color(255, 255, 255)
    pdf.cell(40, 8, run["verdict"], align="C", fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(2)
    figures = [
        ("Total", run.get("total_tests", 0)),
        ("Passed", run.get("passed", 0)),
        ("Failed", run.get("failed", 0)),
        ("Skipped", run.get("skipped", 0)),
        ("Pass rate", f"{run.get('pass_rate', 0)}%"),
        ("Duration", _duration(run.get("duration_ms"))),
    ]
    pdf.grid([k for k, _ in figures], [30.0] * len(figures), [[v for _, v in figures]])
    pdf.ln(1)
    pdf.bar(
        {
            "Passed": run.get("passed", 0),
            "Failed": run.get("failed", 0) - run.get("errors", 0),
            "Error": run.get("errors", 0),
            "Skipped": run.get("skipped", 0),
        },
        180,
    )
    pdf.ln(7)
    pdf.para(f"Started {run.get('started_at') or '-'} · ended {run.get('completed_at') or '-'}")
    if run.get("failure_reason"):
        pdf.para(f"Run failed: {run['failure_reason']}")


def _breakdown(pdf: _Report, title: str, tally: dict[str, dict[str, int]]) -> None:
    pdf.heading(title, 10)
    pdf.grid(
        [title.split()[-1], *COLOURS],
        [62.0, 30.0, 30.0, 30.0, 30.0],
        [[name, *(counts.get(s, 0) for s in COLOURS)] for name, counts in tally.items()],
    )


def _failures(pdf: _Report, failures: list[dict[str, Any]]) -> None:
    pdf.heading(f"Failures ({len(failures)})")
    if not failures:
        pdf.para("No case failed.")
    for f in failures:
        row = f" — row {f['row']}" if f.get("row") else ""
        pdf.heading(f"{f['status']}: {f['case_name']}{row}", 10)
        pdf.para(f"{f['endpoint_key']} · {_duration(f['duration_ms'])}")
        pdf.para(f["failure_reason"])
        for check in f.get("failed_checks", []):
            pdf.para(
                f"• {check['check']}: expected {json.dumps(check['expected'])},"
                f" got {json.dumps(check['actual'])} {check['message']}".rstrip(),
                8,
            )
        if f.get("llm_explanation"):
            pdf.para(f"Explanation: {f['llm_explanation']}")
        request, response = f.get("request"), f.get("response")
        if request is not None and response is not None:
            pdf.mono(
                f"{request.get('method', '')} {request.get('url', '')}\n"
                + _clip(request.get("body"), BODY_CHARACTERS)
            )
            pdf.mono(f"{response.get('status')}\n" + _clip(response.get("body"), BODY_CHARACTERS))


def _coverage(pdf: _Report, coverage: dict[str, Any] | None, full: bool) -> None:
    pdf.heading("Coverage")
    if coverage is None:
        pdf.para("No coverage was calculated for this run.")
        return
    pdf.para(
        f"{coverage['tested_endpoints']} of {coverage['total_endpoints']} endpoints tested"
        f" ({coverage['coverage_percent']}%)"
    )
    pdf.percent_bar("Endpoints", float(coverage["coverage_percent"]))
    for label, key in (
        ("Documented statuses observed", "statuses"),
        ("Parameters exercised", "parameters"),
        ("Request-body fields sent", "body_fields"),
    ):
        pdf.percent_bar(label, float(coverage[key]["percent"]))
    for title, values in (("By method", coverage["by_method"]), ("By tag", coverage["by_tag"])):
        if values:
            pdf.heading(title, 10)
            for name, value in values.items():
                pdf.percent_bar(name, float(value))
    pdf.heading("Endpoints no request reached", 10)
    pdf.para("\n".join(coverage["uncovered_paths"]) or "None.")
    if full and coverage.get("endpoints"):
        pdf.heading("Per endpoint: what is not tested", 10)
        pdf.grid(
            ["Endpoint", "Tested", "Statuses not seen", "Parameters not sent", "Fields not sent"],
            [60.0, 14.0, 34.0, 40.0, 34.0],
            [
                [
                    e["key"],
                    "yes" if e["tested"] else "no",
                    " ".join(sorted(set(e["statuses_documented"]) - set(e["statuses_observed"]))),
                    " ".join(
                        sorted(set(e["parameters_documented"]) - set(e["parameters_exercised"]))
                    ),
                    " ".join(sorted(set(e["body_fields_documented"]) - set(e["body_fields_sent"]))),
                ]
                for e in coverage["endpoints"]
            ],
        )


def _trends(pdf: _Report, trends: dict[str, Any] | None) -> None:
    pdf.heading("Trends of the suite")
    if not trends or not trends.get("runs"):
        pdf.para("No earlier run to compare with.")
        return
    for run in reversed(trends["runs"]):
        pdf.percent_bar(
            f"run {run['run_number']} ({_duration(run['duration_ms'])})", float(run["pass_rate"])
        )
    flaky = trends.get("flaky_cases") or []
    pdf.heading(f"Flaky cases ({len(flaky)})", 10)
    if not flaky:
        pdf.para("No flaky case: every case kept its verdict while unchanged.")
    else:
        pdf.grid(
            ["Case", "Row", "Verdicts (newest first)"],
            [70.0, 30.0, 82.0],
            [
                [
                    f["case_name"],
                    f["row"] or "",
                    " ".join(f"#{v['run_number']} {v['status']}" for v in f["verdicts"]),
                ]
                for f in flaky
            ],
        )


def render_pdf(document: dict[str, Any]) -> bytes:
    """This function will write a PDF report of any type."""
    run, kind = document["run"], document["report_type"]
    title = f"{kind} report — {run.get('suite_name', '')} run #{run.get('run_number', '')}"
    pdf = _Report(title)
    # The report's own time, not the clock's: the same document gives the same file.
    pdf.set_creation_date(datetime.fromisoformat(document["generated_at"]))
    pdf.add_page()
    pdf.heading(title, 16)
    pdf.para(
        f"Project {run.get('project_name', '')} · environment {run.get('environment_name', '')}"
        f" · generated {document['generated_at']}",
        8,
    )
    _glance(pdf, run)
    if kind != "Coverage":
        pdf.heading("Pass and fail by type and tag")
        _breakdown(pdf, "By test type", document["by_type"])
        _breakdown(pdf, "By tag", document["by_tag"])
        pdf.heading("Slowest cases")
        pdf.grid(
            ["Case", "Row", "Endpoint", "Status", "Duration"],
            [58.0, 24.0, 54.0, 22.0, 24.0],
            [
                [
                    s["case_name"],
                    s["row"] or "",
                    s["endpoint_key"],
                    s["status"],
                    _duration(s["duration_ms"]),
                ]
                for s in document["slowest"]
            ],
        )
        _failures(pdf, document["failures"])
    _coverage(pdf, document.get("coverage"), kind != "Summary")
    if kind != "Coverage":
        _trends(pdf, document.get("trends"))
    if kind == "Detailed":
        pdf.heading(f"Every result ({len(document['results'])})")
        pdf.listing(
            ["Case", "Row", "Endpoint", "Status", "ms", "HTTP"],
            [44, 10, 44, 7, 6, 4],
            [
                [
                    r["case_name"],
                    r.get("row") or "",
                    r.get("endpoint_key", ""),
                    r["status"],
                    r.get("duration_ms", 0),
                    (r.get("response") or {}).get("status") or "",
                ]
                for r in document["results"]
            ],
        )
    return bytes(pdf.output())
