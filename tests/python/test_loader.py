"""The loader validates a whole folder before writing, and writes all or nothing."""

from __future__ import annotations

import duckdb
import pytest

from support_success import contract
from support_success.loader import LoadError, load_folder

TICKETS_HEADER = ",".join(contract.table("raw_helpdesk.tickets").column_names)


def _ticket_row(ticket_id: str, created_at: str = "2024-03-08 16:30:00") -> str:
    values = {
        "ticket_id": ticket_id,
        "account_id": "C1",
        "requester_id": "U1",
        "assignee_id": "",
        "group_name": "Support EU",
        "subject": "Cannot log in",
        "channel": "email",
        "priority": "high",
        "ticket_type": "question",
        "status": "open",
        "created_at": created_at,
        "updated_at": created_at,
        "is_deleted": "false",
        "merged_into_ticket_id": "",
        "_loaded_at": "2024-03-08 17:00:00",
    }
    return ",".join(values[c] for c in contract.table("raw_helpdesk.tickets").column_names)


def _write(folder, name: str, text: str) -> None:
    (folder / name).write_text(text)


def _count(database, qualified: str) -> int:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(f"select count(*) from {qualified}").fetchone()[0]
    finally:
        con.close()


def test_replace_loads_files_and_creates_every_other_table_empty(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    _write(folder, "raw_helpdesk.tickets.csv", f"{TICKETS_HEADER}\n{_ticket_row('T1')}\n")
    database = tmp_path / "wh.duckdb"

    report = load_folder(database, folder)

    assert report.loaded == {"raw_helpdesk.tickets": 1}
    assert len(report.created_empty) == len(contract.TABLES) - 1
    con = duckdb.connect(str(database), read_only=True)
    row = con.execute(
        "select ticket_id, assignee_id, created_at, is_deleted from raw_helpdesk.tickets"
    ).fetchone()
    types = dict(
        con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'raw_helpdesk' and table_name = 'tickets'"
        ).fetchall()
    )
    con.close()
    # Ids stay text, empty CSV fields are NULL, instants are typed, booleans parsed.
    assert row[0] == "T1" and row[1] is None and row[3] is False
    assert str(row[2]) == "2024-03-08 16:30:00"
    assert types["created_at"] == "TIMESTAMP" and types["ticket_id"] == "VARCHAR"
    assert _count(database, "raw_billing.customers") == 0


