"""The health score's fit and evaluation: AUC arithmetic by hand, the fit's rules, the command on a
tiny warehouse whose figures are worked out below."""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pytest

from support_success import health_evaluation, health_fit
from support_success.health_evaluation import evaluate, main
from support_success.health_fit import Labelled, auc, fit, fit_logistic


def _auc(retained: list[float], churners: list[float]) -> float | None:
    return auc(
        np.array(retained + churners), np.array([True] * len(retained) + [False] * len(churners))
    )


def test_auc_is_one_when_every_retained_account_scores_above_every_churner():
    assert _auc([3.0, 4.0], [1.0, 2.0]) == 1.0


def test_auc_is_zero_when_the_ranking_is_reversed():
    assert _auc([1.0, 2.0], [3.0, 4.0]) == 0.0


def test_auc_counts_ties_as_one_half():
    # pairs (retained, churner): (2, 1) ranked right = 1, (1, 1) tie = 1/2 -> 1.5 / 2
    assert _auc([2.0, 1.0], [1.0]) == pytest.approx(0.75)
    assert _auc([7.0], [7.0]) == pytest.approx(0.5)


def test_auc_hand_worked_pairs():
    # retained 5, 3, 8 against churners 4, 1: 5>4, 5>1, 3<4, 3>1, 8>4, 8>1 -> 5 of 6 pairs
    assert _auc([5.0, 3.0, 8.0], [4.0, 1.0]) == pytest.approx(5 / 6)


def test_auc_is_undefined_without_both_classes():
    assert _auc([], [1.0]) is None
    assert _auc([1.0], []) is None


def test_the_logistic_fit_recovers_known_coefficients():
    rng = np.random.default_rng(7)
    x = rng.uniform(0, 1, (40_000, 2))
    p = 1 / (1 + np.exp(-(-1.0 + 3.0 * x[:, 0] - 2.0 * x[:, 1])))
    y = (rng.random(40_000) < p).astype(float)
    beta = fit_logistic(x, y, ridge=0.0)
    assert beta == pytest.approx([-1.0, 3.0, -2.0], abs=0.12)


def _labelled(n_weeks: int = 20, per_week: int = 200, seed: int = 3) -> Labelled:
    """Accounts whose churn depends on adoption (strongly) and support (weakly); billing points
    the wrong way (churners score higher) and relationship is noise."""
    rng = np.random.default_rng(seed)
    n = n_weeks * per_week
    adoption = rng.uniform(0, 100, n)
    support = rng.uniform(0, 100, n)
    risk = 1 / (1 + np.exp(-(2.5 - 0.06 * adoption - 0.03 * support)))
    churned = rng.random(n) < risk
    billing = np.where(churned, 90.0, 60.0) + rng.normal(0, 10, n)
    relationship = rng.uniform(0, 100, n)
    weeks = np.datetime64("2025-01-06") + 7 * np.repeat(np.arange(n_weeks), per_week)
    return Labelled(
        np.array([f"c{i % per_week}" for i in range(n)]),
        weeks.astype("datetime64[D]"),
        churned,
        {
            "adoption": adoption,
            "support": support,
            "relationship": relationship,
            "billing": billing,
        },
    )


def test_the_fit_drops_components_that_point_the_wrong_way_or_carry_nothing():
    result = fit(_labelled())
    assert result.weights["billing"] == 0.0  # churners score higher: never rewarded
    assert "billing" in result.dropped
    assert result.weights["relationship"] == 0.0  # noise: AUC about 0.5 < 0.55
    assert result.weights["adoption"] > result.weights["support"] > 0
    assert sum(result.weights.values()) == pytest.approx(1.0, abs=1e-3)
    # fitted on the first 60 % of the weeks: 12 of 20 weekly cohorts
    assert result.split_week == date(2025, 1, 6) + 12 * (date(2025, 1, 13) - date(2025, 1, 6))
    assert result.train_rows == 12 * 200 and result.test_rows == 8 * 200
    # thresholds: the 10th and 30th percentiles of the training weeks' scores
    data = _labelled()
    train = data.week_start < np.datetime64(result.split_week)
    scores = health_fit.score({k: v[train] for k, v in data.components.items()}, result.weights)
    assert result.thresholds["amber"] == pytest.approx(np.quantile(scores, 0.10), abs=0.051)
    assert result.thresholds["green"] == pytest.approx(np.quantile(scores, 0.30), abs=0.051)


def test_the_fit_writes_the_seed_the_model_reads(tmp_path):
    result = fit(_labelled())
    seed = tmp_path / "health_score_model.csv"
    health_fit.write_seed(result, seed)
    lines = seed.read_text().splitlines()
    assert lines[0] == "parameter,value"
    written = dict(line.split(",") for line in lines[1:])
    assert set(written) == {
        "weight_adoption",
        "weight_support",
        "weight_relationship",
        "weight_billing",
        "threshold_green",
        "threshold_amber",
        "fitted_train_weeks_before",
    }
    assert float(written["weight_billing"]) == 0.0
    assert written["fitted_train_weeks_before"] == result.split_week.isoformat()


