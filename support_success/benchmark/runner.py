"""``warehouse benchmark``: measure the pipeline at a chosen size and compare with a baseline.

Steps, each in its own child process (wall clock and the child's own peak RSS, see
measure.py), on a warehouse of its own under ``$WAREHOUSE_HOME/bench/<size>/``:

1. generate    the raw dataset (reused for the same size and seed unless ``regenerate``)
2. load        ``warehouse load`` into a fresh DuckDB file
3. full build  one ``dbt build --full-refresh``; node times from run_results.json summed per
               layer and per domain (nodes run on several threads, so their times overlap)
4. GX          ``warehouse check`` (Great Expectations suites, raw and marts)
5. baseline    baseline.sql (hand-written DuckDB SQL, no dbt), then its results compared
               with the marts; any difference fails the benchmark
6. incremental one new day of data (support_success.generate.increment), ``warehouse load
               --mode append``, ``dbt build`` without --full-refresh, and the baseline
               comparison again on the appended data
7. engine      the business-time engine against the week-spine method (engine.py)

Figures are printed as a table and written as JSON for comparison across commits.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import duckdb

from support_success import paths
from support_success.benchmark.measure import StepResult, child_env, python, run_step

GENERATION_MARKER = "_benchmark_generation.json"
# The models the baseline's three outputs need, and nothing else (no tests, no other marts).
HEADLINE_SELECTION = "+fct_tickets +fct_sla_events +fct_mrr_monthly"
LAYERS = ("seeds", "staging", "quarantine", "intermediate", "marts", "tests")


def _bench_home(size: str) -> Path:
    return paths.warehouse_home() / "bench" / size


def _duckdb_settings() -> dict[str, str]:
    return {
        "threads": os.environ.get("WAREHOUSE_THREADS", "2"),
        "memory_limit": os.environ.get("WAREHOUSE_MEMORY_LIMIT", "3GB"),
    }


def _machine() -> dict:
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) * 1024
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "cpu_count": os.cpu_count(),
        "memory_bytes": memory,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "load_average_at_start": [round(x, 2) for x in load] if load else None,
    }


def _git() -> dict:
    def run(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", *args], cwd=paths.PROJECT_DIR, capture_output=True, text=True, timeout=30
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    status = run("status", "--porcelain", "--untracked-files=no")
    dirty = bool(status) if status is not None else None
    return {"commit": run("rev-parse", "HEAD"), "dirty": dirty}


def _dbt_env(home: Path, database: Path) -> dict[str, str]:
    return child_env(
        WAREHOUSE_DUCKDB_PATH=str(database),
        DBT_TARGET_PATH=str(home / "target"),
        DBT_LOG_PATH=str(home / "logs"),
        DBT_PROFILES_DIR=str(paths.PROJECT_DIR),
    )


def _dbt(command: str, name: str, home: Path, database: Path, *extra: str) -> StepResult:
    """One dbt invocation (``build`` or ``run``) as a measured step; its run_results.json is
    kept as ``run_results-<step>.json`` and its node times go into the step's detail."""
    from orchestration.dbt_assets import DBT_VARS_ENV

    dbt = str(Path(python()).parent / "dbt")
    dbt_vars = os.environ.get(DBT_VARS_ENV)  # the CLI's --vars
    argv = [
        dbt,
        command,
        "--project-dir",
        str(paths.PROJECT_DIR),
        "--profiles-dir",
        str(paths.PROJECT_DIR),
        *extra,
        *(["--vars", dbt_vars] if dbt_vars else []),
    ]
    step = run_step(name, argv, env=_dbt_env(home, database), log=home / f"{_slug(name)}.log")
    results = home / "target" / "run_results.json"
    if results.exists():
        shutil.copy(results, home / f"run_results-{_slug(name)}.json")
        step.detail.update(node_times(results, home / "target" / "manifest.json"))
    return step


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name).strip("-")


