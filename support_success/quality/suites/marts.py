"""Mart suites: sanity of what BI reads, beyond dbt's key and relationship tests.

* every rate within [0, 1] - found by name at run time (``*_rate``, ``*attainment*``,
  ``*_share``, ``*retention*``; never ``nrr``/``grr``), so a new rate column is covered
  the day it is added (blocking);
* NRR and GRR within plausible bounds (``nrr_min``..``nrr_max``, ``grr_min``..``grr_max``):
  blocking for the whole customer base (segment ``all``), a warning per segment;
* MRR reconciles with paid invoices recognised in the month (``mrr_invoice_tolerance``);
* counts consistent between the daily and the ticket-level support marts;
* week-over-week jumps of headline metrics beyond ``wow_jump_threshold`` (warning).

A suite whose mart is not in the warehouse reports "skipped: relation missing"; a check
whose columns are missing is skipped with the reason, and the ``columns_present`` check
(warning) names them - marts have enforced dbt contracts, so a missing column means the
suite is out of date, not that the data is bad.
"""

from __future__ import annotations

import re

import great_expectations.expectations as gxe
from great_expectations.expectations.row_conditions import Column as GxColumn

from support_success.quality.checks import (
    BLOCKING,
    COLUMNS,
    ROWS,
    WARNING,
    Check,
    FrameContext,
    SqlFrame,
    Suite,
    make,
)
from support_success.quality.settings import Settings

RATE_NAME = re.compile(r"(^|_)(rate|attainment|share|retention)(_|$)|^csat$|^csat_")
# Ratios that may exceed 1 by definition (active users per seat) are not rates here.
NOT_A_RATE = re.compile(r"(^|_)(nrr|grr|score|adoption|utilisation|utilization)(_|$)")
OPEN_STATUSES = ("new", "open", "pending", "on_hold")


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _between(
    suite: Suite,
    name: str,
    rule: str,
    column: str,
    *,
    severity=BLOCKING,
    frame: str = ROWS,
    columns: tuple[str, ...] | None = None,
    explain: str | None = None,
    counts: tuple[str, str] | None = None,
    mostly: float | None = None,
    **bounds,
) -> None:
    """Add the most common check: ``column`` of ``frame`` lies within ``bounds``
    (``min_value``, ``max_value``, ``strict_min``, ``row_condition``...). On the row frame
    the check reads ``column`` itself unless ``columns`` says otherwise."""
    if columns is None:
        columns = (column,) if frame == ROWS else ()
    suite.add(
        Check(
            name,
            rule,
            severity,
            make(
                gxe.ExpectColumnValuesToBeBetween, severity, mostly=mostly, column=column, **bounds
            ),
            frame=frame,
            columns=columns,
            explain=explain,
            counts=counts,
        )
    )


def _in_scale(suite: Suite, scales: dict[str, tuple[int, int]]) -> None:
    """Survey scores and indices within their scale (blocking)."""
    for column, (lo, hi) in scales.items():
        _between(
            suite,
            f"{column}_in_scale",
            f"{column} is between {lo} and {hi}",
            column,
            min_value=lo,
            max_value=hi,
        )


def rate_columns(columns: dict[str, str]) -> list[str]:
    """Fractional columns whose name says they are a rate (a share between 0 and 1).

    Integer columns are counts (``csat_responses``), never rates, so only DOUBLE/DECIMAL
    columns qualify."""
    numeric = ("DOUBLE", "FLOAT", "DECIMAL", "REAL", "NUMERIC")
    return [
        name
        for name, dtype in columns.items()
        if RATE_NAME.search(name)
        and not NOT_A_RATE.search(name)
        and dtype.upper().startswith(numeric)
    ]


def _mart(name: str, description: str, key: tuple[str, ...], reads: tuple[str, ...]) -> Suite:
    suite = Suite(
        name=f"mart__{name}",
        target=f"model:{name}",
        description=description,
        key=key,
        expected_columns=reads,
        layer="mart",
    )
    suite.add(
        Check(
            "columns_present",
            "the columns this suite reads exist (the mart's contract changed if not)",
            WARNING,
            make(
                gxe.ExpectTableColumnsToMatchSet, WARNING, column_set=list(reads), exact_match=False
            ),
            frame=COLUMNS,
        )
    )
    _between(
        suite,
        "not_empty",
        "the mart has at least one row (empty when its domain's raw tables are empty)",
        "row_count",
        severity=WARNING,
        min_value=1,
        frame="row_count",
        explain="the mart has no rows",
    )
    suite.add_frame(
        SqlFrame("row_count", lambda ctx: f"select count(*) as row_count from {ctx.relation}")
    )
    return suite


