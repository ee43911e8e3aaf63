"""Scenarier: what a committee member sees when changing the budget, saving, reopening and sharing a scenario.

Expected values are worked out by hand from the small fixture (tests/conftest.py), year 2010:
- SOF-001: Nørrebro 1.234.567,50 kr. and Bispebjerg 500.000 kr.; reaches 110 aged 18–25, all in Nørrebro.
- BUF-001: city-wide 2.000.000 kr.; reaches no one aged 18–25.
- The year's whole budget: 3.734.567,50 kr. Residents 18–25 (real, 2010): Nørrebro 13.840, Bispebjerg 8.339.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date

import openpyxl
import pandas as pd
import pytest

from dashboard import brief, database, queries, scenario_store, scenario_view
from dashboard.filters import Filters
from dashboard.scenario_outcome import outcome
from dashboard.scenario_workbook import ScenarioFileError, ScenarioTerms, from_xlsx, to_xlsx
from dashboard.scenarios import Change, NewInitiative, Scenario
from tests.apptest_helpers import chart_titles, failures, metric, open_app, read_danish_csv, table
from tests.conftest import small_portfolio

TERMS = ScenarioTerms(
    districts={3: "Nørrebro", 8: "Bispebjerg"},
    focus_areas={1: "Lokal indsats", 2: "Unge"},
    goals={1: "Tryghed", 3: "Exit"},
    administrations=("SOF", "BUF"),
)


@pytest.fixture(autouse=True)
def small_database(small_db, monkeypatch):
    monkeypatch.setenv("SIKKERBY_DB", str(small_db))
    return small_db


def open_scenarios():
    return open_app("scenarios", {"aar": "2010"})


def change(at, initiative_id: str, step: str, amount: float | None = None):
    at.selectbox(key="scenario_change_initiative").set_value(initiative_id)
    at.selectbox(key="scenario_change_step").set_value(step)
    if amount is not None:
        at.number_input(key="scenario_change_amount").set_value(amount)
    at.button(key="scenario_change_add").click().run()
    assert not failures(at), failures(at)
    return at


def coverage(at) -> pd.DataFrame:
    return table(at, "Nået pr. 1.000 unge, scenarie").set_index("Bydel")


def administrations(at, downloads) -> pd.DataFrame:
    """The budget per administration as the chart's CSV gives it (exact kroner), from the tab a user clicks."""
    if at.session_state[scenario_view.BUDGET_TABS] != "Pr. forvaltning":
        at.session_state[scenario_view.BUDGET_TABS] = "Pr. forvaltning"
        at.run()
    return read_danish_csv(downloads.get(at, "csv_scenario_administration")[1]).set_index("Forvaltning")


def test_the_page_starts_from_the_years_whole_budget_unchanged():
    at = open_scenarios()
    assert metric(at, "Budget i udgangspunktet") == "3,7 mio. kr."
    assert metric(at, "Budget i scenariet") == "3,7 mio. kr."
    assert coverage(at).loc["Nørrebro", "Nået 18–25 år, scenarie (personer)"] == 110


def test_stopping_an_initiative_lowers_the_total_by_its_budget_and_its_districts_reach_by_its_reach(downloads):
    at = change(open_scenarios(), "SOF-001", "Stop")
    assert metric(at, "Budget i scenariet") == "2,0 mio. kr."  # only BUF-001's 2.000.000 is left
    sof = administrations(at, downloads).loc["Socialforvaltningen (SOF)"]
    assert sof["Udgangspunkt (kr.)"] == pytest.approx(1_734_567.5)
    assert sof["Scenarie (kr.)"] == 0
    assert sof["Ændring (kr.)"] == pytest.approx(-1_734_567.5)  # exactly its budget
    assert administrations(at, downloads).loc["Børne- og Ungdomsforvaltningen (BUF)", "Ændring (kr.)"] == 0
    nørrebro = coverage(at).loc["Nørrebro"]
    assert nørrebro["Nået 18–25 år, udgangspunkt (personer)"] == 110
    assert nørrebro["Nået 18–25 år, scenarie (personer)"] == 0  # exactly its 110 fewer
    assert nørrebro["Nået pr. 1.000 unge, udgangspunkt"] == pytest.approx(110 / 13_840 * 1000)
    assert coverage(at).loc["Bispebjerg", "Nået 18–25 år, scenarie (personer)"] == 0  # it reached no one there


