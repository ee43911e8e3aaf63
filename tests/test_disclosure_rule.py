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


@pytest.mark.parametrize(
    ("cells", "is_safe"),
    [
        ([3, 4], True),  # sum 7: 3 + 4 or 4 + 3 — two values each, just enough
        ([3, 4, 4], True),  # sum 11: the 3 can be 3 or 4 (4 + 3 + 4)
        ([5, 7], True),  # no cell of 1–4: nothing small to pin
    ],
)
def test_a_group_at_the_edge_of_safe(cells, is_safe):
    assert disclosure.safe(cells) is is_safe


def test_a_hidden_sum_reads_fewer_than_five_only_as_one_hidden_cell_of_one_to_four():
    # SOF-001: 1, 5 and 120 aged 18–25 → one group {1, 5, 120}; each line alone is a sum of one hidden cell
    decision = disclosure.decide(lines_of(("SOF-001", 1, 1, 1), ("SOF-001", 2, 5, 5), ("SOF-001", 3, 120, 120)))
    assert sums_by(decision, "participants_18_25", ["a", None, None]) == {"a": FEW}  # exactly 1
    assert sums_by(decision, "participants_18_25", [None, "b", None]) == {"b": HIDDEN}  # exactly 5: a cell hidden beside it
    assert sums_by(decision, "participants", ["a", None, None]) == {"a": FEW}
    assert sums_by(decision, "participants_18_25", ["a", "a", None]) == {"a": HIDDEN}  # two hidden cells: 6


def test_deltagere_of_a_line_whose_18_25_is_hidden_reads_as_that_one_line():
    # 3 of 3 aged 18–25 in Nørrebro (none older), 10 of 10 in Valby: deltagere 3 is one hidden line of 1–4
    decision = disclosure.decide(lines_of(("SOF-001", 3, 3, 3), ("SOF-001", 5, 10, 10)))
    assert sums_by(decision, "participants", ["x", None]) == {"x": FEW}
    assert markers(decision.finest["participants"]) == [FEW, HIDDEN]  # 10: hidden with its 18–25 count
    assert markers(decision.finest["participants_18_25"]) == [FEW, HIDDEN]


def test_a_key_with_no_line_held_sums_to_zero():
    decision = disclosure.decide(lines_of(("SOF-001", 3, 20, 20), ("BUF-001", 5, 30, 30)))
    assert sums_by(decision, "participants_18_25", ["a", "b"], [1.0, 0.0]) == {"a": 20, "b": 0}


def test_a_line_all_of_whose_people_are_18_25_has_no_others_to_hide():
    # 110 of 110 aged 18–25, and a line whose heraf 18–25 is not given (missing: none counted)
    lines = lines_of(("SOF-001", 3, 110, 110), ("SOF-001", 5, 10, 0))
    lines.loc[1, "participants_18_25"] = float("nan")
    decision = disclosure.decide(lines)
    assert markers(decision.finest["participants"]) == [110, 10]
    assert markers(decision.finest["participants_18_25"]) == [110, None]
    assert len(decision.lines) == 2 and decision.lines["initiative_id"].tolist() == ["SOF-001", "SOF-001"]


def test_a_city_wide_line_borrows_from_city_wide_lines_not_from_a_district():
    # A reaches 3 on its only line, city-wide; B 8 in Indre By (1); C 20 city-wide: A's district is "the city"
    decision = disclosure.decide(lines_of(("A", None, 3, 3), ("B", 1, 8, 8), ("C", None, 20, 20)))
    assert young(decision) == [FEW, 8, HIDDEN]


def test_finest_deltagere_of_one_and_of_five_read_as_their_marker():
    # deltagere 1 (one of them 18–25) and 5 (hidden with its 5 aged 18–25, a cell beside the 1)
    decision = disclosure.decide(lines_of(("SOF-001", 1, 1, 1), ("SOF-001", 2, 5, 5), ("SOF-001", 3, 120, 120)))
    assert markers(decision.finest["participants"]) == [FEW, HIDDEN, HIDDEN]


def test_effect_target_values_of_zero_one_four_and_five_persons():
    targets = pd.DataFrame({"unit": ["personer"] * 4, "baseline": [0.0, 1.0, 4.0, 5.0], "target": [9.0] * 4, "actual": [9.0] * 4})
    assert markers(disclosure.effect_target_values(targets)["baseline"]) == [0, FEW, FEW, 5]


def reference_groups(values: list[float], blocks: list[int]) -> tuple[set[frozenset], set[frozenset]]:
    """Rule 2 without borrowing, cell by cell as written: per block its cells of 1–4, then its smallest of 5 or more until safe."""
    groups, unprotected = set(), set()
    for block in sorted(set(blocks)):
        rows = [i for i, b in enumerate(blocks) if b == block]
        members = [i for i in rows if 0 < values[i] < 5]
        if not members:
            continue
        spares = sorted((i for i in rows if values[i] >= 5), key=lambda i: (values[i], i))
        while not disclosure.safe([values[i] for i in members]) and spares:
            members.append(spares.pop(0))
        groups.add(frozenset(members))
        if not disclosure.safe([values[i] for i in members]):
            unprotected.add(frozenset(members))
    return groups, unprotected


