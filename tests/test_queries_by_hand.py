"""Every query, the analysis helpers and the transform's derived columns, against values worked out by hand.

Fast: no AppTest, no browser; `make mutants` runs this module. The fixture (tests/conftest.py
`small_portfolio`, described at the top of tests/test_figures_by_hand.py):

- SOF-001 'Væresteder for 18-25-årige': SOF, focus area 4 (Socialt udsatte unge over 18 år), new
  ('ny'), partly financed ('delvist'), ages 18–25, goals 1 Tryghed + 3 Kriminalitetsexit, evidence
  'lovende'. Budget 2010: Nørrebro (3) 1.234.567,50 kr., spent 1.000.000, kommune; Bispebjerg (8)
  500.000 kr., nothing spent, satspulje. Activity 2010: Nørrebro 120 people, 110 aged 18–25, 40 places.
- BUF-001 'Kort Snor': BUF, focus area 5 (Socialt udsatte unge under 18 år), existing, financed,
  ages 12–17, goal 2 Tidlig indsats. Budget 2010: city-wide 2.000.000 kr., spent 1.900.000, source
  left empty (= kommune). Activity 2010: city-wide 85 people, 0 aged 18–25, places empty.
- TMF-001 'Tryghedsbelysning': TMF, focus area 1 (Lokal indsats), existing, financed, ages 0–99,
  goals 1 Tryghed + 4 Koordinering, marked 'gøres mindre af' ('Lav effekt'), evidence 'ukendt'.
  Budget only 2011: city-wide 750.000,25 kr., source 'andet'.
- One effect target, SOF-001 2013 'Unge der kommer fast' (personer): baseline 50, target 120, latest 80,5.

Population (data/reference/befkbhalderkoencivst.csv, summed by hand with awk over AAR, BYDEL, ALDER
18–25 and PERSONER; district 99 = not assigned to a district, counted in city totals):

| year | city, all ages | city 18–25 | Indre By 18–25 | Nørrebro all / 18–25 | Valby 18–25 | Bispebjerg all / 18–25 |
|------|---------|--------|-------|-----------------|-------|----------------|
| 1992 | 464.566 | 74.768 | 6.640 | 67.251 / 13.843 | 5.627 | 41.668 / 5.597 |
| 2009 | 518.574 | 73.876 | 5.852 | 71.891 / 13.015 | 5.914 | 47.199 / 7.966 |
| 2010 | 528.208 | 77.484 | 6.342 | 72.887 / 13.840 | 6.151 | 47.982 / 8.339 |
| 2011 | 539.542 | 81.217 | 6.995 | 74.129 / 14.509 | 6.307 | 49.362 / 8.900 |
| 2015 | 580.295 | 89.853 | 7.759 | 78.802 / 15.399 | 7.269 | 53.604 / 10.154 |

The population file runs 1992–2015. Every expected value below is written out from these facts,
never taken from the app's own queries or formulas.
"""

from __future__ import annotations

import hashlib
import inspect
import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st

from dashboard import analysis, database, disclosure, queries
from dashboard.filters import Filters
from pipelines import transform
from pipelines.load import load_portfolio
from pipelines.read import read_input
from pipelines.validate import validated_sheets
from sikkerby import formatting as fmt
from sikkerby.paths import BOUNDARIES_GEOJSON, POPULATION_CSV
from tests.conftest import small_portfolio, write_csv_folder

NORREBRO, VALBY, BISPEBJERG, INDRE_BY = 3, 5, 8, 1
TRYGHED = "Tryghed for københavnere og kommunens ansatte"
TIDLIG = "Tidlig indsats for udsatte unge under 18 år"
EXIT = "Kriminalitetsexit"
KOORDINERING = "Koordinering og samarbejde"
OVER_18 = "Socialt udsatte unge over 18 år"
UNDER_18 = "Socialt udsatte unge under 18 år"


@pytest.fixture(autouse=True)
def fresh_caches():
    """Each test reads its own database; clearing the query caches keeps any earlier result out of its way."""
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@contextmanager
def opened(db: Path) -> Iterator[queries.Source]:
    with database.reading(db) as version:
        yield queries.source_of(version)


@pytest.fixture
def source(small_db) -> Iterator[queries.Source]:
    with opened(small_db) as held:
        yield held


def loaded(tmp_path: Path, sheets: dict[str, pd.DataFrame], name: str = "tweaked") -> Path:
    """Load a changed copy of the small portfolio into a database of its own."""
    db = tmp_path / f"{name}.duckdb"
    load_portfolio(write_csv_folder(sheets, tmp_path / name), db)
    return db


def add_rows(sheets: dict[str, pd.DataFrame], sheet: str, *rows: list[str]) -> None:
    frame = sheets[sheet]
    sheets[sheet] = pd.concat([frame, pd.DataFrame(list(rows), columns=frame.columns)], ignore_index=True)


def by(frame: pd.DataFrame, key: str) -> dict:
    """Rows of a result keyed by one column: {key value: {column: value}}."""
    return frame.set_index(key).to_dict("index")


# --- The dataset and its dimensions -----------------------------------------------------------


def test_source_names_the_database_file_and_the_version_read_from_inside_it(small_db):
    with database.reading(small_db) as version:
        source = queries.source_of(version)
        assert source == queries.Source(str(small_db), version.id)
        assert len(source.version) == 32  # the load id, a uuid4 in hex, not the placeholder 'ukendt'


def test_every_query_that_reads_a_source_is_cached():
    """A query left out of the cache wrapping at the end of queries.py would run its SQL on every rerun."""
    queries_of_a_source = {
        name: function
        for name, function in vars(queries).items()
        if callable(function)
        and not name.startswith("_")
        and "mutmut" not in name  # under `make mutants` the module also holds each function's mutants (x_…__mutmut_N)
        and getattr(function, "__module__", "") == "dashboard.queries"
        and next(iter(inspect.signature(function).parameters), None) == "source"
    }
    uncached = sorted(name for name, function in queries_of_a_source.items() if not hasattr(function, "clear"))
    assert uncached == ["initiative_lines"]  # a view of the cached decision, not a query of its own
    assert {"key_figures", "young_adults_by_district", "disclosure_decision"} <= set(queries_of_a_source)


def test_dataset_facts_say_the_portfolio_is_not_sample_data(source):
    facts = queries.dataset_facts(source)
    assert facts["portfolio_is_sample"] == "false"
    assert facts["data_version"] == source.version
    assert set(facts["portfolio_source"].split(", ")) == {"indsatser.csv", "budget.csv", "aktivitet.csv", "effektmaal.csv"}


def test_load_history_lists_the_four_csv_files_and_both_reference_files_with_their_checksums(source):
    history = queries.load_history(source)
    # One load, so one loaded_at; the tie is ordered by content: befolkning < bydelsgrænser < indsatser.
    assert history["content"].tolist() == ["befolkning", "bydelsgrænser"] + ["indsatser"] * 4
    checksums = dict(zip(history["source_file"], history["sha256"], strict=True))
    assert checksums["befkbhalderkoencivst.csv"] == hashlib.sha256(POPULATION_CSV.read_bytes()).hexdigest()
    assert checksums["bydele.geojson"] == hashlib.sha256(BOUNDARIES_GEOJSON.read_bytes()).hexdigest()


def test_table_row_counts_of_the_latest_load(source):
    counts = dict(zip(queries.table_row_counts(source)["table_name"], queries.table_row_counts(source)["row_count"], strict=True))
    # 3 initiatives; goal links SOF 2 + BUF 1 + TMF 2 = 5; 4 budget lines; 2 activity lines; 1 effect target;
    # 10 districts, 7 administrations, 6 focus areas, 4 goals; population 24 years (1992–2015) × 11 codes = 264.
    assert counts["initiative"] == 3
    assert counts["initiative_goal"] == 5
    assert counts["budget"] == 4
    assert counts["activity"] == 2
    assert counts["effect_target"] == 1
    assert counts["district"] == 10
    assert counts["administration"] == 7
    assert counts["focus_area"] == 6
    assert counts["goal"] == 4
    assert counts["population"] == 264


def test_budget_and_population_years(source):
    assert queries.budget_years(source) == [2010, 2011]
    assert queries.population_years(source) == (1992, 2015)


def test_dimension_tables_in_their_fixed_order(source):
    districts = queries.districts(source)
    assert districts["district_id"].tolist() == list(range(1, 11))
    assert districts["name"].tolist() == [
        "Indre By",
        "Østerbro",
        "Nørrebro",
        "Vesterbro/Kongens Enghave",
        "Valby",
        "Vanløse",
        "Brønshøj-Husum",
        "Bispebjerg",
        "Amager Øst",
        "Amager Vest",
    ]
    assert districts["boundary_geojson"].str.startswith("{").all()
    assert (districts["area_m2"] > 0).all()
    administrations = queries.administrations(source)
    assert administrations["code"].tolist() == ["BIF", "BUF", "KFF", "SOF", "SUF", "TMF", "ØKF"]  # by code; Ø sorts last
    assert by(administrations, "code")["SOF"]["name"] == "Socialforvaltningen"
    assert queries.focus_areas(source)["name"].tolist() == [
        "Lokal indsats",
        "Fritidsliv med indhold",
        "Beskæftigelse og uddannelse",
        OVER_18,
        UNDER_18,
        "Tryghed for kommunalt ansatte",
    ]
    assert queries.focus_areas(source)["focus_area_id"].tolist() == [1, 2, 3, 4, 5, 6]
    goals = queries.goals(source)
    assert goals["goal_id"].tolist() == [1, 2, 3, 4]
    assert goals["name"].tolist() == [TRYGHED, TIDLIG, EXIT, KOORDINERING]


