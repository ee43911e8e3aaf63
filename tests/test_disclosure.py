"""Disclosure control: people counts of 1–4 read "<5", and nothing shown lets a reader work one out.

First the rule itself (`dashboard.disclosure.suppress`) on frames typed in by hand, then how hidden
figures are written (formatting, tables, CSV, xlsx).
"""

from __future__ import annotations

import io
import pickle

import openpyxl
import pandas as pd

from dashboard import disclosure, tables
from dashboard.export import csv_bytes, xlsx_bytes
from sikkerby import formatting as fmt

FEW, HIDDEN = "<5", "skjult"


def markers(values: pd.Series) -> list:
    """The column as a reader sees its cells: the marker of a hidden cell, else the number (None when missing)."""
    return [v.marker if fmt.is_hidden(v) else None if pd.isna(v) else v for v in values]


# --- The rule ---------------------------------------------------------------------------------


def test_one_to_four_reads_fewer_than_five_zero_and_five_stay():
    frame = pd.DataFrame({"n": [0, 1, 4, 5, 120]})
    assert markers(disclosure.suppress(frame, ["n"])["n"]) == [0, FEW, FEW, 5, 120]


def test_a_column_with_nothing_hidden_keeps_its_dtype():
    frame = pd.DataFrame({"n": [0, 5, 120]})
    assert disclosure.suppress(frame, ["n"])["n"].dtype == "int64"


def test_a_rate_of_a_hidden_count_is_hidden_with_it():
    # 3 of 8.339 residents is 0,36 per 1.000: with the residents shown, the rate would give the 3 back
    frame = pd.DataFrame({"n": [3, 50, 0], "per_1000": [3000 / 8339, 50000 / 8339, 0.0]})
    out = disclosure.suppress(frame, ["n"], rates={"per_1000": "n"})
    assert markers(out["n"]) == [FEW, 50, 0]
    assert markers(out["per_1000"]) == [HIDDEN, 50000 / 8339, 0.0]


def test_a_difference_of_one_to_four_hides_the_whole_not_the_part():
    # 12 people, 10 of them 18–25: 2 are older. 120 and 110 differ by 10, and stay.
    frame = pd.DataFrame({"participants": [12, 120], "young": [10, 110], "kr_per_participant": [1000.0, 100.0]})
    out = disclosure.suppress(
        frame, ["participants", "young"], parts={"young": "participants"}, rates={"kr_per_participant": "participants"}
    )
    assert markers(out["participants"]) == [HIDDEN, 120]
    assert markers(out["young"]) == [10, 110]  # the 18–25 figure stays visible
    assert markers(out["kr_per_participant"]) == [HIDDEN, 100.0]  # budget / 12 would give the 12 back


def test_one_hidden_cell_beside_a_shown_total_hides_the_next_smallest_non_zero_cell():
    # Districts: 110, 2, 10, 0; the city's total 122 is shown. Alone, the hidden 2 would be 122 − 110 − 10 − 0.
    # The next smallest non-zero cell is 10 (not 0, not 110): then 2 + 10 = 12 with "<5" 1–4 and "skjult" ≥ 5.
    frame = pd.DataFrame({"n": [110, 2, 10, 0]})
    assert markers(disclosure.suppress(frame, ["n"], totals=["n"])["n"]) == [110, FEW, HIDDEN, 0]


def test_a_second_hidden_cell_that_still_gives_the_first_away_brings_a_third():
    # 1 + 5 = 6 = 106 − 100: "<5" is at least 1 and "skjult" at least 5, so 6 means 1 and 5. Hiding 100 too:
    # the three hidden cells sum to 106, and the first can be 1–4.
    frame = pd.DataFrame({"n": [1, 5, 100]})
    assert markers(disclosure.suppress(frame, ["n"], totals=["n"])["n"]) == [FEW, HIDDEN, HIDDEN]


def test_two_small_cells_whose_sum_pins_both_bring_a_third():
    # 1 + 1 = 2 with each at least 1: both are 1. With 50 hidden too, 52 = "<5" + "<5" + "skjult" (≥ 5): each small one can be 1–4.
    frame = pd.DataFrame({"n": [1, 1, 50]})
    assert markers(disclosure.suppress(frame, ["n"], totals=["n"])["n"]) == [FEW, FEW, HIDDEN]


def test_with_no_other_non_zero_cell_a_zero_is_hidden():
    # 2 is the only non-zero district: the total 2 would give it away; a hidden 0 leaves 1 or 2.
    frame = pd.DataFrame({"n": [2, 0, 0]})
    assert markers(disclosure.suppress(frame, ["n"], totals=["n"])["n"]) == [FEW, HIDDEN, 0]


def test_totals_apply_per_group():
    # An initiative's history: 2010 Nørrebro 120 and Bispebjerg 3 (total 123 in the Indsatser table); 2011 only 40.
    frame = pd.DataFrame({"year": [2010, 2010, 2011], "n": [120, 3, 40]})
    assert markers(disclosure.suppress(frame, ["n"], totals=["n"], groups=["year"])["n"]) == [HIDDEN, FEW, 40]