def _add_rates_check(suite: Suite) -> None:
    def sql(ctx: FrameContext) -> str | None:
        rates = rate_columns(ctx.columns)
        if not rates:
            return None
        parts = [
            f"select '{name}' as rate_column, count({_q(name)}) as checked_rows, "
            f"count(*) filter (where {_q(name)} < 0 or {_q(name)} > 1) as out_of_range_rows, "
            f"cast(min({_q(name)}) as double) as min_value, "
            f"cast(max({_q(name)}) as double) as max_value from {ctx.relation}"
            for name in rates
        ]
        return " union all ".join(parts)

    suite.add_frame(
        SqlFrame(
            "rates",
            sql,
            index_columns=("rate_column", "checked_rows", "min_value", "max_value"),
            skip_reason=lambda ctx: "no rate column found",
        )
    )
    _between(
        suite,
        "rates_within_0_1",
        "every rate column (named *_rate, *attainment*, *_share, *retention*) is within [0, 1]",
        "out_of_range_rows",
        max_value=0,
        frame="rates",
        explain="{rate_column} has {out_of_range_rows:,} of {checked_rows:,} values "
        "outside [0, 1] (min {min_value}, max {max_value})",
    )


def _not_in_future(suite: Suite, column: str) -> None:
    """No row of a mart is dated after the validation instant (blocking): a far-future
    raw timestamp that leaks past quarantine stretches calendars and evaluation times."""

    def sql(ctx: FrameContext) -> str:
        now = f"cast('{ctx.now:%Y-%m-%d %H:%M:%S}' as timestamp)"
        return f"""
            select cast(max({_q(column)}) as varchar) as latest,
                count(*) filter (where {_q(column)} > {now}) as future_rows,
                count({_q(column)}) as checked_rows
            from {ctx.relation}"""

    suite.add_frame(SqlFrame(f"future__{column}", sql))
    _between(
        suite,
        f"{column}_not_in_future",
        f"no {column} is later than the validation instant",
        "future_rows",
        max_value=0,
        frame=f"future__{column}",
        columns=(column,),
        explain="{future_rows:,} of {checked_rows:,} rows are dated after the validation "
        "instant, up to {latest}",
        counts=("future_rows", "checked_rows"),
    )


def _non_negative(suite: Suite, columns: tuple[str, ...], severity=BLOCKING) -> None:
    for column in columns:
        _between(
            suite,
            f"{column}_not_negative",
            f"{column} is not negative",
            column,
            severity=severity,
            min_value=0,
        )


# ------------------------------------------------------------------------------ support
def _fct_tickets(settings: Settings) -> Suite:
    suite = _mart(
        "fct_tickets",
        "One row per ticket: clock values are sane (business minutes never exceed calendar "
        "minutes, nothing negative), survey scores within their scale.",
        ("ticket_id",),
        ("ticket_id", "created_date", "status", "csat_score", "ces_score"),
    )
    _not_in_future(suite, "created_date")
    for metric in (
        "first_response",
        "first_resolution",
        "full_resolution",
        "requester_wait",
        "agent_work",
        "on_hold",
    ):
        calendar, business = f"{metric}_minutes_calendar", f"{metric}_minutes_business"
        suite.add(
            Check(
                f"{metric}_business_within_calendar",
                f"{business} is between 0 and {calendar} (business time is part of calendar time)",
                BLOCKING,
                make(
                    gxe.ExpectColumnPairValuesAToBeGreaterThanB,
                    BLOCKING,
                    column_A=calendar,
                    column_B=business,
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                ),
                frame=ROWS,
                columns=(calendar, business),
            )
        )
        _non_negative(suite, (business,))
    _in_scale(suite, {"csat_score": (1, 5), "ces_score": (1, 7)})
    _add_rates_check(suite)
    return suite