# --- Overblik ---------------------------------------------------------------------------------


def test_key_figures_for_2010_and_the_year_before(source):
    figures = by(queries.key_figures(source, Filters(year=2010)), "year")
    assert list(figures) == [2009, 2010]
    now = figures[2010]
    assert now["population_year"] == 2010
    assert now["budget_kr"] == pytest.approx(3_734_567.5)  # 1.234.567,5 + 500.000 + 2.000.000
    assert now["decided_budget_kr"] == pytest.approx(3_734_567.5)  # 'ny' and 'eksisterende' are both decided
    assert now["proposed_budget_kr"] == 0
    assert now["initiatives"] == 2  # SOF-001 and BUF-001; TMF-001 has budget only in 2011
    assert now["budget_18_25_kr"] == pytest.approx(1_734_567.5)  # SOF-001 (18–25) only
    assert now["reached_18_25"] == 110  # 110 + BUF-001's 0
    assert now["residents_18_25"] == 77_484  # the whole city, district 99 included
    assert now["reached_per_1000"] == pytest.approx(1.419648)  # 110 × 1.000 / 77.484
    assert now["missing_financing_kr"] == 0
    assert now["missing_financing_initiatives"] == 0
    assert now["partial_financing_kr"] == pytest.approx(1_734_567.5)  # SOF-001 is 'delvist'
    assert now["partial_financing_initiatives"] == 1
    before = figures[2009]
    assert before["population_year"] == 2009
    assert before["budget_kr"] == 0
    assert before["initiatives"] == 0
    assert before["reached_18_25"] == 0
    assert before["residents_18_25"] == 73_876
    assert before["reached_per_1000"] == 0  # 0 × 1.000 / 73.876


def test_key_figures_under_a_district_filter_count_only_that_districts_lines(source):
    now = by(queries.key_figures(source, Filters(year=2010, districts=(NORREBRO,))), "year")[2010]
    assert now["budget_kr"] == pytest.approx(1_234_567.5)  # the Nørrebro line; BUF-001's city-wide line is left out
    assert now["initiatives"] == 1
    assert now["budget_18_25_kr"] == pytest.approx(1_234_567.5)
    assert now["reached_18_25"] == 110
    assert now["residents_18_25"] == 13_840
    assert now["reached_per_1000"] == pytest.approx(7.947977)  # 110 × 1.000 / 13.840
    assert now["partial_financing_kr"] == pytest.approx(1_234_567.5)


def test_key_figures_of_2011_have_2010_as_the_year_before(source):
    figures = by(queries.key_figures(source, Filters(year=2011)), "year")
    assert figures[2011]["budget_kr"] == pytest.approx(750_000.25)  # TMF-001
    assert figures[2011]["initiatives"] == 1
    assert figures[2011]["budget_18_25_kr"] == 0  # ages 0–99: only 8 of 100 years are 18–25
    assert figures[2011]["residents_18_25"] == 81_217
    assert figures[2010]["budget_kr"] == pytest.approx(3_734_567.5)


def test_key_figures_take_the_nearest_population_year(source):
    after = by(queries.key_figures(source, Filters(year=2017)), "year")
    assert [after[y]["population_year"] for y in (2016, 2017)] == [2015, 2015]  # the latest year up to it
    assert after[2017]["residents_18_25"] == 89_853
    before = by(queries.key_figures(source, Filters(year=1991)), "year")
    assert [before[y]["population_year"] for y in (1990, 1991)] == [1992, 1992]  # none before: the first year
    assert before[1991]["residents_18_25"] == 74_768


def test_key_figures_keep_proposed_and_unfinanced_budget_apart(tmp_path):
    sheets = small_portfolio()
    sheets["indsatser"].loc[1, ["status", "finansiering"]] = ["foreslaaet", "mangler"]  # BUF-001
    add_rows(sheets, "budget", ["BUF-001", "2010", "Valby", "0", "", ""])  # a zero line counts no initiative
    with opened(loaded(tmp_path, sheets)) as source:
        now = by(queries.key_figures(source, Filters(year=2010)), "year")[2010]
    assert now["budget_kr"] == pytest.approx(3_734_567.5)
    assert now["decided_budget_kr"] == pytest.approx(1_734_567.5)  # SOF-001 only
    assert now["proposed_budget_kr"] == pytest.approx(2_000_000)
    assert now["missing_financing_kr"] == pytest.approx(2_000_000)
    assert now["missing_financing_initiatives"] == 1
    assert now["initiatives"] == 2


def test_key_figures_count_no_initiative_for_a_zero_budget(tmp_path):
    sheets = small_portfolio()
    add_rows(sheets, "budget", ["TMF-001", "2010", "Valby", "0", "", ""])
    sheets["indsatser"].loc[2, "finansiering"] = "mangler"  # TMF-001 lacks financing, but has 0 kr. in 2010
    with opened(loaded(tmp_path, sheets)) as source:
        now = by(queries.key_figures(source, Filters(year=2010)), "year")[2010]
    assert now["initiatives"] == 2  # still SOF-001 and BUF-001
    assert now["missing_financing_initiatives"] == 0
    assert now["missing_financing_kr"] == 0


def test_budget_by_goal_splits_an_initiatives_budget_evenly_between_its_goals(source):
    goals = by(queries.budget_by_goal(source, Filters(year=2010)), "goal_id")
    assert [goals[g]["goal"] for g in (1, 2, 3, 4)] == [TRYGHED, TIDLIG, EXIT, KOORDINERING]
    assert goals[1]["budget_kr"] == pytest.approx(867_283.75)  # SOF-001: 1.734.567,5 / 2 goals
    assert goals[1]["initiatives"] == 1  # TMF-001 serves it too, but has no 2010 budget
    assert goals[2]["budget_kr"] == pytest.approx(2_000_000)  # BUF-001, one goal
    assert goals[3]["budget_kr"] == pytest.approx(867_283.75)
    assert goals[4]["budget_kr"] == 0
    assert goals[4]["initiatives"] == 0
    later = by(queries.budget_by_goal(source, Filters(year=2011)), "goal_id")
    assert later[1]["budget_kr"] == pytest.approx(375_000.125)  # TMF-001: 750.000,25 / 2
    assert later[4]["budget_kr"] == pytest.approx(375_000.125)


def test_budget_by_goal_under_a_goal_filter_shows_only_that_goal(source):
    only = queries.budget_by_goal(source, Filters(year=2010, goals=(3,)))
    assert only["goal_id"].tolist() == [3]
    assert only["budget_kr"].iloc[0] == pytest.approx(867_283.75)  # SOF-001's half


def test_budget_by_focus_area_under_an_administration_filter(source):
    areas = by(queries.budget_by_focus_area(source, Filters(year=2010)), "focus_area_id")
    assert list(areas) == [1, 2, 3, 4, 5, 6]
    assert areas[4]["focus_area"] == OVER_18
    assert areas[4]["budget_kr"] == pytest.approx(1_734_567.5)
    assert areas[5]["budget_kr"] == pytest.approx(2_000_000)
    assert areas[1]["budget_kr"] == 0  # TMF-001 has no 2010 budget
    assert [areas[a]["initiatives"] for a in range(1, 7)] == [0, 0, 0, 1, 1, 0]
    sof = by(queries.budget_by_focus_area(source, Filters(year=2010, administrations=("SOF",))), "focus_area_id")
    assert sof[4]["budget_kr"] == pytest.approx(1_734_567.5)
    assert sof[5]["budget_kr"] == 0


def test_budget_by_status_in_the_vocabularys_order_under_a_status_filter(source):
    statuses = queries.budget_by_status(source, Filters(year=2010))
    assert statuses["status"].tolist() == ["eksisterende", "ny", "foreslaaet"]
    assert statuses["budget_kr"].tolist() == pytest.approx([2_000_000, 1_734_567.5, 0])
    assert statuses["initiatives"].tolist() == [1, 1, 0]  # TMF-001 is existing but has no 2010 budget
    new = queries.budget_by_status(source, Filters(year=2010, statuses=("ny",)))
    assert new["budget_kr"].tolist() == pytest.approx([0, 1_734_567.5, 0])


def proposed_portfolio() -> dict[str, pd.DataFrame]:
    """The small portfolio with TMF-001 proposed ('foreslået') and 600.000 kr. city-wide in 2010."""
    sheets = small_portfolio()
    sheets["indsatser"].loc[2, "status"] = "foreslået"
    add_rows(sheets, "budget", ["TMF-001", "2010", "Hele byen", "600000", "", "kommune"])
    return sheets


