"""Streamlit entry script: ``warehouse dashboard`` runs ``streamlit run`` on this file.

It reads only the published warehouse (``$WAREHOUSE_HOME/published/warehouse.duckdb``),
never the working one, so a refresh and the dashboard never wait for each other.
"""

from __future__ import annotations

import streamlit as st

from support_success.dashboard import data, ui
from support_success.dashboard.views import customer_360, success, support

st.set_page_config(page_title="Support & success", page_icon=":bar_chart:", layout="wide")


def _stop_with(message: str) -> None:
    st.title("Support & success dashboard")
    with st.container(key="no-published-warehouse"):
        st.error(message)
    st.stop()


database = data.published_database()
try:
    choices = ui.load("filter_choices")
    publication = ui.load("publication_info")
except data.DashboardDataError as exc:
    _stop_with(str(exc))

filters = ui.sidebar_filters(choices)
st.sidebar.divider()
published_at = publication.get("published_at")
st.sidebar.caption(
    f"Reads the published warehouse `{ui.display_path(database)}`"
    + (
        f", published {published_at:%Y-%m-%d %H:%M} UTC by run "
        f"`{str(publication['run_id'])[:8]}` ({publication['trigger']})"
        if published_at
        else ""
    )
    + ". A refresh swaps in a new file; the next interaction reads it."
)

SUPPORT = st.Page(support.render, title="Support", url_path="support")


def _home() -> None:
    """The root URL opens the support page under its own address (/support)."""
    st.switch_page(SUPPORT)


# Page addresses: /support, /success, /customer_360 (models/exposures.yml links to them).
page = st.navigation(
    [
        st.Page(_home, title="Home", url_path="home", default=True, visibility="hidden"),
        SUPPORT,
        st.Page(success.render, title="Success", url_path="success"),
        st.Page(customer_360.render, title="Customer 360", url_path="customer_360"),
    ]
)
try:
    page.run()
except data.DashboardDataError as exc:
    st.error(str(exc))
