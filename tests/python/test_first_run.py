"""A new user's first run, the documented way, with default settings (issue: quality gates).

``tests/fixtures/first_run/`` is a hand-made dataset in the raw contract: twelve tickets,
five customers, and the dirt the contract promises to handle (a stale re-sync of C5, a
negative quantity on I8, an orphan comment M13, a NULL ``created_at`` on T12, a merged
ticket T10, a ticket T13 dated 2099 and landed with a ``_loaded_at`` of 2099), plus a README
in the folder and invoices for one customer only. It must
load, build **and publish**, with every dirty row in quarantine with its reason.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from cli_runner import FIRST_RUN, run_warehouse

FIXTURE = FIRST_RUN


def _warehouse(home: Path, *args: str) -> subprocess.CompletedProcess:
    return run_warehouse(home, *args)


def _rows(database: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def first_run(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("first-run-home")
    loaded = _warehouse(home, "load", str(FIXTURE))
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    assert "skipped (not a .csv or .parquet data file): README.md" in loaded.stdout
    built = _warehouse(home, "build")
    assert built.returncode == 0, built.stdout[-4000:] + built.stderr[-4000:]
    assert "Traceback" not in built.stdout + built.stderr
    return home


def test_dirty_hand_made_dataset_builds_and_publishes_with_default_settings(first_run):
    published = first_run / "published" / "warehouse.duckdb"
    assert published.exists()
    # Ten tickets in the facts: T10 is merged into T9 and T12 has no created_at.
    assert _rows(published, "select count(*) from marts.fct_tickets") == [(10,)]
    assert _rows(published, "select count(*) from marts.dim_customers") == [(5,)]


def test_every_dirty_row_is_in_quarantine_with_its_reason(first_run):
    working = first_run / "warehouse.duckdb"
    found = set()
    for (table,) in _rows(
        working,
        "select table_name from information_schema.tables "
        "where table_schema = 'quarantine' and table_name like 'quarantine_%'",
    ):
        columns = [
            c
            for (c,) in _rows(
                working,
                f"select column_name from information_schema.columns where table_name = '{table}'",
            )
        ]
        key = "record_key" if "record_key" in columns else columns[0]
        reason = "quarantine_reason" if "quarantine_reason" in columns else "exclusion_reason"
        if reason not in columns:
            continue
        found |= set(_rows(working, f"select {key}, {reason} from quarantine.{table}"))
    assert ("C5", "duplicate_resync") in found
    assert ("I8", "negative_quantity") in found
    assert ("M13", "orphan_ticket") in found
    assert ("T12", "null_required_value") in found
    # Dated 2099 and landed "in 2099": impossible whatever _loaded_at claims.
    assert ("T13", "after_load_time") in found
    assert ("M14", "orphan_ticket") in found


def test_invoices_for_one_customer_only_warn(first_run):
    results = _rows(
        first_run / "warehouse.duckdb",
        "select severity, success from quality.validation_results "
        "where expectation = 'mrr_reconciles_with_paid_invoices'",
    )
    assert results and all(severity == "warning" for severity, _ in results)


def test_a_dataset_without_sla_policies_publishes_its_other_marts(tmp_path):
    folder = tmp_path / "raw"
    shutil.copytree(FIXTURE, folder)
    (folder / "raw_helpdesk.sla_policies.csv").unlink()
    loaded = _warehouse(tmp_path, "load", str(folder))
    assert loaded.returncode == 0, loaded.stderr
    assert "a build will lack SLA events and attainment" in loaded.stdout
    built = _warehouse(tmp_path, "build")
    assert built.returncode == 0, built.stdout[-4000:]
    published = tmp_path / "published" / "warehouse.duckdb"
    assert _rows(published, "select count(*) from marts.fct_sla_events") == [(0,)]
    assert _rows(published, "select count(*) from marts.fct_tickets") == [(10,)]
    summary = _warehouse(tmp_path, "summary")
    assert summary.returncode == 0, summary.stderr
    assert "a build will lack SLA events and attainment" in summary.stdout


def test_a_tickets_file_missing_a_column_is_refused_and_publication_is_unchanged(
    first_run, tmp_path
):
    published = first_run / "published" / "warehouse.duckdb"
    before = published.stat().st_mtime_ns
    folder = tmp_path / "raw"
    shutil.copytree(FIXTURE, folder)
    tickets = folder / "raw_helpdesk.tickets.csv"
    lines = tickets.read_text().splitlines()
    tickets.write_text("\n".join(",".join(line.split(",")[:-6]) for line in lines) + "\n")
    loaded = _warehouse(first_run, "load", str(folder))
    assert loaded.returncode == 1
    assert "raw_helpdesk.tickets.csv: missing required column(s)" in loaded.stderr
    assert "Traceback" not in loaded.stderr
    assert published.stat().st_mtime_ns == before


def test_one_evaluation_instant_with_helpdesk_data_newer_than_billing(first_run):
    published = first_run / "published" / "warehouse.duckdb"
    working = first_run / "warehouse.duckdb"
    # The newest event of the three domains is the NPS answer of 20 March 10:00; billing's
    # newest is a seat change on 10 March. Every mart evaluates at 20 March 10:00.
    assert _rows(working, "select evaluated_at from intermediate.int_evaluation_instant") == [
        (datetime(2026, 3, 20, 10, 0),)
    ]
    # Tickets of the last 90 days per customer = the tickets listed for that customer
    # (T10 is merged into T9, T12 has no created_at): C1 T1 T2 T11, C2 T3 T4, C3 T5 T6,
    # C4 T7 T8, C5 T9.
    counts = dict(_rows(published, "select customer_id, tickets_90d from marts.customer_360"))
    assert counts == {"C1": 3, "C2": 2, "C3": 2, "C4": 2, "C5": 1}
    listed = dict(
        _rows(
            published,
            "select account_id, count(*) from marts.fct_tickets "
            "where created_at > timestamp '2026-03-20 10:00:00' - interval 90 day "
            "and created_at <= timestamp '2026-03-20 10:00:00' group by account_id",
        )
    )
    assert listed == counts
    # The current month of the success marts is the instant's month.
    assert _rows(published, "select max(month_start) from marts.fct_mrr_monthly") == [
        (date(2026, 3, 1),)
    ]


def test_bi_gets_company_names_and_agent_and_group_dimensions(first_run):
    published = first_run / "published" / "warehouse.duckdb"
    names = dict(_rows(published, "select customer_id, customer_name from marts.customer_360"))
    # C5's stale re-sync carried an old name; the newest landing wins.
    assert names == {
        "C1": "Acme GmbH",
        "C2": "Globex Inc",
        "C3": "Initech LLC",
        "C4": "Umbrella Ltd",
        "C5": "Hooli Corp",
    }
    assert _rows(published, "select agent_id, display_name from marts.dim_agents order by 1") == [
        ("A1", "Alice Agent"),
        ("A2", "Arno Agent"),
    ]
    assert _rows(published, "select group_name, tier, schedule_timezone from marts.dim_groups") == [
        ("support", 1, "Europe/Berlin")
    ]
    # People's names never reach the marts: no column of any published table holds one.
    for (column,) in _rows(
        published, "select column_name from information_schema.columns where table_schema = 'marts'"
    ):
        assert column not in ("name", "email", "requester_name")


def test_the_published_quarantine_summary_accounts_for_every_landed_row(first_run):
    published = first_run / "published" / "warehouse.duckdb"
    working = first_run / "warehouse.duckdb"
    summary = dict(
        ((schema, table), rows)
        for schema, table, rows in _rows(
            published,
            "select raw_schema, raw_table, sum(row_count) from marts.quarantine_summary "
            "group by all",
        )
    )
    for (schema, table), rows in summary.items():
        assert _rows(working, f"select count(*) from {schema}.{table}") == [(rows,)], table
    reasons = set(
        _rows(
            published,
            "select raw_table, reason from marts.quarantine_summary where disposition <> 'staged'",
        )
    )
    assert reasons >= {
        ("customers", "duplicate_resync"),
        ("subscription_items", "negative_quantity"),
        ("ticket_comments", "orphan_ticket"),
        ("tickets", "null_required_value"),
        ("tickets", "after_load_time"),
    }


def test_zz_a_raw_table_emptied_since_the_last_run_builds_but_is_not_published(first_run):
    """Write, audit, publish: a raw error never stops dbt, it withholds publication.

    (Named zz so it runs last: it changes the module's working warehouse.)"""
    published = first_run / "published" / "warehouse.duckdb"
    before = published.stat().st_mtime_ns
    con = duckdb.connect(str(first_run / "warehouse.duckdb"))
    try:
        con.execute("delete from raw_helpdesk.ticket_comments")
    finally:
        con.close()
    built = _warehouse(first_run, "build")
    assert built.returncode == 1
    assert "NOT published" in built.stdout
    assert "gx_raw__helpdesk__ticket_comments" in built.stdout
    assert "Traceback" not in built.stdout + built.stderr
    # dbt ran: the working warehouse shows what went wrong (no comments, no replies)...
    assert _rows(
        first_run / "warehouse.duckdb",
        "select count(*) from marts.fct_tickets where agent_replies > 0",
    ) == [(0,)]
    # ...and BI still reads the last good publication.
    assert published.stat().st_mtime_ns == before
    assert _rows(published, "select count(*) from marts.fct_tickets where agent_replies > 0") != [
        (0,)
    ]


def _files(folder: Path) -> dict[str, float]:
    if not folder.exists():
        return {}
    return {str(p): p.stat().st_mtime for p in folder.rglob("*") if p.is_file()}


def test_dbt_mf_warehouse_and_the_dashboard_read_the_private_home(first_run, monkeypatch, tmp_path):
    """With only WAREHOUSE_HOME set, every tool reads that home's warehouse (10 tickets here)
    and the default home (.warehouse in the repository) is left untouched."""
    import csv
    import json
    import os
    import sys

    from support_success import paths
    from support_success.dashboard import data

    default_home = paths.PROJECT_DIR / ".warehouse"
    before = _files(default_home)
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("WAREHOUSE_", "DBT_", "DAGSTER_"))
    }
    env.update(WAREHOUSE_HOME=str(first_run), DBT_LOG_PATH=str(tmp_path / "logs"))
    bin_dir = Path(sys.executable).parent
    shown = subprocess.run(
        [
            str(bin_dir / "dbt"), "show", "--inline", "select count(*) as n from marts.fct_tickets",
            "--project-dir", str(paths.PROJECT_DIR), "--profiles-dir", str(paths.PROJECT_DIR),
            "--target-path", str(tmp_path / "target"), "--output", "json", "--log-format", "json",
        ],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stdout[-3000:]
    previews = [
        json.loads(json.loads(line)["data"]["preview"])
        for line in shown.stdout.splitlines()
        if '"preview"' in line
    ]
    assert previews and previews[0] == [{"n": 10}]
    out = tmp_path / "mf.csv"
    queried = subprocess.run(
        [str(bin_dir / "mf"), "query", "--metrics", "tickets", "--csv", str(out), "--quiet"],
        cwd=paths.PROJECT_DIR, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert queried.returncode == 0, queried.stdout[-3000:] + queried.stderr[-3000:]
    assert [row["tickets"] for row in csv.DictReader(out.open())] == ["10"]
    summary = _warehouse(first_run, "summary")
    assert summary.returncode == 0
    assert str(first_run / "published" / "warehouse.duckdb") in summary.stdout
    assert "tickets (excluding deleted and merged)       10" in summary.stdout
    monkeypatch.setenv("WAREHOUSE_HOME", str(first_run))
    for name in ("WAREHOUSE_DUCKDB_PATH", "WAREHOUSE_PUBLISHED_DIR"):
        monkeypatch.delenv(name, raising=False)
    assert data.published_database() == (first_run / "published" / "warehouse.duckdb").resolve()
    everything = data.Filters(date(2000, 1, 1), date(2100, 1, 1))
    assert data.support_headline(data.published_database(), everything).tickets_created == 10
    assert _files(default_home) == before, "the default home was touched"
