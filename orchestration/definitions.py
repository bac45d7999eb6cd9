"""The Dagster code location: ``dagster dev`` (``[tool.dagster]`` in pyproject.toml) loads
``defs`` from here. Under ``dagster dev`` the dbt manifest is prepared on load; elsewhere it
must be prepared first (docs/orchestration.md, "Deployment").
"""

from orchestration.assemble import build_definitions

defs = build_definitions()