def test_a_cut_of_half_halves_budget_and_reach(downloads):
    at = change(open_scenarios(), "SOF-001", "−50 %")
    assert administrations(at, downloads).loc["Socialforvaltningen (SOF)", "Scenarie (kr.)"] == pytest.approx(867_283.75)
    assert coverage(at).loc["Nørrebro", "Nået 18–25 år, scenarie (personer)"] == 55
    assert chart_titles(at)["scenario_map"].endswith("Nørrebro, fra 7,9 til 4,0 pr. 1.000 unge")  # 110 and 55 / 13.840


def test_a_new_amount_and_a_frame_show_what_is_left():
    at = change(open_scenarios(), "BUF-001", "Nyt beløb", 1_000_000)
    at.number_input(key="scenario_frame").set_value(3_000_000).run()
    assert metric(at, "Budget i scenariet") == "2,7 mio. kr."  # 1.734.567,5 + 1.000.000
    assert metric(at, "Luft til rammen") == "0,3 mio. kr."  # 3.000.000 − 2.734.567,5 = 265.432,5
    at.number_input(key="scenario_frame").set_value(2_500_000).run()
    assert metric(at, "Over rammen") == "0,2 mio. kr."  # 234.567,5 over
    assert any("overskrider rammen med 0,2 mio. kr." in e.value for e in at.error)


def test_one_move_cuts_an_initiative_and_puts_the_money_in_a_new_one_in_a_district():
    """SOF-001 −50 %: 1.734.567,50 / 2 = 867.283,75 kr. freed, to a new initiative in Bispebjerg reaching 18–25-year-olds at
    SOF-001's price: 867.283,75 × 110 / 1.734.567,50 = 55. Nørrebro: 110 → 55, 55 / 13.840 × 1.000 = 3,97;
    Bispebjerg: 0 → 55, 55 / 8.339 × 1.000 = 6,60. The total stays 3.734.567,50 kr."""
    at = open_scenarios()
    at.selectbox(key="scenario_move_from").set_value("SOF-001")
    at.selectbox(key="scenario_move_to").set_value(8)
    at.button(key="scenario_move_add").click().run()  # '−50 %' is the default cut: two choices and a click
    assert not failures(at), failures(at)
    (new,) = at.session_state["scenario_new"]
    assert (new.name, new.budget_kr, new.reached_18_25, new.districts) == ("Ny indsats i Bispebjerg (fra SOF-001)", 867_283.75, 55, (8,))
    assert (new.goal_ids, new.focus_area_id, new.administration_code) == ((1, 3), 4, "SOF")  # as the initiative it comes from
    assert metric(at, "Budget i scenariet") == "3,7 mio. kr."
    shown = coverage(at)
    assert shown.loc["Nørrebro", "Nået 18–25 år, scenarie (personer)"] == 55
    assert shown.loc["Bispebjerg", "Nået 18–25 år, scenarie (personer)"] == 55
    assert shown.loc["Bispebjerg", "Nået pr. 1.000 unge, scenarie"] == pytest.approx(55 / 8_339 * 1000)


