"""Reference data that does not depend on the seed: groups, schedules, holidays,
SLA policies and price plans.

Chosen to exercise every rule of metrics.md: four groups in three time zones
(with daylight saving), a split shift (Technical Support, London), a schedule
change mid-history (Support Americas, new version from 2025-04-01), holidays per
schedule, and an SLA policy change on 2025-07-01 (urgent targets in calendar time,
the rest in business hours).
"""

from __future__ import annotations

from dataclasses import dataclass

from support_success import contract

# --------------------------------------------------------------------- groups

GROUPS = ("Support EMEA", "Support Americas", "Technical Support", "Engineering")
GROUP_TIER = (1, 1, 2, 3)
GROUP_SCHEDULE = ("sch_emea", "sch_americas", "sch_tech", "sch_eng")
EMEA, AMERICAS, TECH, ENG = range(4)


@dataclass(frozen=True)
class Interval:
    schedule_id: str
    name: str
    timezone: str
    day_of_week: int  # ISO, 1 = Monday
    start: str
    end: str
    valid_from: str
    valid_to: str | None


def _week(sid, name, tz, days, spans, valid_from="2023-01-01", valid_to=None):
    return [Interval(sid, name, tz, d, s, e, valid_from, valid_to) for d in days for s, e in spans]


WEEKDAYS = (1, 2, 3, 4, 5)
SCHEDULE_CHANGE = "2025-04-01"
SCHEDULES: list[Interval] = (
    _week("sch_emea", "Support EMEA (Berlin)", "Europe/Berlin", WEEKDAYS, [("08:00", "18:00")])
    # Support Americas: 09-17 on weekdays, then from 2025-04-01 extended hours and Saturdays.
    + _week(
        "sch_americas",
        "Support Americas (New York)",
        "America/New_York",
        WEEKDAYS,
        [("09:00", "17:00")],
        valid_to=SCHEDULE_CHANGE,
    )
    + _week(
        "sch_americas",
        "Support Americas (New York)",
        "America/New_York",
        WEEKDAYS,
        [("08:00", "20:00")],
        valid_from=SCHEDULE_CHANGE,
    )
    + _week(
        "sch_americas",
        "Support Americas (New York)",
        "America/New_York",
        (6,),
        [("10:00", "14:00")],
        valid_from=SCHEDULE_CHANGE,
    )
    # Technical Support works a split shift: morning and afternoon with a lunch break.
    + _week(
        "sch_tech",
        "Technical Support (London, split shift)",
        "Europe/London",
        WEEKDAYS,
        [("07:00", "11:30"), ("12:30", "16:00")],
    )
    + _week("sch_eng", "Engineering (Berlin)", "Europe/Berlin", (1, 2, 3, 4), [("09:00", "17:00")])
    + _week("sch_eng", "Engineering (Berlin)", "Europe/Berlin", (5,), [("09:00", "15:00")])
)

_DE = {
    "2023-12-25": "Christmas Day",
    "2023-12-26": "Boxing Day",
    "2024-01-01": "New Year",
    "2024-03-29": "Good Friday",
    "2024-04-01": "Easter Monday",
    "2024-05-01": "Labour Day",
    "2024-05-09": "Ascension Day",
    "2024-05-20": "Whit Monday",
    "2024-10-03": "Unity Day",
    "2024-12-25": "Christmas Day",
    "2024-12-26": "Boxing Day",
    "2025-01-01": "New Year",
    "2025-04-18": "Good Friday",
    "2025-04-21": "Easter Monday",
    "2025-05-01": "Labour Day",
    "2025-05-29": "Ascension Day",
    "2025-06-09": "Whit Monday",
    "2025-10-03": "Unity Day",
    "2025-12-25": "Christmas Day",
    "2025-12-26": "Boxing Day",
    "2026-01-01": "New Year",
    "2026-04-03": "Good Friday",
    "2026-04-06": "Easter Monday",
    "2026-05-01": "Labour Day",
    "2026-05-14": "Ascension Day",
    "2026-05-25": "Whit Monday",
    "2026-10-03": "Unity Day",
}
_US = {
    "2023-11-23": "Thanksgiving",
    "2023-12-25": "Christmas Day",
    "2024-01-01": "New Year",
    "2024-01-15": "Martin Luther King Jr. Day",
    "2024-02-19": "Presidents Day",
    "2024-05-27": "Memorial Day",
    "2024-06-19": "Juneteenth",
    "2024-07-04": "Independence Day",
    "2024-09-02": "Labor Day",
    "2024-11-28": "Thanksgiving",
    "2024-12-25": "Christmas Day",
    "2025-01-01": "New Year",
    "2025-01-20": "Martin Luther King Jr. Day",
    "2025-02-17": "Presidents Day",
    "2025-05-26": "Memorial Day",
    "2025-06-19": "Juneteenth",
    "2025-07-04": "Independence Day",
    "2025-09-01": "Labor Day",
    "2025-11-27": "Thanksgiving",
    "2025-12-25": "Christmas Day",
    "2026-01-01": "New Year",
    "2026-01-19": "Martin Luther King Jr. Day",
    "2026-02-16": "Presidents Day",
    "2026-05-25": "Memorial Day",
    "2026-06-19": "Juneteenth",
    "2026-07-03": "Independence Day (observed)",
    "2026-09-07": "Labor Day",
}
_UK = {
    "2023-12-25": "Christmas Day",
    "2023-12-26": "Boxing Day",
    "2024-01-01": "New Year",
    "2024-03-29": "Good Friday",
    "2024-04-01": "Easter Monday",
    "2024-05-06": "Early May",
    "2024-05-27": "Spring bank holiday",
    "2024-08-26": "Summer bank holiday",
    "2024-12-25": "Christmas Day",
    "2024-12-26": "Boxing Day",
    "2025-01-01": "New Year",
    "2025-04-18": "Good Friday",
    "2025-04-21": "Easter Monday",
    "2025-05-05": "Early May",
    "2025-05-26": "Spring bank holiday",
    "2025-08-25": "Summer bank holiday",
    "2025-12-25": "Christmas Day",
    "2025-12-26": "Boxing Day",
    "2026-01-01": "New Year",
    "2026-04-03": "Good Friday",
    "2026-04-06": "Easter Monday",
    "2026-05-04": "Early May",
    "2026-05-25": "Spring bank holiday",
    "2026-08-31": "Summer bank holiday",
}
HOLIDAYS: dict[str, dict[str, str]] = {
    "sch_emea": _DE,
    "sch_americas": _US,
    "sch_tech": _UK,
    "sch_eng": _DE,
}

