"""The raw-data generator: contract shape, determinism, coherence, realism, defects.

Fast: the clean and dirty ``demo`` datasets are generated once per module (a few
seconds each); determinism uses the tiny internal ``xs`` size. Realism ranges are
stated here and in docs/generator.md; they hold for any seed, not just 42.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from support_success import contract
from support_success.generate import SIZES, business_time, defects, generate
from support_success.generate.timeline import WINDOW_START
from support_success.loader import load_folder

DEMO_SEED = 42


@pytest.fixture(scope="module")
def clean_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("clean_demo")
    generate(size="demo", seed=DEMO_SEED, out=out, defect_rate=0.0)
    return out


@pytest.fixture(scope="module")
def dirty(tmp_path_factory):
    out = tmp_path_factory.mktemp("dirty_demo")
    report = generate(size="demo", seed=DEMO_SEED, out=out, defect_rate=0.004)
    return out, report


def _con(folder: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one view per raw file, named schema__table."""
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    for t in contract.TABLES:
        path = folder / f"{t.qualified_name}.parquet"
        con.execute(f"create view {t.schema}__{t.name} as select * from read_parquet('{path}')")
    return con


def _one(con, sql):
    return con.execute(sql).fetchone()[0]


# ----------------------------------------------------------------------- shape


def test_sizes_offered_by_the_cli_exist():
    assert {"demo", "s", "m", "l"} <= set(SIZES)
    assert SIZES["l"].tickets == 1_000_000 and SIZES["demo"].tickets == 2_000


def test_every_contract_table_is_written_with_its_columns_and_types(clean_dir):
    con = duckdb.connect()
    for t in contract.TABLES:
        path = clean_dir / f"{t.qualified_name}.parquet"
        assert path.exists(), f"{path.name} missing"
        described = con.execute(f"describe select * from read_parquet('{path}')").fetchall()
        assert [r[0] for r in described] == t.column_names, t.qualified_name
        assert [r[1] for r in described] == [c.type for c in t.columns], t.qualified_name
        assert _one(con, f"select count(*) from read_parquet('{path}')") > 0, t.qualified_name


def test_files_load_with_the_loader(dirty, tmp_path):
    folder, report = dirty
    loaded = load_folder(tmp_path / "wh.duckdb", folder, mode="replace")
    assert loaded.loaded == report.rows
    assert loaded.created_empty == []


def test_output_folder_is_cleared_of_old_table_files(tmp_path):
    (tmp_path / "raw_helpdesk.tickets.csv").write_text("ticket_id\n1\n")
    (tmp_path / "notes.txt").write_text("keep me")
    generate(size="xs", seed=1, out=tmp_path, defect_rate=0.0)
    assert not (tmp_path / "raw_helpdesk.tickets.csv").exists()
    assert (tmp_path / "notes.txt").exists()


def test_summary_names_size_seed_rows_and_defects(dirty):
    _, report = dirty
    text = report.summary()
    assert "size=demo" in text and "seed=42" in text
    assert "raw_helpdesk.tickets" in text and "duplicate_resync" in text


# ----------------------------------------------------------------- determinism


