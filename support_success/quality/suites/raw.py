"""Raw suites: one per raw table of the contract (shared/spec/raw-contract.md).

Generated from ``support_success/contract.py`` (columns present, landed types, key
non-null and unique) plus the hand-written rules of :data:`RULES` (enums, ranges,
ordering of instants). Severity policy (docs/data-quality.md, "Severity"):

* **blocking** - a structural breach of the contract (a required column missing, a
  column landed with another type, an empty core table) or a row rule broken by more
  than ``raw_blocking_share`` of the rows: that is a broken load, not dirt;
* **warning** - any row breaking a row rule (``raw_warning_share``), freshness of
  ``_loaded_at`` and volume against recent validations. Staging repairs such rows or
  quarantine counts them, so they must not stop publication.
"""

from __future__ import annotations

from dataclasses import dataclass

import great_expectations.expectations as gxe
from great_expectations.expectations.row_conditions import Column as GxColumn

from support_success import contract
from support_success.quality.checks import (
    BLOCKING,
    COLUMNS,
    SCHEMA,
    WARNING,
    Check,
    FrameContext,
    SqlFrame,
    Suite,
    make,
    tiered,
)
from support_success.quality.settings import Settings

# Tables that receive rows every day: freshness of _loaded_at is checked on these only
# (reference tables such as groups or plans legitimately go months without a change, and
# invoices arrive in billing cycles: a quiet day or two is normal for them).
STREAM_TABLES = {
    "raw_helpdesk.tickets",
    "raw_helpdesk.ticket_comments",
    "raw_helpdesk.ticket_field_history",
    "raw_helpdesk.satisfaction_responses",
    "raw_billing.exchange_rates",
    "raw_product.daily_usage",
}
# The instant each stream table's rows describe: the data's own "now" for freshness is the
# newest of them that is no later than its row's load (metrics.md, "One evaluation instant").
STREAM_EVENT_COLUMNS = {
    "raw_helpdesk.tickets": "created_at",
    "raw_helpdesk.ticket_comments": "created_at",
    "raw_helpdesk.ticket_field_history": "updated_at",
    "raw_helpdesk.satisfaction_responses": "responded_at",
    "raw_billing.exchange_rates": "rate_date",
    "raw_product.daily_usage": "usage_date",
}


def newest_event_sql(relation: str, table: str) -> str:
    """SQL for the newest event of a stream table no later than its own row's load."""
    column = STREAM_EVENT_COLUMNS[table]
    return (
        f"select max(cast({column} as timestamp)) as event_at from {relation} "
        f"where cast({column} as timestamp) <= _loaded_at"
    )


CHANNELS = ["email", "web", "chat", "phone", "api"]
PRIORITIES = ["low", "normal", "high", "urgent"]
SURVEY_SCALES = {"csat": (1, 5), "ces": (1, 7), "nps": (0, 10)}


@dataclass(frozen=True)
class InSet:
    column: str
    values: list


@dataclass(frozen=True)
class Between:
    column: str
    min_value: float | None = None
    max_value: float | None = None
    strict_min: bool = False
    condition: tuple[str, str] | None = None  # only rows where column == value, e.g. survey type
    label: str | None = None


@dataclass(frozen=True)
class NotNull:
    column: str
    condition: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class Matches:
    column: str
    regex: str
    meaning: str


@dataclass(frozen=True)
class NotBefore:
    """``later`` is not before ``earlier`` on the same row (NULLs pass)."""

    later: str
    earlier: str


@dataclass(frozen=True)
class References:
    """Every non-NULL ``column`` value exists in ``parent.parent_column`` (no orphans)."""

    column: str
    parent: str  # schema.table
    parent_column: str


@dataclass(frozen=True)
class AfterTicketCreated:
    """An event of a ticket (``column``, joined on ticket_id) is not before the ticket's
    ``created_at``."""

    column: str


@dataclass(frozen=True)
class Rules:
    not_null: tuple[str, ...] = ()  # beyond the key: instants and enums every row needs
    rules: tuple = ()
    instants_not_in_future: tuple[str, ...] = ()
    references: tuple[References, ...] = ()
    after_ticket_created: tuple[str, ...] = ()


