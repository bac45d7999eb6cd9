"""The publish step as an asset: audit the run's checks, then publish (see publish.py)."""

from collections.abc import Mapping
from typing import Any

from dagster import (
    AssetExecutionContext,
    AssetKey,
    DagsterEventType,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)

from orchestration.publish import PublishError, Relation, publish
from orchestration.raw_assets import POOL

PUBLISHED_KEY = AssetKey(["published", "warehouse"])
# What BI reads: every model under models/marts/, and the semantic layer's time spine so
# MetricFlow can query the published file (profiles.yml, target `published`).
PUBLISHED_LAYERS = ("marts", "semantic")
TRIGGER_TAG = "warehouse/trigger"


def published_nodes(manifest: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """dbt models the published warehouse holds: every non-ephemeral model in a published layer."""
    return sorted(
        (
            node
            for node in manifest.get("nodes", {}).values()
            if node.get("resource_type") == "model"
            and len(node.get("fqn", [])) > 2
            and node["fqn"][1] in PUBLISHED_LAYERS
            and node.get("config", {}).get("materialized") != "ephemeral"
        ),
        key=lambda n: n["unique_id"],
    )


def relation_of(node: Mapping[str, Any]) -> Relation:
    return Relation(schema=node["schema"], name=node.get("alias") or node["name"])


def failed_blocking_checks(context: AssetExecutionContext) -> list[str]:
    """Checks of this run that failed with ERROR severity (the ones that block publication)."""
    records = context.instance.get_records_for_run(
        context.run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION
    ).records
    failed = []
    for record in records:
        evaluation = record.event_log_entry.dagster_event.event_specific_data
        if not evaluation.passed and evaluation.severity.value == "ERROR":
            key = evaluation.asset_check_key
            failed.append(f"{key.name} on {key.asset_key.to_user_string()}")
    return failed


def build_published_warehouse(nodes: list[Mapping[str, Any]], keys: list[AssetKey]):
    relations = [relation_of(n) for n in nodes]

    @asset(
        key=PUBLISHED_KEY,
        deps=keys,
        group_name="publish",
        kinds={"duckdb"},
        pool=POOL,
        op_tags={"dagster/priority": "-10"},
        description=(
            "The marts BI reads, copied from the working warehouse into a new DuckDB file and "
            "swapped in atomically, only when every blocking check of the run passed."
        ),
    )
    def published_warehouse(context: AssetExecutionContext) -> MaterializeResult:
        failed = failed_blocking_checks(context)
        if failed:
            raise Failure(
                description="Not published: blocking check(s) failed in this run: "
                + "; ".join(failed)
                + ". The previously published warehouse is unchanged.",
                allow_retries=False,
            )
        trigger = context.run.tags.get(TRIGGER_TAG, "manual")
        try:
            report = publish(relations, run_id=context.run.run_id, trigger=trigger)
        except PublishError as exc:
            raise Failure(description=str(exc), allow_retries=False) from exc
        context.log.info(report.summary())
        return MaterializeResult(
            metadata={
                "path": MetadataValue.path(report.path),
                "published_at": report.published_at,
                "trigger": trigger,
                "tables": len(report.row_counts),
                "row_counts": MetadataValue.json(report.row_counts),
                "removed_temp_files": MetadataValue.json(report.removed_temp_files),
            }
        )

    return published_warehouse
