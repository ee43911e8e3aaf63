"""Scenario arithmetic against hand-computed examples (issue 8 §3)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dashboard.scenarios import (
    STEPS,
    Change,
    NewInitiative,
    Scenario,
    against_frame,
    apply,
    budget_by_group,
    coverage_by_district,
    membership,
    reallocation,
)
from sikkerby import formatting as fmt

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


# --- Issue 15 §6: bugs where the money is decided, each killed by a hand-worked figure --------------


def test_a_new_initiative_in_two_districts_is_split_evenly_not_counted_in_full_in_each():
    new = NewInitiative("NY-3", budget_kr=300_000, reached_18_25=30, districts=(3, 8))
    scenario = apply(lines(), {}, (new,))
    mine = scenario_of(scenario, "NY-3")
    assert mine["scenario_budget_kr"].tolist() == [150_000.0, 150_000.0]  # 300.000 / 2 districts
    assert mine["scenario_reached_18_25"].tolist() == [15.0, 15.0]  # 30 / 2
    assert mine["budget_kr"].tolist() == [0.0, 0.0]  # nothing of it in the baseline
    assert mine["reached_18_25"].tolist() == [0.0, 0.0]
    assert scenario.index.tolist() == list(range(7))  # one row each: the five lines and the new initiative's two
    assert scenario.columns.tolist() == [
        "initiative_id",
        "district_id",
        "budget_kr",
        "reached_18_25",
        "scenario_budget_kr",
        "scenario_reached_18_25",
    ]
    assert against_frame(scenario, None)["scenario_kr"] == 1_800_000  # 1.500.000 + 300.000 once, not twice
    coverage = coverage_by_district(scenario, RESIDENTS)
    assert coverage.loc[3, "scenario_per_1000"] == pytest.approx(8.5)  # (60 + 10 + 15) / 10.000 × 1.000
    assert coverage.loc[8, "scenario_per_1000"] == pytest.approx(7.0)  # (20 + 15) / 5.000 × 1.000


def test_a_new_amount_of_zero_is_a_stop_not_unchanged():
    by_amount = apply(lines(), {"A": Change(amount_kr=0.0)})
    by_stop = apply(lines(), {"A": Change(step=-1.0)})
    assert scenario_of(by_amount, "A")["scenario_budget_kr"].tolist() == [0.0, 0.0]
    assert scenario_of(by_amount, "A")["scenario_reached_18_25"].tolist() == [0.0, 0.0]
    pd.testing.assert_frame_equal(by_amount, by_stop)
    assert against_frame(by_amount, None)["scenario_kr"] == 500_000  # 1.500.000 less A's 1.000.000


def test_a_new_amount_equal_to_todays_budget_changes_nothing():
    scenario = apply(lines(), {"A": Change(amount_kr=1_000_000)})  # 600.000 + 400.000 today
    assert scenario_of(scenario, "A")["scenario_budget_kr"].tolist() == [600_000.0, 400_000.0]
    assert scenario_of(scenario, "A")["scenario_reached_18_25"].tolist() == [60.0, 20.0]
    totals = against_frame(scenario, None)
    assert totals["baseline_kr"] == totals["scenario_kr"] == 1_500_000


def test_unchanged_gives_exactly_the_baseline():
    scenario = apply(lines(), {"A": Change(), "B": Change(step=0.0)})
    assert scenario["scenario_budget_kr"].tolist() == scenario["budget_kr"].tolist()
    assert scenario["scenario_reached_18_25"].tolist() == scenario["reached_18_25"].tolist()


def test_an_amount_for_an_initiative_without_budget_in_two_districts_is_split_evenly_between_them():
    frame = pd.concat(
        [lines(), pd.DataFrame({"initiative_id": ["E", "E"], "district_id": [3, 8], "budget_kr": [0.0, 0.0], "reached_18_25": [4.0, 6.0]})],
        ignore_index=True,
    )
    scenario = apply(frame, {"E": Change(amount_kr=90_000)})
    assert scenario_of(scenario, "E")["scenario_budget_kr"].tolist() == [45_000.0, 45_000.0]  # 90.000 / 2 lines
    assert scenario_of(scenario, "E")["scenario_reached_18_25"].tolist() == [4.0, 6.0]  # no cost to scale reach from
    assert scenario_of(scenario, "A")["scenario_budget_kr"].tolist() == [600_000.0, 400_000.0]  # nobody else moves


def test_changes_to_two_initiatives_each_apply_to_their_own_lines_only():
    scenario = apply(lines(), {"A": Change(step=-0.25), "D": Change(amount_kr=50_000)})
    assert scenario_of(scenario, "A")["scenario_budget_kr"].tolist() == [450_000.0, 300_000.0]  # 75 % of 600/400 thousand
    assert scenario_of(scenario, "A")["scenario_reached_18_25"].tolist() == [45.0, 15.0]
    assert scenario_of(scenario, "D")["scenario_budget_kr"].tolist() == [50_000.0]
    assert scenario_of(scenario, "B")["scenario_budget_kr"].tolist() == [300_000.0]
    assert against_frame(scenario, None)["scenario_kr"] == 1_100_000  # 750 + 300 + 0 + 50 thousand


def test_a_change_to_an_initiative_not_in_the_year_changes_nothing():
    scenario = apply(lines(), {"GONE": Change(step=-1.0)})
    assert scenario["scenario_budget_kr"].tolist() == [600_000.0, 400_000.0, 300_000.0, 0.0, 200_000.0]


def test_a_frame_equal_to_the_total_leaves_exactly_nothing_and_one_krone_over_is_exceeded():
    scenario = apply(lines(), {})
    assert against_frame(scenario, 1_500_000)["room_kr"] == 0
    assert against_frame(scenario, 1_499_999)["room_kr"] == -1
    assert against_frame(scenario, None)["room_kr"] is None
    assert against_frame(scenario, 0.0)["room_kr"] == -1_500_000  # a frame of 0 kr. is a frame, not "no frame"


def test_a_district_without_any_line_reaches_zero_not_missing():
    coverage = coverage_by_district(apply(lines(), {}), pd.Series({3: 10_000.0, 5: 2_000.0, 8: 5_000.0}))
    assert coverage.loc[5, "baseline_reached"] == 0.0
    assert coverage.loc[5, "scenario_per_1000"] == 0.0
    assert coverage.index.tolist() == [3, 5, 8]  # the residents' districts, in their order
    assert coverage.loc[3, "residents_18_25"] == 10_000.0


GOAL_LINKS = pd.DataFrame({"initiative_id": ["A", "A", "B", "D", "Z"], "goal_id": [1, 3, 1, 4, 2]})  # Z: no line in the year
INITIATIVES = pd.DataFrame(
    {"initiative_id": ["A", "B", "C", "D"], "focus_area_id": [4, 4, 1, 5], "administration_code": ["SOF", "BUF", "SOF", "TMF"]}
)


def test_a_multi_goal_initiative_is_split_between_its_goals_and_counted_once_in_the_total():
    scenario = apply(lines(), {"A": Change(step=-0.5)})
    groups = membership(INITIATIVES, GOAL_LINKS)
    by_goal = budget_by_group(scenario, groups["goal"])
    # A: 1.000.000 kr. → 500.000 kr. over goals 1 and 3, half each; B: 300.000 kr. on goal 1; D: 200.000 kr. on goal 4
    assert by_goal.loc[1].tolist() == [800_000.0, 550_000.0, -250_000.0]  # 500 + 300 thousand → 250 + 300
    assert by_goal.loc[3].tolist() == [500_000.0, 250_000.0, -250_000.0]
    assert by_goal.loc[4].tolist() == [200_000.0, 200_000.0, 0.0]
    assert by_goal["baseline_kr"].sum() == 1_500_000  # every krone once: A, B, C (0) and D
    assert by_goal.index.tolist() == [1, 3, 4]  # goal 2 has only Z, with no line in the year: absent here (the outcome adds it at 0 kr.)


def test_a_new_initiative_counts_in_its_goals_focus_area_and_administration():
    new = NewInitiative(
        "NY-4", budget_kr=400_000, reached_18_25=0, districts=(3,), goal_ids=(2, 3), focus_area_id=1, administration_code="KFF"
    )
    scenario = apply(lines(), {}, (new,))
    groups = membership(INITIATIVES, GOAL_LINKS, (new,))
    by_goal = budget_by_group(scenario, groups["goal"])
    assert by_goal.loc[2].tolist() == [0.0, 200_000.0, 200_000.0]  # half of 400.000 on each of its two goals
    assert by_goal.loc[3].tolist() == [500_000.0, 700_000.0, 200_000.0]
    by_area = budget_by_group(scenario, groups["focus_area"])
    assert by_area.loc[1].tolist() == [0.0, 400_000.0, 400_000.0]  # C (0 kr.) and NY-4 in full: an area counts once
    assert by_area.loc[4].tolist() == [1_300_000.0, 1_300_000.0, 0.0]  # A and B
    by_admin = budget_by_group(scenario, groups["administration"])
    assert by_admin.loc["KFF"].tolist() == [0.0, 400_000.0, 400_000.0]
    assert by_admin.loc["SOF"].tolist() == [1_000_000.0, 1_000_000.0, 0.0]  # A and C


def test_a_new_initiative_without_goal_area_or_administration_counts_in_the_total_only():
    new = NewInitiative("NY-5", budget_kr=100_000, reached_18_25=0)
    scenario = apply(lines(), {}, (new,))
    groups = membership(INITIATIVES, GOAL_LINKS, (new,))
    assert "NY-5" not in set(groups["goal"]["initiative_id"]) | set(groups["focus_area"]["initiative_id"])
    assert budget_by_group(scenario, groups["focus_area"])["scenario_kr"].sum() == 1_500_000  # without NY-5
    assert against_frame(scenario, None)["scenario_kr"] == 1_600_000  # with it


def test_a_change_label_names_the_step_or_the_amount():
    assert Change(step=-1.0).label() == "Stop"
    assert Change(step=0.25).label() == "+25 %"
    assert Change().label() == "Uændret"
    assert Change(step=-0.5, amount_kr=0.0).label() == "Beløb"  # an amount, even 0 kr., is an amount
    assert Change(step=0.1).label() == "+10%"  # a step the editor does not offer (from a workbook)


def test_a_scenario_reads_back_from_json_exactly():
    scenario = Scenario(
        "Plan B",
        2013,
        changes={"A": Change(step=-0.25), "C": Change(amount_kr=80_000.5)},
        new=(
            NewInitiative(
                "NY-1", 250_000, 25, districts=(3, 8), goal_ids=(1, 4), name="Ny gadeplan", focus_area_id=2, administration_code="BIF"
            ),
            NewInitiative("NY-2", 100_000, 0),
        ),
        frame_kr=2_000_000,
        names={"A": "Gadeplan", "C": "Café"},
    )
    assert Scenario.from_json(scenario.to_json()) == scenario
    assert '"Café"' in scenario.to_json()  # Danish text kept as written, not escaped


def test_a_scenario_says_which_changed_initiatives_the_data_no_longer_has():
    scenario = Scenario("Plan", 2010, changes={"A": Change(step=-1.0), "X": Change(step=0.5)}, names={"X": "Nedlagt"})
    assert scenario.missing_from({"A", "B"}) == {"X": "Nedlagt"}
    assert Scenario("Plan", 2010, changes={"Y": Change(step=-1.0)}).missing_from(set()) == {"Y": ""}  # saved without a name
    assert scenario.missing_from({"A", "X"}) == {}


def test_a_scenario_without_names_reads_back_with_empty_names():
    scenario = Scenario("Plan", 2010, changes={"A": Change(step=-1.0)})
    back = Scenario.from_json(scenario.to_json())
    assert back.names == {"A": ""}  # not None: the page and the brief print it
    assert back.changes == {"A": Change(step=-1.0)}


def test_a_scenario_written_by_an_older_version_reads_with_the_defaults():
    older = '{"name": "Gammel", "year": "2011", "changes": {"A": {"step": -0.5}}, "new": [{"initiative_id": "NY", "budget_kr": 10, "reached_18_25": 2}]}'
    scenario = Scenario.from_json(older)
    assert scenario == Scenario("Gammel", 2011, changes={"A": Change(step=-0.5)}, new=(NewInitiative("NY", 10.0, 2.0),), names={"A": ""})
    assert scenario.new[0].name == "" and scenario.new[0].focus_area_id is None and scenario.frame_kr is None
    assert Scenario.from_json('{"name": "Tom", "year": 2012, "changes": {}}').new == ()


def test_a_line_of_one_krone_scales_its_reach_like_any_other():
    frame = pd.DataFrame({"initiative_id": ["F"], "district_id": [3], "budget_kr": [1.0], "reached_18_25": [10.0]})
    scenario = apply(frame, {"F": Change(step=0.5)})
    assert scenario["scenario_budget_kr"].tolist() == [1.5]
    assert scenario["scenario_reached_18_25"].tolist() == [15.0]


def source_row(budget: float, young: object) -> pd.Series:
    return pd.Series(
        {
            "initiative_id": "SOF-001",
            "name": "Væresteder",
            "budget_kr": budget,
            "participants_18_25": young,
            "focus_area_id": np.int64(4),
            "administration_code": "SOF",
            "goal_ids": (np.int32(1), np.int32(3)),
        }
    )


@pytest.mark.parametrize(
    ("step", "budget", "young", "typed", "freed", "reached"),
    [
        ("−50 %", 1_000_000.0, 110, None, 500_000.0, 55),  # half the money, half the people at the same price
        ("−25 %", 1_000_000.0, 110, None, 250_000.0, 28),  # 27,5 rounds to 28
        ("Stop", 1_000_000.0, 110, None, 1_000_000.0, 110),
        ("Stop", 1_000_000.0, 110, 0.0, 1_000_000.0, 0),  # a typed 0 is kept
        ("Stop", 1_000_000.0, 110, 40.0, 1_000_000.0, 40),
        ("−50 %", 0.0, 5, None, 0.0, 0),  # no budget: no money freed, no price to reach anyone at
        ("−50 %", 1_000_000.0, fmt.Hidden("<5"), None, 500_000.0, 0),  # the price would give a hidden count away
        ("−50 %", 1_000_000.0, None, None, 500_000.0, 0),  # no activity
    ],
)
def test_a_reallocation_cuts_one_and_funds_a_new_initiative_in_one_district(step, budget, young, typed, freed, reached):
    change, new = reallocation(source_row(budget, young), step, 8, "Bispebjerg", 3, typed)
    assert change == Change(step=STEPS[step])
    assert (new.initiative_id, new.name, new.districts) == ("NY-3", "Ny indsats i Bispebjerg (fra SOF-001)", (8,))
    assert (new.budget_kr, new.reached_18_25) == (freed, reached)
    assert (new.goal_ids, new.focus_area_id, new.administration_code) == ((1, 3), 4, "SOF")
    assert all(type(g) is int for g in new.goal_ids) and type(new.focus_area_id) is int  # saved as JSON
