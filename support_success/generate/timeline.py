"""The fixed time window every dataset covers, and vectorised time helpers.

Instants are ``int64`` seconds since the Unix epoch (UTC) throughout the generator;
the writer turns them into naive-UTC ``TIMESTAMP`` values. The window is fixed
(never "now"), so the same seed gives the same data on any day.
"""

from __future__ import annotations

import numpy as np

DAY = 86_400
HOUR = 3_600
MINUTE = 60

WINDOW_START_DATE = np.datetime64("2023-11-01")
WINDOW_END_DATE = np.datetime64("2026-11-01")  # exclusive: history ends 2026-10-31 23:59:59
WINDOW_START = int(WINDOW_START_DATE.astype("datetime64[s]").astype(np.int64))
WINDOW_END = int(WINDOW_END_DATE.astype("datetime64[s]").astype(np.int64))
WINDOW_DAYS = int((WINDOW_END_DATE - WINDOW_START_DATE).astype(int))
WINDOW_MONTHS = 36
# Loads never land later than this (the last nightly sync after the window closed).
LOAD_HORIZON = WINDOW_END + 3 * DAY
NULL_TIME = np.iinfo(np.int64).min  # marks a NULL instant in int64 arrays


def month_start(month_index: np.ndarray | int) -> np.ndarray:
    """Epoch seconds of the first instant of window month ``month_index`` (0 = Nov 2023)."""
    months = np.datetime64("2023-11", "M") + np.asarray(month_index, dtype=np.int64)
    return months.astype("datetime64[s]").astype(np.int64)


def add_months(anchor: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Add whole months to instants, keeping day-of-month (clipped to 28) and time of day."""
    anchor = np.asarray(anchor, dtype=np.int64)
    as_dt = anchor.astype("datetime64[s]")
    month = as_dt.astype("datetime64[M]")
    day = (as_dt.astype("datetime64[D]") - month.astype("datetime64[D]")).astype(np.int64)
    tod = anchor - as_dt.astype("datetime64[D]").astype("datetime64[s]").astype(np.int64)
    new_month = (month + np.asarray(months, dtype=np.int64)).astype("datetime64[D]")
    return (new_month + np.minimum(day, 27)).astype("datetime64[s]").astype(np.int64) + tod


def day_of_week(instant: np.ndarray, offset_hours: np.ndarray | float = 0.0) -> np.ndarray:
    """ISO day of week (1 = Monday) of instants seen at a fixed UTC offset."""
    local_days = (np.asarray(instant) + (np.asarray(offset_hours) * HOUR).astype(np.int64)) // DAY
    return ((local_days + 3) % 7) + 1  # 1970-01-01 was a Thursday


def lognormal_minutes(rng: np.random.Generator, median: np.ndarray, sigma: float) -> np.ndarray:
    """Positive durations in minutes with the given median and log-sd."""
    median = np.asarray(median, dtype=np.float64)
    return median * np.exp(rng.normal(0.0, sigma, size=median.shape))


def load_lag(rng: np.random.Generator, n: int, median_minutes: float = 25.0) -> np.ndarray:
    """Seconds between a business event and the loader landing it (a sync every so often)."""
    return (lognormal_minutes(rng, np.full(n, median_minutes), 0.8) * MINUTE).astype(np.int64) + 30


def loaded_at(rng: np.random.Generator, event: np.ndarray, median_minutes: float = 25.0):
    """``_loaded_at`` for rows whose business event is ``event``: shortly after, never late."""
    event = np.asarray(event, dtype=np.int64)
    lag = load_lag(rng, event.shape[0], median_minutes)
    return np.minimum(event + lag, np.maximum(event + 60, WINDOW_END + DAY))
