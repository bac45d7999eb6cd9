"""Load a folder of raw files into the raw schemas of the DuckDB warehouse.

A raw dataset is a folder of files named ``<schema>.<table>.csv`` or
``<schema>.<table>.parquet`` (``shared/spec/raw-contract.md``). Loading is two
phases:

1. **Validate** every file before anything is written: unknown table names,
   files that cannot be read, missing required columns and values that cannot
   be read as the contract's type are collected into one :class:`LoadError`
   that lists every problem. Nothing is written if there is any.
2. **Write** all tables in one transaction, either replacing the raw dataset
   (``mode="replace"``: every contract table is recreated, tables with no file
   are created empty) or appending an incremental drop (``mode="append"``).

Documented repairs (docs/DECISIONLOG.md, "Loading raw files"):

* optional free-text columns (names, subjects, bodies) missing from a file are
  added as NULL;
* a file without ``_loaded_at`` gets the time of the load;
* extra columns are kept, after the contract's columns;
* files and folders whose names start with ``_`` or ``.`` are not data
  (the generator writes its record of injected defects as ``_defects.csv``);
  other files that are not ``.csv``/``.parquet`` (a README, a JSON manifest) are
  skipped with a note;
* a folder ``<schema>.<table>.parquet/`` (a partitioned dataset as Spark or
  pyarrow write it) is read as one table from every ``*.parquet`` file under it;
* every timestamp value is parsed on its own: a value with an offset (``+02:00``,
  ``Z``) or an IANA zone name (``2026-03-02 10:00:00 Europe/Berlin``) is converted
  to UTC, a naive value is UTC. (DuckDB's own text-to-``timestamptz`` cast lets a
  zone name shift the offset-free values after it; docs/decisionlog/foundation.md.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from support_success import contract

FILE_PATTERN = re.compile(r"^(?P<schema>[a-z_]+)\.(?P<table>[a-z_]+)\.(?P<ext>csv|parquet)$")


class LoadError(Exception):
    """Every problem found in a folder, raised before anything is written."""

    def __init__(self, folder: Path, problems: list[str]):
        self.folder = folder
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(
            f"Nothing was loaded: {len(problems)} problem(s) in {folder}:\n{lines}\n"
            "Fix the files (see shared/spec/raw-contract.md for names and columns) and load again."
        )


@dataclass
class PlannedFile:
    path: Path
    table: contract.Table
    select_sql: str = ""
    rows: int = 0
    extra_columns: dict[str, str] = field(default_factory=dict)  # name -> DuckDB type
    filled_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class LoadReport:
    mode: str
    loaded: dict[str, int]  # qualified table name -> rows written from files
    created_empty: list[str]
    notes: list[str]

    def summary(self) -> str:
        lines = [f"Loaded ({self.mode}):"]
        for name, rows in sorted(self.loaded.items()):
            lines.append(f"  {name:<40} {rows:>12,} rows")
        if self.created_empty:
            lines.append("  created empty (no file): " + ", ".join(sorted(self.created_empty)))
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


# What each group of marts needs (docs/data-quality.md, "Minimum dataset"). A build with an
# empty table still succeeds and publishes; the marts that need it are empty or partial.
MART_NEEDS: dict[str, tuple[str, ...]] = {
    "support marts (fct_tickets, agg_support_daily, agg_agent_daily)": (
        "raw_helpdesk.tickets",
        "raw_helpdesk.ticket_field_history",
        "raw_helpdesk.ticket_comments",
        "raw_helpdesk.users",
    ),
    "business-hours figures (calendar minutes only without them)": (
        "raw_helpdesk.groups",
        "raw_helpdesk.schedules",
    ),
    "SLA events and attainment (fct_sla_events)": ("raw_helpdesk.sla_policies",),
    "CSAT, CES and NPS": ("raw_helpdesk.satisfaction_responses",),
    "MRR, retention and cohorts (fct_mrr_monthly, agg_retention_monthly)": (
        "raw_billing.customers",
        "raw_billing.subscriptions",
        "raw_billing.subscription_items",
        "raw_billing.plans",
    ),
    "MRR in other currencies than USD": ("raw_billing.exchange_rates",),
    "billing health (overdue and failed invoices)": ("raw_billing.invoices",),
    "product adoption in health scores and customer_360": ("raw_product.daily_usage",),
}


def missing_notes(con: duckdb.DuckDBPyConnection) -> list[str]:
    """One note per group of marts a build will lack because its raw tables are empty."""
    empty = set()
    for table in contract.TABLES:
        try:
            rows = con.execute(
                f"select count(*) from {table.schema}.{_quote(table.name)}"
            ).fetchone()[0]
        except duckdb.Error:
            rows = 0
        if not rows:
            empty.add(table.qualified_name)
    return [
        f"a build will lack {what}: {', '.join(t for t in needs if t in empty)} "
        + ("is" if sum(t in empty for t in needs) == 1 else "are")
        + " empty"
        for what, needs in MART_NEEDS.items()
        if any(t in empty for t in needs)
    ]


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _reader_sql(path: Path) -> str:
    if path.is_dir():  # a partitioned parquet dataset: every part file under the folder
        return f"read_parquet({_literal(str(path / '**' / '*.parquet'))}, union_by_name=true)"
    if path.suffix == ".csv":
        # Every CSV value is read as text and cast to the contract's type below, so a
        # column that happens to look numeric (ids) or empty is never guessed wrongly.
        return f"read_csv({_literal(str(path))}, header=true, all_varchar=true)"
    return f"read_parquet({_literal(str(path))})"


# A trailing IANA zone name ("Europe/Berlin", "America/Argentina/Buenos_Aires", "UTC") and a
# trailing offset ("Z", "+02", "+0200", "+02:00").
_ZONE_NAME = r"([A-Za-z_]+(/[A-Za-z0-9_+-]+)+|UTC|GMT)\s*$"
_OFFSET = r"(Z|[+-][0-9][0-9](:?[0-9][0-9])?)\s*$"


def _timestamp_expression(src: str, cast: str = "cast") -> str:
    """Text -> naive UTC timestamp, each value on its own.

    Three branches, so a value with a zone name never goes through DuckDB's text to
    timestamptz cast (which then shifts later offset-free values of the same vector):
    zone name -> local time in that zone; offset -> that offset; naive -> UTC. An
    unknown zone name gives NULL (reported as unreadable by the validation phase).
    """
    text = f"trim(cast({src} as varchar))"
    zone = f"regexp_extract({text}, '{_ZONE_NAME}', 1)"
    local = f"trim(regexp_replace({text}, '{_ZONE_NAME}', ''))"
    return (
        f"case when {src} is null then null "
        f"when regexp_matches({text}, '\\d\\s+{_ZONE_NAME}') then "
        f"case when {zone} in (select name from pg_timezone_names()) "
        f"then timezone('UTC', timezone({zone}, {cast}({local} as timestamp))) end "
        f"when regexp_matches({text}, '\\d{_OFFSET}') then "
        f"timezone('UTC', {cast}({text} as timestamptz)) "
        f"else {cast}({text} as timestamp) end"
    )


def _cast_expression(column: contract.Column, source: str, source_type: str = "VARCHAR") -> str:
    """SQL casting a source column to the contract type (UTC for instants)."""
    src = _quote(source)
    if source_type == column.type:
        return src  # already the landed type (typed parquet): nothing to convert
    if column.type == contract.TS:
        if source_type.startswith("TIMESTAMP WITH TIME ZONE"):
            return f"timezone('UTC', {src})"
        if source_type.startswith(("TIMESTAMP", "DATE")):
            return f"cast({src} as timestamp)"
        return _timestamp_expression(src)
    if column.type == contract.TEXT:
        return f"cast({src} as varchar)"
    return f"cast({src} as {column.type})"


def _try_cast_expression(column: contract.Column, source: str, source_type: str) -> str:
    if column.type == contract.TS and source_type == "VARCHAR":
        return _timestamp_expression(_quote(source), cast="try_cast")
    return _cast_expression(column, source, source_type).replace("cast(", "try_cast(")


def _plan_file(
    con: duckdb.DuckDBPyConnection, path: Path, problems: list[str]
) -> PlannedFile | None:
    match = FILE_PATTERN.match(path.name)
    if not match:
        problems.append(
            f"{path.name}: name is not <schema>.<table>.csv or <schema>.<table>.parquet"
        )
        return None
    qualified = f"{match['schema']}.{match['table']}"
    if qualified not in contract.BY_NAME:
        problems.append(
            f"{path.name}: unknown table {qualified!r} "
            f"(known: {', '.join(sorted(contract.BY_NAME))})"
        )
        return None
    table = contract.BY_NAME[qualified]
    reader = _reader_sql(path)
    try:
        described = con.execute(f"describe select * from {reader}").fetchall()
        rows = con.execute(f"select count(*) from {reader}").fetchone()[0]
    except duckdb.Error as exc:
        first_line = str(exc).strip().splitlines()[0]
        problems.append(f"{path.name}: cannot be read ({first_line})")
        return None
    present = [r[0] for r in described]
    present_types = {r[0]: r[1] for r in described}
    present_lower = {c.lower(): c for c in present}
    missing = [c for c in table.required_columns if c not in present_lower]
    if missing:
        problems.append(f"{path.name}: missing required column(s) {', '.join(missing)}")
        return None

    planned = PlannedFile(path=path, table=table, rows=rows)
    select_items: list[str] = []
    checks: list[tuple[str, str]] = []  # (contract column, source column) to type-check
    for column in table.columns:
        source = present_lower.get(column.name)
        if source is None:
            planned.filled_columns.append(column.name)
            if column.name == contract.LOADED_AT:
                select_items.append(f"current_timestamp::timestamp as {_quote(column.name)}")
            else:
                select_items.append(f"cast(null as {column.type}) as {_quote(column.name)}")
            continue
        if present_types[source] != column.type:
            checks.append((column.name, source))
        cast = _cast_expression(column, source, present_types[source])
        select_items.append(f"{cast} as {_quote(column.name)}")
    # Values present but not readable as the contract type are a problem, not a NULL.
    # One scan of the file counts them for every column at once.
    if checks:
        aggregates = []
        for name, source in checks:
            unreadable = (
                f"{_quote(source)} is not null and "
                f"{_try_cast_expression(table.column(name), source, present_types[source])} is null"
            )
            aggregates.append(f"count(*) filter (where {unreadable})")
            aggregates.append(f"any_value({_quote(source)}::varchar) filter (where {unreadable})")
        counts = con.execute(f"select {', '.join(aggregates)} from {reader}").fetchone()
        for i, (name, _source) in enumerate(checks):
            bad_count, example = counts[2 * i], counts[2 * i + 1]
            if bad_count:
                problems.append(
                    f"{path.name}: column {name}: {bad_count:,} value(s) cannot be read as "
                    f"{table.column(name).type} (for example {example!r})"
                )
        # A DATE column given a time of day keeps the date only: say so.
        for name, source in checks:
            if table.column(name).type == "DATE" and present_types[source] == "VARCHAR":
                timed, example = con.execute(
                    f"select count(*), any_value({_quote(source)}) from {reader} "
                    f"where length(trim({_quote(source)})) > 10 "
                    f"and try_cast({_quote(source)} as timestamp) is not null "
                    f"and cast(try_cast({_quote(source)} as timestamp) as time) <> time '00:00'"
                ).fetchone()
                if timed:
                    planned.notes.append(
                        f"{path.name}: column {name} is a date; {timed:,} value(s) with a time "
                        f"of day keep the date only (for example {example!r})"
                    )
    contract_names = set(table.column_names)
    for source in present:
        if source.lower() not in contract_names:
            planned.extra_columns[source] = present_types[source]
            select_items.append(_quote(source))
    planned.select_sql = f"select {', '.join(select_items)} from {reader}"
    return planned


def _empty_table_sql(table: contract.Table) -> str:
    columns = ", ".join(f"{_quote(c.name)} {c.type}" for c in table.columns)
    return f"create table {table.schema}.{_quote(table.name)} ({columns})"


def plan_folder(con: duckdb.DuckDBPyConnection, folder: Path) -> list[PlannedFile]:
    """Validate every data file in ``folder``; raise :class:`LoadError` listing all problems."""
    folder = Path(folder)
    problems: list[str] = []
    if not folder.is_dir():
        raise LoadError(folder, [f"{folder} is not a folder"])
    planned: list[PlannedFile] = []
    seen: dict[str, Path] = {}
    skipped: list[str] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(("_", ".")):
            continue
        if path.is_dir() and not path.name.endswith(".parquet"):
            skipped.append(path.name + "/")
            continue
        if path.is_dir() and not any(path.rglob("*.parquet")):
            problems.append(f"{path.name}/: a parquet dataset folder with no *.parquet file")
            continue
        if path.is_file() and path.suffix not in (".csv", ".parquet"):
            skipped.append(path.name)
            continue
        item = _plan_file(con, path, problems)
        if item is None:
            continue
        name = item.table.qualified_name
        if name in seen:
            problems.append(f"{path.name}: {name} is also given by {seen[name].name}")
            continue
        seen[name] = path
        planned.append(item)
    if not planned and not problems:
        problems.append("no <schema>.<table>.csv or .parquet file found")
    if problems:
        raise LoadError(folder, problems)
    if skipped and planned:
        planned[0].notes.append("skipped (not a .csv or .parquet data file): " + ", ".join(skipped))
    return planned


def load_folder(database: Path | str, folder: Path | str, mode: str = "replace") -> LoadReport:
    """Load ``folder`` into the raw schemas of the DuckDB file ``database``."""
    if mode not in ("replace", "append"):
        raise ValueError("mode must be 'replace' or 'append'")
    folder = Path(folder)
    database = Path(database)
    database.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(database))
    try:
        con.execute("set TimeZone = 'UTC'")
        planned = plan_folder(con, folder)
        notes: list[str] = []
        loaded: dict[str, int] = {}
        created_empty: list[str] = []
        by_name = {p.table.qualified_name: p for p in planned}
        con.execute("begin transaction")
        current: PlannedFile | None = None
        try:
            for schema in contract.SCHEMAS:
                con.execute(f"create schema if not exists {schema}")
            for table in contract.TABLES:
                target = f"{table.schema}.{_quote(table.name)}"
                item = by_name.get(table.qualified_name)
                current = item
                exists = bool(
                    con.execute(
                        "select count(*) from information_schema.tables "
                        "where table_schema = ? and table_name = ?",
                        [table.schema, table.name],
                    ).fetchone()[0]
                )
                if item is None:
                    if mode == "replace" or not exists:
                        con.execute(f"drop table if exists {target}")
                        con.execute(_empty_table_sql(table))
                        created_empty.append(table.qualified_name)
                    continue
                if mode == "replace" or not exists:
                    con.execute(f"drop table if exists {target}")
                    con.execute(f"create table {target} as {item.select_sql}")
                else:
                    for extra, extra_type in item.extra_columns.items():
                        con.execute(
                            f"alter table {target} add column if not exists "
                            f"{_quote(extra)} {extra_type}"
                        )
                    con.execute(f"insert into {target} by name {item.select_sql}")
                loaded[table.qualified_name] = item.rows
                if item.extra_columns:
                    notes.append(
                        f"{item.path.name}: extra column(s) kept: {', '.join(item.extra_columns)}"
                    )
                if item.filled_columns:
                    notes.append(
                        f"{item.path.name}: column(s) not in file, filled "
                        f"(NULL, or load time for _loaded_at): {', '.join(item.filled_columns)}"
                    )
                notes += item.notes
            con.execute("commit")
        except duckdb.Error as exc:
            con.execute("rollback")
            culprit = current.path.name if current is not None else "the folder"
            first_line = str(exc).strip().splitlines()[0]
            raise LoadError(
                folder, [f"{culprit}: cannot be read to the end ({first_line})"]
            ) from None
        except BaseException:
            con.execute("rollback")
            raise
        notes += missing_notes(con)
        return LoadReport(mode=mode, loaded=loaded, created_empty=created_empty, notes=notes)
    finally:
        con.close()
