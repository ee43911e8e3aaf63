"""The committee brief: its sections and figures for the small fixture, escaped text, and no external resource."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest

from dashboard import brief, database, queries
from dashboard.filters import Filters
from dashboard.scenario_outcome import outcome
from dashboard.scenarios import Change, NewInitiative, Scenario
from tests.conftest import small_portfolio


def make_brief(db, filters: Filters) -> str:
    with database.reading(db) as version:
        source = queries.source_of(version)
        facts = queries.dataset_facts(source)
        names = dict(zip(queries.districts(source)["district_id"], queries.districts(source)["name"], strict=True))
        return brief.committee_brief(source, filters, facts, names, date(2026, 11, 27))


def test_brief_has_every_section_with_hand_computed_figures(small_db):
    page = make_brief(small_db, Filters(year=2010))
    assert "<h1>Udvalgsnotat: kriminalpræventive indsatser 2010</h1>" in page
    assert "27. november 2026" in page
    for section in ("Nøgletal", "De fire strategiske mål", "Mangler finansiering", "Forslag om at gøre mindre af"):
        assert f">{section}</h2>" in page
    assert page.count("<h2 class='annex'>") == 7  # six focus areas and the unfinanced list, each on a new page
    assert "<td>Besluttet budget</td><td>3,7 mio. kr.</td>" in page  # 1.234.567,5 + 500.000 + 2.000.000
    assert "<td>Delvist finansieret (hele budgettet)</td><td>1,7 mio. kr.</td>" in page  # SOF-001
    assert "<td class='number'>1.734.568 kr.</td>" in page  # SOF-001 in the unfinanced list
    assert "9 af de ti bydele når færrest unge" in page  # SOF-001 reaches Nørrebro only
    assert "page-break-before: always" in page


def test_brief_loads_nothing_from_outside_and_runs_no_script(small_db):
    page = make_brief(small_db, Filters(year=2010))
    assert "<script" not in page  # the chart is drawn in SVG, not by a chart library
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert not re.search(r"@import|url\(\s*['\"]?https?:", page)


def test_brief_shows_analysts_text_as_text(app_on_portfolio):
    sheets = small_portfolio()
    sheets["indsatser"].loc[2, "begrundelse"] = "<img src=x onerror=alert(1)> **fed**"
    db = app_on_portfolio(sheets, "hostile")
    page = make_brief(db, Filters(year=2011))
    assert "&lt;img src=x onerror=alert(1)&gt; **fed**" in page
    assert "<img src=x" not in page


def test_brief_says_when_it_is_sample_data(sample_db):
    assert (
        "<p class='notice'><b>Eksempeldata.</b> Indsatser, budgetter og aktivitet er opdigtede til illustration. "
        "Befolkningstal og bydelsgrænser er rigtige data fra Københavns Kommune.</p>"
    ) in make_brief(sample_db, Filters(year=2013))


# --- Issue 15 §6: a wrong figure in the brief, caught by hand-worked values ------------------------


def unfinanced_portfolio():
    """The small fixture with BUF-001 (2.000.000 kr. city-wide in 2010) lacking financing; SOF-001 (1.734.567,50 kr.) is partly financed."""
    sheets = small_portfolio()
    sheets["indsatser"].loc[1, "finansiering"] = "mangler"
    return sheets


def section(page: str, heading: str) -> str:
    return page.split(heading, 1)[1].split("<h2", 1)[0]


def test_the_brief_tells_missing_from_partial_financing(app_on_portfolio):
    page = make_brief(app_on_portfolio(unfinanced_portfolio(), "unfinanced"), Filters(year=2010))
    assert "<td>Mangler finansiering</td><td>2,0 mio. kr.</td>" in page  # BUF-001
    assert "<td>Delvist finansieret (hele budgettet)</td><td>1,7 mio. kr.</td>" in page  # SOF-001
    under_18 = section(page, "<h2 class='annex'>Socialt udsatte unge under 18 år</h2>")  # BUF-001's area
    assert "Mangler finansiering: <b>2,0 mio. kr.</b> · delvist finansieret: <b>0,0 mio. kr.</b>" in under_18
    over_18 = section(page, "<h2 class='annex'>Socialt udsatte unge over 18 år</h2>")  # SOF-001's area; it is new, not proposed
    assert (
        "Mangler finansiering: <b>0,0 mio. kr.</b> · delvist finansieret: <b>1,7 mio. kr.</b> · foreslåede indsatser: <b>0,0 mio. kr.</b>"
        in over_18
    )
    unfinanced = section(page, "<h2 class='annex'>Mangler finansiering</h2>")
    assert "<thead><tr><th>Indsats</th><th>Finansiering</th><th>Budget (kr.)</th><th>Strategiske mål</th></tr></thead>" in unfinanced
    assert "<td>Kort Snor</td><td>Mangler finansiering</td><td class='number'>2.000.000 kr.</td>" in unfinanced
    assert "<td>Væresteder for 18-25-årige</td><td>Delvist finansieret</td><td class='number'>1.734.568 kr.</td>" in unfinanced


def test_the_brief_follows_a_focus_area_filter(small_db):
    page = make_brief(small_db, Filters(year=2010, focus_areas=(4,)))  # Socialt udsatte unge over 18 år: SOF-001 only
    assert page.count("<h2 class='annex'>") == 2  # its annex and the unfinanced list
    assert "<h2 class='annex'>Socialt udsatte unge over 18 år</h2>" in page
    assert "<td>Besluttet budget</td><td>1,7 mio. kr.</td>" in page  # SOF-001's 1.734.567,5 kr., not BUF-001's too
    assert "Kort Snor" not in page
    assert "med yderligere filtre (se dashboardets adresse)" in page


def test_the_brief_compares_all_ten_districts_under_a_district_filter(app_on_portfolio):
    sheets = small_portfolio()
    sheets["aktivitet"].loc[2] = ["SOF-001", "2010", "Bispebjerg", "30", "20", ""]  # SOF-001 reaches Bispebjerg too
    page = make_brief(app_on_portfolio(sheets, "two_districts"), Filters(year=2010, districts=(3,)))
    over_18 = section(page, "<h2 class='annex'>Socialt udsatte unge over 18 år</h2>")
    # SOF-001 reaches Nørrebro and Bispebjerg: the other eight are the lowest, with Bispebjerg counted though not chosen
    assert "8 af de ti bydele når færrest unge" in over_18
    assert over_18.count("<tr><td>") >= 10  # the ten districts' rows
    assert "budgetår 2010; bydele: Nørrebro" in page
    assert "<td>Besluttet budget</td><td>1,2 mio. kr.</td>" in page  # only SOF-001's Nørrebro line, 1.234.567,5 kr.


def test_the_brief_lists_a_do_less_initiative_without_budget_in_the_year(small_db):
    page = make_brief(small_db, Filters(year=2010))  # TMF-001's budget is in 2011
    do_less = page.split("<h2>Forslag om at gøre mindre af</h2>", 1)[1]
    assert "<td>Tryghedsbelysning</td><td>Lav effekt</td><td class='number'>0 kr.</td>" in do_less
    lokal = section(page, "<h2 class='annex'>Lokal indsats</h2>")
    assert "Ingen indsatser i området har budget eller deltagere i 2010 med de valgte filtre." in lokal
    assert "<td>Tryghedsbelysning</td><td class='number'>0 kr.</td><td>Lav effekt</td>" in lokal


def test_the_brief_names_every_filter_it_was_made_under(small_db):
    page = make_brief(small_db, Filters(year=2010, districts=(3,), administrations=("SOF", "BUF"), statuses=("ny", "foreslaaet")))
    assert "budgetår 2010; bydele: Nørrebro; forvaltninger: SOF, BUF; status: Ny, Foreslået</p>" in page
    assert "yderligere filtre" not in page
    assert "yderligere filtre" in make_brief(small_db, Filters(year=2010, only_do_less=True))
    for extra in ({"goals": (1,)}, {"financing": ("delvist",)}, {"evidence": ("lovende",)}):
        assert "; med yderligere filtre (se dashboardets adresse)</p>" in make_brief(small_db, Filters(year=2010, **extra)), extra
    assert "budgetår 2010; bydele: Nørrebro, Bispebjerg</p>" in make_brief(small_db, Filters(year=2010, districts=(3, 8)))


def test_the_brief_is_a_small_file_with_a_main_landmark_and_its_chart_drawn_to_scale(small_db):
    """Budget per goal 2010: BUF-001's 2.000.000 kr. is the longest bar (420 px); each half of SOF-001's 1.734.567,50 kr.,
    867.283,75 kr., is 867.283,75 / 2.000.000 × 420 = 182,1 px; goal 4 has nothing."""
    page = make_brief(small_db, Filters(year=2010))
    assert len(page.encode()) < 60_000  # with plotly's library inlined it was 4,8 MB
    assert "<body><main><h1>" in page and page.endswith("</main></body></html>")
    chart = page.split("<figure class='chart'>", 1)[1].split("</figure>", 1)[0]
    assert page.count("<figure class='chart'>") == 1
    assert (
        "role='img' aria-label='Tidlig indsats for udsatte unge under 18 år får 54 % af det besluttede budget 2010. Tallene står i" in chart
    )
    assert re.findall(r"<rect x='0' y='\d+' width='([\d.]+)'", chart) == ["182.1", "420.0", "182.1", "0.0"]
    assert "<text x='426.0' y='60' font-size='11'>2,0 mio. kr. (54 %)</text>" in chart  # the amount right of the bar
    assert "<caption>Tallene bag grafen: besluttet og foreslået budget 2010 pr. strategisk mål</caption>" in chart
    assert "<table>" not in page.replace("<table><caption>", "")  # every table has a caption


def test_the_brief_reckons_goal_shares_of_the_decided_budget_and_names_the_proposed_apart(app_on_portfolio):
    """TMF-001 proposed with 600.000 kr. in 2010 (goals 1 and 4: 300.000 each). Decided: 3.734.567,50 kr.;
    Tidlig indsats 2.000.000 / 3.734.567,50 = 54 % (over decided + proposed it would be 46 %)."""
    sheets = small_portfolio()
    sheets["indsatser"].loc[2, "status"] = "foreslaaet"
    sheets["budget"].loc[len(sheets["budget"])] = ["TMF-001", "2010", "Hele byen", "600000", "", "kommune"]
    text = visible_text(make_brief(app_on_portfolio(sheets, "proposed_brief"), Filters(year=2010)))
    assert "Tidlig indsats for udsatte unge under 18 år får 54 % af det besluttede budget 2010" in text
    assert (
        "Foreslåede indsatser, der endnu ikke er besluttet, har 0,6 mio. kr. De er ikke med i søjlerne og andelene, men står i tabellen."
        in text
    )
    assert "Strategisk mål | Besluttet budget (kr.) | Andel af det besluttede | Foreslået, ikke besluttet (kr.)" in text
    assert "Koordinering og samarbejde | 0 kr. | 0,0 % | 300.000 kr." in text


@pytest.mark.parametrize(("day", "text"), [(date(2026, 1, 1), "1. januar 2026"), (date(2025, 12, 31), "31. december 2025")])
def test_the_brief_dates_in_danish(day, text):
    assert brief.danish_date(day) == text


def test_the_brief_for_a_scenario_names_its_changes_and_new_initiatives(small_db):
    with database.reading(small_db) as version:
        source = queries.source_of(version)
        scenario = Scenario(
            "Plan",
            2010,
            {"SOF-001": Change(amount_kr=1_000_000), "BUF-001": Change(step=-0.25)},
            new=(NewInitiative("NY-1", 300_000, 30, districts=(3, 8), name="Ny café"), NewInitiative("NY-2", 0, 0, name="Idé")),
            names={"SOF-001": "Gadeplan"},
        )
        page = brief.committee_brief(
            source, Filters(year=2010), queries.dataset_facts(source), {}, date(2026, 11, 27), scenario=outcome(source, scenario)
        )
    part = section(page, "<h2 class='annex'>Scenarie: Plan</h2>")
    assert (
        "<b>Ændrede indsatser:</b> Gadeplan: 1.000.000 kr., BUF-001: −25 %. <b>Nye indsatser:</b> Ny café (300.000 kr.), Idé (0 kr.)."
        in part
    )
    assert "<thead><tr><th>Scenarie</th><th>2010</th></tr></thead>" in part
    assert "<td>Budget i udgangspunktet</td><td>3,7 mio. kr.</td>" in part
    assert "<td>Budget i scenariet</td><td>2,8 mio. kr.</td>" in part  # 1.000.000 + 1.500.000 + 300.000
    assert "<td>Budgetramme</td><td>Ingen</td>" in part
    assert "Der er ikke sat en budgetramme." in part
    assert "<h3>18–25-årige nået pr. 1.000 i hver bydel</h3>" in part
    # goal 1 (Tryghed): half of SOF-001's 1.734.567,50 kr. → half of 1.000.000 (NY-1 has no goal)
    assert (
        "<td>Tryghed for københavnere og kommunens ansatte</td><td class='number'>867.284 kr.</td><td class='number'>500.000 kr.</td>"
        in part
    )
    # Nørrebro: 110 → 110 × 1.000.000 / 1.734.567,5 = 63,42 from SOF-001, + 15 from NY-1 = 78,42;
    # per 1.000 of 13.840: 7,948 → 5,666, change −2,282
    assert (
        "<td>Nørrebro</td><td>7,9</td><td>5,7</td><td>-2,3</td><td class='number'>110</td><td class='number'>78</td>"
        "<td class='number'>13.840</td>"
    ) in part


def test_the_brief_for_a_scenario_with_a_frame_gives_the_frame(small_db):
    with database.reading(small_db) as version:
        source = queries.source_of(version)
        result = outcome(source, Scenario("Ramme", 2010, frame_kr=3_734_567.5))
        page = brief.committee_brief(source, Filters(year=2010), queries.dataset_facts(source), {}, date(2026, 11, 27), scenario=result)
    part = section(page, "<h2 class='annex'>Scenarie: Ramme</h2>")
    assert "<td>Budgetramme</td><td>3,7 mio. kr.</td>" in part
    assert "<p>Scenariet bruger præcis hele budgetrammen.</p>\n<h3>Budget pr. strategisk mål</h3>" in part  # the year's whole budget
    assert "<b>Ændrede indsatser:</b> ingen. <b>Nye indsatser:</b> ingen." in part


def test_an_empty_list_in_the_brief_says_so(small_db):
    page = make_brief(small_db, Filters(year=2011))  # TMF-001, the year's only initiative, is financed
    assert "<h2 class='annex'>Mangler finansiering</h2>\n<p class='meta'>Ingen.</p>" in page


def visible_text(page: str) -> list[str]:
    """The brief as a reader sees it: one line per heading or paragraph, a table row's cells joined by ' | ' (the drawing of a
    chart left out: its numbers stand in the table under it)."""
    body = re.sub(r"<svg.*?</svg>", "", page[page.index("<body") :], flags=re.S)
    body = re.sub(r"</t[dh]>\s*<t[dh][^>]*>", " | ", body)
    body = re.sub(r"<[^>]+>", "\n", body)
    return [html.unescape(" ".join(line.split())) for line in body.split("\n") if line.strip()]


def test_the_whole_brief_reads_as_worked_out_by_hand(app_on_portfolio):
    """BUF-001 (2.000.000 kr. in 2010, no reason given) is also proposed for doing less; every line below is from the fixture.

    Budget 2010: SOF-001 1.234.567,50 + 500.000 and BUF-001 2.000.000 = 3.734.567,50 kr. (3,7 mio.); TMF-001 has budget in 2011
    only, so 2 initiatives have budget. SOF-001 targets 18–25-year-olds: 1,7 mio. kr. It reaches 110 in Nørrebro: 110 / 77.484
    city 18–25 × 1.000 = 1,42 (1,4); 110 / 13.840 Nørrebro 18–25 × 1.000 = 7,95 (7,9). The goal chart: SOF-001's budget split
    between its two goals, BUF-001's 2.000.000 all on Tidlig indsats = 53,6 % of 3.734.567,50 (54 %). The do-less list runs by
    budget, largest first: BUF-001 2.000.000, then TMF-001 with nothing in 2010.
    """
    sheets = small_portfolio()
    sheets["indsatser"].loc[1, "goeres_mindre_af"] = "ja"
    page = make_brief(app_on_portfolio(sheets, "two_do_less"), Filters(year=2010))
    assert page.startswith("<!DOCTYPE html><html lang='da'><head><meta charset='utf-8'><title>Udvalgsnotat 2010</title>")
    assert "<figcaption>Tidlig indsats for udsatte unge under 18 år får 54 % af det besluttede budget 2010</figcaption>" in page
    assert (
        "<table><caption>Nøgletal for 2010</caption><thead><tr><th>Nøgletal</th><th>2010</th></tr></thead><tbody>"
        "<tr><td>Besluttet budget</td><td>3,7 mio. kr.</td></tr>" in page
    )
    no_activity = "Ingen indsatser i området har budget eller deltagere i 2010 med de valgte filtre."
    no_do_less = ["Hvad skal der gøres mindre af?", "Ingen af områdets indsatser er foreslået gjort mindre af."]
    needs = ["Budgetbehov", "Mangler finansiering:", "0,0 mio. kr.", "· delvist finansieret:"]
    assert visible_text(page) == [
        "Udvalgsnotat: kriminalpræventive indsatser 2010",
        "Økonomiudvalget · Center for Sikker By · 27. november 2026 · budgetår 2010",
        "Nøgletal",
        "Nøgletal for 2010",
        "Nøgletal | 2010",
        "Besluttet budget | 3,7 mio. kr.",
        "Foreslåede indsatser | 0,0 mio. kr.",
        "Indsatser med budget | 2",
        "Budget til 18–25-årige | 1,7 mio. kr.",
        "18–25-årige nået pr. 1.000 | 1,4",
        "Mangler finansiering | 0,0 mio. kr.",
        "Delvist finansieret (hele budgettet) | 1,7 mio. kr.",
        "De fire strategiske mål",
        "Tidlig indsats for udsatte unge under 18 år får 54 % af det besluttede budget 2010",
        "Kilde: Indsatser: indsatser.csv, budget.csv, aktivitet.csv, effektmaal.csv · Befolkning og bydele: Københavns Kommune, "
        "Open Data København",
        "Tallene bag grafen: besluttet og foreslået budget 2010 pr. strategisk mål",
        "Strategisk mål | Besluttet budget (kr.) | Andel af det besluttede",
        "Tryghed for københavnere og kommunens ansatte | 867.284 kr. | 23,2 %",  # half of SOF-001's 1.734.567,50
        "Tidlig indsats for udsatte unge under 18 år | 2.000.000 kr. | 53,6 %",
        "Kriminalitetsexit | 867.284 kr. | 23,2 %",
        "Koordinering og samarbejde | 0 kr. | 0,0 %",
        "Lokal indsats",
        no_activity,
        "Hvad skal der gøres mindre af?",
        "Lokal indsats: foreslået gjort mindre af",
        "Indsats | Budget (kr.) | Begrundelse",
        "Tryghedsbelysning | 0 kr. | Lav effekt",
        "Fritidsliv med indhold",
        no_activity,
        "Beskæftigelse og uddannelse",
        no_activity,
        "Socialt udsatte unge over 18 år",
        "Hvor kan indsatsen vokse?",
        "9 af de ti bydele når færrest unge",
        "Socialt udsatte unge over 18 år: 18–25-årige nået pr. bydel",
        "Bydel | Nået pr. 1.000 unge | Nået 18–25 år (personer)",
        *[
            f"{name} | 0,0 | 0"
            for name in (
                "Indre By",
                "Østerbro",
                "Vesterbro/Kongens Enghave",
                "Valby",
                "Vanløse",
                "Brønshøj-Husum",
                "Bispebjerg",
                "Amager Øst",
                "Amager Vest",
            )
        ],
        "Nørrebro | 7,9 | 110",
        "Effektmål",
        "Bagud: 1",
        "Socialt udsatte unge over 18 år: effektmål",
        "Indsats | Status | Indikator | Fra udgangspunkt til mål",
        "Væresteder for 18-25-årige | Bagud | Unge der kommer fast | Udgangspunkt 50 personer → mål 120 personer (2013) · seneste 80,5 personer",
        *needs,
        "1,7 mio. kr.",
        "· foreslåede indsatser:",
        "0,0 mio. kr.",
        "(budget 2010)",
        "Socialt udsatte unge over 18 år: indsatser med budgetbehov",
        "Indsats | Budget (kr.) | Finansiering | Status",
        "Væresteder for 18-25-årige | 1.734.568 kr. | Delvist finansieret | Ny",
        *no_do_less,
        "Socialt udsatte unge under 18 år",
        "Hvor kan indsatsen vokse?",
        "Områdets indsatser når ingen 18–25-årige, der er henført til en bydel.",
        "Effektmål",
        "Området har ingen effektmål for de valgte indsatser.",
        *needs,
        "0,0 mio. kr.",
        "· foreslåede indsatser:",
        "0,0 mio. kr.",
        "(budget 2010)",
        "Hvad skal der gøres mindre af?",
        "Socialt udsatte unge under 18 år: foreslået gjort mindre af",
        "Indsats | Budget (kr.) | Begrundelse",
        "Kort Snor | 2.000.000 kr. | ikke angivet",
        "Tryghed for kommunalt ansatte",
        no_activity,
        "Mangler finansiering",
        "Indsatser med budget i 2010, der mangler hel eller delvis finansiering",
        "Indsats | Finansiering | Budget (kr.) | Strategiske mål",
        "Væresteder for 18-25-årige | Delvist finansieret | 1.734.568 kr. | Tryghed for københavnere og kommunens ansatte; Kriminalitetsexit",
        "Forslag om at gøre mindre af",
        "Indsatser foreslået gjort mindre af, største budget først",
        "Indsats | Begrundelse | Budget (kr.)",
        "Kort Snor | ikke angivet | 2.000.000 kr.",
        "Tryghedsbelysning | Lav effekt | 0 kr.",
        "Kilde: Indsatser: indsatser.csv, budget.csv, aktivitet.csv, effektmaal.csv · Befolkning og bydele: Københavns Kommune, "
        "Open Data København. Bydelsgrænser: Københavns Kommune, Open Data København, CC BY 4.0. Befolkning pr. 1. januar; "
        "efter 2015 bruges 2015. Dannet af Sikker By-dashboardet.",
    ]
