"""Data Docs: a small static HTML site of the latest validation run.

GX's own ``build_data_docs`` renders validation results kept in a context's stores; the
suites here validate DuckDB result sets chunk by chunk and add the counts up, so there
is no single GX validation result to render. This module writes the aggregated results
instead: ``index.html`` (one line per suite) and one page per suite (one line per check:
severity, status, rule, counts, message and a sample of failing values).
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from pathlib import Path

from support_success import paths
from support_success.quality.results import SuiteResult, _jsonable

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.35rem 0.5rem; text-align: left;
  vertical-align: top; }
th { background: #f4f4f4; }
.passed { color: #1a7f37; } .warned, .warning { color: #9a6700; }
.failed, .blocking-failed { color: #cf222e; font-weight: 600; } .skipped { color: #777; }
code { font-size: 0.85rem; } .muted { color: #777; }
"""


def default_docs_dir() -> Path:
    return paths.warehouse_home() / "data_docs"


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def _suite_file(result: SuiteResult) -> str:
    return f"{result.suite}.html"


def _check_status(check) -> tuple[str, str]:
    if check.skipped:
        return "skipped", "skipped"
    if check.success:
        return "passed", "passed"
    return ("failed", "blocking-failed") if check.severity == "blocking" else ("warning", "warning")


def _suite_page(result: SuiteResult) -> str:
    e = html.escape
    rows = []
    for c in result.checks:
        label, css = _check_status(c)
        sample = json.dumps(_jsonable(c.sample), default=str) if c.sample else ""
        rows.append(
            f"<tr><td class='{css}'>{label}</td><td>{e(c.severity)}</td>"
            f"<td><code>{e(c.name)}</code><br><span class='muted'>{e(c.expectation_type)}"
            f"</span></td><td>{e(c.rule)}</td>"
            f"<td>{'' if c.unexpected_count is None else f'{c.unexpected_count:,}'}</td>"
            f"<td>{e(c.message)}</td><td><code>{e(sample[:400])}</code></td></tr>"
        )
    head = (
        f"<p><a href='index.html'>&larr; all suites</a></p><h1>{e(result.suite)}</h1>"
        f"<p>{e(result.description)}</p><p>Target <code>{e(result.target)}</code>, "
        f"validated {e(result.run_at.isoformat())} UTC in {result.duration_seconds:.2f}s, "
        f"{'' if result.row_count is None else f'{result.row_count:,} rows, '}"
        f"status <span class='{result.status}'>{result.status}</span>.</p>"
    )
    if result.skipped:
        return _page(
            result.suite, head + f"<p class='skipped'>Skipped: {e(result.skipped_reason)}</p>"
        )
    table = (
        "<table><tr><th>status</th><th>severity</th><th>check</th><th>rule</th>"
        "<th>failing</th><th>message</th><th>sample</th></tr>" + "".join(rows) + "</table>"
    )
    return _page(result.suite, head + table)


def write_data_docs(results: Iterable[SuiteResult], folder: str | Path | None = None) -> Path:
    """Write the Data Docs of ``results`` into ``folder`` (default <WAREHOUSE_HOME>/data_docs).

    Returns the path of ``index.html``. Pages of suites not in ``results`` are left as
    they were, so a partial run refreshes only its own suites, but the index lists only
    this run.
    """
    results = list(results)
    folder = Path(folder) if folder else default_docs_dir()
    folder.mkdir(parents=True, exist_ok=True)
    e = html.escape
    lines = []
    for r in results:
        (folder / _suite_file(r)).write_text(_suite_page(r))
        lines.append(
            f"<tr><td class='{r.status}'>{r.status}</td>"
            f"<td><a href='{e(_suite_file(r))}'>{e(r.suite)}</a></td>"
            f"<td><code>{e(r.target)}</code></td>"
            f"<td>{'' if r.row_count is None else f'{r.row_count:,}'}</td>"
            f"<td>{len(r.blocking_failures)}</td><td>{len(r.warnings)}</td>"
            f"<td>{r.duration_seconds:.2f}s</td></tr>"
        )
    blocking = sum(len(r.blocking_failures) for r in results)
    warnings = sum(len(r.warnings) for r in results)
    run_at = max((r.run_at for r in results), default=None)
    body = (
        "<h1>Data quality</h1>"
        f"<p>Run at {e(run_at.isoformat() if run_at else '-')} UTC: {len(results)} suites, "
        f"<span class='{'failed' if blocking else 'passed'}'>{blocking} blocking failure(s)"
        f"</span>, <span class='warned'>{warnings} warning(s)</span>. Blocking failures stop "
        "publication; warnings are dirt staging repairs or quarantines, worth a look. "
        "See docs/data-quality.md.</p>"
        "<table><tr><th>status</th><th>suite</th><th>target</th><th>rows</th>"
        "<th>blocking</th><th>warnings</th><th>time</th></tr>" + "".join(lines) + "</table>"
    )
    index = folder / "index.html"
    index.write_text(_page("Data quality", body))
    return index
