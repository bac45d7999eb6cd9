"""The dashboard's queries (support_success/dashboard/data.py) on a hand-made published file.

The file below holds a few rows of each mart the dashboard reads (only the
columns it reads), with every expected figure worked out by hand in the
comments. The app itself is run headless with Streamlit's AppTest: with no
published warehouse it must say to run `make run`; with this file its pages
must show these figures. The browser test (test_dashboard_browser.py) does the
same on the real demo marts in Chromium.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from support_success.dashboard import data

D1, D2, D3 = date(2026, 1, 5), date(2026, 1, 6), date(2026, 2, 2)
JAN, FEB = date(2026, 1, 1), date(2026, 2, 1)
EVERYTHING = data.Filters(start=date(2026, 1, 1), end=date(2026, 2, 28))


def day(value) -> date:
    """A date column as read back into pandas (Timestamp) as a date."""
    return pd.Timestamp(value).date()


SUPPORT_DAILY = """
create table marts.agg_support_daily (
    day date, channel varchar, priority varchar, group_name varchar,
    tickets_created bigint, backlog_end_of_day bigint,
    sla_first_response_achieved bigint, sla_first_response_measured bigint,
    sla_next_response_achieved bigint, sla_next_response_measured bigint,
    sla_resolution_achieved bigint, sla_resolution_measured bigint,
    csat_responses bigint, csat_satisfied_responses bigint,
    nps_responses bigint, nps_promoters bigint, nps_detractors bigint, tickets_solved bigint
);
insert into marts.agg_support_daily values
    -- day, channel, priority, group, created, backlog,
    -- first response, next response, resolution (achieved, measured), csat (n, satisfied),
    -- nps (answers, promoters, detractors), solved
    ('2026-01-05', 'email', 'high', 'G1', 2, 2,  1, 2,  0, 0,  0, 0,  1, 1,  0, 0, 0, 1),  -- A
    ('2026-01-05', 'chat',  'low',  'G2', 1, 1,  1, 1,  1, 1,  0, 0,  1, 0,  0, 0, 0, 0),  -- B
    ('2026-01-05', 'n/a',   'n/a',  'n/a', 0, 0, 0, 0,  0, 0,  0, 0,  0, 0,  3, 2, 0, 0),  -- C
    ('2026-01-06', 'email', 'high', 'G1', 0, 1,  0, 0,  0, 0,  1, 2,  0, 0,  0, 0, 0, 1),  -- D
    ('2026-02-02', 'chat',  'low',  'G2', 1, 0,  0, 1,  0, 0,  0, 0,  0, 0,  0, 0, 0, 0),  -- E
    ('2026-02-02', 'n/a',   'n/a',  'n/a', 0, 0, 0, 0,  0, 0,  0, 0,  0, 0,  1, 0, 1, 0); -- F
-- the other SLA metrics: only D has any (agent work 1 of 1, periodic update 0 of 2)
alter table marts.agg_support_daily add column sla_agent_work_achieved bigint default 0;
alter table marts.agg_support_daily add column sla_agent_work_measured bigint default 0;
alter table marts.agg_support_daily add column sla_periodic_update_achieved bigint default 0;
alter table marts.agg_support_daily add column sla_periodic_update_measured bigint default 0;
alter table marts.agg_support_daily add column sla_pausable_update_achieved bigint default 0;
alter table marts.agg_support_daily add column sla_pausable_update_measured bigint default 0;
update marts.agg_support_daily
set sla_agent_work_achieved = 1, sla_agent_work_measured = 1, sla_periodic_update_measured = 2
where day = '2026-01-06';
"""

TICKETS = """
create table marts.fct_tickets (
    ticket_id varchar, account_id varchar, created_at timestamp, created_date date,
    channel varchar, priority varchar, ticket_type varchar, status varchar,
    first_reply_at timestamp, first_response_minutes_business double,
    full_resolution_minutes_business double, sla_breaches bigint, csat_score integer
);
insert into marts.fct_tickets values
    ('T1', 'C1', '2026-01-05 08:00', '2026-01-05', 'email', 'high', 'question', 'solved',
        '2026-01-05 08:10', 10, 60, 0, 5),
    ('T2', 'C1', '2026-01-05 09:00', '2026-01-05', 'email', 'high', 'incident', 'open',
        '2026-01-05 09:30', 30, null, 1, null),
    ('T3', 'C2', '2026-01-05 10:00', '2026-01-05', 'chat', 'low', 'question', 'solved',
        '2026-01-05 10:20', 20, 20, 0, 2),
    -- created in January, first answered on D3: counts in February's first responses
    ('T4', 'C1', '2026-01-30 10:00', '2026-01-30', 'email', 'normal', 'task', 'solved',
        '2026-02-02 11:00', 40, 500, 0, null),
    ('T5', 'C2', '2026-02-02 12:00', '2026-02-02', 'chat', 'low', 'question', 'new',
        null, null, null, 1, null);
