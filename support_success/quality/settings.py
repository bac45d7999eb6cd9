"""Thresholds of the data-quality suites, in one place.

Every value has a default here. Override it, most specific last wins:

1. a YAML file of ``name: value`` pairs, at ``$WAREHOUSE_QUALITY_CONFIG`` or, if that is
   not set, ``quality.yml`` at the repository root (absent by default);
2. an environment variable ``WAREHOUSE_QUALITY_<NAME>`` (upper case), e.g.
   ``WAREHOUSE_QUALITY_MRR_INVOICE_TOLERANCE=0.1``.

docs/data-quality.md explains each threshold and why its default is what it is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

from support_success import paths


@dataclass(frozen=True)
class Settings:
    # --- how much is read at once ------------------------------------------------------
    # Rows per chunk for row-level checks: a table is read in key-hash partitions of about
    # this many rows, so memory stays flat whatever the table size.
    chunk_rows: int = 500_000

    # --- raw tables: dirty rows are expected at a small rate (staging repairs them or
    # quarantine counts them), so each row-level rule is two expectations:
    # a warning when the share of bad rows exceeds raw_warning_share (default: any bad row),
    # and a blocking failure when it exceeds raw_blocking_share (a broken load, not dirt).
    # 1.0 never blocks; 0 blocks on any bad row. Between the two, a rule blocks only when
    # its share is above raw_blocking_share AND at least raw_blocking_min_rows rows break it
    # (a small table is not judged by percentage alone). Duplicated keys never block.
    raw_warning_share: float = 0.0
    raw_blocking_share: float = 0.25
    raw_blocking_min_rows: int = 100
    # Timestamps may be at most this many minutes after the validation instant (clock skew).
    future_tolerance_minutes: int = 5
    # Freshness: newest _loaded_at older than this many hours is a warning.
    freshness_max_hours: float = 36.0
    # Volume: row count divided by the median of the last volume_history_runs recorded counts
    # must stay within [volume_min_ratio, volume_max_ratio] (warning).
    volume_min_ratio: float = 0.9
    volume_max_ratio: float = 2.0
    volume_history_runs: int = 5

    # --- marts --------------------------------------------------------------------------
    # Plausible bounds of net and gross revenue retention (both monthly and trailing 12 m).
    nrr_min: float = 0.5
    nrr_max: float = 2.0
    grr_min: float = 0.5
    grr_max: float = 1.0
    # |mid-month MRR - paid invoice amounts recognised in the month| / mid-month MRR must
    # not exceed this (months with MRR > 0, excluding the first and last month of the
    # data). Mid-month MRR = mean of the opening and closing MRR of the month.
    mrr_invoice_tolerance: float = 0.15
    # Week-over-week relative change of a headline metric above this is flagged (warning).
    wow_jump_threshold: float = 0.5
    # Weeks whose previous-week base is smaller than this are not judged (tiny numbers jump).
    wow_min_base: float = 30.0

    def as_dict(self) -> dict[str, float | int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


ENV_PREFIX = "WAREHOUSE_QUALITY_"


def _config_file() -> Path:
    explicit = os.environ.get("WAREHOUSE_QUALITY_CONFIG")
    return Path(explicit) if explicit else paths.PROJECT_DIR / "quality.yml"


def _coerce(name: str, raw: object, like: object) -> float | int:
    try:
        return type(like)(raw)  # int or float, as the default
    except (TypeError, ValueError):
        raise ValueError(
            f"quality setting {name!r} must be a {type(like).__name__}, got {raw!r}"
        ) from None


def load_settings(overrides: dict[str, object] | None = None) -> Settings:
    """Defaults, then the YAML file, then ``WAREHOUSE_QUALITY_*`` variables, then ``overrides``."""
    base = Settings()
    known = base.as_dict()
    values: dict[str, object] = {}
    config = _config_file()
    if config.exists():
        import yaml

        loaded = yaml.safe_load(config.read_text()) or {}
        unknown = sorted(set(loaded) - set(known))
        if unknown:
            raise ValueError(
                f"{config}: unknown quality setting(s) {', '.join(unknown)}; "
                f"known: {', '.join(known)}"
            )
        values.update(loaded)
    for name in known:
        env = os.environ.get(ENV_PREFIX + name.upper())
        if env is not None:
            values[name] = env
    values.update(overrides or {})
    return replace(base, **{k: _coerce(k, v, known[k]) for k, v in values.items()})
