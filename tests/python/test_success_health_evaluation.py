"""The health-score evaluation: the AUC arithmetic by hand, and the command on a tiny warehouse."""

from __future__ import annotations

import duckdb
import pytest

from support_success import health_evaluation
from support_success.health_evaluation import auc, evaluate, main


def test_auc_is_one_when_every_retained_account_scores_above_every_churner():
    assert auc([3.0, 4.0], [1.0, 2.0]) == 1.0


def test_auc_is_zero_when_the_ranking_is_reversed():
    assert auc([1.0, 2.0], [3.0, 4.0]) == 0.0


def test_auc_counts_ties_as_one_half():
    # pairs (retained, churner): (2, 1) ranked right = 1, (1, 1) tie = 1/2 -> 1.5 / 2
    assert auc([2.0, 1.0], [1.0]) == pytest.approx(0.75)
    assert auc([7.0], [7.0]) == pytest.approx(0.5)


def test_auc_hand_worked_pairs():
    # retained 5, 3, 8 against churners 4, 1: 5>4, 5>1, 3<4, 3>1, 8>4, 8>1 -> 5 of 6 pairs
    assert auc([5.0, 3.0, 8.0], [4.0, 1.0]) == pytest.approx(5 / 6)


def test_auc_is_undefined_without_both_classes():
    assert auc([], [1.0]) is None
    assert auc([1.0], []) is None


def _tiny_warehouse(path):
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(
        """
        create table marts.fct_account_health_weekly as
        select * from (values
            ('a', false, true, 80.0, 90.0, 70.0, 50.0, 100.0),
            ('b', false, true, 60.0, 40.0, 70.0, 50.0, 100.0),
            ('c', true,  true, 50.0, 30.0, 80.0, 50.0, 50.0),
            ('d', true,  true, 70.0, 20.0, 90.0, 50.0, 100.0),
            -- not yet observed: would reverse the ranking if it were read
            ('e', true,  false, 99.0, 99.0, 99.0, 99.0, 99.0)
        ) as t(customer_id, churns_within_90_days, is_churn_label_observed, health_score,
               adoption_score, support_score, relationship_score, billing_score)
        """
    )
    con.close()


def test_evaluate_reads_only_weeks_whose_outcome_is_known(tmp_path):
    database = tmp_path / "warehouse.duckdb"
    _tiny_warehouse(database)
    result = evaluate(database)
    assert result.account_weeks == 4
    assert result.churner_weeks == 2
    assert result.churned_accounts == 2
    # health: retained 80, 60 vs churners 50, 70: 80>50, 80>70, 60>50, 60<70 -> 3/4
    assert result.auc_by_component["health_score"] == pytest.approx(0.75)
    # adoption: 90, 40 vs 30, 20 -> 4/4; support: 70, 70 vs 80, 90 -> 0/4
    assert result.auc_by_component["adoption_score"] == pytest.approx(1.0)
    assert result.auc_by_component["support_score"] == pytest.approx(0.0)
    # relationship: all 50 -> every pair ties -> 0.5
    assert result.auc_by_component["relationship_score"] == pytest.approx(0.5)


def test_command_prints_the_auc(tmp_path, capsys):
    database = tmp_path / "warehouse.duckdb"
    _tiny_warehouse(database)
    assert main(["--database", str(database)]) == 0
    out = capsys.readouterr().out
    assert "AUC health_score" in out
    assert "0.750" in out


def test_command_explains_a_missing_warehouse(tmp_path, capsys):
    assert main(["--database", str(tmp_path / "nowhere.duckdb")]) == 1
    assert "no warehouse" in capsys.readouterr().err


def test_command_explains_an_unbuilt_warehouse(tmp_path):
    database = tmp_path / "empty.duckdb"
    duckdb.connect(str(database)).close()
    with pytest.raises(SystemExit, match="build it first"):
        health_evaluation.evaluate(database)
