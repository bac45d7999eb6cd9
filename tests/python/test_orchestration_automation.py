"""Schedules and the raw inbox sensor evaluate to the right run requests."""

from __future__ import annotations

import os
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pytest
from test_orchestration_fixtures import GOOD_TICKETS, write_raw

from orchestration.jobs import dbt_config
from orchestration.schedules import build_schedules
from orchestration.sensors import inbox_run_request

pytest_plugins = ["test_orchestration_fixtures"]


def _schedule(defs, name):
    return next(s for s in defs.schedules if s.name == name)


@pytest.mark.parametrize(
    ("name", "job", "cron", "full_refresh"),
    [
        ("hourly_refresh_schedule", "hourly_refresh", "5 * * * *", False),
        ("nightly_full_build_schedule", "nightly_full_build", "30 2 * * *", True),
    ],
)
def test_schedules_request_their_job(shared_probe_defs, name, job, cron, full_refresh):
    schedule = _schedule(shared_probe_defs, name)
    assert schedule.job_name == job
    assert schedule.cron_schedule == cron
    assert schedule.execution_timezone == "UTC"
    assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED
    context = dg.build_schedule_context(
        scheduled_execution_time=datetime(2026, 1, 5, 2, 30, tzinfo=ZoneInfo("UTC"))
    )
    result = schedule.evaluate_tick(context)
    [request] = result.run_requests
    assert request.run_config == dbt_config(full_refresh=full_refresh)
    assert request.run_config["ops"]["warehouse_dbt"]["config"]["full_refresh"] is full_refresh
    assert request.tags["warehouse/trigger"] == f"schedule:{name}"


def test_schedule_time_zone_is_configurable(shared_probe_defs, monkeypatch):
    monkeypatch.setenv("WAREHOUSE_SCHEDULE_TIMEZONE", "Europe/Amsterdam")
    jobs = {j.name: j for j in shared_probe_defs.jobs}
    schedules = build_schedules(jobs)
    assert {s.execution_timezone for s in schedules} == {"Europe/Amsterdam"}


def _age(path, seconds):
    stamp = time.time() - seconds
    os.utime(path, (stamp, stamp))


def test_sensor_skips_an_empty_inbox(probe_env):
    assert isinstance(inbox_run_request(), dg.SkipReason)


def test_sensor_waits_for_files_to_settle(probe_env):
    write_raw(probe_env["tmp"] / "inbox", GOOD_TICKETS)  # just written: still settling
    result = inbox_run_request()
    assert isinstance(result, dg.SkipReason)
    assert "raw_helpdesk.tickets.csv" in result.skip_message


def test_sensor_requests_one_idempotent_load_per_drop(probe_env, shared_probe_defs):
    inbox = write_raw(probe_env["tmp"] / "inbox", GOOD_TICKETS)
    (inbox / "_defects.csv").write_text("not data\n")  # '_' files are not data
    (inbox / "notes.txt").write_text("not data\n")  # nor are other names
    _age(inbox / "raw_helpdesk.tickets.csv", 120)

    sensor = next(s for s in shared_probe_defs.sensors if s.name == "raw_inbox_sensor")
    assert sensor.default_status == dg.DefaultSensorStatus.STOPPED
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(instance=instance, definitions=shared_probe_defs)
        [request] = sensor.evaluate_tick(context).run_requests
    assert request.job_name == "load_and_refresh"
    load = request.run_config["ops"]["load_raw_files"]["config"]
    assert load == {"files": ["raw_helpdesk.tickets.csv"], "folder": str(inbox), "mode": "append"}
    assert request.run_config["ops"]["warehouse_dbt"]["config"] == {"full_refresh": False}
    assert request.tags["warehouse/trigger"] == "sensor:raw_inbox_sensor"
    assert request.tags["warehouse/inbox_files"] == "1"

    # The same drop, evaluated again, gives the same run key: Dagster starts it once.
    assert inbox_run_request().run_key == request.run_key
    # A second file makes a new drop, and a new key.
    (inbox / "raw_billing.customers.csv").write_text("customer_id,name\nA1,Acme\n")
    _age(inbox / "raw_billing.customers.csv", 120)
    second = inbox_run_request()
    assert second.run_key != request.run_key
    assert second.run_config["ops"]["load_raw_files"]["config"]["files"] == [
        "raw_billing.customers.csv",
        "raw_helpdesk.tickets.csv",
    ]


def test_manual_runs_are_tagged_manual(shared_probe_defs):
    for job in shared_probe_defs.jobs:
        resolved = shared_probe_defs.resolve_job_def(job.name)
        assert resolved.run_tags["warehouse/trigger"] == "manual"
        assert resolved.run_tags["warehouse/writes"] == "working_warehouse"


def test_a_dbt_selection_builds_only_those_nodes_then_publishes(probe_project, monkeypatch):
    """``warehouse build --select`` runs the ``selected_refresh`` job."""
    from orchestration.assemble import build_definitions
    from orchestration.project import make_dbt_project, prepare_manifest

    monkeypatch.setenv("DBT_TARGET_PATH", str(probe_project["target"]))
    monkeypatch.setenv("DBT_PROFILES_DIR", str(probe_project["project"]))
    monkeypatch.setenv("WAREHOUSE_GX_CHECKS", "off")
    project = make_dbt_project(probe_project["project"])
    prepare_manifest(project)
    defs = build_definitions(project, dbt_select="fct_probe_tickets")
    job = defs.resolve_job_def("selected_refresh")
    assert job.asset_layer.selected_asset_keys == {
        dg.AssetKey(["marts", "fct_probe_tickets"]),
        dg.AssetKey(["published", "warehouse"]),
    }
    assert job.run_tags["warehouse/trigger"] == "manual"
