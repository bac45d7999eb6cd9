"""The raw tables as Dagster assets, produced by one "load raw files" step.

The 17 tables of the raw contract (``support_success/contract.py``) are the
upstream of every dbt source; their keys are the dbt sources' keys
(``raw_helpdesk/tickets``), so the graph links without extra wiring. Each carries
the freshness its dbt source declares (``loaded_at_field: _loaded_at``).

Loading moves the drop out of the inbox before it loads it, so a file is never
loaded twice and a run killed half-way leaves its files where the next load
finds them (``_loading/``), with no manual step.
"""

import os
import shutil
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    Config,
    Failure,
    MaterializeResult,
    MetadataValue,
    multi_asset,
)

from orchestration.translator import freshness_policy_for_source
from support_success import contract, paths

LOAD_ASSET_NAME = "load_raw_files"
POOL = "duckdb_warehouse"


def raw_asset_key(table: contract.Table) -> AssetKey:
    return AssetKey([table.schema, table.name])


RAW_ASSET_KEYS: tuple[AssetKey, ...] = tuple(raw_asset_key(t) for t in contract.TABLES)


def source_props_by_key(manifest: Mapping[str, Any]) -> dict[AssetKey, Mapping[str, Any]]:
    """The dbt source nodes of the manifest, by raw asset key."""
    return {
        AssetKey([props["source_name"], props["name"]]): props
        for props in manifest.get("sources", {}).values()
    }


def raw_asset_specs(manifest: Mapping[str, Any]) -> list[AssetSpec]:
    """One spec per contract table, with the freshness and description of its dbt source."""
    sources = source_props_by_key(manifest)
    specs = []
    for table in contract.TABLES:
        key = raw_asset_key(table)
        props = sources.get(key, {})
        specs.append(
            AssetSpec(
                key=key,
                description=props.get("description")
                or f"Raw {table.qualified_name}: {table.grain}.",
                group_name=table.schema,
                kinds={"duckdb"},
                freshness_policy=freshness_policy_for_source(props) if props else None,
                metadata={
                    "grain": table.grain,
                    "key": ", ".join(table.key) or "(none)",
                    "dagster/table_name": table.qualified_name,
                },
            )
        )
    return specs


class LoadRawFilesConfig(Config):
    """What to load. By default: every data file waiting in the inbox, appended."""

    folder: str = ""  # default: $WAREHOUSE_INBOX_DIR
    files: list[str] = []  # file names in ``folder``; empty = every data file there
    mode: str = "append"  # "append" (incremental drop) or "replace" (a full dataset)
    archive: bool = True  # move loaded files to <folder>/_loaded/<run id>/


def data_files(folder: Path) -> list[Path]:
    """Files in ``folder`` the loader would read (``_`` and ``.`` names are not data)."""
    from support_success.loader import FILE_PATTERN

    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(("_", ".")) and FILE_PATTERN.match(p.name)
    )


def claim_files(folder: Path, names: list[str], run_id: str) -> Path:
    """Move the drop into ``<folder>/_loading/<run id>/`` (atomic renames) and return it.

    Leftovers of a killed run in ``_loading/`` are merged in first, so they are loaded now.
    """
    batch = folder / "_loading" / run_id
    batch.mkdir(parents=True, exist_ok=True)
    for leftover in sorted((folder / "_loading").iterdir()):
        if leftover == batch or not leftover.is_dir():
            continue
        for path in data_files(leftover):
            target = batch / path.name
            if not target.exists():
                os.replace(path, target)
        shutil.rmtree(leftover, ignore_errors=True)
    wanted = set(names) if names else {p.name for p in data_files(folder)}
    for path in data_files(folder):
        if path.name in wanted and not (batch / path.name).exists():
            os.replace(path, batch / path.name)
    return batch


def build_load_raw_files(manifest: Mapping[str, Any]):
    @multi_asset(
        name=LOAD_ASSET_NAME,
        specs=raw_asset_specs(manifest),
        description=(
            "Validate and load a drop of raw files (<schema>.<table>.csv|parquet) into the "
            "raw schemas of the working warehouse, in one transaction."
        ),
        pool=POOL,
        op_tags={"dagster/priority": "10"},
    )
    def load_raw_files(
        context: AssetExecutionContext, config: LoadRawFilesConfig
    ) -> Iterator[MaterializeResult]:
        from support_success.loader import LoadError, load_folder

        if config.mode not in ("append", "replace"):
            raise Failure(
                f"mode must be 'append' or 'replace', not {config.mode!r}", allow_retries=False
            )
        folder = Path(config.folder) if config.folder else paths.inbox_dir()
        if config.archive:
            source = claim_files(folder, list(config.files), context.run.run_id)
        else:
            source = folder
        database = paths.working_database()
        started = time.monotonic()
        try:
            report = load_folder(database, source, mode=config.mode)
        except LoadError as exc:
            if config.archive:
                rejected = folder / "_rejected" / context.run.run_id
                rejected.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, rejected)
                where = f"The files were moved to {rejected}."
            else:
                where = ""
            raise Failure(
                description=f"{exc}\n{where}",
                metadata={"problems": MetadataValue.md("\n".join(f"- {p}" for p in exc.problems))},
                allow_retries=False,
            ) from exc
        if config.archive:
            done = folder / "_loaded" / context.run.run_id
            done.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, done)
        context.log.info(report.summary())
        for table in contract.TABLES:
            name = table.qualified_name
            yield MaterializeResult(
                asset_key=raw_asset_key(table),
                metadata={
                    "rows_loaded": report.loaded.get(name, 0),
                    "mode": config.mode,
                    "from_file": name in report.loaded,
                    "seconds": round(time.monotonic() - started, 2),
                },
            )

    return load_raw_files
