"""`make run` / `warehouse build` record their runs where `make dagster` looks."""

from __future__ import annotations

from cli_runner import FIRST_RUN, run_warehouse
from dagster import DagsterEventType, DagsterInstance


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
