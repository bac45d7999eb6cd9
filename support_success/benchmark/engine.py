"""Benchmark of the business-time engine alone, against the per-week spine method.

Both methods answer "business seconds of schedule S between instants a and b" for N random
intervals on the real business calendar of a built warehouse
(``intermediate.int_support__business_calendar``: several schedules and time zones, holidays,
DST changes, schedule versions).

* **engine**: the project's engine exactly as the dbt models run it. The SQL is rendered from
  the macros in ``macros/business_time/`` with ``dbt compile --inline`` (two ASOF lookups and
  ``cum(b) − cum(a)``: O(1) per interval after the calendar join). If dbt cannot compile (no
  project, no profile), the same expression is written out here and the report says so.
* **week spine** (the method of Fivetran's dbt_zendesk ``int_zendesk__reply_time_business_hours``
  and friends): explode each interval into the weeks it spans, join each week to the
  schedule's working intervals of that week, intersect, sum. dbt_zendesk does not model
  holidays and DST inside the weekly template: it splits the schedule into validity periods
  at every DST change and holiday, i.e. a weekly template per period. The reference does the
  equivalent with the least work: the weekly template of each schedule × week is taken from
  the same calendar (so holidays, DST and versions are resolved the same way) and the method
  is what differs. It works in seconds, so answers must be equal to the second.

Intervals: random schedule, a start uniform over the calendar's ticket range, whole seconds,
and a length drawn like ticket waits: 50 % under a day, 35 % one to seven days, 15 % one to
eight weeks (the share of multi-week intervals drives the spine's cost: each week is a row).

``python -m support_success.benchmark.engine DATABASE --intervals N [--spine-sample M]``
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from support_success import paths
from support_success.benchmark.measure import report

INLINE_ENGINE_SQL = """
select i.interval_id,
    {{ business_seconds_at('cal_end', 'i.ended_at') }}
        - {{ business_seconds_at('cal_start', 'i.started_at') }} as business_seconds
from bench.intervals as i
{{ business_calendar_lookup('cal_start', 'i.schedule_id', 'i.started_at') }}
{{ business_calendar_lookup('cal_end', 'i.schedule_id', 'i.ended_at') }}
"""

# The macro expansion for DuckDB, written out (used only when dbt cannot compile).
FALLBACK_ENGINE_SQL = """
select i.interval_id,
    (case when (i.ended_at) is not null then cal_end.cumulative_seconds_before + least(
        greatest(date_diff('second', cal_end.interval_start_at, i.ended_at), 0),
        cal_end.interval_seconds) end)
    - (case when (i.started_at) is not null then cal_start.cumulative_seconds_before + least(
        greatest(date_diff('second', cal_start.interval_start_at, i.started_at), 0),
        cal_start.interval_seconds) end) as business_seconds
from bench.intervals as i
asof left join intermediate.int_support__business_calendar as cal_start
    on cal_start.schedule_id = i.schedule_id and i.started_at >= cal_start.interval_start_at
asof left join intermediate.int_support__business_calendar as cal_end
    on cal_end.schedule_id = i.schedule_id and i.ended_at >= cal_end.interval_start_at
"""

# Week numbers count Mondays 00:00 UTC since 1970-01-05 (a Monday).
WEEK_OF_MACRO = """
create or replace macro week_of(t) as
    cast(floor(date_diff('second', timestamp '1970-01-05', t) / 604800) as bigint)
