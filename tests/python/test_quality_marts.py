"""Mart suites on small hand-built marts: each sanity rule fails where it should.

The marts are written by hand with the column names of the real models (only the
columns the suites read), so every expected number below can be checked on paper.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from test_quality_raw import write_raw

from support_success.quality import run_suite
from support_success.quality.suites.marts import rate_columns

# Validation instant of the mart tests: after every hand-built month and day.
NOW = dt.datetime(2025, 12, 31, 12, 0)


def write_marts(database: Path, **frames: pd.DataFrame) -> None:
    con = duckdb.connect(str(database))
    try:
        con.execute("create schema if not exists marts")
        for name, frame in frames.items():
            con.register("frame", frame)
            con.execute(f"create or replace table marts.{name} as select * from frame")
            con.unregister("frame")
    finally:
        con.close()


def failures(result, severity: str) -> dict[str, dict]:
    found = result.blocking_failures if severity == "blocking" else result.warnings
    return {f["expectation"]: f for f in found}


@pytest.fixture
def db(tmp_path) -> Path:
    database = tmp_path / "warehouse.duckdb"
    write_raw(database, rows={})  # empty raw tables: marts are what is checked here
    return database


# ------------------------------------------------------------------------ missing marts
def test_missing_mart_is_skipped_not_crashed(db):
    result = run_suite("mart__fct_tickets", db, now=NOW)
    assert result.skipped and result.success
    assert result.status == "skipped"
    assert result.skipped_reason == "relation missing (model:fct_tickets is not in the warehouse)"
    assert result.to_metadata()["skipped_reason"] == result.skipped_reason


def test_rate_columns_are_found_by_name_and_type():
    columns = {
        "one_touch_rate": "DOUBLE",
        "sla_first_response_attainment": "DOUBLE",
        "csat": "DOUBLE",
        "csat_responses": "BIGINT",
        "csat_90d": "DECIMAL(18,4)",
        "logo_retention_1m": "DECIMAL(18,6)",
        "nrr_1m": "DECIMAL(18,6)",
        "adoption_rate": "DECIMAL(18,4)",
        "reopened_tickets": "BIGINT",
        "nps": "DOUBLE",
    }
    assert rate_columns(columns) == [
        "one_touch_rate",
        "sla_first_response_attainment",
        "csat",
        "csat_90d",
        "logo_retention_1m",
    ]


# ---------------------------------------------------------------------- support marts
def daily(days: pd.DatetimeIndex, created: list[int], **overrides) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "day": days.date,
            "channel": "email",
            "priority": "normal",
            "group_name": "support",
            "ticket_function": "service",
            "tickets_created": created,
            "tickets_solved": created,
            "backlog_end_of_day": 0,
            "one_touch_rate": 0.5,
            "sla_first_response_achieved": 9,
            "sla_first_response_measured": 10,
            "sla_first_response_attainment": 0.9,
            "csat_responses": 0,
            "csat_satisfied_responses": 0,
            "csat": None,
            "ces": 5.0,
            "nps": 10.0,
        }
    )
    for column, value in overrides.items():
        frame[column] = value
    return frame


def tickets_for(days: pd.DatetimeIndex, created: list[int]) -> pd.DataFrame:
    rows = [
        {
            "ticket_id": f"{d:%m%d}-{i}",
            "created_date": d.date(),
            "status": "solved",
            "csat_score": 5,
            "ces_score": 2,
        }
        for d, n in zip(days, created, strict=True)
        for i in range(n)
    ]
    return pd.DataFrame(rows)


THREE_WEEKS = pd.date_range("2025-03-03", "2025-03-23")  # Monday to Sunday, 21 days


def test_consistent_support_marts_pass(db):
    created = [10] * 21
    write_marts(
        db,
        agg_support_daily=daily(THREE_WEEKS, created),
        fct_tickets=tickets_for(THREE_WEEKS, created),
    )
    result = run_suite("mart__agg_support_daily", db, now=NOW)
    assert result.blocking_failures == [] and result.warnings == []
    evaluated = {c.name for c in result.checks if not c.skipped}
    assert {
        "rates_within_0_1",
        "tickets_created_match_fct_tickets",
        "backlog_matches_open_tickets",
        "no_week_over_week_jump",
    } <= evaluated


def test_rate_above_one_blocks_naming_the_column(db):
    created = [10] * 21
    frame = daily(THREE_WEEKS, created)
    frame.loc[3, "one_touch_rate"] = 1.25
    write_marts(db, agg_support_daily=frame, fct_tickets=tickets_for(THREE_WEEKS, created))
    failure = failures(run_suite("mart__agg_support_daily", db, now=NOW), "blocking")
    assert (
        "one_touch_rate has 1 of 21 values outside [0, 1] (min 0.5, max 1.25)"
        in (failure["rates_within_0_1"]["message"])
    )


def test_daily_created_counts_disagreeing_with_tickets_block(db):
    created = [10] * 21
    frame = daily(THREE_WEEKS, created)
    frame.loc[2, "tickets_created"] = 11  # 2025-03-05 claims one ticket more than exists
    write_marts(db, agg_support_daily=frame, fct_tickets=tickets_for(THREE_WEEKS, created))
    failure = failures(run_suite("mart__agg_support_daily", db, now=NOW), "blocking")
    found = failure["tickets_created_match_fct_tickets"]
    assert found["unexpected_count"] == 1
    assert found["sample"][0]["day"].startswith("2025-03-05")
    assert found["sample"][0]["tickets_created_daily_mart"] == 11
    assert found["sample"][0]["tickets_created_fct_tickets"] == 10


def test_backlog_disagreeing_with_open_tickets_warns(db):
    created = [10] * 21
    tickets = tickets_for(THREE_WEEKS, created)
    tickets.loc[:2, "status"] = "open"  # three tickets still open, the daily mart says 0
    write_marts(db, agg_support_daily=daily(THREE_WEEKS, created), fct_tickets=tickets)
    result = run_suite("mart__agg_support_daily", db, now=NOW)
    assert "backlog_matches_open_tickets" in failures(result, "warning")
    assert result.success


def test_week_over_week_jump_warns(db):
    created = [10] * 14 + [20] * 7  # 70, 70, then 140 tickets: +100% in the third week
    write_marts(
        db,
        agg_support_daily=daily(THREE_WEEKS, created),
        fct_tickets=tickets_for(THREE_WEEKS, created),
    )
    result = run_suite("mart__agg_support_daily", db, now=NOW)
    found = failures(result, "warning")["no_week_over_week_jump"]
    # tickets_created and tickets_solved both doubled; SLA attainment stayed at 0.9.
    assert found["unexpected_count"] == 2
    assert "tickets_created went from 70.0 to 140.0 in the week of 2025-03-17" in found["message"]
    assert result.success


def test_ticket_clock_sanity(db):
    write_marts(
        db,
        fct_tickets=pd.DataFrame(
            {
                "ticket_id": ["1", "2", "3"],
                "created_date": [dt.date(2025, 3, 3)] * 3,
                "status": ["solved"] * 3,
                "first_response_minutes_calendar": [60.0, 30.0, None],
                "first_response_minutes_business": [60.0, 45.0, None],  # 45 > 30: impossible
                "csat_score": [5, 6, None],  # 6 is off the 1-5 scale
                "ces_score": [1, 7, None],
            }
        ),
    )
    result = run_suite("mart__fct_tickets", db, now=NOW)
    blocked = failures(result, "blocking")
    assert (
        "e.g. 2: first_response_minutes_calendar=30.0, first_response_minutes_business=45.0"
        in (blocked["first_response_business_within_calendar"]["message"])
    )
    assert blocked["csat_score_in_scale"]["sample"] == [{"ticket_id": "2", "csat_score": 6}]
    assert "ces_score_in_scale" not in blocked
    skipped = {c.name for c in result.checks if c.skipped}
    assert "agent_work_business_within_calendar" in skipped  # column not in this hand mart


def test_unknown_sla_status_blocks(db):
    write_marts(
        db,
        fct_sla_events=pd.DataFrame(
            {
                "sla_event_id": ["a", "b", "c"],
                "metric": ["first_response"] * 3,
                "sla_status": ["achieved", "breached", "paused"],
                "elapsed_minutes": [10.0, 90.0, 5.0],
                "target_minutes": [60, 60, 60],
            }
        ),
    )
    result = run_suite("mart__fct_sla_events", db, now=NOW)
    assert "sla_status_known" in failures(result, "blocking")
    assert "sla_attainment_within_0_1" not in failures(result, "blocking")  # 1 / 2 = 0.5


# ---------------------------------------------------------------------- success marts
MONTHS = pd.date_range("2025-01-01", "2025-07-01", freq="MS")  # Jan..Jul: Feb..Jun judged


def mrr_frame(mrr_by_month: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": "C-1",
            "month_start": MONTHS.date,
            "mrr": mrr_by_month,
            "arr": [12 * m for m in mrr_by_month],
            "mrr_constant_currency": mrr_by_month,
        }
    )


def monthly_invoices(net_eur: float | list[float]) -> list[dict]:
    """One paid EUR invoice per month (Jan..Jul) of net ``net_eur`` (+20% tax, not MRR)."""
    nets = net_eur if isinstance(net_eur, list) else [net_eur] * len(MONTHS)
    rows = []
    for start, net_eur in zip(MONTHS, nets, strict=True):
        end = start + pd.offsets.MonthBegin(1)
        rows.append(
            dict(
                invoice_id=f"I-{start:%m}",
                customer_id="C-1",
                subscription_id="SB-1",
                currency="EUR",
                status="paid",
                issued_at=str(start),
                paid_at=str(start),
                period_start=str(start),
                period_end=str(end),
                subtotal=net_eur,
                discount_amount=0,
                tax_amount=net_eur * 0.2,
                total=net_eur * 1.2,
                amount_paid=net_eur * 1.2,
            )
        )
    return rows


def eur_rates(usd_per_eur: float = 1.1) -> list[dict]:
    return [
        dict(rate_date=str(d.date()), currency="EUR", usd_per_unit=usd_per_eur)
        for d in pd.date_range("2024-12-01", "2025-08-31")
    ]


def test_mrr_reconciles_with_monthly_invoices_in_another_currency(db):
    # EUR 100 net a month at 1.1 USD/EUR = USD 110 recognised; MRR USD 110: difference 0.
    write_raw(
        db,
        rows={
            "raw_billing.invoices": monthly_invoices(100),
            "raw_billing.exchange_rates": eur_rates(),
        },
    )
    write_marts(db, fct_mrr_monthly=mrr_frame([110.0] * 7))
    result = run_suite("mart__fct_mrr_monthly", db, now=NOW)
    assert result.blocking_failures == [] and result.warnings == []
    check = next(c for c in result.checks if c.name == "mrr_reconciles_with_paid_invoices")
    assert check.message.endswith("all 5 mrr_vs_invoices rows pass")  # Feb..Jun


def test_annual_invoice_is_spread_over_its_period(db):
    # USD 1,320 for 2025-01-01..2026-01-01 (365 days) is recognised by days:
    # Feb 1320 x 28/365 = 101.26 (7.9% under 110), Mar 1320 x 31/365 = 112.11 (1.9% over):
    # both within the 15% tolerance.
    annual = dict(
        invoice_id="I-Y",
        customer_id="C-1",
        subscription_id="SB-1",
        currency="USD",
        status="paid",
        issued_at="2025-01-01",
        paid_at="2025-01-02",
        period_start="2025-01-01",
        period_end="2026-01-01",
        subtotal=1320,
        discount_amount=0,
        tax_amount=0,
        total=1320,
        amount_paid=1320,
    )
    usd = [
        dict(rate_date=str(d.date()), currency="USD", usd_per_unit=1.0)
        for d in pd.date_range("2024-12-01", "2025-08-31")
    ]
    write_raw(db, rows={"raw_billing.invoices": [annual], "raw_billing.exchange_rates": usd})
    write_marts(db, fct_mrr_monthly=mrr_frame([110.0] * 7))
    result = run_suite("mart__fct_mrr_monthly", db, now=NOW)
    assert result.warnings == [] and result.blocking_failures == []


def test_mrr_is_compared_at_mid_month(db):
    # A seat upgrade on 1 March doubles MRR from USD 110 (end of Feb) to 220 (end of Mar).
    # Invoices follow: EUR 100 a month, 150 in March (a prorated upgrade), then 200.
    # Mid-month MRR of March = (110 + 220) / 2 = 165 = EUR 150 x 1.1: no difference, where
    # the month-end snapshot (220) would be 25% off.
    nets = [100, 100, 150, 200, 200, 200, 200]
    write_raw(
        db,
        rows={
            "raw_billing.invoices": monthly_invoices(nets),
            "raw_billing.exchange_rates": eur_rates(),
        },
    )
    write_marts(db, fct_mrr_monthly=mrr_frame([110, 110, 220, 220, 220, 220, 220]))
    result = run_suite("mart__fct_mrr_monthly", db, now=NOW)
    assert result.warnings == [] and result.blocking_failures == []


def test_mrr_off_from_invoices_warns_and_never_blocks(db):
    # MRR is USD 110 every month. March invoices EUR 130 (USD 143): |110 - 143| / 110 = 30%,
    # above the 15% tolerance; Feb, Apr, May, Jun reconcile: 4 of 5 months = 80%.
    nets = [100, 100, 130, 100, 100, 100, 100]
    write_raw(
        db,
        rows={
            "raw_billing.invoices": monthly_invoices(nets),
            "raw_billing.exchange_rates": eur_rates(),
        },
    )
    write_marts(db, fct_mrr_monthly=mrr_frame([110.0] * 7))
    result = run_suite("mart__fct_mrr_monthly", db, now=NOW)
    warned = failures(result, "warning")["mrr_reconciles_with_paid_invoices"]
    assert warned["unexpected_count"] == 1
    assert (
        "month 2025-03-01: mid-month MRR 110.00 vs paid invoices recognised 143.00"
        in (warned["message"])
    )
    assert result.success
    # Two bad months of five: still a warning. Invoices may come from another system or
    # cover only some customers: a heuristic across two systems never withholds the marts.
    nets[3] = 130
    write_raw(
        db,
        rows={
            "raw_billing.invoices": monthly_invoices(nets),
            "raw_billing.exchange_rates": eur_rates(),
        },
    )
    result = run_suite("mart__fct_mrr_monthly", db, now=NOW)
    assert failures(result, "warning")["mrr_reconciles_with_paid_invoices"]["unexpected_count"] == 2
    assert "mrr_reconciles_with_paid_invoices" not in failures(result, "blocking")
    assert result.success


def test_arr_not_twelve_times_mrr_blocks(db):
    frame = mrr_frame([110.0] * 7)
    frame.loc[0, "arr"] = 1300
    write_marts(db, fct_mrr_monthly=frame)
    found = failures(run_suite("mart__fct_mrr_monthly", db, now=NOW), "blocking")
    assert "1 of 7 rows have arr != 12 x mrr" in found["arr_is_twelve_mrr"]["message"]


def retention(nrr_all: float, nrr_smb: float, closing_all: float = 110.0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "month_start": [dt.date(2025, 2, 1)] * 2,
            "segment": ["all", "smb"],
            "nrr_1m": [nrr_all, nrr_smb],
            "grr_1m": [0.95, 0.9],
            "nrr_12m": [None, None],  # no base twelve months back: NULL passes
            "grr_12m": [None, None],
            "logo_retention_1m": [0.98, 1.0],
            "mrr_closing": [closing_all, 50.0],
        }
    )


def test_plausible_retention_passes(db):
    write_marts(
        db, agg_retention_monthly=retention(1.02, 1.1), fct_mrr_monthly=mrr_frame([110.0] * 7)
    )
    result = run_suite("mart__agg_retention_monthly", db, now=NOW)
    assert result.blocking_failures == [] and result.warnings == []


def test_implausible_nrr_warns_for_all_and_for_a_segment(db):
    write_marts(
        db, agg_retention_monthly=retention(1.02, 2.6), fct_mrr_monthly=mrr_frame([110.0] * 7)
    )
    result = run_suite("mart__agg_retention_monthly", db, now=NOW)
    assert "nrr_1m_plausible" not in failures(result, "blocking")
    assert failures(result, "warning")["nrr_1m_plausible_by_segment"]["sample"][0]["nrr_1m"] == 2.6
    write_marts(db, agg_retention_monthly=retention(3.0, 1.0))
    result = run_suite("mart__agg_retention_monthly", db, now=NOW)
    # NRR of 3.0 is implausible, not impossible (a small book with one big expansion):
    # a warning. A broken invariant (GRR above NRR) would block.
    assert "nrr_1m_plausible" in failures(result, "warning")
    assert "nrr_1m_plausible" not in failures(result, "blocking")
    assert "grr_not_above_nrr" not in failures(result, "blocking")


def test_retention_closing_mrr_must_match_fct_mrr_monthly(db):
    write_marts(
        db,
        agg_retention_monthly=retention(1.0, 1.0, closing_all=120.0),
        fct_mrr_monthly=mrr_frame([110.0] * 7),
    )
    found = failures(run_suite("mart__agg_retention_monthly", db, now=NOW), "blocking")
    assert (
        "month 2025-02-01: mrr_closing 120.00 vs fct_mrr_monthly 110.00"
        in (found["closing_mrr_matches_fct_mrr_monthly"]["message"])
    )


def test_cohort_not_whole_at_offset_zero_blocks(db):
    write_marts(
        db,
        agg_cohort_retention=pd.DataFrame(
            {
                "cohort_month_start": [dt.date(2025, 1, 1)] * 2,
                "segment": ["all"] * 2,
                "month_offset": [0, 1],
                "logo_retention": [1.0, 0.9],
                "nrr": [0.97, 1.05],
            }
        ),
    )
    found = failures(run_suite("mart__agg_cohort_retention", db, now=NOW), "blocking")
    assert found["nrr_is_one_at_offset_0"]["unexpected_count"] == 1
    assert "logo_retention_is_one_at_offset_0" not in found


def test_health_scores_out_of_range_block(db):
    write_marts(
        db,
        fct_account_health_weekly=pd.DataFrame(
            {
                "customer_id": ["C-1", "C-2"],
                "week_start": [dt.date(2025, 3, 3)] * 2,
                "adoption_score": [50.0, 101.0],
                "health_score": [70.0, 80.0],
                "seat_utilisation": [1.4, 0.5],  # more active users than seats: allowed
            }
        ),
    )
    result = run_suite("mart__fct_account_health_weekly", db, now=NOW)
    found = failures(result, "blocking")
    assert found["scores_within_0_100"]["message"].endswith(
        "adoption_score has 1 of 2 values outside [0, 100]"
    )
    assert "rates_within_0_1" not in found


def test_rows_dated_after_the_validation_instant_block(db):
    created = [10] * 21
    frame = daily(THREE_WEEKS, created)
    frame.loc[20, "day"] = dt.date(2099, 3, 23)  # a far-future timestamp leaked into a mart
    write_marts(db, agg_support_daily=frame, fct_tickets=tickets_for(THREE_WEEKS, created))
    found = failures(run_suite("mart__agg_support_daily", db, now=NOW), "blocking")
    assert found["day_not_in_future"]["message"].endswith(
        "1 of 21 rows are dated after the validation instant, up to 2099-03-23"
    )
    assert found["day_not_in_future"]["unexpected_count"] == 1
