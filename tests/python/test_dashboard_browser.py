"""The dashboard in a real browser: headless Chromium, driven by Playwright.

The shared demo warehouse (conftest ``built_warehouse``) is published the way a
refresh publishes it (orchestration.publish), the dashboard is served on a free
local port with ``WAREHOUSE_HOME`` pointing at that published copy, and each page
is loaded in Chromium. The test waits until every chart has drawn, then checks
that the headline numbers on the page equal numbers it computes itself with its
own SQL on the published marts, often from a different mart than the page reads
(SLA attainment from fct_sla_events where the page sums agg_support_daily; NRR
from the customer-month fact where the page reads agg_retention_monthly), so a
wrong query in the dashboard cannot agree with it by construction. A filter
change in the sidebar must move a number to the independently computed filtered
value. Screenshots go to ``$WAREHOUSE_HOME/screenshots/`` of the test's home.

Chromium is Debian's ``chromium`` package (CI installs it); without it this test
fails with a message saying so rather than skipping.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import expect, sync_playwright

from orchestration.publish import publish
from orchestration.published_asset import published_nodes, relation_of
from support_success.dashboard.screenshots import CHROMIUM, CHROMIUM_ARGS, full_height
from support_success.dashboard.serve import running_dashboard

TIMEOUT_MS = 30_000

SUPPORT_CHARTS = (
    "sla-over-time",
    "sla-by-priority",
    "first-response-distribution",
    "backlog",
    "breaches-by-group",
    "csat-nps",
)
SUCCESS_CHARTS = (
    "mrr-bridge",
    "nrr-grr",
    "cohort-heatmap",
    "churn",
    "health-distribution",
    "mrr-trend",
)
CUSTOMER_CHARTS = ("customer-mrr", "customer-health")


# ------------------------------------------------------------- expected numbers


def pct(value) -> str:
    return f"{float(value):.1%}"


def whole(value) -> str:
    return f"{float(value):,.0f}"


def money(value) -> str:
    return f"{float(value):,.2f}"


def one(con, sql: str, params=None):
    return con.execute(sql, params or []).fetchone()[0]


SLA_ATTAINMENT = """
    select
        count(*) filter (where e.sla_status = 'achieved')::double
        / count(*) filter (where e.sla_status in ('achieved', 'breached', 'running_breached'))
    from marts.fct_sla_events as e
    inner join marts.fct_tickets as t using (ticket_id)
    where ? is null or t.channel = ?
"""
MEDIAN_FIRST_RESPONSE = """
    select median(first_response_minutes_business) from marts.fct_tickets
    where ? is null or channel = ?
"""
# NRR and GRR straight from the customer-month fact: base = customers paying at B.
RETENTION = """
    with months as (select max(month_start) as m from marts.fct_mrr_monthly),
    base as (
        select f.customer_id, f.mrr as mrr_then
        from marts.fct_mrr_monthly as f, months
        where f.month_start = cast(months.m - to_months(?) as date) and f.mrr > 0
            and (? is null or f.segment = ?)
    ),
    now as (
        select f.customer_id, f.mrr as mrr_now
        from marts.fct_mrr_monthly as f, months
        where f.month_start = months.m
    )
    select
        sum(coalesce(now.mrr_now, 0)) / sum(base.mrr_then) as nrr,
        sum(least(coalesce(now.mrr_now, 0), base.mrr_then)) / sum(base.mrr_then) as grr
    from base
    left join now using (customer_id)
"""
# Accounts red in the latest week whose score fell over 4 weeks (the at-risk table, at most 50).
AT_RISK = """
    select count(*) from marts.fct_account_health_weekly
    where week_start = (select max(week_start) from marts.fct_account_health_weekly)
        and health_status = 'red' and health_score_change_4w < 0
"""
FX_TOTAL = "select sum(fx_amount) from marts.fct_mrr_monthly"
LATEST_MRR = """
    select sum(mrr), count(*) filter (where mrr > 0) from marts.fct_mrr_monthly
    where month_start = (select max(month_start) from marts.fct_mrr_monthly)
        and (? is null or segment = ?)
