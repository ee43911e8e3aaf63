"""The follow-up of a decision, worked out by hand on two data versions of one year (2011).

The decision (version 1), per initiative and district, budget before → decided:
- SOF-001 Væresteder, Indre By (1): 1.000.000 → 500.000 (cut −50 %)
- SOF-012 Natteravne, Østerbro (2): 400.000 → 0 (stop)
- BUF-003 Lommepenge, Indre By: 200.000 → 300.000 and city-wide 100.000 → 150.000 (expansion +50 %)
- NY-1 Ny mentorordning, Nørrebro (3): new, 0 → 250.000
- TMF-002 Tryghedsvandringer, Østerbro: 300.000 (not changed); TMF-005 Belysning, Nørrebro: 600.000 (not changed)

Version 2 budgets 2011 as: SOF-001 500.000 (carried out), SOF-012 400.000 (not carried out), BUF-003
250.000 + 125.000 city-wide = 375.000 (half: 300.000 → 450.000 decided), BUF-020 250.000 in Nørrebro
(the real initiative NY-1 became), TMF-002 380.000 (+80.000 nobody decided), TMF-005 gone (−600.000),
KFF-009 120.000 in Indre By (new in the data, nobody decided).
"""

from __future__ import annotations

import dataclasses
import sqlite3
import time
from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboard import decision_store, decision_view, decisions
from dashboard.scenario_store import StoreError
from dashboard.scenarios import Change, NewInitiative, Scenario
from sikkerby.formatting import Hidden, is_hidden

NAN = float("nan")
DISTRICTS = {1: "Indre By", 2: "Østerbro", 3: "Nørrebro"}
SCENARIO = Scenario(
    name="Budget 2011",
    year=2011,
    changes={"SOF-001": Change(step=-0.5), "SOF-012": Change(step=-1.0), "BUF-003": Change(step=0.5)},
    new=(NewInitiative("NY-1", budget_kr=250_000.0, reached_18_25=40.0, districts=(3,), name="Ny mentorordning"),),
)
LINES = pd.DataFrame(
    [
        ["SOF-001", "Væresteder", 1, 1_000_000, 500_000],
        ["SOF-012", "Natteravne", 2, 400_000, 0],
        ["BUF-003", "Lommepenge", 1, 200_000, 300_000],
        ["BUF-003", "Lommepenge", NAN, 100_000, 150_000],
        ["TMF-002", "Tryghedsvandringer", 2, 300_000, 300_000],
        ["TMF-005", "Belysning", 3, 600_000, 600_000],
        ["NY-1", "Ny mentorordning", 3, 0, 250_000],
    ],
    columns=["initiative_id", "name", "district_id", "baseline_kr", "decided_kr"],
)
COVERAGE = pd.DataFrame(
    {"district_id": [1, 2], "district": ["Indre By", "Østerbro"], "projected_per_1000": pd.Series([12.5, Hidden("skjult")], dtype=object)}
)
# Goals then: SOF-001 serves goals 1 and 3 (half each), SOF-012, TMF-002 and TMF-005 goal 1, BUF-003 goal 2, NY-1 goal 3.
GOALS_THEN = pd.DataFrame(
    [
        ["SOF-001", 1, 0.5],
        ["SOF-001", 3, 0.5],
        ["SOF-012", 1, 1.0],
        ["BUF-003", 2, 1.0],
        ["TMF-002", 1, 1.0],
        ["TMF-005", 1, 1.0],
        ["NY-1", 3, 1.0],
    ],
    columns=["initiative_id", "goal_id", "weight"],
)
# Goals now: the same, BUF-020 (what NY-1 became) goal 3 and KFF-009 goal 4.
GOALS_NOW = pd.DataFrame(
    [["SOF-001", 1], ["SOF-001", 3], ["SOF-012", 1], ["BUF-003", 2], ["TMF-002", 1], ["BUF-020", 3], ["KFF-009", 4]],
    columns=["initiative_id", "goal_id"],
)
GOAL_NAMES = {1: "Tryghed", 2: "Tidlig indsats", 3: "Exit", 4: "Koordinering"}
CURRENT = pd.DataFrame(
    [
        ["SOF-001", "Væresteder", 500_000, 480_000],
        ["SOF-012", "Natteravne", 400_000, 390_000],
        ["BUF-003", "Lommepenge", 375_000, 300_000],
        ["BUF-020", "Mentorer for unge", 250_000, 100_000],
        ["TMF-002", "Tryghedsvandringer", 380_000, 380_000],
        ["KFF-009", "Kulturnatten", 120_000, 0],
    ],
    columns=["initiative_id", "name", "budget_kr", "spent_kr"],
)
CURRENT_LINES = pd.DataFrame(  # spending as in CURRENT; BUF-003's 300.000 is 240.000 in Indre By and 60.000 city-wide
    [
        ["SOF-001", 1, 500_000, 480_000],
        ["SOF-012", 2, 400_000, 390_000],
        ["BUF-003", 1, 250_000, 240_000],
        ["BUF-003", NAN, 125_000, 60_000],
        ["BUF-020", 3, 250_000, 100_000],
        ["TMF-002", 2, 380_000, 380_000],
        ["KFF-009", 1, 120_000, 0],
    ],
    columns=["initiative_id", "district_id", "budget_kr", "spent_kr"],
)


