"""Business-time calendars for the generator (agents reply inside working hours).

One boolean "is this minute worked" array per schedule over the window (plus a
margin), built from the schedule versions, time zones (with daylight saving) and
holidays of ``reference``; its cumulative sum turns "add N business minutes to an
instant" into one ``searchsorted``. A per-minute array is fine here: it is built
once per schedule (about 1.8M minutes), not per ticket. The pipeline computes
business time its own way (metrics.md); this is only how the data is shaped.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from support_success.generate import reference, timeline

MARGIN_DAYS = 200  # events of tickets created near the end may run past the window


class BusinessCalendar:
    def __init__(self, schedule_id: str):
        self.schedule_id = schedule_id
        self.start = timeline.WINDOW_START - 2 * timeline.DAY
        n_minutes = (timeline.WINDOW_DAYS + MARGIN_DAYS + 4) * 1440
        diff = np.zeros(n_minutes + 1, dtype=np.int32)
        intervals = [i for i in reference.SCHEDULES if i.schedule_id == schedule_id]
        tz = ZoneInfo(intervals[0].timezone)
        holidays = set(reference.HOLIDAYS.get(schedule_id, {}))
        first = date(2023, 10, 30)
        for offset in range(timeline.WINDOW_DAYS + MARGIN_DAYS + 2):
            day = first + timedelta(days=offset)
            iso = day.isoformat()
            if iso in holidays:
                continue
            for it in intervals:
                if it.day_of_week != day.isoweekday():
                    continue
                if iso < it.valid_from or (it.valid_to is not None and iso >= it.valid_to):
                    continue
                a = _utc_minute(day, it.start, tz, self.start)
                b = _utc_minute(day, it.end, tz, self.start)
                a, b = max(a, 0), min(b, n_minutes)
                if b > a:
                    diff[a] += 1
                    diff[b] -= 1
        worked = np.cumsum(diff[:-1]) > 0
        # cum[m] = worked minutes strictly before minute m
        self.cum = np.concatenate([[0], np.cumsum(worked, dtype=np.int64)])
        self.n_minutes = n_minutes

    def _minute(self, instant: np.ndarray) -> np.ndarray:
        m = (np.asarray(instant, dtype=np.int64) - self.start) // 60
        return np.clip(m, 0, self.n_minutes)

    def add(self, instant: np.ndarray, minutes: np.ndarray) -> np.ndarray:
        """The instant ``minutes`` business minutes after ``instant`` (minute precision)."""
        instant = np.asarray(instant, dtype=np.int64)
        minutes = np.maximum(np.rint(np.asarray(minutes, dtype=np.float64)), 1).astype(np.int64)
        target = self.cum[self._minute(instant)] + minutes
        m = np.searchsorted(self.cum, target, side="left")
        out = self.start + np.minimum(m, self.n_minutes) * 60
        # keep the seconds of the start when the answer lands in the same worked stretch
        return np.maximum(out, instant + 60)

    def between(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Business minutes between two instants (minute precision)."""
        return self.cum[self._minute(b)] - self.cum[self._minute(a)]


def _utc_minute(day: date, hhmm: str, tz: ZoneInfo, origin: int) -> int:
    h, m = (int(x) for x in hhmm.split(":"))
    if h == 24:
        local = datetime(day.year, day.month, day.day, tzinfo=tz) + timedelta(days=1)
    else:
        local = datetime(day.year, day.month, day.day, h, m, tzinfo=tz)
    return (int(local.timestamp()) - origin) // 60


_CACHE: dict[str, BusinessCalendar] = {}


def calendar(schedule_id: str) -> BusinessCalendar:
    if schedule_id not in _CACHE:
        _CACHE[schedule_id] = BusinessCalendar(schedule_id)
    return _CACHE[schedule_id]


def add_for_groups(group: np.ndarray, instant: np.ndarray, minutes: np.ndarray) -> np.ndarray:
    """Add business minutes on the schedule of each row's group (vectorised per group)."""
    out = np.empty(len(instant), dtype=np.int64)
    for g, sid in enumerate(reference.GROUP_SCHEDULE):
        mask = group == g
        if mask.any():
            out[mask] = calendar(sid).add(instant[mask], minutes[mask])
    return out
