"""The semantic layer (MetricFlow) and the dbt docs on the built demo warehouse.

* ``mf validate-configs`` passes, including its checks against the warehouse.
* ``mf query`` answers what the marts say. The expected values are computed here from the
  marts with plain SQL, by a different route than the metric definitions: the support
  metrics are defined on the ticket and SLA facts and checked against the numerators and
  denominators agg_support_daily stores; the revenue metrics are defined on the
  customer-month fact and checked against agg_retention_monthly.
* The manifest describes every model, column, seed, metric and exposure.

mf is started a few times only (each start costs seconds): one query per domain asks for
every metric at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from orchestration.publish import publish
from orchestration.published_asset import published_nodes, relation_of
from support_success import paths

MF = Path(sys.executable).parent / "mf"

SUPPORT_METRICS = [
    "tickets",
    "tickets_solved",
    "backlog",
    "first_response_time_median",
    "sla_first_response_attainment",
    "sla_next_response_attainment",
    "sla_resolution_attainment",
    "sla_agent_work_attainment",
    "sla_periodic_update_attainment",
    "sla_pausable_update_attainment",
    "one_touch_rate",
    "escalation_rate",
    "reopen_rate",
    "csat",
    "ces",
    "nps",
]

SUCCESS_METRICS = [
    "mrr",
    "mrr_opening",
    "mrr_new",
    "mrr_reactivation",
    "mrr_expansion",
    "mrr_contraction",
    "mrr_churn",
    "mrr_net_change",
    "mrr_fx",
    "paying_customers",
    "nrr",
    "grr",
    "logo_retention",
    "logo_churn_rate",
    "revenue_churn_rate",
    "quick_ratio",
    "arpa",
    "nrr_12m",
    "grr_12m",
]


BRIDGE = ["mrr", "mrr_opening", "mrr_net_change", "mrr_fx", "mrr_new", "customers_churned"]

# Every mf run of the module: name -> mf arguments. They run in parallel, once.
MF_RUNS: dict[str, list[str]] = {
    "validate": ["validate-configs"],
    "support_by_month": ["--metrics", [*SUPPORT_METRICS, "sla_attainment"], "metric_time__month"],
    "sla_by_metric": ["--metrics", ["sla_attainment", "sla_measured"], "sla_event__metric"],
    "sla_all_time": ["--metrics", ["sla_attainment"], ""],
    "success_by_month": ["--metrics", SUCCESS_METRICS, "metric_time__month"],
    "bridge_by_quarter": ["--metrics", BRIDGE, "metric_time__quarter"],
    "revenue_by_segment": ["--metrics", ["mrr", "nrr"], "metric_time__month,customer__segment"],
    # the same metrics on the published warehouse (profiles.yml target `published`, read-only)
    "published_by_month": ["--metrics", ["tickets", "sla_attainment", "mrr"], "metric_time__month"],
}
ON_PUBLISHED = {"published_by_month"}


@dataclass
class MfRun:
    command: list[str]
    returncode: int
    output: str
    rows: list[dict[str, str]]

    def ok(self) -> MfRun:
        assert self.returncode == 0, f"{' '.join(self.command)} failed:\n{self.output}"
        return self


def _mf_command(name: str, out_csv: Path) -> list[str]:
    spec = MF_RUNS[name]
    if spec[0] != "--metrics":
        return [str(MF), *spec]
    _, metrics, group_by = spec
    command = [str(MF), "query", "--metrics", ",".join(metrics), "--csv", str(out_csv), "--quiet"]
    return command + (["--group-by", group_by] if group_by else [])


@pytest.fixture(scope="module")
def mf_runs(built_warehouse, tmp_path_factory) -> dict[str, MfRun]:
    """Every ``mf`` command of this module, run once, in parallel, on the demo warehouse.

    mf reads ``<project>/target/semantic_manifest.json`` whatever ``DBT_TARGET_PATH`` says,
    so it runs in a folder holding the project file and a ``target`` link to the session's
    dbt target (written by the ``dbt build`` of ``built_warehouse``). mf opens the DuckDB
    file read-write (dbt-duckdb), so each run gets its own copy, under the same file name:
    the manifest names the DuckDB catalog after it.
    """
    root = tmp_path_factory.mktemp("semantic_layer")
    project = root / "project"
    project.mkdir()
    (project / "dbt_project.yml").symlink_to(paths.PROJECT_DIR / "dbt_project.yml")
    (project / "target").symlink_to(Path(os.environ["DBT_TARGET_PATH"]).resolve())
    assert (project / "target" / "semantic_manifest.json").exists(), (
        "dbt wrote no semantic manifest"
    )
    started = {}
    for name in MF_RUNS:
        database = root / name / built_warehouse.name
        database.parent.mkdir()
        shutil.copy(built_warehouse, database)
        env = dict(os.environ)
        env.update(
            DBT_PROFILES_DIR=str(paths.PROJECT_DIR),
            WAREHOUSE_DUCKDB_PATH=str(database),
            DBT_LOG_PATH=str(root / name / "logs"),
        )
        if name in ON_PUBLISHED:  # published as a refresh publishes it; mf reads only that
            manifest = json.loads((project / "target" / "manifest.json").read_text())
            publish(
                [relation_of(node) for node in published_nodes(manifest)],
                run_id="semantic-layer-test",
                trigger="test",
                working=database,
                published_dir=root / name / "published",
            )
            database.unlink()
            env.update(
                WAREHOUSE_TARGET="published", WAREHOUSE_PUBLISHED_DIR=str(root / name / "published")
            )
        command = _mf_command(name, root / name / "result.csv")
        process = subprocess.Popen(
            command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip
        started[name] = (command, process)
    runs = {}
    for name, (command, process) in started.items():
        output, _ = process.communicate(timeout=600)
        result = root / name / "result.csv"
        rows = list(csv.DictReader(result.open(newline=""))) if result.exists() else []
        runs[name] = MfRun(command, process.returncode, output, rows)
    return runs


def as_number(text: str | None) -> float | None:
    return None if text in (None, "") else float(text)


def month_of(text: str) -> dt.date:
    return dt.date.fromisoformat(text[:10])


def assert_close(actual: float | None, expected, what: str, tolerance: float = 1e-6) -> None:
    if expected is None:
        assert actual is None, f"{what}: mf says {actual}, the marts say NULL"
        return
    assert actual is not None, f"{what}: mf says NULL, the marts say {expected}"
    assert math.isclose(actual, float(expected), rel_tol=tolerance, abs_tol=tolerance), (
        f"{what}: mf says {actual}, the marts say {expected}"
    )


def marts(built_warehouse: Path, sql: str) -> dict:
    """Rows of ``sql`` keyed by their first column."""
    con = duckdb.connect(str(built_warehouse), read_only=True)
    try:
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description]
        return {row[0]: dict(zip(columns, row, strict=True)) for row in cursor.fetchall()}
    finally:
        con.close()


def test_mf_validate_configs_passes_semantic_and_warehouse_checks(mf_runs):
    output = mf_runs["validate"].ok().output
    assert "Successfully validated the semantics of built manifest (ERRORS: 0" in output
    assert "Successfully validated semantic models against data warehouse (ERRORS: 0" in output
    assert "Successfully validated metrics against data warehouse (ERRORS: 0" in output


def test_support_metrics_by_month_match_the_marts(mf_runs, built_warehouse):
    rows = mf_runs["support_by_month"].ok().rows
    got = {month_of(r["metric_time__month"]): r for r in rows}
    # Rates as ratios of the daily numerators and denominators agg_support_daily stores.
    expected = marts(
        built_warehouse,
        """
        with monthly as (
            select
                cast(date_trunc('month', day) as date) as month,
                sum(tickets_created) as tickets,
                sum(tickets_solved) as tickets_solved,
                sum(sla_first_response_achieved) / nullif(sum(sla_first_response_measured), 0)
                    as sla_first_response_attainment,
                sum(sla_next_response_achieved) / nullif(sum(sla_next_response_measured), 0)
                    as sla_next_response_attainment,
                sum(sla_resolution_achieved) / nullif(sum(sla_resolution_measured), 0)
                    as sla_resolution_attainment,
                sum(sla_agent_work_achieved) / nullif(sum(sla_agent_work_measured), 0)
                    as sla_agent_work_attainment,
                sum(sla_periodic_update_achieved) / nullif(sum(sla_periodic_update_measured), 0)
                    as sla_periodic_update_attainment,
                sum(sla_pausable_update_achieved) / nullif(sum(sla_pausable_update_measured), 0)
                    as sla_pausable_update_attainment,
                -- every SLA metric, weighted by its clocks
                (sum(sla_first_response_achieved) + sum(sla_next_response_achieved)
                    + sum(sla_resolution_achieved) + sum(sla_agent_work_achieved)
                    + sum(sla_periodic_update_achieved) + sum(sla_pausable_update_achieved))
                / nullif(sum(sla_first_response_measured) + sum(sla_next_response_measured)
                    + sum(sla_resolution_measured) + sum(sla_agent_work_measured)
                    + sum(sla_periodic_update_measured) + sum(sla_pausable_update_measured), 0)
                    as sla_attainment,
                sum(one_touch_tickets) / nullif(sum(tickets_solved), 0) as one_touch_rate,
                sum(escalated_tickets) / nullif(sum(tickets_created), 0) as escalation_rate,
                sum(reopened_tickets) / nullif(sum(tickets_solved), 0) as reopen_rate,
                sum(csat_satisfied_responses) / nullif(sum(csat_responses), 0) as csat,
                sum(ces_score_sum) / nullif(sum(ces_responses), 0) as ces,
                100.0 * (sum(nps_promoters) - sum(nps_detractors)) / nullif(sum(nps_responses), 0)
                    as nps,
                max(day) as last_day
            from marts.agg_support_daily
            group by 1
        ),
        backlog as (
            select day, sum(backlog_end_of_day) as backlog from marts.agg_support_daily group by 1
        ),
        first_response as (
            select
                cast(date_trunc('month', first_reply_at) as date) as month,
                median(first_response_minutes_business) as first_response_time_median
            from marts.fct_tickets
            where first_response_minutes_business is not null
            group by 1
        )
        select monthly.*, backlog.backlog, first_response.first_response_time_median
        from monthly
        inner join backlog on backlog.day = monthly.last_day
        left join first_response using (month)
        """,
    )
    assert len(expected) > 12, "the demo data should span more than a year"
    assert set(got) == set(expected)
    for month, want in expected.items():
        for metric in [*SUPPORT_METRICS, "sla_attainment"]:
            assert_close(as_number(got[month][metric]), want[metric], f"{metric} in {month}")


def test_sla_attainment_per_metric_over_all_time_is_a_ratio_of_sums(mf_runs, built_warehouse):
    rows = mf_runs["sla_by_metric"].ok().rows
    got = {r["sla_event__metric"]: r for r in rows}
    expected = marts(
        built_warehouse,
        """
        select
            metric,
            count(*) filter (where sla_status = 'achieved')
                / count(*) filter (where sla_status in ('achieved', 'breached', 'running_breached'))
                as sla_attainment,
            count(*) filter (where sla_status in ('achieved', 'breached', 'running_breached'))
                as sla_measured
        from marts.fct_sla_events
        group by 1
        """,
    )
    assert set(expected) == {
        "first_response",
        "next_response",
        "resolution",
        "agent_work",
        "periodic_update",
        "pausable_update",
    }
    for metric, want in expected.items():
        assert_close(as_number(got[metric]["sla_attainment"]), want["sla_attainment"], metric)
        assert as_number(got[metric]["sla_measured"]) == want["sla_measured"]
    # The all-metrics figure is not the mean of the six: it weights them by their clocks.
    mean_of_three = sum(w["sla_attainment"] for w in expected.values()) / len(expected)
    weighted = sum(w["sla_attainment"] * w["sla_measured"] for w in expected.values()) / sum(
        w["sla_measured"] for w in expected.values()
    )
    (overall,) = mf_runs["sla_all_time"].ok().rows
    assert_close(as_number(overall["sla_attainment"]), weighted, "all SLA metrics, all time")
    assert not math.isclose(weighted, mean_of_three, rel_tol=1e-9)


def test_success_metrics_by_month_match_agg_retention_monthly(mf_runs, built_warehouse):
    rows = mf_runs["success_by_month"].ok().rows
    got = {month_of(r["metric_time__month"]): r for r in rows}
    expected = marts(
        built_warehouse,
        """
        select
            month_start, mrr_closing as mrr, mrr_opening, mrr_new, mrr_reactivation,
            mrr_expansion, mrr_contraction, mrr_churn,
            mrr_closing - mrr_opening - mrr_fx as mrr_net_change,
            mrr_fx,
            customers_closing as paying_customers,
            nrr_1m as nrr, grr_1m as grr, logo_retention_1m as logo_retention,
            logo_churn_rate, revenue_churn_rate, quick_ratio, arpa, nrr_12m, grr_12m
        from marts.agg_retention_monthly
        where segment = 'all'
        """,
    )
    assert len(expected) > 12
    assert set(got) == set(expected)
    money = {"mrr", "mrr_opening", "mrr_new", "mrr_reactivation", "mrr_expansion",
             "mrr_contraction", "mrr_churn", "mrr_net_change", "mrr_fx", "arpa"}  # fmt: skip
    latest = max(expected)
    assert float(expected[latest]["mrr"]) > 0 and expected[latest]["nrr_12m"] is not None
    for month, want in expected.items():
        for metric in SUCCESS_METRICS:
            # Money to the cent (ARPA is rounded to the cent in the mart); the mart keeps
            # ratios to six decimals.
            tolerance = 0.006 if metric in money else 1e-6
            assert_close(
                as_number(got[month][metric]), want[metric], f"{metric} in {month}", tolerance
            )


def test_mrr_is_a_snapshot_and_the_bridge_closes_over_quarters(mf_runs, built_warehouse):
    rows = mf_runs["bridge_by_quarter"].ok().rows
    monthly = marts(
        built_warehouse,
        """
        select month_start, mrr_closing, mrr_opening, mrr_new, customers_churned
        from marts.agg_retention_monthly where segment = 'all'
        """,
    )
    assert len(rows) >= 4
    for row in rows:
        start = month_of(row["metric_time__quarter"])
        months = sorted(m for m in monthly if m >= start and m < _add_months(start, 3))
        # MRR is the quarter's last month's, opening MRR its first month's; flows add up.
        assert_close(as_number(row["mrr"]), monthly[months[-1]]["mrr_closing"], "mrr", 0.006)
        assert_close(
            as_number(row["mrr_opening"]), monthly[months[0]]["mrr_opening"], "opening", 0.006
        )
        assert_close(
            as_number(row["mrr_new"]), sum(monthly[m]["mrr_new"] for m in months), "new", 0.006
        )
        assert as_number(row["customers_churned"]) == sum(
            monthly[m]["customers_churned"] for m in months
        )
        # opening + net new + FX = closing (currency moves are not movements)
        assert_close(
            as_number(row["mrr_opening"])
            + as_number(row["mrr_net_change"])
            + as_number(row["mrr_fx"]),
            as_number(row["mrr"]),
            f"bridge of the quarter starting {start}",
            0.006,
        )


def test_revenue_splits_by_customer_segment_like_the_mart(mf_runs, built_warehouse):
    rows = mf_runs["revenue_by_segment"].ok().rows
    got = {(month_of(r["metric_time__month"]), r["customer__segment"]): r for r in rows}
    expected = marts(
        built_warehouse,
        """
        select month_start || '|' || segment, month_start, segment, mrr_closing, nrr_1m
        from marts.agg_retention_monthly
        where segment <> 'all'
            and month_start = (select max(month_start) from marts.fct_mrr_monthly)
        """,
    )
    assert len(expected) >= 2
    for want in expected.values():
        row = got[(want["month_start"], want["segment"])]
        assert_close(as_number(row["mrr"]), want["mrr_closing"], want["segment"], 0.006)
        assert_close(as_number(row["nrr"]), want["nrr_1m"], want["segment"])


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def test_manifest_describes_every_model_column_seed_metric_and_exposure(built_warehouse):
    """Every model and seed, every column they have in the warehouse (not only the ones their
    YAML lists), every source, metric, semantic model and exposure has a description, and
    every metric points at its definition in the spec."""
    manifest = json.loads((Path(os.environ["DBT_TARGET_PATH"]) / "manifest.json").read_text())
    con = duckdb.connect(str(built_warehouse), read_only=True)
    try:
        built_columns: dict[tuple[str, str], list[str]] = {}
        for schema, table, column in con.execute(
            "select table_schema, table_name, column_name from information_schema.columns"
        ).fetchall():
            built_columns.setdefault((schema, table), []).append(column)
    finally:
        con.close()
    missing: list[str] = []
    for node in manifest["nodes"].values():
        if node["resource_type"] not in ("model", "seed"):
            continue
        name = node["name"]
        if not node.get("description", "").strip():
            missing.append(f"{node['resource_type']} {name}")
        described = {
            column_name.lower()
            for column_name, column in node.get("columns", {}).items()
            if column.get("description", "").strip()
        }
        relation = (node["schema"], node.get("alias") or name)
        if node["config"].get("materialized") != "ephemeral":
            assert relation in built_columns, f"{name} is not in the built warehouse"
        for column_name in built_columns.get(relation, []):
            if column_name.lower() not in described:
                missing.append(f"column {name}.{column_name}")
    for kind in ("sources", "metrics", "semantic_models", "exposures"):
        for item in manifest.get(kind, {}).values():
            if not item.get("description", "").strip():
                missing.append(f"{kind[:-1]} {item['name']}")
    for source in manifest["sources"].values():
        for column_name, column in source.get("columns", {}).items():
            if not column.get("description", "").strip():
                missing.append(f"column {source['source_name']}.{source['name']}.{column_name}")
    for metric in manifest["metrics"].values():
        meta = metric.get("meta") or metric.get("config", {}).get("meta") or {}
        if "shared/spec/metrics.md" not in str(meta.get("definition", "")):
            missing.append(f"metric {metric['name']}: no meta.definition in shared/spec/metrics.md")
    assert not missing, "undocumented:\n  " + "\n  ".join(sorted(missing))
    assert len(manifest["metrics"]) >= 40
    dashboards = {e["name"]: e for e in manifest["exposures"].values() if e["type"] == "dashboard"}
    assert set(dashboards) >= {"support_dashboard", "success_dashboard", "customer_360_dashboard"}
    for exposure in dashboards.values():
        assert exposure["url"].startswith("http://localhost:8501/")
        assert exposure["depends_on"]["nodes"], f"{exposure['name']} depends on no model"


def test_warehouse_docs_writes_one_self_contained_page(built_warehouse, tmp_path):
    from support_success.cli import main

    out = tmp_path / "site" / "index.html"
    assert main(["docs", "--out", str(out)]) == 0
    page = out.read_text()
    # The manifest and the catalog are inlined: metrics, exposures and column types read
    # from the warehouse are in the page itself, so it opens from disk without a server.
    for expected in ("sla_first_response_attainment", "support_dashboard", "time_spine_daily"):
        assert expected in page
    assert '"catalog"' in page or "catalog" in page.lower()
    assert "DECIMAL(18,2)" in page.upper()


def test_warehouse_docs_explains_a_missing_warehouse(monkeypatch, tmp_path, capsys):
    from support_success.cli import main

    monkeypatch.setenv("WAREHOUSE_DUCKDB_PATH", str(tmp_path / "nothing.duckdb"))
    assert main(["docs", "--out", str(tmp_path / "index.html")]) == 1
    assert "No warehouse at" in capsys.readouterr().err
    assert not (tmp_path / "index.html").exists()


def test_mf_queries_the_published_warehouse_read_only(mf_runs):
    """Target `published`: the same numbers as the working warehouse, from the published file
    alone (the working copy of that run was deleted before mf started)."""
    published = {
        month_of(r["metric_time__month"]): r for r in mf_runs["published_by_month"].ok().rows
    }
    support = {month_of(r["metric_time__month"]): r for r in mf_runs["support_by_month"].ok().rows}
    success = {month_of(r["metric_time__month"]): r for r in mf_runs["success_by_month"].ok().rows}
    assert published, "mf returned no row from the published warehouse"
    compared = 0
    for month, row in published.items():
        for metric, source in (("tickets", support), ("sla_attainment", support), ("mrr", success)):
            if month in source:  # each working run returns the months its metrics have
                expected = as_number(source[month][metric])
                assert_close(as_number(row[metric]), expected, f"{metric} {month} (published)")
                compared += 1
    assert compared >= 2 * len(published), f"only {compared} values compared"