def node_times(run_results: Path, manifest: Path) -> dict:
    """Execution time of dbt nodes summed per layer and per domain, and the slowest nodes.

    Layer: seeds, staging, quarantine, intermediate, marts, tests (data and unit tests).
    Domain: the folder under the layer (helpdesk, billing, product for sources; support,
    success, customer for the rest); a test counts in the domain of the model it tests.
    """
    document = json.loads(run_results.read_text())
    results = document["results"]
    nodes: dict = {}
    if manifest.exists():
        m = json.loads(manifest.read_text())
        nodes = {**m.get("nodes", {}), **m.get("unit_tests", {})}

    def place(unique_id: str) -> tuple[str, str]:
        node = nodes.get(unique_id, {})
        fqn = node.get("fqn") or unique_id.split(".")
        kind = node.get("resource_type") or unique_id.split(".")[0]
        if kind == "seed":
            return "seeds", "reference"
        if kind in ("test", "unit_test"):
            tested = (node.get("depends_on") or {}).get("nodes") or []
            models = [n for n in tested if n.startswith("model.")]
            if kind == "unit_test":
                models = [f"model.{fqn[0]}.{node.get('model')}"] if node.get("model") else models
            domain = place(models[0])[1] if models else (fqn[1] if len(fqn) > 2 else "other")
            return "tests", domain
        layer = fqn[1] if len(fqn) > 2 else "other"
        domain = fqn[2] if len(fqn) > 3 else "other"
        return layer, domain

    by_layer: dict[str, float] = defaultdict(float)
    by_domain: dict[str, float] = defaultdict(float)
    by_layer_domain: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    statuses: dict[str, int] = defaultdict(int)
    slowest = []
    for r in results:
        seconds = float(r.get("execution_time") or 0.0)
        layer, domain = place(r["unique_id"])
        by_layer[layer] += seconds
        by_domain[domain] += seconds
        by_layer_domain[f"{layer}/{domain}"] += seconds
        counts[layer] += 1
        statuses[str(r.get("status"))] += 1
        slowest.append((seconds, r["unique_id"]))
    slowest.sort(reverse=True)
    return {
        "dbt_elapsed_seconds": round(float(document.get("elapsed_time") or 0.0), 2),
        "node_seconds_by_layer": {k: round(v, 2) for k, v in sorted(by_layer.items())},
        "node_seconds_by_domain": {k: round(v, 2) for k, v in sorted(by_domain.items())},
        "node_seconds_by_layer_domain": {
            k: round(v, 2) for k, v in sorted(by_layer_domain.items())
        },
        "nodes_by_layer": dict(sorted(counts.items())),
        "node_statuses": dict(statuses),
        "slowest_nodes": [[uid, round(s, 2)] for s, uid in slowest[:10]],
    }


def _row_counts(database: Path) -> dict:
    con = duckdb.connect(str(database), read_only=True)
    try:
        tables = con.sql(
            """
            select table_schema, table_name from information_schema.tables
            where table_schema in ('raw_helpdesk', 'raw_billing', 'raw_product', 'marts')
                and table_type = 'BASE TABLE'
            order by 1, 2
            """
        ).fetchall()
        return {
            f"{s}.{t}": con.sql(f'select count(*) from "{s}"."{t}"').fetchone()[0]
            for s, t in tables
        }
    finally:
        con.close()


def _increment_available() -> bool:
    return (paths.PROJECT_DIR / "support_success" / "generate" / "increment.py").exists()


INCREMENT_SCRIPT = """
import json, sys
from pathlib import Path
from support_success.benchmark.measure import report
from support_success.generate.increment import generate_next_day
out = generate_next_day(Path(sys.argv[1]), Path(sys.argv[2]), seed=int(sys.argv[3]))
report({"increment": json.loads(json.dumps(out, default=str))})
"""