def test_goal_and_focus_area_budgets_are_the_decided_ones_with_the_proposed_apart(tmp_path):
    with opened(loaded(tmp_path, proposed_portfolio())) as source:
        goals = by(queries.budget_by_goal(source, Filters(year=2010)), "goal_id")
        areas = by(queries.budget_by_focus_area(source, Filters(year=2010)), "focus_area_id")
        matrix = queries.budget_by_administration_and_focus_area(source, Filters(year=2010))
    # Goal 1: SOF-001's half (1.734.567,5 / 2) decided; TMF-001's half (600.000 / 2) proposed.
    assert goals[1]["budget_kr"] == pytest.approx(867_283.75)
    assert goals[1]["proposed_kr"] == pytest.approx(300_000)
    assert (goals[1]["initiatives"], goals[1]["proposed_initiatives"]) == (1, 1)
    # Goal 4 is served only by TMF-001: nothing decided, its half proposed.
    assert (goals[4]["budget_kr"], goals[4]["proposed_kr"]) == (0, pytest.approx(300_000))
    assert (goals[4]["initiatives"], goals[4]["proposed_initiatives"]) == (0, 1)
    assert goals[2]["proposed_kr"] == 0  # BUF-001 is decided
    # Decided goals still sum to the decided budget, 3.734.567,5; the proposed to 600.000.
    assert sum(g["budget_kr"] for g in goals.values()) == pytest.approx(3_734_567.5)
    assert sum(g["proposed_kr"] for g in goals.values()) == pytest.approx(600_000)
    assert (areas[1]["budget_kr"], areas[1]["proposed_kr"]) == (0, pytest.approx(600_000))  # Lokal indsats: TMF-001
    assert (areas[4]["budget_kr"], areas[4]["proposed_kr"]) == (pytest.approx(1_734_567.5), 0)
    assert (areas[1]["initiatives"], areas[1]["proposed_initiatives"]) == (0, 1)
    # The matrix: TMF-001's proposed budget stands apart, as TMF's row without a focus area.
    assert matrix["administration_code"].tolist() == ["BUF", "SOF", "TMF"]
    assert matrix["focus_area_id"].isna().tolist() == [False, False, True]
    assert matrix["budget_kr"].tolist() == pytest.approx([2_000_000, 1_734_567.5, 600_000])


def test_economy_and_key_figures_count_the_decided_budget_and_name_the_proposed_part(tmp_path):
    sheets = proposed_portfolio()
    sheets["indsatser"].loc[2, ["alder_min", "alder_max", "finansiering"]] = ["18", "25", "mangler"]  # TMF-001 now aims at 18–25
    add_rows(sheets, "budget", ["TMF-001", "2010", "Valby", "100000", "", "satspulje"])
    with opened(loaded(tmp_path, sheets)) as source:
        now = by(queries.key_figures(source, Filters(year=2010)), "year")[2010]
        districts = by(queries.budget_by_district(source, Filters(year=2010)), "district_id")
        funding = by(queries.budget_by_funding_source(source, Filters(year=2010)), "funding_source")
        spending = queries.budget_and_spending_by_administration(source, Filters(year=2010))
        city_wide = queries.city_wide_budget(source, Filters(year=2010), decided=True)
        city_wide_all = queries.city_wide_budget(source, Filters(year=2010))
        young = by(queries.young_adults_by_district(source, Filters(year=2010)), "district_id")
    assert young[VALBY]["budget_18_25_kr"] == 0  # TMF-001 aims at 18–25 in Valby, but is only proposed
    assert young[NORREBRO]["budget_18_25_kr"] == pytest.approx(1_234_567.5)
    assert now["decided_budget_kr"] == pytest.approx(3_734_567.5)  # SOF-001 1.734.567,5 + BUF-001 2.000.000
    assert now["proposed_budget_kr"] == pytest.approx(700_000)  # TMF-001: 600.000 city-wide + 100.000 Valby
    assert now["budget_18_25_kr"] == pytest.approx(1_734_567.5)  # SOF-001 only: TMF-001 aims at 18–25 but is proposed
    assert now["missing_financing_kr"] == pytest.approx(700_000)  # TMF-001 lacks financing …
    assert now["missing_financing_proposed_kr"] == pytest.approx(700_000)  # … and all of it is proposed
    assert now["partial_financing_kr"] == pytest.approx(1_734_567.5)  # SOF-001, decided
    assert now["partial_financing_proposed_kr"] == 0
    assert districts[VALBY]["budget_kr"] == 0  # TMF-001's proposed 100.000 kr. is not decided budget
    assert districts[NORREBRO]["budget_kr"] == pytest.approx(1_234_567.5)
    assert funding["kommune"]["budget_kr"] == pytest.approx(3_234_567.5)  # SOF-001 Nørrebro + BUF-001 (empty = kommune)
    assert funding["satspulje"]["budget_kr"] == pytest.approx(500_000)  # SOF-001 Bispebjerg; TMF-001's Valby line left out
    assert funding["satspulje"]["share"] == pytest.approx(500_000 / 3_734_567.5)
    assert spending["administration_code"].tolist() == ["BUF", "SOF"]  # no TMF: its budget is only proposed
    assert (city_wide, city_wide_all) == (pytest.approx(2_000_000), pytest.approx(2_600_000))


# --- Økonomi ----------------------------------------------------------------------------------


def test_budget_by_administration_and_focus_area_under_a_focus_area_filter(source):
    matrix = queries.budget_by_administration_and_focus_area(source, Filters(year=2010))
    assert matrix[["administration_code", "focus_area_id", "focus_area"]].values.tolist() == [["BUF", 5, UNDER_18], ["SOF", 4, OVER_18]]
    assert matrix["budget_kr"].tolist() == pytest.approx([2_000_000, 1_734_567.5])
    over_18 = queries.budget_by_administration_and_focus_area(source, Filters(year=2010, focus_areas=(4,)))
    assert over_18["administration_code"].tolist() == ["SOF"]


def test_budget_by_year_and_administration_ignores_the_year_but_not_the_district(source):
    every_year = queries.budget_by_year_and_administration(source, Filters(year=2010))
    assert every_year[["year", "administration_code"]].values.tolist() == [[2010, "BUF"], [2010, "SOF"], [2011, "TMF"]]
    assert every_year["budget_kr"].tolist() == pytest.approx([2_000_000, 1_734_567.5, 750_000.25])
    bispebjerg = queries.budget_by_year_and_administration(source, Filters(year=2010, districts=(BISPEBJERG,)))
    assert bispebjerg[["year", "administration_code"]].values.tolist() == [[2010, "SOF"]]
    assert bispebjerg["budget_kr"].tolist() == pytest.approx([500_000])


def test_budget_by_year_and_administration_keeps_proposed_budget_apart(tmp_path):
    sheets = small_portfolio()
    sheets["indsatser"].loc[1, "status"] = "foreslaaet"  # BUF-001 becomes a proposal
    with opened(loaded(tmp_path, sheets)) as source:
        every_year = queries.budget_by_year_and_administration(source, Filters(year=2010))
    # The proposal has no administration code (NULL), after the decided ones of its year.
    assert every_year["administration_code"].fillna("NULL").tolist() == ["SOF", "NULL", "TMF"]
    assert every_year["year"].tolist() == [2010, 2010, 2011]
    assert every_year["budget_kr"].tolist() == pytest.approx([1_734_567.5, 2_000_000, 750_000.25])


def test_budget_by_district_per_resident(source):
    districts = by(queries.budget_by_district(source, Filters(year=2010)), "district_id")
    assert list(districts) == list(range(1, 11))
    assert districts[NORREBRO]["district"] == "Nørrebro"
    assert districts[NORREBRO]["budget_kr"] == pytest.approx(1_234_567.5)
    assert districts[NORREBRO]["residents"] == 72_887
    assert districts[NORREBRO]["kr_per_resident"] == pytest.approx(16.938103)  # 1.234.567,5 / 72.887
    assert districts[BISPEBJERG]["kr_per_resident"] == pytest.approx(10.420574)  # 500.000 / 47.982
    assert districts[INDRE_BY]["budget_kr"] == 0  # BUF-001's city-wide line belongs to no district
    assert districts[INDRE_BY]["kr_per_resident"] == 0
    buf = by(queries.budget_by_district(source, Filters(year=2010, administrations=("BUF",))), "district_id")
    assert all(row["budget_kr"] == 0 for row in buf.values())


def test_budget_by_district_after_2015_uses_the_2015_population(tmp_path):
    sheets = small_portfolio()
    add_rows(sheets, "budget", ["TMF-001", "2016", "Bispebjerg", "536040", "", "andet"])
    with opened(loaded(tmp_path, sheets)) as source:
        bispebjerg = by(queries.budget_by_district(source, Filters(year=2016)), "district_id")[BISPEBJERG]
    assert bispebjerg["residents"] == 53_604
    assert bispebjerg["kr_per_resident"] == pytest.approx(10.0)  # 536.040 / 53.604


def test_city_wide_budget_leaves_district_lines_out(source):
    assert queries.city_wide_budget(source, Filters(year=2010)) == pytest.approx(2_000_000)  # BUF-001
    assert queries.city_wide_budget(source, Filters(year=2011)) == pytest.approx(750_000.25)  # TMF-001
    assert queries.city_wide_budget(source, Filters(year=2010, statuses=("ny",))) == 0  # SOF-001 has only district lines
    assert queries.city_wide_budget(source, Filters(year=2010, districts=(NORREBRO,))) == 0


