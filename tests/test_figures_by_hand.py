"""Every figure the pages show, under a filter, against a value worked out by hand from the small fixture.

The fixture (tests/conftest.py `small_portfolio`), in 2010:
- SOF-001 (new, partly financed, ages 18–25, goals Tryghed + Exit): Nørrebro 1.234.567,50 kr. (spent
  1.000.000, kommune), Bispebjerg 500.000 kr. (satspulje); activity Nørrebro 120 people, 110 aged 18–25.
- BUF-001 (existing, financed, ages 12–17, goal Tidlig indsats): city-wide 2.000.000 kr. (spent 1.900.000);
  activity city-wide 85 people, 0 aged 18–25.
- TMF-001 (existing, financed, ages 0–99, goals Tryghed + Koordinering): only 2011, city-wide 750.000,25 kr.
Real population 2010 (data/reference, checks from the shared data README and the raw file):
Nørrebro 72.887 residents, 13.840 aged 18–25; Bispebjerg 47.982 and 8.339; the city 77.484 aged 18–25.
"""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import palette
from tests.apptest_helpers import chart_figure, chart_titles, metric, numbers, open_app, table
from tests.conftest import small_portfolio


@pytest.fixture(autouse=True)
def small_database(small_db, monkeypatch):
    monkeypatch.setenv("SIKKERBY_DB", str(small_db))
    return small_db


OVER_18, UNDER_18 = "Socialt udsatte unge over 18 år", "Socialt udsatte unge under 18 år"


def test_overview_key_figures_without_filters():
    at = open_app("overview", {"aar": "2010"})
    assert metric(at, "Besluttet budget (mio. kr.)") == "3,7"  # 1.234.567,5 + 500.000 + 2.000.000
    assert metric(at, "Foreslåede indsatser (mio. kr.)") == "0,0"
    assert metric(at, "Indsatser med budget") == "2"  # TMF-001 has budget only in 2011
    assert metric(at, "Budget til 18–25-årige (mio. kr.)") == "1,7"  # SOF-001 only: 1.734.567,5
    assert metric(at, "18–25-årige nået pr. 1.000") == "1,4"  # 110 / 77.484 × 1.000 = 1,42
    assert metric(at, "Mangler finansiering (mio. kr.)") == "0,0"
    assert metric(at, "Delvist finansieret (mio. kr.)") == "1,7"  # SOF-001 is 'delvist'


def test_overview_key_figures_under_a_district_filter():
    at = open_app("overview", {"aar": "2010", "bydel": "Nørrebro"})
    assert metric(at, "Besluttet budget (mio. kr.)") == "1,2"  # the Nørrebro line alone
    assert metric(at, "Indsatser med budget") == "1"
    assert metric(at, "18–25-årige nået pr. 1.000") == "7,9"  # 110 / 13.840 × 1.000 = 7,95
    assert any("2,0 mio. kr." in i.value for i in at.info)  # BUF-001's city-wide line is named as not counted


def test_overview_keeps_proposed_budget_apart(app_on_portfolio):
    sheets = small_portfolio()
    sheets["indsatser"].loc[1, "status"] = "foreslaaet"  # BUF-001 becomes a proposal
    sheets["indsatser"].loc[1, "finansiering"] = "mangler"
    app_on_portfolio(sheets, "proposed")
    at = open_app("overview", {"aar": "2010"})
    assert metric(at, "Besluttet budget (mio. kr.)") == "1,7"  # SOF-001 only
    assert metric(at, "Foreslåede indsatser (mio. kr.)") == "2,0"
    assert metric(at, "Mangler finansiering (mio. kr.)") == "2,0"
    assert metric(at, "Delvist finansieret (mio. kr.)") == "1,7"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"aar": "2011", "omraade": "Lokal indsats"}, "0,8"),  # TMF-001 in 2011: 750.000,25
        ({"aar": "2010", "omraade": "Lokal indsats"}, None),  # nothing in 2010: empty state
        ({"aar": "2010", "maal": "Tidlig indsats for udsatte unge under 18 år"}, "2,0"),  # BUF-001
        ({"aar": "2010", "forvaltning": "Socialforvaltningen (SOF)"}, "1,7"),
        ({"aar": "2010", "status": "Eksisterende"}, "2,0"),
    ],
)
def test_initiative_filters_narrow_the_budget(query, expected):
    at = open_app("overview", query)
    if expected is None:
        assert any("Ingen data" in i.value for i in at.info)
    else:
        assert metric(at, "Besluttet budget (mio. kr.)") == expected


