"""Run the hand-written baseline (baseline.sql) and compare it with the dbt marts.

The baseline is a second implementation of three headline outputs, written without dbt from
shared/spec/metrics.md and the decision log. ``compare`` checks, both ways (EXCEPT in each
direction), that it equals what the marts publish:

* ``first_response``  fct_tickets.first_response_minutes_business per ticket
* ``sla_status``      fct_sla_events.sla_status per ticket × metric × instance
* ``sla_breach_at``   fct_sla_events.breach_at of the clocks that never pause (first and next
                      response, periodic update)
* ``mrr``             fct_mrr_monthly.mrr and movement_type per customer × month

Any difference is a bug on one side; the benchmark prints the counts and a sample and exits
non-zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from support_success import paths

BASELINE_SQL = Path(__file__).with_name("baseline.sql")
CURRENCIES_CSV = paths.PROJECT_DIR / "seeds" / "currencies.csv"

# Clocks that pause: their breach instant is not recomputed by the baseline.
PAUSING_METRICS = "('resolution', 'agent_work', 'pausable_update')"

# name -> (baseline query, marts query); both return the same columns, the key first.
COMPARISONS: dict[str, tuple[str, str]] = {
    "first_response": (
        "select ticket_id, first_response_minutes_business from baseline.first_response",
        "select ticket_id, first_response_minutes_business from marts.fct_tickets",
    ),
    "sla_status": (
        "select ticket_id, metric, instance_number, sla_status from baseline.sla_events",
        "select ticket_id, metric, instance_number, sla_status from marts.fct_sla_events",
    ),
    "sla_breach_at": (
        "select ticket_id, metric, instance_number, breach_at from baseline.sla_events "
        f"where metric not in {PAUSING_METRICS}",
        "select ticket_id, metric, instance_number, breach_at from marts.fct_sla_events "
        f"where metric not in {PAUSING_METRICS}",
    ),
    "mrr": (
        "select customer_id, month_start, mrr, movement_type from baseline.mrr_monthly",
        "select customer_id, month_start, mrr, movement_type from marts.fct_mrr_monthly",
    ),
}


@dataclass
class Difference:
    name: str
    baseline_rows: int
    mart_rows: int
    only_in_baseline: int
    only_in_marts: int
    sample: list[tuple] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return self.only_in_baseline == 0 and self.only_in_marts == 0

    def line(self) -> str:
        verdict = "equal" if self.equal else "DIFFERENT"
        return (
            f"{self.name:<15} {verdict:<9} baseline {self.baseline_rows:>10,} rows  "
            f"marts {self.mart_rows:>10,} rows  only in baseline {self.only_in_baseline:,}  "
            f"only in marts {self.only_in_marts:,}"
        )


def run_baseline(
    con: duckdb.DuckDBPyConnection, *, threads: int | None = None, memory_limit: str | None = None
) -> None:
    """Run baseline.sql on an open connection to a warehouse holding the raw schemas."""
    if threads:
        con.execute(f"set threads = {int(threads)}")
    if memory_limit:
        con.execute(f"set memory_limit = '{memory_limit}'")
    con.execute("set variable currencies_csv = ?", [str(CURRENCIES_CSV)])
    con.execute(BASELINE_SQL.read_text())


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return con.sql(f"select count(*) from ({sql})").fetchone()[0]


def compare(con: duckdb.DuckDBPyConnection, sample_size: int = 5) -> list[Difference]:
    """Differences between the baseline tables and the marts, one entry per comparison."""
    out = []
    for name, (baseline_sql, mart_sql) in COMPARISONS.items():
        b_rows = _count(con, baseline_sql)
        m_rows = _count(con, mart_sql)
        only_b = _count(con, f"{baseline_sql} except all {mart_sql}")
        only_m = _count(con, f"{mart_sql} except all {baseline_sql}")
        sample: list[tuple] = []
        if only_b or only_m:
            sample = con.sql(
                f"select 'baseline' as side, * from ({baseline_sql} except all {mart_sql}) "
                f"union all select 'marts', * from ({mart_sql} except all {baseline_sql}) "
                f"order by 2, 1 limit {int(sample_size) * 2}"
            ).fetchall()
        out.append(Difference(name, b_rows, m_rows, only_b, only_m, sample))
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m support_success.benchmark.baseline [DATABASE]``: run, time and compare."""
    import argparse
    import time

    from support_success.benchmark.measure import report

    parser = argparse.ArgumentParser(description="Run baseline.sql and compare with the marts.")
    parser.add_argument("database", nargs="?", default=str(paths.working_database()))
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--memory-limit", default=None)
    args = parser.parse_args(argv)
    con = duckdb.connect(args.database)
    started, cpu_started = time.perf_counter(), time.process_time()
    run_baseline(con, threads=args.threads, memory_limit=args.memory_limit)
    baseline_seconds = time.perf_counter() - started
    baseline_cpu_seconds = time.process_time() - cpu_started
    started = time.perf_counter()
    diffs = compare(con)
    compare_seconds = time.perf_counter() - started
    con.close()
    print(f"baseline.sql ran in {baseline_seconds:.2f} s; comparison {compare_seconds:.2f} s")
    lines = []
    for d in diffs:
        lines.append(d.line())
        lines.extend(f"    {row}" for row in d.sample)
    print("\n".join(lines))
    equal = all(d.equal for d in diffs)
    report(
        {
            "baseline_seconds": round(baseline_seconds, 3),
            "baseline_cpu_seconds": round(baseline_cpu_seconds, 3),
            "compare_seconds": round(compare_seconds, 3),
            "all_equal": equal,
            "comparisons": lines,
            "differences": {d.name: d.only_in_baseline + d.only_in_marts for d in diffs},
        }
    )
    return 0 if equal else 1


if __name__ == "__main__":
    raise SystemExit(main())