def test_budget_and_spending_by_administration(source):
    rows = by(queries.budget_and_spending_by_administration(source, Filters(year=2010)), "administration_code")
    assert list(rows) == ["BUF", "SOF"]
    assert rows["BUF"]["budget_kr"] == pytest.approx(2_000_000)
    assert rows["BUF"]["spent_kr"] == pytest.approx(1_900_000)
    assert rows["BUF"]["budget_with_spending_kr"] == pytest.approx(2_000_000)
    assert rows["SOF"]["budget_kr"] == pytest.approx(1_734_567.5)
    assert rows["SOF"]["spent_kr"] == pytest.approx(1_000_000)  # Bispebjerg's line has no spending
    assert rows["SOF"]["budget_with_spending_kr"] == pytest.approx(1_234_567.5)  # only the line with spending
    bispebjerg = queries.budget_and_spending_by_administration(source, Filters(year=2010, districts=(BISPEBJERG,)))
    assert bispebjerg["administration_code"].tolist() == ["SOF"]
    assert math.isnan(bispebjerg["spent_kr"].iloc[0])
    assert math.isnan(bispebjerg["budget_with_spending_kr"].iloc[0])


def test_budget_by_funding_source_and_its_share(source):
    funding = queries.budget_by_funding_source(source, Filters(year=2010))
    assert funding["funding_source"].tolist() == ["kommune", "satspulje", "andet"]
    # kommune: 1.234.567,5 + BUF-001's 2.000.000 (empty source = kommune) = 3.234.567,5
    assert funding["budget_kr"].tolist() == pytest.approx([3_234_567.5, 500_000, 0])
    assert funding["share"].tolist() == pytest.approx([0.866116, 0.133884, 0], abs=1e-6)  # of 3.734.567,5
    bispebjerg = queries.budget_by_funding_source(source, Filters(year=2010, districts=(BISPEBJERG,)))
    assert bispebjerg["share"].tolist() == pytest.approx([0, 1, 0])
    nothing = queries.budget_by_funding_source(source, Filters(year=2010, focus_areas=(1,)))
    assert nothing["budget_kr"].tolist() == [0, 0, 0]
    assert nothing["share"].isna().all()  # no budget: no share (never a division by zero)


# --- Unge 18–25 -------------------------------------------------------------------------------


def test_young_adults_by_district(source):
    districts = by(queries.young_adults_by_district(source, Filters(year=2010)), "district_id")
    assert list(districts) == list(range(1, 11))
    norrebro = districts[NORREBRO]
    assert norrebro["residents_18_25"] == 13_840
    assert norrebro["reached_18_25"] == 110
    assert norrebro["reached_per_1000"] == pytest.approx(7.947977)  # 110 × 1.000 / 13.840
    assert norrebro["budget_18_25_kr"] == pytest.approx(1_234_567.5)
    assert norrebro["kr_per_young_resident"] == pytest.approx(89.202854)  # 1.234.567,5 / 13.840
    bispebjerg = districts[BISPEBJERG]
    assert bispebjerg["residents_18_25"] == 8_339
    assert bispebjerg["reached_18_25"] == 0
    assert bispebjerg["reached_per_1000"] == 0
    assert bispebjerg["kr_per_young_resident"] == pytest.approx(59.959228)  # 500.000 / 8.339
    assert districts[INDRE_BY]["residents_18_25"] == 6_342
    assert districts[INDRE_BY]["budget_18_25_kr"] == 0


def test_young_adults_by_district_under_a_goal_filter_and_in_another_year(source):
    early = by(queries.young_adults_by_district(source, Filters(year=2010, goals=(2,))), "district_id")
    assert early[NORREBRO]["reached_18_25"] == 0  # only BUF-001, whose activity is city-wide
    assert early[NORREBRO]["budget_18_25_kr"] == 0
    later = by(queries.young_adults_by_district(source, Filters(year=2011)), "district_id")
    assert later[NORREBRO]["residents_18_25"] == 14_509
    assert later[NORREBRO]["reached_18_25"] == 0


def test_young_adults_by_district_counts_the_districts_the_filter_keeps_and_its_city_line_sums_them(tmp_path):
    """SOF-001 also reaches 20 people, 12 aged 18–25, in Bispebjerg in 2010, and 30 city-wide, 9 aged 18–25: never a district's."""
    sheets = small_portfolio()
    add_rows(sheets, "aktivitet", ["SOF-001", "2010", "Bispebjerg", "20", "12", ""], ["SOF-001", "2010", "Hele byen", "30", "9", ""])
    with opened(loaded(tmp_path, sheets, "two_districts")) as held:
        everywhere = queries.young_adults_by_district(held, Filters(year=2010)).set_index("district_id")
        norrebro_only = queries.young_adults_by_district(held, Filters(year=2010, districts=(NORREBRO,))).set_index("district_id")
    true_sum = "reached_18_25" + disclosure.TRUE_SUM_SUFFIX
    assert everywhere.loc[[NORREBRO, BISPEBJERG], "reached_18_25"].tolist() == [110, 12]
    assert everywhere[true_sum].iloc[0] == 122  # 110 + 12, the district lines only
    assert norrebro_only.loc[[NORREBRO, BISPEBJERG], "reached_18_25"].tolist() == [110, 0]
    assert norrebro_only.loc[BISPEBJERG, "reached_per_1000"] == 0
    assert norrebro_only[true_sum].iloc[0] == 110


def test_a_district_filter_still_counts_only_the_chosen_year_and_the_other_filters(tmp_path):
    """SOF-001 reaches 30 aged 18–25 in Nørrebro in 2011 and TMF-001 (TMF) 7 there in 2010: neither counts for SOF in 2010."""
    sheets = small_portfolio()
    add_rows(sheets, "aktivitet", ["SOF-001", "2011", "Nørrebro", "50", "30", ""], ["TMF-001", "2010", "Nørrebro", "9", "7", ""])
    with opened(loaded(tmp_path, sheets, "two_years")) as held:
        sof_in_norrebro = Filters(year=2010, districts=(NORREBRO,), administrations=("SOF",))
        shown = queries.young_adults_by_district(held, sof_in_norrebro).set_index("district_id")
    assert shown.loc[NORREBRO, "reached_18_25"] == 110  # not 140 (2011 too) nor 117 (TMF too)


def test_the_18_25_trend_has_every_year_whatever_year_is_chosen(tmp_path):
    """SOF-001 reaches 110 aged 18–25 in 2010 and 30 in Nørrebro in 2011; the trend shows both years under a 2010 filter."""
    sheets = small_portfolio()
    add_rows(sheets, "budget", ["SOF-001", "2011", "Nørrebro", "100000", "", ""])
    add_rows(sheets, "aktivitet", ["SOF-001", "2011", "Nørrebro", "50", "30", ""])
    with opened(loaded(tmp_path, sheets, "trend")) as held:
        trend = queries.young_adults_trend(held, Filters(year=2010)).set_index("year")
    assert trend.loc[[2010, 2011], "reached_18_25"].tolist() == [110, 30]


def test_a_scenario_starts_from_every_line_of_the_year_with_its_budget_and_reach(tmp_path):
    """2010: SOF-001's two district lines, BUF-001's city-wide line (85 people, none 18–25), and TMF-001's activity
    without budget (7 aged 18–25 in Valby); TMF-001's 2011 budget is another year's."""
    sheets = small_portfolio()
    add_rows(sheets, "aktivitet", ["TMF-001", "2010", "Valby", "9", "7", ""])
    with opened(loaded(tmp_path, sheets, "scenario_lines")) as held:
        lines = queries.scenario_lines(held, 2010)
    assert lines.astype(object).where(lines.notna(), None).values.tolist() == [
        ["BUF-001", None, 2_000_000.0, 0.0],
        ["SOF-001", NORREBRO, 1_234_567.5, 110.0],
        ["SOF-001", BISPEBJERG, 500_000.0, 0.0],
        ["TMF-001", VALBY, 0.0, 7.0],
    ]


def test_each_initiative_is_listed_under_the_goals_ticked_for_it(source):
    """SOF-001 ticks tryghed (1) and exit (3), BUF-001 tidlig indsats (2), TMF-001 tryghed (1) and koordinering (4)."""
    goals = queries.initiative_goals(source)
    assert goals.values.tolist() == [["BUF-001", 2], ["SOF-001", 1], ["SOF-001", 3], ["TMF-001", 1], ["TMF-001", 4]]


def test_young_adults_budget_counts_only_initiatives_aimed_at_18_25(tmp_path):
    sheets = small_portfolio()
    sheets["budget"].loc[3, "bydel"] = "Valby"  # TMF-001 (ages 0–99) in Valby, 2011
    add_rows(sheets, "budget", ["SOF-001", "2011", "Valby", "630700", "", ""])
    with opened(loaded(tmp_path, sheets)) as source:
        valby = by(queries.young_adults_by_district(source, Filters(year=2011)), "district_id")[VALBY]
        budget = by(queries.budget_by_district(source, Filters(year=2011)), "district_id")[VALBY]
    assert valby["budget_18_25_kr"] == pytest.approx(630_700)  # SOF-001's line; TMF-001's 750.000,25 is not aimed at 18–25
    assert valby["kr_per_young_resident"] == pytest.approx(100.0)  # 630.700 / 6.307
    assert budget["budget_kr"] == pytest.approx(1_380_700.25)  # both lines: 630.700 + 750.000,25


def test_city_wide_young_adults_reached(tmp_path):
    sheets = small_portfolio()
    sheets["aktivitet"].loc[1, "heraf_18_25"] = "7"  # BUF-001's city-wide activity
    with opened(loaded(tmp_path, sheets)) as source:
        assert queries.city_wide_young_adults_reached(source, Filters(year=2010)) == 7
        assert queries.city_wide_young_adults_reached(source, Filters(year=2010, districts=(NORREBRO,))) == 0
        assert queries.city_wide_young_adults_reached(source, Filters(year=2010, administrations=("SOF",))) == 0
        trend = by(queries.young_adults_trend(source, Filters(year=2010)), "year")
    assert trend[2010]["reached_18_25"] == 117  # 110 in Nørrebro + 7 city-wide


