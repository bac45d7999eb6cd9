"""Data quality with Great Expectations: contracts on raw data, sanity on marts.

    from support_success.quality import SUITES, run_suite, run_all
    result = run_suite("raw__helpdesk__tickets", "warehouse.duckdb")
    result.success, result.blocking_failures, result.warnings, result.to_metadata()

See docs/data-quality.md for the suites, the severity policy and the thresholds.
"""

from __future__ import annotations

from support_success.quality.checks import BLOCKING, WARNING, Check, Suite
from support_success.quality.docs import write_data_docs
from support_success.quality.results import (
    RESULTS_RELATION,
    CheckResult,
    SuiteResult,
    append_results,
)
from support_success.quality.runner import run_all, run_suite
from support_success.quality.settings import Settings, load_settings
from support_success.quality.suites import SUITES, build_suites, suites_for_target

__all__ = [
    "BLOCKING",
    "RESULTS_RELATION",
    "SUITES",
    "WARNING",
    "Check",
    "CheckResult",
    "Settings",
    "Suite",
    "SuiteResult",
    "append_results",
    "build_suites",
    "load_settings",
    "run_all",
    "run_suite",
    "suites_for_target",
    "write_data_docs",
]
