"""The publish step on its own (no dbt): what lands in the published file, and what does not."""

from __future__ import annotations

import json

import duckdb
import pytest

from orchestration.publish import PublishError, Relation, clean_temp_files, publish
from orchestration.translator import attach_multi_parent_tests


@pytest.fixture
def working(tmp_path):
    path = tmp_path / "wh" / "warehouse.duckdb"
    path.parent.mkdir()
    con = duckdb.connect(str(path))
    con.execute("create schema marts; create schema staging")
    con.execute("create table marts.fct_a as select * from (values (1, 'x'), (2, 'y')) t(id, v)")
    # a view naming its catalog, as dbt-duckdb writes them
    con.execute("create view marts.dim_b as select id * 10 as id10 from warehouse.marts.fct_a")
    con.execute("create table staging.stg_secret as select 'pii' as email")
    con.close()
    return path


def test_publish_copies_the_marts_and_records_the_publication(working, tmp_path):
    out = tmp_path / "published"
    out.mkdir()
    (out / ".publishing-old-run.duckdb").write_text("left by a killed run")
    report = publish(
        [Relation("marts", "fct_a"), Relation("marts", "dim_b")],
        run_id="run-1",
        trigger="schedule:hourly_refresh_schedule",
        working=working,
        published_dir=out,
    )
    assert report.row_counts == {"marts.fct_a": 2, "marts.dim_b": 2}
    assert report.removed_temp_files == [".publishing-old-run.duckdb"]
    assert sorted(p.name for p in out.iterdir()) == ["publish_manifest.json", "warehouse.duckdb"]
    con = duckdb.connect(str(out / "warehouse.duckdb"), read_only=True)
    try:
        # the view became a table with the view's values; staging was not published
        assert con.execute("select id10 from marts.dim_b order by 1").fetchall() == [(10,), (20,)]
        kinds = dict(
            con.execute(
                "select table_schema || '.' || table_name, table_type "
                "from information_schema.tables"
            ).fetchall()
        )
        assert kinds == {
            "marts.fct_a": "BASE TABLE",
            "marts.dim_b": "BASE TABLE",
            "publication.run": "BASE TABLE",
            "publication.tables": "BASE TABLE",
        }
        assert con.execute("select run_id, trigger from publication.run").fetchone() == (
            "run-1",
            "schedule:hourly_refresh_schedule",
        )
    finally:
        con.close()
    manifest = json.loads((out / "publish_manifest.json").read_text())
    assert manifest["run_id"] == "run-1" and manifest["row_counts"]["marts.fct_a"] == 2


def test_a_missing_mart_publishes_nothing(working, tmp_path):
    out = tmp_path / "published"
    publish([Relation("marts", "fct_a")], run_id="run-1", working=working, published_dir=out)
    before = (out / "warehouse.duckdb").read_bytes()
    with pytest.raises(PublishError, match="marts.fct_missing"):
        publish(
            [Relation("marts", "fct_a"), Relation("marts", "fct_missing")],
            run_id="run-2",
            working=working,
            published_dir=out,
        )
    assert (out / "warehouse.duckdb").read_bytes() == before
    assert clean_temp_files(out) == []  # the failed attempt cleaned up after itself


def test_singular_tests_on_several_models_attach_to_the_most_downstream():
    manifest = {
        "nodes": {
            "model.p.stg": {"resource_type": "model", "name": "stg"},
            "model.p.int": {"resource_type": "model", "name": "int"},
            "model.p.fct": {"resource_type": "model", "name": "fct"},
            "test.p.reconcile": {
                "resource_type": "test",
                "name": "reconcile",
                "config": {},
                "depends_on": {"nodes": ["model.p.fct", "model.p.stg"]},
            },
            "test.p.chosen": {
                "resource_type": "test",
                "name": "chosen",
                "config": {"meta": {"dagster": {"ref": {"name": "stg"}}}},
                "depends_on": {"nodes": ["model.p.fct", "model.p.stg"]},
            },
        },
        "parent_map": {
            "model.p.stg": [],
            "model.p.int": ["model.p.stg"],
            "model.p.fct": ["model.p.int"],
        },
    }
    amended = attach_multi_parent_tests(manifest)
    assert amended["nodes"]["test.p.reconcile"]["config"]["meta"]["dagster"]["ref"] == {
        "name": "fct"
    }
    # an author's choice wins, and the input is not changed
    assert amended["nodes"]["test.p.chosen"]["config"]["meta"]["dagster"]["ref"] == {"name": "stg"}
    assert manifest["nodes"]["test.p.reconcile"]["config"] == {}