def test_young_adults_trend_per_year_with_the_nearest_population(tmp_path):
    sheets = small_portfolio()
    add_rows(sheets, "aktivitet", ["SOF-001", "2016", "Nørrebro", "40", "31", ""])
    with opened(loaded(tmp_path, sheets)) as source:
        trend = by(queries.young_adults_trend(source, Filters(year=2010)), "year")
        norrebro = by(queries.young_adults_trend(source, Filters(year=2010, districts=(NORREBRO,))), "year")
    assert list(trend) == [2010, 2016]  # years with activity
    assert trend[2010]["population_year"] == 2010
    assert trend[2010]["reached_18_25"] == 110
    assert trend[2010]["residents_18_25"] == 77_484
    assert trend[2010]["reached_per_1000"] == pytest.approx(1.419648)  # 110 × 1.000 / 77.484
    assert trend[2016]["population_year"] == 2015
    assert trend[2016]["residents_18_25"] == 89_853
    assert norrebro[2016]["reached_per_1000"] == pytest.approx(2.013118)  # 31 × 1.000 / 15.399
    assert norrebro[2010]["residents_18_25"] == 13_840


# --- Strategiske mål --------------------------------------------------------------------------


def test_initiatives_by_goal_with_each_goals_share_of_the_budget(source):
    rows = queries.initiatives_by_goal(source, Filters(year=2010))
    assert rows[["goal_id", "initiative_id"]].values.tolist() == [
        [1, "SOF-001"],
        [1, "TMF-001"],
        [2, "BUF-001"],
        [3, "SOF-001"],
        [4, "TMF-001"],
    ]
    assert rows["budget_kr"].tolist() == pytest.approx([1_734_567.5, 0, 2_000_000, 1_734_567.5, 0])
    assert rows["budget_for_goal_kr"].tolist() == pytest.approx([867_283.75, 0, 2_000_000, 867_283.75, 0])
    assert rows["goal_count"].tolist() == [2, 2, 1, 2, 2]
    first = rows.iloc[0]
    assert (first["name"], first["administration_name"], first["status"], first["financing"]) == (
        "Væresteder for 18-25-årige",
        "Socialforvaltningen",
        "ny",
        "delvist",
    )
    local = queries.initiatives_by_goal(source, Filters(year=2011, focus_areas=(1,)))
    assert local[["goal_id", "initiative_id"]].values.tolist() == [[1, "TMF-001"], [4, "TMF-001"]]
    assert local["budget_for_goal_kr"].tolist() == pytest.approx([375_000.125, 375_000.125])  # 750.000,25 / 2


def test_effect_targets_once_per_goal_and_under_a_status_filter(source):
    targets = queries.effect_targets_by_goal(source, Filters(year=2010))
    assert targets["goal_id"].tolist() == [1, 3]  # SOF-001 serves Tryghed and Kriminalitetsexit
    first = targets.iloc[0]
    assert (first["initiative_id"], first["initiative"], first["year"], first["indicator"], first["unit"]) == (
        "SOF-001",
        "Væresteder for 18-25-årige",
        2013,
        "Unge der kommer fast",
        "personer",
    )
    assert (first["baseline"], first["target"], first["actual"]) == (50, 120, 80.5)
    assert queries.effect_targets_by_goal(source, Filters(year=2010, statuses=("eksisterende",))).empty


def test_effect_targets_once_each_under_the_evidence_filter(source):
    targets = queries.effect_targets(source, Filters(year=2010))
    facts = ["initiative_id", "initiative", "year", "indicator", "unit", "baseline", "target", "actual"]
    assert targets[facts].values.tolist() == [
        ["SOF-001", "Væresteder for 18-25-årige", 2013, "Unge der kommer fast", "personer", 50, 120, 80.5]
    ]
    # progress worked out with the query: (80,5 − 50) / (120 − 50) = 43,6 %, under half the way
    assert targets["progress"].tolist() == [pytest.approx(30.5 / 70)]
    assert targets["status"].tolist() == ["Bagud"]
    assert queries.effect_targets(source, Filters(year=2010, evidence=("lovende",)))["initiative_id"].tolist() == ["SOF-001"]
    assert queries.effect_targets(source, Filters(year=2010, evidence=("ukendt",))).empty  # BUF-001 and TMF-001 have none


# --- Indsatser --------------------------------------------------------------------------------


def test_initiatives_table_of_2010(source):
    table = queries.initiatives_table(source, Filters(year=2010))
    assert table["initiative_id"].tolist() == ["BUF-001", "SOF-001", "TMF-001"]  # by the year's budget, largest first
    rows = by(table, "initiative_id")
    sof = rows["SOF-001"]
    assert sof["goals"] == f"{TRYGHED}; {EXIT}"
    assert sof["budget_kr"] == pytest.approx(1_734_567.5)
    assert (sof["participants"], sof["participants_18_25"]) == (120, 110)
    assert (sof["administration_code"], sof["administration_name"], sof["focus_area"]) == ("SOF", "Socialforvaltningen", OVER_18)
    assert (sof["status"], sof["financing"], sof["evidence"], sof["do_less"]) == ("ny", "delvist", "lovende", False)
    assert (sof["character"], sof["target_group"], sof["age_min"], sof["age_max"]) == ("værested", "Unge 18-25", 18, 25)
    assert sof["active_in_year"]
    buf = rows["BUF-001"]
    assert (buf["goals"], buf["participants"], buf["participants_18_25"]) == (TIDLIG, 85, 0)
    assert buf["active_in_year"]
    tmf = rows["TMF-001"]
    assert tmf["goals"] == f"{TRYGHED}; {KOORDINERING}"
    assert tmf["budget_kr"] == 0
    assert math.isnan(tmf["participants"])
    assert (tmf["do_less"], tmf["rationale"]) == (True, "Lav effekt")
    assert not tmf["active_in_year"]
    assert [rows[i]["focus_area_id"] for i in ("BUF-001", "SOF-001", "TMF-001")] == [5, 4, 1]


def test_initiatives_table_cost_per_person(source):
    rows = by(queries.initiatives_table(source, Filters(year=2010)), "initiative_id")
    assert rows["SOF-001"]["kr_per_participant"] == pytest.approx(14_454.729167)  # 1.734.567,5 / 120
    assert rows["SOF-001"]["kr_per_young_participant"] == pytest.approx(15_768.795455)  # 1.734.567,5 / 110
    assert rows["BUF-001"]["kr_per_participant"] == pytest.approx(23_529.411765)  # 2.000.000 / 85
    assert math.isnan(rows["BUF-001"]["kr_per_young_participant"])  # 0 aged 18–25: no cost per young person
    assert math.isnan(rows["TMF-001"]["kr_per_participant"])  # no activity


def test_a_cost_per_person_is_hidden_with_the_small_count_it_is_divided_by(tmp_path):
    """BUF-001 reaches 3 people city-wide, SOF-001 3 aged 18–25 in Nørrebro: 2.000.000 / 3 or 1.734.567,5 / 3 would give them away.

    SOF-001's 120 people are 3 aged 18–25 and 117 others, so its total holds the hidden 3 and is hidden too.
    """
    sheets = small_portfolio()
    sheets["aktivitet"].loc[0, "heraf_18_25"] = "3"
    sheets["aktivitet"].loc[1, "deltagere"] = "3"
    with opened(loaded(tmp_path, sheets, "small_counts")) as held:
        table = queries.initiatives_table(held, Filters(year=2010)).set_index("initiative_id")
    for initiative, count, rate in (
        ("BUF-001", "participants", "kr_per_participant"),
        ("SOF-001", "participants", "kr_per_participant"),
        ("SOF-001", "participants_18_25", "kr_per_young_participant"),
    ):
        assert fmt.is_hidden(table.at[initiative, count]), (initiative, count)
        assert fmt.is_hidden(table.at[initiative, rate]), (initiative, rate)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(year=2010, financing=("delvist",)), ["SOF-001"]),
        (Filters(year=2010, financing=("finansieret",)), ["BUF-001", "TMF-001"]),
        (Filters(year=2010, evidence=("ukendt",)), ["BUF-001", "TMF-001"]),  # BUF-001's empty cell: 'ukendt'
        (Filters(year=2010, evidence=("lovende", "ukendt")), ["BUF-001", "SOF-001", "TMF-001"]),
        (Filters(year=2010, only_do_less=True), ["TMF-001"]),
        (Filters(year=2010, only_do_less=True, financing=("delvist",)), []),
        (Filters(year=2010, goals=(1,)), ["SOF-001", "TMF-001"]),
        (Filters(year=2010, focus_areas=(5, 1)), ["BUF-001", "TMF-001"]),
        (Filters(year=2010, administrations=("TMF", "SOF")), ["SOF-001", "TMF-001"]),
        (Filters(year=2010, statuses=("eksisterende",)), ["BUF-001", "TMF-001"]),
        (Filters(year=2010, districts=(BISPEBJERG, NORREBRO)), ["SOF-001"]),
        (Filters(year=2010, districts=(VALBY,)), []),
    ],
)
def test_initiative_filters_choose_initiatives(source, filters, expected):
    assert queries.initiatives_table(source, filters)["initiative_id"].tolist() == expected


