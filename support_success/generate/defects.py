"""Dirty-data injection: the ways real loaders and source systems go wrong.

Each defect kind is declared once in ``KINDS`` (table, what it does, what the
pipeline is expected to do) and applied in SQL to the typed work table, so the
written file still parses as the contract types (the loader never fails on it).

* ``copy`` kinds add a new row derived from a sampled clean row. Wherever the
  defect would otherwise break a coherent history, the copy gets a fresh key
  (``fresh`` ids start with 9, e.g. ticket ``90000003``), so quarantining it leaves
  the clean history intact.
* ``update`` kinds change a sampled clean row in place; they are only used where
  the row stays valid (late arrival) or the documented repair restores it exactly
  (odd-case enums, currencies fixable by trim + upper).

``defect_rate`` is the share of rows per affected table that are defective: the
table's budget ``rate × rows`` is split evenly over its kinds, with at least one
row per kind when the rate is positive (so every kind shows up even in ``demo``).
Every defective row is recorded in ``_defects.csv`` with its key as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from support_success import contract

END = "timestamp '2026-11-01 00:00:00'"
HORIZON = "timestamp '2026-11-04 00:00:00'"

QUARANTINE = "quarantine"
REPAIR = "repair"
KEEP = "keep"
DEDUPE = "dedupe"


@dataclass(frozen=True)
class Kind:
    name: str
    table: str
    mode: str  # "copy" (adds rows) or "update" (changes the sampled rows)
    column: str  # the affected column ('' when the whole row is the defect)
    set: dict[str, str]  # column -> SQL over t.* (the sampled row) and p.* (pick: i, u1, u2, c)
    detail: str  # SQL text expression describing the row
    expected: str  # treatment: dedupe / keep / repair / quarantine
    reason: str  # what the pipeline should say (quarantine reason code or repair rule)
    where: str = "true"  # which clean rows may be sampled
    copies: int = 1  # rows per pick (2 for conflicting duplicates)
    doc: str = ""


def _older_load(event: str) -> dict[str, str]:
    # a re-sync that landed the same values earlier: strictly between event and original load
    return {
        "_loaded_at": f"t._loaded_at - to_microseconds(cast((epoch_us(t._loaded_at) - "
        f"epoch_us({event})) * (0.1 + 0.8 * p.u1) as bigint))"
    }


def _late(event: str) -> dict[str, str]:
    return {
        "_loaded_at": f"least({event} + to_seconds(cast(3 * 86400 + p.u1 * 9 * 86400 "
        f"as bigint)), {HORIZON})"
    }


def _lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


TICKETS = "raw_helpdesk.tickets"
COMMENTS = "raw_helpdesk.ticket_comments"
HISTORY = "raw_helpdesk.ticket_field_history"
RESPONSES = "raw_helpdesk.satisfaction_responses"
CUSTOMERS = "raw_billing.customers"
SUBS = "raw_billing.subscriptions"
ITEMS = "raw_billing.subscription_items"
INVOICES = "raw_billing.invoices"
REFUNDS = "raw_billing.refunds"
USAGE = "raw_product.daily_usage"

FRESH_TICKET = "cast(90000000 + p.i as varchar)"
FRESH_COMMENT = "cast(90000000 + p.i as varchar)"
RECENT = f"< {END} - interval 20 day"

KINDS: tuple[Kind, ...] = (
    # ------------------------------------------------------------ re-syncs (older copies)
    *(
        Kind(
            "duplicate_resync",
            table,
            "copy",
            "_loaded_at",
            _older_load(event),
            "'same row landed again by an earlier sync (older _loaded_at, identical values)'",
            DEDUPE,
            "newest _loaded_at wins per key; the older copy is dropped silently",
            doc="A second copy of a row with identical business values and an OLDER `_loaded_at`.",
        )
        for table, event in (
            (TICKETS, "t.updated_at"),
            (COMMENTS, "t.created_at"),
            (HISTORY, "t.updated_at"),
            (SUBS, "t.created_at"),
            (ITEMS, "t.valid_from"),
            (INVOICES, "t.issued_at"),
            (USAGE, "cast(t.usage_date as timestamp) + interval 1 day"),
            (CUSTOMERS, "t.created_at"),
        )
    ),
    # ------------------------------------------------------------ late arrivals (valid!)
    *(
        Kind(
            "late_arriving",
            table,
            "update",
            "_loaded_at",
            _late(event),
            f"'landed ' || date_diff('day', {event}, _loaded_at) || ' days after the event'",
            KEEP,
            "valid row: incremental models must pick it up by _loaded_at",
            where=f"{event} {RECENT}",
            doc="The row's `_loaded_at` is 3–12 days after its business timestamp (capped "
            "at 2026-11-04). Nothing is wrong with the values.",
        )
        for table, event in (
            (COMMENTS, "created_at"),
            (HISTORY, "updated_at"),
            (TICKETS, "updated_at"),
            (INVOICES, "issued_at"),
            (USAGE, "cast(usage_date as timestamp)"),
        )
    ),
    # ------------------------------------------------------------ NULL in required fields
    Kind(
        "null_required",
        TICKETS,
        "copy",
        "created_at",
        {"ticket_id": FRESH_TICKET, "created_at": "null"},
        "'ticket without created_at'",
        QUARANTINE,
        "missing_created_at",
    ),
    Kind(
        "null_required",
        COMMENTS,
        "copy",
        "ticket_id",
        {"comment_id": FRESH_COMMENT, "ticket_id": "null"},
        "'comment without ticket_id'",
        QUARANTINE,
        "missing_ticket_id",
    ),
    Kind(
        "null_required",
        SUBS,
        "copy",
        "customer_id",
        {"subscription_id": "'sub_9' || lpad(cast(p.i as varchar), 5, '0')", "customer_id": "null"},
        "'subscription without customer_id'",
        QUARANTINE,
        "missing_customer_id",
    ),
    Kind(
        "null_required",
        INVOICES,
        "copy",
        "total",
        {"invoice_id": "'in_9' || lpad(cast(p.i as varchar), 7, '0')", "total": "null"},
        "'invoice without total'",
        QUARANTINE,
        "missing_total",
    ),
    # ------------------------------------------------------------ orphan foreign keys
    Kind(
        "orphan_foreign_key",
        COMMENTS,
        "copy",
        "ticket_id",
        {"comment_id": FRESH_COMMENT, "ticket_id": "cast(80000000 + p.i as varchar)"},
        "'comment on ticket ' || ticket_id || ', which does not exist'",
        QUARANTINE,
        "unknown_ticket",
    ),
    Kind(
        "orphan_foreign_key",
        HISTORY,
        "copy",
        "ticket_id",
        {"ticket_id": "cast(80000000 + p.i as varchar)"},
        "'field change of ticket ' || ticket_id || ', which does not exist'",
        QUARANTINE,
        "unknown_ticket",
    ),
    Kind(
        "orphan_foreign_key",
        SUBS,
        "copy",
        "customer_id",
        {
            "subscription_id": "'sub_9' || lpad(cast(p.i as varchar), 5, '0')",
            "customer_id": "'cus_8' || lpad(cast(p.i as varchar), 5, '0')",
        },
        "'subscription of customer ' || customer_id || ', which does not exist'",
        QUARANTINE,
        "unknown_customer",
    ),
    Kind(
        "orphan_foreign_key",
        USAGE,
        "copy",
        "account_id",
        {"account_id": "'cus_8' || lpad(cast(p.i as varchar), 5, '0')"},
        "'usage of account ' || account_id || ', which does not exist'",
        QUARANTINE,
        "unknown_account",
    ),
    Kind(
        "orphan_foreign_key",
        RESPONSES,
        "copy",
        "account_id",
        {
            "response_id": "'resp_9' || lpad(cast(p.i as varchar), 6, '0')",
            "account_id": "'cus_8' || lpad(cast(p.i as varchar), 5, '0')",
        },
        "'survey answer of account ' || account_id || ', which does not exist'",
        # Helpdesk data stands on its own: a survey answer of an account billing does not
        # know is still an answer (NPS counts every response), like a ticket of such an
        # account (docs/decisionlog/support.md, "Accounts unknown to billing").
        KEEP,
        "kept: account unknown to billing",
    ),
    # ------------------------------------------------------------ unknown enum values
    Kind(
        "unknown_enum",
        TICKETS,
        "copy",
        "channel",
        {"ticket_id": FRESH_TICKET, "channel": "'fax'"},
        "'channel fax is not a known channel'",
        QUARANTINE,
        "unknown_channel",
    ),
    Kind(
        "unknown_enum",
        TICKETS,
        "copy",
        "priority",
        {"ticket_id": FRESH_TICKET, "priority": "'critical'"},
        "'priority critical is not a known priority'",
        QUARANTINE,
        "unknown_priority",
    ),
    Kind(
        "unknown_enum",
        COMMENTS,
        "copy",
        "via",
        {"comment_id": FRESH_COMMENT, "via": "'sms'"},
        "'via sms is not a known channel'",
        QUARANTINE,
        "unknown_via",
    ),
    Kind(
        "unknown_enum",
        SUBS,
        "copy",
        "status",
        {
            "subscription_id": "'sub_9' || lpad(cast(p.i as varchar), 5, '0')",
            "status": "'suspended'",
        },
        "'status suspended is not a known subscription status'",
        QUARANTINE,
        "unknown_status",
    ),
    # ------------------------------------------------------------ repairable odd case
    Kind(
        "repairable_enum_case",
        TICKETS,
        "update",
        "channel",
        {"channel": "' ' || upper(left(channel, 1)) || substr(channel, 2)"},
        "'channel ' || channel || ' (trim + lower gives a known value)'",
        REPAIR,
        "trim + lower-case the enum",
    ),
    Kind(
        "repairable_enum_case",
        TICKETS,
        "update",
        "priority",
        {"priority": "upper(priority)"},
        "'priority ' || priority || ' (trim + lower gives a known value)'",
        REPAIR,
        "trim + lower-case the enum",
    ),
    Kind(
        "repairable_enum_case",
        COMMENTS,
        "update",
        "via",
        {"via": "upper(via) || ' '"},
        "'via ' || via || ' (trim + lower gives a known value)'",
        REPAIR,
        "trim + lower-case the enum",
    ),
    Kind(
        "repairable_enum_case",
        CUSTOMERS,
        "update",
        "segment",
        {"segment": "upper(segment)"},
        "'segment ' || segment || ' (trim + lower gives a known value)'",
        REPAIR,
        "trim + lower-case the enum",
    ),
    # ------------------------------------------------------------ negative quantities
    Kind(
        "negative_quantity",
        ITEMS,
        "copy",
        "quantity",
        {
            "subscription_item_id": "'si_9' || lpad(cast(p.i as varchar), 6, '0')",
            "quantity": "-greatest(t.quantity, 1)",
        },
        "'quantity ' || quantity || ' is negative'",
        QUARANTINE,
        "negative_quantity",
    ),
    # ------------------------------------------------------------ before ticket creation
    Kind(
        "event_before_ticket_creation",
        COMMENTS,
        "copy",
        "created_at",
        {
            "comment_id": FRESH_COMMENT,
            "created_at": "tk.created_at - to_seconds(cast(600 + p.u1 * 172800 as bigint))",
        },
        "'comment made before its ticket was created'",
        QUARANTINE,
        "before_ticket_created",
        where="ticket_id is not null",
    ),
    Kind(
        "event_before_ticket_creation",
        HISTORY,
        "copy",
        "updated_at",
        {"updated_at": "tk.created_at - to_seconds(cast(600 + p.u1 * 172800 as bigint))"},
        "'field change before its ticket was created'",
        QUARANTINE,
        "before_ticket_created",
    ),
    # ------------------------------------------------------------ far future
    Kind(
        "far_future_timestamp",
        COMMENTS,
        "copy",
        "created_at",
        {"comment_id": FRESH_COMMENT, "created_at": "t.created_at + interval 73 year"},
        "'comment dated ' || created_at",
        QUARANTINE,
        "future_timestamp",
    ),
    Kind(
        "far_future_timestamp",
        HISTORY,
        "copy",
        "updated_at",
        {"updated_at": "t.updated_at + interval 73 year"},
        "'field change dated ' || updated_at",
        QUARANTINE,
        "future_timestamp",
    ),
    Kind(
        "far_future_timestamp",
        USAGE,
        "copy",
        "usage_date",
        {"usage_date": "cast(t.usage_date + interval 73 year as date)"},
        "'usage dated ' || usage_date",
        QUARANTINE,
        "future_timestamp",
    ),
    # ------------------------------------------------------------ currencies
    Kind(
        "malformed_currency_repairable",
        INVOICES,
        "update",
        "currency",
        {
            "currency": "case when p.u1 < 0.5 then lower(currency) || ' ' "
            "else ' ' || left(currency, 1) || lower(substr(currency, 2)) end"
        },
        "'currency ' || chr(39) || currency || chr(39) || ' (trim + upper gives a known currency)'",
        REPAIR,
        "trim + upper-case the currency",
    ),
    Kind(
        "malformed_currency_repairable",
        SUBS,
        "update",
        "currency",
        {"currency": "lower(currency) || ' '"},
        "'currency ' || chr(39) || currency || chr(39) || ' (trim + upper gives a known currency)'",
        REPAIR,
        "trim + upper-case the currency",
    ),
    Kind(
        "malformed_currency_unrepairable",
        INVOICES,
        "copy",
        "currency",
        {
            "invoice_id": "'in_9' || lpad(cast(p.i as varchar), 7, '0')",
            "currency": "case t.currency when 'USD' then 'US$' when 'EUR' then 'EURO' else '£' end",
        },
        "'currency ' || chr(39) || currency || chr(39) || ' is not an ISO code'",
        QUARANTINE,
        "unknown_currency",
    ),
    Kind(
        "malformed_currency_unrepairable",
        REFUNDS,
        "copy",
        "currency",
        {
            "refund_id": "'re_9' || lpad(cast(p.i as varchar), 5, '0')",
            "currency": "case t.currency when 'USD' then 'US$' when 'EUR' then 'EURO' else '£' end",
        },
        "'currency ' || chr(39) || currency || chr(39) || ' is not an ISO code'",
        QUARANTINE,
        "unknown_currency",
    ),
    # ------------------------------------------------------------ conflicting duplicates
    Kind(
        "duplicate_key_conflict",
        TICKETS,
        "copy",
        "priority",
        {
            "ticket_id": FRESH_TICKET,
            "priority": "case when p.c = 0 then t.priority when t.priority = 'urgent' "
            "then 'low' else 'urgent' end",
        },
        "'two rows with this key and the same _loaded_at disagree on priority'",
        QUARANTINE,
        "conflicting_duplicate",
        copies=2,
    ),
    Kind(
        "duplicate_key_conflict",
        ITEMS,
        "copy",
        "quantity",
        {
            "subscription_item_id": "'si_9' || lpad(cast(p.i as varchar), 6, '0')",
            "quantity": "t.quantity + p.c * 7",
        },
        "'two rows with this key and the same _loaded_at disagree on quantity'",
        QUARANTINE,
        "conflicting_duplicate",
        copies=2,
    ),
    Kind(
        "duplicate_key_conflict",
        INVOICES,
        "copy",
        "total",
        {
            "invoice_id": "'in_9' || lpad(cast(p.i as varchar), 7, '0')",
            "total": "t.total + p.c * 10",
        },
        "'two rows with this key and the same _loaded_at disagree on total'",
        QUARANTINE,
        "conflicting_duplicate",
        copies=2,
    ),
    # ------------------------------------------------------------ validity periods
    Kind(
        "invalid_validity_period",
        ITEMS,
        "copy",
        "valid_to",
        {
            "subscription_item_id": "'si_9' || lpad(cast(p.i as varchar), 6, '0')",
            "valid_to": "t.valid_from - interval 3 day",
        },
        "'valid_to ' || valid_to || ' is before valid_from ' || valid_from",
        QUARANTINE,
        "invalid_period",
    ),
    # ------------------------------------------------------------ survey scales
    Kind(
        "score_out_of_scale",
        RESPONSES,
        "copy",
        "score",
        {
            "response_id": "'resp_9' || lpad(cast(p.i as varchar), 6, '0')",
            "score": "case survey_type when 'csat' then (case when p.u1 < 0.5 then 0 else 6 end) "
            "when 'ces' then (case when p.u1 < 0.5 then 0 else 8 end) "
            "else (case when p.u1 < 0.5 then -1 else 11 end) end",
        },
        "survey_type || ' score ' || score || ' is outside its scale'",
        QUARANTINE,
        "score_out_of_range",
    ),
)

KIND_NAMES = tuple(dict.fromkeys(k.name for k in KINDS))


@dataclass
class Injector:
    """Applies the kinds of each table to its Arrow table as it streams past.

    DuckDB scans the Arrow table in place (no copy); only the sampled rows come back,
    so a 10M-row table costs a few scans, not a materialisation.
    """

    rate: float
    rng: np.random.Generator
    con: duckdb.DuckDBPyConnection = field(default_factory=duckdb.connect)
    records: list[pa.Table] = field(default_factory=list)
    recorded: dict[str, int] = field(default_factory=dict)
    clean_tickets: pa.Table | None = None
    seq: int = 0

    def __post_init__(self):
        self.con.execute("set TimeZone = 'UTC'")

    def counts(self) -> dict[str, int]:
        return dict(self.recorded)

    def defects_table(self) -> pa.Table:
        schema = pa.schema([(c, pa.string()) for c in DEFECT_COLUMNS])
        if not self.records:
            return schema.empty_table()
        return pa.concat_tables([r.cast(schema) for r in self.records])

    def inject(self, qualified: str, base: pa.Table) -> pa.Table:
        """Return ``base`` with this table's defects applied (``_rn`` order kept)."""
        kinds = [k for k in KINDS if k.table == qualified]
        if qualified == TICKETS:
            self.clean_tickets = base.select(["ticket_id", "created_at"])
        if self.rate <= 0 or not kinds or base.num_rows == 0:
            return base
        con = self.con
        table = contract.table(qualified)
        n_rows = base.num_rows
        per_kind = max(1, int(round(self.rate * n_rows / len(kinds))))
        used = np.zeros(0, dtype=np.int64)
        next_rn = n_rows
        fresh = 0
        key_sql = _key_sql(table)
        extras: list[pa.Table] = []
        replaced: dict[str, list] = {}  # column -> [(row numbers, new values)]
        if self.clean_tickets is not None:
            con.register("tickets_clean", self.clean_tickets)
        for kind in kinds:
            # candidates: a random over-sample of row numbers, filtered by the kind's
            # condition, minus rows another kind already took (defects never stack)
            n_cand = min(n_rows, 4 * per_kind + 50)
            cand = np.sort(self.rng.choice(n_rows, size=n_cand, replace=False))
            if kind.where != "true":
                # clean rows sit at index == _rn, so a take() pulls just the candidates
                con.register("cand", base.take(pa.array(cand)))
                cand = con.execute(
                    f"select _rn from cand where ({kind.where}) order by _rn"
                ).fetchnumpy()["_rn"]
                con.unregister("cand")
            eligible = np.setdiff1d(cand, used, assume_unique=True)
            if eligible.size == 0:
                continue
            m = min(per_kind, eligible.size)
            picked = np.sort(self.rng.choice(eligible, size=m, replace=False))
            used = np.union1d(used, picked)
            u1, u2 = self.rng.random(m), self.rng.random(m)
            copies = kind.copies if kind.mode == "copy" else 1
            rn = np.repeat(picked, copies)
            pick = pa.table(
                {
                    "_rn": rn,
                    "new_rn": (next_rn + np.arange(m * copies)) if kind.mode == "copy" else rn,
                    "i": np.repeat(fresh + np.arange(m), copies) + 1,
                    "c": np.tile(np.arange(copies), m),
                    "u1": np.repeat(u1, copies),
                    "u2": np.repeat(u2, copies),
                }
            )
            if kind.mode == "copy":
                fresh += m
                next_rn += m * copies
            exprs = ", ".join(
                f"cast({kind.set.get(c.name, 't.' + _q(c.name))} as {c.type}) as {_q(c.name)}"
                for c in table.columns
            )
            join_ticket = (
                "join tickets_clean tk on tk.ticket_id = t.ticket_id"
                if any("tk." in e for e in kind.set.values())
                else ""
            )
            con.register("p", pick)
            # only the sampled rows go through SQL (never a scan of the big table)
            con.register("base", base.take(pa.array(picked)))
            rows = con.execute(
                f"select p.new_rn as _rn, {exprs} from base t join p on t._rn = p._rn "
                f"{join_ticket} order by p.new_rn"
            ).to_arrow_table()
            con.unregister("p")
            con.unregister("base")
            rows = rows.cast(base.schema)
            if kind.mode == "copy":
                extras.append(rows)
            else:
                for col in kind.set:
                    replaced.setdefault(col, []).append(
                        (rows["_rn"].to_numpy(), rows[col].combine_chunks())
                    )
            con.register("r", rows)
            record = con.execute(
                f'select {_lit(qualified)} as "table", {_lit(kind.name)} as defect_kind, '
                f'{key_sql} as key, {_lit(kind.column)} as "column", '
                f"{kind.detail} as detail from r order by _rn"
            ).to_arrow_table()
            con.unregister("r")
            self.records.append(record)
            self.recorded[kind.name] = self.recorded.get(kind.name, 0) + record.num_rows
        return _apply(base, replaced, extras)