def _fct_sla_events(settings: Settings) -> Suite:
    suite = _mart(
        "fct_sla_events",
        "One row per ticket x SLA metric instance: statuses known, clocks not negative, "
        "attainment per metric within [0, 1].",
        ("sla_event_id",),
        ("sla_event_id", "metric", "sla_status", "elapsed_minutes", "target_minutes"),
    )
    suite.add(
        Check(
            "sla_status_known",
            "sla_status is one of achieved, breached, running, running_breached",
            BLOCKING,
            make(
                gxe.ExpectColumnValuesToBeInSet,
                BLOCKING,
                column="sla_status",
                value_set=["achieved", "breached", "running", "running_breached"],
            ),
            frame=ROWS,
            columns=("sla_status",),
        )
    )
    _not_in_future(suite, "started_at")
    _non_negative(suite, ("elapsed_minutes",))
    _between(
        suite,
        "target_minutes_positive",
        "target_minutes is greater than 0",
        "target_minutes",
        min_value=0,
        strict_min=True,
    )

    def attainment(ctx: FrameContext) -> str:
        return f"""
            select metric,
                count(*) filter (where sla_status = 'achieved') as achieved,
                count(*) filter (where sla_status in ('achieved', 'breached', 'running_breached'))
                    as judged,
                count(*) filter (where sla_status = 'achieved')
                    / nullif(count(*) filter (
                        where sla_status in ('achieved', 'breached', 'running_breached')), 0)
                    as sla_attainment
            from {ctx.relation} group by metric order by metric"""

    suite.add_frame(
        SqlFrame("attainment", attainment, index_columns=("metric", "achieved", "judged"))
    )
    _between(
        suite,
        "sla_attainment_within_0_1",
        "SLA attainment per metric (achieved / (achieved + breached + running_breached)) "
        "is within [0, 1]",
        "sla_attainment",
        min_value=0,
        max_value=1,
        frame="attainment",
        columns=("metric", "sla_status"),
    )
    return suite


def _agg_support_daily(settings: Settings) -> Suite:
    day = "day"
    suite = _mart(
        "agg_support_daily",
        "One row per day x channel x priority x group x function: rates within [0, 1], "
        "backlog never negative, created and backlog counts agree with fct_tickets, "
        "week-over-week jumps of headline metrics flagged.",
        (day, "channel", "priority", "group_name", "ticket_function"),
        (day, "tickets_created", "tickets_solved", "backlog_end_of_day"),
    )
    _add_rates_check(suite)
    _not_in_future(suite, day)
    _in_scale(suite, {"ces": (1, 7), "nps": (-100, 100)})
    _non_negative(suite, ("tickets_created", "tickets_solved", "backlog_end_of_day"))

    def created(ctx: FrameContext) -> str:
        tickets = ctx.relation_of("model:fct_tickets")
        return f"""
            with daily as (
                select cast({_q(day)} as date) as day, sum(tickets_created) as from_daily
                from {ctx.relation} group by 1
            ),
            tickets as (
                select cast(created_date as date) as day, count(*) as from_tickets
                from {tickets} group by 1
            )
            select coalesce(daily.day, tickets.day) as day,
                cast(coalesce(from_daily, 0) as bigint) as tickets_created_daily_mart,
                cast(coalesce(from_tickets, 0) as bigint) as tickets_created_fct_tickets
            from daily full join tickets on daily.day = tickets.day
            order by 1"""

    suite.add_frame(
        SqlFrame(
            "created_vs_tickets", created, relations=("model:fct_tickets",), index_columns=("day",)
        )
    )
    suite.add(
        Check(
            "tickets_created_match_fct_tickets",
            "tickets created per day in agg_support_daily equal fct_tickets counted by "
            "created_date",
            BLOCKING,
            make(
                gxe.ExpectColumnPairValuesToBeEqual,
                BLOCKING,
                column_A="tickets_created_daily_mart",
                column_B="tickets_created_fct_tickets",
            ),
            frame="created_vs_tickets",
            columns=(day, "tickets_created"),
        )
    )

    def backlog(ctx: FrameContext) -> str:
        tickets = ctx.relation_of("model:fct_tickets")
        statuses = ", ".join(f"'{s}'" for s in OPEN_STATUSES)
        return f"""
            select
                (select max(cast({_q(day)} as date)) from {ctx.relation}) as last_day,
                cast((select sum(backlog_end_of_day) from {ctx.relation}
                      where cast({_q(day)} as date) =
                          (select max(cast({_q(day)} as date)) from {ctx.relation}))
                     as bigint) as backlog_last_day_daily_mart,
                cast((select count(*) from {tickets} where status in ({statuses}))
                     as bigint) as open_tickets_fct_tickets"""

    suite.add_frame(
        SqlFrame(
            "backlog_vs_tickets",
            backlog,
            relations=("model:fct_tickets",),
            index_columns=("last_day",),
        )
    )
    suite.add(
        Check(
            "backlog_matches_open_tickets",
            "backlog at the end of the last day equals the tickets fct_tickets shows in an "
            "open status (new, open, pending, on_hold)",
            WARNING,
            make(
                gxe.ExpectColumnPairValuesToBeEqual,
                WARNING,
                column_A="backlog_last_day_daily_mart",
                column_B="open_tickets_fct_tickets",
            ),
            frame="backlog_vs_tickets",
            columns=(day, "backlog_end_of_day"),
        )
    )
    _add_week_over_week(
        suite,
        settings,
        day,
        {
            "tickets_created": ("sum(tickets_created)", "sum(tickets_created)"),
            "tickets_solved": ("sum(tickets_solved)", "sum(tickets_solved)"),
            "sla_first_response_attainment": (
                "sum(sla_first_response_achieved) / nullif(sum(sla_first_response_measured), 0)",
                "sum(sla_first_response_measured)",
            ),
            "csat": (
                "sum(csat_satisfied_responses) / nullif(sum(csat_responses), 0)",
                "sum(csat_responses)",
            ),
        },
    )
    return suite