def decision(matches: dict[str, str] | None = None, lines: pd.DataFrame = LINES, scenario: Scenario = SCENARIO) -> decisions.Decision:
    return decisions.Decision(
        decision_id=1,
        meeting_date="2010-04-13",
        agenda_item="Økonomiudvalget 13.04.2010, punkt 6",
        note="",
        adopted_at="2010-04-14T08:00:00+00:00",
        adopted_by="analytiker@kk.dk",
        scenario=scenario,
        data_version="v1",
        lines=lines,
        coverage=COVERAGE,
        goals=GOALS_THEN,
        matches=matches if matches is not None else {"NY-1": "BUF-020"},
    )


def test_each_decided_change_is_held_against_the_second_version():
    changes = decisions.decided_changes(decision(), CURRENT)
    assert changes["initiative_id"].tolist() == ["SOF-001", "SOF-012", "BUF-003", "BUF-020"]  # TMF-002 and TMF-005 were not changed
    assert changes["kind"].tolist() == ["Besparelse", "Stop", "Udvidelse", "Ny indsats"]
    assert changes["baseline_kr"].tolist() == [1_000_000, 400_000, 300_000, 0]
    assert changes["decided_kr"].tolist() == [500_000, 0, 450_000, 250_000]
    assert changes["budgeted_kr"].tolist() == [500_000, 400_000, 375_000, 250_000]
    assert changes["spent_kr"].tolist() == [480_000, 390_000, 300_000, 100_000]
    assert changes["carried_share"].tolist() == [1.0, 0.0, 0.5, 1.0]  # (375.000 − 300.000) / (450.000 − 300.000) = 0,5
    assert changes["state"].tolist() == ["gennemført", "ikke gennemført", "delvist", "gennemført"]


def test_the_summary_says_how_many_are_carried_out_names_the_rest_and_counts_the_moves_nobody_decided():
    d = decision()
    sentences = decisions.summary(decisions.decided_changes(d, CURRENT), decisions.undecided_moves(d, CURRENT), 2011)
    assert sentences == [
        "2 af 4 besluttede ændringer er gennemført, 1 delvist.",
        "Natteravne (SOF-012) har stadig fuldt budget i 2011 (400.000 kr.; besluttet 0 kr.).",  # under 10 mio.: whole kroner
        "Lommepenge (BUF-003): 50 % af ændringen er gennemført (375.000 kr. mod besluttet 450.000 kr.).",
        # −600.000 + 120.000 + 80.000 = −400.000; TMF-005 gone, KFF-009 new
        "3 indsatsers budget for 2011 er ændret uden en beslutning (1 forsvundet fra data, 1 ny i årets budget): -400.000 kr. netto.",
    ]


def test_moves_nobody_decided_name_the_changed_the_gone_and_the_new_largest_first():
    moves = decisions.undecided_moves(decision(), CURRENT)
    assert moves["initiative_id"].tolist() == ["TMF-005", "KFF-009", "TMF-002"]  # BUF-020 is NY-1's match: decided
    assert moves["what"].tolist() == ["forsvundet fra data", "ny i årets budget", "ændret budget"]
    assert moves["change_kr"].tolist() == [-600_000, 120_000, 80_000]
    assert moves["name"].tolist() == ["Belysning", "Kulturnatten", "Tryghedsvandringer"]
    assert moves["baseline_kr"].iloc[0] == 600_000 and np.isnan(moves["budgeted_kr"].iloc[0])


def test_a_new_initiative_not_yet_matched_is_named_and_its_real_counterpart_counts_as_undecided():
    d = decision(matches={})
    changes = decisions.decided_changes(d, CURRENT)
    assert changes.loc[3, ["initiative_id", "state"]].tolist() == ["NY-1", "ikke matchet"]
    assert np.isnan(changes.loc[3, "budgeted_kr"])
    moves = decisions.undecided_moves(d, CURRENT)
    assert moves.loc[moves["initiative_id"] == "BUF-020", ["what", "change_kr"]].values.tolist() == [["ny i årets budget", 250_000]]
    sentences = decisions.summary(changes, moves, 2011)
    assert sentences[0] == "1 af 4 besluttede ændringer er gennemført, 1 delvist."
    assert "Den nye indsats Ny mentorordning (NY-1) er endnu ikke matchet til en rigtig indsats i data." in sentences


