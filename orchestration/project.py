"""The dbt project as Dagster sees it, and when its manifest is prepared.

* Under ``dagster dev`` the manifest is prepared on load (``prepare_if_dev``).
* In a deployment it is prepared once at build time:
  ``dagster-dbt project prepare-and-package --file orchestration/project.py``.
* ``make run``, ``warehouse build`` and the tests prepare it in-process
  (:func:`prepare_manifest`) because models change under them.

Nothing generated is committed: the manifest lives in ``$DBT_TARGET_PATH``
(default ``target/``), which is git-ignored.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from support_success import paths


def dbt_executable() -> str:
    """The ``dbt`` beside this Python (the project's virtualenv), else the one on PATH.

    ``.venv/bin/dagster dev`` and ``.venv/bin/warehouse`` run without the virtualenv
    activated, so ``dbt`` need not be on PATH.
    """
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def _put_dbt_on_path() -> None:
    # dagster-dbt's manifest preparer looks for `dbt` on PATH.
    folder = str(Path(dbt_executable()).parent)
    if Path(dbt_executable()).is_absolute() and folder not in os.environ.get("PATH", ""):
        os.environ["PATH"] = folder + os.pathsep + os.environ.get("PATH", "")


def dbt_project_dir() -> Path:
    """The dbt project folder: ``$WAREHOUSE_DBT_PROJECT_DIR`` or the repository root."""
    return Path(os.environ.get("WAREHOUSE_DBT_PROJECT_DIR", paths.PROJECT_DIR)).resolve()


def make_dbt_project(project_dir: Path | None = None) -> DbtProject:
    """A :class:`DbtProject` whose target folder honours ``$DBT_TARGET_PATH``.

    An absolute ``DBT_TARGET_PATH`` keeps concurrent runs (developers, CI, tests)
    from overwriting each other's manifest.
    """
    project_dir = Path(project_dir or dbt_project_dir()).resolve()
    profiles_dir = Path(os.environ.get("DBT_PROFILES_DIR", project_dir)).resolve()
    return DbtProject(
        project_dir=project_dir,
        profiles_dir=profiles_dir,
        target_path=Path(os.environ.get("DBT_TARGET_PATH", "target")),
    )


# What the manifest depends on besides the files: variables the profile and macros read.
_PARSE_ENV_PREFIXES = ("WAREHOUSE_SCHEMA_PREFIX", "WAREHOUSE_TARGET", "DBT_")
_SOURCE_SUFFIXES = {".sql", ".yml", ".yaml", ".csv", ".md", ".py"}
_SOURCE_FOLDERS = ("models", "macros", "seeds", "snapshots", "tests", "analyses")


def project_fingerprint(project: DbtProject) -> str:
    """A digest of the project's source files (names, sizes, mtimes) and parse-time env."""
    root = Path(project.project_dir)
    digest = hashlib.sha256()
    files = [root / "dbt_project.yml", Path(project.profiles_dir or root) / "profiles.yml"]
    for folder in _SOURCE_FOLDERS:
        files += [p for p in (root / folder).rglob("*") if p.suffix in _SOURCE_SUFFIXES]
    for path in sorted(set(files)):
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    for key in sorted(os.environ):
        if key.startswith(_PARSE_ENV_PREFIXES) and key not in ("DBT_TARGET_PATH", "DBT_LOG_PATH"):
            digest.update(f"{key}={os.environ[key]}\n".encode())
    return digest.hexdigest()


def prepare_manifest(project: DbtProject, force: bool = False) -> Path:
    """Parse the project (``dbt parse``) unless the manifest is already up to date.

    Up to date means: prepared from the same source files and parse-time variables
    (:func:`project_fingerprint`, stored beside the manifest).
    """
    stamp = project.manifest_path.with_name("manifest.fingerprint")
    fingerprint = project_fingerprint(project)
    if (
        not force
        and project.manifest_path.exists()
        and stamp.exists()
        and stamp.read_text() == fingerprint
    ):
        return project.manifest_path
    _put_dbt_on_path()
    project.preparer.prepare(project)
    if not project.manifest_path.exists():
        raise RuntimeError(
            f"dbt parse did not write {project.manifest_path}; run "
            f"`dbt parse --project-dir {project.project_dir}` to see why."
        )
    stamp.write_text(fingerprint)
    return project.manifest_path


def ensure_manifest(project: DbtProject) -> Path:
    """Prepare under ``dagster dev``; otherwise require a prepared manifest with a clear error."""
    _put_dbt_on_path()
    project.prepare_if_dev()
    if not project.manifest_path.exists():
        raise FileNotFoundError(
            f"No dbt manifest at {project.manifest_path}. Prepare it first: "
            "`dagster-dbt project prepare-and-package --file orchestration/project.py` "
            "(deployments), or run `dagster dev` (which prepares it), or `dbt parse`."
        )
    return project.manifest_path


# For `dagster-dbt project prepare-and-package --file orchestration/project.py` (deployments).
warehouse_dbt_project = make_dbt_project()
