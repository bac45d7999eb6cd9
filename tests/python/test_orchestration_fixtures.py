"""A small, self-contained dbt project for the orchestration tests, and its raw data.

The orchestration mechanics (load, build, check, publish, kill, concurrent
reader) are tested on a two-layer copy of the project's skeleton: the real
``dbt_project.yml``, profile, schema macro and raw sources, plus three probe
models whose values are worked out by hand below. That keeps these tests fast
and independent of the marts other people are still writing; one test
(test_orchestration_demo.py) runs the real project on the demo dataset.

Probe models:

* ``staging/helpdesk/stg_probe__tickets`` (view): tickets not deleted;
* ``marts/support/fct_probe_tickets`` (table): one row per ticket, with a
  blocking ``unique`` and ``not_null`` test on ``ticket_id``, and a ``warn``
  test on ``status``;
* ``marts/support/agg_probe_tickets_daily`` (table): tickets per creation day.

Raw tickets (hand-made): T1 (2026-01-05, open), T2 (2026-01-05, solved),
T3 (2026-01-06, solved), T4 (deleted). So fct_probe_tickets has 3 rows and the
daily aggregate has 2026-01-05 -> 2, 2026-01-06 -> 1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

TICKET_HEADER = (
    "ticket_id,account_id,requester_id,assignee_id,group_name,channel,priority,"
    "ticket_type,status,created_at,updated_at,is_deleted,merged_into_ticket_id,_loaded_at"
)


def ticket_row(ticket_id: str, created: str, status: str, deleted: bool = False) -> str:
    return (
        f"{ticket_id},A1,U1,U2,Support,email,normal,question,{status},"
        f"{created} 09:00:00,{created} 10:00:00,{str(deleted).lower()},,{created} 12:00:00"
    )


GOOD_TICKETS = [
    ticket_row("T1", "2026-01-05", "open"),
    ticket_row("T2", "2026-01-05", "solved"),
    ticket_row("T3", "2026-01-06", "solved"),
    ticket_row("T4", "2026-01-06", "solved", deleted=True),
]

STG_SQL = """
select ticket_id, status, created_at
from {{ source('raw_helpdesk', 'tickets') }}
where not coalesce(is_deleted, false)
"""

FCT_SQL = """
select ticket_id, status, cast(created_at as date) as created_date
from {{ ref('stg_probe__tickets') }}
"""

AGG_SQL = """
select created_date, cast(count(*) as bigint) as tickets
from {{ ref('fct_probe_tickets') }}
group by created_date
"""

FCT_YML = """
version: 2
models:
  - name: fct_probe_tickets
    description: "One row per ticket (probe mart for the orchestration tests)."
    columns:
      - name: ticket_id
        data_tests:
          - unique
          - not_null
      - name: status
        data_tests:
          - accepted_values:
              arguments:
                values: ['new', 'open', 'pending', 'on_hold', 'solved', 'closed']
              config:
                severity: warn
"""


def write_probe_project(root: Path) -> Path:
    """Copy the project skeleton to ``root`` and add the probe models; return ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(REPO / name, root / name)
    (root / "macros").mkdir(exist_ok=True)
    shutil.copy(REPO / "macros" / "generate_schema_name.sql", root / "macros")
    for sources in (REPO / "models" / "staging").glob("*/_*__sources.yml"):
        target = root / "models" / "staging" / sources.parent.name
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(sources, target / sources.name)
    (root / "models" / "staging" / "helpdesk" / "stg_probe__tickets.sql").write_text(STG_SQL)
    marts = root / "models" / "marts" / "support"
    marts.mkdir(parents=True, exist_ok=True)
    (marts / "fct_probe_tickets.sql").write_text(FCT_SQL)
    (marts / "fct_probe_tickets.yml").write_text(FCT_YML)
    (marts / "agg_probe_tickets_daily.sql").write_text(AGG_SQL)
    return root