"""

SPINE_SQL = """
with weekly_template as (
    -- each schedule's working intervals, cut at week boundaries, keyed by week
    select c.schedule_id, w.week_number,
        greatest(c.interval_start_at, w.week_start) as start_at,
        least(c.interval_end_at, w.week_start + interval 7 day) as end_at
    from intermediate.int_support__business_calendar as c,
        lateral (
            select g as week_number,
                timestamp '1970-01-05' + to_days(cast(g * 7 as integer)) as week_start
            from generate_series(
                week_of(c.interval_start_at),
                week_of(c.interval_end_at - interval 1 second)
            ) as s(g)
        ) as w
    where c.interval_seconds > 0
),
interval_weeks as (
    -- each interval exploded into the weeks it spans
    select i.interval_id, i.schedule_id, i.started_at, i.ended_at, w.week_number
    from {intervals} as i,
        generate_series(week_of(i.started_at), week_of(i.ended_at)) as w(week_number)
)
select iw.interval_id,
    -- (DuckDB's greatest/least skip NULLs: weeks without working time must not count)
    cast(coalesce(sum(greatest(date_diff('second',
        greatest(iw.started_at, t.start_at), least(iw.ended_at, t.end_at)), 0))
        filter (where t.schedule_id is not null), 0) as bigint) as business_seconds
from interval_weeks as iw
left join weekly_template as t
    on t.schedule_id = iw.schedule_id and t.week_number = iw.week_number
group by iw.interval_id
"""


# The week spine as dbt_zendesk writes it (int_zendesk__ticket_first_reply_time_business):
# a weekly template per schedule *validity period* (consecutive weeks with the same pattern;
# DST changes and holidays start new periods) in seconds from the week's start; each interval
# crossed with week numbers 0..207 and filtered; a join on schedule plus overlapping ranges
# within the week plus the period's validity.
ZENDESK_SPINE_SQL = """
with week_pieces as (
    select c.schedule_id, w.week_number,
        date_diff('second', w.week_start, greatest(c.interval_start_at, w.week_start)) as start_s,
        date_diff('second', w.week_start,
            least(c.interval_end_at, w.week_start + interval 7 day)) as end_s
    from intermediate.int_support__business_calendar as c,
        lateral (
            select g as week_number,
                timestamp '1970-01-05' + to_days(cast(g * 7 as integer)) as week_start
            from generate_series(
                week_of(c.interval_start_at), week_of(c.interval_end_at - interval 1 second)
            ) as s(g)
        ) as w
    where c.interval_seconds > 0
),
week_patterns as (
    select schedule_id, week_number,
        string_agg(start_s || '-' || end_s, ',' order by start_s) as pattern
    from week_pieces
    group by all
),
periods as (
    select schedule_id, week_number, pattern,
        week_number - row_number() over (partition by schedule_id, pattern order by week_number)
            as period_key
    from week_patterns
),
period_bounds as (
    select schedule_id, pattern, period_key,
        timestamp '1970-01-05' + to_days(cast(min(week_number) * 7 as integer)) as valid_from,
        timestamp '1970-01-05' + to_days(cast((max(week_number) + 1) * 7 as integer))
            as valid_until,
        min(week_number) as first_week
    from periods
    group by all
),
schedule_spine as (
    select distinct b.schedule_id, b.valid_from, b.valid_until, p.start_s, p.end_s
    from period_bounds as b
    join week_pieces as p
        on p.schedule_id = b.schedule_id and p.week_number = b.first_week
),
ticket_times as (
    select i.interval_id, i.schedule_id,
        timestamp '1970-01-05' + to_days(cast(week_of(i.started_at) * 7 as integer))
            as start_week_date,
        date_diff('second',
            timestamp '1970-01-05' + to_days(cast(week_of(i.started_at) * 7 as integer)),
            i.started_at) as start_s_from_week,
        date_diff('second', i.started_at, i.ended_at) as raw_delta_s
    from {intervals} as i
),
weeks as (select generate_series as n from generate_series(0, 207)),
weekly_periods as (
    select t.*, w.n as week_number,
        greatest(0, t.start_s_from_week - w.n * 604800) as ticket_week_start,
        least(t.start_s_from_week + t.raw_delta_s - w.n * 604800, 604800) as ticket_week_end
    from ticket_times as t
    cross join weeks as w
    where floor((t.start_s_from_week + t.raw_delta_s) / 604800) >= w.n
)
select wp.interval_id,
    cast(coalesce(sum(greatest(least(wp.ticket_week_end, s.end_s)
        - greatest(wp.ticket_week_start, s.start_s), 0))
        filter (where s.schedule_id is not null), 0) as bigint) as business_seconds
from weekly_periods as wp
left join schedule_spine as s
    on wp.ticket_week_start <= s.end_s
    and wp.ticket_week_end >= s.start_s
    and wp.schedule_id = s.schedule_id
    and wp.start_week_date + to_seconds(wp.week_number * 604800 + wp.ticket_week_end)
        > s.valid_from
    and wp.start_week_date + to_seconds(wp.week_number * 604800 + wp.ticket_week_start)
        < s.valid_until
group by wp.interval_id
"""


def create_intervals(con: duckdb.DuckDBPyConnection, n: int, seed: int) -> dict:
    """bench.intervals: n random intervals over the calendar's range, whole seconds."""
    con.execute("create schema if not exists bench")
    bounds = con.sql(
        """
        select min(interval_start_at) filter (where interval_start_at > '1901-01-01'),
            (select as_of from intermediate.int_support__evaluation_time)
        from intermediate.int_support__business_calendar
        """
    ).fetchone()
    schedules = [
        r[0]
        for r in con.sql(
            "select distinct schedule_id from intermediate.int_support__business_calendar "
            "where interval_seconds > 0 order by 1"
        ).fetchall()
    ]
    start, end = bounds
    span = int((end - start).total_seconds())
    con.execute(f"select setseed({(seed % 1000) / 1000.0})")
    con.execute(
        f"""
        create or replace table bench.intervals as
        with draws as (
            select range as interval_id, random() as u_schedule, random() as u_start,
                random() as u_kind, random() as u_length
            from range({int(n)})
        )
        select interval_id,
            (list_value({", ".join(repr(s) for s in schedules)}))
                [1 + cast(floor(u_schedule * {len(schedules)}) as integer)] as schedule_id,
            timestamp '{start}' + to_seconds(cast(floor(u_start * {span}) as bigint)) as started_at,
            timestamp '{start}' + to_seconds(cast(floor(u_start * {span}) as bigint)
                + 1 + cast(floor(u_length * case
                    when u_kind < 0.50 then 86400
                    when u_kind < 0.85 then 7 * 86400
                    else 56 * 86400 end) as bigint)) as ended_at
        from draws
        """
    )
    return {"schedules": schedules, "range_start": str(start), "range_end": str(end)}


def compile_engine_sql() -> tuple[str, str]:
    """The engine's SQL as dbt renders it from the macros, and how it was obtained."""
    dbt = Path(sys.executable).parent / "dbt"
    env = paths.dbt_env()
    try:
        done = subprocess.run(
            [
                str(dbt),
                "compile",
                "--quiet",
                "--inline",
                INLINE_ENGINE_SQL,
                "--project-dir",
                str(paths.PROJECT_DIR),
                "--profiles-dir",
                str(paths.PROJECT_DIR),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return FALLBACK_ENGINE_SQL, f"macro expansion written out (dbt compile failed: {exc})"
    sql = done.stdout.strip()
    if done.returncode != 0 or "asof" not in sql.lower():
        tail = (done.stdout + done.stderr).strip().splitlines()[-3:]
        return FALLBACK_ENGINE_SQL, f"macro expansion written out (dbt compile failed: {tail})"
    return sql, "rendered by `dbt compile --inline` from macros/business_time/"


def run(
    database: Path,
    n: int,
    spine_sample: int | None,
    seed: int = 1,
    threads: int | None = None,
    memory_limit: str | None = None,
    zendesk_sample: int = 100_000,
) -> dict:
    engine_sql, engine_source = compile_engine_sql()
    con = duckdb.connect(str(database))
    if threads:
        con.execute(f"set threads = {int(threads)}")
    if memory_limit:
        con.execute(f"set memory_limit = '{memory_limit}'")
    con.execute("set TimeZone = 'UTC'")
    started = time.perf_counter()
    info = create_intervals(con, n, seed)
    setup_seconds = time.perf_counter() - started

    # the engine, as the models run it (their pre-hook sets the ASOF threshold)
    con.execute("set asof_loop_join_threshold = 0")
    started, cpu = time.perf_counter(), time.process_time()
    con.execute(f"create or replace table bench.engine_result as {engine_sql}")
    engine_seconds = time.perf_counter() - started
    engine_cpu = time.process_time() - cpu

    sample = n if not spine_sample or spine_sample >= n else spine_sample
    if sample < n:
        con.execute(
            f"create or replace table bench.spine_intervals as "
            f"select * from bench.intervals where interval_id < {int(sample)}"
        )
        source = "bench.spine_intervals"
    else:
        source = "bench.intervals"
    con.execute(WEEK_OF_MACRO)
    started, cpu = time.perf_counter(), time.process_time()
    con.execute(
        "create or replace table bench.spine_result as " + SPINE_SQL.format(intervals=source)
    )
    spine_seconds = time.perf_counter() - started
    spine_cpu = time.process_time() - cpu
    spine_rows = con.sql(
        f"select sum(week_of(ended_at) - week_of(started_at) + 1) from {source}"
    ).fetchone()[0]
    # dbt_zendesk's formulation, on a sample (its range join is far slower)
    zendesk_n = min(n, zendesk_sample)
    zendesk_seconds = None
    zendesk_cpu = None
    zendesk_differences = None
    if zendesk_n > 0:
        con.execute(
            f"create or replace table bench.zendesk_intervals as "
            f"select * from bench.intervals where interval_id < {int(zendesk_n)}"
        )
        started, cpu = time.perf_counter(), time.process_time()
        con.execute(
            "create or replace table bench.zendesk_result as "
            + ZENDESK_SPINE_SQL.format(intervals="bench.zendesk_intervals")
        )
        zendesk_seconds = time.perf_counter() - started
        zendesk_cpu = time.process_time() - cpu
        zendesk_differences = con.sql(
            """
            select count(*) from bench.zendesk_intervals as i
            left join bench.zendesk_result as z using (interval_id)
            left join bench.engine_result as e using (interval_id)
            where e.business_seconds is distinct from z.business_seconds
            """
        ).fetchone()[0]
    differences = con.sql(
        """
        select count(*) from bench.spine_result as s
        join bench.engine_result as e using (interval_id)
        where e.business_seconds is distinct from s.business_seconds
        """
    ).fetchone()[0]
    missing = con.sql(
        f"select count(*) from {source} anti join bench.spine_result using (interval_id)"
    ).fetchone()[0]
    sample_diff = con.sql(
        """
        select i.*, e.business_seconds as engine, s.business_seconds as spine
        from bench.spine_result as s
        join bench.engine_result as e using (interval_id)
        join bench.intervals as i using (interval_id)
        where e.business_seconds is distinct from s.business_seconds
        limit 5
        """
    ).fetchall()
    total_engine = con.sql("select sum(business_seconds) from bench.engine_result").fetchone()[0]
    con.execute("drop schema bench cascade")
    con.close()
    spine_full = spine_seconds * n / sample
    return {
        "intervals": n,
        "seed": seed,
        "schedules": info["schedules"],
        "range": [info["range_start"], info["range_end"]],
        "setup_seconds": round(setup_seconds, 3),
        "engine_seconds": round(engine_seconds, 3),
        "engine_source": engine_source,
        "engine_cpu_seconds": round(engine_cpu, 3),
        "spine_cpu_seconds": round(spine_cpu, 3),
        "zendesk_cpu_seconds": round(zendesk_cpu, 3) if zendesk_cpu is not None else None,
        "ratio_cpu_spine_over_engine": (
            round(spine_cpu * n / sample / engine_cpu, 2) if engine_cpu else None
        ),
        "ratio_cpu_zendesk_over_engine": (
            round(zendesk_cpu * n / zendesk_n / engine_cpu, 2)
            if zendesk_cpu is not None and engine_cpu
            else None
        ),
        "spine_intervals": sample,
        "spine_interval_weeks": spine_rows,
        "spine_seconds": round(spine_seconds, 3),
        "spine_seconds_for_all": round(spine_full, 3),
        "spine_extrapolated": sample < n,
        "ratio_spine_over_engine": (
            round(spine_full / engine_seconds, 2) if engine_seconds else None
        ),
        "zendesk_intervals": zendesk_n,
        "zendesk_seconds": round(zendesk_seconds, 3) if zendesk_seconds is not None else None,
        "zendesk_seconds_for_all": (
            round(zendesk_seconds * n / zendesk_n, 3) if zendesk_seconds is not None else None
        ),
        "ratio_zendesk_over_engine": (
            round(zendesk_seconds * n / zendesk_n / engine_seconds, 2)
            if zendesk_seconds is not None and engine_seconds
            else None
        ),
        "zendesk_differences": zendesk_differences,
        "differences": differences + missing + (zendesk_differences or 0),
        "difference_sample": [[str(v) for v in row] for row in sample_diff],
        "engine_total_business_seconds": int(total_engine or 0),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", nargs="?", default=str(paths.working_database()))
    parser.add_argument("--intervals", type=int, default=10_000_000)
    parser.add_argument(
        "--spine-sample",
        type=int,
        default=None,
        help="run the week spine on this many intervals and extrapolate",
    )
    parser.add_argument(
        "--zendesk-sample",
        type=int,
        default=100_000,
        help="intervals for dbt_zendesk's formulation of the spine (0 = skip)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--memory-limit", default=None)
    args = parser.parse_args(argv)
    os.environ.setdefault("WAREHOUSE_DUCKDB_PATH", args.database)
    result = run(
        Path(args.database),
        args.intervals,
        args.spine_sample,
        args.seed,
        args.threads,
        args.memory_limit,
        args.zendesk_sample,
    )
    print(
        f"engine ({result['engine_source']}): {result['engine_seconds']:.2f} s "
        f"for {result['intervals']:,} intervals"
    )
    extrapolated = " (extrapolated linearly)" if result["spine_extrapolated"] else ""
    print(
        f"week spine: {result['spine_seconds']:.2f} s for {result['spine_intervals']:,} "
        f"intervals ({result['spine_interval_weeks']:,} interval-weeks); "
        f"{result['spine_seconds_for_all']:.2f} s for all{extrapolated}"
    )
    if result["zendesk_seconds"] is not None:
        print(
            f"week spine as dbt_zendesk joins it: {result['zendesk_seconds']:.2f} s for "
            f"{result['zendesk_intervals']:,} intervals; "
            f"{result['zendesk_seconds_for_all']:.2f} s extrapolated to all "
            f"({result['ratio_zendesk_over_engine']}x the engine)"
        )
    print(
        f"ratio spine / engine: {result['ratio_spine_over_engine']}x; "
        f"differing answers: {result['differences']}"
    )
    report(result)
    return 0 if result["differences"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