def _add_week_over_week(
    suite: Suite, settings: Settings, day: str, metrics: dict[str, tuple[str, str]]
) -> None:
    """Flag week-over-week relative changes above ``wow_jump_threshold`` (warning).

    ``metrics`` maps a name to (SQL aggregate of the week, SQL of its base: the count it
    is computed from). Partial first and last weeks are left out; a week is judged only
    when both its base and the previous week's are at least ``wow_min_base`` (a rate over
    five responses jumps for no reason).
    """

    def sql(ctx: FrameContext) -> str | None:
        present = [
            m
            for m, (agg, base) in metrics.items()
            if all(c in ctx.columns for c in re.findall(r"\((\w+)\)", agg + base))
        ]
        if not present:
            return None
        selects = " union all ".join(
            f"select week_start, '{m}' as metric, cast({metrics[m][0]} as double) as value, "
            f"cast({metrics[m][1]} as double) as base from days group by week_start"
            for m in present
        )
        return f"""
            with days as (
                select *, cast(date_trunc('week', cast({_q(day)} as date)) as date) as week_start
                from {ctx.relation}
            ),
            full_weeks as (
                select week_start from days group by week_start
                having count(distinct cast({_q(day)} as date)) = 7
            ),
            weekly as ({selects}),
            compared as (
                select weekly.week_start, metric, value, base,
                    lag(value) over (partition by metric order by weekly.week_start)
                        as previous_value,
                    lag(base) over (partition by metric order by weekly.week_start)
                        as previous_base
                from weekly join full_weeks using (week_start)
            )
            select week_start, metric, round(value, 4) as value,
                round(previous_value, 4) as previous_value,
                abs(value - previous_value) / previous_value as relative_change
            from compared
            where previous_base >= {ctx.settings.wow_min_base}
              and base >= {ctx.settings.wow_min_base}
              and previous_value > 0
            order by metric, week_start"""

    suite.add_frame(
        SqlFrame(
            "week_over_week",
            sql,
            index_columns=("week_start", "metric", "value", "previous_value"),
            skip_reason=lambda ctx: "no headline metric column found",
        )
    )
    _between(
        suite,
        "no_week_over_week_jump",
        f"headline metrics ({', '.join(metrics)}) change by at most "
        f"{settings.wow_jump_threshold:.0%} from one full week to the next",
        "relative_change",
        severity=WARNING,
        max_value=settings.wow_jump_threshold,
        frame="week_over_week",
        columns=(day,),
        explain="{metric} went from {previous_value:,} to {value:,} in the week of {week_start}",
    )


def _agg_agent_daily(settings: Settings) -> Suite:
    suite = _mart(
        "agg_agent_daily",
        "One row per agent per day: rates within [0, 1], counts not negative.",
        ("agent_id", "day"),
        ("agent_id", "replies", "tickets_solved"),
    )
    _not_in_future(suite, "day")
    _add_rates_check(suite)
    _non_negative(suite, ("replies", "tickets_solved", "sla_breaches"))
    return suite


