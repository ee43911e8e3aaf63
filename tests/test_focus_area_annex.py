"""The focus-area annex is one model (`focus_area_annex`): the Indsatsområder page and the brief show the same rows (issue 15 §6).

Hand-made fixture: the small portfolio (tests/conftest.py) and, in SOF-001's focus area (Socialt udsatte unge over 18 år):
- SOF-002 Nattevandring: existing, lacks financing, proposed to be done less of ("Overlapper"), budget only in 2011;
- SOF-003 Exit-forløb: proposed, applied for from the state pool, 400.000 kr. in Valby in 2010, reaching 8 aged 18–25 there.
Year 2010 in that area: SOF-001 (Nørrebro 1.234.567,50 + Bispebjerg 500.000 kr., partly financed, new, 110 aged 18–25
in Nørrebro) and SOF-003 have budget; SOF-002 has none, yet is listed to do less of with 0 kr.
Lokal indsats in 2010: TMF-001 (do less of, "Lav effekt") has no budget in 2010; the area has nothing else, and still lists it.
"""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

import pandas as pd

from dashboard import brief, database, queries
from dashboard.filters import Filters
from tests.apptest_helpers import displayed, failures, open_app
from tests.conftest import small_portfolio

OVER_18 = "Socialt udsatte unge over 18 år"


def annex_portfolio() -> dict[str, pd.DataFrame]:
    sheets = small_portfolio()
    people = sheets["indsatser"]
    extra = pd.DataFrame([people.iloc[0].to_dict(), people.iloc[0].to_dict()])
    extra["indsats_id"] = ["SOF-002", "SOF-003"]
    extra["navn"] = ["Nattevandring", "Exit-forløb"]
    extra["status"] = ["eksisterende", "foreslaaet"]
    extra["finansiering"] = ["mangler", "satspulje"]
    extra["goeres_mindre_af"] = ["x", ""]
    extra["begrundelse"] = ["Overlapper", ""]
    sheets["indsatser"] = pd.concat([people, extra], ignore_index=True)
    budget = pd.DataFrame(
        [["SOF-002", "2011", "Amager Øst", "300000", "", ""], ["SOF-003", "2010", "Valby", "400000", "", ""]],
        columns=sheets["budget"].columns,
    )
    sheets["budget"] = pd.concat([sheets["budget"], budget], ignore_index=True)
    activity = pd.DataFrame([["SOF-003", "2010", "Valby", "8", "8", ""]], columns=sheets["aktivitet"].columns)
    sheets["aktivitet"] = pd.concat([sheets["aktivitet"], activity], ignore_index=True)
    return sheets


# The rows both must show for 2010, worked out by hand (the page's cells as the user reads them).
OVER_18_DO_LESS = [["Nattevandring", "0 kr.", "Overlapper"]]  # no budget in 2010: listed, at 0 kr.
OVER_18_NEED = [
    ["Væresteder for 18-25-årige", "1.734.568 kr.", "Delvist finansieret", "Ny"],  # 1.234.567,50 + 500.000
    ["Exit-forløb", "400.000 kr.", "Søgt i satspuljen", "Foreslået"],
]
OVER_18_TARGETS = [
    [
        "Væresteder for 18-25-årige",
        "Bagud",
        "Unge der kommer fast",
        "Udgangspunkt 50 personer → mål 120 personer (2013) · seneste 80,5 personer",
    ]
]
LOKAL_DO_LESS = [["Tryghedsbelysning", "0 kr.", "Lav effekt"]]  # its 750.000,25 kr. are in 2011


class _Tables(HTMLParser):
    """Collect the body rows of every table in an HTML fragment, as cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None
        self._in_body = False

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self.tables.append([])
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.tables[-1].append([])
        elif tag == "td" and self._in_body:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None
        elif tag == "tbody":
            self._in_body = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def brief_annex(db, filters: Filters, area: str) -> tuple[str, list[list[list[str]]]]:
    """Return one annex of the brief: its HTML and its tables' rows."""
    with database.reading(db) as version:
        source = queries.source_of(version)
        page = brief.committee_brief(source, filters, queries.dataset_facts(source), {3: "Nørrebro"}, date(2026, 11, 27))
    section = page.split(f"<h2 class='annex'>{area}</h2>", 1)[1].split("<h2", 1)[0]
    parser = _Tables()
    parser.feed(section)
    return section, parser.tables


def page_tables(area: str, query: dict) -> dict[str, list[list[str]]]:
    """Return the Indsatsområder page's tables for one area, keyed by a column only that table has, as the user reads them."""
    at = open_app("focus_areas", query)
    at.session_state["focus_area_tab"] = area
    at.run()
    assert not failures(at), failures(at)
    keys = ("Begrundelse", "Finansiering", "Indikator", "Nået pr. 1.000 unge")
    return {key: displayed(d).values.tolist() for d in at.dataframe for key in keys if key in d.value.columns}


def test_page_and_brief_show_the_same_annex_rows_with_a_do_less_initiative_without_budget(app_on_portfolio):
    db = app_on_portfolio(annex_portfolio(), "annex")
    page = page_tables(OVER_18, {"aar": "2010"})
    section, tables = brief_annex(db, Filters(year=2010), OVER_18)
    coverage, targets, need, do_less = tables
    assert page["Begrundelse"] == do_less == OVER_18_DO_LESS
    assert page["Finansiering"] == need == OVER_18_NEED
    assert page["Indikator"] == targets == OVER_18_TARGETS
    assert page["Nået pr. 1.000 unge"] == coverage
    # lowest coverage first: eight districts at 0, then Valby 8 / 11.318 and Nørrebro 110 / 13.840 (real residents 2010)
    assert [row[0] for row in coverage[-2:]] == ["Valby", "Nørrebro"]
    assert coverage[-1] == ["Nørrebro", "7,9", "110"]
    assert "delvist finansieret: <b>1,7 mio. kr.</b>" in section and "Mangler finansiering: <b>0,0 mio. kr.</b>" in section
    assert "foreslåede indsatser: <b>0,4 mio. kr.</b>" in section


def test_a_do_less_initiative_is_listed_in_an_area_with_nothing_else_in_the_year(app_on_portfolio):
    db = app_on_portfolio(annex_portfolio(), "annex")
    page = page_tables("Lokal indsats", {"aar": "2010"})
    section, tables = brief_annex(db, Filters(year=2010), "Lokal indsats")
    assert "Ingen indsatser i området har budget eller deltagere i 2010" in section
    assert page == {"Begrundelse": LOKAL_DO_LESS}
    assert tables == [LOKAL_DO_LESS]


def test_under_a_district_filter_both_compare_all_ten_districts(app_on_portfolio):
    db = app_on_portfolio(annex_portfolio(), "annex")
    page = page_tables(OVER_18, {"aar": "2010", "bydel": "Nørrebro"})
    section, tables = brief_annex(db, Filters(year=2010, districts=(3,)), OVER_18)
    coverage, targets, need = tables  # nothing to do less of: SOF-002 has no line in Nørrebro, so the filter does not choose it
    assert page["Nået pr. 1.000 unge"] == coverage
    assert len(coverage) == 10  # all ten districts, not only the chosen one
    # coverage is the area's over all ten districts: SOF-001 in Nørrebro and SOF-003 in Valby, the other eight lowest at 0
    assert "8 af de ti bydele når færrest unge" in section
    assert page["Finansiering"] == need == [["Væresteder for 18-25-årige", "1.234.568 kr.", "Delvist finansieret", "Ny"]]  # Nørrebro's part
    assert "Begrundelse" not in page
    assert "Ingen af områdets indsatser er foreslået gjort mindre af." in section
