"""The Dagster definitions load, and the asset graph is derived from the dbt manifest."""

from __future__ import annotations

from datetime import timedelta

import dagster as dg
import pytest

from orchestration.checks import target_asset_key
from orchestration.translator import (
    asset_key_for_node,
    freshness_policy_for_source,
    group_for_node,
    source_freshness_windows,
)
from support_success import contract

# ------------------------------------------------------------------ pure helpers

pytest_plugins = ["test_orchestration_fixtures"]


@pytest.mark.parametrize(
    ("props", "group", "key"),
    [
        (
            {
                "resource_type": "model",
                "name": "fct_tickets",
                "fqn": ["support_success", "marts", "support", "fct_tickets"],
            },
            "marts_support",
            ["marts", "fct_tickets"],
        ),
        (
            {
                "resource_type": "model",
                "name": "stg_helpdesk__tickets",
                "fqn": ["support_success", "staging", "helpdesk", "stg_helpdesk__tickets"],
            },
            "staging_helpdesk",
            ["staging", "stg_helpdesk__tickets"],
        ),
        (
            # a model one folder deeper keeps layer_domain
            {
                "resource_type": "model",
                "name": "int_x",
                "fqn": ["support_success", "intermediate", "success", "mrr", "int_x"],
            },
            "intermediate_success",
            ["intermediate", "int_x"],
        ),
        (
            {"resource_type": "seed", "name": "holidays", "fqn": ["support_success", "holidays"]},
            "seeds",
            ["seeds", "holidays"],
        ),
        (
            {
                "resource_type": "snapshot",
                "name": "snap_plans",
                "fqn": ["support_success", "billing", "snap_plans"],
            },
            "snapshots_billing",
            ["snapshots", "snap_plans"],
        ),
        (
            {
                "resource_type": "source",
                "source_name": "raw_helpdesk",
                "name": "tickets",
                "fqn": ["support_success", "staging", "helpdesk", "raw_helpdesk", "tickets"],
            },
            "raw_helpdesk",
            ["raw_helpdesk", "tickets"],
        ),
    ],
)
def test_group_and_key_come_from_the_node_folder(props, group, key):
    assert group_for_node(props) == group
    assert asset_key_for_node(props) == dg.AssetKey(key)


def test_source_freshness_becomes_a_freshness_policy():
    props = {
        "freshness": {
            "warn_after": {"count": 24, "period": "hour"},
            "error_after": {"count": 3, "period": "day"},
        }
    }
    assert source_freshness_windows(props) == (timedelta(hours=24), timedelta(hours=72))
    policy = freshness_policy_for_source(props)
    assert policy.fail_window.to_timedelta() == timedelta(hours=72)
    assert policy.warn_window.to_timedelta() == timedelta(hours=24)
    assert freshness_policy_for_source({"freshness": None}) is None


def test_quality_suite_targets_resolve_to_assets():
    models = {"fct_tickets": dg.AssetKey(["marts", "fct_tickets"])}
    assert target_asset_key("source:raw_helpdesk.tickets", models) == dg.AssetKey(
        ["raw_helpdesk", "tickets"]
    )
    assert target_asset_key("model:fct_tickets", models) == dg.AssetKey(["marts", "fct_tickets"])
    assert target_asset_key("model:not_built_yet", models) is None
    assert target_asset_key("source:raw_helpdesk.nope", models) is None


# ------------------------------------------------------------------ the real project


def test_real_definitions_load(real_defs):
    dg.Definitions.validate_loadable(real_defs)
    assert {j.name for j in real_defs.jobs} >= {
        "hourly_refresh",
        "nightly_full_build",
        "load_and_refresh",
    }
    assert {s.name for s in real_defs.schedules} == {
        "hourly_refresh_schedule",
        "nightly_full_build_schedule",
    }
    assert [s.name for s in real_defs.sensors] == ["raw_inbox_sensor"]