def test_a_move_with_a_reach_typed_in_uses_it_and_a_move_without_a_district_is_refused():
    at = open_scenarios()
    at.selectbox(key="scenario_move_from").set_value("SOF-001")
    at.button(key="scenario_move_add").click().run()
    assert [e.value for e in at.error] == ["Vælg både den indsats, pengene kommer fra, og bydelen, de skal til."]
    assert at.session_state["scenario_new"] == [] and at.session_state["scenario_changes"] == {}
    at.selectbox(key="scenario_move_step").set_value("Stop")
    at.selectbox(key="scenario_move_to").set_value(3)
    at.number_input(key="scenario_move_reach").set_value(0)  # exactly 0: kept, not replaced by the price rule
    at.button(key="scenario_move_add").click().run()
    (new,) = at.session_state["scenario_new"]
    assert (new.budget_kr, new.reached_18_25) == (1_734_567.5, 0)
    assert at.session_state["scenario_changes"]["SOF-001"] == Change(step=-1.0)


def test_a_click_on_an_initiatives_row_picks_it_for_a_change():
    at = open_scenarios()
    rows = at.dataframe(key="scenario_row_pick")
    assert rows.value["Id"].tolist() == ["BUF-001", "SOF-001"]  # largest budget first
    at.session_state["scenario_row_pick"] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    at.run()
    assert at.selectbox(key="scenario_change_initiative").value == "SOF-001"
    at.selectbox(key="scenario_change_step").set_value("−25 %")
    at.button(key="scenario_change_add").click().run()
    assert metric(at, "Budget i scenariet") == "3,3 mio. kr."  # 3.734.567,5 − 433.641,875 = 3.300.925,6


def test_a_proposed_initiative_adds_its_budget_and_reach_in_its_district():
    at = open_scenarios()
    form_inputs = {w.label: w for w in at.text_input} | {w.label: w for w in at.number_input}
    form_inputs["Navn"].input("Natteravne Bispebjerg")
    next(m for m in at.multiselect if m.label == "Bydele").set_value([8])
    form_inputs["Budget (kr.)"].set_value(300_000)
    form_inputs["Forventet antal 18–25-årige nået"].set_value(40)
    next(b for b in at.button if b.label == "Tilføj").click().run()
    assert not failures(at), failures(at)
    assert metric(at, "Budget i scenariet") == "4,0 mio. kr."  # 3.734.567,5 + 300.000
    assert coverage(at).loc["Bispebjerg", "Nået 18–25 år, scenarie (personer)"] == 40
    assert coverage(at).loc["Bispebjerg", "Nået pr. 1.000 unge, scenarie"] == pytest.approx(40 / 8_339 * 1000)  # 4,8


def save(at, name: str):
    at.text_input(key="scenario_name").input(name).run()
    next(b for b in at.button if b.label == "Gem scenarie").click().run()
    assert not failures(at), failures(at)
    return at


def test_a_saved_scenario_is_listed_after_a_fresh_start_and_a_new_data_load(app_on_portfolio):
    save(change(open_scenarios(), "SOF-001", "Stop"), "Uden SOF-001")

    fresh = open_scenarios()  # a new app process state: nothing in the session
    assert table(fresh, "Navn")["Navn"].tolist() == ["Uden SOF-001"]

    sheets = small_portfolio()
    sheets["indsatser"] = sheets["indsatser"][sheets["indsatser"]["indsats_id"] != "SOF-001"]
    for name in ("budget", "aktivitet", "effektmaal"):
        sheets[name] = sheets[name][sheets[name]["indsats_id"] != "SOF-001"]
    app_on_portfolio(sheets, "without_sof")
    reloaded = open_scenarios()
    assert table(reloaded, "Navn")["Navn"].tolist() == ["Uden SOF-001"]
    reloaded.selectbox(key="scenario_pick").set_value("Uden SOF-001")
    next(b for b in reloaded.button if b.label == "Åbn").click().run()
    assert any("ikke findes i de nuværende data" in w.value and "SOF\\-001" in w.value for w in reloaded.warning)
    assert metric(reloaded, "Budget i scenariet") == "2,0 mio. kr."  # BUF-001 alone, as in the data now


