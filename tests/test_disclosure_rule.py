"""The disclosure rule itself (`dashboard.disclosure`): `safe`, `decide` and `Decision.sums` on lines typed in by hand.

Fast (no database, no page): the tests `make mutants` runs against dashboard/disclosure.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard import disclosure
from sikkerby import formatting as fmt

FEW, HIDDEN = "<5", "skjult"


def markers(values: pd.Series) -> list:
    """The column as a reader sees its cells: the marker of a hidden cell, else the number (None when missing)."""
    return [v.marker if fmt.is_hidden(v) else None if pd.isna(v) else v for v in values]


# --- The rule ---------------------------------------------------------------------------------


def lines_of(*cells: tuple[str, int | None, int, int]) -> pd.DataFrame:
    """Finest lines of 2010 typed in by hand: (initiative, district id or None for city-wide, deltagere, heraf 18–25)."""
    return pd.DataFrame(
        [(2010, i, float("nan") if d is None else float(d), p, q) for i, d, p, q in cells],
        columns=["year", "initiative_id", "district_id", "participants", "participants_18_25"],
    )


def young(decision: disclosure.Decision) -> list:
    return markers(decision.finest["participants_18_25"])


def sums_by(decision: disclosure.Decision, column: str, key: list, weights: list | None = None) -> list:
    """The decision's sums with one key per line (None: the line is not held), read as a reader sees them."""
    rows = [i for i, k in enumerate(key) if k is not None]
    names = sorted({k for k in key if k is not None}, key=str)
    codes = [names.index(key[i]) for i in rows]
    w = None if weights is None else [weights[i] for i in rows]
    return dict(
        zip(names, markers(pd.Series(decision.sums(np.array(rows), np.array(codes), len(names), column, w), dtype=object)), strict=True)
    )


@pytest.mark.parametrize(
    ("cells", "is_safe"),
    [
        ([1, 4], True),  # sum 5: 1+4, 2+3, 3+2, 4+1 all fit
        ([4, 4], False),  # sum 8: both must be 4
        ([3], False),  # one cell: the sum is the cell
        ([1, 1, 1, 1], False),  # the sum 4 is itself a small count
        ([1, 1, 1, 1, 1], False),  # sum 5 over five "<5": every one is 1
        ([2, 2, 2], True),  # sum 6: (1, 1, 4), (2, 2, 2), …
        ([1, 5], False),  # sum 6 beside a hidden cell of at least 5: the small one is 1
        ([2, 5], True),  # sum 7: 1 + 6 or 2 + 5
        ([2, 110], True),
    ],
)
def test_a_group_is_safe_only_when_its_sum_pins_no_cell_and_is_not_small(cells, is_safe):
    assert disclosure.safe(cells) is is_safe


def test_one_to_four_is_hidden_zero_and_five_are_shown():
    # one initiative, 18–25 in five districts: 0, 1, 4, 5, 120; the group {1, 4} has sum 5 and pins neither
    decision = disclosure.decide(lines_of(*[("SOF-001", d, 200, q) for d, q in zip(range(1, 6), [0, 1, 4, 5, 120], strict=True)]))
    assert young(decision) == [0, FEW, FEW, 5, 120]


def test_a_group_that_pins_a_cell_takes_the_smallest_cell_of_five_or_more_of_the_same_initiative():
    # 1 alone is its own sum; with 5 the sum 6 pins it to 1; with 120 too, the sum 126 leaves it 1–4
    decision = disclosure.decide(lines_of(("SOF-001", 1, 200, 1), ("SOF-001", 2, 200, 120), ("SOF-001", 3, 200, 5), ("BUF-001", 1, 9, 9)))
    assert young(decision) == [FEW, HIDDEN, HIDDEN, 9]


def test_two_fours_that_pin_each_other_take_a_third_cell():
    decision = disclosure.decide(lines_of(("SOF-001", 1, 50, 4), ("SOF-001", 2, 50, 4), ("SOF-001", 3, 50, 30)))
    assert young(decision) == [FEW, FEW, HIDDEN]


def test_a_sum_shows_a_group_whole_or_not_at_all_so_a_filter_and_its_complement_stay_true():
    # SOF-001: Nørrebro (3) 110, Bispebjerg (8) 2 → one group; BUF-001 Valby (5) 30
    decision = disclosure.decide(lines_of(("SOF-001", 3, 110, 110), ("SOF-001", 8, 2, 2), ("BUF-001", 5, 30, 30)))
    per_district = sums_by(decision, "participants_18_25", [3, 8, 5])
    assert per_district == {3: HIDDEN, 5: 30, 8: FEW}  # each of SOF-001's districts holds half its group
    assert sums_by(decision, "participants_18_25", ["SOF", "SOF", "BUF"]) == {"BUF": 30, "SOF": 112}  # an administration
    assert sums_by(decision, "participants_18_25", ["all", "all", "all"]) == {"all": 142}  # the city: 142 − 30 = 112, the pair
    assert sums_by(decision, "participants_18_25", [None, None, "Valby"]) == {"Valby": 30}  # the complement of SOF in Valby
    assert sums_by(decision, "participants_18_25", ["x", None, "x"]) == {"x": HIDDEN}  # Nørrebro + Valby: 140 = 110 + 30


