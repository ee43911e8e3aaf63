"""Scenario arithmetic against hand-computed examples (issue 8 §3)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard.scenarios import Change, NewInitiative, against_frame, apply, coverage_by_district

NAN = float("nan")


def lines() -> pd.DataFrame:
    """A: 600.000 kr. in district 3 reaching 60 and 400.000 kr. in district 8 reaching 20; B: 300.000 kr. city-wide reaching 30;
    C: no budget in district 3 but 10 reached; D: 200.000 kr. in district 8 reaching no one."""
    return pd.DataFrame(
        {
            "initiative_id": ["A", "A", "B", "C", "D"],
            "district_id": [3, 8, NAN, 3, 8],
            "budget_kr": [600_000.0, 400_000.0, 300_000.0, 0.0, 200_000.0],
            "reached_18_25": [60.0, 20.0, 30.0, 10.0, 0.0],
        }
    )


RESIDENTS = pd.Series({3: 10_000.0, 8: 5_000.0})


def scenario_of(frame: pd.DataFrame, initiative: str) -> pd.DataFrame:
    return frame[frame["initiative_id"] == initiative]


def test_stopping_an_initiative_removes_its_budget_and_reach_in_every_district():
    scenario = apply(lines(), {"A": Change(step=-1.0)})
    assert scenario_of(scenario, "A")["scenario_budget_kr"].tolist() == [0.0, 0.0]
    assert scenario_of(scenario, "A")["scenario_reached_18_25"].tolist() == [0.0, 0.0]
    totals = against_frame(scenario, None)
    assert totals["baseline_kr"] == 1_500_000  # 600 + 400 + 300 + 0 + 200 thousand
    assert totals["scenario_kr"] == 500_000  # exactly A's 1.000.000 less
    coverage = coverage_by_district(scenario, RESIDENTS)
    assert coverage.loc[3, "baseline_per_1000"] == pytest.approx(7.0)  # (60 + 10) / 10.000 × 1.000
    assert coverage.loc[3, "scenario_per_1000"] == pytest.approx(1.0)  # C's 10 remain
    assert coverage.loc[8, "scenario_per_1000"] == 0.0  # A's 20 gone; D reaches no one


def test_a_relative_step_scales_budget_and_reach_per_district():
    scenario = apply(lines(), {"A": Change(step=0.5)})
    assert scenario_of(scenario, "A")["scenario_budget_kr"].tolist() == [900_000.0, 600_000.0]
    assert scenario_of(scenario, "A")["scenario_reached_18_25"].tolist() == [90.0, 30.0]


def test_an_amount_is_spread_like_todays_budget():
    scenario = apply(lines(), {"A": Change(amount_kr=500_000)})  # half of today's 1.000.000
    assert scenario_of(scenario, "A")["scenario_budget_kr"].tolist() == [300_000.0, 200_000.0]
    assert scenario_of(scenario, "A")["scenario_reached_18_25"].tolist() == [30.0, 10.0]


def test_zero_reach_stays_zero_and_zero_budget_keeps_its_reach():
    scenario = apply(lines(), {"D": Change(step=0.5), "C": Change(step=0.5)})
    assert scenario_of(scenario, "D")["scenario_reached_18_25"].tolist() == [0.0]
    assert scenario_of(scenario, "D")["scenario_budget_kr"].tolist() == [300_000.0]
    assert scenario_of(scenario, "C")["scenario_reached_18_25"].tolist() == [10.0]  # no cost to scale from
    assert scenario_of(scenario, "C")["scenario_budget_kr"].tolist() == [0.0]


def test_an_amount_for_an_initiative_without_budget_is_spread_evenly_and_keeps_reach():
    scenario = apply(lines(), {"C": Change(amount_kr=80_000)})
    assert scenario_of(scenario, "C")["scenario_budget_kr"].tolist() == [80_000.0]
    assert scenario_of(scenario, "C")["scenario_reached_18_25"].tolist() == [10.0]


def test_a_new_initiative_in_one_district_adds_its_budget_and_reach_there():
    scenario = apply(lines(), {}, (NewInitiative("NY-1", budget_kr=250_000, reached_18_25=25, districts=(8,)),))
    assert against_frame(scenario, None)["scenario_kr"] == 1_750_000
    coverage = coverage_by_district(scenario, RESIDENTS)
    assert coverage.loc[8, "baseline_per_1000"] == pytest.approx(4.0)  # A's 20 / 5.000 × 1.000
    assert coverage.loc[8, "scenario_per_1000"] == pytest.approx(9.0)  # (20 + 25) / 5.000 × 1.000
    assert coverage.loc[3, "scenario_per_1000"] == pytest.approx(7.0)  # unchanged


def test_a_new_city_wide_initiative_counts_in_the_total_but_in_no_district():
    scenario = apply(lines(), {}, (NewInitiative("NY-2", budget_kr=100_000, reached_18_25=50),))
    assert against_frame(scenario, None)["scenario_kr"] == 1_600_000
    assert coverage_by_district(scenario, RESIDENTS)["scenario_reached"].tolist() == [70.0, 20.0]


def test_a_frame_exceeded_shows_a_negative_room():
    scenario = apply(lines(), {"B": Change(step=0.5)})  # +150.000
    totals = against_frame(scenario, 1_600_000)
    assert totals["scenario_kr"] == 1_650_000
    assert totals["room_kr"] == -50_000


def test_a_district_without_residents_has_no_rate_rather_than_infinity():
    coverage = coverage_by_district(apply(lines(), {}), pd.Series({3: 0.0, 8: 5_000.0}))
    assert math.isnan(coverage.loc[3, "scenario_per_1000"])