def test_economy_ranks_all_ten_districts_under_a_district_filter():
    at = open_app("economy", {"aar": "2010", "bydel": "Nørrebro"})
    ranking = chart_figure(at, "district_rank")["data"][0]
    assert len(ranking["y"]) == 10
    shown = dict(zip(ranking["y"], ranking["text"], strict=True))
    assert shown["Nørrebro"] == "17 kr."  # 1.234.567,5 / 72.887 = 16,94
    assert shown["Bispebjerg"] == "10 kr."  # 500.000 / 47.982 = 10,42
    colours = dict(zip(ranking["y"], ranking["marker"]["color"], strict=True))
    assert colours["Nørrebro"] != colours["Bispebjerg"]  # the chosen district is highlighted
    titles = chart_titles(at)
    assert "Nørrebro" not in titles["district_rank"]
    assert titles["district_rank"] == "8 af de ti bydele deler det laveste beløb"


def test_economy_findings_for_spending_and_funding():
    at = open_app("economy", {"aar": "2010"})
    titles = chart_titles(at)
    assert titles["spending"] == "Forbruget var 90 % af det besluttede budget 2010"  # 2.900.000 / 3.234.567,5 = 89,7 %
    assert titles["funding"] == "Satspuljen finansierer 13,4 % af det besluttede budget 2010"  # 500.000 / 3.734.567,5
    assert titles["matrix"] == "Børne- og Ungdomsforvaltningen (BUF) har den største del af det besluttede budget 2010: 54 %"  # 2,0 / 3,73


def test_young_adults_compares_all_districts_and_never_calls_the_chosen_one_lowest():
    at = open_app("young_adults", {"aar": "2010", "bydel": "Nørrebro"})
    shown = table(at, "Nået pr. 1.000 unge").set_index("Bydel")
    assert len(shown) == 10
    assert shown.loc["Nørrebro", "Nået 18–25 år (personer)"] == 110
    assert shown.loc["Nørrebro", "Nået pr. 1.000 unge"] == pytest.approx(110 / 13_840 * 1000)
    assert shown.loc["Nørrebro", "Kr. pr. ung 18–25 år"] == pytest.approx(1_234_567.5 / 13_840)
    assert shown.loc["Bispebjerg", "Kr. pr. ung 18–25 år"] == pytest.approx(500_000 / 8_339)
    assert shown.loc["Nørrebro", "Valgt i filteret"] == "Ja"
    titles = chart_titles(at)
    assert "Nørrebro" not in titles["young_rank"]
    assert titles["young_rank"] == "9 af de ti bydele når færrest unge"


def test_young_adults_name_the_districts_together_apart_from_the_citys_figure(app_on_portfolio):
    """BUF-001's 85 city-wide participants made 18–25: the city's figure counts them, the districts' line cannot.

    Ten districts' 18–25 residents 2010 (awk over the population file, BYDEL 1–10): 76.381; the city's 77.484.
    Bydelene under ét: 110 / 76.381 × 1.000 = 1,44; hele byen: (110 + 85) / 77.484 × 1.000 = 2,52.
    """
    sheets = small_portfolio()
    sheets["aktivitet"].loc[1, "heraf_18_25"] = "85"
    app_on_portfolio(sheets, "city_wide_young")
    at = open_app("young_adults", {"aar": "2010"})
    (caption,) = [c.value for c in at.caption if "stiplede linje" in c.value]
    assert "Den stiplede linje, bydelene under ét, er 1,4 pr. 1.000: deltagere henført til en bydel delt med de ti bydeles unge." in caption
    assert "Hele byens tal, som på Overblik, er 2,5 pr. 1.000: det tæller også deltagere i byfælles indsatser" in caption
    assert metric(open_app("overview", {"aar": "2010"}), "18–25-årige nået pr. 1.000") == "2,5"