# ------------------------------------------------------------------------------ success
def _paid_invoices_recognised_sql(ctx: FrameContext) -> str:
    """Paid invoice amounts (net of tax, after discount) recognised per month, in USD.

    An invoice covering [period_start, period_end) is spread over the months it covers
    in proportion to the seconds of the period that fall in each month, so an annual
    invoice contributes a twelfth to each month. Amounts are converted at the newest rate
    on or before the month's last day, as MRR is.
    """
    invoices = ctx.relation_of("source:raw_billing.invoices")
    rates = ctx.relation_of("source:raw_billing.exchange_rates")
    return f"""
        with latest as (
            select * from {invoices}
            qualify row_number() over (partition by invoice_id order by _loaded_at desc) = 1
        ),
        paid as (
            select invoice_id, currency, period_start, period_end,
                cast(total as double) - coalesce(cast(tax_amount as double), 0) as net_amount
            from latest
            where status = 'paid' and period_start is not null and period_end > period_start
        ),
        spread as (
            select paid.*, unnest(generate_series(
                date_trunc('month', period_start),
                date_trunc('month', period_end - interval 1 second),
                interval 1 month)) as month_start
            from paid
        ),
        recognised as (
            select cast(month_start as date) as month_start, currency,
                sum(net_amount
                    * date_diff('second',
                        greatest(period_start, month_start),
                        least(period_end, month_start + interval 1 month))
                    / date_diff('second', period_start, period_end)) as amount
            from spread group by all
        ),
        fx as (
            select r.month_start, r.currency,
                arg_max(x.usd_per_unit, x.rate_date) as usd_per_unit
            from (select distinct month_start, currency from recognised) as r
            join {rates} as x
                on x.currency = r.currency
                and x.rate_date <= last_day(r.month_start)
                and x.rate_date > last_day(r.month_start) - interval 31 day
            group by all
        )
        select recognised.month_start, sum(amount * fx.usd_per_unit) as paid_recognised
        from recognised join fx using (month_start, currency)
        group by 1"""


def _fct_mrr_monthly(settings: Settings) -> Suite:
    suite = _mart(
        "fct_mrr_monthly",
        "One row per customer x month: MRR not negative, ARR = 12 x MRR, and MRR of each "
        "month reconciles with paid invoices recognised in that month.",
        ("customer_id", "month_start"),
        ("customer_id", "month_start", "mrr", "arr"),
    )
    _not_in_future(suite, "month_start")
    _non_negative(suite, ("mrr", "mrr_constant_currency"))

    def reconcile(ctx: FrameContext) -> str:
        # MRR is an end-of-month snapshot while invoices recognise revenue day by day, so
        # a month is compared with its mid-month MRR: the mean of the previous month-end
        # (opening) and this month-end (closing). A customer won on the 20th then counts
        # for about half the month on both sides.
        return f"""
            with mrr as (
                select cast(month_start as date) as month_start,
                    cast(sum(mrr) as double) as closing_mrr
                from {ctx.relation} group by 1
            ),
            mid as (
                select month_start,
                    (closing_mrr + lag(closing_mrr) over (order by month_start)) / 2 as mrr
                from mrr
            ),
            inner_months as (
                select * from mid
                where month_start > (select min(month_start) from mrr)
                  and month_start < (select max(month_start) from mrr)
                  and mrr > 0
            ),
            paid as ({_paid_invoices_recognised_sql(ctx)})
            select inner_months.month_start, round(inner_months.mrr, 2) as mrr,
                round(coalesce(paid.paid_recognised, 0), 2) as paid_recognised,
                abs(inner_months.mrr - coalesce(paid.paid_recognised, 0)) / inner_months.mrr
                    as relative_difference
            from inner_months left join paid using (month_start)
            order by 1"""

    suite.add_frame(
        SqlFrame(
            "mrr_vs_invoices",
            reconcile,
            relations=("source:raw_billing.invoices", "source:raw_billing.exchange_rates"),
            index_columns=("month_start", "mrr", "paid_recognised"),
        )
    )
    # A heuristic across two systems (invoices may come from elsewhere or cover only some
    # customers): it warns, never blocks.
    _between(
        suite,
        "mrr_reconciles_with_paid_invoices",
        f"mid-month MRR (mean of opening and closing) is within "
        f"{settings.mrr_invoice_tolerance:.0%} of the paid invoice amounts (net of "
        "tax) recognised in the month, multi-month invoices spread over their period",
        "relative_difference",
        severity=WARNING,
        max_value=settings.mrr_invoice_tolerance,
        frame="mrr_vs_invoices",
        columns=("month_start", "mrr"),
        explain="month {month_start}: mid-month MRR {mrr:,.2f} vs paid invoices "
        "recognised {paid_recognised:,.2f}",
    )

    def arr(ctx: FrameContext) -> str:
        return f"""
            select count(*) as checked_rows,
                count(*) filter (where abs(arr - 12 * mrr) > 0.01) as mismatched_rows
            from {ctx.relation}"""

    suite.add_frame(SqlFrame("arr", arr, index_columns=("checked_rows",)))
    _between(
        suite,
        "arr_is_twelve_mrr",
        "arr equals 12 x mrr (to the cent)",
        "mismatched_rows",
        max_value=0,
        frame="arr",
        columns=("mrr", "arr"),
        explain="{mismatched_rows:,} of {checked_rows:,} rows have arr != 12 x mrr",
    )
    return suite


