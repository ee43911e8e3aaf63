"""What a scenario comes to on a data version, worked out by hand from the small fixture (issue 15 §6).

The small fixture (tests/conftest.py), year 2010:
- SOF-001 (goals 1 Tryghed and 3 Exit; focus area 4; SOF; delvist): Nørrebro (3) 1.234.567,50 kr. reaching 110 aged 18–25,
  Bispebjerg (8) 500.000 kr. reaching no one;
- BUF-001 (goal 2; focus area 5; BUF; finansieret): city-wide 2.000.000 kr., reaching no one aged 18–25;
- TMF-001 (goals 1 and 4; focus area 1; TMF): no line in 2010.
The year's whole budget is 3.734.567,50 kr. Residents 18–25 (real, 2010): Nørrebro 13.840, Bispebjerg 8.339.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard import database, queries, scenario_outcome
from dashboard.filters import Filters
from dashboard.scenario_outcome import comparison, coverage_table, exceeds_frame, frame_sentence, outcome
from dashboard.scenarios import Change, NewInitiative, Scenario
from sikkerby import formatting as fmt
from tests.conftest import small_portfolio

SOF_TOTAL = 1_734_567.5
WHOLE = 3_734_567.5


def worked_out(db, scenario: Scenario) -> scenario_outcome.Outcome:
    with database.reading(db) as version:
        return outcome(queries.source_of(version), scenario)


def district(result, name: str) -> pd.Series:
    return result.coverage.set_index("district").loc[name]


def test_the_change_per_1000_is_scenario_minus_baseline_negative_for_a_cut(small_db):
    result = worked_out(small_db, Scenario("Halv SOF", 2010, {"SOF-001": Change(step=-0.5)}))
    norrebro = district(result, "Nørrebro")
    assert norrebro["baseline_reached"] == 110
    assert norrebro["scenario_reached"] == 55  # reach scales with budget: half of 110
    assert norrebro["baseline_per_1000"] == pytest.approx(7.948, abs=1e-3)  # 110 / 13.840 × 1.000
    assert norrebro["scenario_per_1000"] == pytest.approx(3.974, abs=1e-3)  # 55 / 13.840 × 1.000
    assert norrebro["change_per_1000"] == pytest.approx(-3.974, abs=1e-3)  # a cut lowers coverage: negative
    assert district(result, "Bispebjerg")["change_per_1000"] == 0.0
    raised = worked_out(small_db, Scenario("Mere SOF", 2010, {"SOF-001": Change(step=0.5)}))
    assert district(raised, "Nørrebro")["change_per_1000"] == pytest.approx(3.974, abs=1e-3)  # 165 − 110 = +55 per 13.840


def test_the_totals_and_the_budget_per_goal_area_and_administration_by_hand(small_db):
    result = worked_out(small_db, Scenario("Halv SOF", 2010, {"SOF-001": Change(step=-0.5)}, frame_kr=3_000_000))
    assert result.totals == {
        "baseline_kr": WHOLE,
        "scenario_kr": WHOLE - SOF_TOTAL / 2,  # 2.867.283,75
        "frame_kr": 3_000_000,
        "room_kr": 3_000_000 - (WHOLE - SOF_TOTAL / 2),  # 132.716,25 left
    }
    by_goal = result.by_goal.set_index("goal_id")
    # SOF-001 serves goals 1 and 3: half its budget on each, counted once in the total
    assert by_goal.loc[1, ["baseline_kr", "scenario_kr", "change_kr"]].tolist() == [867_283.75, 433_641.875, -433_641.875]
    assert by_goal.loc[3, ["baseline_kr", "scenario_kr", "change_kr"]].tolist() == [867_283.75, 433_641.875, -433_641.875]
    assert by_goal.loc[2, ["baseline_kr", "scenario_kr", "change_kr"]].tolist() == [2_000_000, 2_000_000, 0]  # BUF-001
    assert by_goal.loc[4, ["baseline_kr", "scenario_kr", "change_kr"]].tolist() == [0, 0, 0]  # TMF-001 has no 2010 budget
    assert by_goal["baseline_kr"].sum() == WHOLE
    assert by_goal.loc[3, "goal"] == "Kriminalitetsexit"
    areas = result.by_focus_area.set_index("focus_area_id")
    assert areas.index.tolist() == [1, 2, 3, 4, 5, 6]  # all six, in their order, 0 kr. where nothing is
    assert areas.loc[4, ["baseline_kr", "scenario_kr"]].tolist() == [SOF_TOTAL, SOF_TOTAL / 2]
    assert areas.loc[5, "scenario_kr"] == 2_000_000
    assert areas.loc[1, "baseline_kr"] == 0
    assert areas.loc[4, "focus_area"] == "Socialt udsatte unge over 18 år"
    assert result.by_administration.columns.tolist() == ["administration_code", "administration", "baseline_kr", "scenario_kr", "change_kr"]
    assert result.coverage.columns.tolist()[:3] == ["district_id", "district", "residents_18_25"]
    assert result.lines["scenario_budget_kr"].sum() == WHOLE - SOF_TOTAL / 2  # the lines the figures come from
    admins = result.by_administration.set_index("administration_code")
    assert admins.loc["SOF", ["administration", "baseline_kr", "change_kr"]].tolist() == [
        "Socialforvaltningen (SOF)",
        SOF_TOTAL,
        -SOF_TOTAL / 2,
    ]
    assert admins.loc["TMF", "baseline_kr"] == 0
    assert len(admins) == 7


def test_a_new_initiative_in_two_districts_adds_half_its_reach_to_each(small_db):
    new = NewInitiative("NY-1", 200_000, 40, districts=(3, 8), goal_ids=(1, 2), name="Ny", focus_area_id=2, administration_code="KFF")
    result = worked_out(small_db, Scenario("Ny", 2010, new=(new,)))
    assert district(result, "Nørrebro")["scenario_reached"] == 130  # 110 + 40 / 2
    assert district(result, "Bispebjerg")["scenario_reached"] == 20  # 0 + 40 / 2
    assert district(result, "Bispebjerg")["scenario_per_1000"] == pytest.approx(2.398, abs=1e-3)  # 20 / 8.339 × 1.000
    assert result.totals["scenario_kr"] == WHOLE + 200_000  # once, not once per district
    by_goal = result.by_goal.set_index("goal_id")
    assert by_goal.loc[1, "scenario_kr"] == 867_283.75 + 100_000  # half of the new 200.000 on each of its two goals
    assert by_goal.loc[2, "scenario_kr"] == 2_100_000
    assert by_goal["scenario_kr"].sum() == WHOLE + 200_000
    assert result.by_focus_area.set_index("focus_area_id").loc[2, "scenario_kr"] == 200_000
    assert result.by_administration.set_index("administration_code").loc["KFF", "scenario_kr"] == 200_000
    assert result.city_wide_reached == (0.0, 0.0)


def test_a_new_city_wide_initiative_is_in_the_city_wide_reach_not_in_a_district(small_db):
    result = worked_out(small_db, Scenario("By", 2010, new=(NewInitiative("NY-2", 100_000, 30),)))
    assert result.city_wide_reached == (0.0, 30.0)
    assert result.coverage["scenario_reached"].sum() == 110


def test_a_stop_and_a_new_amount_of_zero_come_to_the_same(small_db):
    stop = worked_out(small_db, Scenario("Stop", 2010, {"SOF-001": Change(step=-1.0)}))
    zero = worked_out(small_db, Scenario("Nul", 2010, {"SOF-001": Change(amount_kr=0.0)}))
    for result in (stop, zero):
        assert result.totals["scenario_kr"] == 2_000_000
        assert district(result, "Nørrebro")["scenario_reached"] == 0
        assert district(result, "Nørrebro")["change_per_1000"] == pytest.approx(-7.948, abs=1e-3)


def test_the_unchanged_scenario_equals_the_baseline_to_the_krone(small_db):
    result = worked_out(small_db, Scenario("Intet", 2010, {"SOF-001": Change(amount_kr=SOF_TOTAL)}, frame_kr=WHOLE))
    assert result.totals["scenario_kr"] == result.totals["baseline_kr"] == WHOLE
    assert result.totals["room_kr"] == 0
    assert (result.by_goal["change_kr"] == 0).all()
    assert (result.coverage["change_per_1000"] == 0).all()


def test_changed_initiatives_the_data_no_longer_has_are_named(small_db):
    result = worked_out(small_db, Scenario("Gammel", 2010, {"OLD-1": Change(step=-1.0)}, names={"OLD-1": "Nedlagt"}))
    assert result.missing == {"OLD-1": "Nedlagt"}
    assert result.totals["scenario_kr"] == WHOLE
    assert worked_out(small_db, Scenario("Ny", 2010, {"SOF-001": Change(step=-1.0)})).missing == {}


def shared_nørrebro_portfolio() -> dict[str, pd.DataFrame]:
    """SOF-001 reaches 3 aged 18–25 in Nørrebro, its only line; BUF-001 8 there (with a budget line) and 40 in Valby.

    By hand (dashboard/disclosure.py): SOF-001's 3 has no cell of its own to hide beside it, so it
    borrows the smallest of 5 or more in its district, BUF-001's 8: the group {3, 8}. Unge 18–25 shows
    Nørrebro 11 (the whole group) and Valby 40.
    """
    sheets = small_portfolio()
    activity = sheets["aktivitet"]
    sheets["aktivitet"] = pd.DataFrame(
        [
            ["SOF-001", "2010", "Nørrebro", "3", "3", ""],
            ["BUF-001", "2010", "Nørrebro", "8", "8", ""],
            ["BUF-001", "2010", "Valby", "40", "40", ""],
        ],
        columns=activity.columns,
    )
    budget = sheets["budget"]
    sheets["budget"] = pd.concat([budget, pd.DataFrame([["BUF-001", "2010", "Nørrebro", "100000", "", ""]], columns=budget.columns)])
    return sheets


def test_a_changed_initiatives_count_of_1_to_4_cannot_be_read_from_baseline_minus_scenario(app_on_portfolio):
    db = app_on_portfolio(shared_nørrebro_portfolio(), "shared_norrebro")
    half_sof = district(worked_out(db, Scenario("Halv SOF", 2010, {"SOF-001": Change(step=-0.5)})), "Nørrebro")
    assert half_sof["baseline_reached"] == 11
    for column in ("scenario_reached", "scenario_per_1000", "change_per_1000"):
        assert fmt.is_hidden(half_sof[column]), column  # 1,5 + 8 = 9,5: 11 − 9,5 = 1,5, half of SOF-001's 3
    for changes in ({"SOF-001": Change(step=-1.0)}, {"BUF-001": Change(step=-0.5)}):  # 8 alone, or 3 + 4 beside 11
        assert fmt.is_hidden(district(worked_out(db, Scenario("x", 2010, changes)), "Nørrebro")["scenario_reached"]), changes
    both = worked_out(db, Scenario("Begge", 2010, {"SOF-001": Change(step=-0.5), "BUF-001": Change(step=-0.5)}))
    assert district(both, "Nørrebro")["scenario_reached"] == 5.5  # the group scaled alike: half of 11 tells only the sum
    assert district(both, "Valby")["scenario_reached"] == 40  # BUF-001 has no budget in Valby: its reach stays


def test_a_count_hidden_on_unge_18_25_stays_hidden_in_the_scenario(app_on_portfolio):
    sheets = shared_nørrebro_portfolio()
    sheets["aktivitet"].loc[1, "bydel"] = "Bispebjerg"  # BUF-001's 8 in Bispebjerg: the group {3, 8} spans two districts
    db = app_on_portfolio(sheets, "split_group")
    with database.reading(db) as version:
        unge = queries.young_adults_by_district(queries.source_of(version), Filters(year=2010)).set_index("district")
    assert [fmt.text(unge.loc[name, "reached_18_25"]) for name in ("Nørrebro", "Bispebjerg")] == ["<5", "skjult"]
    result = worked_out(db, Scenario("Uændret", 2010))
    for name in ("Nørrebro", "Bispebjerg"):
        for column in ("baseline_reached", "scenario_reached", "baseline_per_1000", "scenario_per_1000", "change_per_1000"):
            assert fmt.is_hidden(district(result, name)[column]), (name, column)
    assert district(result, "Valby")["scenario_reached"] == 40


def test_the_city_wide_reach_is_hidden_where_unge_18_25_hides_it(app_on_portfolio):
    sheets = small_portfolio()
    sheets["aktivitet"].loc[1, "heraf_18_25"] = "3"  # BUF-001's city-wide line: 3 of its 85 aged 18–25
    result = worked_out(app_on_portfolio(sheets, "city_wide_three"), Scenario("Halv BUF", 2010, {"BUF-001": Change(step=-0.5)}))
    assert all(fmt.is_hidden(value) for value in result.city_wide_reached)  # 3 → 1,5: neither may be shown


@pytest.mark.parametrize(
    ("room", "sentence"),
    [
        (None, "Der er ikke sat en budgetramme."),
        (250_000, "Scenariet holder sig inden for rammen med 0,3 mio. kr. til overs."),
        (0.0, "Scenariet bruger præcis hele budgetrammen."),
        (-1.0, "Scenariet overskrider rammen med 1 kr."),
        (-49_999.0, "Scenariet overskrider rammen med 49.999 kr."),
        (-1_250_000, "Scenariet overskrider rammen med 1,3 mio. kr."),
        (40_000.0, "Scenariet holder sig inden for rammen med 40.000 kr. til overs."),
        (0.3 - (0.1 + 0.2), "Scenariet bruger præcis hele budgetrammen."),  # −5,6e-17: float noise, not a krone over
        (4.5e-10, "Scenariet bruger præcis hele budgetrammen."),
        (-0.004, "Scenariet bruger præcis hele budgetrammen."),
        (-0.49, "Scenariet bruger præcis hele budgetrammen."),  # shown as 0 kr.
        (-0.5, "Scenariet overskrider rammen med 1 kr."),  # 50 øre over: shown as 1 kr. (half up)
        (0.5, "Scenariet holder sig inden for rammen med 1 kr. til overs."),
        (100_000.0, "Scenariet holder sig inden for rammen med 0,1 mio. kr. til overs."),
        (99_999.0, "Scenariet holder sig inden for rammen med 99.999 kr. til overs."),
    ],
)
def test_the_frame_sentence_at_its_boundaries(room, sentence):
    assert frame_sentence({"room_kr": room}) == sentence
    assert exceeds_frame({"room_kr": room}) == ("overskrider" in sentence)


def test_two_scenarios_side_by_side_by_hand(small_db):
    first = worked_out(small_db, Scenario("Stop", 2010, {"SOF-001": Change(step=-1.0)}, frame_kr=2_500_000))
    second = worked_out(small_db, Scenario("Mere", 2010, {"SOF-001": Change(step=0.5)}))
    budget, coverage = comparison(first, second)
    rows = budget.set_index("Budget")
    assert rows.columns.tolist() == ["Udgangspunkt (kr.)", "Stop (kr.)", "Mere (kr.)"]
    assert rows.loc["I alt"].tolist() == [WHOLE, 2_000_000, WHOLE + SOF_TOTAL / 2]
    assert rows.loc["Luft til budgetrammen", "Stop (kr.)"] == 500_000
    assert math.isnan(rows.loc["Luft til budgetrammen", "Mere (kr.)"])  # no frame
    assert math.isnan(rows.loc["Luft til budgetrammen", "Udgangspunkt (kr.)"])
    assert rows.loc["Kriminalitetsexit"].tolist() == [867_283.75, 0, 867_283.75 * 1.5]
    assert len(rows) == 6  # total, room and the four goals
    assert coverage.columns.tolist() == ["Bydel", "Udgangspunkt (pr. 1.000)", "Stop (pr. 1.000)", "Mere (pr. 1.000)"]
    norrebro = coverage.set_index("Bydel").loc["Nørrebro"]
    assert norrebro.tolist() == pytest.approx([110 / 13.84, 0, 165 / 13.84])
    assert len(coverage) == 10  # all ten districts


def test_two_scenarios_of_different_years_have_no_common_baseline(small_db):
    first = worked_out(small_db, Scenario("2010", 2010))
    second = worked_out(small_db, Scenario("2011", 2011))
    budget, coverage = comparison(first, second)
    assert budget["Udgangspunkt (kr.)"].isna().all()
    assert coverage["Udgangspunkt (pr. 1.000)"].isna().all()
    assert budget.set_index("Budget").loc["I alt", "2011 (kr.)"] == 750_000.25  # TMF-001, city-wide, 2011


def test_the_coverage_table_has_the_danish_headings_in_order(small_db):
    table = coverage_table(worked_out(small_db, Scenario("Intet", 2010)))
    assert table.columns.tolist() == [
        "Bydel",
        "Nået pr. 1.000 unge, udgangspunkt",  # the point first after the district: a phone shows it without scrolling
        "Nået pr. 1.000 unge, scenarie",
        "Ændring pr. 1.000 unge",
        "Nået 18–25 år, udgangspunkt (personer)",
        "Nået 18–25 år, scenarie (personer)",
        "Indbyggere 18–25 år",
    ]
    assert table.set_index("Bydel").loc["Bispebjerg", "Indbyggere 18–25 år"] == 8_339
