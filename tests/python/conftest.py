"""Shared fixtures: one demo dataset and one built demo warehouse per test session.

Building the warehouse is the slow part of the suite, so it happens once and
tests that need a built warehouse share it read-only. Tests that write make
their own copy (``copy_of_built_warehouse``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEMO_SEED = 42


@pytest.fixture(scope="session", autouse=True)
def session_home(tmp_path_factory) -> Path:
    """A private WAREHOUSE_HOME and dbt target folder for the whole session.

    Autouse, so it is set before any test's ``monkeypatch`` records the environment:
    otherwise a test's teardown could restore these variables to "unset".
    """
    home = tmp_path_factory.mktemp("warehouse_home")
    os.environ["WAREHOUSE_HOME"] = str(home)
    os.environ["WAREHOUSE_DUCKDB_PATH"] = str(home / "warehouse.duckdb")
    os.environ["DBT_TARGET_PATH"] = str(home / "target")
    os.environ["DBT_LOG_PATH"] = str(home / "logs")
    return home


@pytest.fixture(scope="session")
def demo_raw_dir(tmp_path_factory) -> Path:
    """The demo dataset (default defect rate) as raw files."""
    from support_success.generate import generate

    out = tmp_path_factory.mktemp("demo_raw")
    generate(size="demo", seed=DEMO_SEED, out=out, defect_rate=0.002)
    return out


@pytest.fixture(scope="session")
def built_warehouse(session_home, demo_raw_dir) -> Path:
    """The demo dataset loaded and built with `dbt build` (models, unit and data tests).

    dbt runs in its own process, as a user's `dbt build` would: dbt-duckdb keeps its
    connection open for the life of the process, which would stop tests reading the file.
    """
    from support_success import paths
    from support_success.loader import load_folder
    from support_success.pipeline import dbt_args

    database = Path(os.environ["WAREHOUSE_DUCKDB_PATH"])
    load_folder(database, demo_raw_dir, mode="replace")
    dbt = Path(sys.executable).parent / "dbt"
    completed = subprocess.run(
        [str(dbt), *dbt_args("build", "--full-refresh")],
        env=paths.dbt_env(),
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, f"dbt build failed on the demo dataset:\n{completed.stdout}"
    return database


@pytest.fixture
def copy_of_built_warehouse(built_warehouse, tmp_path) -> Path:
    """A private, writable copy of the built demo warehouse."""
    target = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse, target)
    return target
