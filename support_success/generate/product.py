"""Product usage: one row per account per day with activity.

Active users are a binomial draw over the seats in force that day (from the
subscription item history), at the account's latent adoption rate, much lower at
weekends, and fading over the 90 days before a subscription ends — so adoption and
its trend both carry signal about churn. Days with no active user have no row.
"""

from __future__ import annotations

import numpy as np

from support_success.generate.billing import Billing
from support_success.generate.timeline import DAY, NULL_TIME, WINDOW_END, WINDOW_START

CHUNK_SPANS = 1500  # spans per vectorised batch: bounds memory at ~0.5M candidate days


def generate_usage(rng: np.random.Generator, billing: Billing) -> dict:
    n_spans = len(billing.spans["customer"])
    parts = [
        _usage_chunk(rng, billing, np.arange(a, min(a + CHUNK_SPANS, n_spans)))
        for a in range(0, n_spans, CHUNK_SPANS)
    ]
    out = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    order = np.lexsort((out["customer"], out["day"]))
    return {k: v[order] for k, v in out.items()}


def _usage_chunk(rng: np.random.Generator, billing: Billing, spans: np.ndarray) -> dict:
    sp = {k: v[spans] for k, v in billing.spans.items()}
    cust = billing.customers
    first_day = (sp["start"] - WINDOW_START) // DAY
    last_day = (np.minimum(sp["end"], WINDOW_END) - 1 - WINDOW_START) // DAY
    n_days = np.maximum(last_day - first_day + 1, 0)
    span = np.repeat(np.arange(len(n_days)), n_days)
    offset = np.arange(len(span)) - np.repeat(np.cumsum(n_days) - n_days, n_days)
    day = first_day[span] + offset
    sub = sp["sub"][span]
    c = sp["customer"][span]
    # seats in force at noon of that day: the subscription's item history
    items = billing.items
    noon = WINDOW_START + day * DAY + DAY // 2
    key_items = items["sub"].astype(np.float64) * 1e10 + (items["valid_from"] - WINDOW_START)
    key = sub.astype(np.float64) * 1e10 + (noon - WINDOW_START)
    pos = np.clip(np.searchsorted(key_items, key, side="right") - 1, 0, len(key_items) - 1)
    seats = np.where(items["sub"][pos] == sub, items["quantity"][pos], 0)
    dow = (day + WINDOW_START // DAY + 3) % 7
    weekday = np.where(dow >= 5, 0.12, 1.0)
    ended = billing.subs["ended_at"][sub]
    days_left = np.where(ended != NULL_TIME, (ended - noon) / DAY, 1e9)
    fade = np.clip(0.35 + 0.65 * days_left / 90.0, 0.35, 1.0)
    ramp = np.clip(0.4 + 0.6 * offset / 45.0, 0.4, 1.0)  # onboarding ramps up
    p = cust.adoption[c] * weekday * fade * ramp * np.exp(rng.normal(0, 0.15, len(day)))
    p = np.clip(p, 0.0, 0.98)
    effective = np.where(seats > 0, seats, 1)
    p = np.where(seats > 0, p, 0.03)  # paused: the odd login
    active = rng.binomial(effective, p)
    keep = active > 0
    day, c, active = day[keep], c[keep], active[keep]
    sessions = active + rng.poisson(active * 1.6)
    key_actions = rng.poisson(sessions * 3.2 * (0.6 + cust.adoption[c]))
    return {
        "customer": c.astype(np.int32),
        "day": day.astype(np.int32),
        "active_users": active.astype(np.int32),
        "sessions": sessions.astype(np.int32),
        "key_actions": key_actions.astype(np.int32),
    }
