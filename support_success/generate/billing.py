"""Customers, subscriptions and their item history, invoices, refunds, exchange rates.

The billing world is simulated month by month across all subscriptions at once
(a loop over the 36 months, vectorised over subscriptions). Every customer has a
latent ``health`` (support and relationship experience) and ``adoption`` (share of
seats that use the product); churn hazard rises as either falls, so a health score
downstream has something real to find. The helpdesk and product modules read the
same two latents.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from support_success.generate import reference, timeline
from support_success.generate.timeline import DAY, HOUR, NULL_TIME, WINDOW_END, WINDOW_START

SEGMENTS = ("smb", "mid_market", "enterprise")
SUB_STATUSES = ("trialing", "active", "past_due", "paused", "canceled")
INVOICE_STATUSES = ("draft", "open", "paid", "void", "uncollectible")
# (country, currency index, UTC offset hours of business day, tax rate, weight)
COUNTRIES = (
    ("US", 0, -5, 0.0, 0.34),
    ("CA", 0, -5, 0.05, 0.05),
    ("BR", 0, -3, 0.0, 0.02),
    ("AU", 0, 10, 0.10, 0.03),
    ("JP", 0, 9, 0.10, 0.02),
    ("SG", 0, 8, 0.09, 0.02),
    ("DE", 1, 1, 0.19, 0.13),
    ("FR", 1, 1, 0.20, 0.08),
    ("NL", 1, 1, 0.21, 0.05),
    ("ES", 1, 1, 0.21, 0.04),
    ("IT", 1, 1, 0.22, 0.03),
    ("IE", 1, 0, 0.23, 0.02),
    ("GB", 2, 0, 0.20, 0.17),
)
# tier-1 group serving each country (EMEA for Europe and APAC, Americas for the Americas)
COUNTRY_GROUP = tuple(
    reference.AMERICAS if c[0] in ("US", "CA", "BR") else reference.EMEA for c in COUNTRIES
)
CSM_OWNERS = (
    "Alice Moreau",
    "Ben Carter",
    "Chloe Wagner",
    "Dev Patel",
    "Emma Rossi",
    "Finn Olsen",
    "Grace Kim",
    "Hugo Lambert",
)
MAIN_FAMILY_TIERS = 3  # starter, growth, enterprise; tier 3 is the analytics add-on


@dataclass
class Customers:
    n: int
    created_at: np.ndarray
    segment: np.ndarray
    country: np.ndarray
    currency: np.ndarray
    csm: np.ndarray  # index into CSM_OWNERS or -1
    is_deleted: np.ndarray
    health: np.ndarray  # latent support/relationship experience, N(0, 1)
    adoption: np.ndarray  # latent share of seats in active use, 0..1
    seats0: np.ndarray


@dataclass
class Billing:
    customers: Customers
    subs: dict  # column arrays, one row per subscription
    items: dict
    invoices: dict
    refunds: dict
    rates: dict
    spans: dict  # customer, start, end (end may be NULL_TIME -> window end): paying/trial spans


def _customers(rng: np.random.Generator, n: int) -> Customers:
    # A fifth of the base exists from the first weeks; the rest arrives as the company grows.
    u = rng.random(n)
    base = rng.random(n) < 0.2
    span = WINDOW_END - WINDOW_START - 4 * DAY
    created = np.where(
        base,
        WINDOW_START + (u * 40 * DAY),
        WINDOW_START + 40 * DAY + (u ** (1 / 1.35)) * (span - 40 * DAY),
    ).astype(np.int64)
    created += rng.integers(0, HOUR, n)
    segment = rng.choice(3, size=n, p=[0.66, 0.26, 0.08])
    weights = np.array([c[4] for c in COUNTRIES])
    country = rng.choice(len(COUNTRIES), size=n, p=weights / weights.sum())
    currency = np.array([c[1] for c in COUNTRIES])[country]
    csm = np.where(segment > 0, rng.integers(0, len(CSM_OWNERS), n), -1)
    health = rng.normal(0, 1, n)
    adoption = 1 / (1 + np.exp(-(0.45 + 0.9 * rng.normal(0, 1, n) + 0.35 * health)))
    median_seats = np.array([5, 30, 160])[segment]
    seats0 = np.maximum(1, np.rint(median_seats * np.exp(rng.normal(0, 0.55, n)))).astype(np.int64)
    return Customers(
        n=n,
        created_at=created,
        segment=segment,
        country=country,
        currency=currency,
        csm=csm,
        is_deleted=np.zeros(n, dtype=bool),
        health=health,
        adoption=adoption,
        seats0=seats0,
    )


def _new_subscriptions(rng, cust_idx, created, tier, interval, seats, currency, is_trial, trial_ok):
    n = len(cust_idx)
    trial_start = np.where(is_trial, created, NULL_TIME)
    trial_end = np.where(is_trial, created + 14 * DAY, NULL_TIME)
    started = np.where(is_trial, np.where(trial_ok, trial_end, NULL_TIME), created)
    ended = np.where(is_trial & ~trial_ok, trial_end, NULL_TIME)
    return {
        "customer": cust_idx.astype(np.int64),
        "created_at": created.astype(np.int64),
        "trial_start": trial_start,
        "trial_end": trial_end,
        "started_at": started,
        "cancel_requested_at": np.full(n, NULL_TIME),
        "ended_at": ended,
        "tier": tier.astype(np.int64),
        "interval": interval.astype(np.int64),
        "seats": seats.astype(np.int64),
        "currency": currency.astype(np.int64),
    }


def _concat(dicts: list[dict]) -> dict:
    return {k: np.concatenate([d[k] for d in dicts]) for k in dicts[0]}


def _simulate(rng, subs: dict, cust: Customers, plans: list[dict], first_sub: int):
    """Walk every subscription through the 36 months: seat changes, plan changes,
    discounts ending, pauses, cancellations. Returns item-history events (one row per
    period start) and fills cancel_requested_at / ended_at in ``subs``."""
    n = len(subs["customer"])
    months_per_cycle = np.array([i[2] for i in reference.INTERVALS])[subs["interval"]]
    c = subs["customer"]
    seg = cust.segment[c]
    health = cust.health[c]
    adoption = cust.adoption[c]
    list_price = np.array([p["list_price"] for p in plans])
    # negotiated unit price: enterprise deals below list, add-ons at list
    negotiated = np.where(seg == 2, rng.uniform(0.82, 0.97, n), 1.0)
    intro_discount = np.where(
        (seg == 0) & (rng.random(n) < 0.25),
        20.0,
        np.where(seg == 1, np.round(rng.choice([0, 0, 5, 10, 15], n), 0), 0.0),
    )
    long_discount = np.where(seg == 2, np.round(rng.uniform(5, 25, n), 0), 0.0)
    discount = np.maximum(intro_discount, long_discount)
    tier = subs["tier"].copy()
    seats = subs["seats"].copy()
    events = []  # (sub, time, tier, seats, discount, negotiated)

    def emit(mask, at):
        idx = np.flatnonzero(mask)
        if idx.size:
            events.append(
                (
                    idx,
                    at[idx].astype(np.int64),
                    tier[idx].copy(),
                    seats[idx].copy(),
                    discount[idx].copy(),
                    negotiated[idx].copy(),
                )
            )

    # the first period opens when the subscription (or its trial) starts
    opened = np.where(subs["trial_start"] != NULL_TIME, subs["trial_start"], subs["started_at"])
    emit(np.ones(n, bool), opened)
    paused_until = np.full(n, NULL_TIME)
    pause_seats = seats.copy()
    intro_ends = np.where(intro_discount > 0, opened + 92 * DAY, NULL_TIME)
    is_addon = tier == 3
    base_hazard = np.array([0.024, 0.012, 0.006])[seg] * np.where(is_addon, 2.0, 1.0)
    hazard = base_hazard * np.exp(-0.55 * health - 3.2 * (adoption - 0.6))
    for m in range(timeline.WINDOW_MONTHS):
        m0 = int(timeline.month_start(m))
        m1 = int(timeline.month_start(m + 1))
        started = subs["started_at"]
        live = (
            (started != NULL_TIME)
            & (started < m1)
            & (subs["cancel_requested_at"] == NULL_TIME)
            & (subs["ended_at"] == NULL_TIME)
        )
        at = np.maximum(m0 + (rng.random(n) * (m1 - m0)).astype(np.int64), started + DAY)
        at = np.where(at >= m1, m1 - 1, at)
        live &= at > started
        # a pause ending: seats come back
        resume = live & (paused_until != NULL_TIME) & (paused_until < m1)
        seats = np.where(resume, pause_seats, seats)
        emit(resume, np.maximum(paused_until, at))
        paused_until = np.where(resume, NULL_TIME, paused_until)
        in_pause = (paused_until != NULL_TIME) | resume
        # introductory discount ends after ~3 months
        ends_intro = live & ~in_pause & (intro_ends != NULL_TIME) & (intro_ends < m1)
        discount = np.where(ends_intro, long_discount, discount)
        emit(ends_intro, np.maximum(intro_ends, started + DAY))
        intro_ends = np.where(ends_intro, NULL_TIME, intro_ends)
        r = rng.random((5, n))
        # cancellation request (churn), more likely with poor health and low adoption
        months_live = (m1 - started) / (30 * DAY)
        cancel = live & (months_live > 1.5) & (r[0] < hazard)
        # seat changes: expansion more likely with good adoption
        change = live & ~in_pause & ~cancel & (r[1] < 0.07)
        factor = np.exp(rng.normal(0.12 * (adoption - 0.45) / 0.2 * 0.5, 0.22, n))
        new_seats = np.maximum(1, np.rint(seats * factor)).astype(np.int64)
        new_seats = np.where(new_seats == seats, seats + np.where(adoption > 0.5, 1, -1), new_seats)
        new_seats = np.maximum(new_seats, 1)
        change &= new_seats != seats
        seats = np.where(change, new_seats, seats)
        # plan upgrades (and rare downgrades) in the main product family
        up = live & ~in_pause & ~cancel & ~change & ~is_addon & (tier < 2) & (r[2] < 0.012)
        down = live & ~in_pause & ~cancel & ~change & ~is_addon & (tier > 0) & (r[2] > 0.996)
        tier = np.where(up, tier + 1, np.where(down, tier - 1, tier))
        emit(change | up | down, at)
        # pauses (small monthly customers only): a period with quantity 0
        pause = (
            live
            & ~in_pause
            & ~cancel
            & ~change
            & ~up
            & ~down
            & (seg == 0)
            & (months_per_cycle == 1)
            & (r[3] < 0.005)
        )
        pause_seats = np.where(pause, seats, pause_seats)
        paused_until = np.where(pause, at + rng.integers(30, 95, n) * DAY, paused_until)
        seats = np.where(pause, 0, seats)
        emit(pause, at)
        # cancellation runs to the end of the current billing cycle
        if cancel.any():
            idx = np.flatnonzero(cancel)
            anchor = started[idx]
            cycles = np.ceil(
                ((at[idx] - anchor) / (30.44 * DAY)) / months_per_cycle[idx] + 1e-9
            ).astype(np.int64)
            end = timeline.add_months(anchor, cycles * months_per_cycle[idx])
            end = np.where(end <= at[idx], timeline.add_months(end, months_per_cycle[idx]), end)
            subs["cancel_requested_at"][idx] = at[idx]
            # an end beyond the window is not known yet: the subscription is still active
            subs["ended_at"][idx] = np.where(end < WINDOW_END, end, NULL_TIME)
    ev = [np.concatenate([e[k] for e in events]) for k in range(6)]
    sub, at, tier_e, seats_e, disc_e, neg_e = ev
    interval = subs["interval"][sub]
    currency = subs["currency"][sub]
    plan = reference.plan_index(tier_e, interval, currency)
    unit = np.round(list_price[plan] * neg_e, 2)
    items = {
        "sub": sub + first_sub,
        "valid_from": at,
        "plan": plan,
        "quantity": seats_e,
        "unit_amount": unit,
        "discount_percent": disc_e,
    }
    return items


def _close_items(items: dict, subs: dict) -> dict:
    order = np.lexsort((items["valid_from"], items["sub"]))
    items = {k: v[order] for k, v in items.items()}
    sub = items["sub"]
    same_next = np.append(sub[1:] == sub[:-1], False)
    nxt = np.append(items["valid_from"][1:], NULL_TIME)
    valid_to = np.where(same_next, nxt, subs["ended_at"][sub])
    # a period that never started (opened at or after the end) is dropped
    keep = (valid_to == NULL_TIME) | (valid_to > items["valid_from"])
    keep &= items["valid_from"] < WINDOW_END
    items["valid_to"] = valid_to
    items = {k: v[keep] for k, v in items.items()}
    # after dropping, re-chain so periods stay contiguous
    sub = items["sub"]
    same_next = np.append(sub[1:] == sub[:-1], False)
    nxt = np.append(items["valid_from"][1:], NULL_TIME)
    items["valid_to"] = np.where(same_next, nxt, subs["ended_at"][sub])
    return items


def _status(subs: dict, items: dict, invoices: dict) -> np.ndarray:
    n = len(subs["customer"])
    status = np.full(n, 1)  # active
    trialing = (
        (subs["trial_end"] != NULL_TIME)
        & (subs["trial_end"] > WINDOW_END)
        & (subs["ended_at"] == NULL_TIME)
    )
    status[trialing] = 0
    last = np.append(items["sub"][1:] != items["sub"][:-1], True)
    paused = np.zeros(n, bool)
    paused[items["sub"][last]] = (items["quantity"][last] == 0) & (
        items["valid_to"][last] == NULL_TIME
    )
    status[paused] = 3
    overdue = (invoices["status"] == 1) & (invoices["due_at"] < WINDOW_END)
    past_due = np.zeros(n, bool)
    past_due[invoices["sub"][overdue]] = True
    status[past_due & (status == 1)] = 2
    status[subs["ended_at"] != NULL_TIME] = 4
    return status


def _invoices(rng, subs: dict, items: dict, cust: Customers, plans: list[dict]) -> dict:
    months_per_cycle = np.array([i[2] for i in reference.INTERVALS])[subs["interval"]]
    started = subs["started_at"]
    ok = started != NULL_TIME
    max_cycles = timeline.WINDOW_MONTHS + 2
    sub_idx = np.repeat(np.flatnonzero(ok), max_cycles)
    k = np.tile(np.arange(max_cycles), int(ok.sum()))
    mpc = months_per_cycle[sub_idx]
    period_start = timeline.add_months(started[sub_idx], k * mpc)
    period_end = timeline.add_months(started[sub_idx], (k + 1) * mpc)
    ended = subs["ended_at"][sub_idx]
    stop = np.where(ended == NULL_TIME, WINDOW_END, ended)
    keep = period_start < stop
    sub_idx, period_start, period_end = sub_idx[keep], period_start[keep], period_end[keep]
    # the item in force at the start of the period prices it
    key_items = items["sub"].astype(np.float64) * 1e10 + (items["valid_from"] - WINDOW_START)
    key_inv = sub_idx.astype(np.float64) * 1e10 + (period_start - WINDOW_START)
    pos = np.searchsorted(key_items, key_inv, side="right") - 1
    pos = np.clip(pos, 0, len(key_items) - 1)
    valid = items["sub"][pos] == sub_idx
    qty = np.where(valid, items["quantity"][pos], 0)
    keep = valid & (qty > 0)
    sub_idx, period_start, period_end, pos, qty = (
        sub_idx[keep],
        period_start[keep],
        period_end[keep],
        pos[keep],
        qty[keep],
    )
    n = len(sub_idx)
    customer = subs["customer"][sub_idx]
    seg = cust.segment[customer]
    tax_rate = np.array([c[3] for c in COUNTRIES])[cust.country[customer]]
    subtotal_c = np.rint(qty * items["unit_amount"][pos] * 100).astype(np.int64)
    discount_c = np.rint(subtotal_c * items["discount_percent"][pos] / 100).astype(np.int64)
    tax_c = np.rint((subtotal_c - discount_c) * tax_rate).astype(np.int64)
    total_c = subtotal_c - discount_c + tax_c
    issued = period_start + rng.integers(5 * 60, 3 * HOUR, n)
    due = issued + np.where(seg == 2, 30, 14) * DAY
    health = cust.health[customer]
    # invoices due in the last 120 days before the subscription ends: a leaving customer
    # pays late and lets payments fail more often
    ends = subs["ended_at"][sub_idx]
    leaving = (ends != NULL_TIME) & (ends - due < 120 * DAY)
    r = rng.random(n)
    fail_p = 0.012 * np.exp(-0.6 * health) + 0.03 * leaving
    status = np.full(n, 2)  # paid
    status[r < fail_p] = 4  # uncollectible (payment failed for good)
    status[(r >= fail_p) & (r < fail_p + 0.008)] = 3  # void
    late = rng.random(n) < 0.08 * np.exp(-0.3 * health) + 0.3 * leaving
    pay_days = np.where(
        late, rng.uniform(15, 60, n) * np.where(seg == 2, 1.6, 1.0), rng.exponential(2.5, n)
    )
    paid_at = issued + (pay_days * DAY).astype(np.int64)
    unpaid_yet = (status == 2) & (paid_at >= WINDOW_END)
    status[unpaid_yet] = 1  # open
    paid_at = np.where(status == 2, paid_at, NULL_TIME)
    amount_paid = np.where(status == 2, total_c, 0)
    return {
        "sub": sub_idx,
        "customer": customer,
        "currency": subs["currency"][sub_idx],
        "status": status,
        "issued_at": issued,
        "due_at": due,
        "paid_at": paid_at,
        "period_start": period_start,
        "period_end": period_end,
        "subtotal_c": subtotal_c,
        "discount_c": discount_c,
        "tax_c": tax_c,
        "total_c": total_c,
        "amount_paid_c": amount_paid,
    }


REFUND_REASONS = (
    "duplicate charge",
    "service outage credit",
    "downgrade proration",
    "customer goodwill",
    "billing error",
)


def _refunds(rng, inv: dict) -> dict:
    paid = np.flatnonzero((inv["status"] == 2) & (inv["total_c"] > 0))
    pick = paid[rng.random(len(paid)) < 0.015]
    n = len(pick)
    full = rng.random(n) < 0.45
    amount = np.where(
        full,
        inv["total_c"][pick],
        np.rint(inv["total_c"][pick] * rng.uniform(0.1, 0.6, n)).astype(np.int64),
    )
    created = inv["paid_at"][pick] + (rng.uniform(1, 40, n) * DAY).astype(np.int64)
    keep = created < WINDOW_END
    return {
        "invoice": pick[keep],
        "amount_c": np.maximum(amount[keep], 1),
        "currency": inv["currency"][pick][keep],
        "reason": rng.integers(0, len(REFUND_REASONS), n)[keep],
        "created_at": created[keep],
    }


def _exchange_rates(rng) -> dict:
    days = timeline.WINDOW_DAYS
    out = {"day": [], "currency": [], "usd_per_unit": []}
    start = {0: 1.0, 1: 1.072, 2: 1.226}
    for ci in range(len(reference.CURRENCIES)):
        if ci == 0:
            path = np.ones(days)
        else:
            steps = rng.normal(0, 0.0042, days)
            logp = np.empty(days)
            x = 0.0
            # mean-reverting random walk (a loop over days, not rows: three currencies)
            for d in range(days):
                x = 0.995 * x + steps[d]
                logp[d] = x
            path = np.round(start[ci] * np.exp(logp), 6)
        out["day"].append(np.arange(days))
        out["currency"].append(np.full(days, ci))
        out["usd_per_unit"].append(path)
    return {k: np.concatenate(v) for k, v in out.items()}


def generate_billing(rng: np.random.Generator, n_customers: int) -> Billing:
    cust = _customers(rng, n_customers)
    plans = reference.plan_rows()
    n = cust.n
    seg = cust.segment
    # main subscription: plan tier by segment, billing interval by segment
    tier = np.where(
        seg == 0,
        rng.choice(2, n, p=[0.7, 0.3]),
        np.where(
            seg == 1, rng.choice(3, n, p=[0.15, 0.7, 0.15]), rng.choice(3, n, p=[0.0, 0.3, 0.7])
        ),
    )
    interval = np.where(
        seg == 0,
        rng.choice(3, n, p=[0.8, 0.1, 0.1]),
        np.where(
            seg == 1, rng.choice(3, n, p=[0.45, 0.25, 0.3]), rng.choice(3, n, p=[0.1, 0.15, 0.75])
        ),
    )
    is_trial = (seg < 2) & (rng.random(n) < 0.65)
    convert_logit = 0.9 + 0.8 * cust.health + 2 * (cust.adoption - 0.6)
    trial_ok = rng.random(n) < 1 / (1 + np.exp(-convert_logit))
    created = cust.created_at + rng.integers(60, 2 * HOUR, n)
    main = _new_subscriptions(
        rng, np.arange(n), created, tier, interval, cust.seats0, cust.currency, is_trial, trial_ok
    )
    # add-on subscriptions for some larger customers, some months later
    addon_c = np.flatnonzero((seg > 0) & (rng.random(n) < 0.22))
    addon_start = created[addon_c] + (rng.uniform(20, 400, len(addon_c)) * DAY).astype(np.int64)
    ok = addon_start < WINDOW_END - 20 * DAY
    addon_c, addon_start = addon_c[ok], addon_start[ok]
    addon = _new_subscriptions(
        rng,
        addon_c,
        addon_start,
        np.full(len(addon_c), 3),
        np.zeros(len(addon_c), np.int64),
        np.maximum(1, cust.seats0[addon_c] // 3),
        cust.currency[addon_c],
        np.zeros(len(addon_c), bool),
        np.ones(len(addon_c), bool),
    )
    first = _concat([main, addon])
    items1 = _simulate(rng, first, cust, plans, 0)
    # the add-on ends with the main subscription if that ends first
    # reactivations: some churned customers come back with a new subscription
    churned = np.flatnonzero(
        (np.arange(len(first["customer"])) < n)
        & (first["started_at"] != NULL_TIME)
        & (first["ended_at"] != NULL_TIME)
    )
    back_at = first["ended_at"][churned] + (rng.uniform(45, 300, len(churned)) * DAY).astype(
        np.int64
    )
    back = (rng.random(len(churned)) < 0.22) & (back_at < WINDOW_END - 30 * DAY)
    rc = first["customer"][churned[back]]
    re = _new_subscriptions(
        rng,
        rc,
        back_at[back],
        first["tier"][churned[back]],
        first["interval"][churned[back]],
        np.maximum(1, np.rint(cust.seats0[rc] * rng.uniform(0.5, 1.1, len(rc)))).astype(np.int64),
        cust.currency[rc],
        np.zeros(len(rc), bool),
        np.ones(len(rc), bool),
    )
    # second lives are healthier: the customer came back on purpose
    saved_adoption = cust.adoption.copy()
    cust.adoption[rc] = np.minimum(0.95, cust.adoption[rc] + 0.15)
    items2 = _simulate(rng, re, cust, plans, len(first["customer"]))
    cust.adoption[:] = saved_adoption
    subs = _concat([first, re])
    subs["is_reactivation"] = np.concatenate(
        [np.zeros(len(first["customer"]), bool), np.ones(len(rc), bool)]
    )
    subs["is_addon"] = subs["tier"] == 3
    items = _close_items(_concat([items1, items2]), subs)
    invoices = _invoices(rng, subs, items, cust, plans)
    subs["status"] = _status(subs, items, invoices)
    refunds = _refunds(rng, invoices)
    rates = _exchange_rates(rng)
    # a handful of customers were deleted in billing after churning for good
    gone = np.zeros(n, bool)
    main_end = subs["ended_at"][:n]
    main_churned = (main_end != NULL_TIME) & (main_end < WINDOW_END - 200 * DAY)
    gone[main_churned & (rng.random(n) < 0.03)] = True
    cust.is_deleted = gone
    # paying/trial spans per customer (main and reactivation subscriptions)
    main_like = ~subs["is_addon"]
    start = np.where(subs["trial_start"] != NULL_TIME, subs["trial_start"], subs["started_at"])
    end = np.where(subs["ended_at"] != NULL_TIME, subs["ended_at"], WINDOW_END)
    has = main_like & (start != NULL_TIME) & (end > start)
    spans = {
        "customer": subs["customer"][has],
        "sub": np.flatnonzero(has),
        "start": start[has],
        "end": end[has],
    }
    return Billing(cust, subs, items, invoices, refunds, rates, spans)
