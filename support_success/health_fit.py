"""Fit the account health score's weights and thresholds from history.

    python -m support_success.health_fit [--database PATH] [--dry-run]

Reads ``marts.fct_account_health_weekly`` of a built warehouse: one row per paying account ×
week with each component (0–100) and whether the account churned within the next 90 days
(``churns_within_90_days``; only weeks whose 90 days are over, ``is_churn_label_observed``).

1. **Split by time**: the earlier weeks (``TRAIN_SHARE`` of the labelled account-weeks) fit
   the model; the later ones only judge it (out of time), as the score will be used: fitted on
   the past, read about the future.
2. **Logistic regression** (Newton's method, a small ridge) of "retained for the next 90 days"
   on the components scaled to 0–1. A component whose coefficient comes out negative, or that
   ranks churners below retained accounts with an AUC under ``MIN_COMPONENT_AUC`` on its own
   in the training weeks, is dropped and the fit repeated: the score never rewards a signal that
   points the wrong way.
3. **Weights** = the kept coefficients rescaled to sum to 1, so the score stays a weighted
   mean of 0–100 components (a reader can still say "adoption carries 60 %"). A linear score
   with these weights ranks accounts exactly as the fitted model does.
4. **Thresholds** from the training weeks' scores: red = the lowest ``RED_SHARE`` of
   account-weeks, amber = up to ``AMBER_SHARE``. Rounded to one decimal.

The result is written to ``seeds/health_score_model.csv`` (``dbt seed`` loads it; the model
``fct_account_health_weekly`` reads it; dbt vars ``health_weights`` / ``health_thresholds``
still override it). ``python -m support_success.health_evaluation`` reports how the built
score does out of time. See docs/decisionlog/success.md, "Account health: fitted weights".
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import numpy as np

from support_success import paths

# The fitted components, as fct_account_health_weekly names them (without "_score").
COMPONENTS = ("adoption", "support", "relationship", "billing")
SEED = paths.PROJECT_DIR / "seeds" / "health_score_model.csv"
TRAIN_SHARE = 0.6
MIN_COMPONENT_AUC = 0.55
RED_SHARE = 0.10
AMBER_SHARE = 0.30
RIDGE = 1e-3


def auc(score: np.ndarray, positive: np.ndarray) -> float | None:
    """P(a positive scores above a negative), ties 1/2 (Mann-Whitney); None if a class is empty."""
    score = np.asarray(score, dtype=float)
    positive = np.asarray(positive, dtype=bool)
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    if n_pos == 0 or n_neg == 0:
        return None
    order = np.argsort(score, kind="mergesort")
    _, first, counts = np.unique(score[order], return_index=True, return_counts=True)
    ranks = np.empty(len(score))
    ranks[order] = np.repeat(first + (counts - 1) / 2 + 1, counts)  # 1-based average ranks
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def fit_logistic(x: np.ndarray, y: np.ndarray, ridge: float = RIDGE) -> np.ndarray:
    """Coefficients (intercept first) of P(y=1) = 1 / (1 + exp(-(b0 + x·b))), Newton-Raphson."""
    design = np.column_stack([np.ones(len(x)), x])
    beta = np.zeros(design.shape[1])
    penalty = ridge * len(x) * np.eye(design.shape[1])
    penalty[0, 0] = 0.0  # the intercept is not shrunk
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(design @ beta)))
        gradient = design.T @ (y - p) - penalty @ beta
        hessian = (design.T * (p * (1 - p))) @ design + penalty
        step = np.linalg.solve(hessian, gradient)
        beta += step
        if np.max(np.abs(step)) < 1e-9:
            break
    return beta


@dataclass
class Labelled:
    """Labelled account-weeks: components (0–100), churn label, week."""

    customer_id: np.ndarray
    week_start: np.ndarray
    churned: np.ndarray
    components: dict[str, np.ndarray]

    def subset(self, mask: np.ndarray) -> Labelled:
        return Labelled(
            self.customer_id[mask],
            self.week_start[mask],
            self.churned[mask],
            {k: v[mask] for k, v in self.components.items()},
        )

    def __len__(self) -> int:
        return len(self.churned)


def labelled_rows(con: duckdb.DuckDBPyConnection, database: Path | str, columns: str) -> dict:
    """customer_id, week_start, churns_within_90_days and ``columns`` of the account-weeks whose
    90-day outcome is known, in week order, as numpy arrays; a clear exit if the mart is missing."""
    try:
        return con.execute(
            f"""
            select customer_id, week_start, churns_within_90_days, {columns}
            from marts.fct_account_health_weekly
            where is_churn_label_observed
            order by week_start, customer_id
            """
        ).fetchnumpy()
    except duckdb.CatalogException as exc:
        raise SystemExit(
            f"{database} has no marts.fct_account_health_weekly: build it first "
            "(`warehouse build` or `dbt build --select +fct_account_health_weekly`)."
        ) from exc


def read_labelled(database: Path | str) -> Labelled:
    con = duckdb.connect(str(database), read_only=True)
    try:
        columns = ", ".join(f"cast({c}_score as double) as {c}" for c in COMPONENTS)
        frame = labelled_rows(con, database, columns)
    finally:
        con.close()
    return Labelled(
        np.asarray(frame["customer_id"]),
        np.asarray(frame["week_start"]).astype("datetime64[D]"),
        np.asarray(frame["churns_within_90_days"]).astype(bool),
        {c: np.asarray(frame[c], dtype=float) for c in COMPONENTS},
    )


def split_week(week_start: np.ndarray, train_share: float = TRAIN_SHARE) -> np.datetime64:
    """The first week of the out-of-time part: earlier weeks hold ~train_share of the rows."""
    weeks = np.sort(week_start)
    return weeks[min(int(len(weeks) * train_share), len(weeks) - 1)]


def score(components: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    """The health score: weighted mean of the components (weights summing to 1)."""
    total = sum(weights.values())
    return sum(w * components[c] for c, w in weights.items() if w) / total


@dataclass
class Fit:
    split_week: date
    train_rows: int
    test_rows: int
    weights: dict[str, float]
    thresholds: dict[str, float]
    component_auc_train: dict[str, float | None]
    dropped: dict[str, str] = field(default_factory=dict)
    coefficients: dict[str, float] = field(default_factory=dict)

    def seed_rows(self) -> list[tuple[str, str]]:
        rows = [(f"weight_{c}", f"{self.weights.get(c, 0.0):.4f}") for c in COMPONENTS]
        rows += [(f"threshold_{k}", f"{v:.1f}") for k, v in self.thresholds.items()]
        rows += [("fitted_train_weeks_before", self.split_week.isoformat())]
        return rows


def fit(data: Labelled, train_share: float = TRAIN_SHARE) -> Fit:
    if data.churned.sum() == 0 or data.churned.all():
        raise SystemExit("no churn (or nothing but churn) in the labelled weeks: nothing to fit")
    cut = split_week(data.week_start, train_share)
    train = data.subset(data.week_start < cut)
    retained = ~train.churned
    component_auc = {c: auc(train.components[c], retained) for c in COMPONENTS}
    dropped = {
        c: f"AUC {a:.3f} < {MIN_COMPONENT_AUC} on its own"
        for c, a in component_auc.items()
        if a is None or a < MIN_COMPONENT_AUC
    }
    kept = [c for c in COMPONENTS if c not in dropped]
    coefficients: dict[str, float] = {}
    while kept:
        x = np.column_stack([train.components[c] / 100.0 for c in kept])
        beta = fit_logistic(x, retained.astype(float))
        coefficients = dict(zip(kept, beta[1:], strict=True))
        negative = [c for c, b in coefficients.items() if b <= 0]
        if not negative:
            break
        for c in negative:
            dropped[c] = f"coefficient {coefficients[c]:.3f} <= 0 beside the others"
        kept = [c for c in kept if c not in negative]
    if not kept:
        raise SystemExit("no component ranks churners below retained accounts: nothing to fit")
    total = sum(coefficients.values())
    weights = {
        c: round(coefficients.get(c, 0.0) / total, 4) if c in kept else 0.0 for c in COMPONENTS
    }
    train_score = score(train.components, weights)
    thresholds = {
        "green": round(float(np.quantile(train_score, AMBER_SHARE)), 1),
        "amber": round(float(np.quantile(train_score, RED_SHARE)), 1),
    }
    return Fit(
        split_week=cut.astype(date),
        train_rows=len(train),
        test_rows=int((data.week_start >= cut).sum()),
        weights=weights,
        thresholds=thresholds,
        component_auc_train=component_auc,
        dropped=dropped,
        coefficients=coefficients,
    )


def write_seed(result: Fit, path: Path = SEED) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["parameter", "value"])
        writer.writerows(result.seed_rows())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m support_success.health_fit",
        description="Fit the health score's weights and thresholds; write its seed.",
    )
    parser.add_argument("--database", help="DuckDB file to read (default: the working warehouse)")
    parser.add_argument("--dry-run", action="store_true", help="print the fit, write nothing")
    args = parser.parse_args(argv)
    database = Path(args.database) if args.database else paths.working_database()
    if not database.exists():
        print(f"no warehouse at {database}: load and build one first", file=sys.stderr)
        return 1
    result = fit(read_labelled(database))
    print(
        f"fitted on {result.train_rows:,} account-weeks before {result.split_week} "
        f"({result.test_rows:,} later ones kept for the out-of-time evaluation)"
    )
    for c in COMPONENTS:
        a = result.component_auc_train[c]
        shown = "n/a" if a is None else f"{a:.3f}"
        note = f"  dropped: {result.dropped[c]}" if c in result.dropped else ""
        print(f"  {c:<13} weight {result.weights[c]:.4f}  train AUC {shown}{note}")
    green, amber = result.thresholds["green"], result.thresholds["amber"]
    print(f"  thresholds: green >= {green}, amber >= {amber}")
    if not args.dry_run:
        write_seed(result)
        print(f"wrote {SEED}; run `warehouse build` (or `dbt seed && dbt build`) to apply it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