def test_same_seed_same_data_different_seed_different_data(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(size="xs", seed=7, out=a, defect_rate=0.01)
    generate(size="xs", seed=7, out=b, defect_rate=0.01)
    generate(size="xs", seed=8, out=c, defect_rate=0.01)
    for t in contract.TABLES:
        name = f"{t.qualified_name}.parquet"
        assert pq.read_table(a / name).equals(pq.read_table(b / name)), name
    assert (a / "_defects.csv").read_bytes() == (b / "_defects.csv").read_bytes()
    tickets = "raw_helpdesk.tickets.parquet"
    assert not pq.read_table(a / tickets).equals(pq.read_table(c / tickets))


# ------------------------------------------------- coherence of the clean data


def test_clean_data_has_no_defect_records(clean_dir):
    with open(clean_dir / "_defects.csv") as f:
        assert f.read().strip() == "table,defect_kind,key,column,detail"


def test_clean_data_keys_are_unique(clean_dir):
    con = _con(clean_dir)
    for t in contract.TABLES:
        keys = ", ".join(t.key)
        dupes = _one(
            con,
            f"select count(*) from (select {keys} from {t.schema}__{t.name} "
            f"group by all having count(*) > 1)",
        )
        assert dupes == 0, t.qualified_name


ORPHAN_CHECKS = {
    "comment -> ticket": (
        "raw_helpdesk__ticket_comments",
        "ticket_id",
        "raw_helpdesk__tickets",
        "ticket_id",
    ),
    "comment -> author": (
        "raw_helpdesk__ticket_comments",
        "author_id",
        "raw_helpdesk__users",
        "user_id",
    ),
    "history -> ticket": (
        "raw_helpdesk__ticket_field_history",
        "ticket_id",
        "raw_helpdesk__tickets",
        "ticket_id",
    ),
    "ticket -> account": (
        "raw_helpdesk__tickets",
        "account_id",
        "raw_billing__customers",
        "customer_id",
    ),
    "ticket -> requester": (
        "raw_helpdesk__tickets",
        "requester_id",
        "raw_helpdesk__users",
        "user_id",
    ),
    "ticket -> assignee": (
        "raw_helpdesk__tickets",
        "assignee_id",
        "raw_helpdesk__users",
        "user_id",
    ),
    "ticket -> group": (
        "raw_helpdesk__tickets",
        "group_name",
        "raw_helpdesk__groups",
        "group_name",
    ),
    "ticket -> merged into": (
        "raw_helpdesk__tickets",
        "merged_into_ticket_id",
        "raw_helpdesk__tickets",
        "ticket_id",
    ),
    "group -> schedule": (
        "raw_helpdesk__groups",
        "schedule_id",
        "raw_helpdesk__schedules",
        "schedule_id",
    ),
    "response -> ticket": (
        "raw_helpdesk__satisfaction_responses",
        "ticket_id",
        "raw_helpdesk__tickets",
        "ticket_id",
    ),
    "response -> account": (
        "raw_helpdesk__satisfaction_responses",
        "account_id",
        "raw_billing__customers",
        "customer_id",
    ),
    "user -> account": (
        "raw_helpdesk__users",
        "account_id",
        "raw_billing__customers",
        "customer_id",
    ),
    "subscription -> customer": (
        "raw_billing__subscriptions",
        "customer_id",
        "raw_billing__customers",
        "customer_id",
    ),
    "item -> subscription": (
        "raw_billing__subscription_items",
        "subscription_id",
        "raw_billing__subscriptions",
        "subscription_id",
    ),
    "item -> plan": ("raw_billing__subscription_items", "plan_id", "raw_billing__plans", "plan_id"),
    "invoice -> subscription": (
        "raw_billing__invoices",
        "subscription_id",
        "raw_billing__subscriptions",
        "subscription_id",
    ),
    "refund -> invoice": (
        "raw_billing__refunds",
        "invoice_id",
        "raw_billing__invoices",
        "invoice_id",
    ),
    "usage -> account": (
        "raw_product__daily_usage",
        "account_id",
        "raw_billing__customers",
        "customer_id",
    ),
}


@pytest.mark.parametrize("check", sorted(ORPHAN_CHECKS))
def test_clean_data_has_no_orphans(clean_dir, check):
    child, fk, parent, pk = ORPHAN_CHECKS[check]
    con = _con(clean_dir)
    orphans = _one(
        con,
        f"select count(*) from {child} c where c.{fk} is not null "
        f"and not exists (select 1 from {parent} p where p.{pk} = c.{fk})",
    )
    assert orphans == 0


def test_field_history_starts_at_creation_and_ends_at_the_ticket_row(clean_dir):
    con = _con(clean_dir)
    # every tracked field has a first value recorded exactly at created_at
    missing_first = _one(
        con,
        """
        select count(*) from raw_helpdesk__tickets t, (values ('status'), ('priority'),
            ('assignee_id'), ('group_name')) f(field_name)
        where not exists (select 1 from raw_helpdesk__ticket_field_history h
            where h.ticket_id = t.ticket_id and h.field_name = f.field_name
            and h.updated_at = t.created_at)""",
    )
    assert missing_first == 0
    assert (
        _one(
            con,
            """select count(*) from raw_helpdesk__ticket_field_history h
        join raw_helpdesk__tickets t using (ticket_id) where h.updated_at < t.created_at""",
        )
        == 0
    )
    mismatched = _one(
        con,
        """
        with last as (select ticket_id, field_name, arg_max(value, updated_at) as value
                      from raw_helpdesk__ticket_field_history
                      where field_name <> 'sla_policy' group by all)
        select count(*) from last join raw_helpdesk__tickets t using (ticket_id)
        where last.value is distinct from case last.field_name
            when 'status' then t.status when 'priority' then t.priority
            when 'assignee_id' then t.assignee_id else t.group_name end""",
    )
    assert mismatched == 0


def test_sla_policy_is_applied_per_ticket_and_names_a_policy(clean_dir):
    """Every worked ticket gets a named policy at creation (Enterprise for enterprise accounts),
    a few are moved to the other one, and every name is a policy_name of sla_policies."""
    con = _con(clean_dir)
    first = con.execute(
        """
        select c.segment, h.value, count(*)
        from raw_helpdesk__ticket_field_history h
        join raw_helpdesk__tickets t using (ticket_id)
        join raw_billing__customers c on c.customer_id = t.account_id
        where h.field_name = 'sla_policy' and h.updated_at = t.created_at
        group by all order by all"""
    ).fetchall()
    by_segment = {(seg, value): n for seg, value, n in first}
    assert by_segment.get(("enterprise", "Enterprise"), 0) > 0
    assert by_segment.get(("smb", "Standard"), 0) > 0
    assert ("enterprise", "Standard") not in by_segment
    assert ("smb", "Enterprise") not in by_segment
    moved = _one(
        con,
        """select count(*) from (select ticket_id from raw_helpdesk__ticket_field_history
        where field_name = 'sla_policy' group by ticket_id having count(*) > 1)""",
    )
    assert moved and moved > 0
    unknown = _one(
        con,
        """select count(*) from raw_helpdesk__ticket_field_history
        where field_name = 'sla_policy' and value not in
            (select policy_name from raw_helpdesk__sla_policies)""",
    )
    assert unknown == 0


def test_status_lifecycle_uses_only_plausible_transitions(clean_dir):
    con = _con(clean_dir)
    rows = con.execute("""
        with s as (select ticket_id, value, lag(value) over (partition by ticket_id
                   order by updated_at) as prev from raw_helpdesk__ticket_field_history
                   where field_name = 'status')
        select prev || '>' || value, count(*) from s where prev is not null group by all
    """).fetchall()
    seen = dict(rows)
    allowed = {
        "new>open",
        "new>closed",
        "open>pending",
        "open>solved",
        "pending>open",
        "pending>solved",
        "pending>on_hold",
        "on_hold>open",
        "solved>open",
        "solved>closed",
    }
    assert set(seen) <= allowed, set(seen) - allowed
    # the interesting ones all occur: reopens, holds, auto-solve of silent customers
    for transition in ("solved>open", "pending>on_hold", "on_hold>open", "pending>solved"):
        assert seen.get(transition, 0) > 0, transition


def test_comments_follow_the_ticket_and_automation_is_not_an_agent_reply(clean_dir):
    con = _con(clean_dir)
    before = _one(
        con,
        """select count(*) from raw_helpdesk__ticket_comments c
        join raw_helpdesk__tickets t using (ticket_id) where c.created_at < t.created_at""",
    )
    assert before == 0
    # the first comment of every ticket is the requester's, at creation
    first_not_requester = _one(
        con,
        """
        with f as (select ticket_id, arg_min(author_id, created_at) as author,
                   min(created_at) as at from raw_helpdesk__ticket_comments group by all)
        select count(*) from f join raw_helpdesk__tickets t using (ticket_id)
        where f.author <> t.requester_id or f.at <> t.created_at""",
    )
    assert first_not_requester == 0
    # automation comments are public and authored by an admin: the trap for "agent reply"
    auto = con.execute("""select count(*), count(*) filter (where u.role = 'admin' and c.is_public)
        from raw_helpdesk__ticket_comments c join raw_helpdesk__users u on u.user_id = c.author_id
        where c.via = 'automation'""").fetchone()
    assert auto[0] > 0 and auto[0] == auto[1]
    internal = _one(con, "select count(*) from raw_helpdesk__ticket_comments where not is_public")
    assert internal > 0


def test_subscription_items_history_is_contiguous_and_never_overlaps(clean_dir):
    con = _con(clean_dir)
    bad = con.execute("""
        with i as (select subscription_id, valid_from, valid_to,
                   lead(valid_from) over (partition by subscription_id order by valid_from) as nxt
                   from raw_billing__subscription_items)
        select count(*) filter (where valid_to is not null and valid_to <= valid_from),
               count(*) filter (where nxt is not null and valid_to is distinct from nxt)
        from i""").fetchone()
    assert bad == (0, 0)
    # pauses are landed as quantity 0 periods; seat changes exist
    assert _one(con, "select count(*) from raw_billing__subscription_items where quantity = 0") > 0


def test_cancellations_request_before_they_end(clean_dir):
    con = _con(clean_dir)
    assert (
        _one(
            con,
            """select count(*) from raw_billing__subscriptions
        where cancel_requested_at is not null and ended_at is not null
        and cancel_requested_at >= ended_at""",
        )
        == 0
    )
    assert (
        _one(
            con,
            """select count(*) from raw_billing__subscriptions
        where cancel_requested_at is not null""",
        )
        > 0
    )


def test_invoice_amounts_add_up(clean_dir):
    con = _con(clean_dir)
    assert (
        _one(
            con,
            """select count(*) from raw_billing__invoices
        where total <> subtotal - discount_amount + tax_amount
           or (status = 'paid' and (amount_paid <> total or paid_at is null))
           or (status <> 'paid' and amount_paid <> 0)""",
        )
        == 0
    )


def test_exchange_rates_cover_every_day_and_currency(clean_dir):
    con = _con(clean_dir)
    row = con.execute("""select count(distinct rate_date), count(distinct currency),
        min(rate_date), max(rate_date), count(*) filter (where currency = 'USD'
        and usd_per_unit <> 1.0) from raw_billing__exchange_rates""").fetchone()
    assert row[:2] == (1096, 3)
    assert str(row[2]) == "2023-11-01" and str(row[3]) == "2026-10-31"
    assert row[4] == 0


def test_loaded_at_is_after_the_event_and_before_the_horizon(clean_dir):
    con = _con(clean_dir)
    for table, event in (
        ("raw_helpdesk__tickets", "updated_at"),
        ("raw_helpdesk__ticket_comments", "created_at"),
        ("raw_helpdesk__ticket_field_history", "updated_at"),
        ("raw_billing__invoices", "issued_at"),
    ):
        bad = _one(
            con,
            f"""select count(*) from {table} where _loaded_at < {event}
            or _loaded_at > timestamp '2026-11-04 00:00:00'""",
        )
        assert bad == 0, table


# ---------------------------------------------------------- business calendar


def test_business_calendar_adds_minutes_across_a_weekend_by_hand():
    # Friday 2024-03-01 16:30 in New York (EST, UTC-5) is 21:30 UTC. 60 business minutes on
    # the 09:00-17:00 schedule: 30 on Friday, 30 on Monday from 09:00 -> Monday 09:30 EST,
    # which is 14:30 UTC on 2024-03-04.
    import numpy as np

    cal = business_time.calendar("sch_americas")
    start = np.array([np.datetime64("2024-03-01T21:30:00").astype("datetime64[s]").astype(int)])
    got = cal.add(start, np.array([60]))[0]
    assert np.datetime64(int(got), "s") == np.datetime64("2024-03-04T14:30:00")


def test_business_calendar_honours_dst_split_shifts_and_versions():
    import numpy as np

    def minutes(sid, day_from, day_to):
        cal = business_time.calendar(sid)
        a = np.datetime64(day_from).astype("datetime64[s]").astype(int)
        b = np.datetime64(day_to).astype("datetime64[s]").astype(int)
        return int(cal.between(np.array([a]), np.array([b]))[0])

    # Berlin 08:00-18:00 is 600 minutes on Monday 2024-04-01? No: Easter Monday, a holiday.
    assert minutes("sch_emea", "2024-04-01T00:00", "2024-04-02T00:00") == 0
    # Friday 2024-03-29 is Good Friday too; Monday 2024-03-25 (before the DST change on
    # Sunday 31 March) and Tuesday 2024-04-02 (after it) are both 600 minutes.
    assert minutes("sch_emea", "2024-03-25T00:00", "2024-03-26T00:00") == 600
    assert minutes("sch_emea", "2024-04-02T00:00", "2024-04-03T00:00") == 600
    # London split shift 07:00-11:30 + 12:30-16:00 = 270 + 210 = 480 minutes
    assert minutes("sch_tech", "2024-06-04T00:00", "2024-06-05T00:00") == 480
    # New York: 8 h a weekday before 2025-04-01, 12 h after; Saturdays 4 h after
    assert minutes("sch_americas", "2025-03-25T04:00", "2025-03-26T04:00") == 480
    assert minutes("sch_americas", "2025-04-08T04:00", "2025-04-09T04:00") == 720
    assert minutes("sch_americas", "2025-04-12T04:00", "2025-04-13T04:00") == 240


# ------------------------------------------------------------------- realism


def first_reply_breach_share(con) -> float:
    """Share of tickets (end-user requester, not deleted/merged) whose first agent reply
    came later than the first-response target, counting calendar minutes."""
    return _one(
        con,
        """
        with reply as (
            select c.ticket_id, min(c.created_at) as at
            from raw_helpdesk__ticket_comments c
            join raw_helpdesk__users u on u.user_id = c.author_id
            where c.is_public and u.role in ('agent', 'admin') and c.via <> 'automation'
            group by all),
        t as (
            select t.ticket_id, t.created_at, t.priority, r.at
            from raw_helpdesk__tickets t join reply r using (ticket_id)
            join raw_helpdesk__users q on q.user_id = t.requester_id and q.role = 'end_user'
            where not t.is_deleted and t.merged_into_ticket_id is null)
        select avg(case when date_diff('minute', t.created_at, t.at) > p.target_minutes
                   then 1.0 else 0.0 end)
        from t join raw_helpdesk__sla_policies p on p.priority = t.priority
            and p.metric = 'first_response' and t.at >= p.valid_from
            and (p.valid_to is null or t.at < p.valid_to)""",
    )


def paying_customers_by_month(con) -> str:
    return """
        with months as (select unnest(generate_series(timestamp '2023-11-01',
                        timestamp '2026-10-01', interval 1 month)) as m),
        snap as (select m, m + interval 1 month - interval 1 second as at from months),
        paying as (
            select distinct snap.m, s.customer_id from snap
            join raw_billing__subscription_items i on i.valid_from <= snap.at
                 and (i.valid_to is null or i.valid_to > snap.at)
                 and i.quantity > 0 and i.unit_amount > 0
            join raw_billing__subscriptions s using (subscription_id)
            where s.started_at <= snap.at and (s.ended_at is null or s.ended_at > snap.at))
        select * from paying"""


def monthly_logo_churn(con) -> float:
    return _one(
        con,
        f"""
        with paying as ({paying_customers_by_month(con)})
        select sum(churned) / sum(base) from (
            select a.m, count(*) as base, count(*) filter (where b.customer_id is null) as churned
            from paying a left join paying b on b.customer_id = a.customer_id
                 and b.m = a.m + interval 1 month
            where a.m < timestamp '2026-10-01' group by all)""",
    )


def weekday_weekend_ratio(con) -> float:
    return _one(
        con,
        """
        with d as (select cast(created_at as date) as day, count(*) as n
                   from raw_helpdesk__tickets group by all),
        all_days as (select unnest(generate_series(date '2024-01-01', date '2026-10-31',
                     interval 1 day))::date as day)
        select avg(coalesce(n, 0)) filter (where isodow(day) <= 5)
             / avg(coalesce(n, 0)) filter (where isodow(day) > 5)
        from all_days left join d using (day)""",
    )


def adoption_churned_vs_retained(con) -> tuple[float, float]:
    """Mean adoption (active users per seat over the customer's usage days) of customers
    that have no live subscription at the end vs those that do."""
    return con.execute("""
        with seats as (select s.customer_id, avg(i.quantity) as seats
                       from raw_billing__subscription_items i
                       join raw_billing__subscriptions s using (subscription_id)
                       where i.quantity > 0 group by all),
        adoption as (select u.account_id as customer_id,
                     sum(u.active_users) / (count(*) * any_value(seats.seats)) as adoption
                     from raw_product__daily_usage u
                     join seats on seats.customer_id = u.account_id
                     where isodow(u.usage_date) <= 5 group by all),
        live as (select distinct customer_id from raw_billing__subscriptions
                 where started_at is not null and ended_at is null),
        paid as (select distinct customer_id from raw_billing__subscriptions
                 where started_at is not null)
        select avg(adoption) filter (where live.customer_id is null),
               avg(adoption) filter (where live.customer_id is not null)
        from adoption join paid using (customer_id)
        left join live using (customer_id)""").fetchone()


def test_first_reply_breaches_are_common_but_not_the_rule(clean_dir):
    # Calendar minutes overstate business-hours breaches (nights, weekends count), so the
    # range is wider than the 10-30 % business-hours breach share the generator aims at.
    share = first_reply_breach_share(_con(clean_dir))
    assert 0.15 <= share <= 0.55, share


def test_monthly_logo_churn_is_plausible_for_smb_heavy_saas(clean_dir):
    churn = monthly_logo_churn(_con(clean_dir))
    assert 0.008 <= churn <= 0.045, churn


def test_weekdays_are_much_busier_than_weekends(clean_dir):
    ratio = weekday_weekend_ratio(_con(clean_dir))
    assert 3.0 <= ratio <= 8.0, ratio


def test_churners_had_lower_adoption_than_retained_customers(clean_dir):
    churned, retained = adoption_churned_vs_retained(_con(clean_dir))
    assert churned < retained - 0.05, (churned, retained)


def test_business_hours_rhythm_peaks_in_the_working_day(clean_dir):
    con = _con(clean_dir)
    # EMEA customers (served by Support EMEA): more tickets 09-12 UTC than 00-03 UTC
    day, night = con.execute("""select count(*) filter (where hour(t.created_at) between 8 and 11),
        count(*) filter (where hour(t.created_at) between 0 and 3)
        from raw_helpdesk__tickets t join raw_helpdesk__ticket_field_history h
        on h.ticket_id = t.ticket_id and h.field_name = 'group_name'
        and h.updated_at = t.created_at where h.value = 'Support EMEA'""").fetchone()
    assert day > 5 * night


# -------------------------------------------------------------------- defects


def _defect_rows(folder: Path) -> list[dict]:
    with open(folder / "_defects.csv", newline="") as f:
        return list(csv.DictReader(f))


def test_every_defect_kind_is_injected_and_recorded(dirty):
    folder, report = dirty
    rows = _defect_rows(folder)
    kinds = {r["defect_kind"] for r in rows}
    assert kinds == set(defects.KIND_NAMES)
    assert sum(report.defects.values()) == len(rows)
    for r in rows:
        assert r["table"] in contract.BY_NAME and r["detail"]


def test_every_recorded_key_is_in_the_written_file(dirty):
    folder, _ = dirty
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    rows = _defect_rows(folder)
    con.execute("create table d (tbl varchar, k varchar)")
    con.executemany("insert into d values (?, ?)", [(r["table"], r["key"]) for r in rows])
    for t in contract.TABLES:
        if not any(r["table"] == t.qualified_name for r in rows):
            continue
        if len(t.key) == 1:
            key_sql = f'cast("{t.key[0]}" as varchar)'
        else:
            key_sql = " || ';' || ".join(
                f"'{k}=' || coalesce(cast(\"{k}\" as varchar), '')" for k in t.key
            )
        path = folder / f"{t.qualified_name}.parquet"
        missing = _one(
            con,
            f"""select count(*) from d where tbl = '{t.qualified_name}'
            and k not in (select {key_sql} from read_parquet('{path}'))""",
        )
        assert missing == 0, t.qualified_name


def test_defects_change_what_they_say(dirty, clean_dir):
    folder, _ = dirty
    con = _con(folder)
    # re-syncs: same key twice, identical values, the extra copy landed earlier
    resync = _one(
        con,
        """select count(*) from (select comment_id from
        raw_helpdesk__ticket_comments group by all having count(*) = 2
        and count(distinct (ticket_id, author_id, created_at, via)) = 1
        and min(_loaded_at) < max(_loaded_at))""",
    )
    assert resync > 0
    # conflicting duplicates: same key, same _loaded_at, different values
    conflict = _one(
        con,
        """select count(*) from (select ticket_id from raw_helpdesk__tickets
        group by all having count(*) = 2 and count(distinct _loaded_at) = 1
        and count(distinct priority) = 2)""",
    )
    assert conflict > 0
    assert _one(con, "select count(*) from raw_helpdesk__tickets where channel = 'fax'") > 0
    assert (
        _one(
            con,
            """select count(*) from raw_helpdesk__tickets
        where channel <> trim(lower(channel)) and trim(lower(channel)) in
        ('email', 'web', 'chat', 'phone', 'api')""",
        )
        > 0
    )
    assert _one(con, "select count(*) from raw_billing__subscription_items where quantity < 0") > 0
    assert (
        _one(
            con,
            """select count(*) from raw_billing__invoices
        where currency in ('US$', 'EURO', '£')""",
        )
        > 0
    )
    assert (
        _one(
            con,
            """select count(*) from raw_helpdesk__ticket_comments
        where year(created_at) >= 2090""",
        )
        > 0
    )
    late = _one(
        con,
        """select count(*) from raw_helpdesk__ticket_comments
        where _loaded_at > created_at + interval 3 day""",
    )
    assert late > 0
    # update-style defects are on existing rows: the dirty file has the clean keys
    clean = _con(clean_dir)
    assert _one(clean, "select count(*) from raw_helpdesk__tickets") < _one(
        con, "select count(*) from raw_helpdesk__tickets"
    )


def test_window_is_fixed_not_now():
    assert WINDOW_START == 1698796800  # 2023-11-01 00:00:00 UTC
