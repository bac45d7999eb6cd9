"""The dbt docs site as one self-contained HTML file: ``warehouse docs``.

``dbt docs generate --static`` writes ``static_index.html`` into the dbt target folder
with the manifest (every model, column, metric, semantic model and exposure with its
description and lineage) and the catalog (column types, row counts read from the
warehouse) built in, so it opens from disk in a browser without a web server. This
module runs it and copies the page to ``$WAREHOUSE_HOME/docs/index.html``.

The catalog is read from the working warehouse, so run it when no build is writing it
(DuckDB: one writer or many readers).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from support_success import paths

STATIC_PAGE = "static_index.html"


class DocsError(Exception):
    """The docs site could not be built; the message says why and what to do."""


def docs_site_path() -> Path:
    """Where the docs site is written: ``$WAREHOUSE_HOME/docs/index.html``."""
    return paths.warehouse_home() / "docs" / "index.html"


def dbt_target_dir() -> Path:
    """The dbt target folder dbt writes to: ``$DBT_TARGET_PATH``, relative to the project."""
    target = Path(os.environ.get("DBT_TARGET_PATH", "target"))
    return target if target.is_absolute() else paths.PROJECT_DIR / target


def docs_generate_args() -> list[str]:
    """Arguments of the dbt command that writes the single-file site (with the CLI's --vars)."""
    from orchestration.dbt_assets import DBT_VARS_ENV

    dbt_vars = os.environ.get(DBT_VARS_ENV)
    return [
        "docs",
        "generate",
        "--static",
        "--no-compile",
        "--project-dir",
        str(paths.PROJECT_DIR),
        "--profiles-dir",
        str(paths.PROJECT_DIR),
        *(["--vars", dbt_vars] if dbt_vars else []),
    ]


def build_docs_site(out: Path | None = None) -> Path:
    """Generate the docs and copy the single-file site to ``out`` (default docs_site_path())."""
    from orchestration.project import dbt_executable

    database = paths.working_database()
    if not database.exists():
        raise DocsError(
            f"No warehouse at {database}: run `warehouse demo` (or load and build) first; "
            "the docs read column types and row counts from it."
        )
    completed = subprocess.run(
        [dbt_executable(), *docs_generate_args()],
        env=paths.dbt_env(),
        capture_output=True,
        text=True,
    )
    page = dbt_target_dir() / STATIC_PAGE
    if completed.returncode != 0 or not page.exists():
        tail = "\n".join(completed.stdout.strip().splitlines()[-15:])
        raise DocsError(
            f"`dbt docs generate --static` failed (exit {completed.returncode}). If a build is "
            f"running, wait for it: DuckDB lets one process write {database}.\n{tail}"
        )
    out = Path(out) if out else docs_site_path()
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(page, out)
    return out