def test_a_decided_initiative_the_data_no_longer_has_is_named_not_dropped():
    current = CURRENT[CURRENT["initiative_id"] != "SOF-012"]
    changes = decisions.decided_changes(decision(), current)
    assert changes.loc[1, ["initiative_id", "state"]].tolist() == ["SOF-012", "findes ikke i data"]
    sentences = decisions.summary(changes, decisions.undecided_moves(decision(), current), 2011)
    assert "Natteravne (SOF-012) findes ikke i de nuværende data for 2011." in sentences
    assert "SOF-012" not in decisions.undecided_moves(decision(), current)["initiative_id"].tolist()  # decided: never a move too


@pytest.mark.parametrize(
    ("budgeted", "state", "share"),
    [
        (500_000, "gennemført", 1.0),  # exactly the decided amount
        (500_000.4, "gennemført", 1.0),  # within the whole krone
        (500_001, "delvist", 499_999 / 500_000),  # one krone short
        (400_000, "gennemført", 1.2),  # cut further than decided: carried out
        (1_000_000, "ikke gennemført", 0.0),  # exactly 0: not moved
        (1_100_000, "ikke gennemført", -0.2),  # the other way
    ],
)
def test_a_cut_is_carried_out_from_the_decided_amount_on_and_not_at_all_at_zero_or_the_other_way(budgeted, state, share):
    current = CURRENT.assign(budget_kr=CURRENT["budget_kr"].where(CURRENT["initiative_id"] != "SOF-001", budgeted))
    row = decisions.decided_changes(decision(), current).iloc[0]
    assert row["state"] == state
    assert row["carried_share"] == pytest.approx(share)


def test_a_change_that_moved_the_other_way_says_so():
    current = CURRENT.assign(budget_kr=CURRENT["budget_kr"].where(CURRENT["initiative_id"] != "SOF-012", 450_000))
    changes = decisions.decided_changes(decision(), current)
    sentences = decisions.summary(changes, decisions.undecided_moves(decision(), current), 2011)
    assert "Natteravne (SOF-012) er gået den modsatte vej af beslutningen: 450.000 kr. i 2011 mod besluttet 0 kr." in sentences


def test_a_change_left_at_unchanged_is_no_decided_change():
    scenario = Scenario(name="x", year=2011, changes={"TMF-002": Change(step=0.0)})
    lines = LINES[LINES["initiative_id"] == "TMF-002"]
    assert decisions.decided_changes(decision(lines=lines, scenario=scenario, matches={}), CURRENT).empty
    assert decisions.summary(pd.DataFrame(columns=["state"]), pd.DataFrame(columns=["change_kr"]), 2011) == [
        "Beslutningen ændrer ingen indsatsers budget.",
        "Ingen andre indsatsers budget for 2011 er ændret uden en beslutning.",
    ]


def cuts_not_carried_out(count: int) -> pd.DataFrame:
    """`count` decided cuts (100 → 50 kr.), none carried out, as `decided_changes` returns them."""
    return pd.DataFrame(
        {
            "initiative_id": [f"X-{i}" for i in range(count)],
            "name": "",
            "kind": "Besparelse",
            "baseline_kr": 100.0,
            "decided_kr": 50.0,
            "budgeted_kr": 100.0,
            "state": "ikke gennemført",
            "carried_share": 0.0,
        }
    )


def test_more_than_three_changes_behind_are_counted_after_the_third():
    rows = cuts_not_carried_out(5)
    sentences = decisions.summary(rows, pd.DataFrame(columns=["change_kr"]), 2011)
    assert sentences[0] == "0 af 5 besluttede ændringer er gennemført."
    assert sum(s.startswith("X-") for s in sentences) == 3
    assert "Og 2 ændringer mere, der ikke er gennemført helt (se tabellen)." in sentences


def test_one_move_nobody_decided_is_singular():
    moves = pd.DataFrame({"change_kr": [80_000.0]})
    assert decisions.summary(pd.DataFrame(columns=["state"]), moves, 2011)[-1] == (
        "1 indsats' budget for 2011 er ændret uden en beslutning: +80.000 kr. netto."
    )


