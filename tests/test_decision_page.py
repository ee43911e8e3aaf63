"""The Beslutninger page: an analyst records an adopted scenario, a second data version is loaded, and the page follows it up.

Version 1, budget 2011 (kr.): SOF-001 Væresteder 1.000.000 in Nørrebro, BUF-001 Kort Snor 400.000 city-wide,
TMF-001 Tryghedsbelysning 200.000 in Bispebjerg, SOF-002 Gadeplan 100.000 in Amager Øst. SOF-001 reaches 60
18–25-year-olds in Nørrebro.
The scenario: SOF-001 −50 % (→ 500.000, reach 30), BUF-001 stop (→ 0), TMF-001 +50 % (→ 300.000), and a new
NY-1 Mentorer 250.000 in Valby.
Version 2, budget 2011: SOF-001 500.000 (carried out), BUF-001 400.000 (not), TMF-001 250.000 (half of
+100.000), KFF-001 Mentorordning 250.000 in Valby (what NY-1 became), SOF-002 180.000 (+80.000 nobody decided).
SOF-001 reaches 30 in Nørrebro, as projected.
"""

from __future__ import annotations

import io
import re
import time
from datetime import date

import pandas as pd
import pytest

from dashboard import audit, decision_store, scenario_store
from dashboard.scenarios import Change, NewInitiative, Scenario
from pipelines.load import load_portfolio
from tests.apptest_helpers import displayed, failures, open_app, read_danish_csv, sql_value
from tests.conftest import small_portfolio, write_csv_folder
from tests.test_signin import MEMBER, SECRETS

SCENARIO = Scenario(
    name="Budget 2011",
    year=2011,
    changes={"SOF-001": Change(step=-0.5), "BUF-001": Change(step=-1.0), "TMF-001": Change(step=0.5)},
    new=(NewInitiative("NY-1", budget_kr=250_000.0, reached_18_25=0.0, districts=(5,), name="Mentorer"),),  # 5: Valby
)
AGENDA = "Økonomiudvalget 13.04.2010, punkt 6"


def version(budget: list[list[str]], reached_18_25: str, extra: list[tuple[str, str]]) -> dict[str, pd.DataFrame]:
    sheets = small_portfolio()
    initiatives = sheets["indsatser"]
    for initiative_id, name in extra:  # more initiatives like SOF-001
        initiatives = pd.concat([initiatives, initiatives.iloc[[0]].assign(indsats_id=initiative_id, navn=name)], ignore_index=True)
    sheets["indsatser"] = initiatives
    effects = sheets["effektmaal"]  # SOF-002, which the decision leaves alone, has a target too
    sheets["effektmaal"] = pd.concat([effects, effects.assign(indsats_id="SOF-002", indikator="Gadeplan-kontakter")], ignore_index=True)
    sheets["budget"] = pd.DataFrame(budget, columns=["indsats_id", "aar", "bydel", "budget_kr", "forbrug_kr", "kilde"])
    sheets["aktivitet"] = pd.DataFrame(
        [["SOF-001", "2011", "Nørrebro", reached_18_25, reached_18_25, ""]],
        columns=["indsats_id", "aar", "bydel", "deltagere", "heraf_18_25", "pladser"],
    )
    return sheets


FIRST = version(
    [
        ["SOF-001", "2011", "Nørrebro", "1000000", "", "kommune"],
        ["BUF-001", "2011", "Hele byen", "400000", "", "kommune"],
        ["TMF-001", "2011", "Bispebjerg", "200000", "", "kommune"],
        ["SOF-002", "2011", "Amager Øst", "100000", "", "kommune"],
    ],
    "60",
    [("SOF-002", "Gadeplan")],
)
SECOND = version(
    [
        ["SOF-001", "2011", "Nørrebro", "500000", "450000", "kommune"],
        ["BUF-001", "2011", "Hele byen", "400000", "390000", "kommune"],
        ["TMF-001", "2011", "Bispebjerg", "250000", "", "kommune"],
        ["SOF-002", "2011", "Amager Øst", "180000", "", "kommune"],
        ["KFF-001", "2011", "Valby", "250000", "", "kommune"],
    ],
    "30",
    [("SOF-002", "Gadeplan"), ("KFF-001", "Mentorordning")],
)

