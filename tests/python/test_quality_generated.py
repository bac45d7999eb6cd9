"""Raw suites against the generator: every defect kind it can inject is caught.

The generator (``support_success.generate``) records each injected dirty row in
``_defects.csv`` and lists its defect kinds in ``defects.catalogue()``. Here the demo
dataset is generated with a high defect rate, loaded, and validated once; each
(kind, table) of the catalogue must make the expected check fail as a **warning** (dirt
at a small rate, repaired or quarantined downstream) with at least as many failing rows
as were injected. A kind with no entry in ``EXPECTED_CHECK`` fails the test, so a new
defect kind cannot go unguarded. The same dataset generated clean passes every suite.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import pytest

from support_success.quality import load_settings, run_all

# Validate as of just after the newest landed row. The generated tables do not all end
# together (comments stop days before the last users are created), so freshness gets a
# ten-day window here; tests/python/test_quality_raw.py tests freshness itself.
SETTINGS = {"freshness_max_hours": 240.0}


def as_of(database: Path) -> dt.datetime:
    from support_success import contract

    con = duckdb.connect(str(database), read_only=True)
    try:
        newest = max(
            con.execute(f"select max(_loaded_at) from {t.qualified_name}").fetchone()[0]
            or dt.datetime.min
            for t in contract.TABLES
        )
    finally:
        con.close()
    return newest + dt.timedelta(minutes=1)


PARENT = {"ticket_id": "tickets", "customer_id": "customers", "account_id": "customers"}


def expected_check(kind: str, table: str, column: str) -> str | None:
    """The raw check that must catch a defect kind (None: a valid row, nothing to catch)."""
    if kind in ("duplicate_resync", "duplicate_key_conflict"):
        return "key_unique"
    if kind == "late_arriving":
        return None  # a valid row landed late: incremental models pick it up
    return {
        "null_required": f"{column}_not_null",
        "orphan_foreign_key": f"{column}_references_{PARENT.get(column, '?')}",
        "unknown_enum": f"{column}_in_contract_values",
        "repairable_enum_case": f"{column}_in_contract_values",
        "negative_quantity": f"{column}_in_range",
        "event_before_ticket_creation": f"{column}_not_before_ticket_created",
        "far_future_timestamp": f"{column}_not_in_future",
        "malformed_currency_repairable": f"{column}_format",
        "malformed_currency_unrepairable": f"{column}_format",
        "invalid_validity_period": "valid_to_not_before_valid_from",
        "score_out_of_scale": "score_in_scale",  # csat_/ces_/nps_score_in_scale
    }.get(kind, f"<no check for {kind}>")


def _load(tmp_path_factory, name: str, defect_rate: float) -> tuple[Path, Path]:
    from support_success.generate import generate
    from support_success.loader import load_folder

    folder = tmp_path_factory.mktemp(name)
    generate(size="demo", seed=7, out=folder / "raw", defect_rate=defect_rate)
    database = folder / "warehouse.duckdb"
    load_folder(database, folder / "raw", mode="replace")
    return folder / "raw", database


@pytest.fixture(scope="module")
def dirty_results(tmp_path_factory):
    raw, database = _load(tmp_path_factory, "generated_dirty", 0.02)
    with open(raw / "_defects.csv") as f:
        injected: dict[tuple[str, str], int] = {}
        for row in csv.DictReader(f):
            key = (row["defect_kind"], row["table"])
            injected[key] = injected.get(key, 0) + 1
    results = run_all(database, layer="raw", now=as_of(database), settings=load_settings(SETTINGS))
    return {r.target.removeprefix("source:"): r for r in results}, injected


def _catalogue() -> list[dict[str, str]]:
    from support_success.generate.defects import catalogue

    return catalogue()


@pytest.mark.parametrize(
    "defect", _catalogue(), ids=lambda d: f"{d['kind']}-{d['table']}-{d['column']}"
)
def test_each_defect_kind_fails_its_check_as_a_warning(dirty_results, defect):
    results, injected = dirty_results
    kind, table, column = defect["kind"], defect["table"], defect["column"]
    check = expected_check(kind, table, column)
    if check is None:
        return  # nothing to catch; late rows are covered in test_quality_raw.py
    n = injected.get((kind, table), 0)
    assert n > 0, f"the generator injected no {kind} into {table}"
    result = results[table]
    warned = [w for w in result.warnings if w["expectation"].endswith(check)]
    assert warned, (
        f"{kind} in {table}.{column}: no warning from {check}; "
        f"warnings: {[w['expectation'] for w in result.warnings]}"
    )
    assert sum(w["unexpected_count"] for w in warned) >= n, (warned, n)
    assert all(w["severity"] == "warning" for w in warned)
    assert all(w["message"].startswith(w["rule"]) for w in warned)
    # dirt at this rate is handled downstream: nothing blocks publication
    assert result.blocking_failures == [], result.blocking_failures


def test_clean_generated_dataset_passes_every_raw_suite(tmp_path_factory):
    _, database = _load(tmp_path_factory, "generated_clean", 0.0)
    results = run_all(database, layer="raw", now=as_of(database), settings=load_settings(SETTINGS))
    problems = {r.suite: r.blocking_failures + r.warnings for r in results}
    assert all(not p for p in problems.values()), {k: v for k, v in problems.items() if v}
