"""Values that pass the contract never crash a page: zero budgets, zero denominators, huge and tiny numbers."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard import analysis, tables
from sikkerby import formatting as fmt
from tests.apptest_helpers import PAGES, chart_titles, open_app, shown_cells
from tests.conftest import small_portfolio


@pytest.fixture
def zero_budget_db(app_on_portfolio):
    """The small portfolio with every 2010 budget line at 0 kr. (activity unchanged)."""
    sheets = small_portfolio()
    sheets["budget"]["budget_kr"] = "0"
    sheets["budget"]["forbrug_kr"] = ""
    return app_on_portfolio(sheets, "zero")


@pytest.mark.parametrize("page", list(PAGES))
def test_a_year_whose_budget_lines_are_all_zero_renders_every_page(zero_budget_db, page):
    at = open_app(page, {"aar": "2010"})  # open_app asserts there is no exception
    shown = " ".join([i.value for i in at.info] + [m.value for m in at.markdown] + list(chart_titles(at).values()))
    assert "inf" not in shown and "nan" not in shown.lower().replace("finans", "")
    if page in ("overview", "economy", "goals"):
        assert any("Ingen data" in i.value for i in at.info), [i.value for i in at.info]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1e29, "100.000.000.000.000.000.000.000.000.000 kr."),
        (float("inf"), "–"),
        (float("-inf"), "–"),
        (float("nan"), "–"),
        (None, "–"),
        (2.5, "3 kr."),  # half up, as in Danish accounting
        (1234567.5, "1.234.568 kr."),
    ],
)
def test_any_number_formats_as_danish_kroner(value, expected):
    assert fmt.kr(value) == expected


def test_shares_and_percent_never_show_infinity():
    assert analysis.share(5, 0) is None
    assert fmt.percent(analysis.share(5, 0)) == "–"
    assert fmt.percent(math.inf) == "–"
    assert fmt.per_thousand(math.nan) == "–"


def test_years_never_get_a_thousands_separator():
    frame = pd.DataFrame({"Målår": [2013], "År": [2010], "Befolkningsår": [2015], "Budget (kr.)": [1234.0]})
    assert shown_cells(tables.styled(frame)).values.tolist() == [["2013", "2010", "2015", "1.234 kr."]]


def effect(baseline, target, actual, unit="%"):
    frame = pd.DataFrame(
        {
            "initiative": ["A"],
            "indicator": ["utrygge"],
            "unit": [unit],
            "year": [2014],
            "baseline": [baseline],
            "target": [target],
            "actual": [actual],
        }
    )
    return analysis.effect_target_progress(frame).iloc[0]


def test_effect_values_keep_their_decimals():
    row = effect(11.0, 7.1, 6.45)
    assert row["detail"] == "Udgangspunkt 11 % → mål 7,1 % (2014) · seneste 6,45 %"
    assert row["status"] == "Nået"


def test_a_value_shown_equal_to_the_target_is_reached_not_on_the_way():
    row = effect(11.0, 6.6, 6.6000001)  # shown as 6,6 next to a target of 6,6
    assert row["status"] == "Nået"


def test_target_equal_to_baseline_means_holding_the_level():
    assert effect(5.0, 5.0, 5.0)["status"] == "Nået"
    assert effect(5.0, 5.0, 4.0)["status"] == "Bagud"


def test_a_tiny_or_huge_effect_span_gives_a_bounded_progress():
    row = effect(0.0, 1e-6, 1.0)  # progress 1.000.000 times the target
    assert row["progress"] == analysis.PROGRESS_LIMIT
    assert row["status"] == "Nået"