def test_budget_per_district_before_decided_and_budgeted_now():
    table = decisions.by_district(decision(), CURRENT_LINES, DISTRICTS)
    assert table["district"].tolist() == ["Indre By", "Østerbro", "Nørrebro", "Hele byen"]
    assert table["baseline_kr"].tolist() == [1_200_000, 700_000, 600_000, 100_000]
    assert table["decided_kr"].tolist() == [800_000, 300_000, 850_000, 150_000]
    assert table["budgeted_kr"].tolist() == [870_000, 780_000, 250_000, 125_000]  # 500+250+120; 400+380; 250; 125 (thousands)
    assert table["difference_kr"].tolist() == [70_000, 480_000, -600_000, -25_000]
    assert table["spent_kr"].tolist() == [720_000, 770_000, 100_000, 60_000]  # 480+240+0; 390+380; 100; 60 (thousands)


def test_a_district_without_reported_spending_has_none_not_nothing():
    lines = CURRENT_LINES.assign(spent_kr=CURRENT_LINES["spent_kr"].where(CURRENT_LINES["district_id"] != 3))  # Nørrebro reports none
    spent = decisions.by_district(decision(), lines, DISTRICTS)["spent_kr"]
    assert spent.iloc[0] == 720_000 and np.isnan(spent.iloc[2])


def test_budget_per_goal_before_decided_and_budgeted_now_splits_an_initiative_over_its_goals():
    table = decisions.by_goal(decision(), CURRENT, decisions.goal_weights(GOALS_NOW), GOAL_NAMES)
    assert table["goal"].tolist() == ["Tryghed", "Tidlig indsats", "Exit", "Koordinering"]
    assert table["baseline_kr"].tolist() == [1_800_000, 300_000, 500_000, 0]  # ½ × 1.000.000 + 400.000 + 300.000 + 600.000; …
    assert table["decided_kr"].tolist() == [1_150_000, 450_000, 500_000, 0]  # ½ × 500.000 + 0 + 300.000 + 600.000; …; ½ × 500.000 + 250.000
    assert table["budgeted_kr"].tolist() == [1_030_000, 375_000, 500_000, 120_000]  # ½ × 500.000 + 400.000 + 380.000; …; + BUF-020
    assert table["difference_kr"].tolist() == [-120_000, -75_000, 0, 120_000]
    assert table["spent_kr"].tolist() == [
        1_010_000,
        300_000,
        340_000,
        0,
    ]  # ½ × 480.000 + 390.000 + 380.000; 300.000; ½ × 480.000 + 100.000; KFF-009


def test_goal_weights_split_evenly_and_take_a_new_initiatives_goals():
    new = (NewInitiative("NY-2", budget_kr=1.0, reached_18_25=0.0, goal_ids=(2, 4)),)
    weights = decisions.goal_weights(GOALS_NOW[GOALS_NOW["initiative_id"] == "SOF-001"], new)
    assert weights.values.tolist() == [["SOF-001", 1, 0.5], ["SOF-001", 3, 0.5], ["NY-2", 2, 0.5], ["NY-2", 4, 0.5]]


def test_coverage_projected_against_reached_keeps_a_hidden_figure_hidden():
    reached = pd.DataFrame({"district_id": [1, 2], "reached_per_1000": pd.Series([10.0, 7.5], dtype=object)})
    table = decisions.coverage_followed(decision(), reached)
    assert table.loc[0, "difference_per_1000"] == pytest.approx(-2.5)
    assert is_hidden(table.loc[1, "difference_per_1000"])  # the projection was hidden: the difference would give it away


def test_the_district_sentence_names_the_largest_gap_and_counts_the_places_off():
    table = decisions.by_district(decision(), CURRENT_LINES, DISTRICTS)
    # differences +70.000, +480.000, −600.000, −25.000: all four off, Nørrebro furthest
    assert decisions.district_sentence(table, 2011) == (
        "På 4 af 4 steder afviger budgettet for 2011 fra det besluttede; mest i Nørrebro: 600.000 kr. under det besluttede."
    )
    on_plan = table.assign(difference_kr=[0.0, 0.4, -0.4, 0.0])  # under half a krone: as decided
    assert decisions.district_sentence(on_plan, 2011) == "Budgettet for 2011 ligger i hver bydel, som det blev besluttet."
    over = table.assign(difference_kr=[0.0, 480_000.0, 0.0, 0.0])
    assert decisions.district_sentence(over, 2011).endswith("mest i Østerbro: 480.000 kr. over det besluttede.")