def test_a_reopened_scenario_shows_its_changes_and_a_deleted_one_is_gone():
    save(change(open_scenarios(), "SOF-001", "+50 %"), "Mere SOF")
    at = open_scenarios()
    at.selectbox(key="scenario_pick").set_value("Mere SOF")
    next(b for b in at.button if b.label == "Åbn").click().run()
    assert metric(at, "Budget i scenariet") == "4,6 mio. kr."  # 1.734.567,5 × 1,5 + 2.000.000 = 4.601.851,25
    assert table(at, "Ændring")["Ændring"].tolist() == ["+50 %"]
    next(b for b in at.button if b.label == "Slet").click().run()
    assert not any(d.value.columns.tolist() == ["Navn", "År", "Gemt"] for d in at.dataframe)
    assert scenario_store.listing().empty


def test_two_saved_scenarios_are_compared_side_by_side():
    scenario_store.save(Scenario("Stop SOF", 2010, {"SOF-001": Change(step=-1.0)}), "ane@kk.dk")
    scenario_store.save(Scenario("Halv BUF", 2010, {"BUF-001": Change(step=-0.5)}, frame_kr=3_000_000), "bo@kk.dk")
    at = open_scenarios()
    at.multiselect(key="scenario_compare").set_value(["Stop SOF", "Halv BUF"]).run()
    budget = table(at, "Stop SOF (kr.)").set_index("Budget")
    assert budget.loc["I alt"].tolist() == pytest.approx([3_734_567.5, 2_000_000, 2_734_567.5])
    assert budget.loc["Luft til budgetrammen", "Halv BUF (kr.)"] == pytest.approx(265_432.5)
    per_1000 = table(at, "Stop SOF (pr. 1.000)").set_index("Bydel")
    assert per_1000.loc["Nørrebro"].tolist() == pytest.approx([110 / 13_840 * 1000, 0, 110 / 13_840 * 1000])


def test_the_scenario_renders_under_a_district_filter_and_highlights_the_district():
    at = open_app("scenarios", {"aar": "2010", "bydel": "Nørrebro"})
    assert metric(at, "Budget i udgangspunktet") == "3,7 mio. kr."  # a scenario always counts the whole portfolio
    assert any("uanset filtrene" in i.value for i in at.info)


def test_the_owner_saving_again_updates_the_scenario_and_keeps_the_first_version_in_the_history(tmp_path):
    path = tmp_path / "elsewhere" / "scenarios.sqlite"
    first = Scenario("A", 2010, {"SOF-001": Change(amount_kr=10.0)}, names={"SOF-001": "Gadeplan"})
    second = Scenario("A", 2010, {"SOF-001": Change(amount_kr=20.0)}, names={"SOF-001": "Gadeplan"})
    assert scenario_store.save(first, "Ane@kk.dk", path=path) == "gemt"
    assert scenario_store.save(second, "ane@kk.dk", path=path) == "opdateret"  # the same e-mail in other letters: the owner
    assert scenario_store.load("A", path) == second
    assert scenario_store.listing(path)[["name", "owner"]].values.tolist() == [["A", "ane@kk.dk"]]
    assert scenario_store.history("A", path)[["by", "action"]].values.tolist() == [["Ane@kk.dk", "gemt"], ["ane@kk.dk", "opdateret"]]


# --- Excel export and import ----------------------------------------------------------------------


def full_scenario() -> Scenario:
    return Scenario(
        name="Flere unge i Bispebjerg",
        year=2010,
        changes={"SOF-001": Change(step=-0.25), "BUF-001": Change(amount_kr=1_500_000.0)},
        new=(
            NewInitiative(
                "NY-1",
                budget_kr=300_000.0,
                reached_18_25=40.0,
                districts=(8, 3),
                goal_ids=(1, 3),
                name="Natteravne",
                focus_area_id=2,
                administration_code="SOF",
            ),
        ),
        frame_kr=3_500_000.0,
        names={"SOF-001": "Gadeplan", "BUF-001": "Kort Snor"},
    )


