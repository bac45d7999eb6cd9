"""Assemble the Dagster definitions from a dbt project's manifest.

Asset graph: raw tables (``load_raw_files``) -> dbt models, seeds and snapshots
(grouped ``<layer>_<domain>``, dbt tests as checks) -> ``published/warehouse``.
Checks: dbt data tests, Great Expectations suites, raw freshness.
Jobs, schedules and the sensor: see jobs.py, schedules.py, sensors.py.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from dagster import AssetKey, Definitions, in_process_executor
from dagster_dbt import DbtCliResource, DbtProject

from orchestration.checks import build_quality_checks, build_raw_freshness_checks
from orchestration.dbt_assets import build_warehouse_dbt_assets
from orchestration.jobs import LOAD_AND_REFRESH, build_jobs
from orchestration.project import dbt_executable, ensure_manifest, make_dbt_project
from orchestration.published_asset import build_published_warehouse, published_nodes
from orchestration.raw_assets import build_load_raw_files
from orchestration.schedules import build_schedules
from orchestration.sensors import build_raw_inbox_sensor
from orchestration.translator import WarehouseTranslator, attach_multi_parent_tests


def model_asset_keys(
    manifest: Mapping[str, Any], translator: WarehouseTranslator, project: DbtProject
) -> dict[str, AssetKey]:
    """Asset key of every model, seed and snapshot, by dbt name."""
    return {
        node["name"]: translator.get_asset_spec(manifest, uid, project).key
        for uid, node in manifest.get("nodes", {}).items()
        if node.get("resource_type") in ("model", "seed", "snapshot")
    }


def build_definitions(
    project: DbtProject | None = None, dbt_select: str | None = None
) -> Definitions:
    """Everything Dagster knows about the warehouse, from the project's dbt manifest.

    ``dbt_select`` adds a ``selected_refresh`` job building only those dbt nodes
    (``warehouse build --select``).
    """
    # Made now, not at import: the target folder follows $DBT_TARGET_PATH as it is when
    # the definitions are built (tests and `warehouse build` set it after importing).
    project = project or make_dbt_project()
    manifest = attach_multi_parent_tests(json.loads(ensure_manifest(project).read_text()))
    translator = WarehouseTranslator()
    dbt_assets_def = build_warehouse_dbt_assets(project, translator, manifest)
    nodes = published_nodes(manifest)
    published = build_published_warehouse(
        nodes, [translator.get_asset_spec(manifest, n["unique_id"], project).key for n in nodes]
    )
    jobs = build_jobs(dbt_assets_def, dbt_select=dbt_select)
    return Definitions(
        assets=[build_load_raw_files(manifest), dbt_assets_def, published],
        asset_checks=[
            *build_quality_checks(model_asset_keys(manifest, translator, project)),
            build_raw_freshness_checks(manifest),
        ],
        jobs=list(jobs.values()),
        executor=in_process_executor,
        schedules=build_schedules(jobs),
        sensors=[build_raw_inbox_sensor(jobs[LOAD_AND_REFRESH])],
        resources={"dbt": DbtCliResource(project_dir=project, dbt_executable=dbt_executable())},
    )
