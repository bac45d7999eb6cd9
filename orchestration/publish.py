"""Write, audit, publish: BI reads a published copy, never the working warehouse.

DuckDB admits one writer or many readers, never both. So dbt writes the
*working* warehouse (``paths.working_database()``); only when every blocking
check of the run has passed is a fresh copy of the marts written to a new file
in the published folder and swapped in with one atomic ``os.replace``:

* a BI tool holding the old published file keeps reading the old inode, whole,
  and never blocks the refresh (the refresh never opens the published file);
* a new connection sees the new file, whole: there is no moment with a
  half-written published warehouse;
* a refresh killed at any moment leaves ``published/warehouse.duckdb``
  untouched; its temp file (``.publishing-*``) is removed by the next publish.

The published file holds the marts as tables (views materialized), plus
``publication.run`` and ``publication.tables`` saying which run published
them, when, and how many rows each table has; ``publish_manifest.json`` beside it
says the same for tools that do not read DuckDB.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from support_success import paths

TEMP_PREFIX = ".publishing-"
MANIFEST_NAME = "publish_manifest.json"
# Fault injection for the tests: seconds to wait between writing the new file and the swap.
DELAY_ENV = "WAREHOUSE_PUBLISH_DELAY_SECONDS"


class PublishError(Exception):
    """The working warehouse lacks something to publish; nothing was changed."""


@dataclass(frozen=True)
class Relation:
    """A relation to publish, named as dbt built it in the working warehouse."""

    schema: str
    name: str

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass
class PublishReport:
    run_id: str
    trigger: str
    published_at: str
    path: str
    row_counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    removed_temp_files: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"Published {len(self.row_counts)} table(s) to {self.path} ({self.seconds:.1f}s):"]
        lines += [
            f"  {name:<45} {rows:>12,} rows" for name, rows in sorted(self.row_counts.items())
        ]
        return "\n".join(lines)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def clean_temp_files(published_dir: Path) -> list[str]:
    """Remove what a killed publish left behind (``.publishing-*`` and their WAL files)."""
    removed = []
    if published_dir.is_dir():
        for leftover in sorted(published_dir.glob(TEMP_PREFIX + "*")):
            leftover.unlink(missing_ok=True)
            removed.append(leftover.name)
    return removed


def read_manifest(published_dir: Path | None = None) -> dict | None:
    """The last publication's manifest, or None when nothing was published yet."""
    path = (published_dir or paths.published_dir()) / MANIFEST_NAME
    return json.loads(path.read_text()) if path.exists() else None


def publish(
    relations: Sequence[Relation],
    run_id: str,
    trigger: str = "manual",
    working: Path | None = None,
    published_dir: Path | None = None,
) -> PublishReport:
    """Copy ``relations`` from the working warehouse into a new published file, atomically."""
    working = Path(working or paths.working_database())
    published_dir = Path(published_dir or paths.published_dir())
    target = published_dir / paths.published_database().name
    published_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    removed = clean_temp_files(published_dir)
    if not working.exists():
        raise PublishError(f"No working warehouse at {working}: load and build before publishing.")

    temp = published_dir / f"{TEMP_PREFIX}{run_id}.duckdb"
    published_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    counts: dict[str, int] = {}
    # The new file is the only read-write database; the working file is attached read-only,
    # under its own catalog name so views that name it resolve.
    catalog = working.stem
    con = duckdb.connect(str(temp))
    try:
        con.execute("set TimeZone = 'UTC'")
        path_literal = "'" + working.as_posix().replace("'", "''") + "'"  # a path may hold quotes
        con.execute(f"attach {path_literal} as {_quote(catalog)} (read_only)")
        existing = {
            (s, t)
            for s, t in con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_catalog = ?",
                [catalog],
            ).fetchall()
        }
        missing = [r.qualified for r in relations if (r.schema, r.name) not in existing]
        if missing:
            raise PublishError(
                f"Not in the working warehouse {working}: {', '.join(missing)}. "
                "Run a full build (`warehouse build`) before publishing."
            )
        for schema in sorted({r.schema for r in relations}):
            con.execute(f"create schema if not exists {_quote(schema)}")
        for r in relations:
            con.execute(
                f"create table {_quote(r.schema)}.{_quote(r.name)} as "
                f"select * from {_quote(catalog)}.{_quote(r.schema)}.{_quote(r.name)}"
            )
            counts[r.qualified] = con.execute(
                f"select count(*) from {_quote(r.schema)}.{_quote(r.name)}"
            ).fetchone()[0]
        con.execute("create schema publication")
        con.execute(
            "create table publication.run as select ?::varchar as run_id, "
            "?::varchar as trigger, ?::timestamp as published_at",
            [run_id, trigger, published_at],
        )
        con.execute("create table publication.tables (table_name varchar, row_count bigint)")
        if counts:
            con.executemany("insert into publication.tables values (?, ?)", list(counts.items()))
        con.execute(f"detach {_quote(catalog)}")
        con.execute("checkpoint")
    except BaseException:
        con.close()
        temp.unlink(missing_ok=True)
        raise
    con.close()
    _fsync(temp)
    delay = float(os.environ.get(DELAY_ENV, "0") or 0)
    if delay:
        time.sleep(delay)
    os.replace(temp, target)  # the atomic swap: readers see the old file or the new one
    _fsync(published_dir)

    report = PublishReport(
        run_id=run_id,
        trigger=trigger,
        published_at=published_at,
        path=str(target),
        row_counts=counts,
        seconds=round(time.monotonic() - started, 2),
        removed_temp_files=removed,
    )
    manifest_temp = published_dir / f"{TEMP_PREFIX}{run_id}.json"
    manifest_temp.write_text(json.dumps(asdict(report), indent=2) + "\n")
    os.replace(manifest_temp, published_dir / MANIFEST_NAME)
    return report
