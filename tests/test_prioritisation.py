"""The quadrant rule against hand-placed initiatives, edge cases included."""

from __future__ import annotations

import pandas as pd

from dashboard.prioritisation import DO_LESS, DO_MORE, KEEP_WATCH_COST, LOOK_CLOSER, place_initiatives


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
