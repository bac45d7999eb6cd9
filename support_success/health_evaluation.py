"""How well the account health score predicts churn: the AUC it reaches on a built warehouse.

    python -m support_success.health_evaluation [--database PATH]

Reads ``marts.fct_account_health_weekly`` and, over the account-weeks whose 90-day outcome is
already known (``is_churn_label_observed``), measures how often the score ranks an account that
churns within the next 90 days below one that does not: the area under the ROC curve of the
score as a predictor of retention (1.0 = perfect ranking, 0.5 = no better than chance). Ties
count one half (the Mann-Whitney form of the AUC). Each component is measured the same way, so a
reader sees which signals carry the score.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from support_success import paths

COMPONENTS = (
    "health_score",
    "adoption_score",
    "support_score",
    "relationship_score",
    "billing_score",
)


def auc(scores_retained: list[float], scores_churned: list[float]) -> float | None:
    """P(a retained account scores above a churner), ties counted 1/2; None if a class is empty.

    Computed from average ranks (Mann-Whitney U), O(n log n):
    AUC = (sum of the retained accounts' ranks - n_r (n_r + 1) / 2) / (n_r * n_c).
    """
    n_r, n_c = len(scores_retained), len(scores_churned)
    if n_r == 0 or n_c == 0:
        return None
    labelled = sorted(
        [(s, 1) for s in scores_retained] + [(s, 0) for s in scores_churned], key=lambda p: p[0]
    )
    rank_sum_retained = 0.0
    i = 0
    while i < len(labelled):
        j = i
        while j + 1 < len(labelled) and labelled[j + 1][0] == labelled[i][0]:
            j += 1
        average_rank = (i + j) / 2 + 1  # ranks are 1-based
        rank_sum_retained += average_rank * sum(1 for k in range(i, j + 1) if labelled[k][1] == 1)
        i = j + 1
    return (rank_sum_retained - n_r * (n_r + 1) / 2) / (n_r * n_c)


@dataclass
class Evaluation:
    account_weeks: int
    churner_weeks: int
    accounts: int
    churned_accounts: int
    auc_by_component: dict[str, float | None]

    def summary(self) -> str:
        lines = [
            "Account health score: how well it ranks later churners below retained accounts",
            f"  account-weeks with a known 90-day outcome: {self.account_weeks:,} "
            f"({self.accounts:,} accounts)",
            f"  of which followed by a churn within 90 days: {self.churner_weeks:,} "
            f"({self.churned_accounts:,} accounts)",
        ]
        for name, value in self.auc_by_component.items():
            shown = "n/a (no churner or no retained week)" if value is None else f"{value:.3f}"
            lines.append(f"  AUC {name:<20} {shown}")
        return "\n".join(lines)


def evaluate(database: Path | str) -> Evaluation:
    """Evaluate the health score of the warehouse at ``database`` (opened read-only)."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        columns = ", ".join(COMPONENTS)
        rows = con.execute(
            f"""
            select customer_id, churns_within_90_days, {columns}
            from marts.fct_account_health_weekly
            where is_churn_label_observed
            """
        ).fetchall()
    except duckdb.CatalogException as exc:
        raise SystemExit(
            f"{database} has no marts.fct_account_health_weekly: build it first "
            "(`warehouse build` or `dbt build --select +fct_account_health_weekly`)."
        ) from exc
    finally:
        con.close()
    aucs: dict[str, float | None] = {}
    for position, name in enumerate(COMPONENTS, start=2):
        retained = [float(r[position]) for r in rows if not r[1] and r[position] is not None]
        churned = [float(r[position]) for r in rows if r[1] and r[position] is not None]
        aucs[name] = auc(retained, churned)
    return Evaluation(
        account_weeks=len(rows),
        churner_weeks=sum(1 for r in rows if r[1]),
        accounts=len({r[0] for r in rows}),
        churned_accounts=len({r[0] for r in rows if r[1]}),
        auc_by_component=aucs,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m support_success.health_evaluation",
        description="Print the AUC of the account health score at predicting churn within 90 days.",
    )
    parser.add_argument(
        "--database",
        help="DuckDB file to read (default: the working warehouse, $WAREHOUSE_DUCKDB_PATH)",
    )
    args = parser.parse_args(argv)
    database = Path(args.database) if args.database else paths.working_database()
    if not database.exists():
        print(f"no warehouse at {database}: load and build one first", file=sys.stderr)
        return 1
    print(evaluate(database).summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
