"""The clean demo (no injected defects) builds, checks and publishes with zero warnings."""

from __future__ import annotations

import duckdb
from cli_runner import run_warehouse


def test_the_clean_demo_has_no_warning_at_all(tmp_path):
    done = run_warehouse(
        tmp_path, "demo", "--defect-rate", "0", extra_env={"WAREHOUSE_DATA_DIR": str(tmp_path)}
    )
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-4000:]
    assert ": published" in out
    assert "WARN=0 ERROR=0" in out  # dbt: no test warned
    assert "non-blocking check(s) warned" not in out  # Dagster checks and GX suites
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    try:
        failed = con.execute(
            "select suite, expectation, message from quality.validation_results "
            "where not success and not skipped"
        ).fetchall()
    finally:
        con.close()
    assert failed == []