"""

RETENTION = """
create table marts.agg_retention_monthly (
    month_start date, segment varchar, reporting_currency varchar,
    customers_closing bigint, customers_churned bigint,
    mrr_opening decimal(18,2), mrr_new decimal(18,2), mrr_reactivation decimal(18,2),
    mrr_expansion decimal(18,2), mrr_contraction decimal(18,2), mrr_churn decimal(18,2),
    mrr_fx decimal(18,2), mrr_closing decimal(18,2),
    nrr_1m decimal(18,6), grr_1m decimal(18,6), logo_retention_1m decimal(18,6),
    nrr_12m decimal(18,6), grr_12m decimal(18,6), logo_churn_rate decimal(18,6),
    revenue_churn_rate decimal(18,6), quick_ratio decimal(18,6), arpa decimal(18,2)
);
insert into marts.agg_retention_monthly values
    -- January: 100 + 50 + 0 + 7 - 5 - 20 + 3 (fx) = 135; February: 135 + 0 + 15 + 0 - 10 - 0
    -- + 0 = 140
    ('2026-01-01', 'all', 'USD', 3, 1, 100, 50, 0, 7, 5, 20, 3, 135,
        0.85, 0.75, 0.5, null, null, 0.5, 0.2, 2.4, 45),
    ('2026-02-01', 'all', 'USD', 4, 0, 135, 0, 15, 0, 10, 0, 0, 140,
        0.962963, 0.925926, 1, null, null, 0, 0, 1.5, 35),
    ('2026-01-01', 'smb', 'USD', 1, 0, 40, 0, 0, 0, 0, 0, 0, 40,
        1, 1, 1, null, null, 0, 0, null, 40),
    ('2026-02-01', 'smb', 'USD', 1, 0, 40, 0, 0, 2.5, 0, 0, 0, 42.5,
        1.0625, 1, 1, null, null, 0, 0, null, 42.5);
"""

COHORTS = """
create table marts.agg_cohort_retention (
    cohort_month_start date, segment varchar, month_offset integer, month_start date,
    is_observed boolean, cohort_customers bigint, cohort_mrr decimal(18,2),
    active_customers bigint, mrr decimal(18,2), logo_retention decimal(18,6), nrr decimal(18,6)
);
insert into marts.agg_cohort_retention values
    ('2026-01-01', 'all', 0, '2026-01-01', true, 2, 50, 2, 50, 1, 1),
    ('2026-01-01', 'all', 1, '2026-02-01', true, 2, 50, 1, 30, 0.5, 0.6),
    ('2026-01-01', 'all', 2, '2026-03-01', false, 2, 50, null, null, null, null),
    ('2026-02-01', 'all', 0, '2026-02-01', true, 1, 15, 1, 15, 1, 1),
    ('2026-02-01', 'all', 1, '2026-03-01', false, 1, 15, null, null, null, null),
    ('2026-01-01', 'smb', 0, '2026-01-01', true, 1, 40, 1, 40, 1, 1);