DEFECT_COLUMNS = ("table", "defect_kind", "key", "column", "detail")


def _apply(base: pa.Table, replaced: dict, extras: list[pa.Table]) -> pa.Table:
    """Write in-place changes into ``base`` and append the extra rows."""
    for col, changes in replaced.items():
        rn = np.concatenate([c[0] for c in changes])
        values = pa.concat_arrays([c[1] for c in changes])
        order = np.argsort(rn, kind="stable")
        mask = np.zeros(base.num_rows, dtype=bool)
        mask[rn] = True
        column = base[col].combine_chunks()
        new = pc.replace_with_mask(column, pa.array(mask), values.take(pa.array(order)))
        base = base.set_column(base.schema.get_field_index(col), col, new)
    return pa.concat_tables([base, *extras]) if extras else base


def _q(identifier: str) -> str:
    return '"' + identifier + '"'


def _key_sql(table: contract.Table) -> str:
    if len(table.key) == 1:
        return f'cast("{table.key[0]}" as varchar)'
    parts = [f"'{k}=' || coalesce(cast(\"{k}\" as varchar), '')" for k in table.key]
    return " || ';' || ".join(parts)


def catalogue() -> list[dict[str, str]]:
    """The defect kinds with their tables and expected treatment (for docs and tests)."""
    return [
        {
            "kind": k.name,
            "table": k.table,
            "column": k.column,
            "mode": k.mode,
            "expected": k.expected,
            "reason": k.reason,
        }
        for k in KINDS
    ]
