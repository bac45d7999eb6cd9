"""Asset checks that are not dbt tests: Great Expectations suites and raw-data freshness.

* Each Great Expectations suite of ``support_success.quality`` becomes an asset
  check on the asset it guards (``source:raw_helpdesk.tickets`` -> the raw asset,
  ``model:fct_tickets`` -> the dbt model's asset). Mart suites with blocking
  expectations are blocking checks; raw suites never are (dbt always builds the
  working warehouse), and their ERROR results withhold publication instead.
  Suites only read the warehouse, and the jobs run on the in-process executor,
  so a suite never runs while dbt holds the write lock.
* ``raw_freshness`` checks ``max(_loaded_at)`` of every raw table against the
  ``warn_after`` / ``error_after`` its dbt source declares, measured from the
  newest load of any raw table (so a historical dataset is not stale; warning
  only: stale data is worth knowing about, not a reason to withhold a refresh).

Every suite's result is also recorded as it finishes: appended to
``quality.validation_results`` in the working warehouse (one short write
connection; the jobs run one step at a time) and written to the Data Docs
folder, whose index lists every suite the run has validated so far.
"""

import contextlib
import importlib
import os
import warnings
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import duckdb
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    MetadataValue,
    asset_check,
    multi_asset_check,
)

from orchestration.failures import CheckFailure
from orchestration.raw_assets import POOL, RAW_ASSET_KEYS, source_props_by_key
from orchestration.translator import source_freshness_windows
from support_success import contract, paths
from support_success.quality.suites.raw import STREAM_TABLES, newest_event_sql

QUALITY_MODULE = "support_success.quality"
# Set to "off" to leave the Great Expectations suites out (fast local iterations, probe tests).
GX_SWITCH_ENV = "WAREHOUSE_GX_CHECKS"


def load_quality_suites() -> tuple[list[Any], Any]:
    """``(SUITES, run_suite)`` from the data-quality package, or ``([], None)`` without it."""
    if os.environ.get(GX_SWITCH_ENV, "on").lower() in ("off", "0", "false", "no"):
        return [], None
    try:
        module = importlib.import_module(QUALITY_MODULE)
    except ImportError:
        return [], None
    return list(getattr(module, "SUITES", [])), getattr(module, "run_suite", None)


# Results of the suites validated so far in this process, per run: the Data Docs index
# lists them all (jobs run on the in-process executor, so one run is one process).
_RESULTS_BY_RUN: dict[str, list[Any]] = {}


def record_quality_result(context: AssetCheckExecutionContext, result: Any) -> None:
    """Append ``result`` to the results table and refresh the Data Docs of this run.

    Recording is bookkeeping: when it fails (say, another process holds the
    warehouse's write lock) the check's own verdict stands and a warning is logged.
    """
    from support_success.quality import SuiteResult, append_results, write_data_docs

    if not isinstance(result, SuiteResult):
        return  # not a result of this project's suites (a test's stand-in): nothing to record
    run_results = _RESULTS_BY_RUN.setdefault(context.run.run_id, [])
    run_results.append(result)
    try:
        append_results([result], paths.working_database(), run_id=context.run.run_id)
        index = write_data_docs(run_results)
        context.log.info(f"Data Docs: {index}")
    except Exception as exc:  # noqa: BLE001 - never let bookkeeping decide a check
        context.log.warning(f"could not record the result of {result.suite}: {exc}")


def target_asset_key(target: str, model_keys: Mapping[str, AssetKey]) -> AssetKey | None:
    """``source:<schema>.<table>`` or ``model:<name>`` -> the asset the suite guards.

    None when the target is not (yet) in the project: a suite for a mart that is not
    built yet must not stop the whole code location from loading.
    """
    kind, _, name = target.partition(":")
    if kind == "source":
        schema, _, table = name.partition(".")
        key = AssetKey([schema, table])
        return key if key in RAW_ASSET_KEYS else None
    if kind == "model":
        return model_keys.get(name)
    return None


def _check_name(suite_name: str) -> str:
    return "gx_" + "".join(c if c.isalnum() or c == "_" else "_" for c in suite_name)


def gx_failures(result: Any, asset: str) -> list[CheckFailure]:
    return [
        CheckFailure(
            check=str(f.get("expectation", "?")),
            asset=asset + (f" column {f['column']}" if f.get("column") else ""),
            message=str(f.get("message", "")),
            sample=list(f.get("sample") or [])[:5],
        )
        for f in getattr(result, "blocking_failures", []) or []
    ]


def build_quality_checks(model_keys: Mapping[str, AssetKey]) -> list:
    """One asset check per Great Expectations suite (none when the package is absent)."""
    suites, run_suite = load_quality_suites()
    if run_suite is None:
        return []
    checks = []
    for suite in suites:
        key = target_asset_key(suite.target, model_keys)
        if key is None:
            warnings.warn(
                f"Great Expectations suite {suite.name!r}: target {suite.target!r} is not an "
                "asset of this project (expected source:<schema>.<table> of the raw contract "
                "or model:<dbt model name>); the suite is not wired as an asset check.",
                stacklevel=2,
            )
            continue
        checks.append(_quality_check(suite, key, run_suite))
    return checks


