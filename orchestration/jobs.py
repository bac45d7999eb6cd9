"""The three ways the warehouse is refreshed, as asset jobs.

| job                | what                                                 | started by       |
|--------------------|------------------------------------------------------|------------------|
| hourly_refresh     | dbt build (no full refresh), checks, publish         | hourly schedule  |
| nightly_full_build | dbt build --full-refresh, checks, publish            | nightly schedule |
| load_and_refresh   | load new raw files, then as hourly_refresh           | raw inbox sensor |

All run on the in-process executor: DuckDB admits one writer, so steps run one
after the other (dbt, then the Great Expectations checks, then publish). Steps
are retried for transient failures (a lock held a moment too long); a failed
blocking check or a rejected file is not retried.
"""

from __future__ import annotations

from dagster import (
    AssetsDefinition,
    AssetSelection,
    Backoff,
    RetryPolicy,
    define_asset_job,
    in_process_executor,
)
from dagster_dbt import build_dbt_asset_selection

from orchestration.dbt_assets import DBT_ASSETS_NAME
from orchestration.published_asset import PUBLISHED_KEY, TRIGGER_TAG
from orchestration.raw_assets import LOAD_ASSET_NAME, RAW_ASSET_KEYS

HOURLY_REFRESH = "hourly_refresh"
NIGHTLY_FULL_BUILD = "nightly_full_build"
LOAD_AND_REFRESH = "load_and_refresh"
SELECTED_REFRESH = "selected_refresh"
# Runs that write the working warehouse carry this tag: limit it to 1 in dagster.yaml
# (run_queue.tag_concurrency_limits) so two refreshes never compete for the write lock.
WRITES_TAG = "warehouse/writes"

RETRY_POLICY = RetryPolicy(max_retries=2, delay=20, backoff=Backoff.EXPONENTIAL)


def refresh_selection(dbt_assets_def: AssetsDefinition) -> AssetSelection:
    """dbt assets with their tests, every check on the raw tables, and the publish step."""
    return (
        AssetSelection.assets(dbt_assets_def)
        | AssetSelection.checks_for_assets(*RAW_ASSET_KEYS)
        | AssetSelection.assets(PUBLISHED_KEY)
    )


def dbt_config(full_refresh: bool) -> dict:
    return {"ops": {DBT_ASSETS_NAME: {"config": {"full_refresh": full_refresh}}}}


def load_config(files: list[str] | None = None, folder: str = "", mode: str = "append") -> dict:
    return {
        "ops": {
            LOAD_ASSET_NAME: {
                "config": {"files": list(files or []), "folder": folder, "mode": mode}
            },
            **dbt_config(False)["ops"],
        }
    }


def build_jobs(
    dbt_assets_def: AssetsDefinition, dbt_select: str | None = None
) -> dict[str, object]:
    selection = refresh_selection(dbt_assets_def)
    common = {"executor_def": in_process_executor, "op_retry_policy": RETRY_POLICY}
    jobs = {}
    if dbt_select:
        jobs[SELECTED_REFRESH] = define_asset_job(
            SELECTED_REFRESH,
            selection=build_dbt_asset_selection([dbt_assets_def], dbt_select=dbt_select)
            | AssetSelection.assets(PUBLISHED_KEY),
            config=dbt_config(full_refresh=False),
            description=f"Build and test the dbt selection {dbt_select!r}, then publish.",
            run_tags={TRIGGER_TAG: "manual", WRITES_TAG: "working_warehouse"},
            **common,
        )
    return jobs | {
        HOURLY_REFRESH: define_asset_job(
            HOURLY_REFRESH,
            selection=selection,
            config=dbt_config(full_refresh=False),
            description="Build and test the models (no full refresh), check, then publish.",
            run_tags={TRIGGER_TAG: "manual", WRITES_TAG: "working_warehouse"},
            **common,
        ),
        NIGHTLY_FULL_BUILD: define_asset_job(
            NIGHTLY_FULL_BUILD,
            selection=selection,
            config=dbt_config(full_refresh=True),
            description="Rebuild everything (dbt build --full-refresh), check, then publish.",
            run_tags={TRIGGER_TAG: "manual", WRITES_TAG: "working_warehouse"},
            **common,
        ),
        LOAD_AND_REFRESH: define_asset_job(
            LOAD_AND_REFRESH,
            selection=selection | AssetSelection.assets(*RAW_ASSET_KEYS),
            config=load_config(),
            description="Load the raw files waiting in the inbox, then refresh and publish.",
            run_tags={TRIGGER_TAG: "manual", WRITES_TAG: "working_warehouse"},
            **common,
        ),
    }
