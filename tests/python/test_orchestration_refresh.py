"""Write, audit, publish on the probe project: what BI sees through success, failure,
a concurrent reader and a refresh killed with SIGKILL.

Hand-worked values (see test_orchestration_fixtures.py): the good drop publishes
fct_probe_tickets = 3 rows (T1, T2, T3; T4 is deleted) and agg_probe_tickets_daily
= {2026-01-05: 2, 2026-01-06: 1}. Appending T5 (2026-01-07) gives 4 and a third day.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import dagster as dg
import duckdb
from test_orchestration_fixtures import GOOD_TICKETS, refresh_in_subprocess, ticket_row, write_raw

from orchestration.runner import run_refresh
from orchestration.sensors import inbox_run_request

T5 = ticket_row("T5", "2026-01-07", "new")
DUPLICATE_T1 = ticket_row("T1", "2026-01-08", "open")

pytest_plugins = ["test_orchestration_fixtures"]


def _published(env) -> Path:
    return env["home"] / "published" / "warehouse.duckdb"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read(path: Path) -> dict:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            "tickets": [
                r[0]
                for r in con.execute(
                    "select ticket_id from marts.fct_probe_tickets order by 1"
                ).fetchall()
            ],
            "daily": dict(
                con.execute(
                    "select created_date, tickets from marts.agg_probe_tickets_daily"
                ).fetchall()
            ),
            "run": con.execute("select run_id, trigger from publication.run").fetchone(),
        }
    finally:
        con.close()


GOOD = {
    "tickets": ["T1", "T2", "T3"],
    "daily": {date(2026, 1, 5): 2, date(2026, 1, 6): 1},
}


def _good_publication(env) -> dict:
    """The copied good publication, checked against the hand-worked values."""
    published = _read(_published(env))
    assert {k: published[k] for k in GOOD} == GOOD
    return published


def test_sensor_drop_is_loaded_checked_and_published(probe_env):
    inbox = write_raw(probe_env["tmp"] / "inbox", GOOD_TICKETS)
    stamp = time.time() - 120
    os.utime(inbox / "raw_helpdesk.tickets.csv", (stamp, stamp))
    request = inbox_run_request()

    from orchestration.assemble import build_definitions
    from orchestration.project import make_dbt_project, prepare_manifest

    project = make_dbt_project()
    prepare_manifest(project)
    job = build_definitions(project).resolve_job_def(request.job_name)
    with dg.instance_for_test() as instance:
        result = job.execute_in_process(
            run_config=request.run_config, instance=instance, tags=request.tags
        )
    assert result.success
    published = _read(_published(probe_env))
    assert {k: published[k] for k in GOOD} == GOOD
    assert published["run"] == (result.run_id, "sensor:raw_inbox_sensor")
    manifest = json.loads((probe_env["home"] / "published" / "publish_manifest.json").read_text())
    assert manifest["row_counts"] == {
        "marts.agg_probe_tickets_daily": 2,
        "marts.fct_probe_tickets": 3,
    }
    # the drop left the inbox and was archived under the run's id
    assert not (inbox / "raw_helpdesk.tickets.csv").exists()
    assert (inbox / "_loaded" / result.run_id / "raw_helpdesk.tickets.csv").exists()
    # the dbt tests ran as asset checks and passed
    checks = {e.asset_check_key.name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks["unique_fct_probe_tickets_ticket_id"] is True
    # the working warehouse is not what BI reads
    assert _published(probe_env) != Path(os.environ["WAREHOUSE_DUCKDB_PATH"])


def test_a_failing_blocking_check_leaves_the_published_data(
    published_probe_env, monkeypatch, capsys
):
    probe_env = published_probe_env
    before = _good_publication(probe_env)
    published = _published(probe_env)
    sha = _sha(published)
    manifest = (published.parent / "publish_manifest.json").read_text()

    # 1. A Great Expectations suite with a blocking failure on the mart.
    class FailingResult:
        success = False
        blocking_failures = [
            {
                "expectation": "expect_column_values_to_be_between",
                "column": "ticket_id",
                "message": "out of range",
                "sample": [{"ticket_id": "T2"}],
            }
        ]
        warnings: list = []

        def to_metadata(self):
            return {"suite": "probe_suite"}

    suite = SimpleNamespace(name="probe_suite", target="model:fct_probe_tickets", blocking=[1])
    monkeypatch.setattr(
        "orchestration.checks.load_quality_suites",
        lambda: ([suite], lambda name, database: FailingResult()),
    )
    outcome = run_refresh()
    assert not outcome.published and not outcome.success
    assert outcome.failed_checks == ["gx_probe_suite on marts/fct_probe_tickets"]
    assert _sha(published) == sha
    monkeypatch.undo()
    for key, value in probe_env["env"].items():  # undo() also reverted the probe environment
        monkeypatch.setenv(key, value)

    # 2. A raw drop with a duplicate ticket id fails the blocking unique test.
    broken = write_raw(probe_env["tmp"] / "broken", [DUPLICATE_T1])
    capsys.readouterr()
    outcome = run_refresh(load_folder=str(broken), load_mode="append")
    assert not outcome.published and not outcome.success
    assert "unique_fct_probe_tickets_ticket_id on marts/fct_probe_tickets" in outcome.failed_checks
    report = outcome.summary()
    check = "blocking check 'unique_fct_probe_tickets_ticket_id' on marts/fct_probe_tickets"
    assert check in report
    assert "1 failing row(s)" in report
    assert "{'unique_field': 'T1', 'n_records': 2}" in report  # the sample of failing rows
    # nothing BI reads has changed
    assert _sha(published) == sha
    assert (published.parent / "publish_manifest.json").read_text() == manifest
    assert _read(published) == before


READER = r"""
import duckdb, json, sys, time, os
path, stop = sys.argv[1], sys.argv[2]
held = duckdb.connect(path, read_only=True)   # a BI tool that never lets go
def look(con):
    n = con.execute("select count(*) from marts.fct_probe_tickets").fetchone()[0]
    s = con.execute("select sum(tickets) from marts.agg_probe_tickets_daily").fetchone()[0]
    return [int(n), int(s)]