"""


@pytest.fixture(scope="module")
def dashboard_home(built_warehouse, session_home, tmp_path_factory) -> Path:
    """A WAREHOUSE_HOME whose published warehouse is the demo marts, published as a refresh does."""
    home = tmp_path_factory.mktemp("dashboard_home")
    # a private copy (the shared warehouse stays untouched); publish() names the attached
    # catalog after the file, as dbt-duckdb's views expect, so the name stays warehouse.duckdb
    working = home / "warehouse.duckdb"
    shutil.copy(built_warehouse, working)
    manifest = json.loads((session_home / "target" / "manifest.json").read_text())
    relations = [relation_of(node) for node in published_nodes(manifest)]
    publish(
        relations,
        run_id="dashboard-browser-test",
        trigger="test",
        working=working,
        published_dir=home / "published",
    )
    return home


@pytest.fixture(scope="module")
def expected(dashboard_home) -> dict[str, str]:
    """Every number the pages must show, computed here from the published marts."""
    con = duckdb.connect(str(dashboard_home / "published" / "warehouse.duckdb"), read_only=True)
    try:
        channel = "email"
        segment = "enterprise"
        nrr_1m, grr_1m = con.execute(RETENTION, [1, None, None]).fetchone()
        nrr_12m, _ = con.execute(RETENTION, [12, None, None]).fetchone()
        nrr_1m_segment, _ = con.execute(RETENTION, [1, segment, segment]).fetchone()
        mrr, paying = con.execute(LATEST_MRR, [None, None]).fetchone()
        mrr_segment, _ = con.execute(LATEST_MRR, [segment, segment]).fetchone()
        nps_promoters, nps_detractors, nps_answers = con.execute(
            "select sum(nps_promoters), sum(nps_detractors), sum(nps_responses) "
            "from marts.agg_support_daily"
        ).fetchone()
        top_customer = one(
            con,
            "select customer_id from marts.fct_mrr_monthly "
            "where month_start = (select max(month_start) from marts.fct_mrr_monthly) "
            "order by mrr desc, customer_id limit 1",
        )
        # the customer with the most tickets among those paying now, other than the one the
        # page shows by default (the highest MRR), so the URL is what brings it up
        customer, customer_tickets = con.execute(
            """
            select t.account_id, count(*) from marts.fct_tickets as t
            inner join marts.fct_mrr_monthly as f
                on f.customer_id = t.account_id and f.mrr > 0
                and f.month_start = (select max(month_start) from marts.fct_mrr_monthly)
            where t.account_id <> ?
            group by 1 order by 2 desc, 1 limit 1
            """,
            [top_customer],
        ).fetchone()
        values = {
            "tickets-created": whole(one(con, "select count(*) from marts.fct_tickets")),
            "sla-attainment": pct(one(con, SLA_ATTAINMENT, [None, None])),
            "sla-attainment/channel": pct(one(con, SLA_ATTAINMENT, [channel, channel])),
            "median-first-response": whole(one(con, MEDIAN_FIRST_RESPONSE, [None, None])),
            "median-first-response/channel": whole(
                one(con, MEDIAN_FIRST_RESPONSE, [channel, channel])
            ),
            "csat": pct(
                one(
                    con,
                    "select count(*) filter (where csat_score >= 4)::double / count(csat_score) "
                    "from marts.fct_tickets",
                )
            ),
            "nps": f"{100.0 * (nps_promoters - nps_detractors) / nps_answers:,.1f}",
            "backlog": whole(
                one(
                    con,
                    "select sum(backlog_end_of_day) from marts.agg_support_daily "
                    "where day = (select max(day) from marts.agg_support_daily)",
                )
            ),
            "mrr": money(mrr),
            "mrr/segment": money(mrr_segment),
            "customers": whole(paying),
            "nrr-1m": pct(nrr_1m),
            "nrr-1m/segment": pct(nrr_1m_segment),
            "grr-1m": pct(grr_1m),
            "nrr-12m": pct(nrr_12m),
            "customer": customer,
            "customer-tickets": f"{customer_tickets:,} ticket(s) created in the range.",
            "current-mrr": money(
                one(
                    con,
                    "select mrr from marts.fct_mrr_monthly where customer_id = ? "
                    "and month_start = (select max(month_start) from marts.fct_mrr_monthly)",
                    [customer],
                )
            ),
            "lifecycle-stage": one(
                con,
                "select lifecycle_stage from marts.customer_360 where customer_id = ?",
                [customer],
            ),
            "channel": channel,
            "segment": segment,
            # the bridge's FX bar over the whole range, from the customer-month fact
            "bridge-fx": f"FX: {float(one(con, FX_TOTAL)):+,.2f}",
            "at-risk": min(int(one(con, AT_RISK)), 50),
        }
    finally:
        con.close()
    # a filter that did not move the number would prove nothing
    assert values["sla-attainment/channel"] != values["sla-attainment"]
    assert values["median-first-response/channel"] != values["median-first-response"]
    assert values["mrr/segment"] != values["mrr"]
    return values


# ------------------------------------------------------------------ the browser


@pytest.fixture(scope="module")
def dashboard_url(dashboard_home):
    env = {
        "WAREHOUSE_HOME": str(dashboard_home),
        "WAREHOUSE_DUCKDB_PATH": str(dashboard_home / "warehouse.duckdb"),
        "WAREHOUSE_PUBLISHED_DIR": str(dashboard_home / "published"),
    }
    with running_dashboard(env=env, log=dashboard_home / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM.exists(), (
        f"No Chromium at {CHROMIUM}: the dashboard's browser test needs Debian's `chromium` "
        "package (`apt-get install chromium`; CI installs it)."
    )
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1600, "height": 1400})
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture(scope="module")
def screenshots(dashboard_home) -> Path:
    folder = dashboard_home / "screenshots"
    folder.mkdir(exist_ok=True)
    return folder


def wait_for_charts(page, keys) -> None:
    for key in keys:
        chart = f'.st-key-chart-{key} [data-testid="stVegaLiteChart"]'
        page.locator(f"{chart} canvas, {chart} svg.marks").first.wait_for(
            state="visible", timeout=TIMEOUT_MS
        )


def kpi(page, key: str):
    return page.locator(f'.st-key-kpi-{key} [data-testid="stMetricValue"]')


def wait_until_rerun_finished(page) -> None:
    """Streamlit marks what a rerun has not redrawn yet as stale; wait until nothing is."""
    page.wait_for_function(
        "() => document.querySelectorAll('[data-stale=\"true\"]').length === 0",
        timeout=TIMEOUT_MS,
    )


def assert_kpi(page, key: str, value: str) -> None:
    expect(kpi(page, key)).to_have_text(value, timeout=TIMEOUT_MS)


def assert_no_error(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(
        '[data-testid="stException"]'
    ).first.inner_text()
    assert page.locator(".st-key-no-published-warehouse").count() == 0


def pick(page, widget_key: str, option: str) -> None:
    """Choose ``option`` in the sidebar selectbox whose key is ``widget_key``."""
    page.locator(f".st-key-{widget_key}").get_by_role("combobox").click()
    page.get_by_role("option", name=option, exact=True).click()


def shot(page, screenshots: Path, name: str) -> None:
    path = screenshots / name
    full_height(page)  # Streamlit scrolls inside the page: grow the viewport to the content
    page.screenshot(path=str(path))
    print(f"screenshot: {path}")


def test_support_page_shows_the_marts_numbers_and_follows_the_channel_filter(
    page, dashboard_url, expected, screenshots
):
    page.goto(dashboard_url)  # the root opens the support page at /support
    page.wait_for_url(f"{dashboard_url}/support", timeout=TIMEOUT_MS)
    wait_for_charts(page, SUPPORT_CHARTS)
    for key in (
        "tickets-created",
        "sla-attainment",
        "median-first-response",
        "csat",
        "nps",
        "backlog",
    ):
        assert_kpi(page, key, expected[key])
    assert_no_error(page)
    shot(page, screenshots, "support.png")

    pick(page, "channel", expected["channel"])
    assert_kpi(page, "sla-attainment", expected["sla-attainment/channel"])
    assert_kpi(page, "median-first-response", expected["median-first-response/channel"])
    wait_until_rerun_finished(page)
    assert_kpi(page, "nps", expected["nps"])  # NPS has no channel: unchanged, and said so
    expect(page.get_by_text("channel filter not applied").first).to_be_visible()
    wait_for_charts(page, SUPPORT_CHARTS)
    assert_no_error(page)
    shot(page, screenshots, f"support-{expected['channel']}.png")


def test_success_page_shows_the_marts_numbers_and_follows_the_segment_filter(
    page, dashboard_url, expected, screenshots
):
    page.goto(f"{dashboard_url}/success")
    wait_for_charts(page, SUCCESS_CHARTS)
    for key in ("mrr", "customers", "nrr-1m", "grr-1m", "nrr-12m"):
        assert_kpi(page, key, expected[key])
    expect(page.locator(".st-key-bridge-fx")).to_contain_text(expected["bridge-fx"])
    at_risk = page.locator(".st-key-table-at-risk")
    if expected["at-risk"]:
        expect(at_risk.locator('[data-testid="stDataFrame"]')).to_be_visible()
        expect(
            page.get_by_text(f"{expected['at-risk']:,} account(s) red in the ISO week")
        ).to_be_visible()
    else:
        expect(at_risk).to_contain_text("No account is red and falling")
    assert_no_error(page)
    shot(page, screenshots, "success.png")

    pick(page, "segment", expected["segment"])
    assert_kpi(page, "mrr", expected["mrr/segment"])
    assert_kpi(page, "nrr-1m", expected["nrr-1m/segment"])
    wait_for_charts(page, SUCCESS_CHARTS)
    assert_no_error(page)
    shot(page, screenshots, f"success-{expected['segment']}.png")


def test_customer_360_page_shows_the_chosen_customer(page, dashboard_url, expected, screenshots):
    page.goto(f"{dashboard_url}/customer_360?customer={expected['customer']}")
    wait_for_charts(page, CUSTOMER_CHARTS)
    assert_kpi(page, "current-mrr", expected["current-mrr"])
    assert_kpi(page, "lifecycle-stage", expected["lifecycle-stage"])
    expect(page.locator(".st-key-customer").get_by_role("combobox")).to_have_value(
        re.compile(rf"^{expected['customer']} ·")
    )
    assert page.get_by_text(expected["customer-tickets"]).is_visible()
    assert page.locator('.st-key-table-customer-tickets [data-testid="stDataFrame"]').is_visible()
    assert_no_error(page)
    shot(page, screenshots, "customer-360.png")
