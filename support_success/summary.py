"""The short printed summary that ends `make run`: headline numbers and where to look next.

It reads the published warehouse (what BI sees) when there is one, else the
working warehouse, through a read-only connection.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from support_success import paths

# (label, SQL returning one value, format of the value). Every mart lives in schema `marts`.
HEADLINES: list[tuple[str, str, str]] = [
    ("tickets (excluding deleted and merged)", "select count(*) from marts.fct_tickets", ",d"),
    (
        "SLA attainment (all metrics)",
        "select sum(case when sla_status = 'achieved' then 1 else 0 end)::double"
        " / nullif(sum(case when sla_status in ('achieved', 'breached', 'running_breached')"
        " then 1 else 0 end), 0) from marts.fct_sla_events",
        ".1%",
    ),
    (
        "median first response (business minutes)",
        "select median(first_response_minutes_business) from marts.fct_tickets",
        ",.0f",
    ),
    (
        "MRR, latest month (reporting currency)",
        "select sum(mrr) from marts.fct_mrr_monthly"
        " where month_start = (select max(month_start) from marts.fct_mrr_monthly)",
        ",.2f",
    ),
    (
        "NRR, latest month vs. the month before",
        "select nrr_1m from marts.agg_retention_monthly where segment = 'all'"
        " and month_start = (select max(month_start) from marts.agg_retention_monthly)",
        ".1%",
    ),
    (
        "NRR, trailing twelve months",
        "select nrr_12m from marts.agg_retention_monthly where segment = 'all'"
        " and month_start = (select max(month_start) from marts.agg_retention_monthly)",
        ".1%",
    ),
]


def _database_to_read(database: Path | None) -> Path:
    if database is not None:
        return database
    published = paths.published_database()
    return published if published.exists() else paths.working_database()


def headline_numbers(database: Path) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    con = duckdb.connect(str(database), read_only=True)
    try:
        for label, sql, fmt in HEADLINES:
            try:
                value = con.execute(sql).fetchone()[0]
            except duckdb.CatalogException:
                rows.append((label, "not built"))
                continue
            rows.append((label, "n/a" if value is None else format(value, fmt)))
    finally:
        con.close()
    return rows


def missing_data() -> list[str]:
    """What the marts lack because raw tables are empty (from the working warehouse's raw
    schemas; nothing when it is missing or a refresh holds it)."""
    from support_success.loader import missing_notes

    working = paths.working_database()
    if not working.exists():
        return []
    try:
        con = duckdb.connect(str(working), read_only=True)
    except duckdb.Error:
        return []
    try:
        return missing_notes(con)
    finally:
        con.close()


def _docs_site_line() -> str:
    """Where the dbt docs site is (models, columns, metrics, lineage), or how to build it."""
    from support_success.docs_site import docs_site_path

    page = docs_site_path()
    return str(page) if page.exists() else f"{page} (build it: .venv/bin/warehouse docs)"


def print_summary(database: Path | None = None) -> None:
    source = _database_to_read(database)
    print()
    print(f"Headline numbers from {source}")
    for label, value in headline_numbers(source):
        print(f"  {label:<44} {value}")
    lacking = missing_data()
    if lacking:
        print()
        print("Missing data (empty raw tables; README, 'Point it at your own data'):")
        for note in lacking:
            print(f"  {note}")
    print()
    print("Where to look next:")
    print(f"  BI tools:     point them at {paths.published_database()} (read-only)")
    print(f"  Dagster UI:   make dagster (instance {paths.dagster_home()})")
    print("                then http://127.0.0.1:3000 (asset graph, checks, schedules)")
    print(f"  data quality: {paths.warehouse_home() / 'data_docs' / 'index.html'}")
    print(f"  docs site:    {_docs_site_line()}")
    print("  dashboard:    make dashboard, then http://127.0.0.1:8501")
    print("  metrics:      .venv/bin/mf list metrics (semantic layer; README, 'Metrics and docs')")
    print("  definitions:  docs/DECISIONLOG.md and ../shared/spec/metrics.md")