def test_an_initiative_with_no_cell_to_spare_borrows_the_smallest_in_its_district():
    # SOF-001 reaches 3 in Nørrebro (3) only; BUF-001 8 there and 6 in Valby (5); TMF-001 50 in Nørrebro
    decision = disclosure.decide(lines_of(("SOF-001", 3, 3, 3), ("BUF-001", 3, 8, 8), ("BUF-001", 5, 6, 6), ("TMF-001", 3, 50, 50)))
    assert young(decision) == [FEW, HIDDEN, 6, 50]  # the group {3, 8}: sum 11 leaves the 3 any of 1–4
    assert sums_by(decision, "participants_18_25", [3, 3, 5, 3]) == {3: 61, 5: 6}  # Nørrebro holds the whole group
    by_initiative = sums_by(decision, "participants_18_25", ["SOF", "BUF", "BUF", "TMF"])
    assert by_initiative == {"BUF": HIDDEN, "SOF": FEW, "TMF": 50}  # SOF-001's total is its one line of 1–4


def test_deltagere_is_hidden_with_either_of_its_counts_and_the_others_never_borrow():
    # TMF-001 Valby 12 people, 10 of them 18–25: 2 others, and nothing in TMF-001's year to protect them
    decision = disclosure.decide(lines_of(("TMF-001", 5, 12, 10), ("BUF-001", None, 85, 0)))
    assert markers(decision.finest["participants"]) == [HIDDEN, 85]  # BUF-001's 85 others are not lent
    assert young(decision) == [10, 0]
    assert sums_by(decision, "participants", ["TMF", "BUF"]) == {"BUF": 85, "TMF": HIDDEN}
    assert decision.unprotected["older"].tolist() == [True]


def test_a_group_nothing_can_protect_hides_every_sum_that_holds_it():
    decision = disclosure.decide(lines_of(("SOF-001", 3, 3, 3), ("BUF-001", 5, 0, 0)))
    assert sums_by(decision, "participants_18_25", ["all", "all"]) == {"all": FEW}  # the year's only people: 3
    assert sums_by(decision, "participants_18_25", [None, "Valby"]) == {"Valby": 0}


def test_a_scenario_is_shown_only_where_it_scales_every_cell_of_a_group_alike():
    decision = disclosure.decide(lines_of(("SOF-001", 3, 3, 3), ("BUF-001", 3, 8, 8), ("TMF-001", 3, 50, 50)))
    nørrebro = [3, 3, 3]
    assert sums_by(decision, "participants_18_25", nørrebro, [1.5, 1.5, 1.0]) == {3: 66.5}  # SOF-001 and BUF-001 +50 %
    assert sums_by(decision, "participants_18_25", nørrebro, [0.0, 1.0, 1.0]) == {3: HIDDEN}  # stop SOF-001: 61 − 58 = 3
    assert sums_by(decision, "participants_18_25", nørrebro, [1.5, 1.0, 1.0]) == {3: HIDDEN}  # +50 % on SOF-001 alone
    assert sums_by(decision, "participants_18_25", nørrebro, [1.0, 1.0, 0.0]) == {3: 11}  # stop TMF-001: the group whole


def test_effect_targets_in_persons_hide_values_of_one_to_four_and_the_progress_that_would_tell_them():
    targets = pd.DataFrame(
        {
            "unit": ["personer", "%", "Personer", None],
            "baseline": [2.0, 2.0, 10.0, 3.0],
            "target": [10.0, 4.0, 20.0, 6.0],
            "actual": [6.0, 3.0, 4.0, 3.0],
            "progress": [0.5, 0.5, -0.6, 0.0],
        }
    )
    out = disclosure.effect_target_values(targets)
    assert markers(out["baseline"]) == [FEW, 2.0, 10.0, 3.0]
    assert markers(out["actual"]) == [6.0, 3.0, FEW, 3.0]
    assert markers(out["progress"]) == [HIDDEN, 0.5, HIDDEN, 0.0]  # 2 + 0,5 × 8 = 6 would tell the 2


def test_true_sum_reads_the_true_total_the_query_kept():
    frame = pd.DataFrame({"n": pd.Series([110.0, fmt.Hidden(FEW)], dtype=object), "n_true_sum": [112, 112]})
    assert disclosure.true_sum(frame, "n") == 112
    assert disclosure.true_sum(frame.drop(columns="n_true_sum"), "n") == 110  # without it: the shown cells only
