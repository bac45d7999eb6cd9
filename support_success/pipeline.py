"""Run the dbt pipeline on the working warehouse.

Until orchestration takes it over, this calls dbt in-process through
``dbtRunner``. Seeds, models, unit tests and data tests run in one
``dbt build``, so a failing test stops what depends on it.
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
    """Build and test everything (or ``select``); True when every step passed."""
    extra: list[str] = []
    if full_refresh:
        extra.append("--full-refresh")
    if select:
        extra += ["--select", select]
    return run_dbt("build", *extra)
