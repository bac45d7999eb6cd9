"""Customer 360 page: one account's revenue, health and support in one place."""

from __future__ import annotations

import altair as alt
import streamlit as st

from support_success.dashboard import data, ui

MOVEMENT_COLORS = alt.Scale(
    domain=["new", "reactivation", "expansion", "unchanged", "contraction", "churn"],
    range=["#4c78a8", "#72b7b2", "#54a24b", "#bab0ac", "#f2a93b", "#e45756"],
)


def render() -> None:
    f = ui.active_filters()
    st.title("Customer 360")
    options = ui.load("customer_options", f)
    if options.empty:
        st.info("No customer in this segment.")
        return
    labels = {
        row.customer_id: f"{row.customer_id} · {row.segment} · {row.lifecycle_stage} · "
        f"MRR {ui.money(row.current_mrr)}"
        for row in options.itertuples()
    }
    # ?customer=<id> in the URL picks the account (shareable links); the widget keeps the
    # plain id in the URL, not its label
    requested = st.query_params.get("customer")
    if requested is not None and requested not in labels:
        st.warning(f"No customer {requested} in this segment: showing the first one instead.")
    customer_id = st.selectbox(
        "Customer (highest current MRR first)",
        list(labels),
        index=list(labels).index(requested) if requested in labels else 0,
        format_func=labels.get,
        key="customer",
    )
    st.query_params["customer"] = customer_id
    profile = ui.load("customer_profile", customer_id)
    if profile is None:
        st.warning(f"No customer {customer_id} in the published warehouse.")
        return

    currency = profile["reporting_currency"]
    st.caption(
        f"Segment **{profile['segment']}** · country {profile['country'] or 'n/a'} · CSM "
        f"{profile['csm_owner'] or 'unowned'} · first paid month "
        f"{ui.month_label(profile['first_paid_month_start'])} · "
        f"{profile['churns']} churn(s), {profile['reactivations']} reactivation(s)"
        + (" · **deleted in billing**" if profile["is_deleted"] else "")
        + ". The figures below are as of the warehouse's evaluation instant "
        "(marts.customer_360); the date range and channel filters apply to the charts and "
        "the ticket list."
    )
    cols = st.columns(5)
    with cols[0]:
        ui.kpi("current-mrr", f"Current MRR ({currency})", ui.money(profile["current_mrr"]))
    with cols[1]:
        ui.kpi("current-arr", f"Current ARR ({currency})", ui.money(profile["current_arr"]))
    with cols[2]:
        ui.kpi("lifecycle-stage", "Lifecycle stage", profile["lifecycle_stage"])
    with cols[3]:
        change = profile["health_score_change_4w"]
        ui.kpi(
            "health-score",
            f"Health score ({profile['latest_health_status'] or 'n/a'})",
            ui.number(profile["latest_health_score"], 1),
            delta=None if change is None else f"{change:+.1f} in 4 weeks",
        )
    with cols[4]:
        ui.kpi(
            "adoption",
            "Adoption",
            ui.pct(profile["adoption_rate"]),
            help="Average daily active users over 28 days / licensed seats: "
            f"{ui.number(profile['average_daily_active_users_28d'], 1)} / "
            f"{ui.number(profile['licensed_seats'])}",
        )
    cols = st.columns(5)
    with cols[0]:
        ui.kpi("tickets-90d", "Tickets, last 90 days", ui.number(profile["tickets_90d"]))
    with cols[1]:
        ui.kpi(
            "sla-breaches-90d", "SLA breaches, last 90 days", ui.number(profile["sla_breaches_90d"])
        )
    with cols[2]:
        ui.kpi(
            "csat-90d",
            "CSAT, last 90 days",
            ui.pct(profile["csat_90d"]),
            help=f"{profile['csat_responses_90d']} responses",
        )
    with cols[3]:
        ui.kpi(
            "nps-90d",
            "NPS, last 90 days",
            ui.number(profile["nps_90d"], 1),
            help=f"{profile['nps_responses_90d']} answers",
        )
    with cols[4]:
        ui.kpi("tenure", "Tenure (paid months)", ui.number(profile["tenure_paid_months"]))

    if profile["churned_at"] is not None:
        st.warning(
            f"Churned at {profile['churned_at']:%Y-%m-%d}. In the 90 days before: "
            f"{ui.number(profile['tickets_90d_before_churn'])} tickets, "
            f"{ui.number(profile['sla_breaches_90d_before_churn'])} SLA breaches, CSAT "
            f"{ui.pct(profile['csat_90d_before_churn'])}, NPS "
            f"{ui.number(profile['nps_90d_before_churn'], 1)}."
        )

    left, right = st.columns(2)
    with left:
        st.subheader("MRR by month")
        _mrr_history(f, customer_id, currency)
    with right:
        st.subheader("Health score by week")
        _health_history(f, customer_id)

    st.subheader("Tickets")
    _tickets(f, customer_id)