def run_benchmark(
    size: str,
    seed: int = 42,
    *,
    json_path: Path | None = None,
    skip_gx: bool = False,
    engine_intervals: int = 10_000_000,
    spine_sample: int | None = None,
    regenerate: bool = False,
    skip_incremental: bool = False,
) -> int:
    """Run every step, print the table, write the JSON; 0 when everything passed and the
    baseline equals the marts."""
    home = _bench_home(size)
    home.mkdir(parents=True, exist_ok=True)
    raw = home / f"raw-{seed}"
    database = home / "warehouse.duckdb"
    settings = _duckdb_settings()
    env = child_env(WAREHOUSE_DUCKDB_PATH=str(database), WAREHOUSE_HOME=str(paths.warehouse_home()))
    started_at = dt.datetime.now(dt.UTC)
    steps: list[StepResult] = []
    record = {
        "size": size,
        "seed": seed,
        "started_at": started_at.isoformat(timespec="seconds"),
        "git": _git(),
        "machine": _machine(),
        "duckdb_settings": settings,
        "paths": {"home": str(home), "raw": str(raw), "database": str(database)},
    }

    def add(step: StepResult) -> StepResult:
        steps.append(step)
        _print_step(step)
        return step

    print(f"benchmark size {size}, seed {seed}, in {home}")
    print(
        f"DuckDB threads {settings['threads']}, memory_limit {settings['memory_limit']}; "
        f"{record['machine']['cpu_count']} CPUs, load average "
        f"{record['machine']['load_average_at_start']}"
    )

    # 1. generate (cached per size and seed)
    marker = raw / GENERATION_MARKER
    if marker.exists() and not regenerate:
        cached = json.loads(marker.read_text())
        add(
            StepResult(
                "generate",
                cached.get("seconds"),
                cached.get("peak_rss_bytes"),
                0,
                status="cached",
                detail={"cached_from": str(raw)},
            )
        )
    else:
        shutil.rmtree(raw, ignore_errors=True)
        step = add(
            run_step(
                "generate",
                [
                    python(),
                    "-m",
                    "support_success.cli",
                    "generate",
                    "--size",
                    size,
                    "--seed",
                    str(seed),
                    "--out",
                    str(raw),
                ],
                env=env,
                log=home / "generate.log",
            )
        )
        if step.status != "ok":
            return _finish(record, steps, json_path, home, failed=True)
        marker.write_text(
            json.dumps({"seconds": step.seconds, "peak_rss_bytes": step.peak_rss_bytes})
        )

    # 2. load into a fresh file
    for leftover in (database, database.with_suffix(".duckdb.wal")):
        leftover.unlink(missing_ok=True)
    step = add(
        run_step(
            "load",
            [
                python(),
                "-m",
                "support_success.cli",
                "load",
                str(raw),
                "--mode",
                "replace",
                "--database",
                str(database),
            ],
            env=env,
            log=home / "load.log",
        )
    )
    if step.status != "ok":
        return _finish(record, steps, json_path, home, failed=True)

    # 3. full build
    build = add(_dbt("build", "full build", home, database, "--full-refresh"))
    if build.status != "ok":
        return _finish(record, steps, json_path, home, failed=True)

    # 4. Great Expectations
    if skip_gx:
        add(StepResult("gx validation", None, None, None, status="skipped"))
    else:
        add(
            run_step(
                "gx validation",
                [
                    python(),
                    "-m",
                    "support_success.cli",
                    "check",
                    "--database",
                    str(database),
                    "--no-record",
                    "--docs",
                    str(home / "data_docs"),
                ],
                env=env,
                log=home / "gx.log",
            )
        )

    # 5. baseline and equality
    baseline_argv = [
        python(),
        "-m",
        "support_success.benchmark.baseline",
        str(database),
        "--threads",
        settings["threads"],
        "--memory-limit",
        settings["memory_limit"],
    ]
    add(run_step("baseline", baseline_argv, env=env, log=home / "baseline.log"))

    # 5b. the dbt models behind the baseline's three outputs alone (like for like)
    add(
        _dbt(
            "run",
            "headline marts (dbt run)",
            home,
            database,
            "--full-refresh",
            "--select",
            HEADLINE_SELECTION,
        )
    )

    # 6. incremental refresh after one new day
    if skip_incremental:
        add(StepResult("incremental: next day", None, None, None, status="skipped"))
    elif not _increment_available():
        add(
            StepResult(
                "incremental: next day",
                None,
                None,
                None,
                status="not available",
                detail={"why": "support_success/generate/increment.py does not exist"},
            )
        )
    else:
        increment = home / f"increment-{seed}"
        shutil.rmtree(increment, ignore_errors=True)
        gen = add(
            run_step(
                "incremental: generate day",
                [python(), "-c", INCREMENT_SCRIPT, str(raw), str(increment), str(seed)],
                env=env,
                log=home / "increment-generate.log",
            )
        )
        if gen.status == "ok":
            load = add(
                run_step(
                    "incremental: load append",
                    [
                        python(),
                        "-m",
                        "support_success.cli",
                        "load",
                        str(increment),
                        "--mode",
                        "append",
                        "--database",
                        str(database),
                    ],
                    env=env,
                    log=home / "increment-load.log",
                )
            )
            if load.status == "ok":
                add(_dbt("build", "incremental: dbt build", home, database))
                add(
                    run_step(
                        "incremental: baseline",
                        baseline_argv,
                        env=env,
                        log=home / "increment-baseline.log",
                    )
                )

    # 7. business-time engine vs week spine
    if engine_intervals > 0:
        argv = [
            python(),
            "-m",
            "support_success.benchmark.engine",
            str(database),
            "--intervals",
            str(engine_intervals),
            "--threads",
            settings["threads"],
            "--memory-limit",
            settings["memory_limit"],
        ]
        if spine_sample:
            argv += ["--spine-sample", str(spine_sample)]
        add(
            run_step(
                "engine vs week spine", argv, env=_dbt_env(home, database), log=home / "engine.log"
            )
        )

    record["row_counts"] = _row_counts(database)
    return _finish(record, steps, json_path, home, failed=False)


