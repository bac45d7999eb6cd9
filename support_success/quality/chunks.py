"""Reading the warehouse for validation: read-only connections and key-hash chunks.

DuckDB allows one writer *or* many readers per file. Validation only reads, through a
``read_only`` connection, so it never blocks other readers; but a read-only connection
cannot open while a writer (``dbt build``, ``warehouse load``) holds the file, so run
checks after the writer finishes, or pass your own ``connect`` factory (for example one
returning a cursor of an already open connection in the same process).

Large tables are validated in partitions: ``hash(key) % n = i`` for ``i`` in ``0..n-1``,
with ``n`` chosen so a partition holds about ``chunk_rows`` rows. Every row of one key
falls in the same partition, so uniqueness of the key is exact per partition, and
row-wise counts (nulls, out-of-set values, ...) add up to the table's.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pandas as pd

Connect = Callable[[], duckdb.DuckDBPyConnection]


class WarehouseBusyError(RuntimeError):
    """The warehouse file is held by a writer, so a read-only connection cannot open."""


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def read_only_connect(database: str | Path) -> Connect:
    """A factory of read-only connections to ``database`` running in UTC."""

    def connect() -> duckdb.DuckDBPyConnection:
        if not Path(database).exists():
            raise FileNotFoundError(f"no warehouse at {database}: load one first")
        try:
            con = duckdb.connect(str(database), read_only=True)
        except duckdb.IOException as exc:
            raise WarehouseBusyError(
                f"cannot open {database} read-only: another process holds it for writing "
                "(DuckDB allows one writer or many readers). Validate after the writer "
                f"finishes, or pass connect= a factory of your own. ({exc})"
            ) from exc
        con.execute("set TimeZone = 'UTC'")
        return con

    return connect


def relation_columns(
    con: duckdb.DuckDBPyConnection, schema: str, table: str
) -> dict[str, str] | None:
    """Column name -> DuckDB type of ``schema.table`` in order, or None if it does not exist."""
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    return {name: dtype for name, dtype in rows} or None


def partition_count(row_count: int, chunk_rows: int) -> int:
    return max(1, math.ceil(row_count / max(1, chunk_rows)))


def iter_partitions(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    columns: list[str],
    key: tuple[str, ...],
    row_count: int,
    chunk_rows: int,
    expressions: tuple[tuple[str, str], ...] = (),
) -> Iterator[pd.DataFrame]:
    """Yield the ``columns`` of ``relation`` (plus ``expressions``: (alias, SQL)) as
    DataFrames of about ``chunk_rows`` rows."""
    n = partition_count(row_count, chunk_rows)
    select = ", ".join(
        [quote(c) for c in columns] + [f"{sql} as {quote(a)}" for a, sql in expressions]
    )
    if n == 1 or not key:
        yield con.execute(f"select {select} from {relation}").df()
        return
    key_hash = f"hash({', '.join('rowid' if c == 'rowid' else quote(c) for c in key)})"
    for i in range(n):
        yield con.execute(f"select {select} from {relation} where {key_hash} % {n} = {i}").df()
