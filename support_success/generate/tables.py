"""Assemble the 17 contract tables (as Arrow tables) from the simulated world.

Ids become the text keys a real system would use (``cus_000042``, ticket ``10042``,
``usr_17``); enums become their labels; instants become naive-UTC timestamps;
money is computed in integer cents and landed as decimals. Every table gets a
realistic ``_loaded_at`` (shortly after the business event) and an ``_rn`` row
number that fixes the output order (dropped when written).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from support_success import contract
from support_success.generate import billing as bl
from support_success.generate import helpdesk as hd
from support_success.generate import reference, timeline
from support_success.generate.timeline import DAY, NULL_TIME, WINDOW_START, loaded_at

TICKET_BASE = 10_000
COMMENT_BASE = 5_000_000

FIRST_NAMES = (
    "Anna",
    "Luis",
    "Mei",
    "Omar",
    "Sara",
    "Jonas",
    "Priya",
    "Tom",
    "Ines",
    "Kenji",
    "Lea",
    "Marco",
    "Nora",
    "Paul",
    "Rosa",
    "Yusuf",
    "Eva",
    "Ali",
    "Julia",
    "Sam",
)
LAST_NAMES = (
    "Schmidt",
    "Garcia",
    "Chen",
    "Haddad",
    "Nilsson",
    "Becker",
    "Rao",
    "Smith",
    "Costa",
    "Sato",
    "Dubois",
    "Bianchi",
    "Novak",
    "Wright",
    "Silva",
    "Yilmaz",
)
SUBJECTS = {
    0: (
        "How do I export my reports?",
        "Question about user permissions",
        "Invoice address change",
        "Can we add more seats?",
        "Where is the API documentation?",
    ),
    1: (
        "Login fails with error 500",
        "Dashboard not loading",
        "Emails are not being sent",
        "Sync stopped working",
        "Data missing after import",
    ),
    2: (
        "Recurring timeouts on large exports",
        "Webhook deliveries delayed",
        "Search results inconsistent",
    ),
    3: ("Please set up SSO for our team", "Migrate workspace data", "Update billing contact"),
}
BODIES = (
    "Hi, I need help with this, details below.",
    "Thanks for reaching out! We have received your request and will get back to you shortly.",
    "Thanks for the details. Could you try the steps below and let us know?",
    "I tried that, still the same problem.",
    "One more thing: it also happens on mobile.",
    "Internal: checked logs, looks config related.",
    "Thanks, that fixed it!",
    "Sorry, the problem is back.",
    "Merged into an earlier ticket from the same customer.",
    "Internal: escalating to the next tier with reproduction steps.",
    "We have not heard back from you, so we are marking this request as solved.",
)


# ------------------------------------------------------------------ column helpers


def ids(prefix: str, values: np.ndarray, width: int = 0) -> pa.Array:
    values = np.asarray(values, dtype=np.int64)
    text = pc.cast(pa.array(values, mask=values < 0), pa.string())
    if width:
        text = pc.utf8_lpad(text, width=width, padding="0")
    return pc.binary_join_element_wise(pa.scalar(prefix), text, pa.scalar(""))


def labels(names, codes: np.ndarray) -> pa.Array:
    codes = np.asarray(codes, dtype=np.int32)
    dictionary = pa.DictionaryArray.from_arrays(pa.array(codes, mask=codes < 0), pa.array(names))
    return dictionary.dictionary_decode()


def instants(values: np.ndarray) -> pa.Array:
    values = np.asarray(values, dtype=np.int64)
    return pa.array(values.astype("datetime64[s]"), mask=values == NULL_TIME)


def dates(day_index: np.ndarray) -> pa.Array:
    day_index = np.asarray(day_index, dtype=np.int64)
    return pa.array((day_index + WINDOW_START // DAY).astype("datetime64[D]"))


def money(cents: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(cents, dtype=np.int64) / 100.0)


ARROW_TYPES = {
    contract.TEXT: pa.string(),
    contract.TS: pa.timestamp("us"),
    contract.DATE: pa.date32(),
    contract.BOOL: pa.bool_(),
    contract.INT: pa.int64(),
    contract.MONEY: pa.decimal128(18, 4),
    contract.PERCENT: pa.decimal128(9, 4),
    contract.RATE: pa.float64(),
}


def arrow_schema(qualified: str) -> pa.Schema:
    """The contract table as an Arrow schema (plus the leading ``_rn`` row number)."""
    table = contract.table(qualified)
    return pa.schema(
        [pa.field("_rn", pa.int64())]
        + [pa.field(c.name, ARROW_TYPES[c.type]) for c in table.columns]
    )


def _decimal(values: pa.Array, target: pa.Decimal128Type) -> pa.Array:
    """Exact decimals from floats holding at most ``scale`` decimals (money, percents)."""
    floats = np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.float64)
    units = np.rint(floats * 10**target.scale).astype(np.int64)
    # a decimal128 is a little-endian 128-bit integer: low word, then the sign extension
    words = np.empty((len(units), 2), dtype=np.int64)
    words[:, 0] = units
    words[:, 1] = np.where(units < 0, -1, 0)
    valid = None
    if values.null_count:
        valid = pa.array(~np.asarray(values.is_null().to_numpy(zero_copy_only=False))).buffers()[1]
    return pa.Array.from_buffers(target, len(units), [valid, pa.py_buffer(words.tobytes())])


def _to_type(values, target: pa.DataType) -> pa.Array:
    if not isinstance(values, pa.Array | pa.ChunkedArray):
        values = pa.array(values)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    if pa.types.is_decimal(target) and not pa.types.is_decimal(values.type):
        return _decimal(values, target)
    return values if values.type == target else pc.cast(values, target)


def _table(qualified: str, columns: dict) -> pa.Table:
    """An Arrow table with exactly the contract's columns and types, plus ``_rn``."""
    schema = arrow_schema(qualified)
    n = len(next(iter(columns.values())))
    columns = {"_rn": np.arange(n, dtype=np.int64), **columns}
    missing = [f.name for f in schema if f.name not in columns]
    if missing:
        raise ValueError(f"generator bug: {qualified} lacks {missing}")
    arrays = [_to_type(columns[f.name], f.type) for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


def customer_ids(idx):
    return ids("cus_", idx, 6)


def user_ids(idx):
    return ids("usr_", idx)


def ticket_ids(idx):
    idx = np.asarray(idx, dtype=np.int64)
    return ids("", np.where(idx < 0, -1, idx + TICKET_BASE))


def sub_ids(idx):
    return ids("sub_", idx, 6)


def texts(options, n, rng) -> pa.Array:
    return labels(options, rng.integers(0, len(options), n))


# -------------------------------------------------------------------- the tables


def build(rng: np.random.Generator, world):
    """Yield ``(schema.table, Arrow table)`` one table at a time, releasing the world's
    arrays once written, so peak memory stays near one big table."""
    b: bl.Billing = world.billing
    h: hd.Helpdesk = world.helpdesk
    u: hd.Users = h.users
    cust = b.customers
    static_load = WINDOW_START - 2 * DAY + 3600

    # ---- helpdesk reference data
    yield (
        "raw_helpdesk.groups",
        _table(
            "raw_helpdesk.groups",
            {
                "group_name": pa.array(list(reference.GROUPS)),
                "tier": pa.array(list(reference.GROUP_TIER), pa.int64()),
                "schedule_id": pa.array(list(reference.GROUP_SCHEDULE)),
                "_loaded_at": instants(np.full(4, static_load)),
            },
        ),
    )
    sch = reference.SCHEDULES
    sch_from = np.array([np.datetime64(i.valid_from) for i in sch]).astype("datetime64[s]")
    yield (
        "raw_helpdesk.schedules",
        _table(
            "raw_helpdesk.schedules",
            {
                "schedule_id": pa.array([i.schedule_id for i in sch]),
                "schedule_name": pa.array([i.name for i in sch]),
                "timezone": pa.array([i.timezone for i in sch]),
                "day_of_week": pa.array([i.day_of_week for i in sch], pa.int64()),
                "start_time": pa.array([i.start for i in sch]),
                "end_time": pa.array([i.end for i in sch]),
                "valid_from": pa.array([date.fromisoformat(i.valid_from) for i in sch]),
                "valid_to": pa.array(
                    [None if i.valid_to is None else date.fromisoformat(i.valid_to) for i in sch],
                    pa.date32(),
                ),
                "_loaded_at": instants(
                    np.maximum(sch_from.astype(np.int64) - 20 * DAY, static_load)
                ),
            },
        ),
    )
    hol = [(sid, d, name) for sid, days in reference.HOLIDAYS.items() for d, name in days.items()]
    yield (
        "raw_helpdesk.schedule_holidays",
        _table(
            "raw_helpdesk.schedule_holidays",
            {
                "schedule_id": pa.array([x[0] for x in hol]),
                "holiday_date": pa.array([date.fromisoformat(x[1]) for x in hol]),
                "holiday_name": pa.array([x[2] for x in hol]),
                "_loaded_at": instants(np.full(len(hol), static_load)),
            },
        ),
    )
    pol = [
        (p, pr, mi)
        for p in reference.SLA_POLICIES
        for pr in reference.PRIORITIES
        for mi in range(len(p.targets[pr]))
    ]
    pol_from = np.array([np.datetime64(p.valid_from, "s") for p, _, _ in pol]).astype(np.int64)
    pol_to = np.array(
        [
            NULL_TIME if p.valid_to is None else np.datetime64(p.valid_to, "s").astype(np.int64)
            for p, _, _ in pol
        ]
    )
    yield (
        "raw_helpdesk.sla_policies",
        _table(
            "raw_helpdesk.sla_policies",
            {
                "policy_id": pa.array([p.policy_id for p, _, _ in pol]),
                "policy_name": pa.array([p.name for p, _, _ in pol]),
                "priority": pa.array([pr for _, pr, _ in pol]),
                "metric": pa.array([reference.SLA_METRICS[mi] for _, _, mi in pol]),
                "target_minutes": pa.array([p.targets[pr][mi] for p, pr, mi in pol], pa.int64()),
                "in_business_hours": pa.array(
                    [pr not in reference.CALENDAR_TIME_PRIORITIES for _, pr, _ in pol]
                ),
                "valid_from": instants(pol_from),
                "valid_to": instants(pol_to),
                # the old version is re-synced when it gets its valid_to
                "_loaded_at": instants(
                    np.where(
                        pol_to != NULL_TIME,
                        pol_to + 1800,
                        np.maximum(pol_from - 10 * DAY, static_load),
                    )
                ),
            },
        ),
    )

    # ---- users
    first = rng.integers(0, len(FIRST_NAMES), u.n)
    last = rng.integers(0, len(LAST_NAMES), u.n)
    name = pc.binary_join_element_wise(labels(FIRST_NAMES, first), labels(LAST_NAMES, last), " ")
    name = pc.if_else(pa.array(np.arange(u.n) == hd.AUTOMATION_USER), "Automation", name)
    email = pc.utf8_lower(
        pc.binary_join_element_wise(
            labels(FIRST_NAMES, first),
            pc.binary_join_element_wise(
                labels(LAST_NAMES, last), pc.cast(pa.array(np.arange(u.n)), pa.string()), "."
            ),
            pa.array(np.where(u.account >= 0, "@customer.example", "@helpdesk.example")),
            ".",
        )
    )
    yield (
        "raw_helpdesk.users",
        _table(
            "raw_helpdesk.users",
            {
                "user_id": user_ids(np.arange(u.n)),
                "role": labels(hd.ROLES, u.role),
                "account_id": customer_ids(u.account),
                "name": name,
                "email": email,
                "default_group": labels(reference.GROUPS, u.default_group),
                "created_at": instants(u.created_at),
                "is_active": pa.array(u.is_active),
                "_loaded_at": instants(loaded_at(rng, np.maximum(u.created_at, WINDOW_START))),
            },
        ),
    )

    # ---- tickets (current state, landed after the last update)
    t = h.tickets
    n_t = len(t["ticket"])
    yield (
        "raw_helpdesk.tickets",
        _table(
            "raw_helpdesk.tickets",
            {
                "ticket_id": ticket_ids(t["ticket"]),
                "account_id": customer_ids(t["customer"]),
                "requester_id": user_ids(t["requester"]),
                "assignee_id": user_ids(t["assignee"]),
                "group_name": labels(reference.GROUPS, t["group"]),
                "subject": labels(
                    [s for ty in range(4) for s in SUBJECTS[ty]],
                    np.array([sum(len(SUBJECTS[x]) for x in range(ty)) for ty in range(4)])[
                        t["type"]
                    ]
                    + rng.integers(0, 3, n_t),
                ),
                "channel": labels(hd.CHANNELS, t["channel"]),
                "priority": labels(reference.PRIORITIES, t["priority"]),
                "ticket_type": labels(hd.TICKET_TYPES, t["type"]),
                "status": labels(hd.STATUSES, t["status"]),
                "created_at": instants(t["created_at"]),
                "updated_at": instants(t["updated_at"]),
                "is_deleted": pa.array(t["is_deleted"]),
                "merged_into_ticket_id": ticket_ids(t["merged_into"]),
                "_loaded_at": instants(loaded_at(rng, t["updated_at"])),
            },
        ),
    )
    c = h.comments
    n_c = len(c["ticket"])
    yield (
        "raw_helpdesk.ticket_comments",
        _table(
            "raw_helpdesk.ticket_comments",
            {
                "comment_id": ids("", COMMENT_BASE + np.arange(n_c)),
                "ticket_id": ticket_ids(c["ticket"]),
                "author_id": user_ids(c["author"]),
                "is_public": pa.array(c["is_public"]),
                "via": labels(hd.VIAS, c["via"]),
                "created_at": instants(c["at"]),
                "body": labels(BODIES, c["kind"]),
                "_loaded_at": instants(loaded_at(rng, c["at"])),
            },
        ),
    )
    h.comments = c = None
    fh = h.history
    value_text = _history_values(fh)
    yield (
        "raw_helpdesk.ticket_field_history",
        _table(
            "raw_helpdesk.ticket_field_history",
            {
                "ticket_id": ticket_ids(fh["ticket"]),
                "field_name": labels(hd.FIELDS, fh["field"]),
                "value": value_text,
                "updated_at": instants(fh["at"]),
                "updater_id": user_ids(fh["updater"]),
                "_loaded_at": instants(loaded_at(rng, fh["at"])),
            },
        ),
    )
    h.history = fh = value_text = None
    r = h.responses
    n_r = len(r["survey"])
    yield (
        "raw_helpdesk.satisfaction_responses",
        _table(
            "raw_helpdesk.satisfaction_responses",
            {
                "response_id": ids("resp_", np.arange(n_r), 7),
                "survey_type": labels(hd.SURVEYS, r["survey"]),
                "ticket_id": ticket_ids(r["ticket"]),
                "account_id": customer_ids(r["customer"]),
                "user_id": user_ids(r["user"]),
                "score": pa.array(r["score"].astype(np.int64)),
                "comment": labels(
                    (
                        "",
                        "Quick and helpful.",
                        "Took too long.",
                        "Great product.",
                        "Support kept asking the same questions.",
                    ),
                    rng.integers(0, 5, n_r),
                ),
                "responded_at": instants(r["at"]),
                "_loaded_at": instants(loaded_at(rng, r["at"], 120.0)),
            },
        ),
    )

    # ---- billing
    country_codes = [x[0] for x in bl.COUNTRIES]
    yield (
        "raw_billing.customers",
        _table(
            "raw_billing.customers",
            {
                "customer_id": customer_ids(np.arange(cust.n)),
                "customer_name": pc.binary_join_element_wise(
                    labels(LAST_NAMES, rng.integers(0, len(LAST_NAMES), cust.n)),
                    labels(
                        ("GmbH", "Ltd", "Inc", "SAS", "BV", "Group", "Labs"),
                        rng.integers(0, 7, cust.n),
                    ),
                    " ",
                ),
                "segment": labels(bl.SEGMENTS, cust.segment),
                "country": labels(country_codes, cust.country),
                "billing_currency": labels(reference.CURRENCIES, cust.currency),
                "created_at": instants(cust.created_at),
                "csm_owner": labels(bl.CSM_OWNERS, cust.csm),
                "is_deleted": pa.array(cust.is_deleted),
                "_loaded_at": instants(loaded_at(rng, cust.created_at)),
            },
        ),
    )
    plans = reference.plan_rows()
    yield (
        "raw_billing.plans",
        _table(
            "raw_billing.plans",
            {
                "plan_id": pa.array([p["plan_id"] for p in plans]),
                "plan_name": pa.array([p["plan_name"] for p in plans]),
                "product_family": pa.array([p["product_family"] for p in plans]),
                "billing_interval": pa.array([p["billing_interval"] for p in plans]),
                "interval_count": pa.array([p["interval_count"] for p in plans], pa.int64()),
                "list_price": pa.array([p["list_price"] for p in plans]),
                "currency": pa.array([p["currency"] for p in plans]),
                "_loaded_at": instants(np.full(len(plans), static_load)),
            },
        ),
    )
    s = b.subs
    n_s = len(s["customer"])
    last_change = np.max(
        np.stack([s["created_at"], s["started_at"], s["cancel_requested_at"], s["ended_at"]]),
        axis=0,
    )
    yield (
        "raw_billing.subscriptions",
        _table(
            "raw_billing.subscriptions",
            {
                "subscription_id": sub_ids(np.arange(n_s)),
                "customer_id": customer_ids(s["customer"]),
                "status": labels(bl.SUB_STATUSES, s["status"]),
                "currency": labels(reference.CURRENCIES, s["currency"]),
                "created_at": instants(s["created_at"]),
                "trial_start": instants(s["trial_start"]),
                "trial_end": instants(s["trial_end"]),
                "started_at": instants(s["started_at"]),
                "cancel_requested_at": instants(s["cancel_requested_at"]),
                "ended_at": instants(s["ended_at"]),
                "_loaded_at": instants(
                    loaded_at(rng, np.minimum(last_change, timeline.WINDOW_END - 1))
                ),
            },
        ),
    )
    it = b.items
    n_i = len(it["sub"])
    plan_ids = [p["plan_id"] for p in plans]
    yield (
        "raw_billing.subscription_items",
        _table(
            "raw_billing.subscription_items",
            {
                "subscription_item_id": ids("si_", np.arange(n_i), 7),
                "subscription_id": sub_ids(it["sub"]),
                "plan_id": labels(plan_ids, it["plan"]),
                "quantity": pa.array(it["quantity"].astype(np.int64)),
                "unit_amount": pa.array(it["unit_amount"]),
                "discount_percent": pa.array(it["discount_percent"].astype(np.float64)),
                "valid_from": instants(it["valid_from"]),
                "valid_to": instants(it["valid_to"]),
                "_loaded_at": instants(
                    loaded_at(
                        rng,
                        np.where(
                            (it["valid_to"] != NULL_TIME) & (it["valid_to"] < timeline.WINDOW_END),
                            it["valid_to"],
                            it["valid_from"],
                        ),
                    )
                ),
            },
        ),
    )
    inv = b.invoices
    n_v = len(inv["sub"])
    inv_last = np.maximum(
        inv["issued_at"], np.where(inv["paid_at"] != NULL_TIME, inv["paid_at"], 0)
    )
    yield (
        "raw_billing.invoices",
        _table(
            "raw_billing.invoices",
            {
                "invoice_id": ids("in_", np.arange(n_v), 8),
                "customer_id": customer_ids(inv["customer"]),
                "subscription_id": sub_ids(inv["sub"]),
                "currency": labels(reference.CURRENCIES, inv["currency"]),
                "status": labels(bl.INVOICE_STATUSES, inv["status"]),
                "issued_at": instants(inv["issued_at"]),
                "due_at": instants(inv["due_at"]),
                "paid_at": instants(inv["paid_at"]),
                "period_start": instants(inv["period_start"]),
                "period_end": instants(inv["period_end"]),
                "subtotal": money(inv["subtotal_c"]),
                "discount_amount": money(inv["discount_c"]),
                "tax_amount": money(inv["tax_c"]),
                "total": money(inv["total_c"]),
                "amount_paid": money(inv["amount_paid_c"]),
                "_loaded_at": instants(
                    loaded_at(rng, np.minimum(inv_last, timeline.WINDOW_END - 1))
                ),
            },
        ),
    )
    rf = b.refunds
    n_f = len(rf["invoice"])
    yield (
        "raw_billing.refunds",
        _table(
            "raw_billing.refunds",
            {
                "refund_id": ids("re_", np.arange(n_f), 6),
                "invoice_id": ids("in_", rf["invoice"], 8),
                "amount": money(rf["amount_c"]),
                "currency": labels(reference.CURRENCIES, rf["currency"]),
                "reason": labels(bl.REFUND_REASONS, rf["reason"]),
                "created_at": instants(rf["created_at"]),
                "_loaded_at": instants(loaded_at(rng, rf["created_at"])),
            },
        ),
    )
    fx = b.rates
    yield (
        "raw_billing.exchange_rates",
        _table(
            "raw_billing.exchange_rates",
            {
                "rate_date": dates(fx["day"]),
                "currency": labels(reference.CURRENCIES, fx["currency"]),
                "usd_per_unit": pa.array(fx["usd_per_unit"]),
                # published the next morning
                "_loaded_at": instants(WINDOW_START + (fx["day"] + 1) * DAY + 6 * 3600),
            },
        ),
    )

    # ---- product
    world.helpdesk = h = None  # free the helpdesk arrays before simulating usage
    from support_success.generate import usage_of

    us = usage_of(world)
    yield (
        "raw_product.daily_usage",
        _table(
            "raw_product.daily_usage",
            {
                "account_id": customer_ids(us["customer"]),
                "usage_date": dates(us["day"]),
                "active_users": pa.array(us["active_users"].astype(np.int64)),
                "sessions": pa.array(us["sessions"].astype(np.int64)),
                "key_actions": pa.array(us["key_actions"].astype(np.int64)),
                # nightly batch: the day's usage lands early the next morning
                "_loaded_at": instants(
                    WINDOW_START
                    + (us["day"] + 1) * DAY
                    + 2 * 3600
                    + rng.integers(0, 3600, len(us["day"]))
                ),
            },
        ),
    )


def _history_values(fh: dict) -> pa.Array:
    field, value = fh["field"], fh["value"]
    status = labels(hd.STATUSES, np.where(field == hd.F_STATUS, value, -1))
    priority = labels(reference.PRIORITIES, np.where(field == hd.F_PRIORITY, value, -1))
    assignee = user_ids(np.where(field == hd.F_ASSIGNEE, value, -1))
    group = labels(reference.GROUPS, np.where(field == hd.F_GROUP, value, -1))
    policy = labels(reference.POLICY_NAMES, np.where(field == hd.F_SLA_POLICY, value, -1))
    return pc.coalesce(status, priority, assignee, group, policy)
