"""Raw suites: a clean dataset passes; each kind of injected bad data fails the right check.

The fixture is a tiny raw warehouse written by hand (two or three rows per table, every
value valid), validated at a fixed instant so freshness is deterministic. Each test copies
it, breaks it the way a loader or the generator's defect injection would, and asserts the
check, its severity and its message.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

from support_success import contract
from support_success.quality import SUITES, append_results, run_all, run_suite

NOW = dt.datetime(2025, 6, 2, 12, 0, 0)
LOADED = "2025-06-02 06:00:00"

# A handful of valid rows per raw table; columns left out are NULL.
CLEAN_ROWS: dict[str, list[dict]] = {
    "raw_helpdesk.tickets": [
        dict(
            ticket_id=f"T-{i}",
            account_id="C-1",
            requester_id="U-1",
            assignee_id="U-9",
            group_name="support",
            channel=ch,
            priority=pr,
            ticket_type="question",
            status=st,
            created_at=f"2025-05-0{i} 09:00:00",
            updated_at=f"2025-05-0{i} 10:00:00",
            is_deleted=False,
        )
        for i, ch, pr, st in (
            (1, "email", "low", "solved"),
            (2, "web", "normal", "open"),
            (3, "chat", "high", "pending"),
            (4, "phone", "urgent", "closed"),
        )
    ],
    "raw_helpdesk.ticket_comments": [
        dict(
            comment_id=f"CM-{i}",
            ticket_id="T-1",
            author_id=a,
            is_public=True,
            via=v,
            created_at=f"2025-05-01 09:{i}0:00",
        )
        for i, a, v in ((1, "U-1", "email"), (2, "U-9", "web"), (3, "U-9", "automation"))
    ],
    "raw_helpdesk.ticket_field_history": [
        dict(
            ticket_id="T-1",
            field_name=f,
            value=v,
            updated_at="2025-05-01 09:00:00",
            updater_id="U-9",
        )
        for f, v in (("status", "new"), ("priority", "low"), ("group_name", "support"))
    ],
    "raw_helpdesk.users": [
        dict(
            user_id="U-1",
            role="end_user",
            account_id="C-1",
            created_at="2025-01-01 00:00:00",
            is_active=True,
        ),
        dict(
            user_id="U-9",
            role="agent",
            default_group="support",
            created_at="2025-01-01 00:00:00",
            is_active=True,
        ),
    ],
    "raw_helpdesk.groups": [dict(group_name="support", tier=1, schedule_id="S-1")],
    "raw_helpdesk.schedules": [
        dict(
            schedule_id="S-1",
            timezone="Europe/Paris",
            day_of_week=d,
            start_time="09:00",
            end_time="17:00",
            valid_from="2025-01-01",
        )
        for d in range(1, 6)
    ],
    "raw_helpdesk.schedule_holidays": [
        dict(schedule_id="S-1", holiday_date="2025-05-01", holiday_name="Labour day")
    ],
    "raw_helpdesk.sla_policies": [
        dict(
            policy_id="P-1",
            priority=p,
            metric="first_response",
            target_minutes=60,
            in_business_hours=True,
            valid_from="2025-01-01 00:00:00",
        )
        for p in ("low", "normal", "high", "urgent")
    ],
    "raw_helpdesk.satisfaction_responses": [
        dict(
            response_id="R-1",
            survey_type="csat",
            ticket_id="T-1",
            account_id="C-1",
            user_id="U-1",
            score=5,
            responded_at="2025-05-02 09:00:00",
        ),
        dict(
            response_id="R-2",
            survey_type="ces",
            ticket_id="T-1",
            account_id="C-1",
            user_id="U-1",
            score=7,
            responded_at="2025-05-02 09:00:00",
        ),
        dict(
            response_id="R-3",
            survey_type="nps",
            account_id="C-1",
            user_id="U-1",
            score=0,
            responded_at="2025-05-03 09:00:00",
        ),
    ],
    "raw_billing.customers": [
        dict(
            customer_id="C-1",
            segment="smb",
            country="FR",
            billing_currency="EUR",
            created_at="2025-01-01 00:00:00",
            is_deleted=False,
        ),
        dict(
            customer_id="C-2",
            segment="enterprise",
            country="US",
            billing_currency="USD",
            created_at="2025-02-01 00:00:00",
            is_deleted=False,
        ),
    ],
    "raw_billing.plans": [
        dict(
            plan_id="PL-1",
            product_family="core",
            billing_interval="month",
            interval_count=1,
            list_price=50,
            currency="EUR",
        ),
        dict(
            plan_id="PL-2",
            product_family="core",
            billing_interval="year",
            interval_count=1,
            list_price=500,
            currency="USD",
        ),
    ],
    "raw_billing.subscriptions": [
        dict(
            subscription_id="SB-1",
            customer_id="C-1",
            status="active",
            currency="EUR",
            created_at="2025-01-01 00:00:00",
            started_at="2025-01-01 00:00:00",
        ),
        dict(
            subscription_id="SB-2",
            customer_id="C-2",
            status="canceled",
            currency="USD",
            created_at="2025-02-01 00:00:00",
            started_at="2025-02-01 00:00:00",
            ended_at="2025-05-01 00:00:00",
        ),
    ],
    "raw_billing.subscription_items": [
        dict(
            subscription_item_id="SI-1",
            subscription_id="SB-1",
            plan_id="PL-1",
            quantity=10,
            unit_amount=45,
            discount_percent=10,
            valid_from="2025-01-01 00:00:00",
        ),
        dict(
            subscription_item_id="SI-2",
            subscription_id="SB-2",
            plan_id="PL-2",
            quantity=0,
            unit_amount=0,
            discount_percent=0,
            valid_from="2025-02-01 00:00:00",
            valid_to="2025-05-01 00:00:00",
        ),
    ],
    "raw_billing.invoices": [
        dict(
            invoice_id="I-1",
            customer_id="C-1",
            subscription_id="SB-1",
            currency="EUR",
            status="paid",
            issued_at="2025-05-01 00:00:00",
            due_at="2025-05-15 00:00:00",
            paid_at="2025-05-03 00:00:00",
            period_start="2025-05-01 00:00:00",
            period_end="2025-06-01 00:00:00",
            subtotal=450,
            discount_amount=45,
            tax_amount=81,
            total=486,
            amount_paid=486,
        ),
    ],
    "raw_billing.refunds": [
        dict(
            refund_id="RF-1",
            invoice_id="I-1",
            amount=10,
            currency="EUR",
            created_at="2025-05-10 00:00:00",
        ),
    ],
    "raw_billing.exchange_rates": [
        dict(rate_date="2025-05-31", currency="EUR", usd_per_unit=1.08),
        dict(rate_date="2025-05-31", currency="USD", usd_per_unit=1.0),
    ],
    "raw_product.daily_usage": [
        dict(account_id="C-1", usage_date="2025-05-02", active_users=3, sessions=7, key_actions=0),
    ],
}


def write_raw(database: Path, rows: dict[str, list[dict]] = CLEAN_ROWS) -> None:
    """Create every contract table with its landing types and insert ``rows``."""
    con = duckdb.connect(str(database))
    try:
        for schema in contract.SCHEMAS:
            con.execute(f"create schema if not exists {schema}")
        for table in contract.TABLES:
            cols = ", ".join(f'"{c.name}" {c.type}' for c in table.columns)
            con.execute(f"create or replace table {table.qualified_name} ({cols})")
            for row in rows.get(table.qualified_name, []):
                row = {contract.LOADED_AT: LOADED, **row}
                names = ", ".join(f'"{k}"' for k in row)
                marks = ", ".join("?" for _ in row)
                con.execute(
                    f"insert into {table.qualified_name} ({names}) values ({marks})",
                    list(row.values()),
                )
        # 96 more valid tickets, so one bad ticket is about 1% of the table (below the
        # blocking share of 5%: a warning) and six bad tickets are about 6% (blocking).
        con.execute(
            "insert into raw_helpdesk.tickets (ticket_id, account_id, requester_id, channel, "
            "priority, ticket_type, status, created_at, updated_at, is_deleted, _loaded_at) "
            "select 'T-' || i, 'C-2', 'U-1', 'api', 'normal', 'task', 'solved', "
            "timestamp '2025-05-10 00:00:00' + i * interval 1 hour, "
            "timestamp '2025-05-20 00:00:00', false, "
            f"timestamp '{LOADED}' from range(5, 101) as r(i)"
        )
    finally:
        con.close()


@pytest.fixture(scope="module")
def clean_db(tmp_path_factory) -> Path:
    database = tmp_path_factory.mktemp("quality_raw") / "clean.duckdb"
    write_raw(database)
    return database


@pytest.fixture
def dirty_db(clean_db, tmp_path) -> Path:
    target = tmp_path / "dirty.duckdb"
    shutil.copy(clean_db, target)
    return target


def execute(database: Path, *statements: str) -> None:
    con = duckdb.connect(str(database))
    try:
        for sql in statements:
            con.execute(sql)
    finally:
        con.close()


def failures(result, severity: str) -> dict[str, dict]:
    found = result.blocking_failures if severity == "blocking" else result.warnings
    return {f["expectation"]: f for f in found}


RAW_SUITES = [s.name for s in SUITES if s.layer == "raw"]


# ---------------------------------------------------------------------------- clean data
def test_every_contract_table_has_a_raw_suite():
    targets = {s.target for s in SUITES if s.layer == "raw"}
    assert targets == {f"source:{t.qualified_name}" for t in contract.TABLES}


def test_every_check_is_tagged_blocking_or_warning():
    for suite in SUITES:
        for check in suite.checks:
            assert check.severity in ("blocking", "warning"), (suite.name, check.name)
            assert check.rule, (suite.name, check.name)


def test_clean_dataset_passes_every_raw_suite(clean_db):
    results = run_all(clean_db, now=NOW, layer="raw")
    assert len(results) == len(contract.TABLES)
    for result in results:
        assert not result.skipped, result.suite
        assert result.blocking_failures == [], (result.suite, result.blocking_failures)
        assert result.warnings == [], (result.suite, result.warnings)
        assert result.success
        evaluated = [c for c in result.checks if not c.skipped]
        # Only the volume check is skipped: there is no earlier validation to compare with.
        assert {c.name for c in result.checks if c.skipped} == {"volume_vs_recent_validations"}
        assert len(evaluated) >= 8, result.suite


# -------------------------------------------------------- each kind of bad data, one test
def run(database: Path, suite: str, **kwargs):
    return run_suite(suite, database, now=NOW, **kwargs)


def assert_warning_only(result, check: str, *fragments: str) -> dict:
    """The check fails as a warning (dirt at a small rate), not as a blocking failure."""
    warned = failures(result, "warning")
    assert check in warned, (check, list(warned))
    assert check not in failures(result, "blocking"), failures(result, "blocking")[check]
    assert result.success
    for fragment in fragments:
        assert fragment in warned[check]["message"], warned[check]["message"]
    return warned[check]


def assert_blocking(result, check: str, *fragments: str) -> dict:
    blocked = failures(result, "blocking")
    assert check in blocked, (check, list(blocked))
    assert not result.success
    for fragment in fragments:
        assert fragment in blocked[check]["message"], blocked[check]["message"]
    return blocked[check]


def test_resynced_duplicate_is_a_warning(dirty_db):
    execute(
        dirty_db,
        "insert into raw_helpdesk.tickets select * replace "
        "(timestamp '2025-06-02 07:00:00' as _loaded_at) from raw_helpdesk.tickets "
        "where ticket_id = 'T-7'",
    )
    failure = assert_warning_only(
        run(dirty_db, "raw__helpdesk__tickets"), "key_unique", "2 of 101 rows", "e.g. T-7; T-7"
    )
    assert failure["unexpected_count"] == 2
    assert failure["sample"] == [{"ticket_id": "T-7"}, {"ticket_id": "T-7"}]


def test_duplicates_in_a_compound_key_are_found(dirty_db):
    execute(
        dirty_db,
        "insert into raw_helpdesk.ticket_field_history select * from "
        "raw_helpdesk.ticket_field_history where field_name = 'status'",
    )
    result = run(dirty_db, "raw__helpdesk__ticket_field_history")
    # 2 of 4 rows share (ticket_id, field_name, updated_at): a re-sync, which staging
    # deduplicates. However large the share, duplicates warn and never block.
    assert_warning_only(result, "key_unique", "2 of 4 rows")


def test_null_required_value_at_a_small_rate_is_a_warning(dirty_db):
    execute(dirty_db, "update raw_helpdesk.tickets set created_at = null where ticket_id = 'T-9'")
    assert_warning_only(
        run(dirty_db, "raw__helpdesk__tickets"),
        "created_at_not_null",
        "1 of 100 rows",
        "(1.00%)",
        "e.g. T-9: NULL",
    )


def test_null_required_values_at_a_large_rate_block(dirty_db):
    from support_success.quality import load_settings

    execute(
        dirty_db,
        "update raw_helpdesk.tickets set created_at = null "
        "where ticket_id in ('T-10', 'T-11', 'T-12', 'T-13', 'T-14', 'T-15')",
    )
    strict = load_settings({"raw_blocking_share": 0.05, "raw_blocking_min_rows": 5})
    failure = assert_blocking(
        run(dirty_db, "raw__helpdesk__tickets", settings=strict),
        "created_at_not_null",
        "6 of 100 rows",
        "(6.00%)",
        "above the blocking threshold of 5.00%",
    )
    assert failure["severity"] == "blocking"


def test_a_small_table_is_not_judged_by_share_alone(dirty_db):
    from support_success.quality import load_settings

    execute(
        dirty_db,
        "update raw_helpdesk.tickets set created_at = null "
        "where ticket_id in ('T-10', 'T-11', 'T-12', 'T-13', 'T-14', 'T-15')",
    )
    # 6% is above a 5% share, but 6 rows are fewer than the 7 rows a block needs.
    settings = load_settings({"raw_blocking_share": 0.05, "raw_blocking_min_rows": 7})
    assert_warning_only(
        run(dirty_db, "raw__helpdesk__tickets", settings=settings),
        "created_at_not_null",
        "6 of 100 rows",
    )
    # Default settings: a quarter of the rows and at least 100 of them.
    assert_warning_only(run(dirty_db, "raw__helpdesk__tickets"), "created_at_not_null")


def test_share_one_never_blocks_and_share_zero_blocks_any_bad_row(dirty_db):
    from support_success.quality import load_settings

    execute(dirty_db, "update raw_helpdesk.tickets set created_at = null")
    never = load_settings({"raw_blocking_share": 1.0, "raw_blocking_min_rows": 0})
    result = run(dirty_db, "raw__helpdesk__tickets", settings=never)
    assert_warning_only(result, "created_at_not_null", "100 of 100 rows")
    execute(dirty_db, "update raw_helpdesk.tickets set created_at = updated_at")
    execute(dirty_db, "update raw_helpdesk.tickets set created_at = null where ticket_id = 'T-9'")
    anyrow = load_settings({"raw_blocking_share": 0.0})
    assert_blocking(
        run(dirty_db, "raw__helpdesk__tickets", settings=anyrow),
        "created_at_not_null",
        "1 of 100 rows",
        "above the blocking threshold of 0.00%",
    )


def test_null_key_is_a_warning_and_does_not_count_as_duplicate(dirty_db):
    execute(dirty_db, "update raw_helpdesk.tickets set ticket_id = null where ticket_id = 'T-20'")
    result = run(dirty_db, "raw__helpdesk__tickets")
    assert_warning_only(result, "ticket_id_not_null", "1 of 100 rows")
    assert "key_unique" not in failures(result, "warning")


def test_unknown_enum_value_is_a_warning_naming_the_value(dirty_db):
    execute(dirty_db, "update raw_helpdesk.tickets set channel = 'fax' where ticket_id = 'T-30'")
    assert_warning_only(
        run(dirty_db, "raw__helpdesk__tickets"),
        "channel_in_contract_values",
        "channel is one of email, web, chat, phone, api",
        "e.g. T-30: 'fax'",
    )


def test_negative_quantity_is_a_warning(dirty_db):
    execute(
        dirty_db,
        "update raw_billing.subscription_items set quantity = -3 "
        "where subscription_item_id = 'SI-1'",
    )
    failure = failures(run(dirty_db, "raw__billing__subscription_items"), "warning")
    assert "quantity is >= 0" in failure["quantity_in_range"]["message"]
    assert failure["quantity_in_range"]["sample"] == [
        {"subscription_item_id": "SI-1", "quantity": -3}
    ]


def test_negative_invoice_amount_is_found(dirty_db):
    execute(dirty_db, "update raw_billing.invoices set total = -486 where invoice_id = 'I-1'")
    result = run(dirty_db, "raw__billing__invoices")
    # The only invoice: 100% bad, but one row is too few to call the load broken: a warning.
    assert_warning_only(result, "total_in_range", "1 of 1 rows", "-486")


def test_score_outside_its_survey_scale_is_found_per_survey_type(dirty_db):
    # 6 is outside the CSAT scale (1-5) but inside the NPS one (0-10).
    execute(
        dirty_db,
        "update raw_helpdesk.satisfaction_responses set score = 6 where response_id = 'R-1'",
        "update raw_helpdesk.satisfaction_responses set score = 6 where response_id = 'R-3'",
    )
    result = run(dirty_db, "raw__helpdesk__satisfaction_responses")
    found = failures(result, "warning")
    assert "csat_score_in_scale" in found
    assert found["csat_score_in_scale"]["sample"] == [
        {"response_id": "R-1", "score": 6, "survey_type": "csat"}
    ]
    assert "nps_score_in_scale" not in found
    assert "ces_score_in_scale" not in found


def test_orphan_foreign_key_is_a_warning_naming_the_orphan(dirty_db):
    execute(
        dirty_db,
        "update raw_helpdesk.tickets set account_id = 'C-404' where ticket_id = 'T-40'",
    )
    assert_warning_only(
        run(dirty_db, "raw__helpdesk__tickets"),
        "account_id_references_customers",
        "1 of 100 non-NULL values have no parent",
        "C-404",
    )


def test_event_before_its_ticket_exists_is_found(dirty_db):
    execute(
        dirty_db,
        "update raw_helpdesk.ticket_comments set created_at = '2025-04-30 23:59:00' "
        "where comment_id = 'CM-2'",
    )
    result = run(dirty_db, "raw__helpdesk__ticket_comments")
    found = failures(result, "warning")
    assert (
        "1 of 3 rows are earlier than their ticket"
        in (found["created_at_not_before_ticket_created"]["message"])
    )
    assert "T-1" in found["created_at_not_before_ticket_created"]["message"]


def test_updated_before_created_on_the_same_row_is_found(dirty_db):
    execute(
        dirty_db,
        "update raw_helpdesk.tickets set updated_at = '2025-04-01 00:00:00' "
        "where ticket_id = 'T-50'",
    )
    assert_warning_only(
        run(dirty_db, "raw__helpdesk__tickets"),
        "updated_at_not_before_created_at",
        "1 of 100",
        "T-50: updated_at='2025-04-01', created_at=",
    )


def test_timestamp_in_the_future_is_found(dirty_db):
    execute(
        dirty_db,
        "update raw_helpdesk.tickets set created_at = '2025-06-03 00:00:00', "
        "updated_at = '2025-06-03 00:00:00' where ticket_id = 'T-60'",
    )
    result = run(dirty_db, "raw__helpdesk__tickets")
    assert_warning_only(result, "created_at_not_in_future", "2025-06-03")
    # Also after its own _loaded_at: an event cannot be landed before it happens.
    assert_warning_only(result, "created_at_not_after_loaded_at")


def test_late_arriving_rows_are_not_dirt(dirty_db):
    # Landed three weeks after they happened: normal for a re-sync, nothing to flag.
    execute(
        dirty_db,
        "update raw_helpdesk.tickets set _loaded_at = '2025-06-02 11:00:00' "
        "where ticket_id = 'T-70'",
    )
    result = run(dirty_db, "raw__helpdesk__tickets")
    assert result.warnings == [] and result.blocking_failures == []


def test_validity_that_ends_before_it_starts_is_found(dirty_db):
    execute(
        dirty_db,
        "update raw_billing.subscription_items set valid_to = '2024-12-01 00:00:00' "
        "where subscription_item_id = 'SI-1'",
    )
    found = failures(run(dirty_db, "raw__billing__subscription_items"), "warning")
    assert "valid_to is not before valid_from" in found["valid_to_not_before_valid_from"]["message"]


def test_unknown_currency_is_found(dirty_db):
    execute(dirty_db, "update raw_billing.invoices set currency = 'XXX' where invoice_id = 'I-1'")
    found = failures(run(dirty_db, "raw__billing__invoices"), "warning")
    assert "XXX" in found["currency_references_exchange_rates"]["message"]


def test_missing_exchange_rate_days_are_a_warning(dirty_db):
    execute(
        dirty_db,
        "insert into raw_billing.exchange_rates values "
        "('2025-05-28', 'EUR', 1.07, '2025-06-02 06:00:00')",
    )
    assert_warning_only(
        run(dirty_db, "raw__billing__exchange_rates"),
        "no_missing_rate_days",
        "EUR lacks 2 day(s) between 2025-05-28",
    )


def test_missing_required_column_blocks_and_skips_its_checks(dirty_db):
    execute(dirty_db, "alter table raw_helpdesk.tickets drop column channel")
    result = run(dirty_db, "raw__helpdesk__tickets")
    assert_blocking(result, "required_columns_present", "lacks column(s) channel")
    skipped = {c.name: c.message for c in result.checks if c.skipped}
    assert skipped["channel_in_contract_values"] == (
        "skipped: column(s) channel missing from raw_helpdesk.tickets"
    )


def test_column_landed_with_another_type_blocks(dirty_db):
    execute(
        dirty_db,
        "alter table raw_helpdesk.groups alter tier set data type varchar",
    )
    result = run(dirty_db, "raw__helpdesk__groups")
    failure = assert_blocking(
        result,
        "columns_have_contract_types",
        "tier is landed as VARCHAR; the contract says BIGINT",
    )
    assert failure["sample"][0]["column_and_type"] == "tier VARCHAR"


def test_extra_columns_are_allowed(dirty_db):
    execute(dirty_db, "alter table raw_helpdesk.groups add column region varchar")
    result = run(dirty_db, "raw__helpdesk__groups")
    assert result.blocking_failures == [] and result.warnings == []


def test_an_empty_table_warns_and_a_table_emptied_since_the_last_validation_blocks(dirty_db):
    # Empty from the start (a dataset without refunds or without SLA policies): a warning.
    execute(dirty_db, "delete from raw_billing.refunds")
    assert_warning_only(run(dirty_db, "raw__billing__refunds"), "table_not_empty")
    # Full at the last validation, empty now: a broken load.
    append_results([run(dirty_db, "raw__helpdesk__tickets")], dirty_db)
    execute(dirty_db, "delete from raw_helpdesk.tickets")
    assert_blocking(run(dirty_db, "raw__helpdesk__tickets"), "table_not_emptied", "it had 100 rows")


def test_stale_load_is_a_warning(dirty_db):
    # Comments went on being written and loaded three days after the last ticket load: the
    # data's own "now" is the newest comment (11:00, landed 12:00), 77 hours after the tickets'
    # newest load: tickets are stale.
    execute(
        dirty_db,
        "update raw_helpdesk.ticket_comments set _loaded_at = timestamp '2025-06-05 12:00:00', "
        "created_at = timestamp '2025-06-05 11:00:00'",
    )
    later = NOW + dt.timedelta(days=3)
    result = run_suite("raw__helpdesk__tickets", dirty_db, now=later)
    assert_warning_only(
        result, "loaded_recently", "at most 36 hours", "2025-06-02T06:00:00, is 77.0 hours old"
    )


def test_rows_loaded_late_without_newer_events_do_not_make_others_stale(dirty_db):
    # A re-sync three days later of comments written long ago is no evidence that tickets
    # stopped loading: the data's own "now" is its newest event, not its newest load.
    execute(
        dirty_db,
        "update raw_helpdesk.ticket_comments set _loaded_at = timestamp '2025-06-05 12:00:00'",
    )
    result = run_suite("raw__helpdesk__tickets", dirty_db, now=NOW + dt.timedelta(days=3))
    assert "loaded_recently" not in failures(result, "warning")


def test_a_historical_dataset_is_not_stale(dirty_db):
    # Validated a year after the data was landed: freshness is judged against the data's own
    # newest load, so nothing warns.
    result = run_suite("raw__helpdesk__tickets", dirty_db, now=NOW + dt.timedelta(days=365))
    assert "loaded_recently" not in failures(result, "warning")


def test_volume_drop_against_recorded_results_is_a_warning(dirty_db):
    first = run(dirty_db, "raw__helpdesk__tickets")
    assert {c.name for c in first.checks if c.skipped} == {"volume_vs_recent_validations"}
    append_results([first], dirty_db)
    execute(dirty_db, "delete from raw_helpdesk.tickets where ticket_id not in ('T-1', 'T-2')")
    second = run(dirty_db, "raw__helpdesk__tickets")
    volume = assert_warning_only(second, "volume_vs_recent_validations")
    assert volume["observed_value"] == 2.0  # the row count, recorded for the next run
    check = next(c for c in second.checks if c.name == "volume_vs_recent_validations")
    assert "2 rows against a median of 100 in recent validations (ratio 0.02)" in check.message


def test_chunked_validation_counts_exactly_like_one_chunk(dirty_db):
    from support_success.quality import load_settings

    execute(
        dirty_db,
        "insert into raw_helpdesk.tickets select * from raw_helpdesk.tickets "
        "where ticket_id in ('T-5', 'T-50', 'T-99')",
        "update raw_helpdesk.tickets set channel = 'fax' where ticket_id in ('T-6', 'T-60')",
    )
    whole = run(dirty_db, "raw__helpdesk__tickets")
    chunked = run(dirty_db, "raw__helpdesk__tickets", settings=load_settings({"chunk_rows": 40}))
    for name in ("key_unique", "channel_in_contract_values"):
        a = failures(whole, "blocking").get(name) or failures(whole, "warning")[name]
        b = failures(chunked, "blocking").get(name) or failures(chunked, "warning")[name]
        assert a["unexpected_count"] == b["unexpected_count"]
    assert failures(chunked, "warning")["key_unique"]["unexpected_count"] == 6  # 3 keys x 2
    # 103 rows in partitions of about 40: three partitions, duplicates still found.
    from support_success.quality.chunks import partition_count

    assert partition_count(103, 40) == 3