def test_goals_apply_the_district_filter_to_initiatives_and_targets():
    at = open_app("goals", {"aar": "2010", "bydel": "Bispebjerg"})
    assert metric(at, "Tryghed, besluttet (mio. kr.)") == "0,3"  # SOF-001's 500.000 split over its two goals
    assert metric(at, "Kriminalitetsexit, besluttet (mio. kr.)") == "0,3"
    assert metric(at, "Tidlig indsats under 18 år, besluttet (mio. kr.)") == "0,0"  # BUF-001 is city-wide only
    # SOF-001's target is the whole initiative's, not Bispebjerg's: (80,5 − 50) / (120 − 50) = 44 %, and
    # Bispebjerg has 500.000 of its 1.734.567,5 kr. in 2010 = 28,8 %.
    assert chart_titles(at)["goal_1_targets"] == (
        "Indsatser med budget eller aktivitet i Bispebjerg: 1 af 1 effektmål er bagud (målene gælder hele indsatsen)"
    )
    assert chart_figure(at, "goal_1_targets")["layout"]["yaxis"]["ticktext"] == [
        "Væresteder for 18-25-årige<br>Unge der kommer fast<br><b>Bagud</b> · 43 % · 29 % af budgettet i Bispebjerg"
    ]
    assert not any(t.endswith("goal_2_targets") for t in chart_titles(at))
    assert any("Et effektmål har ingen bydel: det gælder hele indsatsen" in i.value for i in at.info)
    at.session_state["open_goal_1_targets_table"] = True
    at.run()
    (shown,) = [d.value for d in at.dataframe if "Indikator" in d.value.columns]
    assert shown.loc[0, "Indsatsens bydele 2010"] == "Bispebjerg, Nørrebro"
    assert shown.loc[0, "Andel af indsatsens budget i Bispebjerg (%)"] == pytest.approx(500_000 / 1_734_567.5 * 100)


def test_goals_without_a_district_filter_say_nothing_of_districts_at_targets():
    at = open_app("goals", {"aar": "2010"})
    assert chart_titles(at)["goal_1_targets"] == "1 af 1 effektmål er bagud"
    assert chart_figure(at, "goal_1_targets")["layout"]["yaxis"]["ticktext"] == [
        "Væresteder for 18-25-årige<br>Unge der kommer fast<br><b>Bagud</b> · 43 %"
    ]
    assert not any("Et effektmål har ingen bydel" in i.value for i in at.info)


def test_a_goals_table_is_built_when_its_box_is_opened():
    at = open_app("goals", {"aar": "2010"})
    assert not [d for d in at.dataframe if "Indikator" in d.value.columns]  # every box closed: no table built or sent
    at.session_state["open_goal_3_targets_table"] = True  # a click on 'Alle 1 effektmål som tabel' under Exit
    at.run()
    (shown,) = [d.value for d in at.dataframe if "Indikator" in d.value.columns]
    assert shown.to_dict("records") == [
        {
            "Indsats": "Væresteder for 18-25-årige",
            "Indikator": "Unge der kommer fast",
            "Enhed": "personer",
            "Målår": 2013,
            "Udgangspunkt": 50,
            "Mål": 120,
            "Seneste": 80.5,
            "Fremdrift (%)": pytest.approx(30.5 / 70 * 100),  # (80,5 − 50) / (120 − 50)
            "Status": "Bagud",
        }
    ]


def test_goals_for_a_district_with_no_initiatives_say_why():
    at = open_app("goals", {"aar": "2010", "bydel": "Vanløse"})
    assert any("Ingen data" in i.value for i in at.info)