THIRD = version(  # as SECOND, with Kort Snor stopped at last
    [[*row[:3], "0", "", row[5]] if row[0] == "BUF-001" else row for row in SECOND["budget"].values.tolist()],
    "30",
    [("SOF-002", "Gadeplan"), ("KFF-001", "Mentorordning")],
)


@pytest.fixture
def live(tmp_path, monkeypatch):
    db = tmp_path / "live.duckdb"
    load_portfolio(write_csv_folder(FIRST, tmp_path / "first"), db)
    monkeypatch.setenv("SIKKERBY_DB", str(db))
    scenario_store.save(SCENARIO, "ane@kk.dk")
    return db


def shown_text(at) -> list[str]:
    return [m.value.replace("\\", "") for m in at.markdown]  # as the reader sees it, without Markdown's escapes


def record(at, agenda: str = AGENDA, meeting: date | None = date(2010, 4, 13), note: str = "Natteravne drøftet."):
    if meeting is not None:
        at.date_input[0].set_value(meeting)
    at.text_input[0].input(agenda)
    at.text_area[0].input(note)
    next(b for b in at.button if b.label == "Registrér beslutningen").click().run()
    assert not failures(at), failures(at)
    return at


def test_a_recorded_decision_is_followed_up_on_the_next_data_version(live, tmp_path):
    at = record(open_app("decisions"))
    assert decision_store.listing()["agenda_item"].tolist() == [AGENDA]
    assert not [w for w in at.warning if w.value.startswith("Beslutning nr.")]  # the scenario was saved after the load: no warning
    load_portfolio(write_csv_folder(SECOND, tmp_path / "second"), live)  # a new data version, as `pipelines load`
    at.run()
    sentences = shown_text(at)
    assert "1 af 4 besluttede ændringer er gennemført, 1 delvist." in sentences
    assert "Kort Snor (BUF-001) har stadig fuldt budget i 2011 (400.000 kr.; besluttet 0 kr.)." in sentences
    assert "Tryghedsbelysning (TMF-001): 50 % af ændringen er gennemført (250.000 kr. mod besluttet 300.000 kr.)." in sentences
    assert "Den nye indsats Mentorer (NY-1) er endnu ikke matchet til en rigtig indsats i data." in sentences
    # SOF-002 +80.000 and KFF-001 +250.000 (not matched yet): +330.000
    assert "2 indsatsers budget for 2011 er ændret uden en beslutning (1 ny i årets budget): +330.000 kr. netto." in sentences
    # per place, now − decided: Nørrebro 0, Hele byen +400.000 (Kort Snor kept), Bispebjerg −50.000, Amager Øst +80.000, Valby 0
    assert "På 3 af 5 steder afviger budgettet for 2011 fra det besluttede; mest i Hele byen: 400.000 kr. over det besluttede." in sentences
    assert "Dækningen af 18–25-årige nåede det fremskrevne eller mere i 10 af 10 bydele." in sentences
    shown = displayed(next(d for d in at.dataframe if "Besluttet (kr.)" in d.value.columns)).set_index("Id")
    assert shown.loc["SOF-001", "Status"] == "gennemført" and shown.loc["SOF-001", "Budgetteret nu (kr.)"] == "500.000 kr."
    assert shown.loc["SOF-001", "Forbrug nu (kr.)"] == "450.000 kr."
    assert shown.loc["TMF-001", "Gennemført (andel)"] == "50 %"
    assert shown.loc["BUF-001", "Status"] == "ikke gennemført"
    assert shown.loc["NY-1", "Status"] == "ikke matchet"


