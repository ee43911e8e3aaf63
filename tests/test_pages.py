"""Every page renders for the default and a filtered view, and shows the numbers the database holds."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from sikkerby import formatting as fmt
from tests.apptest_helpers import PAGES, failures, figure, metric, open_app, sql_value

NORREBRO = "Nørrebro"


@pytest.fixture(autouse=True)
def sample_database(sample_db, monkeypatch):
    monkeypatch.setenv("SIKKERBY_DB", str(sample_db))
    return sample_db


@pytest.mark.parametrize("page", list(PAGES))
def test_page_renders_default_and_filtered_view(page):
    at = open_app(page)
    assert at.title[0].value
    assert any("Eksempeldata" in w.value for w in at.warning)
    filtered = open_app(page, {"aar": "2010", "bydel": NORREBRO, "forvaltning": "Socialforvaltningen (SOF)"})
    for chart in [*at.get("plotly_chart"), *filtered.get("plotly_chart")]:  # the house style is added unvalidated, for speed
        go.Figure(figure(chart))  # raises on any property plotly.js does not know
    if page == "scenarios":  # a scenario always counts the whole portfolio, and says so
        assert any("De valgte filtre tæller ikke med her; Nørrebro er fremhævet på kortet" in i.value for i in filtered.info)
    elif page == "decisions":  # a decision holds its year's whole portfolio, and says so
        assert any("Filtrene tæller ikke med her" in i.value for i in filtered.info)
        assert not any("Filtrene tæller ikke med her" in i.value for i in at.info)  # the complement: no filter, no note
    elif page not in ("about", "accessibility", "data"):  # these describe the whole database (or the app), not a filtered view
        assert any("henført til Nørrebro" in i.value for i in filtered.info)


@pytest.mark.parametrize("page", list(PAGES))
def test_filters_with_no_data_say_why(page):
    at = open_app(page, {"aar": "2008", "status": "Foreslået"})
    if page not in (
        "about",
        "accessibility",
        "data",
        "scenarios",
        "decisions",
    ):  # whole database or the app; a scenario and a decision ignore the initiative filters (test_scenario_page, test_decision_page)
        assert any("Ingen data" in i.value or "Ingen indsatser" in i.value for i in at.info), [i.value for i in at.info]


def test_young_adults_table_shows_real_population(sample_db):
    at = open_app("young_adults", {"aar": "2010"})
    table = at.dataframe[0].value.set_index("Bydel")
    assert table.loc["Nørrebro", "Indbyggere 18–25 år"] == 13_840
    assert table.loc["Vanløse", "Indbyggere 18–25 år"] == 4_488
    reached = sql_value(sample_db, "SELECT SUM(participants_18_25) FROM activity WHERE year = 2010 AND district_id = 3")
    assert table.loc["Nørrebro", "Nået 18–25 år (personer)"] == reached
    assert table.loc["Nørrebro", "Nået pr. 1.000 unge"] == pytest.approx(reached / 13_840 * 1000)


def test_goal_filter_shows_only_the_chosen_goals(sample_db):
    at = open_app("goals", {"aar": "2011", "maal": "Kriminalitetsexit"})
    assert [h.value for h in at.main.header] == ["3. Kriminalitetsexit"]
    exit_budget = sql_value(
        sample_db,
        "SELECT SUM(b.budget_kr / i.goal_count) FROM budget b JOIN initiative i USING (initiative_id) "
        "JOIN initiative_goal g USING (initiative_id) WHERE b.year = 2011 AND g.goal_id = 3 AND i.status <> 'foreslaaet'",
    )
    assert metric(at, "Kriminalitetsexit, besluttet (mio. kr.)") == fmt.number(exit_budget / 1e6, 1)


def test_goal_budgets_add_up_to_the_decided_total(sample_db):
    at = open_app("goals", {"aar": "2011"})
    decided = "JOIN initiative i USING (initiative_id) WHERE b.year = 2011 AND i.status <> 'foreslaaet'"
    total = sql_value(sample_db, f"SELECT SUM(b.budget_kr) FROM budget b {decided}")
    exit_budget = sql_value(
        sample_db,
        "SELECT SUM(b.budget_kr / i.goal_count) FROM budget b JOIN initiative i USING (initiative_id) "
        "JOIN initiative_goal g USING (initiative_id) WHERE b.year = 2011 AND g.goal_id = 3 AND i.status <> 'foreslaaet'",
    )
    shown = [float(m.value.replace(".", "").replace(",", ".")) for m in at.metric[:4]]
    assert sum(shown) == pytest.approx(total / 1e6, abs=0.2)
    assert metric(at, "Kriminalitetsexit, besluttet (mio. kr.)") == fmt.number(exit_budget / 1e6, 1)
    assert any("fordelt ligeligt" in m.value for m in at.markdown)


def test_initiatives_table_lists_the_years_initiatives_and_all_on_request(sample_db):
    at = open_app("initiatives", {"aar": "2010"})
    active = sql_value(
        sample_db,
        "SELECT COUNT(*) FROM initiative i WHERE EXISTS (SELECT 1 FROM budget b WHERE b.initiative_id = i.initiative_id AND b.year = 2010 AND b.budget_kr > 0) "
        "OR EXISTS (SELECT 1 FROM activity a WHERE a.initiative_id = i.initiative_id AND a.year = 2010 AND a.participants > 0)",
    )
    assert len(at.dataframe[0].value) == active
    assert any(f"{active} indsatser" in m.value for m in at.markdown)
    at.toggle(key="initiatives_only_active").set_value(False).run()
    assert len(at.dataframe[0].value) == sql_value(sample_db, "SELECT COUNT(*) FROM initiative")


def test_search_without_hits_says_so():
    at = open_app("initiatives", {"aar": "2010"})
    at.text_input(key="initiative_search").input("findes ikke xyz").run()
    assert any("Ingen indsatser matcher søgningen 'findes ikke xyz'" in i.value for i in at.info)


def test_economy_says_when_no_spending_is_recorded():
    at = open_app("economy", {"aar": "2013"})
    assert any("Der er ikke registreret forbrug for 2013" in i.value for i in at.info)
    assert not any("Der er ikke registreret forbrug" in i.value for i in open_app("economy", {"aar": "2010"}).info)


def test_initiatives_search_narrows_the_table():
    at = open_app("initiatives", {"aar": "2010"})
    at.text_input(key="initiative_search").input("kort snor").run()
    names = set(at.dataframe[0].value["Indsats"])
    assert names == {"Kort Snor", "Kort Snor+"}


def test_initiative_detail_shows_history_per_district(sample_db):
    at = open_app("initiatives", {"aar": "2010"})
    at.selectbox(key="initiative_detail").select("SOF-001").run()
    history = at.dataframe[1].value
    assert set(history["Bydel"]) == {"Nørrebro", "Bispebjerg", "Amager Vest", "Brønshøj-Husum"}
    expected = sql_value(sample_db, "SELECT SUM(budget_kr) FROM budget WHERE initiative_id = 'SOF-001'")
    assert history["Budget (kr.)"].sum() == pytest.approx(expected)


def test_economy_map_and_ranking_offer_kr_per_resident(sample_db):
    at = open_app("economy", {"aar": "2010"})
    assert at.segmented_control(key="economy_measure").value == "kr. pr. indbygger"
    at.segmented_control(key="economy_measure").set_value("kr.").run()
    assert not failures(at), failures(at)


def test_about_page_shows_load_log_and_sources(sample_db):
    at = open_app("about")
    log = at.dataframe[0].value
    assert set(log["Indhold"]) == {"Indsatser", "Befolkning", "Bydelsgrænser"}
    assert set(log["Fil"]) == {"indsatser.xlsx", "befkbhalderkoencivst.csv", "bydele.geojson"}
    initiatives = sql_value(sample_db, "SELECT COUNT(*) FROM initiative")
    assert any(f"{initiatives} indsatser" in c.value for c in at.caption)
    assert any("Open Data København" in m.value for m in at.markdown)


def test_year_after_2015_uses_the_latest_population_and_says_so(app_on_portfolio):
    from tests.conftest import small_portfolio

    sheets = small_portfolio()
    sheets["budget"]["aar"] = "2017"
    sheets["aktivitet"]["aar"] = "2017"
    db = app_on_portfolio(sheets, "2017")
    at = open_app("young_adults")
    assert any("Befolkningstal findes kun til og med 2015; for 2017 bruges 2015." in i.value for i in at.info)
    table = at.dataframe[0].value.set_index("Bydel")
    assert table.loc["Nørrebro", "Indbyggere 18–25 år"] == sql_value(
        db, "SELECT age_18_25 FROM population WHERE year = 2015 AND district_id = 3"
    )


def test_initiative_detail_never_shows_nan_for_empty_cells(tmp_path, monkeypatch):
    from pipelines.load import load_portfolio
    from tests.conftest import small_portfolio, write_csv_folder

    sheets = small_portfolio()
    sheets["indsatser"].loc[2, ["karakter", "begrundelse"]] = ["", ""]
    db = tmp_path / "tomme.duckdb"
    load_portfolio(write_csv_folder(sheets, tmp_path / "csv"), db)
    monkeypatch.setenv("SIKKERBY_DB", str(db))
    at = open_app("initiatives", {"aar": "2011"})
    at.selectbox(key="initiative_detail").select("TMF-001").run()
    shown = " ".join(m.value for m in at.markdown) + " ".join(w.value for w in at.warning)
    assert "nan" not in shown.split()
    assert "**Karakter:** –" in shown
    assert "Begrundelse: ikke angivet" in shown
