"""Success page: MRR bridge, NRR and GRR, cohort retention, churn, health scores."""

from __future__ import annotations

import altair as alt
import streamlit as st

from support_success.dashboard import data, ui

NO_CHANNEL = "revenue and retention have no channel"
BRIDGE_COLORS = alt.Scale(
    domain=["total", "increase", "decrease"], range=["#4c78a8", "#54a24b", "#e45756"]
)
HEALTH_COLORS = alt.Scale(domain=["green", "amber", "red"], range=["#54a24b", "#f2a93b", "#e45756"])


def render() -> None:
    f = ui.active_filters()
    segment = f.segment or "all segments"
    st.title("Success")
    st.caption(
        f"Recurring revenue, retention and account health for {segment}, months starting "
        f"{f.start:%b %Y} to {f.end:%b %Y}. Segments are the customers' current segment."
    )
    if f.channel is not None:
        st.info(f"The channel filter does not apply on this page: {NO_CHANNEL}.")

    head: data.SuccessHeadline = ui.load("success_headline", f)
    month = ui.month_label(head.month_start)
    currency = head.reporting_currency or ""
    st.markdown(f"**{month}**, the latest month in the range:")
    cols = st.columns([1.5, 1, 1, 1, 1, 1])
    with cols[0]:
        ui.kpi(
            "mrr",
            f"MRR ({currency})",
            ui.money(head.mrr),
            help=f"Closing MRR of {month}: the end-of-month snapshot, reporting currency.",
        )
    with cols[1]:
        ui.kpi(
            "customers",
            "Paying customers",
            ui.number(head.customers),
            help=f"Customers with MRR > 0 at the end of {month}.",
        )
    with cols[2]:
        ui.kpi(
            "nrr-1m",
            "NRR, 1 month",
            ui.pct(head.nrr_1m),
            help="Net revenue retention from the month before: MRR now of the customers "
            "paying then / their MRR then.",
        )
    with cols[3]:
        ui.kpi(
            "grr-1m",
            "GRR, 1 month",
            ui.pct(head.grr_1m),
            help="Gross revenue retention from the month before: each base customer's MRR "
            "capped at its MRR then.",
        )
    with cols[4]:
        ui.kpi(
            "nrr-12m",
            "NRR, 12 months",
            ui.pct(head.nrr_12m),
            help="Net revenue retention from the same month a year earlier.",
        )
    with cols[5]:
        ui.kpi(
            "logo-churn",
            "Logo churn",
            ui.pct(head.logo_churn_rate),
            help=f"Customers churned in {month} / customers paying at the end of the month before.",
        )

    left, right = st.columns(2)
    with left:
        st.subheader("MRR bridge")
        _bridge(f)
    with right:
        st.subheader("Net and gross revenue retention")
        _retention(f)

    left, right = st.columns(2)
    with left:
        st.subheader("Cohort retention")
        _cohorts(f)
    with right:
        st.subheader("Churn")
        _churn(f)

    left, right = st.columns(2)
    with left:
        st.subheader("Health score distribution")
        _health(f)
    with right:
        st.subheader("MRR by month")
        _mrr_trend(f)

    st.subheader("Accounts at risk")
    _at_risk(f)


def _bridge(f: data.Filters) -> None:
    bridge: data.MrrBridge = ui.load("mrr_bridge", f)
    if bridge.steps.empty:
        ui.empty("mrr-bridge", "No month of revenue in the range.")
    else:
        steps = bridge.steps.assign(
            label=bridge.steps["amount"].map(lambda v: f"{v:,.0f}"),
            label_at=bridge.steps[["bar_start", "bar_end"]].max(axis=1),
        )
        base = alt.Chart(steps).encode(x=alt.X("step:N", sort=list(data.BRIDGE_STEPS), title=None))
        bars = base.mark_bar().encode(
            y=alt.Y("bar_start:Q", title=f"MRR ({bridge.reporting_currency})"),
            y2="bar_end:Q",
            color=alt.Color("kind:N", scale=BRIDGE_COLORS, legend=None),
            tooltip=["step:N", alt.Tooltip("amount:Q", format=",.2f")],
        )
        labels = base.mark_text(dy=-8).encode(y="label_at:Q", text="label:N")
        ui.chart("mrr-bridge", (bars + labels).properties(height=320))
        st.caption(
            f"Opening MRR of {ui.month_label(bridge.first_month)}, each movement summed over "
            f"the months, closing MRR of {ui.month_label(bridge.last_month)}."
            + ("" if bridge.reconciles else " **Warning: the bridge does not reconcile.**")
        )
        fx = float(bridge.steps.loc[bridge.steps["step"] == "FX", "amount"].iloc[0])
        with st.container(key="bridge-fx"):
            st.caption(
                f"FX: {fx:+,.2f} {bridge.reporting_currency}: what exchange-rate moves alone "
                "did to MRR (movements are measured at the previous month's rates)."
            )
    ui.source_note(f, "marts.agg_retention_monthly", ("dates", "segment"), {"channel": NO_CHANNEL})