def test_a_scenario_exported_to_excel_reads_back_the_same():
    assert from_xlsx(to_xlsx(full_scenario(), TERMS), TERMS) == full_scenario()


def test_the_excel_export_is_readable_by_a_person():
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(full_scenario(), TERMS)))
    assert book.sheetnames[:3] == ["Scenarie", "Ændringer", "Nye indsatser"]
    assert [c.value for c in book["Ændringer"][2]] == ["SOF-001", "Gadeplan", "−25 %", None]
    assert [c.value for c in book["Nye indsatser"][2]] == [
        "Natteravne",
        "Unge",
        "SOF",
        "Tryghed; Exit",
        "Bispebjerg; Nørrebro",
        300_000,
        40,
    ]


def hand_made(changes: list[list], new: list[list] | None = None, settings: list[list] | None = None) -> bytes:
    book = openpyxl.Workbook()
    book.active.title = "Scenarie"
    for row in [["Felt", "Værdi"], *(settings or [["Navn", "Håndlavet"], ["År", 2010]])]:
        book["Scenarie"].append(row)
    sheet = book.create_sheet("Ændringer")
    for row in [["Id", "Indsats", "Ændring", "Beløb (kr.)"], *changes]:
        sheet.append(row)
    if new is not None:
        sheet = book.create_sheet("Nye indsatser")
        for row in [["Navn", "Indsatsområde", "Forvaltning", "Strategiske mål", "Bydele", "Budget (kr.)", "18–25-årige nået"], *new]:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_hand_made_workbook_with_loose_spelling_is_read():
    scenario = from_xlsx(
        hand_made([["SOF-001", "", "-50%", None], ["BUF-001", "", "", "1.200.000"]], [["X", "unge", "", "", "Hele byen", 10, 0]]), TERMS
    )
    assert scenario.changes == {"SOF-001": Change(step=-0.5), "BUF-001": Change(amount_kr=1_200_000.0)}
    assert scenario.new[0].districts == () and scenario.new[0].focus_area_id == 2


def test_a_bad_workbook_is_refused_with_every_problem_named_by_sheet_row_and_column():
    content = hand_made(
        [["SOF-001", "", "−30 %", None], ["BUF-001", "", "Beløb", -5], ["SOF-001", "", "Stop", None]],
        [["Ny", "Ukendt område", "XYZ", "Tryghed; Fred", "Valby", "mange", 5]],
        settings=[["Navn", ""], ["År", "i år"]],
    )
    with pytest.raises(ScenarioFileError) as refused:
        from_xlsx(content, TERMS)
    problems = refused.value.problems
    assert "Arket 'Scenarie': feltet 'Navn' er tomt." in problems
    assert "Arket 'Scenarie': feltet 'År' skal være et årstal, ikke 'i år'." in problems
    assert any(p.startswith("Arket 'Ændringer', række 2, kolonne 'Ændring': '−30 %' er ikke en af Stop") for p in problems)
    assert "Arket 'Ændringer', række 3, kolonne 'Beløb (kr.)': skal være et beløb på 0 kr. eller mere, ikke '-5'." in problems
    assert "Arket 'Ændringer', række 4, kolonne 'Id': indsatsen SOF-001 står her for anden gang." in problems
    assert "Arket 'Nye indsatser', række 2, kolonne 'Indsatsområde': 'Ukendt område' er ikke et af de seks indsatsområder." in problems
    assert "Arket 'Nye indsatser', række 2, kolonne 'Strategiske mål': 'Fred' er ikke et af de fire strategiske mål." in problems
    assert "Arket 'Nye indsatser', række 2, kolonne 'Bydele': 'Valby' er ikke en af de ti bydele." in problems
    assert any("kolonne 'Budget (kr.)'" in p and "'mange'" in p for p in problems)
    assert any("kolonne 'Forvaltning'" in p for p in problems)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Filen er tom."),
        (b"not a workbook at all", "Filen er ikke en Excel-projektmappe (.xlsx), som dashboardet kan læse."),
    ],
)
def test_what_is_not_a_workbook_is_refused_in_danish(content, message):
    with pytest.raises(ScenarioFileError) as refused:
        from_xlsx(content, TERMS)
    assert refused.value.problems == [message]


