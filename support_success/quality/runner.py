"""Run suites against a DuckDB warehouse through GX's pandas datasource.

One ephemeral GX context per process (nothing is written to disk by GX); one pandas
dataframe asset whose batches are DuckDB result sets. See checks.py for the frames and
chunks.py for how big tables are read in partitions.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd

from support_success import paths
from support_success.quality import chunks
from support_success.quality.checks import COLUMNS, ROWS, SCHEMA, Check, FrameContext, Suite
from support_success.quality.results import CheckResult, SuiteResult, _jsonable, read_history
from support_success.quality.settings import Settings, load_settings

log = logging.getLogger(__name__)
SAMPLE_SIZE = 10


# ------------------------------------------------------------------------------- GX context
@lru_cache(maxsize=1)
def _batch_definition():
    import great_expectations as gx
    import great_expectations.execution_engine.pandas_execution_engine as pandas_engine
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # GX fingerprints every in-memory batch under 1 GB with an md5 of
    # pandas.util.hash_pandas_object (a batch marker, never read by validation). On a
    # 500k-row chunk that is most of the time spent (~6 s of ~7 s), so it is turned off.
    pandas_engine.HASH_THRESHOLD = 0
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    asset = context.data_sources.add_pandas("duckdb_result_sets").add_dataframe_asset("frame")
    return asset.add_batch_definition_whole_dataframe("whole_frame")


def _validate(df: pd.DataFrame, expectations: list, parameters: dict):
    """Validate ``df`` against ``expectations``; returns the ExpectationValidationResults."""
    import great_expectations as gx

    batch_definition = _batch_definition()  # creates the context GX needs before a suite
    suite = gx.ExpectationSuite(name="frame")
    for position, e in enumerate(expectations):
        copy = e.copy(deep=True)
        copy.meta = {**(copy.meta or {}), "position": position}
        suite.add_expectation(copy)
    # SUMMARY gives counts and the row labels of up to SAMPLE_SIZE failing rows; the
    # caller reads those rows from its own frame (cheaper than GX's index columns).
    result_format = {"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_SIZE}
    batch = batch_definition.get_batch(batch_parameters={"dataframe": df})
    results = batch.validate(
        suite, result_format=result_format, expectation_parameters=parameters
    ).results
    # GX does not keep the suite's order in its results: match them up by position.
    by_position = {r.expectation_config.meta["position"]: r for r in results}
    return [by_position[i] for i in range(len(expectations))]


# ------------------------------------------------------------------------------ suite lookup
def _suites(settings: Settings | None = None) -> dict[str, Suite]:
    from support_success.quality.suites import SUITES, build_suites

    return {s.name: s for s in (build_suites(settings) if settings else SUITES)}


def _split_target(target: str) -> tuple[str, str]:
    kind, _, name = target.partition(":")
    if kind not in ("source", "model") or not name:
        raise ValueError(f"target {target!r} is not 'source:<schema>.<table>' or 'model:<name>'")
    return kind, name


def _marts_schema() -> str:
    import os

    return os.environ.get("WAREHOUSE_SCHEMA_PREFIX", "") + "marts"


def resolve_relation(con: duckdb.DuckDBPyConnection, target: str) -> tuple[str, str] | None:
    """(schema, table) of a target in the warehouse, or None when it is not there."""
    if ":" not in target:
        target = f"source:{target}" if "." in target else f"model:{target}"
    kind, name = _split_target(target)
    if kind == "source":
        schema, _, table = name.partition(".")
        return (schema, table) if chunks.relation_columns(con, schema, table) else None
    rows = con.execute(
        "select table_schema from information_schema.tables where table_name = ? "
        "order by table_schema = ? desc, table_schema",
        [name, _marts_schema()],
    ).fetchall()
    return (rows[0][0], name) if rows else None


def _relation_sql(schema: str, table: str) -> str:
    return f"{chunks.quote(schema)}.{chunks.quote(table)}"


def _unquote(relation: str) -> tuple[str, str]:
    schema, table = relation.split('"."')
    return schema.strip('"').replace('""', '"'), table.strip('"').replace('""', '"')


# ---------------------------------------------------------------------------- aggregation
@dataclass
class _Tally:
    """Counts of one row-wise rule over all chunks."""

    element_count: int = 0
    missing_count: int = 0
    unexpected_count: int = 0
    has_missing: bool = False
    sample: list = field(default_factory=list)
    error: str | None = None

    def add(self, result, df: pd.DataFrame, show: list[str]) -> None:
        """Add one chunk's result; ``show`` are the columns a sample row is shown with
        (the key, then the checked columns), read from ``df`` at GX's failing row labels."""
        if result.exception_info and result.exception_info.get("raised_exception"):
            self.error = str(result.exception_info.get("exception_message"))[:300]
            return
        r = result.result or {}
        self.element_count += int(r.get("element_count") or 0)
        if "missing_count" in r:
            self.has_missing = True
            self.missing_count += int(r.get("missing_count") or 0)
        self.unexpected_count += int(r.get("unexpected_count") or 0)
        room = SAMPLE_SIZE - len(self.sample)
        if room <= 0:
            return
        labels = list(r.get("partial_unexpected_index_list") or [])[:room]
        if labels and not isinstance(labels[0], dict):
            rows = df.loc[labels, show]
            self.sample += [
                {c: _jsonable(None if pd.isna(v) else v) for c, v in row.items()}
                for row in rows.to_dict("records")
            ]
        else:
            self.sample += [
                _jsonable(v) for v in list(r.get("partial_unexpected_list") or [])[:room]
            ]

    @property
    def considered(self) -> int:
        return self.element_count - self.missing_count if self.has_missing else self.element_count