@pytest.mark.parametrize(
    ("differences", "sentence"),
    [
        ([0.0, -2.5], "Dækningen af 18–25-årige nåede det fremskrevne eller mere i 1 af 2 bydele."),  # exactly equal counts as reached
        ([-0.04, 0.1], "Dækningen af 18–25-årige nåede det fremskrevne eller mere i 2 af 2 bydele."),  # −0,0 as shown
        (
            [Hidden("skjult"), -0.1],
            "Dækningen af 18–25-årige nåede det fremskrevne eller mere i 0 af 1 bydel; 1 bydel er skjult (små tal).",
        ),
    ],
)
def test_the_coverage_sentence_counts_districts_at_or_above_the_projection_and_the_hidden_apart(differences, sentence):
    table = pd.DataFrame({"difference_per_1000": pd.Series(differences, dtype=object)})
    assert decisions.coverage_sentence(table) == sentence


def test_frozen_lines_and_coverage_come_back_from_their_json_as_they_went_in():
    back = decisions.lines_from_json(decisions.lines_to_json(LINES))
    pd.testing.assert_frame_equal(back, LINES, check_dtype=False)
    coverage = decisions.lines_from_json(decisions.lines_to_json(COVERAGE))
    assert coverage.loc[0, "projected_per_1000"] == 12.5 and str(coverage.loc[1, "projected_per_1000"]) == "skjult"
    assert is_hidden(coverage.loc[1, "projected_per_1000"])


# --- The record ------------------------------------------------------------------------------------


def adopt(store, **changes) -> int:
    arguments = {
        "scenario": SCENARIO,
        "data_version": "v1",
        "lines": LINES,
        "coverage": COVERAGE,
        "goals": GOALS_THEN,
        "meeting_date": date(2010, 4, 13),
        "agenda_item": "Økonomiudvalget 13.04.2010, punkt 6",
        "note": "Vedtaget med bemærkning om Natteravne.",
        "by": "analytiker@kk.dk",
        "path": store,
    } | changes
    return decision_store.adopt(**arguments)


def test_an_adopted_decision_comes_back_frozen_with_its_meeting_and_version(scenario_store):
    number = adopt(scenario_store)
    back = decision_store.load(number, scenario_store)
    assert (back.meeting_date, back.agenda_item, back.data_version, back.adopted_by) == (
        "2010-04-13",
        "Økonomiudvalget 13.04.2010, punkt 6",
        "v1",
        "analytiker@kk.dk",
    )
    assert back.scenario.to_json() == SCENARIO.to_json()
    assert back.matches == {}  # nothing matched yet, so NY-1 is not followed
    assert decisions.decided_changes(back, CURRENT)["state"].tolist() == ["gennemført", "ikke gennemført", "delvist", "ikke matchet"]
    pd.testing.assert_frame_equal(back.lines, LINES, check_dtype=False)


def test_a_correction_supersedes_and_both_stay_in_the_record(scenario_store):
    first = adopt(scenario_store)
    second = adopt(scenario_store, agenda_item="Økonomiudvalget 27.04.2010, punkt 3", supersedes=first)
    listed = decision_store.listing(scenario_store)
    assert listed["decision_id"].tolist() == [first, second]
    assert listed.loc[0, "superseded_by"] == second and pd.isna(listed.loc[1, "superseded_by"])
    assert listed.loc[1, "supersedes"] == first
    with pytest.raises(StoreError, match=f"allerede erstattet af nr. {second}"):
        adopt(scenario_store, supersedes=first)
    with pytest.raises(StoreError, match="nr. 99 findes ikke"):
        adopt(scenario_store, supersedes=99)


def test_a_decision_is_never_edited_or_deleted_in_place(scenario_store):
    number = adopt(scenario_store)
    connection = sqlite3.connect(scenario_store)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        connection.execute("UPDATE decision SET note = 'ændret' WHERE id = ?", (number,))
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        connection.execute("DELETE FROM decision WHERE id = ?", (number,))
    connection.close()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"agenda_item": "  "}, "Skriv mødet og punktet på dagsordenen"),
        ({"meeting_date": date(2999, 1, 1)}, "Mødedatoen 01.01.2999 ligger i fremtiden"),
    ],
)
def test_a_decision_without_its_meeting_is_refused_in_danish(scenario_store, changes, message):
    with pytest.raises(StoreError, match=message):
        adopt(scenario_store, **changes)
    assert decision_store.listing(scenario_store).empty


def test_the_latest_match_counts_and_an_empty_one_undoes_it(scenario_store):
    number = adopt(scenario_store)
    decision_store.match(number, "NY-1", "KFF-009", "analytiker@kk.dk", scenario_store)
    decision_store.match(number, "NY-1", "BUF-020", "analytiker@kk.dk", scenario_store)
    assert decision_store.load(number, scenario_store).matches == {"NY-1": "BUF-020"}
    decision_store.match(number, "NY-1", None, "analytiker@kk.dk", scenario_store)
    assert decision_store.load(number, scenario_store).matches == {}
    assert decision_store.load(12345, scenario_store) is None