def test_initiatives_table_under_a_district_filter():
    at = open_app("initiatives", {"aar": "2010", "bydel": "Nørrebro"})
    shown = table(at, "Id")
    assert shown["Id"].tolist() == ["SOF-001"]
    assert shown.loc[0, "Budget (kr.)"] == pytest.approx(1_234_567.5)
    assert shown.loc[0, "Deltagere (personer)"] == 120
    assert shown.loc[0, "Forvaltning"] == "Socialforvaltningen (SOF)"


def test_economy_trend_keeps_proposed_budget_apart(app_on_portfolio):
    sheets = small_portfolio()
    sheets["indsatser"].loc[2, "status"] = "foreslaaet"  # TMF-001 (2011, 750.000,25) becomes a proposal
    app_on_portfolio(sheets, "proposed_trend")
    at = open_app("economy", {"aar": "2011"})
    # decided: 3.734.567,5 in 2010 and nothing in 2011; proposed: 750.000,25 in 2011
    assert chart_titles(at)["trend"] == (
        "Det besluttede budget i 2010: 3,7 mio. kr. (det eneste år med besluttet budget); foreslået oveni i 2011: 0,8 mio. kr."
    )
    names = [trace["name"] for trace in chart_figure(at, "trend")["data"]]
    assert "Foreslået, ikke besluttet" in names and "TMF" not in names


def test_overview_and_economy_reckon_shares_of_the_decided_budget_with_the_proposed_apart(app_on_portfolio):
    sheets = small_portfolio()
    sheets["indsatser"].loc[2, ["status", "finansiering"]] = ["foreslaaet", "mangler"]  # TMF-001 proposed, unfinanced, with
    sheets["budget"].loc[len(sheets["budget"])] = ["TMF-001", "2010", "Hele byen", "600000", "", "kommune"]  # 600.000 in 2010
    app_on_portfolio(sheets, "proposed_2010")
    overview = open_app("overview", {"aar": "2010"})
    helps = {m.label: m.proto.help for m in overview.metric}
    assert helps["Mangler finansiering (mio. kr.)"] == (
        "Budget til de 1 indsatser, hvor finansieringen mangler helt. Heraf 0,6 mio. kr. til foreslåede indsatser, "
        "som også tælles med under 'Foreslåede indsatser'."
    )
    assert helps["Delvist finansieret (mio. kr.)"].endswith("Alle er besluttede indsatser.")  # SOF-001 is new (decided)
    assert (
        "'Mangler finansiering' og 'Delvist finansieret' tæller også foreslåede indsatser: 0,6 mio. kr. og 0,0 mio. kr. af dem "
        "står også under 'Foreslåede indsatser'."
    ) in [c.value for c in overview.caption]
    titles = chart_titles(overview)
    # Decided 2010: SOF-001 1.734.567,5 + BUF-001 2.000.000 = 3.734.567,5. Over decided + proposed (4.334.567,5)
    # BUF-001's goal would have 46 % and new initiatives 40 %; over the decided basis:
    assert titles["goals"] == "Tidlig indsats for udsatte unge under 18 år får 54 % af det besluttede budget 2010"  # 2,0 / 3,73
    assert titles["status"] == "Nye indsatser har 46 % af det besluttede budget 2010"  # 1,73 / 3,73
    goals = chart_figure(overview, "goals")["data"]
    assert [trace["name"] for trace in goals] == ["Besluttet", "Foreslået, ikke besluttet"]
    # TMF-001 serves goals 1 and 4: 300.000 each, proposed
    assert goals[1]["text"] == ["0,3 mio. kr. foreslået", "", "", "0,3 mio. kr. foreslået"]
    assert goals[0]["text"][3] == ""  # goal 4 has no decided budget: no "0,0 mio. kr. (0 %)" beside its grey bar
    assert any(c.value.startswith("Grå: 0,6 mio. kr. til foreslåede indsatser") for c in overview.caption)
    status = chart_figure(overview, "status")["data"]
    assert status[0]["text"] == ["2,0 mio. kr. (54 %)", "1,7 mio. kr. (46 %)", ""]
    assert status[1]["text"] == ["", "", "0,6 mio. kr. foreslået"]
    economy = open_app("economy", {"aar": "2010"})
    assert chart_titles(economy)["matrix"] == "Børne- og Ungdomsforvaltningen (BUF) har den største del af det besluttede budget 2010: 54 %"
    traces = chart_figure(economy, "matrix")["data"]
    # one legend entry per focus area, in that focus area's colour on every page; the proposed in grey
    assert [(t["name"], t["marker"]["color"]) for t in traces] == [
        (OVER_18, palette.FOCUS_AREA_COLOURS[4]),  # SOF-001
        (UNDER_18, palette.FOCUS_AREA_COLOURS[5]),  # BUF-001
        ("Foreslået, ikke besluttet", palette.PROPOSED),  # TMF-001
    ]
    matrix = {trace["name"]: trace for trace in traces}
    assert matrix["Foreslået, ikke besluttet"]["x"] == ["TMF"] and numbers(matrix["Foreslået, ikke besluttet"]["y"]) == [0.6]


