"""The real project, end to end, on the demo dataset: load, dbt build, every check, publish.

This is what ``make run`` does (``warehouse demo`` runs the same Dagster job in-process),
so it is the one test that proves the whole graph materializes.
"""

from __future__ import annotations

import json

import duckdb

from orchestration.published_asset import published_nodes
from orchestration.runner import run_refresh

pytest_plugins = ["test_orchestration_fixtures"]


def test_full_materialization_on_demo_data_publishes_every_mart(
    real_project, demo_raw_dir, tmp_path, monkeypatch
):
    home = tmp_path / "home"
    monkeypatch.setenv("WAREHOUSE_HOME", str(home))
    monkeypatch.setenv("WAREHOUSE_DUCKDB_PATH", str(home / "warehouse.duckdb"))
    monkeypatch.setenv("WAREHOUSE_PUBLISHED_DIR", str(home / "published"))
    monkeypatch.delenv("WAREHOUSE_DBT_PROJECT_DIR", raising=False)
    monkeypatch.delenv("DAGSTER_HOME", raising=False)

    outcome = run_refresh(
        full_refresh=True, load_folder=str(demo_raw_dir), project=real_project, trigger="test"
    )
    assert outcome.success and outcome.published, outcome.summary()

    manifest = json.loads(real_project.manifest_path.read_text())
    marts = {f"{n['schema']}.{n['alias']}" for n in published_nodes(manifest)}
    assert marts, "the project has no marts"
    working = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    published = duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True)
    try:
        recorded = dict(published.execute("select * from publication.tables").fetchall())
        assert set(recorded) == marts
        for name in marts:
            expected = working.execute(f"select count(*) from {name}").fetchone()[0]
            assert published.execute(f"select count(*) from {name}").fetchone()[0] == expected
            assert recorded[name] == expected, name
        run_id, trigger = published.execute(
            "select run_id, trigger from publication.run"
        ).fetchone()
        assert (run_id, trigger) == (outcome.run_id, "test")
        # BI sees marts, the semantic layer's time spine (for mf on the published file) and the
        # publication record, nothing of the working layers
        schemas = {
            r[0]
            for r in published.execute(
                "select distinct table_schema from information_schema.tables"
            ).fetchall()
        }
        assert schemas == {"marts", "semantic", "publication"}
        # every Great Expectations suite was recorded for trending and rendered as Data Docs
        from support_success.quality import SUITES

        recorded_suites = {
            r[0]
            for r in working.execute(
                "select distinct suite from quality.validation_results where run_id = ?",
                [outcome.run_id],
            ).fetchall()
        }
        assert recorded_suites == {suite.name for suite in SUITES}
        index = (home / "data_docs" / "index.html").read_text()
        assert all(suite.name in index for suite in SUITES)
    finally:
        working.close()
        published.close()