def _rule_key(check: Check) -> str:
    kwargs = {
        k: v
        for k, v in check.expectation.configuration.kwargs.items()
        if k not in ("mostly", "batch_id")
    }
    return check.expectation_type + json.dumps(kwargs, sort_keys=True, default=str)


def _without_mostly(check: Check):
    kwargs = {
        k: v
        for k, v in check.expectation.configuration.kwargs.items()
        if k not in ("mostly", "batch_id")
    }
    return type(check.expectation)(**kwargs)


def _show(value) -> str:
    value = _jsonable(value)
    if value is None:
        return "NULL"
    return repr(value) if isinstance(value, str) else json.dumps(value, default=str)


def _sample_text(sample: list, key: tuple[str, ...] = ()) -> str:
    """'; e.g. T-9: NULL, T-30: 'fax'' - the failing rows' key, then the checked values."""
    if not sample:
        return ""
    shown = []
    for item in sample[:5]:
        if isinstance(item, dict) and key and all(k in item for k in key):
            ident = "/".join(str(item[k]) for k in key)
            values = {c: _show(v) for c, v in item.items() if c not in key}
            if len(values) > 1:
                shown.append(f"{ident}: " + ", ".join(f"{c}={v}" for c, v in values.items()))
            else:
                shown.append(f"{ident}: {next(iter(values.values()))}" if values else ident)
        elif isinstance(item, dict):
            shown.append(", ".join(f"{c}={_show(v)}" for c, v in item.items()))
        else:
            shown.append(_show(item))
    return "; e.g. " + "; ".join(shown)


def _row_message(
    check: Check, relation: str, tally: _Tally, success: bool, key: tuple[str, ...]
) -> str:
    if tally.error:
        return f"{check.rule}: could not be evaluated on {relation} ({tally.error})"
    considered, bad = tally.considered, tally.unexpected_count
    allowed = 1.0 - check.mostly
    if not bad:
        return f"{check.rule}: all {considered:,} rows of {relation} pass"
    share = bad / considered if considered else 0.0
    verdict = "above" if not success else "within"
    if success and share > allowed + 1e-12 and bad < check.min_rows:
        verdict = f"fewer than the {check.min_rows:,} rows needed to reach"
    return (
        f"{check.rule}: {bad:,} of {considered:,} rows of {relation} break it ({share:.2%}), "
        f"{verdict} the {check.severity} threshold of {allowed:.2%}"
        f"{_sample_text(tally.sample, key)}"
    )


def _frame_message(
    check: Check, relation: str, result, frame: str, df: pd.DataFrame
) -> tuple[str, list, float | None]:
    r = result.result or {}
    if result.exception_info and result.exception_info.get("raised_exception"):
        msg = str(result.exception_info.get("exception_message"))[:300]
        return f"{check.rule}: could not be evaluated on {relation} ({msg})", [], None
    details = r.get("details") or {}
    missing = (details.get("mismatched") or {}).get("missing")
    observed = r.get("observed_value")
    if missing:
        return (
            f"{check.rule}: {relation} lacks column(s) {', '.join(missing)}",
            list(missing),
            None,
        )
    if "unexpected_count" in r:
        labels = list(r.get("partial_unexpected_index_list") or [])[:SAMPLE_SIZE]
        if labels and not isinstance(labels[0], dict):
            sample = [
                {c: _jsonable(None if _isna(v) else v) for c, v in row.items()}
                for row in df.loc[labels].to_dict("records")
            ]
        else:
            sample = [_jsonable(v) for v in r.get("partial_unexpected_list") or []]
        bad, n = r.get("unexpected_count") or 0, r.get("element_count") or 0
        first = sample[0] if sample and isinstance(sample[0], dict) else {}
        value = first.get(check.expectation.configuration.kwargs.get("column"))
        value = float(value) if isinstance(value, int | float) and len(df) == 1 else None
        if not bad:
            return f"{check.rule}: all {n:,} {frame} rows pass", [], value
        if check.explain and first:
            try:
                return f"{check.rule}: {check.explain.format(**first)}", sample, value
            except (KeyError, ValueError, TypeError):
                pass
        return (
            f"{check.rule}: {bad:,} of {n:,} {frame} rows of {relation} break it"
            f"{_sample_text(sample)}",
            sample,
            value,
        )
    value = observed if isinstance(observed, int | float) else None
    state = "holds" if result.success else "fails"
    return f"{check.rule}: {state} on {relation} (observed {observed!r})", [], value


