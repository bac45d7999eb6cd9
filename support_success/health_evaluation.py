"""How well the account health score predicts churn, out of time.

    python -m support_success.health_evaluation [--database PATH]

Reads ``marts.fct_account_health_weekly`` of a built warehouse and the weights and thresholds it
was built with (``reference.health_score_model``, the seed ``python -m support_success.health_fit``
writes). Over the account-weeks whose 90-day outcome is known (``is_churn_label_observed``) it
splits at the fit's split week (weeks before it fitted the weights; the later ones are out of
time) and prints:

* the AUC of the health score and of each component, in time and out of time: the probability
  that an account that stays ranks above one that churns within 90 days (1.0 perfect, 0.5 chance;
  ties count one half, the Mann-Whitney form);
* per band (red, amber, green), out of time: the share of account-weeks in it, the share of the
  churners' weeks in it, and the churn rate in it against the overall rate (lift);
* the share of accounts red in the latest week;
* the weights and thresholds.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import numpy as np

from support_success import paths
from support_success.health_fit import COMPONENTS, auc, labelled_rows, split_week

SCORES = ("health_score",) + tuple(f"{c}_score" for c in COMPONENTS)
BANDS = ("red", "amber", "green")


@dataclass
class Band:
    name: str
    week_share: float
    churner_week_share: float
    churn_rate: float
    lift: float | None


@dataclass
class Evaluation:
    account_weeks: int
    churner_weeks: int
    accounts: int
    churned_accounts: int
    split_week: date
    test_weeks: int
    auc_in_time: dict[str, float | None]
    auc_out_of_time: dict[str, float | None]
    bands: list[Band]
    red_accounts_latest_week: tuple[int, int]
    parameters: dict[str, str]

    @property
    def auc_by_component(self) -> dict[str, float | None]:
        """Out-of-time AUC per score (the figure the issue asks for)."""
        return self.auc_out_of_time

    def summary(self) -> str:
        def shown(value: float | None) -> str:
            return "  n/a" if value is None else f"{value:.3f}"

        lines = [
            "Account health score: how well it ranks later churners below retained accounts",
            f"  account-weeks with a known 90-day outcome: {self.account_weeks:,} "
            f"({self.accounts:,} accounts); followed by a churn within 90 days: "
            f"{self.churner_weeks:,} ({self.churned_accounts:,} accounts)",
            f"  fitted on the weeks before {self.split_week}; out of time: the "
            f"{self.test_weeks:,} account-weeks from then on",
            "",
            f"  {'AUC':<22} {'in time':>8} {'out of time':>12}",
        ]
        for name in SCORES:
            lines.append(
                f"  {name:<22} {shown(self.auc_in_time[name]):>8} "
                f"{shown(self.auc_out_of_time[name]):>12}"
            )
        lines += ["", "  band (out of time)    account-weeks  churners' weeks  churn rate   lift"]
        for b in self.bands:
            lift = "   n/a" if b.lift is None else f"{b.lift:5.2f}x"
            lines.append(
                f"  {b.name:<20} {b.week_share:>14.1%} {b.churner_week_share:>16.1%} "
                f"{b.churn_rate:>11.2%} {lift:>6}"
            )
        red, total = self.red_accounts_latest_week
        lines.append(f"  red accounts in the latest week: {red:,} of {total:,}")
        lines += ["", "  weights and thresholds (reference.health_score_model):"]
        lines += [f"    {k:<28} {v}" for k, v in self.parameters.items()]
        return "\n".join(lines)


def _parameters(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    try:
        rows = con.execute(
            "select parameter, value from reference.health_score_model order by parameter"
        ).fetchall()
    except duckdb.CatalogException:
        return {}
    return {str(k): "" if v is None else str(v) for k, v in rows}


def evaluate(database: Path | str) -> Evaluation:
    """Evaluate the health score of the warehouse at ``database`` (opened read-only)."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        columns = ", ".join(f"cast({s} as double) as {s}" for s in SCORES)
        frame = labelled_rows(con, database, f"health_status, {columns}")
        latest = con.execute(
            """
            select count(*) filter (where health_status = 'red'), count(*)
            from marts.fct_account_health_weekly
            where week_start = (select max(week_start) from marts.fct_account_health_weekly)
            """
        ).fetchone()
        parameters = _parameters(con)
    finally:
        con.close()
    customer = np.asarray(frame["customer_id"])
    week = np.asarray(frame["week_start"]).astype("datetime64[D]")
    churned = np.asarray(frame["churns_within_90_days"]).astype(bool)
    status = np.asarray(frame["health_status"]).astype(str)
    scores = {s: np.asarray(frame[s], dtype=float) for s in SCORES}
    fitted_before = parameters.get("fitted_train_weeks_before") or ""
    if fitted_before:
        cut = np.datetime64(fitted_before, "D")
    elif len(week):
        cut = split_week(week)
    else:
        cut = np.datetime64("1970-01-01", "D")
    test = week >= cut

    def aucs(mask: np.ndarray) -> dict[str, float | None]:
        out = {}
        for s in SCORES:
            known = mask & ~np.isnan(scores[s])
            out[s] = auc(scores[s][known], ~churned[known])
        return out

    bands = []
    base_rate = churned[test].mean() if test.any() else 0.0
    for name in BANDS:
        in_band = test & (status == name)
        churn_rate = float(churned[in_band].mean()) if in_band.any() else 0.0
        bands.append(
            Band(
                name=name,
                week_share=float(in_band.sum() / max(test.sum(), 1)),
                churner_week_share=float(
                    (in_band & churned).sum() / max((test & churned).sum(), 1)
                ),
                churn_rate=churn_rate,
                lift=churn_rate / base_rate if base_rate else None,
            )
        )
    return Evaluation(
        account_weeks=len(week),
        churner_weeks=int(churned.sum()),
        accounts=len(set(customer.tolist())),
        churned_accounts=len(set(customer[churned].tolist())),
        split_week=cut.astype(date),
        test_weeks=int(test.sum()),
        auc_in_time=aucs(~test),
        auc_out_of_time=aucs(test),
        bands=bands,
        red_accounts_latest_week=(int(latest[0]), int(latest[1])),
        parameters=parameters,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m support_success.health_evaluation",
        description="Print how well the account health score predicts churn within 90 days.",
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