def test_initiatives_table_shows_cost_per_person_evidence_and_the_decision_columns():
    at = open_app("initiatives", {"aar": "2010"})
    shown = table(at, "Id").set_index("Id")
    assert list(shown.columns[:8]) == [
        "Indsats",
        "Budget (kr.)",
        "Kr./deltager",
        "Kr./18–25-årig",
        "Evidens",
        "Mål på vej (%)",
        "Finansiering",
        "Status",
    ]
    sof = shown.loc["SOF-001"]
    assert sof["Kr./deltager"] == pytest.approx(1_734_567.5 / 120)  # 14.454,73 kr.
    assert sof["Kr./18–25-årig"] == pytest.approx(1_734_567.5 / 110)  # 15.768,80 kr.
    assert sof["Mål på vej (%)"] == 0  # its one target is behind: (80,5 − 50) / 70 = 44 %
    assert sof["Evidens"] == "Lovende"
    buf = shown.loc["BUF-001"]
    assert pd.isna(buf["Kr./18–25-årig"])  # 0 aged 18–25: no cost per young person, not infinity
    assert buf["Kr./deltager"] == pytest.approx(2_000_000 / 85)


def test_do_less_shows_its_reason_and_its_own_filter():
    at = open_app("initiatives", {"aar": "2011", "goeres_mindre": "true"})
    shown = table(at, "Id")
    assert shown["Id"].tolist() == ["TMF-001"]
    assert shown.loc[0, "Foreslået gjort mindre af"] == "Ja: Lav effekt"


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ({"aar": "2010", "finansiering": "Delvist finansieret"}, ["SOF-001"]),
        ({"aar": "2010", "finansiering": "Finansieret"}, ["BUF-001"]),
        ({"aar": "2010", "evidens": "Lovende"}, ["SOF-001"]),
    ],
)
def test_financing_and_evidence_filters_choose_initiatives(query, ids):
    assert table(open_app("initiatives", query), "Id")["Id"].tolist() == ids


def test_unfinanced_list_names_the_initiatives_and_their_budget():
    at = open_app("financing", {"aar": "2010"})
    assert metric(at, "Mangler finansiering (mio. kr.)") == "0,0"
    assert metric(at, "Delvist finansieret (mio. kr.)") == "1,7"
    shown = table(at, "Id")
    assert shown["Id"].tolist() == ["SOF-001"]
    assert shown.loc[0, "Strategiske mål"] == "Tryghed for københavnere og kommunens ansatte; Kriminalitetsexit"


def test_start_page_links_to_the_unfinanced_list():
    at = open_app("overview", {"aar": "2010"})
    assert any("mangler finansiering" in link.label for link in at.get("page_link"))


