"""Write the tables: one ``<schema>.<table>.parquet`` per contract table, ``_defects.csv``.

Tables arrive as Arrow tables already in the contract's column order and landed
types (see ``tables.arrow_schema``) with a leading ``_rn`` row number, which is
dropped here. Rows are written in ``_rn`` order (clean rows, then injected copies),
so the same seed writes the same rows in the same order every time.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from support_success import contract

DEFECTS_FILE = "_defects.csv"


def clear(out: Path) -> None:
    """Remove files of an earlier run (``<schema>.<table>.*`` and the defect record)."""
    out.mkdir(parents=True, exist_ok=True)
    for path in out.iterdir():
        if path.is_file() and (
            path.name == DEFECTS_FILE
            or any(path.name.startswith(f"{s}.") for s in contract.SCHEMAS)
        ):
            path.unlink()


def write(table: pa.Table, qualified: str, out: Path) -> int:
    """Write one table (without ``_rn``) as ``<schema>.<table>.parquet``; return its rows."""
    data = table.drop_columns(["_rn"])
    expected = contract.table(qualified).column_names
    if data.column_names != expected:
        raise ValueError(f"generator bug: {qualified} columns {data.column_names} != {expected}")
    pq.write_table(data, out / f"{qualified}.parquet", compression="snappy")
    return data.num_rows


def write_defects(defects: pa.Table, out: Path) -> None:
    """``_defects.csv``: one row per injected defective row (header always present)."""
    with open(out / DEFECTS_FILE, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(defects.column_names)
        w.writerows(zip(*(defects[c].to_pylist() for c in defects.column_names), strict=True))