@pytest.mark.parametrize("seed", range(40))
def test_groups_found_at_once_are_the_groups_of_the_rule_cell_by_cell(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(4, 40))
    choices = np.array([0, 0, 1, 2, 3, 4, 5, 6, 7, 9, 12, 30, 110])
    young_counts = rng.choice(choices, n)
    lines = pd.DataFrame(
        {
            "year": rng.choice([2010, 2011, 2012], n),
            "initiative_id": rng.choice(["A", "B", "C", "D"], n),
            "district_id": np.arange(n, dtype=float),  # one line per initiative, year and district
            "participants": young_counts + rng.choice(choices, n),
            "participants_18_25": young_counts,
        }
    )
    decision = disclosure.decide(lines, borrow=())
    blocks = list(zip(lines["year"], lines["initiative_id"], strict=True))
    for atom in ("young", "older"):
        values = decision.values[atom].tolist()
        expected, expected_unprotected = reference_groups(values, [hash(b) for b in blocks])
        group = decision.group[atom]
        found = {frozenset(np.flatnonzero(group == g).tolist()) for g in set(group.tolist()) - {disclosure.SHOWN}}
        assert found == expected, (atom, seed)
        flagged = {frozenset(np.flatnonzero(group == g).tolist()) for g in np.flatnonzero(decision.unprotected[atom])}
        assert flagged == expected_unprotected, (atom, seed)


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        # {1, 5}: sum 6 pins the 1; {1, 5, 5}: 11 still does (5 + 5 + 1); {1, 5, 5, 9}: 20 leaves it 1–4
        ([1, 5, 5, 9], [FEW, HIDDEN, HIDDEN, HIDDEN]),
        ([1, 1, 1, 1, 1, 30], [FEW] * 5 + [HIDDEN]),  # five "<5" summing to 5 are all 1: the 30 joins them
        ([1, 1, 1, 2, 30], [FEW] * 4 + [30]),  # four "<5" summing to 5: each 1 or 2, safe without the 30
    ],
)
def test_an_initiative_year_takes_as_many_cells_of_five_or_more_as_it_needs(cells, expected):
    decision = disclosure.decide(lines_of(*[("SOF-001", d, 200, q) for d, q in enumerate(cells, start=1)]))
    assert young(decision) == expected


def test_hidden_deltagere_of_five_or_more_read_skjult_whatever_its_18_25_share():
    # 6 people, 5 aged 18–25 (shown), 1 older: the 1 has nothing in TMF-001's year to hide beside it
    decision = disclosure.decide(lines_of(("TMF-001", 5, 6, 5)))
    assert markers(decision.finest["participants"]) == [HIDDEN] and young(decision) == [5]


def test_missing_counts_count_as_none():
    lines = lines_of(("SOF-001", 3, 110, 110), ("SOF-001", 5, 10, 0), ("SOF-001", 8, 0, 0))
    lines.loc[1, "participants_18_25"] = float("nan")
    lines.loc[2, ["participants", "participants_18_25"]] = float("nan")
    decision = disclosure.decide(lines)
    assert markers(decision.finest["participants"]) == [110, 10, None]
    assert sums_by(decision, "participants_18_25", ["x", "x", "x"]) == {"x": 110}
    assert sums_by(decision, "participants", ["x", "x", "x"]) == {"x": 120}


def test_sums_become_a_float_column_or_objects_with_their_markers():
    index = pd.Index([3, 8])
    shown = disclosure.column_of([110.0, 2.0], index, "n")
    assert shown.dtype == float and shown.name == "n" and shown.tolist() == [110.0, 2.0]
    mixed = disclosure.column_of([110.0, fmt.Hidden(FEW)], index)
    assert mixed.dtype == object and markers(mixed) == [110.0, FEW] and mixed.index.tolist() == [3, 8]


def test_a_rate_is_hidden_where_its_count_is_and_only_there():
    count = pd.Series([110.0, fmt.Hidden(FEW), 0.0], dtype=object)
    rate = pd.Series([7.9, 0.2, 0.0])
    assert markers(disclosure.rate_of(rate, count)) == [7.9, HIDDEN, 0.0]
    assert disclosure.rate_of(rate, pd.Series([1.0, 2.0, 3.0])).tolist() == [7.9, 0.2, 0.0]


def test_hidden_cells_names_each_marker_and_leaves_shown_cells_empty():
    values = pd.Series([110.0, fmt.Hidden(FEW), fmt.Hidden(HIDDEN), float("nan")], dtype=object)
    assert [m if isinstance(m, str) else None for m in disclosure.hidden_cells(values)] == [None, FEW, HIDDEN, None]


def test_true_sum_of_an_empty_frame_is_zero_and_reads_the_first_row():
    assert disclosure.true_sum(pd.DataFrame({"n": [], "n_true_sum": []}), "n") == 0.0
    assert disclosure.true_sum(pd.DataFrame({"n": [1.0, 2.0], "n_true_sum": [7.0, 9.0]}), "n") == 7.0
    assert disclosure.true_sum(pd.DataFrame({"n": ["3", "4"]}), "n") == 7.0  # numbers read from text
