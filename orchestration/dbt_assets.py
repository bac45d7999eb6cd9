"""Every dbt model, seed and snapshot as a Dagster asset; dbt data tests as asset checks.

One ``dbt build`` runs per refresh (models, seeds, snapshots, unit and data tests
in dependency order, so a failing test stops what is built on it). dagster-dbt
turns each data test into an asset check on the node it tests, blocking when
the test's severity is ``error``. When a blocking test fails, the step fails
with a message naming the test, the asset and a sample of the failing rows,
and nothing downstream (publication included) runs.
"""

import os
from collections.abc import Iterator, Mapping
from typing import Any

from dagster import AssetExecutionContext, Config, Failure, MetadataValue
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from orchestration.failures import dbt_errors, dbt_test_failures
from orchestration.raw_assets import POOL
from orchestration.translator import WarehouseTranslator
from support_success import paths

DBT_ASSETS_NAME = "warehouse_dbt"


class DbtBuildConfig(Config):
    """``full_refresh`` rebuilds incremental models from scratch (the nightly build)."""

    full_refresh: bool = False


def build_warehouse_dbt_assets(
    project: DbtProject, translator: WarehouseTranslator, manifest: Mapping[str, Any] | None = None
):
    """The dbt assets of ``project``; ``manifest`` (default: the prepared file) may be amended."""

    @dbt_assets(
        manifest=manifest if manifest is not None else project.manifest_path,
        project=project,
        dagster_dbt_translator=translator,
        name=DBT_ASSETS_NAME,
        pool=POOL,
    )
    def warehouse_dbt(
        context: AssetExecutionContext, dbt: DbtCliResource, config: DbtBuildConfig
    ) -> Iterator[Any]:
        # dbt runs as a subprocess: give it the absolute path of the working warehouse.
        os.environ.update(paths.dbt_env())
        paths.working_database().parent.mkdir(parents=True, exist_ok=True)
        args = ["build", *(["--full-refresh"] if config.full_refresh else [])]
        invocation = dbt.cli(args, context=context, raise_on_error=False)
        yield from invocation.stream()
        if invocation.is_successful():
            return
        try:
            run_results = invocation.get_artifact("run_results.json")
        except (OSError, ValueError):
            run_results = {}  # dbt stopped before running anything (e.g. a parse error)
        manifest = invocation.manifest
        by_name = {
            n.get("name"): uid
            for uid, n in manifest["nodes"].items()
            if n.get("resource_type") in ("model", "seed", "snapshot")
        }

        def asset_name_for(test_id: str) -> str:
            node = manifest["nodes"].get(test_id, {})
            meta = (node.get("config") or {}).get("meta") or {}
            ref = ((meta.get("dagster") or {}).get("ref") or {}).get("name")
            parent = (
                node.get("attached_node")
                or by_name.get(ref)
                or next(iter(node.get("depends_on", {}).get("nodes", [])), None)
            )
            if parent is None:
                return "(no asset)"
            return translator.get_asset_spec(manifest, parent, project).key.to_user_string()

        failures = dbt_test_failures(
            run_results, manifest, asset_name_for, paths.working_database()
        )
        errors = dbt_errors(run_results)
        report = (
            "\n".join([f.describe() for f in failures] + [f"dbt error: {e}" for e in errors])
            or "dbt build failed before running any node: see the dbt log in this step."
        )
        metadata = {"failures": MetadataValue.md("```\n" + report + "\n```")}
        if errors:
            # A node that errors (for example a lock held on the working warehouse) may be
            # transient: let the retry policy try again.
            raise RuntimeError("dbt build failed; nothing will be published.\n" + report)
        raise Failure(
            description="dbt build failed; nothing will be published.\n" + report,
            metadata=metadata,
            allow_retries=False,
        )

    return warehouse_dbt
