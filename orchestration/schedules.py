"""Schedules: hourly refresh and nightly full build, in a declared time zone.

Both are STOPPED by default (a fresh checkout never starts writing on its own).
Turn them on in the UI (Automation -> the schedule -> toggle) or with
``dagster schedule start hourly_refresh_schedule`` /
``dagster schedule start nightly_full_build_schedule`` against a running daemon.
"""

from __future__ import annotations

import os

from dagster import DefaultScheduleStatus, ScheduleDefinition

from orchestration.jobs import HOURLY_REFRESH, NIGHTLY_FULL_BUILD, dbt_config
from orchestration.published_asset import TRIGGER_TAG

TIMEZONE_ENV = "WAREHOUSE_SCHEDULE_TIMEZONE"
HOURLY_CRON = "5 * * * *"  # five past every hour
NIGHTLY_CRON = "30 2 * * *"  # 02:30, after the EL tool's nightly drop


def schedule_timezone() -> str:
    """IANA time zone the crons are read in (``$WAREHOUSE_SCHEDULE_TIMEZONE``, default UTC)."""
    return os.environ.get(TIMEZONE_ENV, "UTC")


def build_schedules(jobs: dict) -> list[ScheduleDefinition]:
    timezone = schedule_timezone()
    return [
        ScheduleDefinition(
            name=f"{HOURLY_REFRESH}_schedule",
            cron_schedule=HOURLY_CRON,
            job=jobs[HOURLY_REFRESH],
            execution_timezone=timezone,
            run_config=dbt_config(full_refresh=False),
            tags={TRIGGER_TAG: f"schedule:{HOURLY_REFRESH}_schedule"},
            default_status=DefaultScheduleStatus.STOPPED,
            description="Hourly refresh: build and test the models, check, publish.",
        ),
        ScheduleDefinition(
            name=f"{NIGHTLY_FULL_BUILD}_schedule",
            cron_schedule=NIGHTLY_CRON,
            job=jobs[NIGHTLY_FULL_BUILD],
            execution_timezone=timezone,
            run_config=dbt_config(full_refresh=True),
            tags={TRIGGER_TAG: f"schedule:{NIGHTLY_FULL_BUILD}_schedule"},
            default_status=DefaultScheduleStatus.STOPPED,
            description="Nightly full build: dbt build --full-refresh, check, publish.",
        ),
    ]
