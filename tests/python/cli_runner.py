"""Run the `warehouse` CLI the way a user does, against a private warehouse home."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

WAREHOUSE = Path(sys.executable).parent / "warehouse"
FIRST_RUN = Path(__file__).resolve().parents[1] / "fixtures" / "first_run"


def run_warehouse(
    home: Path, *args: str, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """``warehouse <args>`` with WAREHOUSE_HOME=home and no other WAREHOUSE_/DBT_/DAGSTER_ setting
    of the calling environment."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("WAREHOUSE_", "DBT_", "DAGSTER_"))
    }
    env["WAREHOUSE_HOME"] = str(home)
    env.update(extra_env or {})
    return subprocess.run(
        [str(WAREHOUSE), *args], env=env, capture_output=True, text=True, timeout=900
    )