def test_matching_the_new_initiative_counts_it_as_carried_out_and_no_longer_as_undecided(live, tmp_path):
    at = record(open_app("decisions"))
    load_portfolio(write_csv_folder(SECOND, tmp_path / "second"), live)
    at.run()
    match = next(s for s in at.selectbox if s.label == r"Mentorer \(NY\-1\)")  # the label escaped as Markdown
    match.set_value("KFF-001").run()
    next(b for b in at.button if b.label == "Gem match").click().run()
    assert not failures(at), failures(at)
    sentences = shown_text(at)
    assert "2 af 4 besluttede ændringer er gennemført, 1 delvist." in sentences
    assert "1 indsats' budget for 2011 er ændret uden en beslutning: +80.000 kr. netto." in sentences  # SOF-002 only
    assert decision_store.load(1).matches == {"NY-1": "KFF-001"}
    assert audit.listing()["action"].tolist()[:2] == [audit.DECISION_MATCH, audit.DECISION_ADOPT]  # newest first


def test_the_projected_coverage_is_held_against_the_coverage_reached(live, tmp_path):
    at = record(open_app("decisions"))
    load_portfolio(write_csv_folder(SECOND, tmp_path / "second"), live)
    at.run()
    residents = sql_value(live, "SELECT age_18_25 FROM population WHERE district_id = 3 AND year = 2011")
    coverage = displayed(next(d for d in at.dataframe if "Fremskrevet pr. 1.000 unge" in d.value.columns)).set_index("Bydel")
    per_1000 = f"{30 * 1000 / residents:.1f}".replace(".", ",")  # 60 halved by the cut, and 30 reached
    assert coverage.loc["Nørrebro", "Fremskrevet pr. 1.000 unge"] == per_1000
    assert coverage.loc["Nørrebro", "Nået pr. 1.000 unge nu"] == per_1000
    assert coverage.loc["Nørrebro", "Forskel pr. 1.000 unge"] == "0,0"


@pytest.mark.parametrize(
    ("agenda", "meeting", "message"),
    [
        ("", date(2010, 4, 13), "Skriv mødet og punktet på dagsordenen"),
        (AGENDA, None, "Vælg mødedatoen"),
    ],
)
def test_a_decision_without_its_meeting_is_refused_and_nothing_is_recorded(live, agenda, meeting, message):
    at = open_app("decisions")
    if meeting is not None:
        at.date_input[0].set_value(meeting)
    at.text_input[0].input(agenda)
    next(b for b in at.button if b.label == "Registrér beslutningen").click().run()
    assert any(message in e.value for e in at.error), [e.value for e in at.error]
    assert any("Intet er gemt" in e.value for e in at.error)
    assert decision_store.listing().empty


def test_a_committee_member_reads_the_follow_up_but_cannot_record_or_match(live, tmp_path):
    record(open_app("decisions"))
    load_portfolio(write_csv_folder(SECOND, tmp_path / "second"), live)
    at = open_app("decisions", user=MEMBER, secrets=SECRETS)
    assert not [b for b in at.button if b.label in ("Registrér beslutningen", "Gem match")]
    assert "1 af 4 besluttede ændringer er gennemført, 1 delvist." in shown_text(at)
    assert "Mentorer (NY-1): ikke matchet endnu" in shown_text(at)


def test_without_decisions_the_page_says_how_one_is_recorded(live):
    at = open_app("decisions")
    assert any("Der er endnu ingen beslutninger" in i.value for i in at.info)


def test_the_brief_follows_up_the_last_decision_in_force(live, tmp_path, downloads):
    record(open_app("decisions"))
    record(open_app("decisions"), agenda="Økonomiudvalget 27.04.2010, punkt 2", meeting=date(2010, 4, 27))  # the latest meeting counts
    load_portfolio(write_csv_folder(SECOND, tmp_path / "second"), live)
    at = open_app("overview", {"aar": "2011"})
    page = downloads.get(at, "brief")[1].decode("utf-8")
    assert "<h2>Opfølgning på sidste beslutning</h2>" in page
    assert "Økonomiudvalget 27.04.2010, punkt 2, 27. april 2010" in page
    assert "<p>1 af 4 besluttede ændringer er gennemført, 1 delvist.</p>" in page
    assert "<td>Kort Snor</td><td>ikke gennemført</td><td>Stop</td>" in page
    assert "<td>Gadeplan</td><td>ændret budget</td><td class='number'>80.000 kr.</td>" in page