# --- The brief for a scenario --------------------------------------------------------------------


def test_the_brief_for_a_scenario_has_its_section_with_hand_computed_figures(small_db):
    with database.reading(small_db) as version:
        source = queries.source_of(version)
        result = outcome(
            source, Scenario("Uden SOF", 2010, {"SOF-001": Change(step=-1.0)}, frame_kr=2_500_000, names={"SOF-001": "Gadeplan"})
        )
        page = brief.committee_brief(source, Filters(year=2010), queries.dataset_facts(source), {}, date(2026, 11, 27), scenario=result)
    assert "<h2 class='annex'>Scenarie: Uden SOF</h2>" in page
    assert "<td>Budget i scenariet</td><td>2,0 mio. kr.</td>" in page
    assert "Scenariet holder sig inden for rammen med 0,5 mio. kr. til overs." in page
    assert "<b>Ændrede indsatser:</b> Gadeplan: Stop." in page
    # Nørrebro: 110 / 13.840 × 1.000 = 7,9 before, 0 after the stop; people 110 → 0 of 13.840 residents 18–25
    assert (
        "<td>Nørrebro</td><td>7,9</td><td>0,0</td><td>-7,9</td><td class='number'>110</td><td class='number'>0</td>"
        "<td class='number'>13.840</td>"
    ) in page


def test_saving_without_a_name_and_a_new_amount_without_an_amount_are_refused_in_danish():
    at = open_scenarios()
    next(b for b in at.button if b.label == "Gem scenarie").click().run()
    assert any("Giv scenariet et navn i feltet 'Scenariets navn'" in e.value for e in at.error)
    assert scenario_store.listing().empty
    at = change(at, "SOF-001", "Nyt beløb")  # no amount typed
    assert any("Skriv det nye beløb i feltet 'Nyt beløb (kr.)'" in e.value for e in at.error)
    assert metric(at, "Budget i scenariet") == "3,7 mio. kr."  # nothing changed


# --- Numbers in a scenario workbook are read as the input contract reads them --------------------


def refusals(content: bytes) -> list[str]:
    with pytest.raises(ScenarioFileError) as refused:
        from_xlsx(content, TERMS)
    return refused.value.problems


@pytest.mark.parametrize(
    ("typed", "kroner"),
    [
        ("1234567.50", 1_234_567.5),  # a decimal point, as the contract reads it (was 123.456.750 kr.)
        ("1234567,50", 1_234_567.5),
        ("1.234.567,50", 1_234_567.5),
        ("1,234,567.50", 1_234_567.5),
        ("1.200.000", 1_200_000.0),
        ("250.000", 250_000.0),  # a lone dot and three digits: a Danish thousands separator
        ("  750 000 kr. ", 750_000.0),
        (1_234_567.5, 1_234_567.5),
        ("100.000.000.000", 100_000_000_000.0),  # the contract's upper bound itself is allowed
    ],
)
def test_an_amount_typed_as_text_is_read_as_the_contract_reads_it(typed, kroner):
    scenario = from_xlsx(hand_made([["BUF-001", "", "Beløb", typed]]), TERMS)
    assert scenario.changes == {"BUF-001": Change(amount_kr=kroner)}


