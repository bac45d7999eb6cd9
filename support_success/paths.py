"""Where the project's files live. Everything is overridable by environment variables.

| variable                | default                          | what                               |
|-------------------------|----------------------------------|------------------------------------|
| WAREHOUSE_HOME          | <repo>/.warehouse                | folder for every generated file    |
| WAREHOUSE_DUCKDB_PATH   | $WAREHOUSE_HOME/warehouse.duckdb | the working warehouse (dbt writes) |
| WAREHOUSE_DATA_DIR      | <repo>/data                      | generated raw datasets             |
| WAREHOUSE_PUBLISHED_DIR | $WAREHOUSE_HOME/published        | what BI reads (swapped atomically) |
| WAREHOUSE_INBOX_DIR     | $WAREHOUSE_DATA_DIR/inbox        | raw drops the Dagster sensor loads |
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def warehouse_home() -> Path:
    return Path(os.environ.get("WAREHOUSE_HOME", PROJECT_DIR / ".warehouse")).resolve()


def working_database() -> Path:
    default = warehouse_home() / "warehouse.duckdb"
    return Path(os.environ.get("WAREHOUSE_DUCKDB_PATH", default)).resolve()


def data_dir() -> Path:
    return Path(os.environ.get("WAREHOUSE_DATA_DIR", PROJECT_DIR / "data")).resolve()


def published_dir() -> Path:
    """Folder of the published warehouse: the only files BI tools should open."""
    default = warehouse_home() / "published"
    return Path(os.environ.get("WAREHOUSE_PUBLISHED_DIR", default)).resolve()


def published_database() -> Path:
    """The published DuckDB file BI reads (replaced atomically by each successful refresh)."""
    return published_dir() / "warehouse.duckdb"


def inbox_dir() -> Path:
    """Folder watched for new raw files (``<schema>.<table>.csv|parquet``)."""
    return Path(os.environ.get("WAREHOUSE_INBOX_DIR", data_dir() / "inbox")).resolve()


DAGSTER_YAML = """\
# Dagster instance of this warehouse home (created by the warehouse CLI when missing).
# `make run` / `warehouse build` record their runs here, so `make dagster` shows them.
telemetry:
  enabled: false
run_queue:
  tag_concurrency_limits:
    - key: warehouse/writes
      limit: 1
"""


def dagster_home() -> Path:
    """The Dagster instance folder: ``$DAGSTER_HOME``, else ``$WAREHOUSE_HOME/dagster``."""
    return Path(os.environ.get("DAGSTER_HOME") or warehouse_home() / "dagster").resolve()


def ensure_dagster_home() -> Path:
    """``dagster_home()``, created with a ``dagster.yaml`` when missing."""
    home = dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML)
    return home


def dbt_env() -> dict[str, str]:
    """Environment for a dbt process: the warehouse path made absolute."""
    env = dict(os.environ)
    env["WAREHOUSE_DUCKDB_PATH"] = str(working_database())
    env.setdefault("DBT_PROFILES_DIR", str(PROJECT_DIR))
    return env