def test_the_brief_has_no_follow_up_without_a_decision(live, downloads):
    at = open_app("overview", {"aar": "2011"})
    assert "Opfølgning på sidste beslutning" not in downloads.get(at, "brief")[1].decode("utf-8")


def test_the_follow_up_exports_one_sheet_per_part(live, tmp_path, downloads):
    at = record(open_app("decisions"))
    load_portfolio(write_csv_folder(SECOND, tmp_path / "second"), live)
    at.run()
    name, data = downloads.get(at, "xlsx_decision")
    assert name == "beslutning1_opfoelgning.xlsx"
    book = pd.read_excel(io.BytesIO(data), sheet_name=None)
    assert list(book) == [
        "Besluttede ændringer",
        "Uden beslutning",
        "Strategiske mål",
        "Bydele",
        "Effektmål",
        "Dækning 18-25",
        "Dataversioner",
    ]
    # Goals: SOF-001, SOF-002 and KFF-001 serve Tryghed and Exit (half each), BUF-001 Tidlig indsats, TMF-001 Tryghed and
    # Koordinering; NY-1 was given no goal. Decided: Tryghed ½·500.000 + ½·300.000 + ½·100.000; now ½·(500.000 + 250.000
    # + 180.000 + 250.000). NY-1's 250.000 decided counts under "Uden strategisk mål", so every krone is counted:
    # decided 1.150.000 in all, budgeted now 1.580.000 in all.
    goals = book["Strategiske mål"]
    assert goals["Strategisk mål"].iloc[-1] == "Uden strategisk mål"
    assert goals["Før beslutningen (kr.)"].tolist() == [650_000, 400_000, 550_000, 100_000, 0]
    assert goals["Besluttet (kr.)"].tolist() == [450_000, 0, 300_000, 150_000, 250_000]
    assert goals["Budgetteret nu (kr.)"].tolist() == [590_000, 400_000, 465_000, 125_000, 0]
    assert book["Effektmål"][["Id", "Indikator"]].values.tolist() == [["SOF-001", "Unge der kommer fast"]]  # the changed ones only
    assert book["Besluttede ændringer"].set_index("Id").loc["TMF-001", "Budgetteret nu (kr.)"] == 250_000
    assert book["Uden beslutning"]["Id"].tolist() == ["KFF-001", "SOF-002"]  # +250.000, then +80.000
    csv = read_danish_csv(downloads.get(at, "csv_decision_changes")[1])
    assert csv.set_index("Id").loc["SOF-001", "Besluttet (kr.)"] == 500_000


def test_a_small_count_stays_hidden_in_the_projection_the_reach_and_their_difference(tmp_path, monkeypatch):
    few = version(FIRST["budget"].values.tolist(), "3", [("SOF-002", "Gadeplan")])  # 3 young people: "<5"
    db = tmp_path / "few.duckdb"
    load_portfolio(write_csv_folder(few, tmp_path / "few"), db)
    monkeypatch.setenv("SIKKERBY_DB", str(db))
    scenario_store.save(SCENARIO, "ane@kk.dk")
    at = record(open_app("decisions"))
    coverage = displayed(next(d for d in at.dataframe if "Fremskrevet pr. 1.000 unge" in d.value.columns)).set_index("Bydel")
    row = coverage.loc["Nørrebro", ["Fremskrevet pr. 1.000 unge", "Nået pr. 1.000 unge nu", "Forskel pr. 1.000 unge"]]
    assert set(row) <= {"<5", "skjult"}, row.tolist()
    assert coverage.loc["Valby", "Nået pr. 1.000 unge nu"] == "0,0"  # the complement: a district with no one reached shows 0


def test_a_filter_narrows_nothing_on_the_follow_up_and_says_so(live, tmp_path):
    record(open_app("decisions"))
    load_portfolio(write_csv_folder(SECOND, tmp_path / "second"), live)
    whole = open_app("decisions")
    filtered = open_app("decisions", {"aar": "2010", "bydel": "Nørrebro", "forvaltning": "Socialforvaltningen (SOF)"})
    assert shown_text(filtered) == shown_text(whole)  # a decision holds its year's whole portfolio
    assert any("Filtrene tæller ikke med her" in i.value for i in filtered.info)


