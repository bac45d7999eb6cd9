"""The dbt sources declare exactly the raw contract's tables and columns."""

from __future__ import annotations

import yaml

from support_success import contract, paths


def _declared_sources() -> dict[str, list[str]]:
    declared: dict[str, list[str]] = {}
    for path in (paths.PROJECT_DIR / "models" / "staging").glob("*/_*__sources.yml"):
        for source in yaml.safe_load(path.read_text())["sources"]:
            for table in source["tables"]:
                columns = [c["name"] for c in table.get("columns", [])]
                declared[f"{source['schema']}.{table['name']}"] = columns
    return declared


def test_every_contract_table_is_a_dbt_source_with_its_columns_in_order():
    declared = _declared_sources()
    expected = {t.qualified_name: t.column_names for t in contract.TABLES}
    assert declared == expected


def test_every_source_column_is_described():
    for path in (paths.PROJECT_DIR / "models" / "staging").glob("*/_*__sources.yml"):
        for source in yaml.safe_load(path.read_text())["sources"]:
            assert source["config"]["loaded_at_field"] == "_loaded_at"
            for table in source["tables"]:
                for column in table["columns"]:
                    assert column.get("description"), (source["name"], table["name"], column)