def test_an_initiative_that_had_no_budget_and_is_gone_is_still_named():
    lines = pd.concat([LINES, pd.DataFrame([["TMF-007", "Skolepatrulje", 2, 0, 0]], columns=LINES.columns)], ignore_index=True)
    moves = decisions.undecided_moves(decision(lines=lines), CURRENT)
    assert moves.loc[moves["initiative_id"] == "TMF-007", ["what", "change_kr"]].values.tolist() == [["forsvundet fra data", 0]]


def test_a_new_initiative_decided_at_nothing_is_followed_and_carried_out_when_the_data_has_nothing_either():
    scenario = Scenario(name="x", year=2011, new=(NewInitiative("NY-0", budget_kr=0.0, reached_18_25=0.0, name="Pilot"),))
    lines = pd.DataFrame([["NY-0", "Pilot", NAN, 0, 0]], columns=LINES.columns)
    current = pd.concat([CURRENT, pd.DataFrame([["KFF-100", "Pilot", 0, 0]], columns=CURRENT.columns)], ignore_index=True)
    changes = decisions.decided_changes(decision(lines=lines, scenario=scenario, matches={"NY-0": "KFF-100"}), current)
    assert changes[["initiative_id", "kind", "state", "carried_share"]].values.tolist() == [["KFF-100", "Ny indsats", "gennemført", 1.0]]
    current.loc[current["initiative_id"] == "KFF-100", "budget_kr"] = 10_000
    changes = decisions.decided_changes(decision(lines=lines, scenario=scenario, matches={"NY-0": "KFF-100"}), current)
    assert changes["state"].tolist() == ["ikke gennemført"]


def test_a_hidden_reach_now_hides_the_difference_to_a_shown_projection():
    reached = pd.DataFrame({"district_id": [1, 2], "reached_per_1000": pd.Series([Hidden("<5"), 7.5], dtype=object)})
    table = decisions.coverage_followed(decision(), reached)
    assert is_hidden(table.loc[0, "difference_per_1000"])  # 12,5 shown, now "<5": the difference would pin it


def test_exactly_three_changes_behind_are_all_named_and_none_counted():
    rows = cuts_not_carried_out(3)
    sentences = decisions.summary(rows, pd.DataFrame(columns=["change_kr"]), 2011)
    assert sum(s.startswith("X-") for s in sentences) == 3
    assert not any(s.startswith("Og ") for s in sentences)


# --- Changes the frozen lines do not show, goals that changed, figures that are missing -----------


def test_a_change_on_an_initiative_without_budget_then_is_followed_from_nothing_and_an_unchanged_one_can_move_undecided():
    changes = SCENARIO.changes | {
        "KFF-009": Change(amount_kr=100_000.0),  # no budget in 2011 when decided; 120.000 now
        "ABC-404": Change(step=-1.0),  # no budget then, not in the data now
        "TMF-002": Change(step=0.0),  # left at "Uændret"; +80.000 since
    }
    scenario = Scenario(name="x", year=2011, changes=changes, new=SCENARIO.new, names={"ABC-404": "Gammel ordning"})
    d = decision(scenario=scenario)
    table = decisions.decided_changes(d, CURRENT)
    assert table["initiative_id"].tolist() == ["SOF-001", "SOF-012", "BUF-003", "BUF-020", "KFF-009", "ABC-404"]
    assert table.loc[4, ["kind", "baseline_kr", "decided_kr", "budgeted_kr", "state"]].tolist() == [
        "Udvidelse",
        0,
        100_000,
        120_000,
        "gennemført",
    ]
    assert table.loc[4, "carried_share"] == pytest.approx(1.2)  # 120.000 / 100.000
    assert table.loc[5, ["name", "kind", "state"]].tolist() == ["Gammel ordning", "Stop", "findes ikke i data"]
    moves = decisions.undecided_moves(d, CURRENT)
    assert moves["initiative_id"].tolist() == ["TMF-005", "TMF-002"]  # KFF-009 is decided now; TMF-002 was left unchanged