def test_initiatives_table_under_a_district_filter_and_in_2011(source):
    norrebro = queries.initiatives_table(source, Filters(year=2010, districts=(NORREBRO,)))
    assert norrebro["initiative_id"].tolist() == ["SOF-001"]
    assert norrebro["budget_kr"].tolist() == pytest.approx([1_234_567.5])  # not Bispebjerg's 500.000
    in_2011 = queries.initiatives_table(source, Filters(year=2011))
    assert in_2011["initiative_id"].tolist() == ["TMF-001", "BUF-001", "SOF-001"]  # 0 kr. each: Kort Snor before Væresteder
    later = by(in_2011, "initiative_id")
    assert [later[i]["active_in_year"] for i in ("BUF-001", "SOF-001", "TMF-001")] == [False, False, True]
    assert later["TMF-001"]["budget_kr"] == pytest.approx(750_000.25)


def test_an_initiative_with_activity_but_no_budget_is_active(tmp_path):
    sheets = small_portfolio()
    add_rows(sheets, "aktivitet", ["TMF-001", "2010", "Valby", "12", "", ""])
    with opened(loaded(tmp_path, sheets)) as source:
        tmf = by(queries.initiatives_table(source, Filters(year=2010)), "initiative_id")["TMF-001"]
    assert tmf["budget_kr"] == 0
    assert tmf["participants"] == 12
    assert tmf["active_in_year"]


def test_initiative_history_per_year_and_district(source):
    sof = queries.initiative_history(source, "SOF-001")
    assert sof[["year", "district"]].values.tolist() == [[2010, "Nørrebro"], [2010, "Bispebjerg"]]  # district 3 before 8
    assert sof["budget_kr"].tolist() == pytest.approx([1_234_567.5, 500_000])
    assert sof["spent_kr"].iloc[0] == pytest.approx(1_000_000)
    assert math.isnan(sof["spent_kr"].iloc[1])
    assert sof["participants"].iloc[0] == 120
    assert sof["participants_18_25"].iloc[0] == 110
    assert math.isnan(sof["participants"].iloc[1])  # Bispebjerg has budget but no activity
    tmf = queries.initiative_history(source, "TMF-001")
    assert tmf[["year", "district"]].values.tolist() == [[2011, "Hele byen"]]
    assert tmf["budget_kr"].tolist() == pytest.approx([750_000.25])


def test_initiative_history_puts_city_wide_budget_and_activity_of_a_year_on_one_row(source):
    buf = queries.initiative_history(source, "BUF-001")
    assert buf[["year", "district", "budget_kr", "spent_kr", "participants", "participants_18_25"]].values.tolist() == [
        [2010, "Hele byen", 2_000_000, 1_900_000, 85, 0]
    ]


# --- queries.ratio ----------------------------------------------------------------------------


def test_ratio_is_missing_never_infinite_where_the_denominator_is_zero_or_missing():
    result = queries.ratio(pd.Series([1, 3, 5]), pd.Series([4, 0, None]))
    assert result.iloc[0] == 0.25
    assert result.iloc[1:].isna().all()
    assert result.dtype == "float64"
    assert queries.ratio(pd.Series([1, 3]), 4).tolist() == [0.25, 0.75]
    assert queries.ratio(pd.Series([1, 3]), 0).isna().all()
    assert queries.ratio(pd.Series([1, 3]), None).isna().all()


# --- analysis ---------------------------------------------------------------------------------


def test_share():
    assert analysis.share(1, 4) == 0.25
    assert analysis.share(3, 4) == 0.75
    assert analysis.share(0, 4) == 0.0
    for part, whole in [(1, 0), (1, None), (1, float("nan")), (None, 4), (float("nan"), 4), (pd.NA, 4), (1, pd.NA)]:
        assert analysis.share(part, whole) is None, (part, whole)


def test_change():
    assert analysis.change(5, 3) == 2.0
    assert analysis.change(3, 5) == -2.0
    assert analysis.change(0, 0) == 0.0
    for current, previous in [(5, None), (5, float("nan")), (None, 3), (float("nan"), 3), (pd.NA, 3)]:
        assert analysis.change(current, previous) is None, (current, previous)


def test_largest_share():
    data = pd.DataFrame({"name": ["A", "B", "C"], "budget_kr": [1.0, 2.0, 1.0], "people": [5, 0, 15]})
    assert analysis.largest_share(data, "name") == ("B", 0.5)  # 2 of 1 + 2 + 1
    assert analysis.largest_share(data, "name", "people") == ("C", 0.75)  # 15 of 20
    assert analysis.largest_share(data.assign(budget_kr=0.0), "name") is None
    assert analysis.largest_share(data.assign(budget_kr=float("nan")), "name") is None


def test_lowest_names_the_lowest_three_or_every_tie_at_the_minimum():
    data = pd.DataFrame({"name": list("ABCDE"), "v": [30.0, 10.0, 20.0, 40.0, 50.0]})
    assert analysis.lowest(data, "name", "v") == ["B", "C", "A"]  # 10, 20, 30
    assert analysis.lowest(data, "name", "v", 2) == ["B", "C"]
    ties = pd.DataFrame({"name": list("ABCDE"), "v": [1.0, 1.0, 1.0, 1.0, 2.0]})
    assert analysis.lowest(ties, "name", "v") == ["A", "B", "C", "D"]  # four share the minimum: all four
    two_ties = pd.DataFrame({"name": list("ABCD"), "v": [5.0, 1.0, 1.0, 3.0]})
    assert analysis.lowest(two_ties, "name", "v") == ["B", "C", "D"]  # two at the minimum, then the next
    pair = pd.DataFrame({"name": ["A", "B"], "v": [2.0, 1.0]})
    assert analysis.lowest(pair, "name", "v") == ["B", "A"]  # two values are a comparison
    with_missing = pd.DataFrame({"name": ["A", "B", "C"], "v": [2.0, None, 1.0]})
    assert analysis.lowest(with_missing, "name", "v") == ["C", "A"]  # missing values take no place
    assert analysis.lowest(pd.DataFrame({"name": ["A"], "v": [1.0]}), "name", "v") == []
    assert analysis.lowest(pd.DataFrame({"name": ["A", "B"], "v": [1.0, 1.0]}), "name", "v") == []
    assert analysis.lowest(pd.DataFrame({"name": ["A", "B"], "v": [1.0, None]}), "name", "v") == []


def test_lowest_lists_ties_in_the_order_they_come_in_also_beyond_sixteen_rows():
    # 17 rows alternating 1, 0, 1, …: the eight 0s (rows 1, 3, …, 15) share the minimum and are named in row order.
    # (Below 17 rows numpy sorts ties in order anyway; from 17 on only a stable sort does.)
    data = pd.DataFrame({"name": [f"R{i}" for i in range(17)], "v": [float((i + 1) % 2) for i in range(17)]})
    assert analysis.lowest(data, "name", "v") == ["R1", "R3", "R5", "R7", "R9", "R11", "R13", "R15"]


def test_lowest_sentence():
    assert analysis.lowest_sentence(["A", "B", "C"], "Lavest", "Ingen forskel", "{n} deler det laveste") == "Lavest: A, B, C"
    assert analysis.lowest_sentence(["A"], "Lavest", "Ingen forskel", "{n} deler det laveste") == "Lavest: A"
    assert analysis.lowest_sentence(["A", "B", "C", "D"], "Lavest", "Ingen forskel", "{n} deler det laveste") == "4 deler det laveste"
    assert analysis.lowest_sentence(["A", "B", "C", "D"], "Lavest", "Ingen forskel", "{n} deler", count=4) == "Lavest: A, B, C, D"
    assert analysis.lowest_sentence([], "Lavest", "Ingen forskel", "{n} deler det laveste") == "Ingen forskel"


def test_city_figure_sums_before_dividing():
    data = pd.DataFrame({"reached": [110, 0], "residents": [13_840, 8_339]})
    assert analysis.city_figure(data, "reached", "residents", 1000) == pytest.approx(4.959647)  # 110 × 1.000 / (13.840 + 8.339 = 22.179)
    assert analysis.city_figure(data, "reached", "residents") == pytest.approx(0.004959647)  # scale 1 by default
    assert analysis.city_figure(data.assign(residents=0), "reached", "residents", 1000) is None


def test_growth_sentence_names_the_districts_with_the_lowest_coverage():
    coverage = pd.DataFrame(
        {"district": list("ABCDE"), "reached_18_25": [50, 10, 30, 20, 40], "reached_per_1000": [5.0, 1.0, 3.0, 2.0, 4.0]}
    )
    assert analysis.growth_sentence(coverage) == "Lavest dækning af 18–25-årige: B, D, C"
    assert analysis.growth_sentence(coverage.assign(reached_per_1000=2.0)) == "Dækningen er ens i alle bydele"
    tied = coverage.assign(reached_per_1000=[1.0, 1.0, 1.0, 1.0, 4.0])
    assert analysis.growth_sentence(tied) == "4 af de ti bydele når færrest unge"
    assert (
        analysis.growth_sentence(coverage.assign(reached_18_25=0))
        == "Områdets indsatser når ingen 18–25-årige, der er henført til en bydel."
    )


