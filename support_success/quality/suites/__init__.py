"""Every suite of the project: raw contracts (raw.py) and mart sanity (marts.py)."""

from __future__ import annotations

from support_success.quality.checks import Suite
from support_success.quality.settings import Settings, load_settings
from support_success.quality.suites.marts import mart_suites
from support_success.quality.suites.raw import raw_suites


def build_suites(settings: Settings | None = None) -> list[Suite]:
    """The suites with thresholds from ``settings`` (default: load_settings())."""
    settings = settings or load_settings()
    return raw_suites(settings) + mart_suites(settings)


SUITES: list[Suite] = build_suites()


def suites_for_target(target: str) -> list[Suite]:
    """The suites guarding ``target`` ('source:raw_helpdesk.tickets', 'model:fct_tickets')."""
    return [s for s in SUITES if s.target == target]
