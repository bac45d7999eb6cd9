"""Dagster orchestration of the warehouse: load raw files, build and test with dbt,
check with Great Expectations, then publish what BI reads (write, audit, publish).

``orchestration.definitions`` is the code location ``dagster dev`` loads
(``[tool.dagster]`` in pyproject.toml). See docs/orchestration.md.
"""