def test_budget_need_adds_up_unfinanced_partly_financed_and_proposed_budget():
    initiatives = pd.DataFrame(
        {
            "financing": ["mangler", "delvist", "mangler", "finansieret", "delvist"],
            "status": ["foreslaaet", "ny", "eksisterende", "foreslaaet", "foreslaaet"],
            "budget_kr": [100.0, 20.0, 3.0, 4000.0, 50000.0],
        }
    )
    # mangler: 100 + 3; delvist: 20 + 50.000; foreslaaet: 100 + 4.000 + 50.000
    assert analysis.budget_need(initiatives, "mangler", "delvist", "foreslaaet") == (103.0, 50_020.0, 54_100.0)
    assert analysis.budget_need(initiatives.iloc[0:0], "mangler", "delvist", "foreslaaet") == (0.0, 0.0, 0.0)


def test_targets_on_track_share_per_initiative_over_all_its_targets():
    progress = pd.DataFrame(
        {
            "initiative_id": ["A", "A", "A", "B", "C", "C"],
            "status": ["Nået", "Bagud", "Ingen måling", "På vej", "Uden udgangspunkt", "Nået"],
        }
    )
    on_track = analysis.targets_on_track(progress)
    assert on_track.name == "on_track_share"  # the column it becomes when joined onto the initiatives
    assert on_track.to_dict() == pytest.approx({"A": 1 / 3, "B": 1.0, "C": 0.5})  # unmeasured targets count, as not on track
    empty = analysis.targets_on_track(progress.iloc[0:0])
    assert empty.empty
    assert empty.name == "on_track_share"
    assert empty.dtype == "float64"


def effect(baseline, target, actual, unit="personer", initiative="Væresteder", indicator="Unge der kommer fast", year=2013):
    return {
        "initiative": initiative,
        "indicator": indicator,
        "unit": unit,
        "year": year,
        "baseline": baseline,
        "target": target,
        "actual": actual,
    }


def progress_of(*rows: dict) -> pd.DataFrame:
    return analysis.effect_target_progress(pd.DataFrame(list(rows)))


def test_effect_target_progress_from_baseline_towards_the_target():
    result = progress_of(
        effect(50.0, 120.0, 80.5),  # (80,5 − 50) / (120 − 50) = 0,4357: Bagud
        effect(11.0, 7.0, 9.0),  # falling target: (9 − 11) / (7 − 11) = 0,5 exactly: På vej
        effect(10.0, 20.0, 14.99),  # 0,499: Bagud
        effect(10.0, 20.0, 20.0),  # 1: Nået
        effect(10.0, 20.0, 25.0),  # 1,5: Nået
        effect(11.0, 7.0, 13.0),  # wrong way: (13 − 11) / (7 − 11) = −0,5: Bagud
    )
    assert result["progress"].tolist() == pytest.approx([30.5 / 70, 0.5, 0.499, 1.0, 1.5, -0.5])
    assert result["status"].tolist() == ["Bagud", "På vej", "Bagud", "Nået", "Nået", "Bagud"]


def test_effect_target_progress_is_clipped_to_ten_times_the_way():
    # in %: a target of 1 person would be a small count, hidden with its progress (test_disclosure)
    result = progress_of(effect(0.0, 1.0, 50.0, "%"), effect(0.0, 1.0, -50.0, "%"), effect(0.0, 1.0, 10.0, "%"))
    assert result["progress"].tolist() == [10.0, -10.0, 10.0]  # 50 and −50 are cut at ±10; 10 is kept
    assert result["status"].tolist() == ["Nået", "Bagud", "Nået"]


def test_effect_target_that_holds_the_level():
    # in %: 4 persons would be a small count, hidden with its progress (test_disclosure)
    result = progress_of(effect(5.0, 5.0, 5.0, "%"), effect(5.0, 5.0, 4.0, "%"), effect(5.0, 5.0, 6.0, "%"), effect(5.0, 5.0, None, "%"))
    assert result["progress"].iloc[:3].tolist() == [1.0, 0.0, 0.0]  # target = baseline: held (1) or not (0)
    assert math.isnan(result["progress"].iloc[3])
    assert result["status"].tolist() == ["Nået", "Bagud", "Bagud", "Ingen måling"]


def test_effect_target_without_baseline_or_latest_value():
    result = progress_of(effect(None, 120.0, 130.0), effect(50.0, 120.0, None), effect(None, 120.0, None), effect(None, 120.0, 120.0))
    assert result["progress"].isna().all()  # no baseline: no way to measure; no latest value: nothing to measure
    assert result["status"].tolist() == ["Uden udgangspunkt", "Ingen måling", "Ingen måling", "Uden udgangspunkt"]


def test_effect_target_equal_to_the_target_as_shown_counts_as_reached():
    # 6,9996 is shown as 7 (3 decimals), next to the target 7: never 'På vej' beside an equal number.
    result = progress_of(effect(11.0, 7.0, 6.9996), effect(11.0, 7.0, 7.0004), effect(11.0, 7.0, 7.01), effect(5.0, 5.0, 5.0004))
    assert result["progress"].tolist() == pytest.approx([1.0001, 1.0, 0.9975, 1.0])  # (7,0004 − 11) / (7 − 11) = 0,9999 → 1
    assert result["status"].tolist() == ["Nået", "Nået", "På vej", "Nået"]


def test_effect_target_progress_reads_nullable_values(tmp_path):
    data = pd.DataFrame([effect(50.0, 120.0, 80.5), effect(50.0, 120.0, None)])
    for column in ("baseline", "target", "actual"):
        data[column] = data[column].astype(object).where(data[column].notna(), pd.NA)  # pd.NA in object columns
    result = analysis.effect_target_progress(data)
    assert result["progress"].iloc[0] == pytest.approx(30.5 / 70)
    assert result["status"].tolist() == ["Bagud", "Ingen måling"]


def test_effect_target_texts():
    long_name = "Opsøgende gadeplansarbejde i Nordvest og Tingbjerg"  # 50 characters, cut at 45
    result = progress_of(
        effect(50.0, 120.0, 80.5),
        effect(11.0, 7.0, None, unit="%", initiative=long_name, indicator="Andel <b>utrygge</b>", year=2014.0),
        effect(None, 3.0, 2.25, unit=None, initiative="a" * 45),
        effect(1.0, 2.0, 1.5, unit="", initiative="a" * 43 + " bcd"),
        effect(1.0, 2.0, 1.5, unit=float("nan"), initiative="<i>x</i>"),
    )
    assert result["detail"].tolist() == [
        "Udgangspunkt 50 personer → mål 120 personer (2013) · seneste 80,5 personer",
        "Udgangspunkt 11 % → mål 7 % (2014) · seneste –",  # no unit after a missing value
        "Udgangspunkt – → mål 3 (2013) · seneste 2,25",
        "Udgangspunkt 1 → mål 2 (2013) · seneste 1,5",
        "Udgangspunkt 1 → mål 2 (2013) · seneste 1,5",
    ]
    # The initiative, then the indicator on a line of its own: two targets of one initiative are told apart.
    assert result["label"].tolist() == [
        "Væresteder<br>Unge der kommer fast",
        "Opsøgende gadeplansarbejde i Nordvest og Tin…<br>Andel &lt;b&gt;utrygge&lt;/b&gt;",  # 44 characters, then the ellipsis
        "a" * 45 + "<br>Unge der kommer fast",  # exactly 45: kept whole
        "a" * 43 + "…<br>Unge der kommer fast",  # 44 characters end in a space, which is dropped
        "&lt;i&gt;x&lt;/i&gt;<br>Unge der kommer fast",  # markup is shown as text
    ]
    assert result["hover"].iloc[1] == "Andel &lt;b&gt;utrygge&lt;/b&gt;<br>Udgangspunkt 11 % → mål 7 % (2014) · seneste –"
    assert result["hover"].iloc[0] == "Unge der kommer fast<br>" + result["detail"].iloc[0]


def test_effect_target_labels_cut_long_names_and_keep_quotes_as_they_are():
    # plotly reads &lt; &gt; &amp; but shows &quot; and &#x27; as written, so quotes must stay plain characters.
    result = progress_of(effect(1.0, 2.0, 1.5, initiative="b" * 60), effect(1.0, 2.0, 1.5, initiative="Projekt \"Tryg by\" & 'Nat'"))
    after = "<br>Unge der kommer fast"
    assert result["label"].tolist() == ["b" * 44 + "…" + after, "Projekt \"Tryg by\" &amp; 'Nat'" + after]  # 60 characters: 44 and …


def test_effect_target_progress_keeps_the_input_columns_and_rows():
    data = pd.DataFrame([effect(50.0, 120.0, 80.5)])
    result = analysis.effect_target_progress(data)
    assert list(result.columns) == list(data.columns) + ["progress", "status", "label", "detail", "hover"]
    assert data.columns.tolist() == ["initiative", "indicator", "unit", "year", "baseline", "target", "actual"]  # input untouched
    assert result[data.columns].equals(data)


# --- pipelines/transform ----------------------------------------------------------------------


def validated(tmp_path: Path, sheets: dict[str, pd.DataFrame] | None = None) -> dict[str, pd.DataFrame]:
    """The small portfolio (or a changed copy) as the validator hands it to the transform."""
    return validated_sheets(read_input(write_csv_folder(sheets or small_portfolio(), tmp_path / "validated")))


