"""Every query the dashboard runs, against the published warehouse only.

The published file (``paths.published_database()``) is replaced with an atomic
``os.replace`` by each successful refresh (orchestration/publish.py). So every
function here opens it read-only, runs its statements, and closes it again: a
connection lives for one function call, never across reruns. A refresh is
never blocked by the dashboard, and the next call after a refresh reads the new
file. The app caches results keyed on :func:`version` (inode, mtime, size), so a
new publication invalidates the cache by itself.

The functions take the database path and a :class:`Filters` and return plain
values or pandas DataFrames; they know nothing of Streamlit, so the tests call
the very functions the pages draw from. Ratios follow shared/spec/metrics.md:
summed numerators over summed denominators, ``None`` when the denominator is 0.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from support_success import contract, paths

# Every SLA metric of agg_support_daily (shared/spec/metrics.md, "SLA events").
SLA_METRICS = contract.SLA_METRICS
PRIORITY_ORDER = ("urgent", "high", "normal", "low")
BRIDGE_STEPS = ("Opening", "New", "Reactivation", "Expansion", "Contraction", "Churn", "Closing")


class DashboardDataError(Exception):
    """The published warehouse cannot answer: the message says what to do."""


class NoPublishedWarehouse(DashboardDataError):
    def __init__(self, database: Path):
        super().__init__(
            f"No published warehouse at {database}. Run `make run` (or `warehouse demo`) to "
            "generate the demo data, build it and publish it; the dashboard reads only the "
            "published copy, never the working warehouse."
        )


@dataclass(frozen=True)
class Filters:
    """The sidebar's filters. ``None`` means every segment / every channel."""

    start: date
    end: date
    segment: str | None = None
    channel: str | None = None

    @property
    def segment_key(self) -> str:
        """The segment as the retention marts spell it ('all' = every customer)."""
        return self.segment or "all"


def published_database() -> Path:
    return paths.published_database()


def version(database: Path) -> tuple[str, int, int, int] | None:
    """Identity of the file now at ``database``: changes with every publication."""
    try:
        st = os.stat(database)
    except FileNotFoundError:
        return None
    return (str(database), st.st_ino, st.st_mtime_ns, st.st_size)


