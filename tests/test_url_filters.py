"""Filters live in the URL: a copied link opens the same view; the reset button clears them."""

from __future__ import annotations

import pytest

from tests.apptest_helpers import open_app


@pytest.fixture(autouse=True)
def sample_database(sample_db, monkeypatch):
    monkeypatch.setenv("SIKKERBY_DB", str(sample_db))


def chosen(at) -> dict:
    return {
        "year": at.selectbox(key="filter_year").value,
        "districts": at.multiselect(key="filter_districts").value,
        "administrations": at.multiselect(key="filter_administrations").value,
        "focus_areas": at.multiselect(key="filter_focus_areas").value,
        "goals": at.multiselect(key="filter_goals").value,
        "statuses": at.multiselect(key="filter_statuses").value,
    }


def test_filters_round_trip_through_the_url():
    at = open_app()
    at.selectbox(key="filter_year").select(2010).run()
    at.multiselect(key="filter_districts").select(3).select(8).run()
    at.multiselect(key="filter_administrations").select("SOF").run()
    at.multiselect(key="filter_focus_areas").select(4).run()
    at.multiselect(key="filter_goals").select(3).run()
    at.multiselect(key="filter_statuses").select("ny").run()
    url = {key: at.query_params[key] for key in at.query_params}
    assert url == {"aar": "2010", "bydel": ["3", "8"], "forvaltning": "SOF", "omraade": "4", "maal": "3", "status": "ny"}

    reopened = open_app("overview", url)
    assert chosen(reopened) == chosen(at)
    assert chosen(reopened)["districts"] == [3, 8]


def test_unknown_url_values_are_ignored():
    at = open_app("overview", {"aar": "1850", "bydel": ["3", "Atlantis"], "status": "maaske"})
    assert chosen(at)["year"] == 2013
    assert chosen(at)["districts"] == [3]
    assert chosen(at)["statuses"] == []


def test_reset_returns_to_defaults_and_clears_the_url():
    at = open_app("overview", {"aar": "2009", "bydel": "3", "forvaltning": "BUF"})
    next(b for b in at.sidebar.button if b.label == "Nulstil filtre").click().run()
    assert chosen(at) == {"year": 2013, "districts": [], "administrations": [], "focus_areas": [], "goals": [], "statuses": []}
    assert dict(at.query_params) == {}