CUSTOMERS = ("raw_billing.customers", "customer_id")
USERS = ("raw_helpdesk.users", "user_id")
TICKETS = ("raw_helpdesk.tickets", "ticket_id")
RATES = ("raw_billing.exchange_rates", "currency")
CURRENCY_FORMAT = Matches("currency", r"^[A-Z]{3}$", "an ISO-4217 currency code")


RULES: dict[str, Rules] = {
    "raw_helpdesk.tickets": Rules(
        references=(
            References("account_id", *CUSTOMERS),
            References("requester_id", *USERS),
            References("assignee_id", *USERS),
        ),
        not_null=("account_id", "requester_id", "status", "priority", "created_at"),
        rules=(
            InSet("channel", CHANNELS),
            InSet("priority", PRIORITIES),
            InSet("ticket_type", ["question", "incident", "problem", "task"]),
            InSet("status", ["new", "open", "pending", "on_hold", "solved", "closed"]),
            NotBefore("updated_at", "created_at"),
        ),
        instants_not_in_future=("created_at", "updated_at"),
    ),
    "raw_helpdesk.ticket_comments": Rules(
        references=(References("ticket_id", *TICKETS), References("author_id", *USERS)),
        after_ticket_created=("created_at",),
        not_null=("ticket_id", "author_id", "created_at"),
        rules=(InSet("via", ["web", "email", "chat", "phone", "api", "automation"]),),
        instants_not_in_future=("created_at",),
    ),
    "raw_helpdesk.ticket_field_history": Rules(
        references=(References("ticket_id", *TICKETS),),
        after_ticket_created=("updated_at",),
        rules=(
            InSet("field_name", ["status", "priority", "assignee_id", "group_name", "sla_policy"]),
        ),
        instants_not_in_future=("updated_at",),
    ),
    "raw_helpdesk.users": Rules(
        references=(References("account_id", *CUSTOMERS),),
        not_null=("role",),
        rules=(InSet("role", ["end_user", "agent", "admin"]),),
        instants_not_in_future=("created_at",),
    ),
    "raw_helpdesk.groups": Rules(
        references=(References("schedule_id", "raw_helpdesk.schedules", "schedule_id"),),
        rules=(InSet("tier", [1, 2, 3]),),
    ),
    "raw_helpdesk.schedules": Rules(
        not_null=("timezone", "day_of_week", "start_time", "end_time", "valid_from"),
        rules=(
            Between("day_of_week", 1, 7),
            Matches("start_time", r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$", "a wall-clock time HH:MM"),
            Matches("end_time", r"^(?:[01][0-9]|2[0-4]):[0-5][0-9]$", "a wall-clock time HH:MM"),
            NotBefore("valid_to", "valid_from"),
        ),
    ),
    "raw_helpdesk.schedule_holidays": Rules(
        references=(References("schedule_id", "raw_helpdesk.schedules", "schedule_id"),),
    ),
    "raw_helpdesk.sla_policies": Rules(
        not_null=("target_minutes", "in_business_hours"),
        rules=(
            InSet("priority", PRIORITIES),
            InSet("metric", list(contract.SLA_METRICS)),
            Between("target_minutes", 0, None, strict_min=True),
            NotBefore("valid_to", "valid_from"),
        ),
    ),
    "raw_helpdesk.satisfaction_responses": Rules(
        references=(References("ticket_id", *TICKETS), References("account_id", *CUSTOMERS)),
        after_ticket_created=("responded_at",),
        not_null=("survey_type", "score", "responded_at"),
        rules=(
            InSet("survey_type", sorted(SURVEY_SCALES)),
            *(
                Between(
                    "score",
                    lo,
                    hi,
                    condition=("survey_type", kind),
                    label=f"{kind}_score_in_scale",
                )
                for kind, (lo, hi) in SURVEY_SCALES.items()
            ),
        ),
        instants_not_in_future=("responded_at",),
    ),
    "raw_billing.customers": Rules(
        references=(References("billing_currency", *RATES),),
        not_null=("segment", "created_at"),
        rules=(
            InSet("segment", ["smb", "mid_market", "enterprise"]),
            Matches("country", r"^[A-Z]{2}$", "an ISO-2 country code"),
            Matches("billing_currency", r"^[A-Z]{3}$", "an ISO-4217 currency code"),
        ),
        instants_not_in_future=("created_at",),
    ),
    "raw_billing.plans": Rules(
        references=(References("currency", *RATES),),
        not_null=("billing_interval", "interval_count", "list_price"),
        rules=(
            InSet("billing_interval", ["month", "year"]),
            CURRENCY_FORMAT,
            Between("interval_count", 0, None, strict_min=True),
            Between("list_price", 0, None),
        ),
    ),
    "raw_billing.subscriptions": Rules(
        references=(References("customer_id", *CUSTOMERS), References("currency", *RATES)),
        not_null=("customer_id", "status", "created_at"),
        rules=(
            InSet("status", ["trialing", "active", "past_due", "paused", "canceled"]),
            CURRENCY_FORMAT,
            NotBefore("ended_at", "started_at"),
        ),
        # started_at may be scheduled ahead of the load (a subscription starting next week)
        instants_not_in_future=("created_at",),
    ),
    "raw_billing.subscription_items": Rules(
        references=(
            References("subscription_id", "raw_billing.subscriptions", "subscription_id"),
            References("plan_id", "raw_billing.plans", "plan_id"),
        ),
        not_null=("subscription_id", "plan_id", "quantity", "unit_amount", "valid_from"),
        rules=(
            Between("quantity", 0, None),
            Between("unit_amount", 0, None),
            Between("discount_percent", 0, 100),
            NotBefore("valid_to", "valid_from"),
        ),
    ),
    "raw_billing.invoices": Rules(
        references=(
            References("customer_id", *CUSTOMERS),
            References("subscription_id", "raw_billing.subscriptions", "subscription_id"),
            References("currency", *RATES),
        ),
        not_null=("customer_id", "status", "issued_at", "total"),
        rules=(
            InSet("status", ["draft", "open", "paid", "void", "uncollectible"]),
            CURRENCY_FORMAT,
            Between("subtotal", 0, None),
            Between("discount_amount", 0, None),
            Between("tax_amount", 0, None),
            Between("total", 0, None),
            Between("amount_paid", 0, None),
            NotBefore("period_end", "period_start"),
            NotBefore("paid_at", "issued_at"),
        ),
        instants_not_in_future=("issued_at", "paid_at"),
    ),
    "raw_billing.refunds": Rules(
        references=(
            References("invoice_id", "raw_billing.invoices", "invoice_id"),
            References("currency", *RATES),
        ),
        not_null=("invoice_id", "amount", "created_at"),
        rules=(Between("amount", 0, None), CURRENCY_FORMAT),
        instants_not_in_future=("created_at",),
    ),
    "raw_billing.exchange_rates": Rules(
        not_null=("usd_per_unit",),
        rules=(Between("usd_per_unit", 0, None, strict_min=True),),
    ),
    "raw_product.daily_usage": Rules(
        references=(References("account_id", *CUSTOMERS),),
        rules=(
            Between("active_users", 0, None),
            Between("sessions", 0, None),
            Between("key_actions", 0, None),
        ),
        instants_not_in_future=("usage_date",),
    ),
}


def _fmt(value) -> str:
    return "-inf" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def _range_text(rule: Between) -> str:
    if rule.max_value is None:
        return f"{'>' if rule.strict_min else '>='} {_fmt(rule.min_value)}"
    return f"between {_fmt(rule.min_value)} and {_fmt(rule.max_value)}"


def _add_rule(suite: Suite, rule, settings: Settings, share: dict) -> None:
    if isinstance(rule, InSet):
        shown = ", ".join(map(str, rule.values))
        tiered(
            suite,
            f"{rule.column}_in_contract_values",
            f"{rule.column} is one of {shown} (NULL passes)",
            gxe.ExpectColumnValuesToBeInSet,
            (rule.column,),
            column=rule.column,
            value_set=list(rule.values),
            **share,
        )
    elif isinstance(rule, Between):
        where = ""
        extra: dict = {}
        if rule.condition:
            where = f" where {rule.condition[0]} = {rule.condition[1]!r}"
            extra = {"row_condition": GxColumn(rule.condition[0]) == rule.condition[1]}
        if rule.strict_min:
            extra["strict_min"] = True
        tiered(
            suite,
            rule.label or f"{rule.column}_in_range",
            f"{rule.column} is {_range_text(rule)}{where} (NULL passes)",
            gxe.ExpectColumnValuesToBeBetween,
            (rule.column,) + ((rule.condition[0],) if rule.condition else ()),
            column=rule.column,
            min_value=rule.min_value,
            max_value=rule.max_value,
            **extra,
            **share,
        )
    elif isinstance(rule, Matches):
        tiered(
            suite,
            f"{rule.column}_format",
            f"{rule.column} is {rule.meaning} (NULL passes)",
            gxe.ExpectColumnValuesToMatchRegex,
            (rule.column,),
            column=rule.column,
            regex=rule.regex,
            **share,
        )
    elif isinstance(rule, NotBefore):
        tiered(
            suite,
            f"{rule.later}_not_before_{rule.earlier}",
            f"{rule.later} is not before {rule.earlier} on the same row (NULLs pass)",
            gxe.ExpectColumnPairValuesAToBeGreaterThanB,
            (rule.later, rule.earlier),
            column_A=rule.later,
            column_B=rule.earlier,
            or_equal=True,
            ignore_row_if="either_value_is_missing",
            **share,
        )
    else:  # pragma: no cover - a programming error in RULES
        raise TypeError(rule)


def _freshness_sql(ctx: FrameContext) -> str:
    """Hours between this table's newest load and the data's own "now": the newest event of
    any stream table no later than its own load (never later than the validation instant). A
    historical dataset is not stale, nor is a table whose last rows landed before a late
    survey batch; a table that stopped loading while events went on is."""
    newest = " union all ".join(
        newest_event_sql(relation, name)
        for name in sorted(STREAM_TABLES)
        if (relation := ctx.relation_of(f"source:{name}"))
    )
    now = f"cast('{ctx.now:%Y-%m-%d %H:%M:%S}' as timestamp)"
    return (
        "select max(_loaded_at) as latest_loaded_at, "
        "date_diff('minute', max(_loaded_at), "
        f"least({now}, coalesce((select max(event_at) from ({newest}) as stream_events), "
        "max(_loaded_at)))) / 60.0 "
        f"as hours_since_last_load from {ctx.relation}"
    )


def _emptied_sql_for(suite_name: str):
    def sql(ctx: FrameContext) -> str:
        history = ctx.history(suite_name, "volume_vs_recent_validations")
        previous = float(history[0]) if history else 0.0
        return (
            f"select count(*) as row_count, {previous!r}::double as previous_row_count, "
            f"case when count(*) = 0 and {previous!r}::double > 0 then 1 else 0 end as emptied "
            f"from {ctx.relation}"
        )

    return sql


def _volume_sql_for(suite_name: str):
    def sql(ctx: FrameContext) -> str | None:
        history = ctx.history(suite_name, "volume_vs_recent_validations")
        if not history:
            return None
        recent = sorted(history)
        median = (
            recent[len(recent) // 2]
            if len(recent) % 2
            else ((recent[len(recent) // 2 - 1] + recent[len(recent) // 2]) / 2)
        )
        return (
            f"select count(*) as row_count, {median!r}::double as median_recent_row_count, "
            f"count(*) / nullif({median!r}::double, 0) as row_count_ratio from {ctx.relation}"
        )

    return sql


def raw_suite(table: contract.Table, settings: Settings) -> Suite:
    rules = RULES.get(table.qualified_name, Rules())
    suite = Suite(
        name=f"raw__{table.schema.removeprefix('raw_')}__{table.name}",
        target=f"source:{table.qualified_name}",
        description=(
            f"Landing contract of {table.qualified_name} ({table.grain}): columns and types "
            "as in shared/spec/raw-contract.md, key present and unique, enums, ranges, "
            "instants not in the future, freshness and volume."
        ),
        key=table.key,
        expected_columns=tuple(table.required_columns),
        expected_types={c.name: c.type for c in table.columns},
        layer="raw",
    )
    share = {
        "warning_share": settings.raw_warning_share,
        "blocking_share": settings.raw_blocking_share,
        "blocking_min_rows": settings.raw_blocking_min_rows,
    }
    # ---- structure (blocking) ------------------------------------------------------
    suite.add(
        Check(
            "required_columns_present",
            "every required column of the contract is present (extra columns are allowed)",
            BLOCKING,
            make(
                gxe.ExpectTableColumnsToMatchSet,
                BLOCKING,
                column_set=list(table.required_columns),
                exact_match=False,
            ),
            frame=COLUMNS,
        )
    )
    suite.add(
        Check(
            "columns_have_contract_types",
            "every contract column is landed with the contract's DuckDB type",
            BLOCKING,
            make(
                gxe.ExpectColumnValuesToBeInSet,
                BLOCKING,
                column="column_and_type",
                value_set=[f"{c.name} {c.type}" for c in table.columns],
            ),
            frame=SCHEMA,
            explain="{column_name} is landed as {landed_type}; the contract says {contract_type}",
        )
    )
    # An empty table is a warning (a dataset without SLA policies or without billing is
    # valid: its domain's marts are empty). A table that had rows at the last validation and
    # is empty now is a broken load: blocking.
    suite.add(
        Check(
            "table_not_empty",
            "the table has at least one row (marts that need it will be empty)",
            WARNING,
            make(gxe.ExpectColumnValuesToBeBetween, WARNING, column="row_count", min_value=1),
            frame="row_count",
            explain="the table has no rows",
        )
    )
    suite.add_frame(
        SqlFrame("row_count", lambda ctx: f"select count(*) as row_count from {ctx.relation}")
    )
    suite.add(
        Check(
            "table_not_emptied",
            "a table that had rows at the last validation is not empty now (a broken load)",
            BLOCKING,
            make(gxe.ExpectColumnValuesToBeBetween, BLOCKING, column="emptied", max_value=0),
            frame="emptied",
            explain="the table is empty; it had {previous_row_count:,.0f} rows at the last "
            "validation",
        )
    )
    suite.add_frame(SqlFrame("emptied", _emptied_sql_for(suite.name)))
    # ---- key ------------------------------------------------------------------------
    for column in table.key:
        tiered(
            suite,
            f"{column}_not_null",
            f"key column {column} is never NULL",
            gxe.ExpectColumnValuesToNotBeNull,
            (column,),
            column=column,
            **share,
        )
    key_text = ", ".join(table.key)
    # Re-synced copies are expected (a full re-sync duplicates every key) and staging keeps
    # the newest: duplicates warn, never block.
    dedupe_share = share | {"blocking_share": 1.0}
    if len(table.key) == 1:
        tiered(
            suite,
            "key_unique",
            f"the key ({key_text}) is unique: re-synced copies of a row are dirt "
            "that staging deduplicates (newest _loaded_at wins)",
            gxe.ExpectColumnValuesToBeUnique,
            table.key,
            column=table.key[0],
            **dedupe_share,
        )
    else:
        tiered(
            suite,
            "key_unique",
            f"the key ({key_text}) is unique: re-synced copies of a row are dirt "
            "that staging deduplicates (newest _loaded_at wins)",
            gxe.ExpectCompoundColumnsToBeUnique,
            table.key,
            column_list=list(table.key),
            ignore_row_if="any_value_is_missing",
            **dedupe_share,
        )
    # ---- hand-written row rules ---------------------------------------------------
    for column in (c for c in rules.not_null if c not in table.key):
        tiered(
            suite,
            f"{column}_not_null",
            f"{column} is never NULL",
            gxe.ExpectColumnValuesToNotBeNull,
            (column,),
            column=column,
            **share,
        )
    for rule in rules.rules:
        _add_rule(suite, rule, settings, share)
    for column in rules.instants_not_in_future:
        tiered(
            suite,
            f"{column}_not_after_loaded_at",
            f"{column} is not after the row's _loaded_at (an event cannot be landed "
            "before it happens)",
            gxe.ExpectColumnPairValuesAToBeGreaterThanB,
            (contract.LOADED_AT, column),
            column_A=contract.LOADED_AT,
            column_B=column,
            or_equal=True,
            ignore_row_if="either_value_is_missing",
            **share,
        )
    # Instants later than the validation instant (+ clock skew). The minutes are computed
    # in the SELECT: GX's pandas "between" maps datetimes element by element (slow).
    for column in (*rules.instants_not_in_future, contract.LOADED_AT):
        minutes = f"{column}__minutes_after_validation"
        tiered(
            suite,
            f"{column}_not_in_future",
            f"{column} is not later than the validation instant "
            f"(+{settings.future_tolerance_minutes} min clock skew)",
            gxe.ExpectColumnValuesToBeBetween,
            (column,),
            column=minutes,
            max_value=settings.future_tolerance_minutes,
            derived=((minutes, f"date_diff('minute', {{now}}, \"{column}\")"),),
            **share,
        )
    # ---- across tables: pushed down, validated as one aggregate row per rule ---------
    for ref in rules.references:
        _add_reference(suite, ref, settings)
    for column in rules.after_ticket_created:
        _add_after_ticket(suite, column, settings)
    if table.qualified_name == "raw_billing.exchange_rates":
        _add_rate_gaps(suite)
    # ---- freshness and volume (warnings) -------------------------------------------
    if table.qualified_name in STREAM_TABLES:
        suite.add(
            Check(
                "loaded_recently",
                f"the newest _loaded_at is at most {settings.freshness_max_hours:g} hours older "
                "than the newest load of any stream table",
                WARNING,
                make(
                    gxe.ExpectColumnValuesToBeBetween,
                    WARNING,
                    column="hours_since_last_load",
                    max_value=settings.freshness_max_hours,
                ),
                frame="freshness",
                columns=(contract.LOADED_AT,),
                explain="the newest _loaded_at, {latest_loaded_at}, is "
                "{hours_since_last_load:,.1f} hours old",
            )
        )
        suite.add_frame(SqlFrame("freshness", _freshness_sql))
    suite.add(
        Check(
            "volume_vs_recent_validations",
            f"row count within {settings.volume_min_ratio:g}x-{settings.volume_max_ratio:g}x "
            f"the median of the last {settings.volume_history_runs} validated counts",
            WARNING,
            make(
                gxe.ExpectColumnValuesToBeBetween,
                WARNING,
                column="row_count_ratio",
                min_value=settings.volume_min_ratio,
                max_value=settings.volume_max_ratio,
            ),
            frame="volume",
            explain="{row_count:,} rows against a median of {median_recent_row_count:,.0f} "
            "in recent validations (ratio {row_count_ratio:.2f})",
        )
    )
    suite.add_frame(
        SqlFrame(
            "volume",
            _volume_sql_for(suite.name),
            skip_reason=lambda ctx: "no previous validation results to compare with",
        )
    )
    return suite


def _share_thresholds(
    suite: Suite,
    name: str,
    rule: str,
    frame: SqlFrame,
    share_column: str,
    columns: tuple[str, ...],
    explain: str,
    settings: Settings,
) -> None:
    """Two checks on a one-row aggregate frame: warning above raw_warning_share of bad
    rows, blocking above raw_blocking_share (the same policy as the row rules)."""
    suite.add_frame(frame)
    for severity, share in (
        (WARNING, settings.raw_warning_share),
        (BLOCKING, settings.raw_blocking_share),
    ):
        if share >= 1.0:
            continue  # a share of 1.0 never fails: the tier is left out
        suite.add(
            Check(
                name,
                rule,
                severity,
                make(
                    gxe.ExpectColumnValuesToBeBetween,
                    severity,
                    column=share_column,
                    max_value=share,
                ),
                frame=frame.name,
                columns=columns,
                explain=explain + f" - {severity} above {share:.2%}",
                counts=(share_column.replace("_share", "_rows"), "checked_rows"),
                min_rows=settings.raw_blocking_min_rows
                if severity == BLOCKING and share > 0
                else 0,
            )
        )


def _add_reference(suite: Suite, ref: References, settings: Settings) -> None:
    def sql(ctx: FrameContext) -> str:
        parent = ctx.relation_of(f"source:{ref.parent}")
        col, pcol = f'c."{ref.column}"', f'"{ref.parent_column}"'
        return f"""
            select
                count(*) as checked_rows,
                count(*) filter (where p.k is null) as orphan_rows,
                coalesce(count(*) filter (where p.k is null) / nullif(count(*), 0), 0)
                    as orphan_share,
                coalesce(array_to_string(list_slice(
                    list(distinct {col}) filter (where p.k is null), 1, 5), ', '), '')
                    as sample_orphans
            from {ctx.relation} as c
            left join (select distinct {pcol} as k from {parent}) as p on {col} = p.k
            where {col} is not null"""

    frame = SqlFrame(
        f"references__{ref.column}__{ref.parent}",
        sql,
        relations=(f"source:{ref.parent}",),
        index_columns=("checked_rows", "orphan_rows", "sample_orphans"),
    )
    _share_thresholds(
        suite,
        f"{ref.column}_references_{ref.parent.split('.')[1]}",
        f"every {ref.column} exists in {ref.parent}.{ref.parent_column} (orphans are "
        "quarantined downstream)",
        frame,
        "orphan_share",
        (ref.column,),
        "{orphan_rows:,} of {checked_rows:,} non-NULL values have no parent, e.g. {sample_orphans}",
        settings,
    )


def _add_after_ticket(suite: Suite, column: str, settings: Settings) -> None:
    def sql(ctx: FrameContext) -> str:
        tickets = ctx.relation_of("source:raw_helpdesk.tickets")
        early = f'e."{column}" < t.created_at'
        return f"""
            select
                count(*) as checked_rows,
                count(*) filter (where {early}) as early_rows,
                coalesce(count(*) filter (where {early}) / nullif(count(*), 0), 0)
                    as early_share,
                coalesce(array_to_string(list_slice(
                    list(distinct e.ticket_id) filter (where {early}), 1, 5), ', '), '')
                    as sample_tickets
            from {ctx.relation} as e
            join (select ticket_id, min(created_at) as created_at from {tickets}
                  group by ticket_id) as t on e.ticket_id = t.ticket_id
            where e."{column}" is not null and t.created_at is not null"""

    frame = SqlFrame(
        f"after_ticket_created__{column}",
        sql,
        relations=("source:raw_helpdesk.tickets",),
        index_columns=("checked_rows", "early_rows", "sample_tickets"),
    )
    _share_thresholds(
        suite,
        f"{column}_not_before_ticket_created",
        f"{column} is not before the ticket's created_at (earlier events are quarantined "
        "downstream)",
        frame,
        "early_share",
        (column, "ticket_id"),
        "{early_rows:,} of {checked_rows:,} rows are earlier than their ticket, "
        "e.g. tickets {sample_tickets}",
        settings,
    )


def _add_rate_gaps(suite: Suite) -> None:
    def sql(ctx: FrameContext) -> str:
        return f"""
            select currency,
                min(rate_date) as first_rate_date,
                max(rate_date) as last_rate_date,
                cast(date_diff('day', min(rate_date), max(rate_date)) + 1
                     - count(distinct rate_date) as bigint) as missing_days
            from {ctx.relation}
            where currency is not null and rate_date is not null
            group by currency order by currency"""

    suite.add_frame(
        SqlFrame(
            "rate_gaps",
            sql,
            index_columns=("currency", "first_rate_date", "last_rate_date"),
        )
    )
    suite.add(
        Check(
            "no_missing_rate_days",
            "every currency has a rate for every day between its first and last rate "
            "(a missing day leaves MRR of that month-end unconvertible)",
            WARNING,
            make(gxe.ExpectColumnValuesToBeBetween, WARNING, column="missing_days", max_value=0),
            frame="rate_gaps",
            columns=("currency", "rate_date"),
            explain="{currency} lacks {missing_days} day(s) between {first_rate_date} "
            "and {last_rate_date}",
        )
    )


def raw_suites(settings: Settings) -> list[Suite]:
    return [raw_suite(t, settings) for t in contract.TABLES]