"""

HEALTH = """
create table marts.fct_account_health_weekly (
    customer_id varchar, week_start date, segment varchar, mrr decimal(18,2),
    health_score decimal(5,1), health_status varchar, adoption_score decimal(5,1),
    support_score decimal(5,1), relationship_score decimal(5,1), billing_score decimal(5,1),
    health_score_change_4w decimal(5,1), weakest_component varchar
);
insert into marts.fct_account_health_weekly values
    ('C1', '2026-01-26', 'smb', 40, 81.5, 'green', 80, 90, 75, 100, 1.0, 'relationship'),
    -- red and falling: at risk; C3 is red but rising: not
    ('C2', '2026-01-26', 'enterprise', 95, 55.0, 'red', 40, 60, 75, 50, -6.0, 'adoption'),
    ('C3', '2026-01-26', 'smb', 10, 30.0, 'red', 20, 40, 75, 0, 2.0, 'billing'),
    ('C1', '2026-02-02', 'smb', 42.5, 82.0, 'green', 81, 90, 75, 100, 0.5, 'relationship');
"""

CUSTOMERS = """
create table marts.dim_customers (customer_id varchar, customer_name varchar, segment varchar);
insert into marts.dim_customers values
    ('C1', 'One Ltd', 'smb'), ('C2', 'Two GmbH', 'enterprise'), ('C3', 'Three SA', 'smb');
create table marts.fct_mrr_monthly (
    customer_id varchar, month_start date, mrr decimal(18,2), movement_type varchar,
    movement_amount decimal(18,2), subscribed_quantity bigint
);
insert into marts.fct_mrr_monthly values
    ('C1', '2026-01-01', 40, 'new', 40, 10), ('C1', '2026-02-01', 42.5, 'expansion', 2.5, 11);
"""

PUBLICATION = """
create schema publication;
create table publication.run as
    select 'run-1'::varchar as run_id, 'test'::varchar as trigger,
        '2026-02-03 04:00:00'::timestamp as published_at;
