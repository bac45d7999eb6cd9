"""The short printed summary that ends `make run`: headline numbers and where to look next."""

from __future__ import annotations

from pathlib import Path

import duckdb

# (label, SQL returning one value, format). A mart that is not built yet shows "not built".
HEADLINES: list[tuple[str, str, str]] = []


def _relation_exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = ? and table_name = ?",
            [schema, name],
        ).fetchone()[0]
    )


def headline_numbers(database: Path) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    con = duckdb.connect(str(database), read_only=True)
    try:
        for schema, table in (
            ("raw_helpdesk", "tickets"),
            ("raw_billing", "customers"),
        ):
            if _relation_exists(con, schema, table):
                n = con.execute(f"select count(*) from {schema}.{table}").fetchone()[0]
                rows.append((f"raw {schema}.{table}", f"{n:,} rows"))
        for label, sql, fmt in HEADLINES:
            try:
                value = con.execute(sql).fetchone()[0]
                rows.append((label, "n/a" if value is None else format(value, fmt)))
            except duckdb.CatalogException:
                rows.append((label, "not built"))
    finally:
        con.close()
    return rows


def print_summary(database: Path) -> None:
    print()
    print(f"Warehouse: {database}")
    for label, value in headline_numbers(database):
        print(f"  {label:<40} {value}")
    print()
    print("Where to look next:")
    print(f"  query it:   duckdb -readonly {database}")
    print("  models:     models/marts/ (what BI reads), docs/DECISIONLOG.md (definitions)")
