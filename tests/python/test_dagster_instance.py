"""`make run` / `warehouse build` record their runs where `make dagster` looks."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from cli_runner import FIRST_RUN, run_warehouse
from dagster import DagsterEventType, DagsterInstance

from support_success import paths


def test_a_cli_build_is_recorded_in_the_warehouse_dagster_instance(tmp_path):
    # GX off: the run, not the checks, is under test here
    for args in (["load", str(FIRST_RUN)], ["build"]):
        done = run_warehouse(tmp_path, *args, extra_env={"WAREHOUSE_GX_CHECKS": "off"})
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    home = tmp_path / "dagster"
    assert (home / "dagster.yaml").exists()
    instance = DagsterInstance.from_config(str(home))
    try:
        runs = instance.get_runs()
        assert len(runs) == 1
        run = runs[0]
        assert run.job_name == "hourly_refresh"
        assert run.tags.get("warehouse/trigger") == "cli"
        materialized = instance.get_records_for_run(
            run.run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION
        ).records
        keys = {r.event_log_entry.dagster_event.asset_key.to_user_string() for r in materialized}
        assert "marts/fct_tickets" in keys and "published/warehouse" in keys
        evaluations = instance.get_records_for_run(
            run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION
        ).records
        assert evaluations, "the run's checks were evaluated and recorded"
    finally:
        instance.dispose()


def test_dagster_dev_stops_on_ctrl_c(tmp_path):
    """`make dagster` (dagster dev) ends, with its webserver, daemon and code servers, when the
    terminal sends Ctrl-C: SIGINT to the whole foreground process group."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("WAREHOUSE_", "DBT_", "DAGSTER_"))
    }
    (tmp_path / "dagster").mkdir()
    env.update(WAREHOUSE_HOME=str(tmp_path), DAGSTER_HOME=str(tmp_path / "dagster"))
    dagster = Path(sys.executable).parent / "dagster"
    process = subprocess.Popen(
        [str(dagster), "dev", "-p", str(port)],
        cwd=paths.PROJECT_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, as a terminal's foreground job
        # a terminal's job receives Ctrl-C; a test launched in the background ignores it
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    group = process.pid
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5):
                    break
            except OSError:
                assert process.poll() is None, "dagster dev exited before serving"
                assert time.monotonic() < deadline, "dagster dev did not serve within 180 s"
                time.sleep(2)
        stopped_at = time.monotonic()
        os.killpg(group, signal.SIGINT)
        process.wait(timeout=30)
        while True:  # every process of the group (webserver, daemon, code servers) is gone
            try:
                os.killpg(group, 0)
            except ProcessLookupError:
                break
            assert time.monotonic() - stopped_at < 30, "dagster processes outlived Ctrl-C by 30 s"
            time.sleep(0.5)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
