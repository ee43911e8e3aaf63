"""Cached query results: a large result is kept compressed and read back exactly; small ones are kept as they are."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from dashboard import result_cache
from dashboard.result_cache import Packed, cached, pack, unpack
from sikkerby.formatting import Hidden


def portfolio_like(rows: int) -> pd.DataFrame:
    """Rows like the Indsatser table's: repeated texts, amounts, people counts with a hidden one and a missing one."""
    people = [12.0, Hidden("<5"), np.nan] * (rows // 3) + [7.0] * (rows % 3)
    return pd.DataFrame(
        {
            "initiative_id": [f"SOF-{i:06d}" for i in range(rows)],
            "administration_name": ["Socialforvaltningen", "Børne- og Ungdomsforvaltningen"] * (rows // 2) + ["Teknik"] * (rows % 2),
            "budget_kr": np.arange(rows, dtype=float) * 1000.5,
            "age_min": pd.array([18, None] * (rows // 2) + [25] * (rows % 2), dtype="Int32"),
            "participants": pd.Series(people, dtype=object),
        }
    )


def test_a_large_result_is_kept_compressed_and_read_back_exactly():
    frame = portfolio_like(30_000)
    raw = len(pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL))
    assert raw > result_cache.PACK_ABOVE
    kept = pack(frame)
    assert isinstance(kept, Packed) and kept.size == raw
    assert len(kept.data) < raw / 3  # repeated texts and regular numbers compress well
    back = unpack(kept)
    assert_frame_equal(back, frame)
    hidden = back["participants"].iloc[1]
    assert isinstance(hidden, Hidden) and hidden.marker == "<5"  # the disclosure marker survives as itself, not as text


def test_a_result_of_exactly_the_limit_is_kept_as_it_is_and_one_byte_more_is_packed(monkeypatch):
    frame = portfolio_like(10)
    size = len(pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL))
    monkeypatch.setattr(result_cache, "PACK_ABOVE", size)
    assert pack(frame) is frame
    monkeypatch.setattr(result_cache, "PACK_ABOVE", size - 1)
    kept = pack(frame)
    assert isinstance(kept, Packed)
    assert_frame_equal(unpack(kept), frame)


@pytest.mark.parametrize("value", [3.5, ("a", "b"), {"x": 1}, None])
def test_small_results_of_any_kind_pass_through(value):
    assert pack(value) == value
    assert unpack(value) == value


def test_each_query_keeps_its_own_results_reads_them_from_the_cache_and_forgets_them_on_clear(monkeypatch):
    monkeypatch.setattr(result_cache, "PACK_ABOVE", 0)  # every result packed, so the packed way is the one tested
    runs: list[str] = []

    def budget(year: int) -> pd.DataFrame:
        runs.append("budget")
        return pd.DataFrame({"year": [year], "kr": [100.0]})

    def people(year: int) -> pd.DataFrame:
        runs.append("people")
        return pd.DataFrame({"year": [year], "kr": [7.0]})

    cached_budget, cached_people = cached(budget, show_spinner=False), cached(people, show_spinner=False)
    cached_budget.clear()
    cached_people.clear()
    assert cached_budget(2024)["kr"].tolist() == [100.0]
    assert cached_people(2024)["kr"].tolist() == [7.0]  # same argument, another query: its own result
    first = cached_budget(2024)
    first.loc[0, "kr"] = -1.0  # a caller that changes its copy changes no one else's
    assert cached_budget(2024)["kr"].tolist() == [100.0]
    assert runs == ["budget", "people"]  # the later reads came from the cache
    cached_budget.clear()
    assert cached_budget(2024)["kr"].tolist() == [100.0]
    assert runs == ["budget", "people", "budget"]
    assert cached_budget.__name__ == "budget"


def test_clearing_all_forgets_the_results_of_every_cached_function():
    """A replaced data version's results go, whether a query made them or a page's shared calculation did."""
    runs: list[str] = []

    def budget_year(year: int) -> int:
        runs.append("query")
        return year

    def scenario_year(year: int) -> int:
        runs.append("scenario")
        return -year

    query, scenario = cached(budget_year, show_spinner=False), cached(scenario_year, show_spinner=False)
    query.clear()
    scenario.clear()
    assert (query(2024), scenario(2024)) == (2024, -2024)
    assert (query(2024), scenario(2024)) == (2024, -2024)
    assert runs == ["query", "scenario"]  # read from the cache the second time
    result_cache.clear_all()
    assert (query(2024), scenario(2024)) == (2024, -2024)
    assert runs == ["query", "scenario", "query", "scenario"]  # both worked out again
