"""The raw landing contract (``shared/spec/raw-contract.md``) as data.

One place names every raw table, its columns, the DuckDB type each column is
landed as, and which columns a loaded file may leave out. The loader, the data
generator, the dbt sources and the tests all read it, so they cannot drift
apart (``tests/python/test_contract.py`` checks the dbt sources against it).

Landing types (see docs/DECISIONLOG.md, "Raw landing types"):

* identifiers and enums are ``VARCHAR`` so any key style (``42``, ``T-42``) loads;
* instants are ``TIMESTAMP`` holding UTC (a value with an offset is converted);
* local dates are ``DATE``; local wall-clock times stay ``VARCHAR`` ``HH:MM``;
* money is ``DECIMAL(18,4)`` in major units; exchange rates are ``DOUBLE``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ID = "VARCHAR"
TEXT = "VARCHAR"
TS = "TIMESTAMP"
DATE = "DATE"
BOOL = "BOOLEAN"
INT = "BIGINT"
MONEY = "DECIMAL(18,4)"
PERCENT = "DECIMAL(9,4)"
RATE = "DOUBLE"

SCHEMAS = ("raw_helpdesk", "raw_billing", "raw_product")
LOADED_AT = "_loaded_at"
# The SLA metrics of sla_policies.metric (raw contract; shared/spec/metrics.md, "SLA events").
# dbt's twin: macro support_sla_metrics().
SLA_METRICS = (
    "first_response",
    "next_response",
    "resolution",
    "agent_work",
    "periodic_update",
    "pausable_update",
)


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    # Optional columns may be missing from a loaded file: the loader adds them as NULL.
    # Only free text the models never read (names, subjects, bodies) is optional.
    optional: bool = False


@dataclass(frozen=True)
class Table:
    schema: str
    name: str
    grain: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = field(default_factory=tuple)

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if not c.optional]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.qualified_name} has no column {name!r}")


def _cols(*spec: tuple) -> tuple[Column, ...]:
    # ``_loaded_at`` is in every table; a file without it gets the load time (a documented repair).
    return tuple(Column(*s) for s in spec) + (Column(LOADED_AT, TS, True),)


TABLES: tuple[Table, ...] = (
    # ---------------------------------------------------------------- helpdesk
    Table(
        "raw_helpdesk",
        "tickets",
        "one row per ticket (current state)",
        _cols(
            ("ticket_id", ID),
            ("account_id", ID),
            ("requester_id", ID),
            ("assignee_id", ID),
            ("group_name", TEXT),
            ("subject", TEXT, True),
            ("channel", TEXT),
            ("priority", TEXT),
            ("ticket_type", TEXT),
            ("status", TEXT),
            ("created_at", TS),
            ("updated_at", TS),
            ("is_deleted", BOOL),
            ("merged_into_ticket_id", ID),
        ),
        key=("ticket_id",),
    ),
    Table(
        "raw_helpdesk",
        "ticket_comments",
        "one row per comment",
        _cols(
            ("comment_id", ID),
            ("ticket_id", ID),
            ("author_id", ID),
            ("is_public", BOOL),
            ("via", TEXT),
            ("created_at", TS),
            ("body", TEXT, True),
        ),
        key=("comment_id",),
    ),
    Table(
        "raw_helpdesk",
        "ticket_field_history",
        "one row per change of a tracked field",
        _cols(
            ("ticket_id", ID),
            ("field_name", TEXT),
            ("value", TEXT),
            ("updated_at", TS),
            ("updater_id", ID),
        ),
        key=("ticket_id", "field_name", "updated_at"),
    ),
    Table(
        "raw_helpdesk",
        "users",
        "one row per person",
        _cols(
            ("user_id", ID),
            ("role", TEXT),
            ("account_id", ID),
            ("name", TEXT, True),
            ("email", TEXT, True),
            ("default_group", TEXT),
            ("created_at", TS),
            ("is_active", BOOL),
        ),
        key=("user_id",),
    ),
    Table(
        "raw_helpdesk",
        "groups",
        "one row per support group",
        _cols(("group_name", TEXT), ("tier", INT), ("schedule_id", ID)),
        key=("group_name",),
    ),
    Table(
        "raw_helpdesk",
        "schedules",
        "one row per working interval",
        _cols(
            ("schedule_id", ID),
            ("schedule_name", TEXT, True),
            ("timezone", TEXT),
            ("day_of_week", INT),
            ("start_time", TEXT),
            ("end_time", TEXT),
            ("valid_from", DATE),
            ("valid_to", DATE),
        ),
        key=("schedule_id", "valid_from", "day_of_week", "start_time"),
    ),
    Table(
        "raw_helpdesk",
        "schedule_holidays",
        "one row per holiday",
        _cols(("schedule_id", ID), ("holiday_date", DATE), ("holiday_name", TEXT, True)),
        key=("schedule_id", "holiday_date"),
    ),
    Table(
        "raw_helpdesk",
        "sla_policies",
        "one row per policy target",
        _cols(
            ("policy_id", ID),
            ("policy_name", TEXT, True),
            ("priority", TEXT),
            ("metric", TEXT),
            ("target_minutes", INT),
            ("in_business_hours", BOOL),
            ("valid_from", TS),
            ("valid_to", TS),
        ),
        key=("policy_id", "priority", "metric", "valid_from"),
    ),
    Table(
        "raw_helpdesk",
        "satisfaction_responses",
        "one row per survey answer",
        _cols(
            ("response_id", ID),
            ("survey_type", TEXT),
            ("ticket_id", ID),
            ("account_id", ID),
            ("user_id", ID),
            ("score", INT),
            ("comment", TEXT, True),
            ("responded_at", TS),
        ),
        key=("response_id",),
    ),
    # ----------------------------------------------------------------- billing
    Table(
        "raw_billing",
        "customers",
        "one row per paying account",
        _cols(
            ("customer_id", ID),
            ("customer_name", TEXT, True),
            ("segment", TEXT),
            ("country", TEXT),
            ("billing_currency", TEXT),
            ("created_at", TS),
            ("csm_owner", TEXT),
            ("is_deleted", BOOL),
        ),
        key=("customer_id",),
    ),
    Table(
        "raw_billing",
        "plans",
        "one row per price plan",
        _cols(
            ("plan_id", ID),
            ("plan_name", TEXT, True),
            ("product_family", TEXT),
            ("billing_interval", TEXT),
            ("interval_count", INT),
            ("list_price", MONEY),
            ("currency", TEXT),
        ),
        key=("plan_id",),
    ),
    Table(
        "raw_billing",
        "subscriptions",
        "one row per subscription",
        _cols(
            ("subscription_id", ID),
            ("customer_id", ID),
            ("status", TEXT),
            ("currency", TEXT),
            ("created_at", TS),
            ("trial_start", TS),
            ("trial_end", TS),
            ("started_at", TS),
            ("cancel_requested_at", TS),
            ("ended_at", TS),
        ),
        key=("subscription_id",),
    ),
    Table(
        "raw_billing",
        "subscription_items",
        "one row per price/quantity period (history)",
        _cols(
            ("subscription_item_id", ID),
            ("subscription_id", ID),
            ("plan_id", ID),
            ("quantity", INT),
            ("unit_amount", MONEY),
            ("discount_percent", PERCENT),
            ("valid_from", TS),
            ("valid_to", TS),
        ),
        key=("subscription_item_id",),
    ),
    Table(
        "raw_billing",
        "invoices",
        "one row per invoice",
        _cols(
            ("invoice_id", ID),
            ("customer_id", ID),
            ("subscription_id", ID),
            ("currency", TEXT),
            ("status", TEXT),
            ("issued_at", TS),
            ("due_at", TS),
            ("paid_at", TS),
            ("period_start", TS),
            ("period_end", TS),
            ("subtotal", MONEY),
            ("discount_amount", MONEY),
            ("tax_amount", MONEY),
            ("total", MONEY),
            ("amount_paid", MONEY),
        ),
        key=("invoice_id",),
    ),
    Table(
        "raw_billing",
        "refunds",
        "one row per refund or credit note",
        _cols(
            ("refund_id", ID),
            ("invoice_id", ID),
            ("amount", MONEY),
            ("currency", TEXT),
            ("reason", TEXT, True),
            ("created_at", TS),
        ),
        key=("refund_id",),
    ),
    Table(
        "raw_billing",
        "exchange_rates",
        "one row per currency per day",
        _cols(("rate_date", DATE), ("currency", TEXT), ("usd_per_unit", RATE)),
        key=("rate_date", "currency"),
    ),
    # ----------------------------------------------------------------- product
    Table(
        "raw_product",
        "daily_usage",
        "one row per account per day with activity",
        _cols(
            ("account_id", ID),
            ("usage_date", DATE),
            ("active_users", INT),
            ("sessions", INT),
            ("key_actions", INT),
        ),
        key=("account_id", "usage_date"),
    ),
)

BY_NAME: dict[str, Table] = {t.qualified_name: t for t in TABLES}


def table(qualified_name: str) -> Table:
    """Return the contract table called ``schema.table``."""
    try:
        return BY_NAME[qualified_name]
    except KeyError:
        raise KeyError(
            f"{qualified_name!r} is not a raw table of the contract; "
            f"known tables: {', '.join(sorted(BY_NAME))}"
        ) from None
