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
# dbt vars for every dbt build of this process, as YAML/JSON text (`warehouse build --vars`).
DBT_VARS_ENV = "WAREHOUSE_DBT_VARS"
# Error texts of a transient failure: another process holds DuckDB's write lock.
TRANSIENT_ERRORS = ("Could not set lock on file", "Conflicting lock is held", "database is locked")


def wait_for_write_lock(database, attempts: int | None = None, pause: float | None = None) -> None:
    """Return once the working warehouse can be opened for writing.

    DuckDB admits one writing process per file: when another holds it (a long query in a
    notebook, a second refresh), wait and try again (``WAREHOUSE_LOCK_RETRIES`` times,
    ``WAREHOUSE_LOCK_RETRY_SECONDS`` apart), then raise RuntimeError, which the job's retry
    policy treats as transient.
    """
    import time

    import duckdb

    attempts = attempts or int(os.environ.get("WAREHOUSE_LOCK_RETRIES", "6"))
    pause = (
        pause if pause is not None else float(os.environ.get("WAREHOUSE_LOCK_RETRY_SECONDS", "5"))
    )
    if not os.path.exists(database):
        return
    for attempt in range(attempts):
        try:
            duckdb.connect(str(database)).close()
            return
        except duckdb.Error as exc:
            if not any(marker in str(exc) for marker in TRANSIENT_ERRORS):
                raise
            if attempt + 1 == attempts:
                raise RuntimeError(
                    f"the working warehouse {database} is locked by another process "
                    f"(tried {attempts} times, {pause:g} s apart): {str(exc).splitlines()[0]}"
                ) from None
            time.sleep(pause)


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
        wait_for_write_lock(paths.working_database())
        args = ["build", *(["--full-refresh"] if config.full_refresh else [])]
        if os.environ.get(DBT_VARS_ENV):
            args += ["--vars", os.environ[DBT_VARS_ENV]]
        invocation = dbt.cli(args, context=context, raise_on_error=False)
        try:
            yield from invocation.stream()
        except Exception as exc:
            # Following dbt's events failed (not dbt itself): end the dbt process so it does
            # not keep the write lock, and do not retry what is not a held lock.
            process = getattr(invocation, "process", None)
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except Exception:  # noqa: BLE001 - a dbt that ignores SIGTERM is killed
                    process.kill()
            raise Failure(
                description=f"dbt build stopped: {type(exc).__name__}: {exc}. "
                "Nothing will be published; run the build again.",
                allow_retries=False,
            ) from exc
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
        if any(marker in e for e in errors for marker in TRANSIENT_ERRORS):
            # Another process holds the working warehouse's write lock: transient, so the
            # retry policy tries again. Any other error is deterministic: no retry.
            raise RuntimeError("dbt build failed; nothing will be published.\n" + report)
        raise Failure(
            description="dbt build failed; nothing will be published.\n" + report,
            metadata=metadata,
            allow_retries=False,
        )

    return warehouse_dbt