def test_prioritisation_places_initiatives_by_cost_and_evidence():
    at = open_app("prioritisation", {"aar": "2010"})
    # SOF-001: 1.734.567,5 / 120 = 14.455 kr. per person, 'lovende'; BUF-001: 2.000.000 / 85 = 23.529 kr., 'ukendt'.
    # Median (14.455 + 23.529) / 2 = 18.992 kr.: SOF-001 is cheap and strong, BUF-001 dear and weak.
    assert chart_titles(at)["priority"] == "1 indsats er dyr med svag evidens, 1 er billig med stærk evidens"
    placed = {trace["name"]: trace["customdata"] for trace in chart_figure(at, "priority")["data"]}
    assert placed == {"Socialt udsatte unge over 18 år": [["SOF-001"]], "Socialt udsatte unge under 18 år": [["BUF-001"]]}
    assert any("Medianen er 18.992 kr. pr. deltager" in c.value for c in at.caption)


def test_prioritisation_lists_what_it_cannot_place_beside_the_chart():
    at = open_app("prioritisation", {"aar": "2011"})  # TMF-001 has budget in 2011 but no participants
    assert table(at, "Mangler").to_dict("records") == [{"Indsats": "Tryghedsbelysning", "Mangler": "ingen deltagere"}]


def test_focus_area_annex_shows_growth_targets_need_and_do_less():
    at = open_app("focus_areas", {"aar": "2010"})
    assert [t.label for t in at.tabs] == [
        "Lokal indsats",
        "Fritidsliv med indhold",
        "Beskæftigelse og uddannelse",
        "Socialt udsatte unge over 18 år",
        "Socialt udsatte unge under 18 år",
        "Tryghed for kommunalt ansatte",
    ]
    assert [h.value for h in at.main.header] == ["Lokal indsats"]  # only the open tab is built
    at.session_state["focus_area_tab"] = "Socialt udsatte unge over 18 år"  # SOF-001's area, as a click on its tab
    at.run()
    assert [h.value for h in at.main.header] == ["Socialt udsatte unge over 18 år"]
    text = [m.value for m in at.markdown]
    # SOF-001 reaches 18–25-year-olds in Nørrebro only: the other nine districts share the lowest coverage
    assert "9 af de ti bydele når færrest unge" in text
    assert "Bagud: 1" in text  # its one effect target: (80,5 − 50) / 70 = 44 %
    # SOF-001 is partly financed: its whole 2010 budget, 1.734.567,5 kr.
    assert any("delvist finansieret: **1,7 mio. kr.**" in t for t in text)


def test_focus_area_annex_lists_what_to_do_less_of_with_the_reason():
    at = open_app("focus_areas", {"aar": "2011", "omraade": "Lokal indsats"})
    assert [h.value for h in at.main.header] == ["Lokal indsats"]
    assert table(at, "Begrundelse").to_dict("records") == [
        {"Indsats": "Tryghedsbelysning", "Begrundelse": "Lav effekt", "Budget (kr.)": 750_000.25}
    ]


def test_initiative_history_puts_city_wide_budget_and_activity_of_a_year_on_one_row():
    at = open_app("initiatives", {"aar": "2010"})
    at.selectbox(key="initiative_detail").select("BUF-001").run()
    history = table(at, "Forbrug (kr.)")
    # BUF-001 in 2010: 2.000.000 kr. (spent 1.900.000) and 85 people, all city-wide
    assert history.to_dict("records") == [
        {
            "År": 2010,
            "Bydel": "Hele byen",
            "Budget (kr.)": 2_000_000,
            "Forbrug (kr.)": 1_900_000,
            "Deltagere (personer)": 85,
            "Heraf 18–25 år (personer)": 0,
        }
    ]


def test_overview_says_nothing_of_proposed_financing_when_every_unfinanced_initiative_is_decided():
    at = open_app("overview", {"aar": "2010"})  # SOF-001, partly financed, is new: decided
    assert not [c.value for c in at.caption if "tæller også foreslåede indsatser" in c.value]
    assert not [c.value for c in at.caption if c.value.startswith("Grå:")]  # nothing proposed in 2010: no grey bars to explain