def test_offsets_are_converted_to_utc(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    row = _ticket_row("T1", created_at="2024-03-08T18:30:00+02:00")
    _write(folder, "raw_helpdesk.tickets.csv", f"{TICKETS_HEADER}\n{row}\n")
    database = tmp_path / "wh.duckdb"
    load_folder(database, folder)
    con = duckdb.connect(str(database), read_only=True)
    created = con.execute("select created_at from raw_helpdesk.tickets").fetchone()[0]
    con.close()
    assert str(created) == "2024-03-08 16:30:00"


def test_bad_folder_lists_every_problem_and_writes_nothing(tmp_path):
    database = tmp_path / "wh.duckdb"
    good = tmp_path / "good"
    good.mkdir()
    _write(good, "raw_helpdesk.tickets.csv", f"{TICKETS_HEADER}\n{_ticket_row('T1')}\n")
    load_folder(database, good)

    bad = tmp_path / "bad"
    bad.mkdir()
    # a valid file that must NOT be loaded because the folder has problems
    _write(bad, "raw_helpdesk.tickets.csv", f"{TICKETS_HEADER}\n{_ticket_row('T2')}\n")
    _write(bad, "raw_helpdesk.tikets.csv", "ticket_id\nT1\n")  # unknown table
    _write(bad, "raw_billing.customers.csv", "customer_id,segment\nC1,smb\n")  # missing columns
    _write(bad, "raw_product.daily_usage.parquet", "this is not parquet")  # unreadable
    header = ",".join(contract.table("raw_billing.exchange_rates").column_names)
    _write(bad, "raw_billing.exchange_rates.csv", f"{header}\n2024-13-45,EUR,1.1,\n")  # bad date
    _write(bad, "raw_helpdesk.users.txt.csv", "user_id\nU1\n")  # not a <schema>.<table> file

    with pytest.raises(LoadError) as caught:
        load_folder(database, bad)

    message = str(caught.value)
    assert "Nothing was loaded: 5 problem(s)" in message
    assert "unknown table 'raw_helpdesk.tikets'" in message
    assert "raw_billing.customers.csv: missing required column(s) country, billing_currency" in (
        message
    )
    assert "raw_product.daily_usage.parquet: cannot be read" in message
    assert "column rate_date: 1 value(s) cannot be read as DATE (for example '2024-13-45')" in (
        message
    )
    assert "raw_helpdesk.users.txt.csv: name is not <schema>.<table>.csv" in message
    # the earlier load is untouched
    con = duckdb.connect(str(database), read_only=True)
    assert con.execute("select ticket_id from raw_helpdesk.tickets").fetchall() == [("T1",)]
    con.close()


def test_append_keeps_existing_rows_and_extra_columns(tmp_path):
    database = tmp_path / "wh.duckdb"
    first = tmp_path / "day1"
    first.mkdir()
    _write(first, "raw_helpdesk.tickets.csv", f"{TICKETS_HEADER}\n{_ticket_row('T1')}\n")
    load_folder(database, first)

    second = tmp_path / "day2"
    second.mkdir()
    _write(
        second,
        "raw_helpdesk.tickets.csv",
        f"{TICKETS_HEADER},sentiment\n{_ticket_row('T2')},negative\n",
    )
    report = load_folder(database, second, mode="append")

    assert report.loaded == {"raw_helpdesk.tickets": 1}
    assert any("extra column(s) kept: sentiment" in n for n in report.notes)
    con = duckdb.connect(str(database), read_only=True)
    rows = con.execute(
        "select ticket_id, sentiment from raw_helpdesk.tickets order by ticket_id"
    ).fetchall()
    con.close()
    assert rows == [("T1", None), ("T2", "negative")]


def test_optional_columns_and_loaded_at_are_filled(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    columns = [
        c
        for c in contract.table("raw_helpdesk.tickets").column_names
        if c not in ("subject", "_loaded_at")
    ]
    values = dict(zip(TICKETS_HEADER.split(","), _ticket_row("T1").split(","), strict=True))
    _write(
        folder,
        "raw_helpdesk.tickets.csv",
        ",".join(columns) + "\n" + ",".join(values[c] for c in columns) + "\n",
    )
    database = tmp_path / "wh.duckdb"
    report = load_folder(database, folder)
    assert any("subject, _loaded_at" in n for n in report.notes)
    con = duckdb.connect(str(database), read_only=True)
    subject, loaded_at = con.execute(
        "select subject, _loaded_at from raw_helpdesk.tickets"
    ).fetchone()
    con.close()
    assert subject is None and loaded_at is not None


def test_parquet_files_load(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    con = duckdb.connect()
    con.execute(
        "copy (select 'EUR' as currency, date '2024-01-31' as rate_date, 1.08 as usd_per_unit, "
        "timestamp '2024-02-01 00:00:00' as _loaded_at) "
        f"to '{folder / 'raw_billing.exchange_rates.parquet'}' (format parquet)"
    )
    con.close()
    database = tmp_path / "wh.duckdb"
    load_folder(database, folder)
    con = duckdb.connect(str(database), read_only=True)
    row = con.execute("select rate_date, currency, usd_per_unit from raw_billing.exchange_rates")
    assert [tuple(map(str, r)) for r in row.fetchall()] == [("2024-01-31", "EUR", "1.08")]
    con.close()


# ------------------------------------------------------------------ instants, as written
# Each value is the same instant, 2026-03-02 09:00:00 UTC, written five ways; DuckDB's own
# text -> timestamptz cast lets a zone name shift the naive values after it.
MIXED = [
    ("T1", "2026-03-02 09:00:00"),
    ("T2", "2026-03-02 10:00:00 Europe/Berlin"),
    ("T3", "2026-03-02 09:00:00"),
    ("T4", "2026-03-02T11:00:00+02:00"),
    ("T5", "2026-03-02T09:00:00Z"),
    ("T6", "2026-03-02 04:00:00 America/New_York"),
    ("T7", "2026-03-02 09:00:00"),
]


def _created(database) -> dict[str, str]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        rows = con.execute("select ticket_id, created_at from raw_helpdesk.tickets").fetchall()
    finally:
        con.close()
    return {t: str(c) for t, c in rows}


def test_zone_names_offsets_and_naive_values_keep_their_instant_in_csv(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    rows = "\n".join(_ticket_row(t, created_at=v) for t, v in MIXED)
    _write(folder, "raw_helpdesk.tickets.csv", f"{TICKETS_HEADER}\n{rows}\n")
    load_folder(tmp_path / "wh.duckdb", folder)
    assert _created(tmp_path / "wh.duckdb") == {t: "2026-03-02 09:00:00" for t, _ in MIXED}


def test_zone_names_offsets_and_naive_values_keep_their_instant_in_parquet(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    con = duckdb.connect()
    values = ", ".join(f"('{t}', '{v}')" for t, v in MIXED)
    con.execute(
        "copy (select t as ticket_id, 'C1' as account_id, 'U1' as requester_id, "
        "cast(null as varchar) as assignee_id, 'support' as group_name, "
        "cast(null as varchar) as merged_into_ticket_id, 'email' as "
        "channel, 'high' as priority, 'question' as ticket_type, 'open' as status, "
        "v as created_at, v as updated_at, false as is_deleted, "
        "timestamp '2026-03-03 00:00:00' as _loaded_at "
        f"from (values {values}) as x(t, v)) "
        f"to '{folder / 'raw_helpdesk.tickets.parquet'}' (format parquet)"
    )
    con.close()
    load_folder(tmp_path / "wh.duckdb", folder)
    assert _created(tmp_path / "wh.duckdb") == {t: "2026-03-02 09:00:00" for t, _ in MIXED}


def test_an_unknown_zone_name_is_refused_with_the_value(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    row = _ticket_row("T1", created_at="2026-03-02 10:00:00 Mars/Olympus")
    _write(folder, "raw_helpdesk.tickets.csv", f"{TICKETS_HEADER}\n{row}\n")
    with pytest.raises(LoadError, match="column created_at: 1 value.*Mars/Olympus"):
        load_folder(tmp_path / "wh.duckdb", folder)


def test_a_time_of_day_in_a_date_column_is_noted(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    header = ",".join(contract.table("raw_billing.exchange_rates").column_names)
    _write(
        folder,
        "raw_billing.exchange_rates.csv",
        f"{header}\n2024-01-31 13:45:00,EUR,1.1,2024-02-01 00:00:00\n",
    )
    report = load_folder(tmp_path / "wh.duckdb", folder)
    assert any("rate_date is a date; 1 value(s) with a time of day" in n for n in report.notes)


def test_non_data_files_are_skipped_with_a_note(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    _write(folder, "raw_helpdesk.tickets.csv", f"{TICKETS_HEADER}\n{_ticket_row('T1')}\n")
    _write(folder, "README.md", "about this export")
    _write(folder, "manifest.json", "{}")
    report = load_folder(tmp_path / "wh.duckdb", folder)
    assert "skipped (not a .csv or .parquet data file): README.md, manifest.json" in report.notes
    assert any(n.startswith("a build will lack MRR, retention") for n in report.notes)


@pytest.mark.parametrize("mode", ["replace", "append"])
def test_a_partitioned_parquet_folder_is_loaded_in_both_modes(tmp_path, mode):
    database = tmp_path / "wh.duckdb"
    first = tmp_path / "first"
    first.mkdir()
    _write(first, "raw_helpdesk.tickets.csv", f"{TICKETS_HEADER}\n{_ticket_row('T1')}\n")
    load_folder(database, first)
    folder = tmp_path / "raw"
    dataset = folder / "raw_helpdesk.ticket_comments.parquet"
    dataset.mkdir(parents=True)
    con = duckdb.connect()
    for part in (1, 2):
        con.execute(
            f"copy (select 'CM-{part}-' || i as comment_id, 'T1' as ticket_id, 'U1' as author_id, "
            "true as is_public, 'email' as via, timestamp '2024-03-08 16:40:00' as created_at, "
            "timestamp '2024-03-08 17:00:00' as _loaded_at from range(12) as r(i)) "
            f"to '{dataset / f'part-{part}.parquet'}' (format parquet)"
        )
    con.close()
    report = load_folder(database, folder, mode=mode)
    assert report.loaded["raw_helpdesk.ticket_comments"] == 24
    assert _count(database, "raw_helpdesk.ticket_comments") == 24


def test_a_parquet_file_corrupted_in_the_middle_is_named_and_nothing_is_written(tmp_path):
    database = tmp_path / "wh.duckdb"
    good = tmp_path / "good"
    good.mkdir()
    _write(good, "raw_helpdesk.tickets.csv", f"{TICKETS_HEADER}\n{_ticket_row('T1')}\n")
    load_folder(database, good)
    folder = tmp_path / "raw"
    folder.mkdir()
    path = folder / "raw_helpdesk.ticket_comments.parquet"
    con = duckdb.connect()
    con.execute(
        "copy (select 'CM-' || i as comment_id, 'T1' as ticket_id, 'U1' as author_id, "
        "true as is_public, 'email' as via, timestamp '2024-03-08 16:40:00' as created_at, "
        "repeat('x', 200) || i as body, timestamp '2024-03-08 17:00:00' as _loaded_at "
        f"from range(200000) as r(i)) to '{path}' (format parquet, row_group_size 20000)"
    )
    con.close()
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 4096] = bytes(4096)
    path.write_bytes(bytes(data))
    _write(folder, "raw_helpdesk.tickets.csv", f"{TICKETS_HEADER}\n{_ticket_row('T2')}\n")
    with pytest.raises(LoadError, match="raw_helpdesk.ticket_comments.parquet"):
        load_folder(database, folder)
    con = duckdb.connect(str(database), read_only=True)
    assert con.execute("select ticket_id from raw_helpdesk.tickets").fetchall() == [("T1",)]
    con.close()