def _fmt_seconds(s: float | None) -> str:
    return "-" if s is None else f"{s:,.1f}"


def _fmt_bytes(b: int | None) -> str:
    return "-" if not b else f"{b / 2**30:,.2f} GiB"


def _print_step(step: StepResult) -> None:
    seconds = _fmt_seconds(step.seconds)
    if step.status == "cached":
        seconds = f"cached ({_fmt_seconds(step.seconds)})"
    print(
        f"  {step.name:<28} {seconds:>18} s  {_fmt_bytes(step.peak_rss_bytes):>10}  {step.status}",
        flush=True,
    )
    if step.status == "failed":
        print("    " + step.output_tail.replace("\n", "\n    ")[-3000:])


def _summary(steps: list[StepResult]) -> dict:
    by_name = {s.name: s for s in steps}
    out: dict = {}
    build = by_name.get("full build")
    base = by_name.get("baseline")
    incr = by_name.get("incremental: dbt build")
    engine = by_name.get("engine vs week spine")
    if build and base and base.detail.get("baseline_seconds"):
        out["full_build_over_baseline"] = round(build.seconds / base.detail["baseline_seconds"], 2)
        out["full_build_dbt_elapsed_over_baseline"] = round(
            build.detail.get("dbt_elapsed_seconds", 0) / base.detail["baseline_seconds"], 2
        )
    headline = by_name.get("headline marts (dbt run)")
    if headline and headline.status == "ok" and base and base.detail.get("baseline_seconds"):
        out["headline_dbt_run_over_baseline"] = round(
            headline.seconds / base.detail["baseline_seconds"], 2
        )
        out["headline_dbt_elapsed_over_baseline"] = round(
            headline.detail.get("dbt_elapsed_seconds", 0) / base.detail["baseline_seconds"], 2
        )
    if build and base and build.cpu_seconds and base.detail.get("baseline_cpu_seconds"):
        out["full_build_cpu_over_baseline_cpu"] = round(
            build.cpu_seconds / base.detail["baseline_cpu_seconds"], 2
        )
    if headline and headline.cpu_seconds and base and base.detail.get("baseline_cpu_seconds"):
        out["headline_cpu_over_baseline_cpu"] = round(
            headline.cpu_seconds / base.detail["baseline_cpu_seconds"], 2
        )
    if build and incr and incr.status == "ok" and build.cpu_seconds and incr.cpu_seconds:
        out["incremental_cpu_over_full_build_cpu"] = round(incr.cpu_seconds / build.cpu_seconds, 3)
    if build and incr and incr.status == "ok":
        out["incremental_over_full_build"] = round(incr.seconds / build.seconds, 3)
    if engine and engine.detail.get("ratio_spine_over_engine"):
        out["spine_over_engine"] = engine.detail["ratio_spine_over_engine"]
        out["zendesk_spine_over_engine"] = engine.detail.get("ratio_zendesk_over_engine")
        out["spine_cpu_over_engine_cpu"] = engine.detail.get("ratio_cpu_spine_over_engine")
        out["zendesk_spine_cpu_over_engine_cpu"] = engine.detail.get(
            "ratio_cpu_zendesk_over_engine"
        )
    peaks = [s.peak_rss_bytes for s in steps if s.peak_rss_bytes and s.status != "cached"]
    out["peak_rss_bytes_max"] = max(peaks) if peaks else None
    equal = [s.detail.get("all_equal") for s in steps if "all_equal" in s.detail]
    out["baseline_equals_marts"] = all(equal) if equal else None
    return out


def _finish(
    record: dict, steps: list[StepResult], json_path: Path | None, home: Path, *, failed: bool
) -> int:
    record["steps"] = [s.as_dict() for s in steps]
    for s in record["steps"]:
        s.pop("output_tail", None)
    record["summary"] = summary = _summary(steps)
    record["finished_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    print_report(record)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = json_path or home / f"benchmark-{stamp}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(record, indent=2, default=str))
    print(f"figures written to {target}")
    ok = not failed and all(s.ok for s in steps) and summary.get("baseline_equals_marts") is True
    engine = next((s for s in steps if s.name == "engine vs week spine"), None)
    if engine and engine.detail.get("differences"):
        ok = False
    return 0 if ok else 1