def _retention(f: data.Filters) -> None:
    frame = ui.load("retention_monthly", f)
    long = frame.melt(
        id_vars=["month_start"],
        value_vars=["nrr_1m", "grr_1m", "nrr_12m", "grr_12m"],
        var_name="measure",
        value_name="rate",
    ).dropna(subset=["rate"])
    names = {
        "nrr_1m": "NRR, month over month",
        "grr_1m": "GRR, month over month",
        "nrr_12m": "NRR, trailing 12 months",
        "grr_12m": "GRR, trailing 12 months",
    }
    if long.empty:
        ui.empty("nrr-grr", "No retention base in the range.")
    else:
        long["measure"] = long["measure"].map(names)
        figure = (
            alt.Chart(long)
            .mark_line(point=alt.OverlayMarkDef(size=20))
            .encode(
                x=alt.X("yearmonth(month_start):T", title=None),
                y=alt.Y(
                    "rate:Q",
                    title="retention",
                    axis=alt.Axis(format="%"),
                    scale=alt.Scale(zero=False),
                ),
                color=alt.Color(
                    "measure:N",
                    title=None,
                    sort=list(names.values()),
                    legend=alt.Legend(orient="bottom", columns=2),
                ),
                tooltip=[
                    alt.Tooltip("yearmonth(month_start):T", title="month"),
                    "measure:N",
                    alt.Tooltip("rate:Q", format=".1%"),
                ],
            )
            .properties(height=320)
        )
        ui.chart("nrr-grr", figure)
    ui.source_note(f, "marts.agg_retention_monthly", ("dates", "segment"), {"channel": NO_CHANNEL})


def _cohorts(f: data.Filters) -> None:
    measure = st.radio(
        "Cohort measure",
        ("Logo retention", "NRR"),
        horizontal=True,
        key="cohort-measure",
        label_visibility="collapsed",
    )
    column = "logo_retention" if measure == "Logo retention" else "nrr"
    frame = ui.load("cohort_retention", f)
    if frame.empty:
        ui.empty("cohort-heatmap", "No cohort starts in the range.")
    else:
        figure = (
            alt.Chart(frame)
            .mark_rect()
            .encode(
                x=alt.X("month_offset:O", title="months since first payment"),
                y=alt.Y("yearmonth(cohort_month_start):O", title="cohort (first paid month)"),
                color=alt.Color(
                    f"{column}:Q",
                    title=measure,
                    scale=alt.Scale(
                        scheme="blues",
                        domain=[0, 1 if column == "logo_retention" else 1.5],
                        clamp=True,
                    ),
                    legend=alt.Legend(format="%"),
                ),
                tooltip=[
                    alt.Tooltip("yearmonth(cohort_month_start):O", title="cohort"),
                    "month_offset:O",
                    "cohort_customers:Q",
                    "active_customers:Q",
                    alt.Tooltip("logo_retention:Q", format=".1%"),
                    alt.Tooltip("nrr:Q", format=".1%"),
                ],
            )
            .properties(height=360)
        )
        ui.chart("cohort-heatmap", figure)
    ui.source_note(f, "marts.agg_cohort_retention", ("dates", "segment"), {"channel": NO_CHANNEL})