def test_budget_per_goal_keeps_a_goal_gone_from_the_data_and_money_without_a_goal():
    goals_then = GOALS_THEN.assign(goal_id=GOALS_THEN["goal_id"].where(GOALS_THEN["initiative_id"] != "TMF-005", 5))
    d = dataclasses.replace(decision(), goals=goals_then)
    now = decisions.goal_weights(GOALS_NOW[GOALS_NOW["initiative_id"] != "KFF-009"])  # KFF-009 serves no goal now
    table = decisions.by_goal(d, CURRENT, now, GOAL_NAMES)
    assert table["goal"].tolist() == [
        "Tryghed",
        "Tidlig indsats",
        "Exit",
        "Koordinering",
        "Mål nr. 5 (findes ikke længere i data)",
        "Uden strategisk mål",
    ]
    assert table["baseline_kr"].tolist() == [1_200_000, 300_000, 500_000, 0, 600_000, 0]  # ½ × 1.000.000 + 400.000 + 300.000; …; TMF-005
    assert table["decided_kr"].tolist() == [550_000, 450_000, 500_000, 0, 600_000, 0]  # ½ × 500.000 + 0 + 300.000; …; ½ × 500.000 + 250.000
    assert table["budgeted_kr"].tolist() == [1_030_000, 375_000, 500_000, 0, 0, 120_000]  # …; KFF-009 without a goal
    assert table["budgeted_kr"].sum() == CURRENT["budget_kr"].sum()  # every krone counted once


def test_a_district_without_a_figure_now_has_no_difference_and_is_counted_apart():
    reached = pd.DataFrame({"district_id": [2], "reached_per_1000": pd.Series([7.5], dtype=object)})  # Indre By has no figure now
    table = decisions.coverage_followed(decision(), reached)
    assert np.isnan(table.loc[0, "difference_per_1000"]) and not is_hidden(table.loc[0, "difference_per_1000"])
    assert is_hidden(table.loc[1, "difference_per_1000"])
    mixed = pd.DataFrame({"difference_per_1000": pd.Series([NAN, Hidden("skjult"), 1.0], dtype=object)})
    assert decisions.coverage_sentence(mixed) == (
        "Dækningen af 18–25-årige nåede det fremskrevne eller mere i 1 af 1 bydel; 1 bydel er skjult (små tal); "
        "1 bydel er uden tal at sammenligne."
    )


def test_a_new_initiative_still_without_budget_and_one_decided_at_nothing_that_got_money_are_said_plainly():
    current = CURRENT.assign(budget_kr=CURRENT["budget_kr"].where(CURRENT["initiative_id"] != "BUF-020", 0))
    d = decision()
    sentences = decisions.summary(decisions.decided_changes(d, current), decisions.undecided_moves(d, current), 2011)
    assert "Ny mentorordning (BUF-020) har endnu intet budget i 2011 (besluttet 250.000 kr.)." in sentences
    scenario = Scenario(name="x", year=2011, new=(NewInitiative("NY-0", budget_kr=0.0, reached_18_25=0.0, name="Pilot"),))
    lines = pd.DataFrame([["NY-0", "Pilot", NAN, 0, 0]], columns=LINES.columns)
    current = pd.concat([CURRENT, pd.DataFrame([["KFF-100", "Pilot", 10_000, 0]], columns=CURRENT.columns)], ignore_index=True)
    pilot = decisions.decided_changes(decision(lines=lines, scenario=scenario, matches={"NY-0": "KFF-100"}), current)
    assert (
        decisions.summary(pilot, pd.DataFrame(columns=["change_kr"]), 2011)[1]
        == "Pilot (KFF-100) har 10.000 kr. i 2011; besluttet var 0 kr."
    )


@pytest.mark.parametrize(
    ("values", "shown"),
    [
        ((12_400_000,), ["12,4 mio. kr."]),
        ((10_000_000,), ["10,0 mio. kr."]),  # exactly 10 mio.: in millions
        ((9_999_999,), ["9.999.999 kr."]),  # just under: whole kroner
        ((12_340_000, 12_360_000), ["12,3 mio. kr.", "12,4 mio. kr."]),
        ((12_340_000, 12_330_000), ["12.340.000 kr.", "12.330.000 kr."]),  # would both read 12,3 mio. kr.
        ((12_300_000, 12_300_000), ["12,3 mio. kr.", "12,3 mio. kr."]),  # equal amounts may read the same
        ((25_000_000, 400_000), ["25.000.000 kr.", "400.000 kr."]),  # one under 10 mio.: both in kroner, side by side
    ],
)
def test_amounts_in_sentences_are_in_millions_only_where_that_cannot_hide_a_difference(values, shown):
    assert decisions.amounts(*values) == shown


