"""Running the suites: results table, Data Docs, metadata, CLI, settings, locking."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from test_quality_raw import NOW, execute, write_raw

from support_success.cli import main
from support_success.quality import (
    RESULTS_RELATION,
    SUITES,
    append_results,
    load_settings,
    run_all,
    run_suite,
    write_data_docs,
)
from support_success.quality.chunks import WarehouseBusyError


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    database = tmp_path_factory.mktemp("quality_running") / "warehouse.duckdb"
    write_raw(database)
    return database


@pytest.fixture
def dirty(clean, tmp_path) -> Path:
    target = tmp_path / "warehouse.duckdb"
    shutil.copy(clean, target)
    execute(
        target,
        "update raw_helpdesk.tickets set channel = 'fax' where ticket_id = 'T-8'",
        "alter table raw_helpdesk.users drop column role",
    )
    return target


def test_suite_objects_expose_the_interface():
    names = [s.name for s in SUITES]
    assert len(names) == len(set(names))
    tickets = next(s for s in SUITES if s.target == "source:raw_helpdesk.tickets")
    assert tickets.name == "raw__helpdesk__tickets" and tickets.description
    assert {c.severity for c in tickets.expectations} == {"blocking", "warning"}
    assert any(s.target == "model:fct_mrr_monthly" for s in SUITES)


def test_results_are_appended_through_one_write_connection(dirty):
    results = run_all(
        dirty, targets=["source:raw_helpdesk.tickets", "raw__helpdesk__users"], now=NOW
    )
    assert [r.suite for r in results] == ["raw__helpdesk__tickets", "raw__helpdesk__users"]
    written = append_results(results, dirty, run_id="run-1")
    con = duckdb.connect(str(dirty), read_only=True)
    try:
        rows = con.execute(
            f"select suite, expectation, severity, success, unexpected_count, message "
            f"from {RESULTS_RELATION} where run_id = 'run-1' and not success "
            "order by suite, expectation, severity"
        ).fetchall()
        total = con.execute(f"select count(*) from {RESULTS_RELATION}").fetchone()[0]
    finally:
        con.close()
    assert total == written == sum(len(r.checks) for r in results)
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("raw__helpdesk__tickets", "channel_in_contract_values", "warning"),
        ("raw__helpdesk__users", "required_columns_present", "blocking"),
    ]
    assert rows[0][4] == 1 and "'fax'" in rows[0][5]


def test_metadata_is_json_and_names_the_failures(dirty):
    result = run_suite("raw__helpdesk__users", dirty, now=NOW)
    metadata = result.to_metadata()
    json.dumps(metadata)  # Dagster metadata must be JSON-able
    assert metadata["status"] == "failed" and metadata["blocking_failure_count"] == 1
    assert metadata["blocking_failures"][0]["expectation"] == "required_columns_present"
    assert metadata["blocking_failures"][0]["message"].endswith(
        "raw_helpdesk.users lacks column(s) role"
    )
    skipped = [c.name for c in result.checks if c.skipped]  # warning and blocking versions
    assert "role_in_contract_values" in skipped and metadata["checks_skipped"] == len(skipped)


def test_data_docs_are_written_for_every_suite(dirty, tmp_path):
    results = run_all(dirty, now=NOW, targets=["raw__helpdesk__tickets", "raw__helpdesk__users"])
    index = write_data_docs(results, tmp_path / "docs")
    assert index == tmp_path / "docs" / "index.html"
    text = index.read_text()
    assert "1 blocking failure(s)" in text and "raw__helpdesk__users" in text
    page = (tmp_path / "docs" / "raw__helpdesk__tickets.html").read_text()
    assert "channel_in_contract_values" in page and "&#x27;fax&#x27;" in page


def test_cli_check_exits_1_on_blocking_failure_and_0_on_clean_data(dirty, clean, tmp_path, capsys):
    docs = tmp_path / "docs"
    code = main(
        [
            "check",
            "--database",
            str(dirty),
            "--layer",
            "raw",
            "--docs",
            str(docs),
            "--target",
            "raw__helpdesk__users",
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "BLOCKING raw__helpdesk__users required_columns_present" in out
    assert f"Data Docs: {docs / 'index.html'}" in out
    # failures first: the failure lines come before the per-suite summary lines
    assert out.index("BLOCKING raw__helpdesk__users") < out.index(" checks, ")
    copy = tmp_path / "clean.duckdb"
    shutil.copy(clean, copy)
    code = main(
        [
            "check",
            "--database",
            str(copy),
            "--target",
            "raw__helpdesk__groups",
            "--docs",
            str(docs),
            "--no-record",
        ]
    )
    assert code == 0


def test_settings_come_from_env_and_yaml(tmp_path, monkeypatch):
    config = tmp_path / "quality.yml"
    config.write_text("raw_blocking_share: 0.2\nnrr_max: 3\n")
    monkeypatch.setenv("WAREHOUSE_QUALITY_CONFIG", str(config))
    monkeypatch.setenv("WAREHOUSE_QUALITY_NRR_MAX", "2.5")
    settings = load_settings()
    assert settings.raw_blocking_share == 0.2
    assert settings.nrr_max == 2.5  # the environment wins over the file
    config.write_text("raw_blocking_shar: 0.2\n")
    with pytest.raises(ValueError, match="unknown quality setting"):
        load_settings()


def test_a_looser_blocking_share_turns_a_block_into_a_warning(clean, tmp_path):
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(clean, copy)
    execute(
        copy,
        "update raw_helpdesk.tickets set channel = 'fax' "
        "where ticket_id in ('T-10', 'T-11', 'T-12', 'T-13', 'T-14', 'T-15')",
    )
    strict = run_suite(
        "raw__helpdesk__tickets",
        copy,
        now=NOW,
        settings=load_settings({"raw_blocking_share": 0.05, "raw_blocking_min_rows": 1}),
    )
    loose = run_suite(
        "raw__helpdesk__tickets",
        copy,
        now=NOW,
        settings=load_settings({"raw_blocking_share": 0.10, "raw_blocking_min_rows": 1}),
    )
    assert not strict.success and loose.success
    assert "above the warning threshold" in loose.warnings[0]["message"]


def test_validation_fails_clearly_while_a_writer_holds_the_warehouse(clean, tmp_path):
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(clean, copy)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ok', flush=True); "
            "time.sleep(60)",
            str(copy),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(WarehouseBusyError, match="one writer or many readers"):
            run_suite("raw__helpdesk__groups", copy, now=NOW)
    finally:
        holder.kill()
        holder.wait()
