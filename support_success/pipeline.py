"""Run the pipeline on the working warehouse, then publish what BI reads.

``run_pipeline`` runs the Dagster job the schedules run (``nightly_full_build``
with ``full_refresh``, else ``hourly_refresh``) in this process: ``dbt build``
(models, seeds, snapshots, unit and data tests), the Great Expectations checks,
and, only when every blocking check passed, the atomic publish of the marts to
``$WAREHOUSE_HOME/published/warehouse.duckdb`` (docs/orchestration.md).

``run_dbt`` runs one bare dbt command through ``dbtRunner`` (no checks, no publish);
tests use it to build a warehouse quickly.
"""

from __future__ import annotations

import os

from support_success import paths


def dbt_args(command: str, *extra: str) -> list[str]:
    """Arguments for a dbt command against this project and profile."""
    return [
        command,
        "--project-dir",
        str(paths.PROJECT_DIR),
        "--profiles-dir",
        str(paths.PROJECT_DIR),
        *extra,
    ]


def run_dbt(command: str, *extra: str) -> bool:
    """Run one dbt command in-process; True when it succeeded."""
    from dbt.cli.main import dbtRunner

    os.environ.update(paths.dbt_env())
    paths.working_database().parent.mkdir(parents=True, exist_ok=True)
    result = dbtRunner().invoke(dbt_args(command, *extra))
    if result.exception is not None:
        print(f"dbt {command} failed: {result.exception}")
    return bool(result.success)


def run_pipeline(full_refresh: bool = False, select: str | None = None) -> bool:
    """Build, check and publish everything (or the dbt selection ``select``).

    True when every step passed and the marts were published. On failure the
    report names the failed check, the asset and a sample of failing rows, and
    the previously published warehouse stays as it was.
    """
    from orchestration.runner import run_refresh

    os.environ.update(paths.dbt_env())
    paths.working_database().parent.mkdir(parents=True, exist_ok=True)
    outcome = run_refresh(full_refresh=full_refresh, select=select, trigger="cli")
    print(outcome.summary())
    if outcome.published:
        print(f"BI reads: {paths.published_database()}")
    return outcome.success and outcome.published
