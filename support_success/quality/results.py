"""Results of a validation run, and the warehouse table that keeps them for trending.

``quality.validation_results`` gets one row per check per run (skipped checks too), so
failures can be trended (``select suite, expectation, count(*) filter (where not success)
... group by all``) and the volume check can compare a table with its recent counts.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

RESULTS_SCHEMA = "quality"
RESULTS_TABLE = "validation_results"
RESULTS_RELATION = f"{RESULTS_SCHEMA}.{RESULTS_TABLE}"

RESULTS_DDL = f"""
create table if not exists {RESULTS_RELATION} (
    run_id varchar not null,          -- one id per `run_all` / `warehouse check` run
    run_at timestamp not null,        -- UTC instant the suite was validated
    suite varchar not null,
    target varchar not null,          -- 'source:<schema>.<table>' or 'model:<name>'
    expectation varchar not null,     -- the check's stable name within the suite
    expectation_type varchar,         -- the GX expectation, e.g. expect_column_values_to_be_in_set
    column_name varchar,
    severity varchar not null,        -- 'blocking' or 'warning'
    success boolean not null,         -- true when passed or skipped
    skipped boolean not null,
    element_count bigint,             -- rows considered
    unexpected_count bigint,          -- rows (or frame rows) breaking the rule
    observed_value double,            -- the check's headline number (e.g. row count)
    message varchar not null
)
"""


def _jsonable(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if hasattr(value, "isoformat"):
        try:
            # DuckDB DATE columns arrive in pandas as midnight timestamps: show them as dates.
            if isinstance(value, dt.datetime) and value.time() == dt.time(0) and not value.tzinfo:
                return value.date().isoformat()
            return value.isoformat()
        except ValueError:
            return str(value)
    if hasattr(value, "item"):  # numpy scalars
        return _jsonable(value.item())
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


@dataclass
class CheckResult:
    name: str
    rule: str
    severity: str
    expectation_type: str
    column: str | None
    success: bool
    skipped: bool = False
    element_count: int | None = None
    unexpected_count: int | None = None
    observed_value: float | None = None
    message: str = ""
    sample: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "expectation": self.name,
            "expectation_type": self.expectation_type,
            "column": self.column,
            "severity": self.severity,
            "rule": self.rule,
            "success": self.success,
            "skipped": self.skipped,
            "element_count": self.element_count,
            "unexpected_count": self.unexpected_count,
            "observed_value": _jsonable(self.observed_value),
            "message": self.message,
            "sample": _jsonable(self.sample),
        }


@dataclass
class SuiteResult:
    suite: str
    target: str
    description: str
    run_at: dt.datetime
    checks: list[CheckResult] = field(default_factory=list)
    skipped_reason: str | None = None
    duration_seconds: float = 0.0
    row_count: int | None = None

    @property
    def skipped(self) -> bool:
        return self.skipped_reason is not None

    @property
    def blocking_failures(self) -> list[dict]:
        return [
            c.as_dict()
            for c in self.checks
            if not c.success and not c.skipped and c.severity == "blocking"
        ]

    @property
    def warnings(self) -> list[dict]:
        return [
            c.as_dict()
            for c in self.checks
            if not c.success and not c.skipped and c.severity == "warning"
        ]

    @property
    def success(self) -> bool:
        """No blocking failure (a skipped suite does not block: it has nothing to guard)."""
        return not self.blocking_failures

    @property
    def status(self) -> str:
        if self.skipped:
            return "skipped"
        if self.blocking_failures:
            return "failed"
        return "warned" if self.warnings else "passed"

    def summary_line(self) -> str:
        if self.skipped:
            return f"{self.suite:<44} skipped: {self.skipped_reason}"
        evaluated = sum(not c.skipped for c in self.checks)
        return (
            f"{self.suite:<44} {self.status:<8} {evaluated:>3} checks, "
            f"{len(self.blocking_failures)} blocking, {len(self.warnings)} warning(s) "
            f"in {self.duration_seconds:.1f}s"
        )

    def to_metadata(self) -> dict:
        """JSON-able values for Dagster asset-check metadata."""
        return {
            "suite": self.suite,
            "target": self.target,
            "status": self.status,
            "skipped_reason": self.skipped_reason,
            "row_count": self.row_count,
            "checks_evaluated": sum(not c.skipped for c in self.checks),
            "checks_skipped": sum(c.skipped for c in self.checks),
            "blocking_failure_count": len(self.blocking_failures),
            "warning_count": len(self.warnings),
            "blocking_failures": [_brief(f) for f in self.blocking_failures],
            "warnings": [_brief(w) for w in self.warnings],
            "duration_seconds": round(self.duration_seconds, 3),
            "run_at": self.run_at.isoformat(),
        }


def _brief(failure: dict) -> dict:
    return {k: failure[k] for k in ("expectation", "column", "message", "sample")}


def append_results(
    results: Iterable[SuiteResult],
    database: str | Path | None = None,
    *,
    run_id: str | None = None,
    connect: Callable[[], duckdb.DuckDBPyConnection] | None = None,
) -> int:
    """Append results to ``quality.validation_results`` through ONE short write connection.

    Pass ``database`` (a path) or ``connect`` (a factory returning a writable connection).
    Returns the number of rows written.
    """
    results = list(results)
    run_id = run_id or dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    rows = []
    for result in results:
        if result.skipped:
            rows.append(
                (
                    run_id,
                    result.run_at,
                    result.suite,
                    result.target,
                    "suite",
                    None,
                    None,
                    "warning",
                    True,
                    True,
                    None,
                    None,
                    None,
                    f"skipped: {result.skipped_reason}",
                )
            )
        for c in result.checks:
            observed = c.observed_value if isinstance(c.observed_value, int | float) else None
            rows.append(
                (
                    run_id,
                    result.run_at,
                    result.suite,
                    result.target,
                    c.name,
                    c.expectation_type,
                    c.column,
                    c.severity,
                    c.success,
                    c.skipped,
                    c.element_count,
                    c.unexpected_count,
                    observed,
                    c.message,
                )
            )
    con = connect() if connect else duckdb.connect(str(database))
    try:
        con.execute(f"create schema if not exists {RESULTS_SCHEMA}")
        con.execute(RESULTS_DDL)
        if rows:
            con.executemany(
                f"insert into {RESULTS_RELATION} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
    finally:
        con.close()
    return len(rows)


def read_history(con: duckdb.DuckDBPyConnection, suite: str, check: str, limit: int) -> list[float]:
    """The ``limit`` most recent observed values of a check (empty without a results table)."""
    exists = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [RESULTS_SCHEMA, RESULTS_TABLE],
    ).fetchone()[0]
    if not exists:
        return []
    rows = con.execute(
        f"select observed_value from {RESULTS_RELATION} "
        "where suite = ? and expectation = ? and observed_value is not null "
        "order by run_at desc limit ?",
        [suite, check, limit],
    ).fetchall()
    return [r[0] for r in rows]


def dumps(results: Iterable[SuiteResult]) -> str:
    return json.dumps([r.to_metadata() for r in results], indent=2)