def _mrr_history(f: data.Filters, customer_id: str, currency: str) -> None:
    frame = ui.load("customer_mrr_history", customer_id, f)
    if frame.empty:
        ui.empty("customer-mrr", "No revenue month in the range.")
    else:
        figure = (
            alt.Chart(frame)
            .mark_bar()
            .encode(
                x=alt.X("yearmonth(month_start):O", title=None, axis=alt.Axis(format="%b %Y")),
                y=alt.Y("mrr:Q", title=f"MRR ({currency})"),
                color=alt.Color("movement_type:N", scale=MOVEMENT_COLORS, title="movement"),
                tooltip=[
                    alt.Tooltip("yearmonth(month_start):T", title="month"),
                    alt.Tooltip("mrr:Q", format=",.2f"),
                    "movement_type:N",
                    alt.Tooltip("movement_amount:Q", format=",.2f"),
                    alt.Tooltip("subscribed_quantity:Q", title="seats"),
                ],
            )
            .properties(height=300)
        )
        ui.chart("customer-mrr", figure)
    ui.source_note(f, "marts.fct_mrr_monthly", ("dates",), {"channel": "revenue has no channel"})


def _health_history(f: data.Filters, customer_id: str) -> None:
    frame = ui.load("customer_health_history", customer_id, f)
    if frame.empty:
        ui.empty("customer-health", "No health score in the range (scored only while paying).")
    else:
        names = {
            "health_score": "health score",
            "adoption_score": "adoption",
            "support_score": "support",
            "relationship_score": "relationship",
            "billing_score": "billing",
        }
        long = frame.melt(
            id_vars=["week_start"], value_vars=list(names), var_name="component", value_name="score"
        ).dropna(subset=["score"])
        long["component"] = long["component"].map(names)
        figure = (
            alt.Chart(long)
            .mark_line()
            .encode(
                x=alt.X("week_start:T", title=None),
                y=alt.Y("score:Q", title="score (0–100)", scale=alt.Scale(domain=[0, 100])),
                color=alt.Color(
                    "component:N",
                    sort=list(names.values()),
                    title=None,
                    legend=alt.Legend(orient="bottom"),
                ),
                strokeWidth=alt.condition(
                    alt.datum.component == "health score", alt.value(3), alt.value(1.2)
                ),
                tooltip=[
                    alt.Tooltip("week_start:T", title="week"),
                    "component:N",
                    alt.Tooltip("score:Q", format=".1f"),
                ],
            )
            .properties(height=300)
        )
        ui.chart("customer-health", figure)
    ui.source_note(
        f,
        "marts.fct_account_health_weekly",
        ("dates",),
        {"channel": "health scores have no channel"},
    )


def _tickets(f: data.Filters, customer_id: str) -> None:
    frame = ui.load("customer_tickets", customer_id, f)
    with st.container(key="table-customer-tickets"):
        if frame.empty:
            st.info("No ticket created in the range.")
        else:
            st.dataframe(
                frame,
                hide_index=True,
                column_config={
                    "created_at": st.column_config.DatetimeColumn("created (UTC)"),
                    "first_response_minutes_business": st.column_config.NumberColumn(
                        "first response (business min)", format="%.0f"
                    ),
                    "full_resolution_minutes_business": st.column_config.NumberColumn(
                        "full resolution (business min)", format="%.0f"
                    ),
                },
            )
    st.caption(f"{len(frame):,} ticket(s) created in the range.")
    ui.source_note(f, "marts.fct_tickets", ("dates", "channel"))
