"""Run a refresh in-process: what ``make run``, ``warehouse build`` and ``warehouse demo`` do.

The same jobs the schedules and the sensor start (``hourly_refresh``,
``nightly_full_build``, ``load_and_refresh``), executed in this process with
``execute_in_process``. The run is recorded in the warehouse's Dagster instance
(``$DAGSTER_HOME``, else ``$WAREHOUSE_HOME/dagster``, created when missing), so
``make dagster`` afterwards shows the run, its materializations and its checks.
"""

from dataclasses import dataclass, field

from dagster import DagsterEventType, DagsterInstance, Definitions
from dagster_dbt import DbtProject

from orchestration.jobs import (
    HOURLY_REFRESH,
    LOAD_AND_REFRESH,
    NIGHTLY_FULL_BUILD,
    SELECTED_REFRESH,
    dbt_config,
    load_config,
)
from orchestration.project import make_dbt_project, prepare_manifest
from orchestration.published_asset import PUBLISHED_KEY, TRIGGER_TAG


@dataclass
class RefreshOutcome:
    """What a refresh did: whether it succeeded and published, and what went wrong."""

    job: str
    run_id: str
    success: bool
    published: bool
    problems: list[str] = field(default_factory=list)
    failed_checks: list[str] = field(default_factory=list)  # blocking (ERROR) failures
    warned_checks: list[str] = field(default_factory=list)  # non-blocking (WARN) failures

    def summary(self) -> str:
        lines = [
            f"{self.job} run {self.run_id}: "
            + (
                "published"
                if self.published
                else "NOT published; the previously published warehouse is unchanged"
            )
        ]
        lines += [f"  failed blocking check: {c}" for c in self.failed_checks]
        if self.warned_checks:
            lines.append(
                f"  {len(self.warned_checks)} non-blocking check(s) warned: "
                + ", ".join(self.warned_checks[:5])
                + (", ..." if len(self.warned_checks) > 5 else "")
            )
        lines += [f"  problem: {p}" for p in self.problems]
        return "\n".join(lines)


def _instance() -> DagsterInstance:
    from support_success import paths

    return DagsterInstance.from_config(str(paths.ensure_dagster_home()))


def run_refresh(
    full_refresh: bool = False,
    select: str | None = None,
    load_folder: str | None = None,
    load_mode: str = "replace",
    trigger: str = "cli",
    project: DbtProject | None = None,
    instance: DagsterInstance | None = None,
    log_level: str = "INFO",
) -> RefreshOutcome:
    """Prepare the manifest, then run the refresh job in-process and publish if it passed.

    ``select`` (a dbt selection) builds only those nodes, runs their checks, and publishes.
    ``load_folder`` loads a folder of raw files first (``load_and_refresh``, not archived).
    """
    from orchestration.assemble import build_definitions

    project = project or make_dbt_project()
    prepare_manifest(project)
    defs: Definitions = build_definitions(project, dbt_select=select)
    if select:
        job_name = SELECTED_REFRESH
        run_config = dbt_config(full_refresh)
    elif load_folder:
        job_name = LOAD_AND_REFRESH
        run_config = load_config(folder=str(load_folder), mode=load_mode)
        run_config["ops"]["load_raw_files"]["config"]["archive"] = False
        run_config["ops"].update(dbt_config(full_refresh)["ops"])
    else:
        job_name = NIGHTLY_FULL_BUILD if full_refresh else HOURLY_REFRESH
        run_config = dbt_config(full_refresh)
    job = defs.resolve_job_def(job_name)
    with (instance and _nullcontext(instance)) or _instance() as inst:
        result = job.execute_in_process(
            run_config={**run_config, "loggers": {"console": {"config": {"log_level": log_level}}}},
            instance=inst,
            tags={TRIGGER_TAG: trigger},
            raise_on_error=False,
        )
        problems = []
        for event in result.all_events:
            if event.event_type == DagsterEventType.STEP_FAILURE:
                data = event.step_failure_data
                text = (data.user_failure_data.description if data.user_failure_data else None) or (
                    data.error.message.strip() if data.error else "failed"
                )
                if "DagsterAssetCheckFailedError" in text:
                    continue  # said below, with the check's findings
                problems.append(f"step {event.step_key}: {text}")
        failed = [e for e in result.get_asset_check_evaluations() if not e.passed]
        failed_checks = [
            f"{e.asset_check_key.name} on {e.asset_check_key.asset_key.to_user_string()}"
            for e in failed
            if e.severity.value == "ERROR"
        ]
        # Great Expectations checks carry their findings (expectation, column, sample rows).
        problems += [
            f"{e.asset_check_key.name}:\n{e.metadata['failures'].value.strip('`').strip()}"
            for e in failed
            if e.severity.value == "ERROR" and "failures" in e.metadata
        ]
        warned_checks = [
            f"{e.asset_check_key.name} on {e.asset_check_key.asset_key.to_user_string()}"
            for e in failed
            if e.severity.value != "ERROR"
        ]
        published = result.success and any(
            event.asset_key == PUBLISHED_KEY for event in result.get_asset_materialization_events()
        )
        return RefreshOutcome(
            job=job_name,
            run_id=result.run_id,
            success=result.success,
            published=published,
            problems=problems,
            failed_checks=failed_checks,
            warned_checks=warned_checks,
        )


class _nullcontext:
    def __init__(self, value):
        self.value = value

    def __enter__(self):
        return self.value

    def __exit__(self, *exc):
        return False