def _churn(f: data.Filters) -> None:
    frame = ui.load("retention_monthly", f)
    long = frame.melt(
        id_vars=["month_start"],
        value_vars=["logo_churn_rate", "revenue_churn_rate"],
        var_name="measure",
        value_name="rate",
    ).dropna(subset=["rate"])
    if long.empty:
        ui.empty("churn", "No churn base in the range.")
    else:
        long["measure"] = long["measure"].map(
            {"logo_churn_rate": "logo churn rate", "revenue_churn_rate": "revenue churn rate"}
        )
        figure = (
            alt.Chart(long)
            .mark_bar()
            .encode(
                x=alt.X("yearmonth(month_start):T", title=None),
                xOffset="measure:N",
                y=alt.Y("rate:Q", title="churned / opening", axis=alt.Axis(format="%")),
                color=alt.Color("measure:N", title=None, legend=alt.Legend(orient="bottom")),
                tooltip=[
                    alt.Tooltip("yearmonth(month_start):T", title="month"),
                    "measure:N",
                    alt.Tooltip("rate:Q", format=".2%"),
                ],
            )
            .properties(height=360)
        )
        ui.chart("churn", figure)
    ui.source_note(f, "marts.agg_retention_monthly", ("dates", "segment"), {"channel": NO_CHANNEL})


def _mrr_trend(f: data.Filters) -> None:
    frame = ui.load("retention_monthly", f)
    if frame.empty:
        ui.empty("mrr-trend", "No month of revenue in the range.")
    else:
        currency = frame["reporting_currency"].iloc[0]
        figure = (
            alt.Chart(frame)
            .mark_area(line=True, opacity=0.4)
            .encode(
                x=alt.X("yearmonth(month_start):T", title=None),
                y=alt.Y("mrr_closing:Q", title=f"closing MRR ({currency})"),
                tooltip=[
                    alt.Tooltip("yearmonth(month_start):T", title="month"),
                    alt.Tooltip("mrr_closing:Q", format=",.2f", title="MRR"),
                    alt.Tooltip("customers_closing:Q", title="paying customers"),
                ],
            )
            .properties(height=300)
        )
        ui.chart("mrr-trend", figure)
    ui.source_note(f, "marts.agg_retention_monthly", ("dates", "segment"), {"channel": NO_CHANNEL})


def _health(f: data.Filters) -> None:
    frame = ui.load("health_distribution", f)
    if frame.empty:
        ui.empty("health-distribution", "No health score in the range.")
    else:
        week = frame["week_start"].iloc[0]
        figure = (
            alt.Chart(frame)
            .mark_bar()
            .encode(
                x=alt.X(
                    "health_score:Q",
                    bin=alt.Bin(step=5, extent=[0, 100]),
                    title="health score (0–100)",
                ),
                y=alt.Y("count():Q", title="accounts"),
                color=alt.Color("health_status:N", scale=HEALTH_COLORS, title="status"),
                tooltip=["health_status:N", alt.Tooltip("count():Q", title="accounts")],
            )
            .properties(height=300)
        )
        ui.chart("health-distribution", figure)
        counts = frame["health_status"].value_counts()
        st.caption(
            f"{len(frame):,} paying accounts in the ISO week of {week:%d %b %Y}: "
            + ", ".join(f"{counts.get(s, 0):,} {s}" for s in ("green", "amber", "red"))
            + "."
        )
    ui.source_note(
        f, "marts.fct_account_health_weekly", ("dates", "segment"), {"channel": NO_CHANNEL}
    )


def _at_risk(f: data.Filters) -> None:
    frame = ui.load("accounts_at_risk", f)
    if frame.empty:
        with st.container(key="table-at-risk"):
            st.info("No account is red and falling in the latest week of the range.")
    else:
        week = frame["week_start"].iloc[0]
        shown = frame.drop(columns=["week_start"]).rename(
            columns={
                "customer_id": "customer",
                "customer_name": "company",
                "mrr": "MRR",
                "health_score": "health",
                "health_score_change_4w": "change, 4 weeks",
                "weakest_component": "pulled down by",
                "adoption_score": "adoption",
                "support_score": "support",
                "relationship_score": "relationship",
                "billing_score": "billing",
            }
        )
        with st.container(key="table-at-risk"):
            st.dataframe(shown, hide_index=True, width="stretch")
        st.caption(
            f"{len(frame):,} account(s) red in the ISO week of {week:%d %b %Y} whose score fell "
            'over the last 4 weeks, lowest first (at most 50). "Pulled down by": the component '
            "with the largest weighted shortfall; every component is 0–100."
        )
    ui.source_note(
        f, "marts.fct_account_health_weekly", ("dates", "segment"), {"channel": NO_CHANNEL}
    )
