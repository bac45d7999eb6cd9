"""The dashboard: a Streamlit app over the *published* warehouse (docs/dashboard.md).

``data`` holds every query the pages run, as plain functions of a DuckDB path and
the sidebar filters (no Streamlit in it, so tests call the same functions);
``app`` is the Streamlit entry script; ``views`` draws one page each (not named
``pages/``: Streamlit would run such a folder's modules as pages of their own);
``ui`` holds what the pages share (cached loading, filters, formats, anchors);
``serve`` starts the server (``warehouse dashboard``) and ``screenshots`` takes
the README's pictures with headless Chromium.
"""
