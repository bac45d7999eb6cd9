"""Every wrong turn of a new user ends in one clear sentence and a non-zero exit code."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from cli_runner import FIRST_RUN, WAREHOUSE, run_warehouse

from orchestration.dbt_assets import wait_for_write_lock

FIXTURE = FIRST_RUN


def _warehouse(home: Path, *args: str) -> subprocess.CompletedProcess:
    return run_warehouse(home, *args)


def test_build_before_any_load_says_what_to_do(tmp_path):
    result = _warehouse(tmp_path, "build")
    assert result.returncode == 2
    assert "Nothing to build: no raw data has been loaded" in result.stderr
    assert "warehouse load <folder>" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "warehouse.duckdb").exists()


def test_summary_without_a_warehouse(tmp_path):
    result = _warehouse(tmp_path, "summary")
    assert result.returncode == 2
    assert "No warehouse yet" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_summary_after_load_but_before_build(tmp_path):
    loaded = _warehouse(tmp_path, "load", str(FIXTURE))
    assert loaded.returncode == 0, loaded.stderr
    result = _warehouse(tmp_path, "summary")
    assert result.returncode == 2
    assert "Nothing published yet" in result.stderr
    assert "warehouse build" in result.stderr


def test_a_load_of_a_missing_folder_is_one_sentence(tmp_path):
    result = _warehouse(tmp_path, "load", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert "is not a folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_build_accepts_dbt_vars():
    help_text = subprocess.run(
        [str(WAREHOUSE), "build", "--help"], capture_output=True, text=True
    ).stdout
    assert "--vars" in help_text


def test_docs_and_benchmark_pass_dbt_vars_to_every_dbt_command(monkeypatch, tmp_path):
    from orchestration.dbt_assets import DBT_VARS_ENV
    from support_success import cli, docs_site
    from support_success.benchmark import runner

    monkeypatch.delenv(DBT_VARS_ENV, raising=False)
    parser = cli.build_parser()
    for command in (["docs"], ["benchmark", "--size", "s"]):
        args = parser.parse_args([*command, "--vars", "{as_of: '2026-03-31 23:59:59'}"])
        assert args.vars == "{as_of: '2026-03-31 23:59:59'}"
    monkeypatch.setenv(DBT_VARS_ENV, args.vars)  # what cli._set_dbt_vars does, undone after
    assert docs_site.docs_generate_args()[-2:] == ["--vars", "{as_of: '2026-03-31 23:59:59'}"]
    seen = {}

    def fake_step(name, argv, env, log):
        seen["argv"] = argv
        from support_success.benchmark.measure import StepResult

        return StepResult(name=name, seconds=0.0, peak_rss_bytes=None, returncode=0)

    monkeypatch.setattr(runner, "run_step", fake_step)
    runner._dbt("build", "full build", tmp_path, tmp_path / "warehouse.duckdb", "--full-refresh")
    assert seen["argv"][-3:] == ["--full-refresh", "--vars", "{as_of: '2026-03-31 23:59:59'}"]


def test_a_held_write_lock_is_waited_for_then_reported_as_transient(tmp_path):
    database = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(database)).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import duckdb, sys, time
                con = duckdb.connect({str(database)!r})
                print("held", flush=True)
                time.sleep(30)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(RuntimeError, match="locked by another process \\(tried 2 times"):
            wait_for_write_lock(database, attempts=2, pause=0.1)
    finally:
        holder.kill()
        holder.wait()
    wait_for_write_lock(database, attempts=2, pause=0.1)  # released: returns at once