"""


def customer_360_table() -> str:
    types = {
        "is_deleted": "boolean",
        "current_mrr": "decimal(18,2)",
        "current_arr": "decimal(18,2)",
        "first_paid_month_start": "date",
        "churned_at": "timestamp",
        "latest_health_week_start": "date",
    }
    numeric = {
        "tenure_paid_months",
        "churns",
        "reactivations",
        "licensed_seats",
        "tickets_90d",
        "sla_breaches_90d",
        "csat_responses_90d",
        "nps_responses_90d",
        "tickets_90d_before_churn",
        "sla_breaches_90d_before_churn",
    }
    decimals = {
        "average_daily_active_users_28d",
        "adoption_rate",
        "csat_90d",
        "nps_90d",
        "latest_health_score",
        "health_score_change_4w",
        "csat_90d_before_churn",
        "nps_90d_before_churn",
    }
    columns = []
    for name in data.CUSTOMER_360_COLUMNS:
        kind = types.get(name) or (
            "bigint" if name in numeric else "decimal(18,4)" if name in decimals else "varchar"
        )
        columns.append(f"{name} {kind}")
    return f"""
    create table marts.customer_360 ({", ".join(columns)});
    insert into marts.customer_360 (customer_id, segment, lifecycle_stage, reporting_currency,
        current_mrr, current_arr, churns, reactivations, is_deleted, tickets_90d,
        tenure_paid_months, latest_health_score, latest_health_status, adoption_rate)
    values
        ('C1', 'smb', 'active', 'USD', 42.5, 510, 0, 0, false, 4, 2, 82.0, 'green', 0.5),
        ('C2', 'enterprise', 'churned', 'USD', 0, 0, 1, 0, false, 1, 1, null, null, null),
        ('C3', 'smb', 'active', 'USD', 42.5, 510, 0, 0, false, 0, 2, null, null, null);
    """


def make_published(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        for sql in (
            SUPPORT_DAILY,
            TICKETS,
            RETENTION,
            COHORTS,
            HEALTH,
            CUSTOMERS,
            PUBLICATION,
            customer_360_table(),
        ):
            con.execute(sql)
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    return make_published(tmp_path_factory.mktemp("dash") / "published" / "warehouse.duckdb")


# ---------------------------------------------------------------------- support


def test_support_headline_sums_numerators_and_denominators(published):
    head = data.support_headline(published, EVERYTHING)
    assert head.tickets_created == 4  # A 2 + B 1 + E 1
    assert head.tickets_solved == 2  # A 1 + D 1
    # achieved A 1 + B 2 + D (1 + 1) = 5 of measured A 2 + B 2 + D (2 + 1 + 2) + E 1 = 10
    assert (head.sla_achieved, head.sla_measured) == (5, 10)
    assert head.sla_attainment == pytest.approx(5 / 10)
    assert head.sla_first_response_attainment == pytest.approx(2 / 4)  # A 1/2, B 1/1, E 0/1
    assert head.first_responses == 4
    assert head.first_response_median_business == pytest.approx(25.0)  # 10, 20, 30, 40
    assert head.csat == pytest.approx(0.5)  # A 1 of 1, B 0 of 1
    assert head.nps == pytest.approx(25.0)  # 100 × (2 − 1) / 4
    # the range ends after the last day of data: backlog of that day (E 0; no other row)
    assert (head.backlog_day, head.backlog) == (D3, 0)


def test_the_channel_filter_leaves_nps_alone(published):
    email = data.support_headline(
        published, data.Filters(EVERYTHING.start, EVERYTHING.end, channel="email")
    )
    assert (email.tickets_created, email.tickets_solved) == (2, 2)
    assert email.sla_attainment == pytest.approx(3 / 7)  # A 1/2, D 1/2 + 1/1 + 0/2
    assert email.first_response_median_business == pytest.approx(30.0)  # 10, 30, 40
    assert email.csat == pytest.approx(1.0)
    assert email.nps == pytest.approx(25.0)  # NPS answers have no channel


def test_a_one_day_range_reads_that_day_only(published):
    day = data.support_headline(published, data.Filters(D1, D1))
    assert day.sla_attainment == pytest.approx(3 / 4)  # A 1/2 + B 2/2
    assert day.first_response_median_business == pytest.approx(20.0)  # 10, 20, 30
    assert (day.backlog_day, day.backlog) == (D1, 3)
    assert day.nps == pytest.approx(100 * 2 / 3)
    email_day = data.support_headline(published, data.Filters(D1, D1, channel="email"))
    assert email_day.backlog == 2


def test_a_range_without_support_data_gives_no_ratio(published):
    empty = data.support_headline(published, data.Filters(date(2025, 1, 1), date(2025, 1, 31)))
    assert (empty.tickets_created, empty.sla_attainment, empty.csat, empty.nps) == (
        0,
        None,
        None,
        None,
    )
    assert empty.first_response_median_business is None


def test_sla_attainment_by_month_metric_priority_and_group(published):
    monthly = data.sla_attainment_monthly(published, EVERYTHING)
    rows = {(day(r.month_start), r.metric): (r.achieved, r.measured) for r in monthly.itertuples()}
    assert rows == {
        (JAN, "first_response"): (2, 3),
        (JAN, "next_response"): (1, 1),
        (JAN, "resolution"): (1, 2),
        (JAN, "agent_work"): (1, 1),
        (JAN, "periodic_update"): (0, 2),
        (FEB, "first_response"): (0, 1),
    }
    by_priority = data.sla_attainment_by_priority(published, EVERYTHING)
    rows = {(r.priority, r.metric): r.attainment for r in by_priority.itertuples()}
    assert rows[("high", "first_response")] == pytest.approx(0.5)
    assert rows[("low", "first_response")] == pytest.approx(0.5)  # B 1/1 + E 0/1
    breaches = data.sla_breaches_by_group(published, EVERYTHING)
    rows = {(r.group_name, r.metric): r.breaches for r in breaches.itertuples()}
    assert rows == {
        ("G1", "first_response"): 1,
        ("G1", "resolution"): 1,
        ("G1", "agent_work"): 0,
        ("G1", "periodic_update"): 2,
        ("G2", "first_response"): 1,
        ("G2", "next_response"): 0,
    }


def test_backlog_has_a_row_for_every_day(published):
    frame = data.backlog_daily(published, data.Filters(D1, date(2026, 1, 8)))
    assert list(frame["backlog"]) == [3, 1, 0, 0]  # Jan 5, 6, 7 (no row), 8 (no row)


def test_csat_and_nps_by_month(published):
    frame = data.csat_nps_monthly(
        published, data.Filters(EVERYTHING.start, EVERYTHING.end, channel="chat")
    )
    jan, feb = frame.itertuples()
    assert (jan.csat_responses, jan.csat, jan.nps_responses, jan.nps) == (
        1,
        0.0,
        3,
        pytest.approx(66.666667),
    )
    assert (feb.csat_responses, feb.nps) == (0, pytest.approx(-100.0))


# ---------------------------------------------------------------------- success


def test_mrr_bridge_over_two_months_reconciles(published):
    bridge = data.mrr_bridge(published, EVERYTHING)
    steps = {r.step: (r.amount, r.bar_start, r.bar_end) for r in bridge.steps.itertuples()}
    assert steps == {
        "Opening": (100.0, 0.0, 100.0),
        "New": (50.0, 100.0, 150.0),
        "Reactivation": (15.0, 150.0, 165.0),
        "Expansion": (7.0, 165.0, 172.0),
        "Contraction": (-15.0, 172.0, 157.0),
        "Churn": (-20.0, 157.0, 137.0),
        "FX": (3.0, 137.0, 140.0),
        "Closing": (140.0, 0.0, 140.0),
    }
    assert (bridge.first_month, bridge.last_month, bridge.reconciles) == (JAN, FEB, True)
    february = data.mrr_bridge(published, data.Filters(date(2026, 2, 10), date(2026, 2, 28)))
    assert february.steps["amount"].iloc[0] == 135.0  # a month counts when its first day...
    assert february.first_month == FEB  # ...is in the range, or the range starts inside it


def test_success_headline_is_the_latest_month_of_the_segment(published):
    head = data.success_headline(published, EVERYTHING)
    assert (head.month_start, head.mrr, head.customers) == (FEB, 140.0, 4)
    assert head.nrr_1m == pytest.approx(0.962963)
    smb = data.success_headline(
        published, data.Filters(EVERYTHING.start, date(2026, 1, 31), segment="smb")
    )
    assert (smb.month_start, smb.mrr, smb.nrr_1m) == (JAN, 40.0, 1.0)


def test_cohort_cells_are_observed_and_not_after_the_range(published):
    frame = data.cohort_retention(published, data.Filters(EVERYTHING.start, date(2026, 1, 31)))
    assert [(day(r.cohort_month_start), r.month_offset) for r in frame.itertuples()] == [(JAN, 0)]
    frame = data.cohort_retention(published, EVERYTHING)
    assert [
        (day(r.cohort_month_start), r.month_offset, r.logo_retention) for r in frame.itertuples()
    ] == [(JAN, 0, 1.0), (JAN, 1, 0.5), (FEB, 0, 1.0)]


def test_health_distribution_is_the_latest_week_of_the_range(published):
    frame = data.health_distribution(published, data.Filters(EVERYTHING.start, date(2026, 1, 31)))
    assert list(frame["customer_id"]) == ["C1", "C2", "C3"]
    smb = data.health_distribution(
        published, data.Filters(EVERYTHING.start, EVERYTHING.end, segment="smb")
    )
    assert [(r.customer_id, r.health_score) for r in smb.itertuples()] == [("C1", 82.0)]


def test_accounts_at_risk_are_red_and_falling_in_the_latest_week(published):
    january = data.Filters(EVERYTHING.start, date(2026, 1, 31))
    frame = data.accounts_at_risk(published, january)
    # week of 26 Jan: C2 red and 6 points down; C3 red but rising; C1 green
    assert [
        (r.customer_id, r.customer_name, r.health_score, r.weakest_component)
        for r in frame.itertuples()
    ] == [("C2", "Two GmbH", 55.0, "adoption")]
    smb = data.accounts_at_risk(published, data.Filters(january.start, january.end, segment="smb"))
    assert smb.empty
    # the whole range: the latest week (2 Feb) has only C1, green
    assert data.accounts_at_risk(published, EVERYTHING).empty


# ----------------------------------------------------------------- customer 360


def test_customer_options_and_profile(published):
    options = data.customer_options(published, data.Filters(D1, D3, segment="smb"))
    assert list(options["customer_id"]) == ["C1", "C3"]  # same MRR: by id
    profile = data.customer_profile(published, "C1")
    assert (profile["lifecycle_stage"], float(profile["current_mrr"])) == ("active", 42.5)
    assert data.customer_profile(published, "nobody") is None
    tickets = data.customer_tickets(published, "C1", data.Filters(D1, D3, channel="email"))
    assert list(tickets["ticket_id"]) == ["T4", "T2", "T1"]  # newest first
    history = data.customer_mrr_history(published, "C1", data.Filters(FEB, D3))
    assert list(history["mrr"]) == [42.5]


# ------------------------------------------------------------ the published file


def test_no_published_warehouse_says_to_run_make_run(tmp_path):
    with pytest.raises(data.NoPublishedWarehouse, match="make run"):
        data.support_headline(tmp_path / "missing.duckdb", EVERYTHING)
    assert data.version(tmp_path / "missing.duckdb") is None


def test_a_new_publication_is_read_at_the_next_call_and_nothing_stays_open(tmp_path):
    target = make_published(tmp_path / "published" / "warehouse.duckdb")
    before = data.version(target)
    assert data.success_headline(target, EVERYTHING).mrr == 140.0
    # the call closed its connection: a writer can open the file at once
    duckdb.connect(str(target)).close()

    fresh = make_published(tmp_path / "next" / "warehouse.duckdb")
    con = duckdb.connect(str(fresh))
    con.execute(
        "update marts.agg_retention_monthly set mrr_closing = 141 "
        "where segment = 'all' and month_start = '2026-02-01'"
    )
    con.close()
    os.replace(fresh, target)  # what a refresh's publish does
    assert data.version(target) != before
    assert data.success_headline(target, EVERYTHING).mrr == 141.0


def test_a_published_file_without_the_marts_says_what_to_do(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(path)).close()
    with pytest.raises(data.DashboardDataError, match="lacks a mart"):
        data.filter_choices(path)


# ------------------------------------------------------------------ the app, headless


APP = Path(data.__file__).with_name("app.py")


def run_app(monkeypatch, published_dir: Path):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("WAREHOUSE_PUBLISHED_DIR", str(published_dir))
    # no working warehouse at all: the dashboard must not need one
    monkeypatch.setenv("WAREHOUSE_DUCKDB_PATH", str(published_dir / "absent" / "working.duckdb"))
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.run()
    return app


def test_the_app_without_a_published_warehouse_says_to_run_make_run(monkeypatch, tmp_path):
    app = run_app(monkeypatch, tmp_path / "published")
    assert not app.exception
    assert len(app.error) == 1 and "make run" in app.error[0].value


def test_the_app_shows_the_hand_worked_figures_and_the_next_publication(monkeypatch, tmp_path):
    published = make_published(tmp_path / "published" / "warehouse.duckdb")
    app = run_app(monkeypatch, published.parent)
    assert not app.exception, app.exception
    shown = {m.label: m.value for m in app.metric}
    assert shown["SLA attainment"] == "50.0%"  # 5 / 10
    assert shown["Median first response (business min)"] == "25"
    assert shown["NPS"] == "25.0"
    app.sidebar.selectbox(key="channel").select("email").run()
    shown = {m.label: m.value for m in app.metric}
    assert shown["SLA attainment"] == "42.9%"  # A 1/2 + D 1/2 + 1/1 + 0/2
    assert shown["NPS"] == "25.0"

    # a refresh publishes a new file (atomic replace): the next interaction reads it
    fresh = make_published(tmp_path / "next" / "warehouse.duckdb")
    con = duckdb.connect(str(fresh))
    con.execute(
        "update marts.agg_support_daily set sla_resolution_achieved = 2 where day = ?", [D2]
    )
    con.close()
    os.replace(fresh, published)
    app.run()
    shown = {m.label: m.value for m in app.metric}
    assert shown["SLA attainment"] == "57.1%"  # A 1/2 + D 2/2 + 1/1 + 0/2