def _agg_retention_monthly(settings: Settings) -> Suite:
    suite = _mart(
        "agg_retention_monthly",
        "One row per month x segment: rates within [0, 1], NRR and GRR within plausible "
        "bounds, closing MRR equal to fct_mrr_monthly.",
        ("month_start", "segment"),
        ("month_start", "segment", "nrr_1m", "grr_1m", "nrr_12m", "grr_12m", "mrr_closing"),
    )
    _add_rates_check(suite)
    bounds = {
        "nrr": (settings.nrr_min, settings.nrr_max),
        "grr": (settings.grr_min, settings.grr_max),
    }
    for ratio, (lo, hi) in bounds.items():
        for base in ("1m", "12m"):
            column = f"{ratio}_{base}"
            for severity, condition, scope in (
                (WARNING, GxColumn("segment") == "all", "for all customers"),
                (WARNING, None, "for every segment"),
            ):
                extra = {"row_condition": condition} if condition is not None else {}
                _between(
                    suite,
                    f"{column}_plausible" + ("" if condition is not None else "_by_segment"),
                    f"{column} is between {lo:g} and {hi:g} {scope} (NULL when there is "
                    "no base passes)",
                    column,
                    severity=severity,
                    min_value=lo,
                    max_value=hi,
                    columns=(column, "segment"),
                    **extra,
                )
    suite.add(
        Check(
            "grr_not_above_nrr",
            "grr_1m is not above nrr_1m (gross retention caps each customer at its base)",
            BLOCKING,
            make(
                gxe.ExpectColumnPairValuesAToBeGreaterThanB,
                BLOCKING,
                column_A="nrr_1m",
                column_B="grr_1m",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            ),
            frame=ROWS,
            columns=("nrr_1m", "grr_1m"),
        )
    )

    def closing(ctx: FrameContext) -> str:
        mrr = ctx.relation_of("model:fct_mrr_monthly")
        return f"""
            with retention as (
                select cast(month_start as date) as month_start,
                    cast(mrr_closing as double) as mrr_closing
                from {ctx.relation} where segment = 'all'
            ),
            customers as (
                select cast(month_start as date) as month_start, cast(sum(mrr) as double) as mrr
                from {mrr} group by 1
            )
            select month_start, round(mrr_closing, 2) as mrr_closing,
                round(coalesce(customers.mrr, 0), 2) as mrr_fct_mrr_monthly,
                abs(mrr_closing - coalesce(customers.mrr, 0)) as difference
            from retention left join customers using (month_start)
            order by 1"""

    suite.add_frame(
        SqlFrame(
            "closing_vs_mrr",
            closing,
            relations=("model:fct_mrr_monthly",),
            index_columns=("month_start", "mrr_closing", "mrr_fct_mrr_monthly"),
        )
    )
    _between(
        suite,
        "closing_mrr_matches_fct_mrr_monthly",
        "mrr_closing of segment 'all' equals the sum of fct_mrr_monthly.mrr of the month "
        "(to the cent)",
        "difference",
        max_value=0.01,
        frame="closing_vs_mrr",
        columns=("month_start", "segment", "mrr_closing"),
        explain="month {month_start}: mrr_closing {mrr_closing:,.2f} vs fct_mrr_monthly "
        "{mrr_fct_mrr_monthly:,.2f}",
    )
    return suite