def test_a_hidden_part_is_at_most_its_whole():
    # Row 1: 7 people, 2 aged 18–25 ("<5"). 18–25 total 112 = 110 + 2: with 110 shown, hide it too (skjult).
    frame = pd.DataFrame({"participants": [120, 7], "young": [110, 2]})
    out = disclosure.suppress(frame, ["participants", "young"], parts={"young": "participants"}, totals=["young"])
    assert markers(out["young"]) == [HIDDEN, FEW]
    assert markers(out["participants"]) == [120, 7]  # 7 − "<5" is 3–6 older ones: not one value


def test_cells_a_finer_table_hides_are_hidden_beforehand():
    frame = pd.DataFrame({"n": [110, 12, 0]})
    out = disclosure.suppress(frame, ["n"], also={"n": pd.Series([True, False, False])})
    assert markers(out["n"]) == [HIDDEN, 12, 0]


def test_a_sum_over_some_of_a_groups_hidden_cells_is_partly_covered():
    # SOF-001 2010: Nørrebro skjult, Bispebjerg "<5"; BUF-001: city-wide, nothing hidden.
    pattern = pd.DataFrame(
        {
            "initiative_id": ["SOF-001", "SOF-001", "BUF-001"],
            "district_id": [3, 8, None],
            "n": pd.Series([fmt.Hidden(HIDDEN), fmt.Hidden(FEW), 85.0], dtype=object),
        }
    )
    covered = disclosure.partly_covered(pattern, "n", "initiative_id", pattern["district_id"].isin([3]))
    assert covered.to_dict() == {"BUF-001": False, "SOF-001": True}  # Nørrebro's sum alone would be the hidden 120
    covered = disclosure.partly_covered(pattern, "n", "initiative_id", pattern["district_id"].isin([3, 8]))
    assert covered.to_dict() == {"BUF-001": False, "SOF-001": False}  # both: the row total, shown anyway


def test_true_sum_reads_the_true_total_the_query_kept():
    frame = pd.DataFrame({"n": pd.Series([110.0, fmt.Hidden(FEW)], dtype=object), "n_true_sum": [112, 112]})
    assert disclosure.true_sum(frame, "n") == 112
    assert disclosure.true_sum(frame.drop(columns="n_true_sum"), "n") == 110  # without it: the shown cells only


# --- How a hidden figure is written -------------------------------------------------------------


def test_every_formatter_writes_the_marker():
    hidden = fmt.Hidden(FEW)
    for formatter in (fmt.number, fmt.kr, fmt.mio_kr, fmt.mio, fmt.percent, fmt.per_thousand, fmt.trimmed, fmt.year, fmt.text):
        assert formatter(hidden) == FEW
    assert fmt.signed_change(fmt.Hidden(HIDDEN)) == HIDDEN
    assert fmt.number(float("nan")) == fmt.MISSING  # a missing value is still a dash


def test_a_hidden_figure_is_missing_to_pandas_and_survives_the_cache():
    values = pd.Series([110.0, fmt.Hidden(FEW), 0.0], dtype=object)
    assert values.sum() == 110
    assert values.isna().tolist() == [False, True, False]
    assert pickle.loads(pickle.dumps(values))[1].marker == FEW
    assert fmt.column(values, fmt.number).tolist() == ["110", FEW, "0"]


def test_a_table_shows_the_marker_and_formats_the_rest_as_numbers():
    frame = pd.DataFrame(
        {
            "Nået 18–25 år (personer)": pd.Series([1234.0, fmt.Hidden(FEW), None], dtype=object),
            "Kr./deltager": pd.Series([1500.0, fmt.Hidden(HIDDEN), 10.0], dtype=object),
        }
    )
    shown = tables.styled(frame).hide(axis="index").to_string(delimiter=";").splitlines()
    assert shown[1:] == ["1.234;1.500 kr.", "<5;skjult", "–;10 kr."]  # a hidden figure is NaN to pandas, yet never "–"


def test_csv_and_xlsx_write_the_marker_and_keep_numbers_numeric():
    frame = pd.DataFrame(
        {"Bydel": ["Nørrebro", "Bispebjerg", "Valby"], "Nået pr. 1.000 unge": pd.Series([7.947977, fmt.Hidden(HIDDEN), 0.0], dtype=object)}
    )
    assert csv_bytes(frame).decode("utf-8-sig").splitlines() == [
        "Bydel;Nået pr. 1.000 unge",
        "Nørrebro;7,95",
        "Bispebjerg;skjult",
        "Valby;0,0",
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frame, "x"))).active
    assert [sheet["B2"].value, sheet["B3"].value, sheet["B4"].value] == [7.95, HIDDEN, 0]
    assert sheet["B3"].data_type == "s" and sheet["B2"].data_type == "n"
