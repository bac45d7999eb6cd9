"""How dbt nodes become Dagster assets: keys, groups and raw-source freshness.

Everything is derived from the manifest, never from model names, so a model
added under ``models/<layer>/<domain>/`` lands in group ``<layer>_<domain>``
(``staging_helpdesk``, ``marts_support``) without touching this file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from dagster import AssetKey, AssetSpec, FreshnessPolicy
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtProject

_PERIODS = {"minute": "minutes", "hour": "hours", "day": "days"}


def group_for_node(props: Mapping[str, Any]) -> str:
    """``<layer>_<domain>`` from the node's folder path (fqn), e.g. ``marts_support``.

    Seeds and snapshots are grouped ``seeds[_<folder>]`` / ``snapshots[_<folder>]``;
    sources by their source name (``raw_helpdesk``).
    """
    resource_type = props.get("resource_type")
    if resource_type == "source":
        return _identifier(props["source_name"])
    folders = list(props.get("fqn", []))[1:-1]  # drop the project name and the node name
    if resource_type in ("seed", "snapshot"):
        folders = [f"{resource_type}s", *folders]
    if not folders:
        return "default"
    return _identifier("_".join(folders[:2]))


def asset_key_for_node(props: Mapping[str, Any]) -> AssetKey:
    """Sources keep dbt's ``[source, table]`` key (``raw_helpdesk/tickets``), which is also
    the key of the raw-load asset; models, seeds and snapshots are ``[layer, name]``
    (``marts/fct_tickets``), the layer being the node's first folder."""
    if props.get("resource_type") == "source":
        return AssetKey([props["source_name"], props["name"]])
    fqn = list(props.get("fqn", []))
    layer = fqn[1] if len(fqn) > 2 else props.get("resource_type", "dbt") + "s"
    if props.get("resource_type") in ("seed", "snapshot"):
        layer = props["resource_type"] + "s"
    return AssetKey([_identifier(layer), props["name"]])


def freshness_policy_for_source(props: Mapping[str, Any]) -> FreshnessPolicy | None:
    """A Dagster freshness policy from the source's dbt ``freshness`` (warn/error after)."""
    freshness = props.get("freshness") or (props.get("config") or {}).get("freshness") or {}
    error_after = _as_timedelta(freshness.get("error_after"))
    warn_after = _as_timedelta(freshness.get("warn_after"))
    if error_after is None:
        return None
    if warn_after is not None and warn_after >= error_after:
        warn_after = None
    return FreshnessPolicy.time_window(fail_window=error_after, warn_window=warn_after)


def source_freshness_windows(
    props: Mapping[str, Any],
) -> tuple[timedelta | None, timedelta | None]:
    """(warn_after, error_after) of a dbt source table, None where not configured."""
    freshness = props.get("freshness") or (props.get("config") or {}).get("freshness") or {}
    return _as_timedelta(freshness.get("warn_after")), _as_timedelta(freshness.get("error_after"))


def _as_timedelta(spec: Mapping[str, Any] | None) -> timedelta | None:
    if not spec or not spec.get("count") or spec.get("period") not in _PERIODS:
        return None
    return timedelta(**{_PERIODS[spec["period"]]: int(spec["count"])})


def _identifier(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", text)


class WarehouseTranslator(DagsterDbtTranslator):
    """Keys and groups from the node's folder; sources carry their dbt freshness."""

    def __init__(self) -> None:
        super().__init__(
            settings=DagsterDbtTranslatorSettings(
                enable_asset_checks=True,
                # dbt tests on sources become checks on the raw assets, not mere observations.
                enable_source_tests_as_checks=True,
            )
        )

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        attributes: dict[str, Any] = {
            "key": asset_key_for_node(props),
            "group_name": group_for_node(props),
        }
        if props.get("resource_type") == "source":
            attributes["freshness_policy"] = freshness_policy_for_source(props)
        return spec.replace_attributes(**attributes)

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        # Same key as get_asset_spec, for the dagster-dbt helpers that ask for the key alone.
        return asset_key_for_node(dbt_resource_props)


def attach_multi_parent_tests(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """Attach each singular test that reads several models to the most downstream of them.

    dagster-dbt turns a test into an asset check only when it knows which asset the
    test is about: generic tests name it, singular tests with one parent imply it, and
    a singular test reading several models needs ``meta.dagster.ref``. Rather than ask
    every test author for that, the parent that depends on the most other parents
    (ties: the last by name) is filled in here, on a copy of the manifest. A ``ref``
    the author wrote wins.
    """
    manifest = dict(manifest)
    nodes = dict(manifest.get("nodes", {}))
    parent_map = manifest.get("parent_map", {})

    def ancestors(unique_id: str) -> set[str]:
        seen: set[str] = set()
        stack = list(parent_map.get(unique_id, []))
        while stack:
            current = stack.pop()
            if current not in seen:
                seen.add(current)
                stack.extend(parent_map.get(current, []))
        return seen

    for unique_id, node in nodes.items():
        if node.get("resource_type") != "test" or node.get("attached_node"):
            continue
        meta = (node.get("config") or {}).get("meta") or node.get("meta") or {}
        if (meta.get("dagster") or {}).get("ref"):
            continue
        parents = sorted(
            p
            for p in node.get("depends_on", {}).get("nodes", [])
            if p in nodes and nodes[p].get("resource_type") in ("model", "seed", "snapshot")
        )
        if len(set(node.get("depends_on", {}).get("nodes", []))) < 2 or not parents:
            continue
        chosen = max(parents, key=lambda p: (len(ancestors(p) & set(parents)), p))
        config = dict(node.get("config") or {})
        config["meta"] = {
            **meta,
            "dagster": {**(meta.get("dagster") or {}), "ref": {"name": nodes[chosen]["name"]}},
        }
        nodes[unique_id] = {**node, "config": config}
    manifest["nodes"] = nodes
    return manifest