def test_every_dbt_node_is_grouped_by_its_folder(real_defs, real_project):
    import json

    manifest = json.loads(real_project.manifest_path.read_text())
    graph = real_defs.resolve_asset_graph()
    nodes = [
        n for n in manifest["nodes"].values() if n["resource_type"] in ("model", "seed", "snapshot")
    ]
    assert nodes, "the project has no models"
    for node in nodes:
        key = asset_key_for_node(node)
        assert graph.has(key), f"{node['unique_id']} is not an asset"
        folders = node["fqn"][1:-1]
        if node["resource_type"] == "model":
            expected = "_".join(folders[:2])
        else:
            expected = "_".join([node["resource_type"] + "s", *folders][:2])
        assert graph.get(key).group_name == expected, node["unique_id"]


def test_raw_tables_are_upstream_with_their_freshness(real_defs):
    graph = real_defs.resolve_asset_graph()
    for table in contract.TABLES:
        key = dg.AssetKey([table.schema, table.name])
        node = graph.get(key)
        assert node.group_name == table.schema
        # models/staging/*/_*__sources.yml: warn after 24 hours, error after 72 hours
        assert node.freshness_policy.fail_window.to_timedelta() == timedelta(hours=72)
        assert node.freshness_policy.warn_window.to_timedelta() == timedelta(hours=24)
        assert dg.AssetCheckKey(key, "raw_freshness") in graph.asset_check_keys
    # raw tables are read by the staging layer: its audit models (in `quarantine`)
    # classify every landed row, and staging keeps the usable ones
    tickets = dg.AssetKey(["raw_helpdesk", "tickets"])
    assert any(k.path[0] in ("staging", "quarantine") for k in graph.get(tickets).child_keys)


def test_publish_depends_on_every_mart(real_defs, real_project):
    import json

    manifest = json.loads(real_project.manifest_path.read_text())
    published = {
        dg.AssetKey([n["fqn"][1], n["name"]])
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["fqn"][1] in ("marts", "semantic")
    }
    assert dg.AssetKey(["semantic", "time_spine_daily"]) in published  # mf on the published file
    graph = real_defs.resolve_asset_graph()
    assert graph.get(dg.AssetKey(["published", "warehouse"])).parent_keys == published


def test_great_expectations_suites_are_asset_checks(real_defs):
    quality = pytest.importorskip("support_success.quality")
    graph = real_defs.resolve_asset_graph()
    checks = {k.name: k for k in graph.asset_check_keys}
    for suite in quality.SUITES:
        key = target_asset_key(suite.target, {k.path[-1]: k for k in graph.get_all_asset_keys()})
        if key is None:
            continue  # a suite for a mart not written yet is reported, not wired
        name = "gx_" + suite.name
        assert name in checks, f"suite {suite.name} is not an asset check"
        assert checks[name].asset_key == key
        # Write, audit, publish: raw suites never stop dbt (their errors withhold publication
        # in the publish step); mart suites with blocking expectations block what follows.
        expected = bool(suite.blocking) and suite.layer != "raw"
        assert graph.get_check_spec(checks[name]).blocking == expected, suite.name


# ------------------------------------------------------------------ dbt tests as checks


def test_dbt_tests_are_checks_blocking_by_severity(shared_probe_defs):
    graph = shared_probe_defs.resolve_asset_graph()
    fct = dg.AssetKey(["marts", "fct_probe_tickets"])
    specs = {k.name: graph.get_check_spec(k) for k in graph.asset_check_keys if k.asset_key == fct}
    assert specs["unique_fct_probe_tickets_ticket_id"].blocking is True
    assert specs["not_null_fct_probe_tickets_ticket_id"].blocking is True
    warn = [name for name in specs if name.startswith("accepted_values")]
    assert len(warn) == 1 and specs[warn[0]].blocking is False
    assert graph.get(fct).group_name == "marts_support"
    assert graph.get(dg.AssetKey(["staging", "stg_probe__tickets"])).group_name == (
        "staging_helpdesk"
    )


def test_code_location_module_loads(real_project, monkeypatch):
    """``dagster dev`` imports orchestration.definitions; it must load with a prepared manifest."""
    import importlib
    import sys

    monkeypatch.setenv("WAREHOUSE_DBT_PROJECT_DIR", str(real_project.project_dir))
    for name in ("orchestration.definitions", "orchestration.project"):
        sys.modules.pop(name, None)
    module = importlib.import_module("orchestration.definitions")
    dg.Definitions.validate_loadable(module.defs)
    for name in ("orchestration.definitions", "orchestration.project"):
        sys.modules.pop(name, None)
