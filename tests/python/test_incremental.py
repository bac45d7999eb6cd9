"""Incremental refresh of the support pipeline equals a full rebuild (docs/incremental.md).

One scenario on the demo dataset, each warehouse in its own DuckDB file:

* ``incremental``: the session's fully built demo warehouse, then the next day of
  raw data (``generate_next_day``: new tickets, activity on open tickets, late rows
  for old tickets) plus one hand-made late reply appended, then an incremental run;
* ``full``: the same raw data (demo + the new day + the late reply) rebuilt with
  ``--full-refresh``.

Every incremental model (support marts, intermediates, audits) must hold exactly
the same rows in both (EXCEPT ALL both ways); a second incremental run with no new
data must change nothing. dbt runs in its own process, selecting the support
pipeline (everything upstream of int_support__incremental_state).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from support_success.generate.increment import generate_next_day
from support_success.loader import load_folder

SUPPORT_PIPELINE = "+int_support__incremental_state"
SUPPORT_MARTS = ["fct_tickets", "fct_sla_events", "agg_support_daily", "agg_agent_daily"]

# The hand-worked late reply: comment LATE_COMMENT_ID on an old ticket that was solved
# long before the new day, dated LATE_REPLY_AFTER after the ticket's creation, i.e. before
# the ticket's first agent reply. It lands on the new day.
LATE_COMMENT_ID = "79999999"
LATE_REPLY_AFTER = dt.timedelta(minutes=10)


def _dbt(database: Path, *args: str) -> None:
    from support_success import paths
    from support_success.pipeline import dbt_args

    env = paths.dbt_env()
    env["WAREHOUSE_DUCKDB_PATH"] = str(database)
    dbt = Path(sys.executable).parent / "dbt"
    completed = subprocess.run(
        [str(dbt), *dbt_args("run", "--select", SUPPORT_PIPELINE, *args)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, f"dbt run {' '.join(args)} failed:\n{completed.stdout}"


def _incremental_models() -> list[str]:
    """schema.table of every incremental model of the project (from dbt's manifest)."""
    manifest = json.loads((Path(os.environ["DBT_TARGET_PATH"]) / "manifest.json").read_text())
    return sorted(
        f"{node['schema']}.{node['alias']}"
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"]["materialized"] == "incremental"
    )


def _differences(left: Path, right: Path, tables: list[str]) -> dict[str, str]:
    """Per table, a description of the rows only one side has (empty when identical)."""
    con = duckdb.connect()
    con.execute(f"attach '{left}' as l (read_only)")
    con.execute(f"attach '{right}' as r (read_only)")
    found = {}
    for table in tables:
        only_left = con.execute(
            f"select * from l.{table} except all select * from r.{table}"
        ).fetchall()
        only_right = con.execute(
            f"select * from r.{table} except all select * from l.{table}"
        ).fetchall()
        if only_left or only_right:
            found[table] = (
                f"{len(only_left)} row(s) only in {left.name}, {len(only_right)} only in "
                f"{right.name}; first keys: "
                f"{sorted({str(r[0]) for r in only_left + only_right})[:10]}"
            )
    con.close()
    return found


def _query(database: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _pick_solved_ticket_with_late_reply_room(database: Path, exclude: str = "") -> tuple:
    """An old solved ticket requested by an end user, first answered > 20 min after creation."""
    rows = _query(
        database,
        """
        select ticket_id, created_at, first_reply_at, first_reply_agent_id
        from marts.fct_tickets
        where status in ('solved', 'closed') and is_requested_by_end_user
            and first_reply_at > created_at + interval 20 minute
            and created_at < evaluated_at - interval 60 day
            and ticket_id not in (
                select ticket_id from intermediate.int_support__unfinished_tickets
            )
            and ticket_id <> ?
        order by ticket_id
        limit 1
        """,
        [exclude],
    )
    assert rows, "the demo data should hold an old solved ticket answered after 20 minutes"
    return rows[0]


@pytest.fixture(scope="module")
def scenario(built_warehouse, demo_raw_dir, tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("incremental")
    day_dir = root / "day1"
    counts = generate_next_day(demo_raw_dir, day_dir, seed=1)

    ticket_id, created_at, old_first_reply, old_replier = _pick_solved_ticket_with_late_reply_room(
        built_warehouse
    )
    day_start = dt.datetime.fromisoformat(counts["day"])
    late_dir = root / "late_reply"
    late_dir.mkdir()
    (late_dir / "raw_helpdesk.ticket_comments.csv").write_text(
        "comment_id,ticket_id,author_id,is_public,via,created_at,_loaded_at\n"
        f"{LATE_COMMENT_ID},{ticket_id},{old_replier},true,email,"
        f"{created_at + LATE_REPLY_AFTER},{day_start + dt.timedelta(hours=9)}\n"
    )

    incremental = root / "incremental.duckdb"
    full = root / "full.duckdb"
    shutil.copy(built_warehouse, incremental)
    shutil.copy(built_warehouse, full)
    for database in (incremental, full):
        load_folder(database, day_dir, mode="append")
        load_folder(database, late_dir, mode="append")

    _dbt(incremental)
    _dbt(full, "--full-refresh")
    after_first = root / "incremental_after_first_run.duckdb"
    shutil.copy(incremental, after_first)
    _dbt(incremental)  # again, with no new data
    return {
        "counts": counts,
        "incremental": incremental,
        "full": full,
        "after_first": after_first,
        "late": (ticket_id, created_at, old_first_reply, old_replier),
        "before": built_warehouse,
        "tables": _incremental_models(),
    }


def test_the_new_day_holds_every_kind_of_row(scenario):
    counts = scenario["counts"]
    for table in (
        "raw_helpdesk.tickets",
        "raw_helpdesk.ticket_comments",
        "raw_helpdesk.ticket_field_history",
        "raw_product.daily_usage",
    ):
        assert counts.get(table, 0) > 0, f"no new {table} rows: {counts}"


def test_the_run_was_incremental(scenario):
    recompute_all, reason, affected, with_rows = _query(
        scenario["incremental"],
        "select recompute_all, recompute_reason, affected_tickets, tickets_with_rows_in_window "
        "from intermediate.int_support__incremental_scope",
    )[0]
    assert (recompute_all, reason) == (False, None)
    in_scope = _query(scenario["incremental"], "select count(*) from marts.fct_tickets")[0][0]
    assert 0 < with_rows <= affected < in_scope / 4, (affected, in_scope)


def test_incremental_models_include_every_support_mart(scenario):
    assert {f"marts.{m}" for m in SUPPORT_MARTS} <= set(scenario["tables"])


def test_incremental_run_equals_a_full_refresh(scenario):
    differences = _differences(scenario["full"], scenario["incremental"], scenario["tables"])
    assert not differences, f"incremental != full refresh: {differences}"


def test_a_second_run_without_new_data_changes_nothing(scenario):
    differences = _differences(scenario["after_first"], scenario["incremental"], scenario["tables"])
    assert not differences, f"the second incremental run changed: {differences}"


def test_a_late_earliest_reply_moves_the_first_response_of_a_solved_ticket(scenario):
    ticket_id, created_at, old_first_reply, old_replier = scenario["late"]
    # before: answered later than the late reply; it was final (solved/closed, nothing running)
    assert old_first_reply > created_at + LATE_REPLY_AFTER
    affected = _query(
        scenario["incremental"],
        "select has_rows_in_window, was_unfinished from intermediate.int_support__affected_tickets "
        "where ticket_id = ?",
        [ticket_id],
    )
    assert affected == [(True, False)]
    for database in (scenario["incremental"], scenario["full"]):
        first_reply_at, replier, minutes, status = _query(
            database,
            "select first_reply_at, first_reply_agent_id, first_response_minutes_calendar, status "
            "from marts.fct_tickets where ticket_id = ?",
            [ticket_id],
        )[0]
        # created_at + 10 min, by the agent who answered first before: 10 calendar minutes
        assert first_reply_at == created_at + LATE_REPLY_AFTER
        assert replier == old_replier
        assert minutes == 10.0
        assert status in ("solved", "closed")
    # agg_support_daily: the first response moves from the old reply's day to the creation day
    if created_at.date() != old_first_reply.date():
        dims = _query(
            scenario["incremental"],
            "select channel, priority, coalesce(first_group_name, '(no group)'), ticket_function "
            "from marts.fct_tickets where ticket_id = ?",
            [ticket_id],
        )[0]

        def first_responses(database: Path, day: dt.date) -> int:
            rows = _query(
                database,
                "select first_responses from marts.agg_support_daily where day = ? and channel = ? "
                "and priority = ? and group_name = ? and ticket_function = ?",
                [day, *dims],
            )
            return rows[0][0] if rows else 0

        before, after = scenario["before"], scenario["incremental"]
        assert (
            first_responses(after, created_at.date())
            == first_responses(before, created_at.date()) + 1
        )
        assert (
            first_responses(after, old_first_reply.date())
            == first_responses(before, old_first_reply.date()) - 1
        )


def test_generate_next_day_is_deterministic_and_lands_on_the_new_day(demo_raw_dir, tmp_path):
    first = generate_next_day(demo_raw_dir, tmp_path / "a", seed=7)
    again = generate_next_day(demo_raw_dir, tmp_path / "b", seed=7)
    assert first == again
    day = dt.date.fromisoformat(first["day"])
    con = duckdb.connect()
    for name in (n for n in first if n != "day"):
        a = con.execute(f"select * from '{tmp_path / 'a' / name}.parquet' order by all").fetchall()
        b = con.execute(f"select * from '{tmp_path / 'b' / name}.parquet' order by all").fetchall()
        assert a == b, f"{name} differs between two runs with the same seed"
        low, high = con.execute(
            f"select min(_loaded_at), max(_loaded_at) from '{tmp_path / 'a' / name}.parquet'"
        ).fetchone()
        assert low.date() == day == high.date(), f"{name}: _loaded_at outside {day}"
    # no event is dated after the moment it was landed (it would be quarantined after_load_time)
    late = con.execute(
        f"""
        select count(*) from '{tmp_path / "a" / "raw_helpdesk.ticket_comments.parquet"}'
        where created_at > _loaded_at
        """
    ).fetchone()[0]
    assert late == 0


def test_a_backfill_older_than_the_lookback_window_is_not_missed(scenario, tmp_path):
    """A reply landed now but stamped with a _loaded_at long before the previous run's
    high-water mark minus the lookback (a backfill): the next incremental run notices rows
    before its window it had not counted, reprocesses the table and equals a full refresh."""
    base = scenario["incremental"]  # after two incremental runs: a state to compare against
    ticket_id, created_at, _, replier = _pick_solved_ticket_with_late_reply_room(
        base, exclude=scenario["late"][0]
    )
    backfill = tmp_path / "backfill"
    backfill.mkdir()
    (backfill / "raw_helpdesk.ticket_comments.csv").write_text(
        "comment_id,ticket_id,author_id,is_public,via,created_at,_loaded_at\n"
        f"79999998,{ticket_id},{replier},true,email,"
        f"{created_at + LATE_REPLY_AFTER},{created_at + dt.timedelta(hours=1)}\n"
    )
    incremental, full = tmp_path / "incremental.duckdb", tmp_path / "full.duckdb"
    for database in (incremental, full):
        shutil.copy(base, database)
        load_folder(database, backfill, mode="append")
    _dbt(incremental)
    _dbt(full, "--full-refresh")
    reason = _query(
        incremental,
        "select recompute_reason from intermediate.int_support__incremental_window "
        "where raw_table = 'ticket_comments'",
    )[0][0]
    assert reason and "backfill" in reason
    differences = _differences(full, incremental, scenario["tables"])
    assert not differences, f"incremental != full refresh after a backfill: {differences}"
    first_reply_at = _query(
        incremental, "select first_reply_at from marts.fct_tickets where ticket_id = ?", [ticket_id]
    )[0][0]
    assert first_reply_at == created_at + LATE_REPLY_AFTER