def test_dimension_tables():
    from pipelines import reference

    administrations = reference.administrations()
    assert administrations.column_names == ["code", "name"]
    assert administrations["code"].to_pylist() == ["SOF", "BUF", "BIF", "KFF", "TMF", "SUF", "ØKF"]
    assert administrations["name"][0].as_py() == "Socialforvaltningen"
    areas = reference.focus_areas()
    assert areas.column_names == ["focus_area_id", "name"]
    assert areas["focus_area_id"].to_pylist() == [1, 2, 3, 4, 5, 6]
    assert areas["name"][0].as_py() == "Lokal indsats"
    goals = reference.goals()
    assert goals.column_names == ["goal_id", "workbook_column", "name"]
    assert goals["goal_id"].to_pylist() == [1, 2, 3, 4]
    assert goals["workbook_column"].to_pylist() == ["maal_tryghed", "maal_tidlig_indsats", "maal_exit", "maal_koordinering"]
    assert goals["name"].to_pylist() == [TRYGHED, TIDLIG, EXIT, KOORDINERING]


@pytest.mark.parametrize(
    ("age_min", "age_max", "share"),
    [
        (18, 25, 1.0),  # 8 of 8 years
        (20, 22, 1.0),  # 3 of 3
        (12, 17, 0.0),  # below
        (26, 30, 0.0),  # just above: 25 − 26 + 1 = 0
        (30, 40, 0.0),  # far above: 25 − 30 + 1 = −4, no negative overlap
        (0, 99, 0.08),  # 8 of 100
        (18, 35, 8 / 18),
        (12, 25, 8 / 14),
        (25, 25, 1.0),  # one year, inside
        (18, 41, 8 / 24),  # exactly a third
    ],
)
def test_young_adult_share_of_an_age_range(age_min, age_max, share):
    result = transform.young_adult_share(pd.Series([age_min]), pd.Series([age_max]))
    assert result.iloc[0] == pytest.approx(share)


def test_initiatives_aimed_at_18_25_have_at_least_a_third_of_their_ages_in_18_25(tmp_path):
    sheets = small_portfolio()
    ranges = [("18", "41"), ("18", "42"), ("12", "25"), ("18", "70"), ("26", "30")]  # 8/24 = 1/3, 8/25, 8/14, 8/53, 0
    rows = []
    for number, (low, high) in enumerate(ranges, start=2):
        row = sheets["indsatser"].iloc[0].copy()
        row[["indsats_id", "alder_min", "alder_max"]] = [f"SOF-00{number}", low, high]
        rows.append(row.tolist())
    add_rows(sheets, "indsatser", *rows)
    initiatives = transform.initiatives(validated(tmp_path, sheets)["indsatser"])
    flags = dict(zip(initiatives["initiative_id"], initiatives["targets_18_25"], strict=True))
    assert flags == {
        "SOF-001": True,  # 18–25
        "BUF-001": False,  # 12–17
        "TMF-001": False,  # 0–99: 8 %
        "SOF-002": True,  # 18–41: exactly a third
        "SOF-003": False,  # 18–42: 8 of 25 = 32 %
        "SOF-004": True,  # 12–25: 8 of 14
        "SOF-005": False,  # 18–70: 8 of 53
        "SOF-006": False,  # 26–30: none
    }


def test_initiatives_columns_and_goal_count(tmp_path):
    sheets = small_portfolio()
    sheets["indsatser"].loc[1, ["maal_tryghed", "maal_tidlig_indsats", "maal_exit", "maal_koordinering"]] = ["x", "x", "x", "x"]
    initiatives = transform.initiatives(validated(tmp_path, sheets)["indsatser"])
    assert initiatives.columns.tolist() == [
        "initiative_id",
        "name",
        "administration_code",
        "focus_area_id",
        "character",
        "target_group",
        "age_min",
        "age_max",
        "status",
        "financing",
        "do_less",
        "rationale",
        "evidence",
        "targets_18_25",
        "goal_count",
    ]
    assert initiatives.index.tolist() == [0, 1, 2]
    assert initiatives["goal_count"].tolist() == [2, 4, 2]  # SOF 1 + 3; BUF now all four; TMF 1 + 4
    assert initiatives["focus_area_id"].tolist() == [4, 5, 1]  # over 18, under 18, Lokal indsats
    assert initiatives["administration_code"].tolist() == ["SOF", "BUF", "TMF"]  # BUF was written out in full
    assert initiatives["age_min"].tolist() == [18, 12, 0]
    assert initiatives["age_max"].tolist() == [25, 17, 99]
    assert initiatives["do_less"].tolist() == [False, False, True]
    tmf = initiatives.iloc[2]
    assert (tmf["initiative_id"], tmf["name"], tmf["character"], tmf["target_group"]) == (
        "TMF-001",
        "Tryghedsbelysning",
        "byrum",
        "Alle borgere",
    )
    assert (tmf["status"], tmf["financing"], tmf["rationale"], tmf["evidence"]) == ("eksisterende", "finansieret", "Lav effekt", "ukendt")
    assert initiatives["evidence"].iloc[1] == "ukendt"  # left empty: the contract's default


def test_initiative_goals_one_row_per_marked_goal(tmp_path):
    links = transform.initiative_goals(validated(tmp_path)["indsatser"])
    assert links.columns.tolist() == ["initiative_id", "goal_id"]
    assert links.values.tolist() == [["SOF-001", 1], ["SOF-001", 3], ["BUF-001", 2], ["TMF-001", 1], ["TMF-001", 4]]
    assert links["goal_id"].dtype == "int64"
    empty = transform.initiative_goals(validated(tmp_path)["indsatser"].iloc[0:0])
    assert empty.columns.tolist() == ["initiative_id", "goal_id"]
    assert empty.empty


def test_budget_lines(tmp_path):
    budget = transform.budget(validated(tmp_path)["budget"])
    assert budget.columns.tolist() == ["initiative_id", "year", "district_id", "budget_kr", "spent_kr", "funding_source", "source_row"]
    assert budget["initiative_id"].tolist() == ["SOF-001", "SOF-001", "BUF-001", "TMF-001"]
    assert budget["year"].tolist() == [2010, 2010, 2010, 2011]
    assert budget["district_id"].tolist() == [3, 8, pd.NA, pd.NA]  # Hele byen and an empty cell: city-wide
    assert budget["budget_kr"].tolist() == [1_234_567.5, 500_000, 2_000_000, 750_000.25]
    assert budget["spent_kr"].tolist() == [1_000_000, pd.NA, 1_900_000, pd.NA]
    assert budget["funding_source"].tolist() == ["kommune", "satspulje", "kommune", "andet"]
    assert budget["source_row"].tolist() == [2, 3, 4, 5]  # the Excel row of each line, under the header row
    assert budget.index.tolist() == [0, 1, 2, 3]
    assert (budget["year"].dtype, budget["budget_kr"].dtype, budget["source_row"].dtype) == ("int64", "float64", "int64")


def test_activity_lines(tmp_path):
    activity = transform.activity(validated(tmp_path)["aktivitet"])
    assert activity.columns.tolist() == [
        "initiative_id",
        "year",
        "district_id",
        "participants",
        "participants_18_25",
        "places",
        "source_row",
    ]
    assert activity["initiative_id"].tolist() == ["SOF-001", "BUF-001"]
    assert activity["year"].tolist() == [2010, 2010]
    assert activity["district_id"].tolist() == [3, pd.NA]
    assert activity["participants"].tolist() == [120, 85]
    assert activity["participants_18_25"].tolist() == [110, 0]
    assert activity["places"].tolist() == [40, pd.NA]
    assert activity["source_row"].tolist() == [2, 3]
    assert activity.index.tolist() == [0, 1]
    assert (activity["year"].dtype, activity["participants"].dtype) == ("int64", "int64")


def test_effect_target_rows(tmp_path):
    sheets = small_portfolio()
    add_rows(sheets, "effektmaal", ["BUF-001", "2012", "Børn i fritidsjob", "", "", "40", ""])
    targets = transform.effect_targets(validated(tmp_path, sheets)["effektmaal"])
    assert targets.columns.tolist() == ["initiative_id", "year", "indicator", "unit", "baseline", "target", "actual"]
    assert targets[["initiative_id", "year", "indicator"]].values.tolist() == [
        ["SOF-001", 2013, "Unge der kommer fast"],
        ["BUF-001", 2012, "Børn i fritidsjob"],
    ]
    assert targets["unit"].iloc[0] == "personer"
    assert targets["baseline"].tolist() == [50, pd.NA]
    assert targets["target"].tolist() == [120, 40]
    assert targets["actual"].tolist() == [80.5, pd.NA]
    assert targets.index.tolist() == [0, 1]
    assert targets["year"].dtype == "int64"


def test_portfolio_tables_names_the_five_tables(tmp_path):
    tables = transform.portfolio_tables(validated(tmp_path))
    assert list(tables) == ["initiative", "initiative_goal", "budget", "activity", "effect_target"]
    assert [len(tables[name]) for name in tables] == [3, 5, 4, 2, 1]
    assert tables["initiative"]["initiative_id"].tolist() == ["SOF-001", "BUF-001", "TMF-001"]
    assert tables["budget"]["budget_kr"].iloc[0] == 1_234_567.5
    assert tables["activity"]["participants"].iloc[0] == 120
    assert tables["effect_target"]["actual"].iloc[0] == 80.5
    assert tables["initiative_goal"]["goal_id"].tolist() == [1, 3, 2, 1, 4]
