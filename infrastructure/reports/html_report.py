"""HTML reports: one self-contained file (inline CSS, inline SVG charts, no script, and a
Content-Security-Policy that lets the page fetch nothing), readable and printable."""

import json
from html import escape
from typing import Any

from infrastructure.reports import svg

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
color:#212121;margin:2em auto;max-width:1100px;padding:0 1em}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.25em;border-bottom:2px solid #e0e0e0;
padding-bottom:.2em;margin-top:1.6em}h3{font-size:1.05em;margin:.8em 0 .3em}
.verdict{display:inline-block;padding:.2em .8em;border-radius:1em;color:#fff;font-weight:bold}
.Passed{background:#2e7d32}.Failed{background:#c62828}.Cancelled,.Skipped{background:#757575}
.Error{background:#ef6c00}.glance{display:flex;gap:2em;align-items:center;flex-wrap:wrap}
.figures{display:grid;grid-template-columns:repeat(4,auto);gap:.3em 1.5em}
.figures b{font-size:1.3em}table{border-collapse:collapse;width:100%;margin:.4em 0}
th,td{border:1px solid #e0e0e0;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f5f5f5}td.num{text-align:right}pre{white-space:pre-wrap;word-break:break-all;
background:#fafafa;border:1px solid #eeeeee;padding:.4em;margin:.2em 0;max-height:30em;
overflow:auto;font-size:12px}.failure{border-left:4px solid #c62828;padding-left:.8em;
margin:1em 0;page-break-inside:avoid}.muted{color:#757575}
@media print{body{margin:0;max-width:none}pre{max-height:none;overflow:visible}
h2{page-break-after:avoid}}
"""


def _e(value: Any) -> str:
    return escape("" if value is None else str(value))


def _spell(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _table(headers: list[str], rows: list[list[Any]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{_e(c)}</td>' if i in numeric else f"<td>{_e(c)}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _duration(ms: Any) -> str:
    ms = int(ms or 0)
    return f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms} ms"


def _glance(run: dict[str, Any]) -> str:
    counts = {
        "Passed": run.get("passed", 0),
        "Failed": run.get("failed", 0) - run.get("errors", 0),
        "Error": run.get("errors", 0),
        "Skipped": run.get("skipped", 0),
    }
    figures = [
        ("Total", run.get("total_tests", 0)),
        ("Passed", run.get("passed", 0)),
        ("Failed", run.get("failed", 0)),
        ("Skipped", run.get("skipped", 0)),
        ("Pass rate", f"{run.get('pass_rate', 0)}%"),
        ("Duration", _duration(run.get("duration_ms"))),
        ("Started", run.get("started_at") or "-"),
        ("Ended", run.get("completed_at") or "-"),
    ]
    cells = "".join(f"<div>{_e(k)}<br><b>{_e(v)}</b></div>" for k, v in figures)
    reason = (
        f'<p class="muted">Run failed: {_e(run["failure_reason"])}</p>'
        if run.get("failure_reason")
        else ""
    )
    return (
        f'<div class="glance">{svg.donut(counts)}<div class="figures">{cells}</div></div>{reason}'
    )


def _breakdown(title: str, tally: dict[str, dict[str, int]]) -> str:
    rows = "".join(
        f"<tr><td>{_e(name)}</td><td>{svg.stacked_bar(counts, 300, 14)}</td>"
        + "".join(f'<td class="num">{counts.get(s, 0)}</td>' for s in svg.COLOURS)
        + "</tr>"
        for name, counts in tally.items()
    )
    head = "".join(f"<th>{s}</th>" for s in svg.COLOURS)
    return (
        f"<h3>{_e(title)}</h3><table><thead><tr><th>{_e(title.split()[-1])}</th><th></th>"
        f"{head}</tr></thead><tbody>{rows}</tbody></table>"
    )


def _exchange(failure: dict[str, Any]) -> str:
    request, response = failure.get("request"), failure.get("response")
    if request is None or response is None:
        return ""
    headers = "\n".join(f"{k}: {v}" for k, v in (request.get("headers") or {}).items())
    received = "\n".join(f"{k}: {v}" for k, v in (response.get("headers") or {}).items())
    return (
        f"<h3>Request</h3><pre>{_e(request.get('method'))} {_e(request.get('url'))}\n"
        f"{_e(headers)}\n\n{_e(request.get('body'))}</pre>"
        f"<h3>Response</h3><pre>{_e(response.get('status'))}"
        f"{' (truncated)' if response.get('truncated') else ''}\n{_e(received)}\n\n"
        f"{_e(response.get('body'))}</pre>"
    )


def _failures(failures: list[dict[str, Any]]) -> str:
    if not failures:
        return "<p>No case failed.</p>"
    out = []
    for f in failures:
        checks = _table(
            ["Check", "Expected", "Actual", "Message"],
            [
                [c["check"], _spell(c["expected"]), _spell(c["actual"]), c["message"]]
                for c in f.get("failed_checks", [])
            ],
        )
        explanation = (
            f"<h3>Explanation</h3><p>{_e(f['llm_explanation'])}</p>"
            if f.get("llm_explanation")
            else ""
        )
        row = f" — row {_e(f['row'])}" if f.get("row") else ""
        out.append(
            f'<div class="failure"><h3><span class="verdict {_e(f["status"])}">'
            f"{_e(f['status'])}</span> {_e(f['case_name'])}{row}</h3>"
            f'<p class="muted">{_e(f["endpoint_key"])} · {_duration(f["duration_ms"])}</p>'
            f"<p>{_e(f['failure_reason'])}</p>{checks}{explanation}{_exchange(f)}</div>"
        )
    return "".join(out)


def _coverage(coverage: dict[str, Any] | None, full: bool) -> str:
    if coverage is None:
        return "<p>No coverage was calculated for this run.</p>"
    shares = [
        (
            "Endpoints",
            coverage["tested_endpoints"],
            coverage["total_endpoints"],
            coverage["coverage_percent"],
        ),
        *(
            (
                label,
                coverage[key]["exercised"],
                coverage[key]["documented"],
                coverage[key]["percent"],
            )
            for label, key in (
                ("Documented statuses observed", "statuses"),
                ("Parameters exercised", "parameters"),
                ("Request-body fields sent", "body_fields"),
            )
        ),
    ]
    out = [
        svg.percent_bars({label: float(p) for label, _, _, p in shares}),
        _table(
            ["", "Covered", "Documented", "%"],
            [[label, part, whole, p] for label, part, whole, p in shares],
            {1, 2, 3},
        ),
    ]
    if coverage["by_method"]:
        out.append(f"<h3>By method</h3>{svg.percent_bars(coverage['by_method'])}")
    if coverage["by_tag"]:
        out.append(f"<h3>By tag</h3>{svg.percent_bars(coverage['by_tag'])}")
    uncovered = coverage["uncovered_paths"]
    out.append(
        "<h3>Endpoints no request reached</h3>"
        + (
            "<ul>" + "".join(f"<li>{_e(p)}</li>" for p in uncovered) + "</ul>"
            if uncovered
            else "<p>None.</p>"
        )
    )
    if full:
        out.append(
            "<h3>Per endpoint: what is not tested</h3>"
            + _table(
                [
                    "Endpoint",
                    "Tested",
                    "Statuses not observed",
                    "Parameters not sent",
                    "Body fields not sent",
                    "Undocumented statuses",
                ],
                [
                    [
                        e["key"],
                        "yes" if e["tested"] else "no",
                        " ".join(
                            sorted(set(e["statuses_documented"]) - set(e["statuses_observed"]))
                        ),
                        " ".join(
                            sorted(set(e["parameters_documented"]) - set(e["parameters_exercised"]))
                        ),
                        " ".join(
                            sorted(set(e["body_fields_documented"]) - set(e["body_fields_sent"]))
                        ),
                        " ".join(e["statuses_undocumented"]),
                    ]
                    for e in coverage.get("endpoints", [])
                ],
            )
        )
    return "".join(out)


def _trends(trends: dict[str, Any] | None) -> str:
    if not trends or not trends.get("runs"):
        return "<p>No earlier run to compare with.</p>"
    runs = list(reversed(trends["runs"]))  # oldest first, left to right
    chart = svg.line([(f"run {r['run_number']}", float(r["pass_rate"])) for r in runs])
    table = _table(
        ["Run", "Status", "Pass rate", "Duration", "Ended"],
        [
            [
                r["run_number"],
                r["status"],
                f"{r['pass_rate']}%",
                _duration(r["duration_ms"]),
                r["completed_at"],
            ]
            for r in trends["runs"]
        ],
        {0},
    )
    flaky = trends.get("flaky_cases") or []
    flaky_table = (
        _table(
            ["Case", "Row", "Verdicts (newest first)"],
            [
                [
                    f["case_name"],
                    f["row"] or "",
                    " ".join(f"#{v['run_number']} {v['status']}" for v in f["verdicts"]),
                ]
                for f in flaky
            ],
        )
        if flaky
        else "<p>No flaky case: every case kept its verdict while unchanged.</p>"
    )
    return (
        f"<h3>Pass rate over the last {len(runs)} runs</h3>{chart}{table}"
        f"<h3>Flaky cases</h3>{flaky_table}"
    )


def _results(results: list[dict[str, Any]]) -> str:
    rows = "".join(
        f"<tr><td>{_e(r['case_name'])}</td><td>{_e(r.get('row') or '')}</td>"
        f"<td>{_e(r.get('endpoint_key'))}</td><td>{_e(r['status'])}</td>"
        f'<td class="num">{_e(r.get("duration_ms"))}</td>'
        f"<td>{_e((r.get('response') or {}).get('status'))}</td></tr>"
        for r in results
    )
    return (
        "<table><thead><tr><th>Case</th><th>Row</th><th>Endpoint</th><th>Status</th>"
        f"<th>ms</th><th>HTTP</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def render_html(document: dict[str, Any]) -> bytes:
    """This function will write an HTML report of any type."""
    run, kind = document["run"], document["report_type"]
    title = f"{kind} report — {run.get('suite_name', '')} run #{run.get('run_number', '')}"
    parts = [
        f"<h1>{_e(title)}</h1>",
        f'<p class="muted">Project {_e(run.get("project_name"))} · environment '
        f"{_e(run.get('environment_name'))} · generated {_e(document['generated_at'])}</p>",
        f'<p><span class="verdict {_e(run["verdict"])}">{_e(run["verdict"])}</span></p>',
        _glance(run),
    ]
    if kind != "Coverage":
        parts += [
            "<h2>Pass and fail by type and tag</h2>",
            _breakdown("By test type", document["by_type"]),
            _breakdown("By tag", document["by_tag"]),
            "<h2>Slowest cases</h2>",
            _table(
                ["Case", "Row", "Endpoint", "Status", "Duration"],
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
            ),
            f"<h2>Failures ({len(document['failures'])})</h2>",
            _failures(document["failures"]),
        ]
    parts += ["<h2>Coverage</h2>", _coverage(document.get("coverage"), kind != "Summary")]
    if kind != "Coverage":
        parts += ["<h2>Trends of the suite</h2>", _trends(document.get("trends"))]
    if kind == "Detailed":
        parts += [
            f"<h2>Every result ({len(document['results'])})</h2>",
            _results(document["results"]),
        ]
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{STYLE}</style></head>"
        f"<body>{''.join(parts)}</body></html>"
    ).encode()