NUMBER_HINT = "Skriv fx 1.234.567,50 eller 1234567.50."


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (1e308, "'1e+308' er urealistisk stort; højst 100.000.000.000 kr."),
        ("100.000.000.001", "'100.000.000.001' er urealistisk stort; højst 100.000.000.000 kr."),
        (100_000_000_000.5, "'100000000000.5' er urealistisk stort; højst 100.000.000.000 kr."),
        ("1e400", f"'1e400' er ikke et tal. {NUMBER_HINT}"),
        ("1E5", f"'1E5' er ikke et tal. {NUMBER_HINT}"),
        ("inf", f"'inf' er ikke et tal. {NUMBER_HINT}"),
        ("-inf", f"'-inf' er ikke et tal. {NUMBER_HINT}"),
        ("nan", f"'nan' er ikke et tal. {NUMBER_HINT}"),
        ("1.234,5.6", f"'1.234,5.6' er ikke et tal. {NUMBER_HINT}"),
        (-5, "skal være et beløb på 0 kr. eller mere, ikke '-5'."),
        ("-1.000", "skal være et beløb på 0 kr. eller mere, ikke '-1.000'."),
        (None, "er tom; skriv et beløb på 0 kr. eller mere."),
        ("   ", "er tom; skriv et beløb på 0 kr. eller mere."),
    ],
)
def test_an_amount_the_contract_would_refuse_is_refused_with_sheet_row_and_column(typed, message):
    problems = refusals(hand_made([["SOF-001", "", "Stop", None], ["BUF-001", "", "Beløb", typed]]))
    assert problems == [f"Arket 'Ændringer', række 3, kolonne 'Beløb (kr.)': {message}"]


def test_an_amount_whose_separator_the_rest_of_its_column_contradicts_is_refused_with_the_pipelines_message():
    problems = refusals(hand_made([["SOF-001", "", "Beløb", "1.711"], ["BUF-001", "", "Beløb", "1234.50"]]))
    assert problems == [
        "Arket 'Ændringer', række 2, kolonne 'Beløb (kr.)': '1.711' er tvetydigt: punktummet kan være tusindtalsseparator (1711) "
        "eller decimaltegn (1,711), og kolonnen bruger punktum som decimaltegn (fx '1234.50' i række 3). "
        "Skriv alle tal i kolonnen på samme måde, fx 1.711 og 1.711,50 eller 1711 og 1711,50."
    ]


def test_the_same_typed_text_means_the_same_in_a_scenario_and_in_a_budget_sheet(tmp_path):
    from pipelines.load import load_portfolio
    from tests.conftest import write_csv_folder

    sheets = small_portfolio()
    sheets["budget"].loc[2, "budget_kr"] = "1234567.50"  # BUF-001, 2010, city-wide
    db = tmp_path / "plain.duckdb"
    load_portfolio(write_csv_folder(sheets, tmp_path / "plain"), db)
    with database.reading(db) as version:
        loaded = version.cursor().execute("SELECT budget_kr FROM budget WHERE initiative_id = 'BUF-001'").fetchone()[0]
    scenario = from_xlsx(hand_made([["BUF-001", "", "Beløb", "1234567.50"]]), TERMS)
    assert loaded == scenario.changes["BUF-001"].amount_kr == 1_234_567.5


def new_initiative(budget: object, reached: object) -> bytes:
    return hand_made([], [["Natteravne", "Unge", "SOF", "Tryghed", "Nørrebro", budget, reached]])


@pytest.mark.parametrize(
    ("budget", "reached", "kroner", "people"),
    [("1234567.50", "1.500", 1_234_567.5, 1500.0), ("300.000", 40, 300_000.0, 40.0), (0, "10.000.000", 0.0, 10_000_000.0)],
)
def test_a_new_initiatives_budget_and_reach_are_read_as_the_contract_reads_them(budget, reached, kroner, people):
    (new,) = from_xlsx(new_initiative(budget, reached), TERMS).new
    assert (new.budget_kr, new.reached_18_25) == (kroner, people)