def print_report(record: dict) -> None:
    steps = {s["name"]: s for s in record["steps"]}
    print()
    commit = (record["git"].get("commit") or "?")[:10]
    if record["git"].get("dirty"):
        commit += " +uncommitted changes"
    print(f"== benchmark {record['size']} (seed {record['seed']}), commit {commit}")
    print(f"{'step':<30} {'seconds':>16} {'CPU s':>9} {'peak RSS':>11}  status")
    for s in record["steps"]:
        seconds = _fmt_seconds(s["seconds"])
        if s["status"] == "cached":
            seconds = f"cached ({seconds})"
        cpu = "-" if s["status"] == "cached" else _fmt_seconds(s.get("cpu_seconds"))
        peak = _fmt_bytes(s["peak_rss_bytes"])
        print(f"{s['name']:<30} {seconds:>16} {cpu:>9} {peak:>11}  {s['status']}")
        if s["name"].endswith("baseline") and "baseline_seconds" in s["detail"]:
            alone = _fmt_seconds(s["detail"]["baseline_seconds"])
            alone_cpu = _fmt_seconds(s["detail"].get("baseline_cpu_seconds"))
            print(f"{'  baseline SQL alone':<30} {alone:>16} {alone_cpu:>9}")
    for name in ("full build", "headline marts (dbt run)", "incremental: dbt build"):
        step = steps.get(name)
        if not step or "node_seconds_by_layer" not in step["detail"]:
            continue
        d = step["detail"]
        print(
            f"\n{name}: {d['dbt_elapsed_seconds']:,.1f} s inside dbt's run (the rest of "
            f"the wall clock is start-up and parsing the project)"
        )
        print(
            f"{name}: node execution seconds (from run_results.json; with "
            f"{record['duckdb_settings']['threads']} threads nodes overlap, so they add up to "
            f"more than the wall clock)"
        )
        layers = d["node_seconds_by_layer"].items()
        domains = d["node_seconds_by_domain"].items()
        slowest = d["slowest_nodes"][:5]
        print("  by layer:  " + ", ".join(f"{k} {v:,.1f}" for k, v in layers))
        print("  by domain: " + ", ".join(f"{k} {v:,.1f}" for k, v in domains))
        print("  slowest:   " + ", ".join(f"{u.split('.')[-1]} {s:,.1f}" for u, s in slowest))
        if d.get("node_statuses"):
            print("  statuses:  " + ", ".join(f"{k} {v}" for k, v in d["node_statuses"].items()))
    for name in ("baseline", "incremental: baseline"):
        step = steps.get(name)
        if step and step["detail"].get("comparisons"):
            print(f"\n{name} vs marts:")
            for line in step["detail"]["comparisons"]:
                print("  " + line)
    engine = steps.get("engine vs week spine")
    if engine and engine["detail"]:
        e = engine["detail"]
        print(f"\nbusiness-time engine, {e['intervals']:,} intervals ({e['engine_source']}):")
        print(
            f"  engine {e['engine_seconds']:.2f} s; week spine {e['spine_seconds']:.2f} s on "
            f"{e['spine_intervals']:,} intervals ({e['spine_interval_weeks']:,} interval-weeks)"
            + (
                f", {e['spine_seconds_for_all']:.2f} s extrapolated linearly to all"
                if e["spine_extrapolated"]
                else ""
            )
        )
        print(
            f"  CPU seconds: engine {e.get('engine_cpu_seconds')}, week spine "
            f"{e.get('spine_cpu_seconds')}, dbt_zendesk join {e.get('zendesk_cpu_seconds')}"
        )
        if e.get("zendesk_seconds") is not None:
            print(
                f"  week spine joined as dbt_zendesk does: {e['zendesk_seconds']:.2f} s on "
                f"{e['zendesk_intervals']:,} intervals, {e['zendesk_seconds_for_all']:.2f} s "
                f"extrapolated linearly to all ({e['ratio_zendesk_over_engine']}x the engine)"
            )
        print(
            f"  spine / engine = {e['ratio_spine_over_engine']}x; differing answers: "
            f"{e['differences']}"
        )
    if record.get("row_counts"):
        print("\nrow counts:")
        for table, n in record["row_counts"].items():
            print(f"  {table:<45} {n:>12,}")
    summary = record["summary"]
    print("\nsummary:")
    for key, value in summary.items():
        if key == "peak_rss_bytes_max":
            value = _fmt_bytes(value)
        print(f"  {key:<30} {value}")