# ---------------------------------------------------------------- SLA policies

PRIORITIES = ("low", "normal", "high", "urgent")
SLA_METRICS = contract.SLA_METRICS
POLICY_CHANGE = "2025-07-01 00:00:00"
# The named policies the helpdesk applies per ticket (field history `sla_policy`): enterprise
# accounts get "Enterprise", everyone else "Standard"; a few tickets are moved between them.
POLICY_NAMES = ("Standard", "Enterprise")
STANDARD, ENTERPRISE = range(2)


@dataclass(frozen=True)
class PolicyVersion:
    policy_id: str
    name: str
    valid_from: str
    valid_to: str | None
    # priority -> target minutes per metric, in SLA_METRICS order; a shorter tuple means the
    # version has no target for the remaining metrics (no SLA row for them)
    targets: dict[str, tuple[int, ...]]


SLA_POLICIES = (
    # the first Standard version predates the update metrics: no targets for them
    PolicyVersion(
        "pol_standard_2023",
        "Standard",
        "2023-01-01 00:00:00",
        POLICY_CHANGE,
        {
            "low": (1440, 1920, 9600),
            "normal": (480, 960, 4800),
            "high": (240, 480, 2880),
            "urgent": (60, 120, 1440),
        },
    ),
    PolicyVersion(
        "pol_standard_2025",
        "Standard",
        POLICY_CHANGE,
        None,
        {
            "low": (960, 1440, 7200, 2880, 2880, 1440),
            "normal": (360, 720, 3840, 1440, 1440, 720),
            "high": (120, 240, 1920, 720, 960, 480),
            "urgent": (30, 60, 720, 240, 480, 240),
        },
    ),
    PolicyVersion(
        "pol_enterprise",
        "Enterprise",
        "2023-01-01 00:00:00",
        None,
        {
            "low": (480, 960, 4800, 1920, 1440, 720),
            "normal": (240, 480, 2880, 1440, 960, 480),
            "high": (120, 240, 1440, 720, 480, 240),
            "urgent": (30, 60, 720, 240, 240, 120),
        },
    ),
)
CALENDAR_TIME_PRIORITIES = ("urgent",)  # urgent targets run on the clock, not on business hours

# ----------------------------------------------------------------------- plans

CURRENCIES = ("USD", "EUR", "GBP")
# (family, tier, per-seat monthly list price in USD, EUR, GBP)
PLAN_TIERS = (
    ("helpdesk", "starter", (19.0, 18.0, 15.0)),
    ("helpdesk", "growth", (49.0, 45.0, 39.0)),
    ("helpdesk", "enterprise", (99.0, 92.0, 79.0)),
    ("analytics", "addon", (12.0, 11.0, 9.0)),
)
# (billing_interval, interval_count, months per cycle, price factor vs monthly x months)
INTERVALS = (
    ("month", 1, 1, 1.0),
    ("month", 3, 3, 0.95),
    ("year", 1, 12, 0.85),
)


def plan_rows() -> list[dict]:
    """One row per tier × interval × currency (list price per seat per cycle)."""
    rows = []
    for ti, (family, tier, prices) in enumerate(PLAN_TIERS):
        for ii, (interval, count, months, factor) in enumerate(INTERVALS):
            for ci, currency in enumerate(CURRENCIES):
                label = {1: "monthly", 3: "quarterly", 12: "annual"}[months]
                rows.append(
                    {
                        "plan_index": (ti * len(INTERVALS) + ii) * len(CURRENCIES) + ci,
                        "plan_id": f"plan_{tier}_{label}_{currency.lower()}",
                        "plan_name": f"{family.title()} {tier.title()} ({label}, {currency})",
                        "product_family": family,
                        "billing_interval": interval,
                        "interval_count": count,
                        "list_price": round(prices[ci] * months * factor, 2),
                        "currency": currency,
                        "months": months,
                    }
                )
    return rows


def plan_index(tier: int, interval: int, currency: int):
    return (tier * len(INTERVALS) + interval) * len(CURRENCIES) + currency
