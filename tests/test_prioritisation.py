"""The quadrant rule against hand-placed initiatives, edge cases included."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.prioritisation import DO_LESS, DO_MORE, KEEP_WATCH_COST, LOOK_CLOSER, do_less_summary, place_initiatives
from tests.apptest_helpers import open_app, read_danish_csv


def initiatives(rows: list[tuple[str, float, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["name", "budget_kr", "participants", "evidence"])


def test_each_quadrant_by_cost_against_the_median_and_evidence():
    # kr. per participant: A 100, B 1.000, C 200, D 2.000 → median (200 + 1.000) / 2 = 600
    placement = place_initiatives(
        initiatives(
            [
                ("A", 10_000, 100, "dokumenteret"),
                ("B", 100_000, 100, "lovende"),
                ("C", 2_000, 10, "ukendt"),
                ("D", 20_000, 10, "erfaringsbaseret"),
            ]
        )
    )
    quadrant = dict(zip(placement.placed["name"], placement.placed["quadrant"], strict=True))
    assert quadrant == {"A": DO_MORE, "B": KEEP_WATCH_COST, "C": LOOK_CLOSER, "D": DO_LESS}
    assert placement.median_kr_per_participant == 600
    assert placement.unplaced.empty


def test_at_the_median_counts_as_cheap():
    placement = place_initiatives(initiatives([("A", 100, 1, "lovende"), ("B", 300, 1, "lovende"), ("C", 200, 1, "ukendt")]))
    quadrant = dict(zip(placement.placed["name"], placement.placed["quadrant"], strict=True))
    assert quadrant["C"] == LOOK_CLOSER  # 200 kr. is the median itself
    assert quadrant["B"] == KEEP_WATCH_COST


def test_initiatives_without_budget_or_reach_are_listed_apart_with_the_reason():
    placement = place_initiatives(
        initiatives([("A", 10_000, 100, "dokumenteret"), ("B", 0, 50, "lovende"), ("C", 5_000, 0, "ukendt"), ("D", 0, None, "ukendt")])
    )
    assert placement.placed["name"].tolist() == ["A"]
    assert dict(zip(placement.unplaced["name"], placement.unplaced["reason"], strict=True)) == {
        "B": "intet budget",
        "C": "ingen deltagere",
        "D": "hverken budget eller deltagere",
    }


def test_nothing_to_place_gives_no_threshold():
    placement = place_initiatives(initiatives([("B", 0, 50, "lovende")]))
    assert placement.placed.empty and placement.median_kr_per_participant is None


def test_the_targets_furthest_behind_come_first_and_reached_ones_last():
    from dashboard.analysis import furthest_behind

    progress = pd.DataFrame(
        {
            "status": ["Nået", "Bagud", "På vej", "Ingen måling", "Bagud"],
            "progress": [1.2, 0.3, 0.6, float("nan"), -0.1],
        },
        index=["reached", "behind", "on_way", "unmeasured", "worst"],
    )
    assert furthest_behind(progress, 3).index.tolist() == ["worst", "behind", "unmeasured"]
    assert furthest_behind(progress, 10).index.tolist()[-1] == "reached"


def test_bubbles_mark_what_is_proposed_to_be_done_less_of_and_list_each_focus_area_once():
    from dashboard import charts

    placed = pd.DataFrame(
        {
            "initiative_id": ["A", "B", "C"],
            "name": ["<b>A</b>", "B", "C"],
            "administration_code": ["SOF", "BUF", "SOF"],
            "focus_area_id": [1, 1, 2],
            "focus_area": ["Lokal indsats", "Lokal indsats", "Fritidsliv med indhold"],
            "budget_kr": [1_000_000.0, 250_000.0, 500_000.0],
            "participants": [100.0, 10.0, 50.0],
            "kr_per_participant": [10_000.0, 25_000.0, 10_000.0],
            "evidence": ["dokumenteret", "ukendt", "lovende"],
            "do_less": [False, True, False],
            "quadrant": ["Kandidat til mere", "Kandidat til mindre", "Kandidat til mere"],
        }
    )
    fig = charts.priority_bubbles(placed, 10_000.0, "t", "kilde")
    by_id = {trace.customdata[0][0]: trace for trace in fig.data}
    assert by_id["B"].marker.symbol == "diamond" and by_id["B"].marker.line.color == "#111"
    assert by_id["A"].marker.symbol == "circle"
    assert sorted(t.name for t in fig.data if t.showlegend is not False) == ["Fritidsliv med indhold", "Lokal indsats"]
    assert by_id["A"].text[0].startswith("&lt;b&gt;A&lt;/b&gt;<br>SOF · budget 1,0 mio. kr. · 100 deltagere<br>10.000 kr. pr. deltager")
    assert by_id["B"].text[0].endswith("<br><b>Foreslået gjort mindre af</b>")


@pytest.mark.parametrize("district", [None, "Nørrebro", "Bispebjerg"])
def test_an_initiative_stands_in_the_same_quadrant_under_every_district_filter(small_db, monkeypatch, downloads, district):
    """2010, whole portfolio: SOF-001 1.734.567,50 kr. / 120 = 14.454,73 kr. per person (lovende), BUF-001 2.000.000 / 85 =
    23.529,41 (no evidence given: ukendt); median 18.992,07. SOF-001 is cheap and strong, BUF-001 dear and weak. Under
    Bispebjerg, where SOF-001 has budget but nobody reached, it keeps its place (before: 'ingen deltagere'); under Nørrebro,
    SOF-001 alone (1.234.567,50 / 120) was its own median: the rule now never depends on what is shown."""
    monkeypatch.setenv("SIKKERBY_DB", str(small_db))
    at = open_app("prioritisation", {"aar": "2010", **({"bydel": district} if district else {})})
    rows = read_danish_csv(downloads.get(at, "csv_priority")[1]).set_index("Id")
    assert rows.loc["SOF-001", "Kvadrant"] == "Kandidat til mere"
    assert rows.loc["SOF-001", "Kr./deltager"] == pytest.approx(14_454.73, abs=0.01)
    if district is None:
        assert rows.loc["BUF-001", "Kvadrant"] == "Kandidat til mindre"
    else:
        assert "BUF-001" not in rows.index  # city-wide: a district filter leaves it out
    assert any("Medianen er 18.992 kr. pr. deltager." in c.value for c in at.caption)
    whole_budget = "Filtrene vælger, hvilke indsatser der vises; hver placeres på sit hele budget og alle sine deltagere i året."
    assert any(whole_budget in c.value for c in at.caption) == (district is not None)
    # TMF-001, the only one proposed for doing less, has no budget or people in 2010, so none of those shown is.
    sentences = [m.value.replace("\\", "") for m in at.markdown]  # as the reader sees it, without Markdown's escapes
    assert "Ingen af de viste indsatser er foreslået gjort mindre af i 2010." in sentences
    if district is None:
        assert (
            "Regnestykket peger desuden på 1 kandidat til mindre (dyr med svag evidens), som ingen har foreslået: Kort Snor." in sentences
        )


def flagged(rows: list[tuple[str, float, bool, object]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["name", "budget_kr", "do_less", "rationale"]).assign(initiative_id=lambda d: d["name"])


def placed_in(quadrants: dict[str, tuple[str, bool, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(name, q, do_less, budget) for name, (q, do_less, budget) in quadrants.items()],
        columns=["name", "quadrant", "do_less", "budget_kr"],
    )


def test_the_do_less_answer_names_the_analysts_proposals_with_their_reasons_largest_first():
    shown = flagged([("A", 1e6, True, "Lav effekt"), ("B", 3e6, True, None), ("C", 2e6, False, None), ("D", 5e5, True, "  ")])
    first, second = do_less_summary(shown, placed_in({"C": (DO_LESS, False, 2e6), "A": (DO_LESS, True, 1e6)}), 2013)
    # A + B + D = 1.000.000 + 3.000.000 + 500.000 = 4,5 mio. kr.; B first (largest); B and D give no reason
    assert first == (
        "Analytikerne foreslår at gøre mindre af 3 indsatser, i alt 4,5 mio. kr. i 2013: "
        "B (3,0 mio. kr.; begrundelse: ikke angivet); A (1,0 mio. kr.; begrundelse: Lav effekt); D (0,5 mio. kr.; begrundelse: ikke angivet)."
    )
    # A is a candidate too, but already proposed: only C is named
    assert second == "Regnestykket peger desuden på 1 kandidat til mindre (dyr med svag evidens), som ingen har foreslået: C."


@pytest.mark.parametrize(("count", "tail"), [(1, "."), (5, "."), (6, "; og 1 mere i tabellen nedenfor.")])
def test_the_do_less_answer_names_five_and_counts_the_rest(count, tail):
    shown = flagged([(f"I{n}", 1e6 * (10 - n), True, "x") for n in range(count)])
    first, second = do_less_summary(shown, placed_in({}), 2010)
    assert first.count("begrundelse: x") == min(count, 5)
    assert first.endswith(tail)
    assert first.startswith(
        "Analytikerne foreslår at gøre mindre af 1 indsats,"
        if count == 1
        else f"Analytikerne foreslår at gøre mindre af {count} indsatser,"
    )
    assert second == "Regnestykket finder ingen kandidat til mindre (dyr med svag evidens), som analytikerne ikke allerede har foreslået."


def test_the_do_less_answer_with_no_proposals_and_many_candidates():
    candidates = {f"K{n}": (DO_LESS, False, 1e6 * n) for n in range(1, 8)} | {"M": (DO_MORE, False, 9e9)}
    first, second = do_less_summary(flagged([("M", 1.0, False, None)]), placed_in(candidates), 2010)
    assert first == "Ingen af de viste indsatser er foreslået gjort mindre af i 2010."
    # seven candidates, largest budget first; five named, two counted; M is a candidate for more, so not one of them
    assert second == (
        "Regnestykket peger desuden på 7 kandidater til mindre (dyr med svag evidens), som ingen har foreslået: "
        "K7, K6, K5, K4, K3 og 2 flere (se diagrammet)."
    )