def _agg_cohort_retention(settings: Settings) -> Suite:
    suite = _mart(
        "agg_cohort_retention",
        "One row per cohort x segment x month offset: retention rates within [0, 1], a "
        "cohort keeps all its customers and MRR at offset 0.",
        ("cohort_month_start", "segment", "month_offset"),
        ("cohort_month_start", "segment", "month_offset", "logo_retention", "nrr"),
    )
    _add_rates_check(suite)
    for column in ("logo_retention", "nrr"):
        _between(
            suite,
            f"{column}_is_one_at_offset_0",
            f"{column} is 1 at month offset 0 (the cohort against itself)",
            column,
            min_value=0.999999,
            max_value=1.000001,
            row_condition=GxColumn("month_offset") == 0,
            columns=(column, "month_offset"),
        )
    _non_negative(suite, ("nrr",))
    return suite


# ------------------------------------------------------------------------------ accounts
def _dim_customers(settings: Settings) -> Suite:
    suite = _mart(
        "dim_customers",
        "One row per customer: segment known.",
        ("customer_id",),
        ("customer_id", "segment"),
    )
    suite.add(
        Check(
            "segment_known",
            "segment is one of smb, mid_market, enterprise (or 'unknown' after a repair)",
            WARNING,
            make(
                gxe.ExpectColumnValuesToBeInSet,
                WARNING,
                column="segment",
                value_set=["smb", "mid_market", "enterprise", "unknown"],
            ),
            frame=ROWS,
            columns=("segment",),
        )
    )
    return suite


def _customer_360(settings: Settings) -> Suite:
    suite = _mart(
        "customer_360",
        "One row per customer: rates within [0, 1], MRR not negative, health score 0-100.",
        ("customer_id",),
        ("customer_id", "current_mrr", "latest_health_score"),
    )
    _add_rates_check(suite)
    _non_negative(suite, ("current_mrr", "licensed_seats", "tickets_90d"))
    _between(
        suite,
        "latest_health_score_0_100",
        "latest_health_score is between 0 and 100",
        "latest_health_score",
        min_value=0,
        max_value=100,
    )
    _between(
        suite,
        "current_arr_is_twelve_mrr",
        "current_arr equals 12 x current_mrr (to the cent)",
        "arr_error",
        max_value=0.01,
        frame="arr",
        columns=("current_mrr", "current_arr"),
        explain="{customer_id}: current_arr {current_arr} vs current_mrr {current_mrr}",
    )
    suite.add_frame(
        SqlFrame(
            "arr",
            lambda ctx: (
                f"""
        select customer_id, current_mrr, current_arr,
            abs(current_arr - 12 * current_mrr) as arr_error
        from {ctx.relation} where abs(current_arr - 12 * current_mrr) > 0.01
        union all select null, null, null, 0  -- one row even when every customer agrees"""
            ),
        )
    )
    return suite


def _fct_account_health_weekly(settings: Settings) -> Suite:
    suite = _mart(
        "fct_account_health_weekly",
        "One row per account per ISO week: the score and every component within 0-100.",
        ("customer_id", "week_start"),
        ("customer_id", "week_start", "health_score"),
    )

    def scores(ctx: FrameContext) -> str | None:
        # numeric scores only (weakest_component names a component: text)
        names = [n for n in ctx.columns if n.endswith("_score")]
        if not names:
            return None
        return " union all ".join(
            f"select '{n}' as score_column, count({_q(n)}) as checked_rows, "
            f"count(*) filter (where {_q(n)} < 0 or {_q(n)} > 100) as out_of_range_rows "
            f"from {ctx.relation}"
            for n in names
        )

    _not_in_future(suite, "week_start")
    suite.add_frame(
        SqlFrame(
            "scores",
            scores,
            index_columns=("score_column", "checked_rows"),
            skip_reason=lambda ctx: "no score column found",
        )
    )
    _between(
        suite,
        "scores_within_0_100",
        "the health score and each component (columns *_score) are within [0, 100]",
        "out_of_range_rows",
        max_value=0,
        frame="scores",
        explain="{score_column} has {out_of_range_rows:,} of {checked_rows:,} values "
        "outside [0, 100]",
    )
    _add_rates_check(suite)
    return suite


def mart_suites(settings: Settings) -> list[Suite]:
    return [
        _fct_tickets(settings),
        _fct_sla_events(settings),
        _agg_support_daily(settings),
        _agg_agent_daily(settings),
        _fct_mrr_monthly(settings),
        _agg_retention_monthly(settings),
        _agg_cohort_retention(settings),
        _dim_customers(settings),
        _customer_360(settings),
        _fct_account_health_weekly(settings),
    ]
