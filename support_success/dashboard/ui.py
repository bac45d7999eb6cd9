"""What every page shares: the cached data loader, the sidebar filters, formats, anchors.

Anchors: every headline number is an ``st.metric`` inside ``st.container(key=
"kpi-<name>")`` and every chart sits in ``st.container(key="chart-<name>")``;
Streamlit renders a key as the CSS class ``st-key-<key>``, which the browser
test (tests/python/test_dashboard_browser.py) and anyone scripting the page
can rely on.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import streamlit as st

from support_success import paths
from support_success.dashboard import data

ALL = "all"
FILTERS_STATE = "dashboard_filters"
FILTER_NAMES = {"dates": "date range", "segment": "segment", "channel": "channel"}


# ------------------------------------------------------------------- data access


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(function_name: str, version: tuple, args: tuple) -> Any:
    # ``version`` (path, inode, mtime, size) is only part of the key: a new publication
    # is a new key, so the next call reads the new file.
    return getattr(data, function_name)(Path(version[0]), *args)


def load(function_name: str, *args: Any) -> Any:
    """``data.<function_name>(published database, *args)``, cached per published file."""
    database = data.published_database()
    version = data.version(database)
    if version is None:
        raise data.NoPublishedWarehouse(database)
    return _cached(function_name, version, args)


# ------------------------------------------------------------------------ filters


def sidebar_filters(choices: data.FilterChoices) -> data.Filters:
    """Date range, segment and channel in the sidebar (kept in the URL's query string)."""
    st.sidebar.header("Filters")
    picked = st.sidebar.date_input(
        "Date range",
        value=(choices.first_day, choices.last_day),
        min_value=choices.first_day,
        max_value=choices.last_day,
        key="dates",
        help="Daily figures by the day they happened; monthly figures by the month's first day.",
    )
    start, end = _date_range(picked, choices)
    segment = st.sidebar.selectbox(
        "Segment",
        (ALL, *choices.segments),
        format_func=lambda v: "All segments" if v == ALL else v,
        key="segment",
        bind="query-params",
        help="Customer segment (current). The support marts have no segment.",
    )
    channel = st.sidebar.selectbox(
        "Channel",
        (ALL, *choices.channels),
        format_func=lambda v: "All channels" if v == ALL else v,
        key="channel",
        bind="query-params",
        help="Ticket channel. Revenue and retention have no channel.",
    )
    filters = data.Filters(
        start=start,
        end=end,
        segment=None if segment in (None, ALL) else segment,
        channel=None if channel in (None, ALL) else channel,
    )
    st.session_state[FILTERS_STATE] = filters
    return filters


def _date_range(picked: Any, choices: data.FilterChoices) -> tuple[date, date]:
    """The picked range; while only a start is picked, from it to the last day of data."""
    if isinstance(picked, date):
        return picked, choices.last_day
    picked = tuple(picked or ())
    if len(picked) == 2:
        return picked[0], picked[1]
    if len(picked) == 1:
        return picked[0], choices.last_day
    return choices.first_day, choices.last_day


def active_filters() -> data.Filters:
    return st.session_state[FILTERS_STATE]


def source_note(
    f: data.Filters, source: str, applies: Iterable[str], not_applied: dict[str, str] | None = None
) -> None:
    """A caption under a chart: its mart, the filters applied, and set filters it ignores."""
    applies = list(applies)
    text = f"Source: `{source}` · filters applied: " + (
        ", ".join(FILTER_NAMES[a] for a in applies) or "none"
    )
    active = {"segment": f.segment is not None, "channel": f.channel is not None}
    ignored = [
        f"**{FILTER_NAMES[name]} filter not applied**: {why}"
        for name, why in (not_applied or {}).items()
        if active.get(name)
    ]
    st.caption(" · ".join([text, *ignored]))


# ------------------------------------------------------------------------ formats


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def number(value: float | None, decimals: int = 0) -> str:
    return "n/a" if value is None else f"{value:,.{decimals}f}"


def money(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.2f}"


def display_path(path: Path) -> str:
    """A path relative to the repository when inside it, else absolute."""
    try:
        return str(Path(path).relative_to(paths.PROJECT_DIR))
    except ValueError:
        return str(path)


def month_label(value: date | None) -> str:
    return "n/a" if value is None else value.strftime("%b %Y")


def kpi(key: str, label: str, value: str, help: str | None = None, delta: str | None = None):
    """A headline number with a stable anchor: CSS class ``st-key-kpi-<key>``."""
    with st.container(key=f"kpi-{key}"):
        st.metric(label, value, delta=delta, help=help, border=True)


def chart(key: str, figure: Any) -> None:
    """An Altair chart with a stable anchor: CSS class ``st-key-chart-<key>``."""
    with st.container(key=f"chart-{key}"):
        st.altair_chart(figure, width="stretch")


def empty(key: str, message: str) -> None:
    with st.container(key=f"chart-{key}"):
        st.info(message)