@contextmanager
def connect(database: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived read-only connection to the published file.

    The file is attached to a fresh in-memory database rather than opened with
    ``duckdb.connect(path)``: DuckDB caches one database instance per path and process, so
    while any connection of the process stays open, every new connect(path) would keep
    reading the publication that was current when the first one opened. ATTACH reads the
    file as it is now, so each query sees the latest publication (docs/dashboard.md).
    """
    if not Path(database).exists():
        raise NoPublishedWarehouse(database)
    con = duckdb.connect(":memory:")
    try:
        path_literal = "'" + Path(database).as_posix().replace("'", "''") + "'"
        con.execute(f"attach {path_literal} as published (read_only)")
        con.execute("use published")
        con.execute("set TimeZone = 'UTC'")
        yield con
    except duckdb.CatalogException as exc:
        raise DashboardDataError(
            f"The published warehouse at {database} lacks a mart the dashboard reads ({exc}). "
            "Run `make run` (or `warehouse build`) to publish a complete warehouse."
        ) from exc
    finally:
        con.close()


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> pd.DataFrame:
    return con.execute(sql, params).df()


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> dict[str, Any]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    row = cursor.fetchone()
    return dict(zip(names, row, strict=True)) if row else dict.fromkeys(names)


def ratio(numerator: Any, denominator: Any) -> float | None:
    """numerator / denominator, None when the denominator is 0 or missing."""
    if numerator is None or not denominator:
        return None
    return float(numerator) / float(denominator)


def nps(promoters: Any, detractors: Any, responses: Any) -> float | None:
    """NPS = 100 × (promoters − detractors) / responses; None without responses."""
    share = ratio((promoters or 0) - (detractors or 0), responses)
    return None if share is None else 100.0 * share


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


# --------------------------------------------------------------------- metadata


@dataclass(frozen=True)
class FilterChoices:
    first_day: date
    last_day: date
    segments: tuple[str, ...]
    channels: tuple[str, ...]


def filter_choices(database: Path) -> FilterChoices:
    """Date bounds (support days and revenue months) and the segment and channel values."""
    with connect(database) as con:
        bounds = _one(
            con,
            """
            select
                least(
                    (select min(day) from marts.agg_support_daily),
                    (select min(month_start) from marts.agg_retention_monthly)
                ) as first_day,
                greatest(
                    (select max(day) from marts.agg_support_daily),
                    (select last_day(max(month_start)) from marts.agg_retention_monthly)
                ) as last_day
            """,
            {},
        )
        segments = [
            r[0]
            for r in con.execute(
                "select distinct segment from marts.dim_customers"
                " where segment is not null order by 1"
            ).fetchall()
        ]
        channels = [
            r[0]
            for r in con.execute(
                "select distinct channel from marts.fct_tickets"
                " where channel is not null order by 1"
            ).fetchall()
        ]
    today = date.today()
    return FilterChoices(
        first_day=bounds["first_day"] or today,
        last_day=bounds["last_day"] or today,
        segments=tuple(segments),
        channels=tuple(channels),
    )


def publication_info(database: Path) -> dict[str, Any]:
    """Which run published the file and when (publication.run)."""
    with connect(database) as con:
        return _one(con, "select run_id, trigger, published_at from publication.run", {})


# ---------------------------------------------------------------------- support
#
# Support figures come from agg_support_daily (each event on the day it happened:
# SLA outcomes on the day fulfilled, or on breach_at for running breached rows; first
# responses on the day of the first agent reply), except the first response median
# and distribution, which are not additive and come from fct_tickets, attributed to
# the same day. The support marts have no segment; NPS has no ticket, so no channel.

_SLA_COLUMNS = ", ".join(f"sla_{metric}_achieved, sla_{metric}_measured" for metric in SLA_METRICS)
_SUPPORT_DAYS = f"""
    select
        day, channel, priority, group_name, tickets_created, tickets_solved, backlog_end_of_day,
        {_SLA_COLUMNS},
        csat_responses, csat_satisfied_responses,
        nps_responses, nps_promoters, nps_detractors
    from marts.agg_support_daily
    where day between $start and $end
"""
_SLA_ACHIEVED = " + ".join(f"sla_{metric}_achieved" for metric in SLA_METRICS)
_SLA_MEASURED = " + ".join(f"sla_{metric}_measured" for metric in SLA_METRICS)
_CHANNEL = "($channel is null or channel = $channel)"

_SLA_OUTCOMES = "\n    union all\n".join(
    f"""    select day, priority, group_name, '{metric}' as metric,
        sla_{metric}_achieved as achieved, sla_{metric}_measured as measured
    from days where sla_{metric}_measured > 0 and {_CHANNEL}"""
    for metric in SLA_METRICS
)


def _support_params(f: Filters) -> dict[str, Any]:
    return {"start": f.start, "end": f.end, "channel": f.channel}


@dataclass(frozen=True)
class SupportHeadline:
    tickets_created: int
    tickets_solved: int
    sla_achieved: int
    sla_measured: int
    sla_attainment: float | None
    sla_first_response_attainment: float | None
    first_responses: int
    first_response_median_business: float | None
    backlog_day: date | None
    backlog: int
    csat_responses: int
    csat: float | None
    nps_responses: int
    nps: float | None


def support_headline(database: Path, f: Filters) -> SupportHeadline:
    with connect(database) as con:
        totals = _one(
            con,
            f"""
            with days as ({_SUPPORT_DAYS})
            select
                coalesce(sum(tickets_created) filter (where {_CHANNEL}), 0)::bigint
                    as tickets_created,
                coalesce(sum(tickets_solved) filter (where {_CHANNEL}), 0)::bigint
                    as tickets_solved,
                coalesce(sum({_SLA_ACHIEVED}) filter (where {_CHANNEL}), 0)::bigint
                    as sla_achieved,
                coalesce(sum({_SLA_MEASURED}) filter (where {_CHANNEL}), 0)::bigint
                    as sla_measured,
                coalesce(sum(sla_first_response_achieved) filter (where {_CHANNEL}), 0)::bigint
                    as sla_first_response_achieved,
                coalesce(sum(sla_first_response_measured) filter (where {_CHANNEL}), 0)::bigint
                    as sla_first_response_measured,
                coalesce(sum(csat_responses) filter (where {_CHANNEL}), 0)::bigint
                    as csat_responses,
                coalesce(sum(csat_satisfied_responses) filter (where {_CHANNEL}), 0)::bigint
                    as csat_satisfied_responses,
                -- NPS answers have no ticket, so no channel: never filtered by channel
                coalesce(sum(nps_responses), 0)::bigint as nps_responses,
                coalesce(sum(nps_promoters), 0)::bigint as nps_promoters,
                coalesce(sum(nps_detractors), 0)::bigint as nps_detractors
            from days
            """,
            _support_params(f),
        )
        backlog = _one(
            con,
            """
            with backlog_day as (
                select least($end::date, max(day)) as day from marts.agg_support_daily
            )
            select
                backlog_day.day as backlog_day,
                coalesce(sum(daily.backlog_end_of_day), 0)::bigint as backlog
            from backlog_day
            left join marts.agg_support_daily as daily
                on daily.day = backlog_day.day
                and ($channel is null or daily.channel = $channel)
            where backlog_day.day >= $start
            group by backlog_day.day
            """,
            _support_params(f),
        )
        first_response = _one(
            con,
            f"""
            select
                count(*) as first_responses,
                median(first_response_minutes_business) as median_business
            from marts.fct_tickets
            where first_response_minutes_business is not null
                and cast(first_reply_at as date) between $start and $end
                and {_CHANNEL}
            """,
            _support_params(f),
        )
    return SupportHeadline(
        tickets_created=totals["tickets_created"],
        tickets_solved=totals["tickets_solved"],
        sla_achieved=totals["sla_achieved"],
        sla_measured=totals["sla_measured"],
        sla_attainment=ratio(totals["sla_achieved"], totals["sla_measured"]),
        sla_first_response_attainment=ratio(
            totals["sla_first_response_achieved"], totals["sla_first_response_measured"]
        ),
        first_responses=first_response["first_responses"],
        first_response_median_business=_float(first_response["median_business"]),
        backlog_day=backlog["backlog_day"],
        backlog=backlog["backlog"] or 0,
        csat_responses=totals["csat_responses"],
        csat=ratio(totals["csat_satisfied_responses"], totals["csat_responses"]),
        nps_responses=totals["nps_responses"],
        nps=nps(totals["nps_promoters"], totals["nps_detractors"], totals["nps_responses"]),
    )


def _sla_attainment_by(database: Path, f: Filters, dimension_sql: str) -> pd.DataFrame:
    """SLA outcomes summed by ``dimension_sql`` (an aliased select expression) and metric:
    achieved, measured and attainment = achieved / measured (a ratio of sums)."""
    with connect(database) as con:
        return _frame(
            con,
            f"""
            with days as ({_SUPPORT_DAYS}), outcomes as ({_SLA_OUTCOMES})
            select
                {dimension_sql},
                metric,
                sum(achieved)::bigint as achieved,
                sum(measured)::bigint as measured,
                sum(achieved)::double / nullif(sum(measured), 0) as attainment
            from outcomes
            group by 1, 2
            order by 1, 2
            """,
            _support_params(f),
        )


def sla_attainment_monthly(database: Path, f: Filters) -> pd.DataFrame:
    """month_start, metric, achieved, measured, attainment (SLA outcomes by month)."""
    return _sla_attainment_by(database, f, "cast(date_trunc('month', day) as date) as month_start")


def sla_attainment_by_priority(database: Path, f: Filters) -> pd.DataFrame:
    """priority, metric, achieved, measured, attainment over the whole date range."""
    return _sla_attainment_by(database, f, "priority")


def sla_breaches_by_group(database: Path, f: Filters) -> pd.DataFrame:
    """group_name, metric, breaches (breached + running breached), measured."""
    with connect(database) as con:
        return _frame(
            con,
            f"""
            with days as ({_SUPPORT_DAYS}), outcomes as ({_SLA_OUTCOMES})
            select
                group_name,
                metric,
                sum(measured - achieved)::bigint as breaches,
                sum(measured)::bigint as measured
            from outcomes
            group by 1, 2
            order by 1, 2
            """,
            _support_params(f),
        )


def first_response_times(database: Path, f: Filters) -> pd.DataFrame:
    """One row per ticket first answered in the range: first response, business minutes."""
    with connect(database) as con:
        return _frame(
            con,
            f"""
            select ticket_id, channel, priority, first_response_minutes_business
            from marts.fct_tickets
            where first_response_minutes_business is not null
                and cast(first_reply_at as date) between $start and $end
                and {_CHANNEL}
            order by ticket_id
            """,
            _support_params(f),
        )


def backlog_daily(database: Path, f: Filters) -> pd.DataFrame:
    """day, backlog: tickets open at the end of each day (0 on days with no row)."""
    with connect(database) as con:
        return _frame(
            con,
            f"""
            with days as ({_SUPPORT_DAYS}),
            spine as (
                select cast(range as date) as day
                from range(
                    cast($start as timestamp),
                    cast(least($end::date, (select max(day) from marts.agg_support_daily))
                        as timestamp) + interval 1 day,
                    interval 1 day
                )
            ),
            backlog as (
                select day, sum(backlog_end_of_day)::bigint as backlog
                from days
                where {_CHANNEL}
                group by day
            )
            select spine.day, coalesce(backlog.backlog, 0)::bigint as backlog
            from spine
            left join backlog on backlog.day = spine.day
            order by spine.day
            """,
            _support_params(f),
        )


def csat_nps_monthly(database: Path, f: Filters) -> pd.DataFrame:
    """month_start, CSAT (channel filtered) and NPS (every answer: NPS has no channel)."""
    with connect(database) as con:
        return _frame(
            con,
            f"""
            with days as ({_SUPPORT_DAYS})
            select
                cast(date_trunc('month', day) as date) as month_start,
                coalesce(sum(csat_responses) filter (where {_CHANNEL}), 0)::bigint
                    as csat_responses,
                coalesce(sum(csat_satisfied_responses) filter (where {_CHANNEL}), 0)::bigint
                    as csat_satisfied_responses,
                sum(csat_satisfied_responses) filter (where {_CHANNEL})::double
                    / nullif(sum(csat_responses) filter (where {_CHANNEL}), 0) as csat,
                sum(nps_responses)::bigint as nps_responses,
                100.0 * (sum(nps_promoters) - sum(nps_detractors))
                    / nullif(sum(nps_responses), 0) as nps
            from days
            group by 1
            order by 1
            """,
            _support_params(f),
        )


# ---------------------------------------------------------------------- success
#
# Revenue and retention come from agg_retention_monthly and agg_cohort_retention
# (segment 'all' = every customer; segments are the customers' current segment),
# health from fct_account_health_weekly. A month is in the date range when its first
# day is; these marts have no channel.

_MONTHS = """
    select
        month_start, reporting_currency, customers_closing, customers_churned,
        mrr_opening, mrr_new, mrr_reactivation, mrr_expansion, mrr_contraction, mrr_churn,
        mrr_fx, mrr_closing, nrr_1m, grr_1m, logo_retention_1m, nrr_12m, grr_12m,
        logo_churn_rate, revenue_churn_rate, quick_ratio, arpa
    from marts.agg_retention_monthly
    where segment = $segment
        and month_start between cast(date_trunc('month', $start::date) as date) and $end
"""


def _success_params(f: Filters) -> dict[str, Any]:
    return {"start": f.start, "end": f.end, "segment": f.segment_key}


@dataclass(frozen=True)
class SuccessHeadline:
    month_start: date | None
    reporting_currency: str | None
    mrr: float | None
    customers: int | None
    nrr_1m: float | None
    grr_1m: float | None
    nrr_12m: float | None
    logo_churn_rate: float | None


def success_headline(database: Path, f: Filters) -> SuccessHeadline:
    """The latest month of the range: closing MRR, NRR and GRR, logo churn."""
    with connect(database) as con:
        row = _one(
            con,
            f"with months as ({_MONTHS}) select * from months order by month_start desc limit 1",
            _success_params(f),
        )
    return SuccessHeadline(
        month_start=row.get("month_start"),
        reporting_currency=row.get("reporting_currency"),
        mrr=_float(row.get("mrr_closing")),
        customers=row.get("customers_closing"),
        nrr_1m=_float(row.get("nrr_1m")),
        grr_1m=_float(row.get("grr_1m")),
        nrr_12m=_float(row.get("nrr_12m")),
        logo_churn_rate=_float(row.get("logo_churn_rate")),
    )


@dataclass(frozen=True)
class MrrBridge:
    """The MRR bridge over a run of months, as waterfall steps.

    ``steps``: step, amount (signed), bar_start, bar_end, kind (total, increase,
    decrease). ``reconciles``: opening + movements = closing to the cent (the mart's
    own test enforces it month by month, so it holds over any run of months).
    """

    first_month: date | None
    last_month: date | None
    reporting_currency: str | None
    steps: pd.DataFrame
    reconciles: bool


def mrr_bridge(database: Path, f: Filters) -> MrrBridge:
    """Opening MRR of the range's first month, movements summed, closing of its last."""
    with connect(database) as con:
        row = _one(
            con,
            f"""
            with months as ({_MONTHS})
            select
                min(month_start) as first_month,
                max(month_start) as last_month,
                any_value(reporting_currency) as reporting_currency,
                arg_min(mrr_opening, month_start) as opening,
                sum(mrr_new) as new,
                sum(mrr_reactivation) as reactivation,
                sum(mrr_expansion) as expansion,
                sum(mrr_contraction) as contraction,
                sum(mrr_churn) as churn,
                sum(mrr_fx) as fx,
                arg_max(mrr_closing, month_start) as closing
            from months
            """,
            _success_params(f),
        )
    columns = ["step", "amount", "bar_start", "bar_end", "kind"]
    if row["first_month"] is None:
        return MrrBridge(None, None, None, pd.DataFrame(columns=columns), True)
    signed = [
        ("New", row["new"]),
        ("Reactivation", row["reactivation"]),
        ("Expansion", row["expansion"]),
        ("Contraction", -row["contraction"]),
        ("Churn", -row["churn"]),
        ("FX", row["fx"]),
    ]
    level = row["opening"]
    rows = [("Opening", float(level), 0.0, float(level), "total")]
    for step, amount in signed:
        kind = "increase" if amount >= 0 else "decrease"
        rows.append((step, float(amount), float(level), float(level + amount), kind))
        level += amount
    rows.append(("Closing", float(row["closing"]), 0.0, float(row["closing"]), "total"))
    return MrrBridge(
        first_month=row["first_month"],
        last_month=row["last_month"],
        reporting_currency=row["reporting_currency"],
        steps=pd.DataFrame(rows, columns=columns),
        reconciles=level == row["closing"],
    )


def retention_monthly(database: Path, f: Filters) -> pd.DataFrame:
    """One row per month of the range: NRR, GRR, logo retention, churn rates, MRR."""
    with connect(database) as con:
        return _frame(
            con,
            f"with months as ({_MONTHS}) select * from months order by month_start",
            _success_params(f),
        )


def cohort_retention(database: Path, f: Filters) -> pd.DataFrame:
    """Observed cohort cells: cohorts starting in the range, cells up to the range's end."""
    with connect(database) as con:
        return _frame(
            con,
            """
            select
                cohort_month_start, month_offset, month_start, cohort_customers, cohort_mrr,
                active_customers, mrr, logo_retention, nrr
            from marts.agg_cohort_retention
            where segment = $segment
                and is_observed
                and cohort_month_start
                    between cast(date_trunc('month', $start::date) as date) and $end
                and month_start <= $end
            order by cohort_month_start, month_offset
            """,
            _success_params(f),
        )


# The latest ISO week of the range that has health scores (CTE `latest`).
_LATEST_HEALTH_WEEK = """
    latest as (
        select max(week_start) as week_start
        from marts.fct_account_health_weekly
        where week_start between $start and $end
    )
"""


def health_distribution(database: Path, f: Filters) -> pd.DataFrame:
    """Health scores of the latest ISO week in the range (segment filtered)."""
    with connect(database) as con:
        return _frame(
            con,
            f"""
            with {_LATEST_HEALTH_WEEK}
            select
                health.week_start, health.customer_id, health.segment,
                health.health_score, health.health_status
            from marts.fct_account_health_weekly as health
            inner join latest on latest.week_start = health.week_start
            where $segment = 'all' or health.segment = $segment
            order by health.customer_id
            """,
            _success_params(f),
        )


def accounts_at_risk(database: Path, f: Filters, limit: int = 50) -> pd.DataFrame:
    """Accounts red in the latest ISO week of the range whose score fell over the last 4 weeks,
    lowest score first, with every component and the one that pulls the score down most."""
    with connect(database) as con:
        return _frame(
            con,
            f"""
            with {_LATEST_HEALTH_WEEK}
            select
                health.customer_id, customers.customer_name, health.segment, health.mrr,
                health.health_score, health.health_score_change_4w, health.weakest_component,
                health.adoption_score, health.support_score, health.relationship_score,
                health.billing_score, health.week_start
            from marts.fct_account_health_weekly as health
            inner join latest on latest.week_start = health.week_start
            left join marts.dim_customers as customers on customers.customer_id = health.customer_id
            where health.health_status = 'red' and health.health_score_change_4w < 0
                and ($segment = 'all' or health.segment = $segment)
            order by health.health_score, health.customer_id
            limit $limit
            """,
            {**_success_params(f), "limit": limit},
        )


# ------------------------------------------------------------------ customer 360


def customer_options(database: Path, f: Filters) -> pd.DataFrame:
    """Customers of the segment, highest current MRR first."""
    with connect(database) as con:
        return _frame(
            con,
            """
            select customer_id, segment, lifecycle_stage, current_mrr
            from marts.customer_360
            where $segment = 'all' or segment = $segment
            order by current_mrr desc, customer_id
            """,
            {"segment": f.segment_key},
        )


CUSTOMER_360_COLUMNS = (
    "customer_id",
    "segment",
    "country",
    "csm_owner",
    "is_deleted",
    "lifecycle_stage",
    "reporting_currency",
    "current_mrr",
    "current_arr",
    "first_paid_month_start",
    "tenure_paid_months",
    "churns",
    "reactivations",
    "churned_at",
    "licensed_seats",
    "average_daily_active_users_28d",
    "adoption_rate",
    "tickets_90d",
    "sla_breaches_90d",
    "csat_responses_90d",
    "csat_90d",
    "nps_responses_90d",
    "nps_90d",
    "latest_health_week_start",
    "latest_health_score",
    "latest_health_status",
    "health_score_change_4w",
    "tickets_90d_before_churn",
    "sla_breaches_90d_before_churn",
    "csat_90d_before_churn",
    "nps_90d_before_churn",
)


def customer_profile(database: Path, customer_id: str) -> dict[str, Any] | None:
    """The customer_360 row of one customer (None when there is no such customer)."""
    with connect(database) as con:
        cursor = con.execute(
            f"select {', '.join(CUSTOMER_360_COLUMNS)} from marts.customer_360 "
            "where customer_id = $customer_id",
            {"customer_id": customer_id},
        )
        row = cursor.fetchone()
    return dict(zip(CUSTOMER_360_COLUMNS, row, strict=True)) if row else None


def customer_mrr_history(database: Path, customer_id: str, f: Filters) -> pd.DataFrame:
    with connect(database) as con:
        return _frame(
            con,
            """
            select month_start, mrr, movement_type, movement_amount, subscribed_quantity
            from marts.fct_mrr_monthly
            where customer_id = $customer_id
                and month_start between cast(date_trunc('month', $start::date) as date) and $end
            order by month_start
            """,
            {"customer_id": customer_id, "start": f.start, "end": f.end},
        )


def customer_health_history(database: Path, customer_id: str, f: Filters) -> pd.DataFrame:
    with connect(database) as con:
        return _frame(
            con,
            """
            select
                week_start, health_score, health_status, adoption_score, support_score,
                relationship_score, billing_score
            from marts.fct_account_health_weekly
            where customer_id = $customer_id and week_start between $start and $end
            order by week_start
            """,
            {"customer_id": customer_id, "start": f.start, "end": f.end},
        )


def customer_tickets(database: Path, customer_id: str, f: Filters) -> pd.DataFrame:
    """The customer's tickets created in the range (channel filtered), newest first."""
    with connect(database) as con:
        return _frame(
            con,
            f"""
            select
                ticket_id, created_at, channel, priority, ticket_type, status,
                first_response_minutes_business, full_resolution_minutes_business,
                sla_breaches, csat_score
            from marts.fct_tickets
            where account_id = $customer_id
                and created_date between $start and $end
                and {_CHANNEL}
            order by created_at desc, ticket_id
            """,
            {"customer_id": customer_id, **_support_params(f)},
        )