def test_a_decision_frozen_on_data_loaded_after_its_scenario_was_saved_warns_that_its_figures_may_not_be_the_meetings(live, tmp_path):
    time.sleep(1.1)  # the load log and the store keep whole seconds: the same second is not "after"
    load_portfolio(write_csv_folder(SECOND, tmp_path / "second"), live)
    at = record(open_app("decisions"))
    assert decision_store.listing()["decision_id"].tolist() == [1]  # recorded all the same
    warnings = [w.value for w in at.warning if w.value.startswith("Beslutning nr.")]
    assert len(warnings) == 1 and warnings[0].startswith(
        "Beslutning nr. 1 er regnet ud på de data, der er aktive nu, og de er indlæst, efter"
    )
    at.run()
    assert not [w for w in at.warning if w.value.startswith("Beslutning nr.")]  # said once, after recording


def test_the_analysts_text_on_a_decision_is_shown_as_written(live):
    from tests.test_hostile_display import ACTIVE_MARKDOWN, HEADING, HTML, IMAGE, RED, markdown_texts

    name = f"{IMAGE} {RED}"
    new = NewInitiative("NY-9", budget_kr=1_000.0, reached_18_25=0.0, districts=(5,), name=f"{HTML} {RED}")
    scenario_store.save(Scenario(name=name, year=2011, new=(new,)), "ane@kk.dk")
    at = open_app("decisions")
    at.selectbox(key="decision_scenario").set_value(name)
    note = f"Første linje & &lt;b&gt; {HTML}\n===\n{HEADING}"
    at = record(at, agenda=f"{HEADING} {IMAGE}", note=note)
    texts = markdown_texts(at) + [s.label for s in at.selectbox]
    entity_or_setext = re.compile(r"(?<!\\)&[a-z]+;|\n(?<!\\)=+")  # "&lt;" would show "<"; "===" under a line makes it a heading
    for text in texts:
        assert not ACTIVE_MARKDOWN.search(text) and not entity_or_setext.search(text), text
    shown = [t.replace("\\", "") for t in texts]
    assert "Bemærkning: Første linje & &lt;b&gt; <img src=http://evil.example/y.png><b>fed</b>  \n===  \n# Falsk overskrift" in [
        t.replace("**", "") for t in shown
    ]  # every line as written, each on its own line
    assert f"{HTML} {RED} (NY-9)" in shown  # the match's label


def test_each_data_version_loaded_since_the_decision_shows_how_far_the_changes_had_come(live, tmp_path):
    at = record(open_app("decisions"))
    load_portfolio(write_csv_folder(SECOND, tmp_path / "second"), live)
    load_portfolio(write_csv_folder(THIRD, tmp_path / "third"), live)  # the second is kept beside the live file
    at.run()
    assert not failures(at), failures(at)
    # SECOND: SOF-001 carried out, TMF-001 half, BUF-001 not, NY-1 not matched; SOF-002 +80.000, KFF-001 +250.000.
    # THIRD: BUF-001 stopped too. The first version, the one the decision was worked out on, is not listed.
    assert (
        "Siden beslutningen er der indlæst 2 dataversioner; i den første var 1 af 4 besluttede ændringer gennemført, i den seneste 2."
        in shown_text(at)
    )
    table = displayed(next(d for d in at.dataframe if "Kan ikke følges" in d.value.columns))
    assert table[["Gennemført", "Delvist", "Ikke gennemført", "Kan ikke følges"]].values.tolist() == [
        ["1", "1", "1", "1"],
        ["2", "1", "0", "1"],
    ]
    assert table["Uden beslutning, netto (kr.)"].tolist() == ["330.000 kr.", "330.000 kr."]
    assert table["Dataversion"].iloc[1].endswith("(nuværende)") and not table["Dataversion"].iloc[0].endswith("(nuværende)")
