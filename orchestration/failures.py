"""Say which blocking check failed, on what, with a sample of the failing rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

SAMPLE_ROWS = 5


@dataclass
class CheckFailure:
    """One failed blocking check: a dbt data test or a Great Expectations expectation."""

    check: str
    asset: str
    failing_rows: int | None = None
    message: str = ""
    sample: list[dict[str, Any]] = field(default_factory=list)

    def describe(self) -> str:
        rows = f"{self.failing_rows:,} failing row(s)" if self.failing_rows is not None else ""
        head = f"blocking check '{self.check}' on {self.asset} failed"
        text = head + (f": {rows}" if rows else "") + (f" — {self.message}" if self.message else "")
        if self.sample:
            text += "\n    sample: " + "\n            ".join(str(r) for r in self.sample)
        return text


def sample_failing_rows(database: Path, sql: str, limit: int = SAMPLE_ROWS) -> list[dict[str, Any]]:
    """Up to ``limit`` rows the test query returns, read through a read-only connection."""
    try:
        con = duckdb.connect(str(database), read_only=True)
    except duckdb.Error:
        return []
    try:
        con.execute("set TimeZone = 'UTC'")
        cursor = con.execute(f"select * from ({sql.strip().rstrip(';')}) as failing limit {limit}")
        names = [d[0] for d in cursor.description]
        return [
            {
                n: (v if isinstance(v, int | float | bool | type(None)) else str(v))
                for n, v in zip(names, row, strict=True)
            }
            for row in cursor.fetchall()
        ]
    except duckdb.Error as exc:
        return [{"could_not_sample": str(exc).splitlines()[0]}]
    finally:
        con.close()


def dbt_test_failures(
    run_results: Mapping[str, Any],
    manifest: Mapping[str, Any],
    asset_name_for: Any,
    database: Path,
) -> list[CheckFailure]:
    """Failed error-severity dbt tests of one invocation, with samples of their rows.

    ``asset_name_for(unique_id)`` names the asset a test is attached to.
    """
    failures = []
    for result in run_results.get("results", []):
        unique_id = result.get("unique_id", "")
        if not unique_id.startswith("test.") or result.get("status") not in ("fail", "error"):
            continue
        node = manifest.get("nodes", {}).get(unique_id, {})
        sql = result.get("compiled_code") or node.get("compiled_code") or ""
        failures.append(
            CheckFailure(
                check=node.get("name", unique_id),
                asset=asset_name_for(unique_id),
                failing_rows=result.get("failures"),
                message=(result.get("message") or "").strip().splitlines()[0]
                if result.get("message")
                else "",
                sample=sample_failing_rows(database, sql)
                if sql and result.get("status") == "fail"
                else [],
            )
        )
    return failures


def dbt_errors(run_results: Mapping[str, Any]) -> list[str]:
    """Models, seeds and snapshots that errored (not test failures): likely worth a retry."""
    return [
        f"{r['unique_id']}: {(r.get('message') or '').strip()}"
        for r in run_results.get("results", [])
        if r.get("status") == "error" and not r.get("unique_id", "").startswith("test.")
    ]
