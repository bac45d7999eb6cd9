"""What a suite is made of: checks (a GX expectation + a severity + a sentence) on frames.

A *frame* is the pandas DataFrame an expectation is validated against. GX's SQL
datasource cannot read DuckDB (it reads results after closing the connection; GX issues
10738 and 11579), so every frame is a DuckDB result set handed to GX's pandas datasource:

* ``rows`` - the target's rows, only the columns the checks need, read in key-hash
  partitions of about ``chunk_rows`` rows (see chunks.py). Only row-wise (map)
  expectations go here: their counts add up across chunks, and uniqueness of the key is
  exact because every row of a key lands in the same partition.
* ``schema`` - one row per contract/mart column with its landed type, plus a zero-row
  frame with the relation's columns: structural checks.
* named SQL frames - an aggregate pushed down into DuckDB (a handful of rows: one per
  month, per week, per check), validated whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import great_expectations.expectations as gxe

Severity = Literal["blocking", "warning"]
BLOCKING: Severity = "blocking"
WARNING: Severity = "warning"

# GX's own severity field carries ours, so results read the same in GX terms.
GX_SEVERITY = {BLOCKING: "critical", WARNING: "warning"}

ROWS = "rows"
SCHEMA = "schema"
COLUMNS = "columns"  # zero-row frame with the relation's columns


@dataclass(frozen=True)
class Check:
    """One expectation of a suite.

    ``name`` is stable (it keys the results table); ``rule`` is the sentence a reader sees.
    ``columns`` are the target columns the check reads (it is skipped, with a reason, when
    one is missing - the structural check reports the missing column itself).
    """

    name: str
    rule: str
    severity: Severity
    expectation: gxe.Expectation
    frame: str = ROWS
    columns: tuple[str, ...] = ()
    # For checks on an aggregate frame: a str.format template filled from the first failing
    # frame row (its index columns), e.g. "{orphan_rows:,} of {checked_rows:,} values ...".
    explain: str | None = None
    # For a one-row aggregate frame: (bad rows column, checked rows column), so results
    # report the table's row counts rather than "1 of 1 frame rows".
    counts: tuple[str, str] | None = None
    # Row frame only: extra columns computed in the SELECT, as (alias, SQL); ``{now}`` in
    # the SQL is the validation instant. Lets a rule GX evaluates slowly on pandas (a
    # datetime bound is an element-wise map there) run on a vectorised number instead.
    derived: tuple[tuple[str, str], ...] = ()
    # Blocking row rules only: fewer bad rows than this never block, whatever their share
    # (a small table is not judged by percentage alone). 0 = judge by the share alone.
    min_rows: int = 0

    @property
    def column(self) -> str | None:
        return self.columns[0] if self.columns else None

    @property
    def expectation_type(self) -> str:
        return self.expectation.expectation_type

    @property
    def mostly(self) -> float:
        mostly = getattr(self.expectation, "mostly", None)
        return 1.0 if mostly is None else float(mostly)


@dataclass(frozen=True)
class SqlFrame:
    """A small aggregate computed in the warehouse; ``sql(ctx)`` returns the query.

    ``relations`` are the other relations it reads (schema.table): when one is missing the
    frame's checks are skipped with "relation missing". Return ``None`` from ``sql`` to
    skip for another reason, given by ``skip_reason(ctx)``.
    """

    name: str
    sql: Callable[[FrameContext], str | None]
    relations: tuple[str, ...] = ()
    index_columns: tuple[str, ...] = ()  # columns naming a failing frame row (month, week)
    skip_reason: Callable[[FrameContext], str] = lambda ctx: "not applicable"


@dataclass
class FrameContext:
    """What a SQL frame may use: the target relation, settings, now and the history."""

    relation: str
    settings: object
    now: object  # datetime, UTC, naive
    relation_of: Callable[[str], str]  # 'model:x' / 'source:s.t' / 's.t' -> quoted relation
    history: Callable[[str, str], list[float]]  # (suite, check name) -> recent observed values
    columns: dict[str, str] = field(default_factory=dict)  # the target's column -> type


@dataclass
class Suite:
    """A named set of checks guarding one relation (``target``)."""

    name: str
    target: str  # 'source:<schema>.<table>' or 'model:<model_name>'
    description: str
    key: tuple[str, ...]
    expected_columns: tuple[str, ...]
    expected_types: dict[str, str] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    frames: dict[str, SqlFrame] = field(default_factory=dict)
    layer: Literal["raw", "mart"] = "raw"

    @property
    def expectations(self) -> list[Check]:
        return self.checks

    @property
    def blocking(self) -> list[Check]:
        return [c for c in self.checks if c.severity == BLOCKING]

    @property
    def warning(self) -> list[Check]:
        return [c for c in self.checks if c.severity == WARNING]

    def add(self, check: Check) -> None:
        if any(c.name == check.name and c.severity == check.severity for c in self.checks):
            raise ValueError(f"suite {self.name}: duplicate check {check.name} ({check.severity})")
        self.checks.append(check)

    def add_frame(self, frame: SqlFrame) -> None:
        self.frames[frame.name] = frame


def make(
    cls: type[gxe.Expectation], severity: Severity, *, mostly: float | None = None, **kwargs
) -> gxe.Expectation:
    """A GX expectation carrying our severity (GX's ``severity`` field)."""
    if mostly is not None and mostly < 1.0:
        kwargs["mostly"] = mostly
    return cls(severity=GX_SEVERITY[severity], **kwargs)


def tiered(
    suite: Suite,
    name: str,
    rule: str,
    cls: type[gxe.Expectation],
    columns: tuple[str, ...],
    *,
    warning_share: float,
    blocking_share: float,
    blocking_min_rows: int = 0,
    frame: str = ROWS,
    derived: tuple[tuple[str, str], ...] = (),
    **kwargs,
) -> None:
    """Add a row rule twice: a warning above ``warning_share`` bad rows, blocking above
    ``blocking_share`` (and at least ``blocking_min_rows`` bad rows unless the share is 0).
    The rule is evaluated once; only the threshold differs. A share of 1.0 or more never
    fails: that tier is left out."""
    for severity, share in ((WARNING, warning_share), (BLOCKING, blocking_share)):
        if share >= 1.0:
            continue
        suite.add(
            Check(
                name=name,
                rule=rule,
                severity=severity,
                expectation=make(cls, severity, mostly=1.0 - share, **kwargs),
                frame=frame,
                columns=columns,
                derived=derived,
                min_rows=blocking_min_rows if severity == BLOCKING and share > 0 else 0,
            )
        )