print(json.dumps({"held": look(held)}), flush=True)
while not os.path.exists(stop):
    fresh = duckdb.connect(path, read_only=True)   # a BI tool that reconnects
    print(json.dumps({"held": look(held), "fresh": look(fresh)}), flush=True)
    fresh.close()
    time.sleep(0.05)
print(json.dumps({"held": look(held)}), flush=True)
"""


def test_a_reader_neither_blocks_a_refresh_nor_sees_partial_data(published_probe_env):
    probe_env = published_probe_env
    _good_publication(probe_env)
    published = _published(probe_env)
    stop = probe_env["tmp"] / "stop-reader"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(published), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert json.loads(reader.stdout.readline()) == {"held": [3, 3]}
        outcome = run_refresh(
            load_folder=str(write_raw(probe_env["tmp"] / "t5", [T5])), load_mode="append"
        )
        assert outcome.published, outcome.summary()
    finally:
        stop.touch()
        out, err = reader.communicate(timeout=60)
    assert reader.returncode == 0, err
    seen = [json.loads(line) for line in out.splitlines()]
    assert len(seen) > 3
    # the held connection kept reading the old publication, whole
    assert all(s["held"] == [3, 3] for s in seen)
    # reconnecting readers saw the old or the new publication, never a mix or an error
    assert {tuple(s["fresh"]) for s in seen if "fresh" in s} <= {(3, 3), (4, 4)}
    assert _read(published)["tickets"] == ["T1", "T2", "T3", "T5"]


def _wait_for(predicate, timeout=240.0, what=""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _kill_refresh(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)  # the refresh and its dbt child, as a crash would
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def test_a_refresh_killed_mid_run_leaves_the_published_data(published_probe_env):
    probe_env = published_probe_env
    before = _good_publication(probe_env)
    published = _published(probe_env)
    sha = _sha(published)
    t5 = write_raw(probe_env["tmp"] / "t5", [T5])
    folder = published.parent

    # Killed while writing the new publication (after dbt and the checks passed).
    proc = refresh_in_subprocess(
        probe_env["env"],
        {"WAREHOUSE_PUBLISH_DELAY_SECONDS": "120"},
        load_folder=str(t5),
        load_mode="append",
    )
    try:
        _wait_for(lambda: any(folder.glob(".publishing-*.duckdb")), what="the publish step")
        _kill_refresh(proc)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert _sha(published) == sha
    assert _read(published) == before

    # Killed while dbt is writing the working warehouse.
    target = Path(probe_env["env"]["DBT_TARGET_PATH"])
    runs_before = set(target.glob("warehouse_dbt-*"))
    proc = refresh_in_subprocess(probe_env["env"], full_refresh=True)
    try:
        _wait_for(lambda: set(target.glob("warehouse_dbt-*")) - runs_before, what="dbt build")
        time.sleep(1.0)
        _kill_refresh(proc)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert _sha(published) == sha

    # The next run recovers on its own: temp files removed, the T5 drop published.
    outcome = run_refresh()
    assert outcome.published, outcome.summary()
    assert not list(folder.glob(".publishing-*"))
    after = _read(published)
    assert after["tickets"] == ["T1", "T2", "T3", "T5"]
    assert after["daily"] == {date(2026, 1, 5): 2, date(2026, 1, 6): 1, date(2026, 1, 7): 1}
