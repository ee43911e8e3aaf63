"""WCAG 2.1 AA in the app's own hands: the page language, chart names, the numbers behind each chart as a table,
the heading order and the accessibility statement. (axe-core in Chromium is in tests/test_browser.py.)

Expected values are worked out by hand from the small portfolio: in 2010 SOF-001 has 1.234.567,50 kr. in
Nørrebro and 500.000 kr. in Bispebjerg, BUF-001 2.000.000 kr. city-wide; 2.000.000 / 3.734.567,50 = 53,6 %.
"""

from __future__ import annotations

import pytest

from dashboard import accessibility
from tests.apptest_helpers import PAGES, open_app

ADMINISTRATION_FINDING = "Børne- og Ungdomsforvaltningen (BUF) har den største del af det besluttede budget 2010: 54 %"


@pytest.fixture
def small_app(small_db, monkeypatch):
    monkeypatch.setenv("SIKKERBY_DB", str(small_db))


def charts_of(at) -> list:
    return list(at.get("plotly_chart"))


def test_a_chart_is_named_by_its_finding_and_says_where_its_numbers_are(small_app):
    at = open_app("economy", {"aar": "2010"})
    names = [chart.proto.alt for chart in charts_of(at)]
    assert f"{ADMINISTRATION_FINDING}. Tallene står i tabellen under grafen." in names
    assert all(name.endswith("Tallene står i tabellen under grafen.") for name in names)  # none is left unnamed


def test_the_numbers_behind_a_chart_open_as_a_table_with_danish_numbers(small_app):
    at = open_app("economy", {"aar": "2010"})
    assert not at.table  # closed: no table is built before it is asked for
    at.session_state["open_numbers_matrix"] = True  # what a click (or Enter) on 'Tabel med tallene bag grafen' does
    at.run()
    table = at.table[0].value
    rows = table.values.tolist()
    assert ["Børne- og Ungdomsforvaltningen (BUF)", "Socialt udsatte unge under 18 år", "2.000.000 kr."] in rows
    assert ["Socialforvaltningen (SOF)", "Socialt udsatte unge over 18 år", "1.734.568 kr."] in rows  # 1.234.567,50 + 500.000
    assert len(rows) == 2  # TMF-001 has no budget in 2010
    assert f"{ADMINISTRATION_FINDING}. 2 rækker." in [c.value.replace("\\", "") for c in at.caption]  # shown escaped, as text


def test_a_chart_name_ends_in_one_full_stop_whatever_its_title_ends_in():
    assert accessibility.chart_name("Lavest: Vanløse") == "Lavest: Vanløse. Tallene står i tabellen under grafen."
    assert accessibility.chart_name("Hvor går pengene hen?") == "Hvor går pengene hen? Tallene står i tabellen under grafen."
    assert accessibility.chart_name("Slut.") == "Slut. Tallene står i tabellen under grafen."


def test_the_page_says_it_is_danish_and_shows_a_focus_ring(small_app):
    at = open_app("overview", {"aar": "2010"})
    html = " ".join(e.proto.body for e in at.get("html"))
    assert 'document.documentElement.lang = "da"' in html
    assert ":focus-visible" in html and "outline: 3px solid #0072B2" in html


@pytest.mark.parametrize("page", [p for p in PAGES if p != "data"])
def test_headings_never_skip_a_level(small_app, page):
    """h1 (the title), then h2 for sections, h3 only under an h2: a screen reader's outline has no holes."""
    at = open_app(page, {"aar": "2010"})
    levels = [1 if e.type == "title" else 2 if e.type == "header" else 3 for e in at.main if e.type in ("title", "header", "subheader")]
    assert levels[0] == 1
    assert all(later - earlier <= 1 for earlier, later in zip(levels, levels[1:], strict=False)), levels


def test_the_accessibility_statement_has_the_sections_public_bodies_publish(small_app):
    at = open_app("accessibility", {"aar": "2010"})
    assert at.title[0].value == "Tilgængelighedserklæring"
    assert [h.value for h in at.main.header] == [
        "Overensstemmelsesstatus",
        "Indhold, der ikke er tilgængeligt",
        "Sådan er erklæringen udarbejdet",
        "Feedback og kontaktoplysninger",
        "Håndhævelsesprocedure",
    ]
    text = " ".join(m.value for m in at.markdown)
    assert "delvist i overensstemmelse" in text and "WCAG 2.1 niveau AA" in text
    assert "Menuen i sidepanelet" in text  # Streamlit's own finding is listed, not hidden
    assert "klage til Digitaliseringsstyrelsen" in text


def test_the_financing_page_answers_its_question_in_one_sentence_at_the_top(small_db, monkeypatch):
    """2010: only SOF-001 lacks part of its financing (delvist): 1.734.567,50 kr. in all; it is new (decided), none proposed."""
    monkeypatch.setenv("SIKKERBY_DB", str(small_db))
    at = open_app("financing", {"aar": "2010"})
    assert at.main.markdown[0].value == (
        "**1 indsats mangler helt eller delvist finansiering i 2010:** 0,0 mio. kr. uden finansiering og 1,7 mio. kr. "
        "delvist finansieret. Alle er besluttede (eksisterende eller nye)."
    )


def test_the_financing_sentence_says_how_many_of_them_are_only_proposed(app_on_portfolio):
    from tests.conftest import small_portfolio

    sheets = small_portfolio()
    sheets["indsatser"].loc[0, "status"] = "foreslaaet"  # SOF-001, partly financed, is now only proposed
    app_on_portfolio(sheets, "proposed")
    at = open_app("financing", {"aar": "2010"})
    assert at.main.markdown[0].value.endswith(
        "Heraf er 1 foreslået (ikke besluttet); de står også under 'Foreslåede indsatser' på Overblik."
    )


def test_a_table_wider_than_a_phone_says_it_scrolls_and_its_point_comes_second(small_db, monkeypatch):
    monkeypatch.setenv("SIKKERBY_DB", str(small_db))
    at = open_app("financing", {"aar": "2010"})
    (shown,) = at.dataframe
    assert shown.value.columns[:2].tolist() == ["Indsats", "Budget (kr.)"]  # the amount beside the pinned name, on a phone too
    cues = [c.value for c in at.caption if "rul vandret" in c.value]
    assert cues == [":material/swipe: Tabellen har 7 kolonner: rul vandret i tabellen for at se dem alle ('Indsats' bliver stående)."]


@pytest.mark.parametrize(("columns", "cue"), [(3, None), (4, "scroll_cue_narrow_"), (6, "scroll_cue_narrow_"), (7, "scroll_cue_always_")])
def test_the_scroll_cue_is_for_tables_of_more_than_three_columns_and_always_past_six(columns, cue):
    found = accessibility.scroll_cue(columns, None)
    assert (found[0] if found else None) == cue
    if found:
        assert found[1].endswith(f"Tabellen har {columns} kolonner: rul vandret i tabellen for at se dem alle.")


def test_the_page_hides_the_narrow_cue_on_a_wide_screen_and_enlarges_text_on_a_projector(small_app):
    style = next(h.proto.body for h in open_app("overview").get("html") if "<style>" in h.proto.body)
    assert '@media (min-width: 1101px) { [class*="st-key-scroll_cue_narrow_"] { display: none !important; } }' in style
    assert "@media (min-width: 1800px) { html { font-size: 18px; } }" in style