@pytest.mark.parametrize(
    ("what", "sentence"),
    [
        (["ændret budget", "ændret budget"], "2 indsatsers budget for 2011 er ændret uden en beslutning: +160.000 kr. netto."),
        (
            ["ny i årets budget", "ny i årets budget"],
            "2 indsatsers budget for 2011 er ændret uden en beslutning (2 nye i årets budget): +160.000 kr. netto.",
        ),
        (
            ["forsvundet fra data", "ændret budget"],
            "2 indsatsers budget for 2011 er ændret uden en beslutning (1 forsvundet fra data): +160.000 kr. netto.",
        ),
    ],
)
def test_the_moves_sentence_counts_the_gone_and_the_new_apart(what, sentence):
    moves = pd.DataFrame({"change_kr": [80_000.0, 80_000.0], "what": what})
    assert decisions.summary(pd.DataFrame(columns=["state"]), moves, 2011)[-1] == sentence


def test_four_changes_behind_name_three_and_count_one_in_the_singular():
    rows = cuts_not_carried_out(4)
    assert (
        decisions.summary(rows, pd.DataFrame(columns=["change_kr"]), 2011)[4]
        == "Og 1 ændring mere, der ikke er gennemført helt (se tabellen)."
    )


@pytest.mark.parametrize(
    ("saved_at", "later"),
    [
        ("2010-04-13T08:00:00+00:00", False),  # the same instant: not after
        ("2010-04-13T07:59:59+00:00", True),  # loaded one second after the save
        ("2010-04-13T08:00:01+00:00", False),
    ],
)
def test_data_loaded_after_the_scenario_was_saved_are_told_apart_in_local_time(monkeypatch, saved_at, later):
    monkeypatch.setenv("TZ", "Europe/Copenhagen")  # the load log keeps the server's local time: 10:00 in April is 08:00 UTC
    time.tzset()
    try:
        assert decision_view.loaded_after_saved(pd.Timestamp(saved_at), pd.Timestamp("2010-04-13 10:00:00")) is later
    finally:
        monkeypatch.undo()
        time.tzset()
    assert decision_view.loaded_after_saved(pd.Timestamp(saved_at), pd.NaT) is False  # no load log: nothing to warn of


def test_a_damaged_decision_is_refused_in_danish_by_its_number_and_the_others_still_read(scenario_store):
    first, second = adopt(scenario_store), adopt(scenario_store)
    connection = sqlite3.connect(scenario_store)
    connection.execute("DROP TRIGGER decision_is_append_only_update")  # as a hand edit of the file would
    connection.execute("UPDATE decision SET lines = '{\"columns\": [' WHERE id = ?", (first,))
    connection.commit()
    connection.close()
    with pytest.raises(StoreError, match=f"Beslutning nr. {first} kan ikke læses: den gemte kopi i scenariefilen er beskadiget"):
        decision_store.load(first, scenario_store)
    assert decision_store.load(second, scenario_store).decision_id == second
    assert decision_store.listing(scenario_store)["decision_id"].tolist() == [first, second]


def test_a_store_file_that_is_not_sqlite_is_refused_in_danish(tmp_path):
    damaged = tmp_path / "scenarios.sqlite"
    damaged.write_bytes(b"not a database" * 100)
    with pytest.raises(StoreError, match="kan ikke læses"):
        decision_store.listing(damaged)


def test_the_follow_up_in_each_version_since_counts_the_changes_by_state_and_names_an_unreadable_one():
    third = CURRENT.assign(budget_kr=CURRENT["budget_kr"].where(CURRENT["initiative_id"] != "SOF-012", 0))  # Natteravne stopped at last
    facts = [
        {"version_id": v, "published_at": f"2011-0{i}-01T09:00:00", "file_name": f"{v}.xlsx", "live": v == "v4"}
        for i, v in enumerate(["v2", "v3", "v4"], 1)
    ]
    table = decisions.over_versions(decision(), [(facts[0], CURRENT), (facts[1], None), (facts[2], third)])
    assert table["readable"].tolist() == [True, False, True]
    assert table.loc[[0, 2], ["done", "partly", "not_done", "not_followed"]].values.tolist() == [[2, 1, 1, 0], [3, 1, 0, 0]]
    assert table.loc[[0, 2], "undecided_kr"].tolist() == [-400_000, -400_000]  # −600.000 + 120.000 + 80.000 in both
    assert decisions.versions_sentence(table) == (
        "Siden beslutningen er der indlæst 3 dataversioner; i den første var 2 af 4 besluttede ændringer gennemført, i den seneste 3."
    )
    assert (
        decisions.versions_sentence(table.iloc[[2]])
        == "Siden beslutningen er der indlæst 1 dataversion; i den er 3 af 4 besluttede ændringer gennemført."
    )
    assert decisions.versions_sentence(table.iloc[[1]]) == "De data, der er indlæst siden beslutningen, kan ikke læses."
    assert decisions.versions_sentence(table.iloc[[]]) == (
        "Der er ikke indlæst nye data siden beslutningen: opfølgningen viser de data, den blev regnet ud på."
    )