@pytest.mark.parametrize(
    ("budget", "reached", "messages"),
    [
        (1e308, 10, ["kolonne 'Budget (kr.)': '1e+308' er urealistisk stort; højst 100.000.000.000 kr."]),
        (10, 10_000_001, ["kolonne '18–25-årige nået': '10000001' er urealistisk stort; højst 10.000.000."]),
        (10, 1e308, ["kolonne '18–25-årige nået': '1e+308' er urealistisk stort; højst 10.000.000."]),
        (10, 12.5, ["kolonne '18–25-årige nået': '12.5' skal være et helt tal."]),
        (10, "12,5", ["kolonne '18–25-årige nået': '12,5' skal være et helt tal."]),
        (10, -1, ["kolonne '18–25-årige nået': skal være et antal på 0 eller mere, ikke '-1'."]),
        (10, None, ["kolonne '18–25-årige nået': er tom; skriv et antal på 0 eller mere."]),
        (10, "inf", ["kolonne '18–25-årige nået': 'inf' er ikke et tal. Skriv et helt tal, fx 25."]),
        (10, "1e400", ["kolonne '18–25-årige nået': '1e400' er ikke et tal. Skriv et helt tal, fx 25."]),
        (
            "-1e400",
            "nan",
            [
                f"kolonne 'Budget (kr.)': '-1e400' er ikke et tal. {NUMBER_HINT}",
                "kolonne '18–25-årige nået': 'nan' er ikke et tal. Skriv et helt tal, fx 25.",
            ],
        ),
    ],
)
def test_a_new_initiatives_budget_or_reach_past_the_contracts_bounds_is_refused(budget, reached, messages):
    assert refusals(new_initiative(budget, reached)) == [f"Arket 'Nye indsatser', række 2, {m}" for m in messages]


@pytest.mark.parametrize(
    ("typed", "kroner", "message"),
    [
        ("3500000.00", 3_500_000.0, None),
        ("3.500.000,00", 3_500_000.0, None),
        (1e308, None, "Arket 'Scenarie': feltet 'Budgetramme (kr.)': '1e+308' er urealistisk stort; højst 100.000.000.000 kr."),
        ("inf", None, f"Arket 'Scenarie': feltet 'Budgetramme (kr.)': 'inf' er ikke et tal. {NUMBER_HINT}"),
    ],
)
def test_the_budget_frame_is_read_as_the_contract_reads_it(typed, kroner, message):
    content = hand_made([], settings=[["Navn", "Ramme"], ["År", 2010], ["Budgetramme (kr.)", typed]])
    if message is None:
        assert from_xlsx(content, TERMS).frame_kr == kroner
    else:
        assert refusals(content) == [message]


def with_cell_value(content: bytes, written: str, saved: str) -> bytes:
    """Return the workbook with one saved cell value replaced in its XML, as a program other than Excel might write it."""
    source, target = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(target, "w") as out:
        for member in source.infolist():
            data = source.read(member)
            out.writestr(member, data.replace(f"<v>{written}</v>".encode(), f"<v>{saved}</v>".encode()))
    return target.getvalue()


@pytest.mark.parametrize(("saved", "shown"), [("1" + "0" * 400, "1" + "0" * 38 + "…"), ("1E+400", "inf")])
def test_a_saved_number_too_large_for_a_float_is_refused_not_a_crash(saved, shown):
    content = with_cell_value(hand_made([["BUF-001", "", "Beløb", 123456789]]), "123456789", saved)
    assert refusals(content) == [
        f"Arket 'Ændringer', række 2, kolonne 'Beløb (kr.)': '{shown}' er urealistisk stort; højst 100.000.000.000 kr."
    ]


def test_the_pages_number_fields_stop_at_the_contracts_bounds():
    at = open_scenarios()
    bounds = {field.label: (field.min, field.max) for field in at.number_input if field.label != "Side (af 1)"}
    assert bounds == {
        "Budgetramme (kr.)": (0, 100_000_000_000),
        "Nyt beløb (kr.)": (0, 100_000_000_000),
        "Budget (kr.)": (0, 100_000_000_000),
        "Forventet antal 18–25-årige nået": (0, 10_000_000),
        "18–25-årige nået": (0, 10_000_000),  # the move's new initiative
    }