def write_raw(folder: Path, ticket_rows: list[str]) -> Path:
    """A raw drop holding only raw_helpdesk.tickets (the loader creates the rest empty)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "raw_helpdesk.tickets.csv").write_text(
        "\n".join([TICKET_HEADER, *ticket_rows]) + "\n"
    )
    return folder


@pytest.fixture(scope="session")
def probe_project(tmp_path_factory) -> dict:
    """The probe dbt project and its target folder, shared by the session (parsed once)."""
    root = tmp_path_factory.mktemp("probe_project")
    return {"project": write_probe_project(root / "project"), "target": root / "target"}


def _probe_environment(home: Path, inbox: Path, probe: dict, logs: Path) -> dict[str, str]:
    return {
        "WAREHOUSE_HOME": str(home),
        "WAREHOUSE_DUCKDB_PATH": str(home / "warehouse.duckdb"),
        "WAREHOUSE_PUBLISHED_DIR": str(home / "published"),
        "WAREHOUSE_INBOX_DIR": str(inbox),
        "WAREHOUSE_DBT_PROJECT_DIR": str(probe["project"]),
        "DBT_PROFILES_DIR": str(probe["project"]),
        "DBT_TARGET_PATH": str(probe["target"]),
        "DBT_LOG_PATH": str(logs),
        "WAREHOUSE_GX_CHECKS": "off",
    }


@pytest.fixture(scope="session")
def good_probe_home(tmp_path_factory, probe_project) -> Path:
    """A warehouse home where the good drop was loaded, built and published (done once)."""
    from orchestration.runner import run_refresh

    root = tmp_path_factory.mktemp("good_probe")
    env = _probe_environment(root / "home", root / "inbox", probe_project, root / "logs")
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        mp.delenv("DAGSTER_HOME", raising=False)
        outcome = run_refresh(
            full_refresh=True, load_folder=str(write_raw(root / "good", GOOD_TICKETS))
        )
    assert outcome.published, outcome.summary()
    return root / "home"


@pytest.fixture
def probe_env(tmp_path, monkeypatch, probe_project):
    """A private, empty warehouse home and inbox on the probe project, set in the environment."""
    home = tmp_path / "home"
    env = _probe_environment(home, tmp_path / "inbox", probe_project, tmp_path / "logs")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("WAREHOUSE_PUBLISH_DELAY_SECONDS", raising=False)
    return {"tmp": tmp_path, "home": home, "project": probe_project["project"], "env": env}


@pytest.fixture
def published_probe_env(probe_env, good_probe_home):
    """``probe_env`` whose home starts as a copy of the published good drop."""
    shutil.copytree(good_probe_home, probe_env["home"])
    return probe_env


def refresh_in_subprocess(env: dict, extra_env: dict | None = None, **kwargs) -> subprocess.Popen:
    """Start ``run_refresh`` in another process (for the kill and reader tests)."""
    code = (
        "import sys\n"
        "from orchestration.runner import run_refresh\n"
        f"outcome = run_refresh(**{kwargs!r})\n"
        "print(outcome.summary(), flush=True)\n"
        "sys.exit(0 if outcome.published else 1)\n"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**os.environ, **env, **(extra_env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, so a test can kill it with its children
    )


@pytest.fixture(scope="session")
def real_project(session_home):
    """The real dbt project, its manifest prepared in the session's private target folder."""
    from orchestration.project import make_dbt_project, prepare_manifest

    project = make_dbt_project(REPO)
    prepare_manifest(project)
    return project


@pytest.fixture(scope="session")
def real_defs(real_project):
    from orchestration.assemble import build_definitions

    return build_definitions(real_project)


@pytest.fixture
def probe_defs(probe_env):
    """Definitions of the probe project (manifest prepared in the test's target folder)."""
    from orchestration.assemble import build_definitions
    from orchestration.project import make_dbt_project, prepare_manifest

    project = make_dbt_project(probe_env["project"])
    prepare_manifest(project)
    return build_definitions(project)


@pytest.fixture(scope="session")
def shared_probe_defs(probe_project):
    """Probe definitions built once, for tests that only inspect or evaluate them."""
    from orchestration.assemble import build_definitions
    from orchestration.project import make_dbt_project, prepare_manifest

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DBT_TARGET_PATH", str(probe_project["target"]))
        mp.setenv("DBT_PROFILES_DIR", str(probe_project["project"]))
        mp.setenv("WAREHOUSE_GX_CHECKS", "off")
        project = make_dbt_project(probe_project["project"])
        prepare_manifest(project)
        return build_definitions(project)