def _tiny_warehouse(path, *, with_model: bool = True):
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(
        """
        create table marts.fct_account_health_weekly as
        select customer_id, cast(week_start as date) as week_start, churns_within_90_days,
            is_churn_label_observed, health_status, health_score, adoption_score, support_score,
            relationship_score, billing_score
        from (values
            -- in time (before 2025-02-03)
            ('a', '2025-01-06', false, true, 'green', 80.0, 90.0, 70.0, 50.0, 100.0),
            ('c', '2025-01-06', true,  true, 'red',   50.0, 30.0, 80.0, 50.0, 50.0),
            -- out of time
            ('a', '2025-02-03', false, true, 'green', 80.0, 90.0, 70.0, 50.0, 100.0),
            ('b', '2025-02-03', false, true, 'amber', 60.0, 40.0, 70.0, 50.0, 100.0),
            ('c', '2025-02-03', true,  true, 'red',   50.0, 30.0, 80.0, 50.0, 50.0),
            ('d', '2025-02-03', true,  true, 'green', 70.0, 20.0, 90.0, 50.0, 100.0),
            -- not yet observed: would reverse the ranking if it were read
            ('e', '2025-03-03', true,  false, 'red',  99.0, 99.0, 99.0, 99.0, 99.0),
            ('f', '2025-03-03', false, false, 'green', 9.0, 9.0, 9.0, 9.0, 9.0)
        ) as t(customer_id, week_start, churns_within_90_days, is_churn_label_observed,
               health_status, health_score, adoption_score, support_score, relationship_score,
               billing_score)
        """
    )
    if with_model:
        con.execute("create schema reference")
        con.execute(
            """
            create table reference.health_score_model as select * from (values
                ('weight_adoption', '0.6'), ('weight_support', '0.4'),
                ('weight_relationship', '0'), ('weight_billing', '0'),
                ('threshold_green', '65.0'), ('threshold_amber', '55.0'),
                ('fitted_train_weeks_before', '2025-02-03')) as t(parameter, value)
            """
        )
    con.close()


def test_evaluate_splits_at_the_fit_week_and_reads_only_known_outcomes(tmp_path):
    database = tmp_path / "warehouse.duckdb"
    _tiny_warehouse(database)
    result = evaluate(database)
    assert result.account_weeks == 6
    assert result.churner_weeks == 3
    assert result.churned_accounts == 2
    assert result.split_week == date(2025, 2, 3)
    assert result.test_weeks == 4
    # out of time, health: retained 80, 60 vs churners 50, 70: 80>50, 80>70, 60>50, 60<70 -> 3/4
    assert result.auc_out_of_time["health_score"] == pytest.approx(0.75)
    # adoption: 90, 40 vs 30, 20 -> 4/4; support: 70, 70 vs 80, 90 -> 0/4; relationship all tie
    assert result.auc_out_of_time["adoption_score"] == pytest.approx(1.0)
    assert result.auc_out_of_time["support_score"] == pytest.approx(0.0)
    assert result.auc_out_of_time["relationship_score"] == pytest.approx(0.5)
    # in time: a 80 vs c 50 -> 1.0
    assert result.auc_in_time["health_score"] == pytest.approx(1.0)
    bands = {b.name: b for b in result.bands}
    # out of time: red = c (a churner): 1 of 4 weeks, 1 of 2 churners' weeks, churn rate 100 %
    # against 50 % overall -> lift 2; green = a, d: 2 of 4, 1 of 2 churners, 50 % -> lift 1
    assert (bands["red"].week_share, bands["red"].churner_week_share) == (0.25, 0.5)
    assert bands["red"].lift == pytest.approx(2.0)
    assert bands["green"].lift == pytest.approx(1.0)
    assert bands["amber"].churn_rate == 0.0
    # latest week (2025-03-03): e red, f green
    assert result.red_accounts_latest_week == (1, 2)
    assert result.parameters["weight_adoption"] == "0.6"


def test_without_a_fitted_model_the_split_is_the_default_share(tmp_path):
    database = tmp_path / "warehouse.duckdb"
    _tiny_warehouse(database, with_model=False)
    result = evaluate(database)
    # 6 labelled weeks sorted: the 60 % cut falls on row 3 -> 2025-02-03
    assert result.split_week == date(2025, 2, 3)
    assert result.parameters == {}


def test_command_prints_the_auc_bands_and_weights(tmp_path, capsys):
    database = tmp_path / "warehouse.duckdb"
    _tiny_warehouse(database)
    assert main(["--database", str(database)]) == 0
    out = capsys.readouterr().out
    assert "health_score" in out and "0.750" in out
    assert "lift" in out and "2.00x" in out
    assert "weight_adoption" in out


def test_a_warehouse_without_the_mart_says_to_build(tmp_path):
    database = tmp_path / "empty.duckdb"
    duckdb.connect(str(database)).close()
    with pytest.raises(SystemExit, match="build it first"):
        health_evaluation.evaluate(database)


def test_command_explains_a_missing_warehouse(tmp_path, capsys):
    assert main(["--database", str(tmp_path / "nowhere.duckdb")]) == 1
    assert "no warehouse" in capsys.readouterr().err
