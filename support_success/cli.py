"""The ``warehouse`` command: what users do by hand.

    warehouse generate --size demo --seed 42     make a raw dataset (files)
    warehouse generate-day --from DIR --out DIR  one more day of raw data (incremental refresh)
    warehouse load data/generated/demo-42        load a folder into the raw schemas
    warehouse build                              run the pipeline (dbt build)
    warehouse summary                            print the headline numbers
    warehouse check                              run the data-quality suites (Great Expectations)
    warehouse demo                               all four, on the demo dataset
    warehouse dashboard                          serve the web dashboard (published data)
    warehouse docs                               build the docs site (one HTML file)

Every subcommand explains itself with ``--help``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from support_success import paths


def _cmd_generate(args: argparse.Namespace) -> int:
    from support_success.generate import SIZES, generate

    if args.size not in SIZES:
        print(f"unknown size {args.size!r}; choose one of {', '.join(SIZES)}", file=sys.stderr)
        return 2
    default_out = paths.data_dir() / "generated" / f"{args.size}-{args.seed}"
    out = Path(args.out) if args.out else default_out
    report = generate(size=args.size, seed=args.seed, out=out, defect_rate=args.defect_rate)
    print(report.summary())
    return 0


def _cmd_generate_day(args: argparse.Namespace) -> int:
    from support_success.generate.increment import generate_next_day

    source = Path(getattr(args, "from"))
    try:
        counts = generate_next_day(source, Path(args.out), seed=args.seed)
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        return 2
    print(f"Generated day {counts.pop('day')} after {source} into {args.out}:")
    for name, rows in counts.items():
        print(f"  {name:<40} {rows:>12,} rows")
    print(f"Load it with: warehouse load {args.out} --mode append")
    return 0


def _cmd_load(args: argparse.Namespace) -> int:
    from support_success.loader import LoadError, load_folder

    database = Path(args.database) if args.database else paths.working_database()
    try:
        report = load_folder(database, Path(args.folder), mode=args.mode)
    except LoadError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(report.summary())
    print(f"into {database}")
    return 0


def _raw_tables_loaded(database: Path) -> bool:
    """True when ``database`` exists and holds the raw schemas a load writes."""
    import duckdb

    if not database.exists():
        return False
    try:
        con = duckdb.connect(str(database), read_only=True)
    except duckdb.Error:
        return True  # locked by a writer: let the build's own lock handling speak
    try:
        found = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'raw_helpdesk'"
        ).fetchone()[0]
    finally:
        con.close()
    return bool(found)


def _set_dbt_vars(args: argparse.Namespace) -> None:
    """``--vars`` reaches every dbt invocation of this process (dbt's own YAML syntax)."""
    from orchestration.dbt_assets import DBT_VARS_ENV

    if getattr(args, "vars", None):
        os.environ[DBT_VARS_ENV] = args.vars


def _cmd_build(args: argparse.Namespace) -> int:
    from support_success.pipeline import run_pipeline

    database = paths.working_database()
    if not _raw_tables_loaded(database):
        print(
            f"Nothing to build: no raw data has been loaded into {database}. "
            "Load a folder of raw files first: `warehouse load <folder>` "
            "(or `make run` for the demo dataset).",
            file=sys.stderr,
        )
        return 2
    _set_dbt_vars(args)
    return 0 if run_pipeline(full_refresh=args.full_refresh, select=args.select) else 1


def _cmd_summary(args: argparse.Namespace) -> int:
    from support_success.summary import print_summary

    if args.database:
        database = Path(args.database)
        if not database.exists():
            print(f"No warehouse at {database}.", file=sys.stderr)
            return 2
    else:
        database = paths.published_database()
        if not database.exists():
            working = paths.working_database()
            if not working.exists():
                print(
                    f"No warehouse yet under {paths.warehouse_home()}: run `make run` for the "
                    "demo, or `warehouse load <folder>` then `warehouse build`.",
                    file=sys.stderr,
                )
            else:
                print(
                    f"Nothing published yet at {database}: run `warehouse build` (its report "
                    "says why a build was not published).",
                    file=sys.stderr,
                )
            return 2
    print_summary(database)
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from support_success.quality import append_results, run_all, write_data_docs

    database = Path(args.database) if args.database else paths.working_database()
    if not database.exists():
        print(f"no warehouse at {database}: run `warehouse load` first", file=sys.stderr)
        return 2
    targets = args.target or None
    results = run_all(database, targets=targets, layer=args.layer)
    if not results:
        print(
            f"no suite guards {', '.join(targets or [])}; see docs/data-quality.md", file=sys.stderr
        )
        return 2
    # Failures first, one line per expectation: severity, suite, expectation, rows affected.
    for severity, attribute in (("BLOCKING", "blocking_failures"), ("warning", "warnings")):
        for result in results:
            for failure in getattr(result, attribute):
                count = failure.get("unexpected_count")
                rows = f"{count:,} row(s)" if isinstance(count, int) else "-"
                message = failure["message"]
                if not args.verbose and len(message) > 160:
                    message = message[:157] + "..."
                print(f"{severity:<8} {result.suite} {failure['expectation']} [{rows}]: {message}")
    for result in results:
        print(result.summary_line())
    index = write_data_docs(results, args.docs)
    if not args.no_record:
        append_results(results, database)
    blocking = sum(len(r.blocking_failures) for r in results)
    warnings = sum(len(r.warnings) for r in results)
    print(f"{len(results)} suites: {blocking} blocking failure(s), {warnings} warning(s)")
    print(f"Data Docs: {index}")
    return 1 if blocking else 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from support_success.generate import generate
    from support_success.loader import load_folder
    from support_success.pipeline import run_pipeline
    from support_success.summary import print_summary

    _set_dbt_vars(args)
    out = paths.data_dir() / "generated" / f"demo-{args.seed}"
    print(generate(size="demo", seed=args.seed, out=out, defect_rate=args.defect_rate).summary())
    print(load_folder(paths.working_database(), out, mode="replace").summary())
    if not run_pipeline(full_refresh=True):
        return 1
    _build_docs_site_quietly()
    print_summary()
    return 0


def _build_docs_site_quietly() -> None:
    """The demo ends with the dbt docs site built, so the summary's link opens (about 10 s).
    A failure here is reported but does not fail the demo: the marts are already published."""
    from support_success.docs_site import DocsError, build_docs_site

    try:
        build_docs_site()
    except DocsError as exc:
        print(f"docs site not built: {exc}", file=sys.stderr)


def _cmd_benchmark(args: argparse.Namespace) -> int:
    from support_success.benchmark.runner import run_benchmark

    _set_dbt_vars(args)
    return run_benchmark(
        args.size,
        args.seed,
        json_path=Path(args.json) if args.json else None,
        skip_gx=args.skip_gx,
        engine_intervals=args.engine_intervals,
        spine_sample=args.spine_sample,
        regenerate=args.regenerate,
        skip_incremental=args.skip_incremental,
    )


def _cmd_dashboard(args: argparse.Namespace) -> int:
    import os

    from support_success.dashboard.serve import streamlit_command

    published = paths.published_database()
    print(f"Dashboard on http://{args.address}:{args.port} (Ctrl-C stops it)")
    print(f"It reads only the published warehouse: {published}")
    if not published.exists():
        print("  (nothing published yet: run `make run` first; the page says so too)")
    sys.stdout.flush()
    command = streamlit_command(args.port, args.address)
    # become the Streamlit server, so Ctrl-C and kill reach it directly
    os.execv(command[0], command)
    return 0  # not reached


def _cmd_docs(args: argparse.Namespace) -> int:
    from support_success.docs_site import DocsError, build_docs_site

    _set_dbt_vars(args)
    try:
        page = build_docs_site(Path(args.out) if args.out else None)
    except DocsError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"Docs site: {page} (one self-contained page: open it in a browser)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="warehouse",
        description=(
            "Support & success warehouse: turn raw helpdesk, billing and product data "
            "into support and success metrics in DuckDB (or another dbt warehouse)."
        ),
        epilog="Paths default to .warehouse/ and data/ in the repository; see README.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    gen = sub.add_parser(
        "generate",
        help="generate a realistic raw dataset as <schema>.<table>.parquet files",
        description=(
            "Generate a deterministic, realistic raw dataset (helpdesk, billing, product) "
            "with a configurable share of injected dirty rows, recorded in _defects.csv."
        ),
    )
    gen.add_argument("--size", default="demo", help="demo (~2k tickets), s (50k), m (250k), l (1M)")
    gen.add_argument("--seed", type=int, default=42, help="random seed (same seed, same data)")
    gen.add_argument("--out", help="output folder (default data/generated/<size>-<seed>)")
    gen.add_argument(
        "--defect-rate",
        type=float,
        default=0.002,
        help="share of rows per table given an injected defect (default 0.002; 0 = clean)",
    )
    gen.set_defaults(func=_cmd_generate)

    day = sub.add_parser(
        "generate-day",
        help="generate the next day of raw data after a generated dataset (append it with load)",
        description=(
            "Write the rows landed on the day after DIR's newest day: new tickets, activity on "
            "open tickets, late rows for old tickets (a reply dated before the first one, a "
            "reopen, a past priority change, re-synced comments), NPS answers and product usage. "
            "Load it with `warehouse load OUT --mode append`, then `warehouse build`."
        ),
    )
    day.add_argument(
        "--from", required=True, metavar="DIR", help="folder written by `warehouse generate`"
    )
    day.add_argument("--out", required=True, help="output folder for the new day's files")
    day.add_argument("--seed", type=int, default=1, help="random seed (same seed, same day)")
    day.set_defaults(func=_cmd_generate_day)

    load = sub.add_parser(
        "load",
        help="load a folder of <schema>.<table>.csv/.parquet files into the raw schemas",
        description=(
            "Validate every file in FOLDER against shared/spec/raw-contract.md, then load "
            "them in one transaction. Any problem (unknown table, unreadable file, missing "
            "required column, unreadable value) is listed and nothing is written."
        ),
    )
    load.add_argument("folder", help="folder holding <schema>.<table>.csv or .parquet files")
    load.add_argument(
        "--mode",
        choices=("replace", "append"),
        default="replace",
        help="replace the raw dataset (default) or append an incremental drop",
    )
    load.add_argument("--database", help="DuckDB file (default $WAREHOUSE_DUCKDB_PATH)")
    load.set_defaults(func=_cmd_load)

    build = sub.add_parser(
        "build",
        help="run the pipeline: build and test every model",
        description="Build and test every dbt model, seed and data test on the working warehouse.",
    )
    build.add_argument("--full-refresh", action="store_true", help="rebuild incremental models")
    build.add_argument("--select", help="dbt selection, e.g. 'marts.support' (default: all)")
    build.add_argument(
        "--vars",
        help="dbt vars as YAML, e.g. \"{as_of: '2026-03-31 23:59:59'}\" (as dbt's --vars)",
    )
    build.set_defaults(func=_cmd_build)

    summary = sub.add_parser(
        "summary",
        help="print the headline numbers of the warehouse",
        description="Print tickets, SLA attainment, median first response, MRR and NRR.",
    )
    summary.add_argument(
        "--database", help="DuckDB file (default: the published warehouse, else the working one)"
    )
    summary.set_defaults(func=_cmd_summary)

    check = sub.add_parser(
        "check",
        help="run the Great Expectations data-quality suites against the warehouse",
        description=(
            "Validate raw tables (landing contract) and marts (sanity, reconciliation) with "
            "Great Expectations, write Data Docs and append the results to "
            "quality.validation_results. Exit 1 on any blocking failure. Run it when no "
            "other process writes the warehouse (DuckDB: one writer or many readers)."
        ),
    )
    check.add_argument("--database", help="DuckDB file (default $WAREHOUSE_DUCKDB_PATH)")
    check.add_argument(
        "--target",
        action="append",
        help="only this suite or target, e.g. source:raw_helpdesk.tickets or "
        "model:fct_tickets (repeatable)",
    )
    check.add_argument("--layer", choices=("raw", "mart"), help="only raw or only mart suites")
    check.add_argument("--docs", help="Data Docs folder (default $WAREHOUSE_HOME/data_docs)")
    check.add_argument(
        "--no-record", action="store_true", help="do not append results to the warehouse"
    )
    check.add_argument("-v", "--verbose", action="store_true", help="print messages in full")
    check.set_defaults(func=_cmd_check)

    demo = sub.add_parser(
        "demo",
        help="generate the demo dataset, load it, build everything and print the summary",
        description="What `make run` does: generate demo data, load, build, summarise.",
    )
    demo.add_argument("--seed", type=int, default=42, help="random seed")
    demo.add_argument("--defect-rate", type=float, default=0.002, help="injected defect share")
    demo.add_argument("--vars", help="dbt vars as YAML for the build (as dbt's --vars)")
    demo.set_defaults(func=_cmd_demo)

    bench = sub.add_parser(
        "benchmark",
        help="time generation, load, build, checks and an incremental day against a baseline",
        description=(
            "Generate (or reuse) a dataset of SIZE, load it into $WAREHOUSE_HOME/bench/SIZE/, "
            "then time and measure (peak memory per step) the full dbt build, the Great "
            "Expectations checks, a hand-written SQL baseline (whose results must equal the "
            "marts), an incremental refresh after one new day, and the business-time engine "
            "against the week-spine method. Prints a table and writes JSON. See "
            "docs/benchmarks.md."
        ),
    )
    bench.add_argument(
        "--size",
        required=True,
        choices=("demo", "s", "m", "l"),
        help="dataset size: s (50k tickets), m (250k), l (1M)",
    )
    bench.add_argument("--seed", type=int, default=42, help="random seed of the dataset")
    bench.add_argument(
        "--json",
        help="where to write the figures "
        "(default $WAREHOUSE_HOME/bench/SIZE/benchmark-<UTC time>.json)",
    )
    bench.add_argument("--skip-gx", action="store_true", help="skip the Great Expectations step")
    bench.add_argument(
        "--skip-incremental", action="store_true", help="skip the incremental (next day) step"
    )
    bench.add_argument(
        "--engine-intervals",
        type=int,
        default=10_000_000,
        help="intervals for the business-time engine benchmark (0 = skip)",
    )
    bench.add_argument(
        "--spine-sample",
        type=int,
        default=None,
        help="run the week-spine reference on this many intervals only and extrapolate linearly",
    )
    bench.add_argument(
        "--regenerate",
        action="store_true",
        help="generate the data again even if this size and seed exist",
    )
    bench.add_argument("--vars", help="dbt vars as YAML for every dbt step (as dbt's --vars)")
    bench.set_defaults(func=_cmd_benchmark)

    dash = sub.add_parser(
        "dashboard",
        help="serve the web dashboard (Streamlit) over the published warehouse",
        description=(
            "Serve the support, success and customer 360 dashboard. It reads only the "
            "published warehouse ($WAREHOUSE_HOME/published/warehouse.duckdb), never the "
            "working one, so it never blocks a refresh. See docs/dashboard.md."
        ),
    )
    dash.add_argument("--port", type=int, default=8501, help="port to listen on (default 8501)")
    dash.add_argument(
        "--address",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1; 0.0.0.0 to share it)",
    )
    dash.set_defaults(func=_cmd_dashboard)

    docs = sub.add_parser(
        "docs",
        help="build the dbt docs site (models, columns, metrics, lineage) as one HTML file",
        description=(
            "Run `dbt docs generate --static` on the working warehouse and copy the "
            "self-contained page to $WAREHOUSE_HOME/docs/index.html: every model, column, "
            "metric and dashboard described, with lineage. Opens from disk, no server."
        ),
    )
    docs.add_argument("--out", help="HTML file to write (default $WAREHOUSE_HOME/docs/index.html)")
    docs.add_argument("--vars", help="dbt vars as YAML (as dbt's --vars)")
    docs.set_defaults(func=_cmd_docs)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