def _quality_check(suite: Any, key: AssetKey, run_suite: Any):
    # Write, audit, publish: a raw suite never stops dbt (the working warehouse is always
    # built, so a user can look at what went wrong); its ERROR result withholds publication
    # (the publish step reads every check of the run). Mart suites block what is downstream.
    blocking = bool(getattr(suite, "blocking", None)) and getattr(suite, "layer", "") != "raw"

    @asset_check(
        asset=key,
        name=_check_name(suite.name),
        description=f"Great Expectations suite '{suite.name}' on {suite.target}.",
        blocking=blocking,
        pool=POOL,
        metadata={"suite": suite.name, "target": suite.target},
    )
    def quality_check(context: AssetCheckExecutionContext) -> AssetCheckResult:
        result = run_suite(suite.name, paths.working_database())
        record_quality_result(context, result)
        metadata = dict(result.to_metadata())
        failures = gx_failures(result, key.to_user_string())
        if failures:
            report = "\n".join(f.describe() for f in failures)
            context.log.error(report)
            metadata["failures"] = MetadataValue.md("```\n" + report + "\n```")
        warnings = list(getattr(result, "warnings", []) or [])
        if not result.success:
            return AssetCheckResult(
                passed=False, severity=AssetCheckSeverity.ERROR, metadata=metadata
            )
        if warnings:
            return AssetCheckResult(
                passed=False, severity=AssetCheckSeverity.WARN, metadata=metadata
            )
        return AssetCheckResult(passed=True, metadata=metadata)

    return quality_check


def build_raw_freshness_checks(manifest: Mapping[str, Any]):
    """One non-blocking check per raw table: how old is its newest ``_loaded_at``?"""
    sources = source_props_by_key(manifest)
    windows = {key: source_freshness_windows(sources.get(key, {})) for key in RAW_ASSET_KEYS}
    specs = [
        AssetCheckSpec(
            name="raw_freshness",
            asset=key,
            description=(
                "Age of the newest _loaded_at against the dbt source freshness "
                f"(warn after {windows[key][0]}, error after {windows[key][1]})."
            ),
        )
        for key in RAW_ASSET_KEYS
    ]

    @multi_asset_check(specs=specs, name="raw_freshness", can_subset=True, pool=POOL)
    def raw_freshness(context: AssetCheckExecutionContext) -> Iterator[AssetCheckResult]:
        now = datetime.now(UTC).replace(tzinfo=None)
        database = paths.working_database()
        con = duckdb.connect(str(database), read_only=True) if database.exists() else None
        try:
            # Newest _loaded_at of every raw table, read once. Age is measured against the
            # data's own newest load (never later than now): a historical dataset is not
            # stale; a table that stopped loading while others went on is.
            newest_by_key = {}
            for raw_key in RAW_ASSET_KEYS:
                raw_table = contract.table(".".join(raw_key.path))
                newest_by_key[raw_key] = None
                if con is not None:
                    with contextlib.suppress(duckdb.Error):  # a missing table: no load
                        newest_by_key[raw_key] = con.execute(
                            f"select max({contract.LOADED_AT}) "
                            f'from {raw_table.schema}."{raw_table.name}"'
                        ).fetchone()[0]
            # the data's own "now": the newest event of a stream table no later than its load
            events = []
            if con is not None:
                for name in sorted(STREAM_TABLES):
                    raw_table = contract.table(name)
                    with contextlib.suppress(duckdb.Error):  # a missing table: no event
                        events.append(
                            con.execute(
                                newest_event_sql(f'{raw_table.schema}."{raw_table.name}"', name)
                            ).fetchone()[0]
                        )
            events = [value for value in events if value is not None]
            loads = [value for value in newest_by_key.values() if value is not None]
            reference = min(now, max(events or loads)) if (events or loads) else now
            for check_key in context.selected_asset_check_keys:
                key = check_key.asset_key
                newest = newest_by_key.get(key)
                warn_after, error_after = windows[key]
                if ".".join(key.path) not in STREAM_TABLES:
                    # reference tables (groups, plans, policies...) change rarely: not judged
                    yield AssetCheckResult(
                        asset_key=key,
                        check_name="raw_freshness",
                        passed=True,
                        metadata={"state": "reference table: freshness not judged"},
                    )
                    continue
                if newest is None:
                    yield AssetCheckResult(
                        asset_key=key,
                        check_name="raw_freshness",
                        passed=False,
                        severity=AssetCheckSeverity.WARN,
                        metadata={"newest_loaded_at": "none: the table is empty or missing"},
                    )
                    continue
                age = reference - newest
                stale_error = error_after is not None and age > error_after
                stale_warn = warn_after is not None and age > warn_after
                yield AssetCheckResult(
                    asset_key=key,
                    check_name="raw_freshness",
                    passed=not (stale_error or stale_warn),
                    severity=AssetCheckSeverity.WARN,
                    metadata={
                        "newest_loaded_at": newest.isoformat(),
                        "age_hours": round(age.total_seconds() / 3600, 1),
                        "state": "error" if stale_error else "warn" if stale_warn else "fresh",
                    },
                )
        finally:
            if con is not None:
                con.close()

    return raw_freshness