def _isna(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


# ---------------------------------------------------------------------------------- running
def run_suite(
    suite_name: str,
    database_path: str | Path | None = None,
    *,
    connect: chunks.Connect | None = None,
    settings: Settings | None = None,
    now: dt.datetime | None = None,
) -> SuiteResult:
    """Validate one suite against the warehouse (read-only); never raises on bad data.

    ``database_path`` defaults to ``$WAREHOUSE_DUCKDB_PATH``; ``connect`` (a factory of
    connections) wins over it. ``now`` (naive UTC) is the validation instant.
    """
    suites = _suites(settings)
    if suite_name not in suites:
        raise KeyError(f"unknown suite {suite_name!r}; known: {', '.join(sorted(suites))}")
    suite = suites[suite_name]
    settings = settings or load_settings()
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    connect = connect or chunks.read_only_connect(database_path or paths.working_database())
    started = time.perf_counter()
    result = SuiteResult(suite.name, suite.target, suite.description, run_at=now)
    con = connect()
    try:
        _run(con, suite, settings, now, result)
    finally:
        con.close()
    result.duration_seconds = time.perf_counter() - started
    return result


def _run(con, suite: Suite, settings: Settings, now: dt.datetime, result: SuiteResult) -> None:
    located = resolve_relation(con, suite.target)
    if located is None:
        result.skipped_reason = f"relation missing ({suite.target} is not in the warehouse)"
        return
    schema, table = located
    relation = _relation_sql(schema, table)
    shown = f"{schema}.{table}"
    columns = chunks.relation_columns(con, schema, table) or {}
    row_count = con.execute(f"select count(*) from {relation}").fetchone()[0]
    result.row_count = row_count
    parameters = {
        "latest_allowed_instant": now + dt.timedelta(minutes=settings.future_tolerance_minutes)
    }

    def relation_of(target: str) -> str | None:
        found = resolve_relation(con, target)
        return _relation_sql(*found) if found else None

    ctx = FrameContext(
        relation=relation,
        settings=settings,
        now=now,
        relation_of=relation_of,
        history=lambda s, c: read_history(con, s, c, settings.volume_history_runs),
        columns=columns,
    )
    outcomes: dict[int, CheckResult] = {}

    def skip(check: Check, reason: str) -> None:
        outcomes[id(check)] = CheckResult(
            check.name,
            check.rule,
            check.severity,
            check.expectation_type,
            check.column,
            success=True,
            skipped=True,
            message=f"skipped: {reason}",
        )

    # Checks whose columns are missing are skipped: the structural check names the gap.
    runnable: list[Check] = []
    for check in suite.checks:
        lacking = [c for c in check.columns if c not in columns]
        if lacking:
            skip(check, f"column(s) {', '.join(lacking)} missing from {shown}")
        else:
            runnable.append(check)

    by_frame: dict[str, list[Check]] = {}
    for check in runnable:
        by_frame.setdefault(check.frame, []).append(check)

    for frame_name, checks in by_frame.items():
        if frame_name == ROWS:
            _run_rows(
                con,
                suite,
                relation,
                shown,
                row_count,
                checks,
                settings,
                parameters,
                outcomes,
                now,
            )
            continue
        if frame_name == COLUMNS:
            df = pd.DataFrame(columns=list(columns))
        elif frame_name == SCHEMA:
            landed = [n for n in columns if n in suite.expected_types]
            df = pd.DataFrame(
                {
                    "column_and_type": [f"{n} {columns[n]}" for n in landed],
                    "column_name": landed,
                    "landed_type": [columns[n] for n in landed],
                    "contract_type": [suite.expected_types[n] for n in landed],
                }
            )
        else:
            frame = suite.frames[frame_name]
            missing = [r for r in frame.relations if relation_of(r) is None]
            if missing:
                for check in checks:
                    skip(check, f"relation missing ({', '.join(missing)})")
                continue
            try:
                sql = frame.sql(ctx)
            except Exception as exc:  # a frame that cannot be built is reported, not raised
                sql, error = None, f"frame {frame_name} could not be built: {exc}"
            else:
                error = None if sql is not None else frame.skip_reason(ctx)
            if sql is None:
                for check in checks:
                    skip(check, error)
                continue
            try:
                df = con.execute(sql).df()
            except duckdb.Error as exc:
                first = str(exc).strip().splitlines()[0]
                for check in checks:
                    outcomes[id(check)] = CheckResult(
                        check.name,
                        check.rule,
                        check.severity,
                        check.expectation_type,
                        check.column,
                        success=False,
                        message=f"{check.rule}: frame {frame_name} failed in the warehouse "
                        f"({first})",
                    )
                continue
        results = _validate(df, [c.expectation for c in checks], parameters)
        for check, res in zip(checks, results, strict=True):
            message, sample, observed = _frame_message(check, shown, res, frame_name, df)
            r = res.result or {}
            element_count, unexpected_count = r.get("element_count"), r.get("unexpected_count")
            if check.counts and len(df) == 1 and not _isna(df[check.counts[0]].iloc[0]):
                bad, checked = check.counts
                unexpected_count = int(df[bad].iloc[0])
                element_count = int(df[checked].iloc[0])
            success = bool(res.success)
            if not success and check.min_rows and unexpected_count is not None:
                success = int(unexpected_count) < check.min_rows  # too few rows to judge
            outcomes[id(check)] = CheckResult(
                check.name,
                check.rule,
                check.severity,
                check.expectation_type,
                check.column,
                success=success,
                element_count=element_count,
                unexpected_count=unexpected_count,
                observed_value=observed,
                message=message,
                sample=sample,
            )
    # The volume check records the row count even when skipped, so the next run has history.
    for check in suite.checks:
        if check.name == "volume_vs_recent_validations" and id(check) in outcomes:
            outcomes[id(check)].observed_value = float(row_count)
    result.checks = [outcomes[id(c)] for c in suite.checks]


def _run_rows(con, suite, relation, shown, row_count, checks, settings, parameters, outcomes, now):
    groups: dict[str, list[Check]] = {}
    for check in checks:
        groups.setdefault(_rule_key(check), []).append(check)
    protos = [_without_mostly(group[0]) for group in groups.values()]
    tallies = [_Tally() for _ in groups]
    # Partition on the key (exact uniqueness per partition); a relation lacking a key column
    # is partitioned on DuckDB's rowid instead (no uniqueness check reads such a relation).
    columns = chunks.relation_columns(con, *_unquote(relation)) or {}
    has_key = bool(suite.key) and all(k in columns for k in suite.key)
    key = suite.key if has_key else ("rowid",)
    shown_key = suite.key if has_key else ()
    needed: list[str] = list(shown_key)
    for check in checks:
        for column in check.columns:
            if column not in needed:
                needed.append(column)
    show = {
        rule: list(dict.fromkeys([*shown_key, *group[0].columns])) for rule, group in groups.items()
    }
    now_sql = f"cast('{now:%Y-%m-%d %H:%M:%S}' as timestamp)"
    expressions = tuple(
        dict.fromkeys((a, sql.format(now=now_sql)) for c in checks for a, sql in c.derived)
    )
    try:
        for df in chunks.iter_partitions(
            con, relation, needed, key, row_count, settings.chunk_rows, expressions
        ):
            if df.empty:
                continue
            results = _validate(df, protos, parameters)
            for tally, res, rule in zip(tallies, results, groups, strict=True):
                tally.add(res, df, show[rule])
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0]
        for tally in tallies:
            tally.error = f"rows could not be read: {first}"
    for tally, group in zip(tallies, groups.values(), strict=True):
        for check in group:
            considered = tally.considered
            if tally.error:
                success = False
            elif considered == 0:
                success = True
            else:
                success = (
                    considered - tally.unexpected_count
                ) / considered >= check.mostly - 1e-12 or tally.unexpected_count < check.min_rows
            outcomes[id(check)] = CheckResult(
                check.name,
                check.rule,
                check.severity,
                check.expectation_type,
                check.column,
                success=success,
                element_count=considered,
                unexpected_count=tally.unexpected_count,
                observed_value=(tally.unexpected_count / considered) if considered else 0.0,
                message=_row_message(check, shown, tally, success, shown_key),
                sample=list(tally.sample),
            )


def run_all(
    database_path: str | Path | None = None,
    targets: Iterable[str] | None = None,
    *,
    connect: chunks.Connect | None = None,
    settings: Settings | None = None,
    now: dt.datetime | None = None,
    layer: str | None = None,
) -> list[SuiteResult]:
    """Run every suite (or those guarding ``targets``, or of one ``layer``: raw/mart)."""
    wanted = set(targets) if targets is not None else None
    settings = settings or load_settings()
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    out = []
    for suite in _suites(settings).values():
        if wanted is not None and suite.target not in wanted and suite.name not in wanted:
            continue
        if layer and suite.layer != layer:
            continue
        out.append(
            run_suite(suite.name, database_path, connect=connect, settings=settings, now=now)
        )
    return out
