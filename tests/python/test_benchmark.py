"""The benchmark's second implementations agree with the project.

* baseline.sql (hand-written DuckDB SQL, no dbt) reproduces fct_tickets' first response
  business minutes, fct_sla_events' status and response breach_at, and fct_mrr_monthly's MRR
  and movement on the demo data, defects included: zero differences either way.
* The week-spine reference (in its best form and as dbt_zendesk joins it) and the project's
  engine give the same business seconds, on intervals worked out by hand on the demo
  calendar (split weekends, a holiday, the US and the European DST weekends) and on random
  ones.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from support_success.benchmark import baseline, engine
from support_success.benchmark.measure import run_step


@pytest.fixture(scope="module")
def warehouse_copy(built_warehouse, tmp_path_factory) -> Path:
    # named warehouse.duckdb: DuckDB names the catalog after the file, and views use it
    target = tmp_path_factory.mktemp("bench") / "warehouse.duckdb"
    shutil.copy(built_warehouse, target)
    return target


def test_baseline_equals_marts_on_demo_data(warehouse_copy):
    con = duckdb.connect(str(warehouse_copy))
    baseline.run_baseline(con)
    diffs = {d.name: d for d in baseline.compare(con)}
    assert set(diffs) == {"first_response", "sla_status", "sla_breach_at", "mrr"}
    for d in diffs.values():
        assert d.baseline_rows > 0, d.line()
        assert d.equal, d.line() + "\n" + "\n".join(map(str, d.sample))
    # the comparison is not vacuous: every status and movement occurs on the demo data
    statuses = {
        r[0] for r in con.sql("select distinct sla_status from baseline.sla_events").fetchall()
    }
    assert {"achieved", "breached", "running"} <= statuses
    movements = {
        r[0] for r in con.sql("select distinct movement_type from baseline.mrr_monthly").fetchall()
    }
    assert movements == {"new", "expansion", "contraction", "churn", "reactivation", "unchanged"}
    con.close()


def test_compare_reports_a_difference(warehouse_copy):
    con = duckdb.connect(str(warehouse_copy))
    baseline.run_baseline(con)
    con.execute(
        "update baseline.mrr_monthly set mrr = mrr + 0.01 "
        "where (customer_id, month_start) in "
        "(select (customer_id, month_start) from baseline.mrr_monthly where mrr > 0 limit 1)"
    )
    mrr = next(d for d in baseline.compare(con) if d.name == "mrr")
    assert (mrr.only_in_baseline, mrr.only_in_marts) == (1, 1)
    assert not mrr.equal
    con.close()


# (schedule, start UTC, end UTC, business minutes worked out by hand)
HAND_WORKED = [
    # New York 09:00-17:00 (EDT, UTC-4): Fri 2024-10-11 16:30 -> Mon 10-14 09:30 local
    # = 30 min Friday + 30 min Monday
    ("sch_americas", "2024-10-11 20:30:00", "2024-10-14 13:30:00", 60),
    # Friday 17:30 -> Monday 09:30 local: nothing Friday after 17:00, 30 min Monday
    ("sch_americas", "2024-10-11 21:30:00", "2024-10-14 13:30:00", 30),
    # Berlin 08:00-18:00 (CEST, UTC+2): Wed 2024-10-02 17:00 -> Fri 10-04 09:00 local,
    # Thu 10-03 is Unity Day: 60 + 0 + 60
    ("sch_emea", "2024-10-02 15:00:00", "2024-10-04 07:00:00", 120),
    # New York, US DST ends Sun 2024-11-03: Fri 11-01 16:00 EDT (20:00 UTC) -> Mon 11-04
    # 10:00 EST (15:00 UTC): 60 + 60; a fixed EDT offset would give 180
    ("sch_americas", "2024-11-01 20:00:00", "2024-11-04 15:00:00", 120),
    # Berlin, EU DST starts Sun 2024-03-31 between Good Friday and Easter Monday (holidays):
    # Thu 03-28 17:00 CET (16:00 UTC) -> Tue 04-02 09:00 CEST (07:00 UTC): 60 + 0 + 0 + 60
    ("sch_emea", "2024-03-28 16:00:00", "2024-04-02 07:00:00", 120),
    # London split shift 07:00-11:30 + 12:30-16:00 (BST, UTC+1) on Tue 2024-06-11:
    # 11:00 -> 13:00 local = 30 + 30
    ("sch_tech", "2024-06-11 10:00:00", "2024-06-11 12:00:00", 60),
]


def _intervals(con: duckdb.DuckDBPyConnection, cases, random_count: int) -> None:
    con.execute("create schema if not exists bench")
    engine.create_intervals(con, random_count, seed=7)
    for offset, (schedule, start, end, _) in enumerate(cases):
        con.execute(
            "insert into bench.intervals values (?, ?, ?, ?)",
            [10**9 + offset, schedule, datetime.fromisoformat(start), datetime.fromisoformat(end)],
        )


def test_engine_and_week_spine_agree_with_hand_worked_intervals(warehouse_copy):
    con = duckdb.connect(str(warehouse_copy))
    con.execute("set TimeZone = 'UTC'")
    _intervals(con, HAND_WORKED, random_count=3000)
    con.execute(engine.WEEK_OF_MACRO)
    engine_result = dict(con.sql(engine.FALLBACK_ENGINE_SQL).fetchall())
    spine_result = dict(con.sql(engine.SPINE_SQL.format(intervals="bench.intervals")).fetchall())
    zendesk_result = dict(
        con.sql(engine.ZENDESK_SPINE_SQL.format(intervals="bench.intervals")).fetchall()
    )
    for offset, (schedule, start, end, minutes) in enumerate(HAND_WORKED):
        key = 10**9 + offset
        assert engine_result[key] == minutes * 60, (schedule, start, end)
        assert spine_result[key] == minutes * 60, (schedule, start, end)
        assert zendesk_result[key] == minutes * 60, (schedule, start, end)
    assert len(engine_result) == len(spine_result) == 3000 + len(HAND_WORKED)
    assert engine_result == spine_result == zendesk_result
    # intervals without any working time (nights, weekends) count 0, not their length
    assert sum(1 for v in engine_result.values() if v == 0) > 100
    con.execute("drop schema bench cascade")
    con.close()


def test_run_step_measures_the_child_alone(tmp_path):
    # a child that holds ~200 MiB: its own peak is measured, not the parent's
    step = run_step(
        "allocate",
        [
            shutil.which("python3") or "python3",
            "-c",
            "b = bytearray(200 * 2**20); print('BENCHMARK_RESULT {\"held\": 200}')",
        ],
    )
    assert step.status == "ok"
    assert step.detail == {"held": 200}
    assert 200 * 2**20 <= step.peak_rss_bytes < 400 * 2**20
    failing = run_step("fail", [shutil.which("python3") or "python3", "-c", "raise SystemExit(3)"])
    assert (failing.status, failing.returncode) == ("failed", 3)
