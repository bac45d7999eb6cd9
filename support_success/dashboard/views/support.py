"""Support page: SLA attainment, first response, backlog, breaches by group, CSAT and NPS."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from support_success.dashboard import data, ui

NO_SEGMENT = "the support marts have no customer segment"
NPS_NO_CHANNEL = "NPS answers have no ticket, hence no channel"
METRIC_LABELS = {
    "first_response": "first response",
    "next_response": "next response",
    "resolution": "resolution",
    "agent_work": "agent work",
    "periodic_update": "periodic update",
    "pausable_update": "pausable update",
}
# First responses beyond this many business hours are drawn in the last bar.
FIRST_RESPONSE_CAP_HOURS = 16


def render() -> None:
    f = ui.active_filters()
    st.title("Support")
    st.caption(
        f"Tickets, SLAs and satisfaction from {f.start:%d %b %Y} to {f.end:%d %b %Y}. "
        "Each figure counts on the day its event happened (shared/spec/metrics.md)."
    )
    if f.segment is not None:
        st.info(f"The segment filter does not apply on this page: {NO_SEGMENT}.")

    head: data.SupportHeadline = ui.load("support_headline", f)
    cols = st.columns(4)
    with cols[0]:
        ui.kpi(
            "tickets-created",
            "Tickets created",
            ui.number(head.tickets_created),
            help="Tickets created in the range (deleted and merged tickets excluded).",
        )
    with cols[1]:
        ui.kpi(
            "sla-attainment",
            "SLA attainment",
            ui.pct(head.sla_attainment),
            help="All SLA metrics: achieved / (achieved + breached + running breached) = "
            f"{head.sla_achieved:,} / {head.sla_measured:,}. Running clocks within target "
            "are not counted yet.",
        )
    with cols[2]:
        ui.kpi(
            "first-response-sla",
            "First response SLA",
            ui.pct(head.sla_first_response_attainment),
            help="First response SLA attainment, same definition.",
        )
    with cols[3]:
        ui.kpi(
            "median-first-response",
            "Median first response (business min)",
            ui.number(head.first_response_median_business),
            help="Median first response time in business minutes, over the "
            f"{head.first_responses:,} tickets first answered in the range.",
        )
    cols = st.columns(4)
    with cols[0]:
        ui.kpi(
            "tickets-solved",
            "Tickets solved",
            ui.number(head.tickets_solved),
            help="Tickets whose last solve fell in the range and that are solved or closed now.",
        )
    with cols[1]:
        backlog_label = f"Backlog, {head.backlog_day:%d %b %Y}" if head.backlog_day else "Backlog"
        ui.kpi(
            "backlog",
            backlog_label,
            ui.number(head.backlog),
            help="Tickets in new, open, pending or on hold at 23:59:59 UTC on the range's "
            "last day (or the last day with data).",
        )
    with cols[2]:
        ui.kpi(
            "csat",
            "CSAT (share of 4–5)",
            ui.pct(head.csat),
            help=f"Share of 4–5 among {head.csat_responses:,} CSAT responses (latest per ticket).",
        )
    with cols[3]:
        ui.kpi(
            "nps",
            "NPS",
            ui.number(head.nps, 1),
            help="100 × (promoters 9–10 − detractors 0–6) / answers, over "
            f"{head.nps_responses:,} answers of every channel ({NPS_NO_CHANNEL}).",
        )

    left, right = st.columns(2)
    with left:
        st.subheader("SLA attainment by month")
        _sla_over_time(f)
    with right:
        st.subheader("SLA attainment by priority")
        _sla_by_priority(f)

    left, right = st.columns(2)
    with left:
        st.subheader("First response time distribution")
        _first_response_distribution(f, head)
    with right:
        st.subheader("Backlog at end of day")
        _backlog(f)

    left, right = st.columns(2)
    with left:
        st.subheader("SLA breaches by group")
        _breaches_by_group(f)
    with right:
        st.subheader("CSAT and NPS by month")
        _csat_nps(f)


def _metric_labels(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(metric=frame["metric"].map(METRIC_LABELS))


def _sla_over_time(f: data.Filters) -> None:
    frame = ui.load("sla_attainment_monthly", f)
    if frame.empty:
        ui.empty("sla-over-time", "No SLA outcome in the range.")
    else:
        figure = (
            alt.Chart(_metric_labels(frame))
            .mark_line(point=True)
            .encode(
                x=alt.X("yearmonth(month_start):T", title=None),
                y=alt.Y(
                    "attainment:Q",
                    title="SLA attainment",
                    axis=alt.Axis(format="%"),
                    scale=alt.Scale(zero=False),
                ),
                color=alt.Color("metric:N", title="SLA metric"),
                tooltip=[
                    alt.Tooltip("yearmonth(month_start):T", title="month"),
                    "metric:N",
                    alt.Tooltip("attainment:Q", format=".1%"),
                    "achieved:Q",
                    "measured:Q",
                ],
            )
            .properties(height=300)
        )
        ui.chart("sla-over-time", figure)
    ui.source_note(f, "marts.agg_support_daily", ("dates", "channel"), {"segment": NO_SEGMENT})


def _sla_by_priority(f: data.Filters) -> None:
    frame = ui.load("sla_attainment_by_priority", f)
    if frame.empty:
        ui.empty("sla-by-priority", "No SLA outcome in the range.")
    else:
        figure = (
            alt.Chart(_metric_labels(frame))
            .mark_bar()
            .encode(
                y=alt.Y("priority:N", sort=list(data.PRIORITY_ORDER), title="priority"),
                yOffset=alt.YOffset("metric:N"),
                x=alt.X(
                    "attainment:Q",
                    title="SLA attainment",
                    axis=alt.Axis(format="%"),
                    scale=alt.Scale(domain=[0, 1]),
                ),
                color=alt.Color("metric:N", title="SLA metric"),
                tooltip=[
                    "priority:N",
                    "metric:N",
                    alt.Tooltip("attainment:Q", format=".1%"),
                    "achieved:Q",
                    "measured:Q",
                ],
            )
            .properties(height=300)
        )
        ui.chart("sla-by-priority", figure)
    ui.source_note(f, "marts.agg_support_daily", ("dates", "channel"), {"segment": NO_SEGMENT})


def _first_response_distribution(f: data.Filters, head: data.SupportHeadline) -> None:
    frame = ui.load("first_response_times", f)
    if frame.empty:
        ui.empty("first-response-distribution", "No first response in the range.")
    else:
        hours = (frame["first_response_minutes_business"] / 60).clip(upper=FIRST_RESPONSE_CAP_HOURS)
        over = int((frame["first_response_minutes_business"] / 60 > FIRST_RESPONSE_CAP_HOURS).sum())
        bars = (
            alt.Chart(pd.DataFrame({"hours": hours}))
            .mark_bar()
            .encode(
                x=alt.X(
                    "hours:Q",
                    bin=alt.Bin(step=0.5, extent=[0, FIRST_RESPONSE_CAP_HOURS + 0.5]),
                    title="first response, business hours",
                ),
                y=alt.Y("count():Q", title="tickets"),
                tooltip=[
                    alt.Tooltip("hours:Q", bin=alt.Bin(step=0.5), title="hours"),
                    alt.Tooltip("count():Q", title="tickets"),
                ],
            )
        )
        median = head.first_response_median_business
        rules = (
            alt.Chart(pd.DataFrame({"hours": [median / 60], "label": ["median"]}))
            .mark_rule(color="black", strokeDash=[4, 4])
            .encode(x="hours:Q", tooltip=["label:N", alt.Tooltip("hours:Q", format=".2f")])
        )
        ui.chart("first-response-distribution", (bars + rules).properties(height=300))
        st.caption(
            f"{len(frame):,} tickets first answered in the range; dashed line: median "
            f"({ui.number(median)} business minutes). {over:,} tickets above "
            f"{FIRST_RESPONSE_CAP_HOURS} business hours are in the last bar."
        )
    ui.source_note(f, "marts.fct_tickets", ("dates", "channel"), {"segment": NO_SEGMENT})


def _backlog(f: data.Filters) -> None:
    frame = ui.load("backlog_daily", f)
    if frame.empty:
        ui.empty("backlog", "No day of support data in the range.")
    else:
        figure = (
            alt.Chart(frame)
            .mark_area(line=True, opacity=0.4)
            .encode(
                x=alt.X("day:T", title=None),
                y=alt.Y("backlog:Q", title="open tickets at 23:59:59 UTC"),
                tooltip=[alt.Tooltip("day:T"), "backlog:Q"],
            )
            .properties(height=300)
        )
        ui.chart("backlog", figure)
    ui.source_note(f, "marts.agg_support_daily", ("dates", "channel"), {"segment": NO_SEGMENT})


def _breaches_by_group(f: data.Filters) -> None:
    frame = ui.load("sla_breaches_by_group", f)
    if frame.empty:
        ui.empty("breaches-by-group", "No SLA outcome in the range.")
    else:
        figure = (
            alt.Chart(_metric_labels(frame))
            .mark_bar()
            .encode(
                y=alt.Y("group_name:N", title="first group"),
                x=alt.X("breaches:Q", title="SLA breaches (breached + running breached)"),
                color=alt.Color("metric:N", title="SLA metric"),
                tooltip=["group_name:N", "metric:N", "breaches:Q", "measured:Q"],
            )
            .properties(height=300)
        )
        ui.chart("breaches-by-group", figure)
    ui.source_note(f, "marts.agg_support_daily", ("dates", "channel"), {"segment": NO_SEGMENT})


def _csat_nps(f: data.Filters) -> None:
    frame = ui.load("csat_nps_monthly", f)
    if frame.empty:
        ui.empty("csat-nps", "No CSAT or NPS response in the range.")
    else:
        base = alt.Chart(frame).encode(x=alt.X("yearmonth(month_start):T", title=None))
        csat = base.mark_line(point=True, color="#1f77b4").encode(
            y=alt.Y(
                "csat:Q", title="CSAT (share 4–5)", axis=alt.Axis(format="%", titleColor="#1f77b4")
            ),
            tooltip=[
                alt.Tooltip("yearmonth(month_start):T", title="month"),
                alt.Tooltip("csat:Q", format=".1%"),
                "csat_responses:Q",
            ],
        )
        nps = base.mark_line(point=True, color="#ff7f0e", strokeDash=[4, 2]).encode(
            y=alt.Y("nps:Q", title="NPS", axis=alt.Axis(titleColor="#ff7f0e")),
            tooltip=[
                alt.Tooltip("yearmonth(month_start):T", title="month"),
                alt.Tooltip("nps:Q", format=".1f"),
                "nps_responses:Q",
            ],
        )
        figure = alt.layer(csat, nps).resolve_scale(y="independent").properties(height=300)
        ui.chart("csat-nps", figure)
    ui.source_note(
        f,
        "marts.agg_support_daily",
        ("dates", "channel"),
        {"segment": NO_SEGMENT, "channel": f"applies to CSAT only; {NPS_NO_CHANNEL}"},
    )
