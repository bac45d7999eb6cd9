"""Every defect the generator injects is accounted for by the built pipeline.

The generator records each injected row in ``_defects.csv`` with the treatment the
pipeline owes it (``support_success/generate/defects.py``: dedupe, keep, repair or
quarantine). The ``audit_<source>__<table>`` models in schema ``quarantine`` hold
every landed raw row once with its disposition (``quarantine_reason`` NULL = staged),
so each recorded defect can be traced to what happened to it.
"""

from __future__ import annotations

import csv
from collections import defaultdict

import duckdb
import pytest

from support_success import contract
from support_success.generate.defects import catalogue

EXPECTED = {(row["kind"], row["table"]): row["expected"] for row in catalogue()}


def _defects(raw_dir) -> list[dict[str, str]]:
    with open(raw_dir / "_defects.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def _key_filter(table: contract.Table, key: str) -> tuple[str, list[str]]:
    """SQL predicate and parameters selecting the audit rows of one recorded key."""
    if "=" in key:
        parts = dict(part.split("=", 1) for part in key.split(";"))
    else:
        parts = {table.key[0]: key}
    predicate = " and ".join(f'cast("{column}" as varchar) = ?' for column in parts)
    return predicate, list(parts.values())


def _dispositions(con, table: contract.Table, key: str) -> list[str | None]:
    source = table.schema.removeprefix("raw_")
    predicate, params = _key_filter(table, key)
    rows = con.execute(
        f"select quarantine_reason from quarantine.audit_{source}__{table.name} where {predicate}",
        params,
    ).fetchall()
    return [r[0] for r in rows]


@pytest.fixture(scope="module")
def traced(built_warehouse, demo_raw_dir):
    con = duckdb.connect(str(built_warehouse), read_only=True)
    try:
        return [
            (defect, _dispositions(con, contract.table(defect["table"]), defect["key"]))
            for defect in _defects(demo_raw_dir)
        ]
    finally:
        con.close()


def test_the_demo_dataset_injects_every_kind(demo_raw_dir):
    assert {(d["defect_kind"], d["table"]) for d in _defects(demo_raw_dir)} == set(EXPECTED)


def test_every_injected_row_reaches_the_audit(traced):
    missing = [d for d, dispositions in traced if not dispositions]
    assert not missing, f"injected rows that no audit model lists: {missing[:5]}"


def test_each_defect_gets_the_treatment_the_generator_recorded(traced):
    wrong: dict[str, list[str]] = defaultdict(list)
    for defect, dispositions in traced:
        expected = EXPECTED[(defect["defect_kind"], defect["table"])]
        staged = [d for d in dispositions if d is None]
        quarantined = [d for d in dispositions if d is not None]
        if expected == "quarantine":
            ok = bool(quarantined)
        elif expected == "dedupe":
            # the newest landing is staged (or quarantined for another reason), the older
            # copy is counted as a re-sync duplicate
            ok = len(dispositions) >= 2 and "duplicate_resync" in quarantined
        else:  # keep, repair: the row is staged
            ok = bool(staged)
        if not ok:
            where = f"{defect['table']} {defect['key']}"
            wrong[defect["defect_kind"]].append(f"{where}: {dispositions}")
    assert not wrong, dict(wrong)
