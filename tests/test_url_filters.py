"""Filters live in the URL with Danish names: a copied link opens the same view; the reset button clears them.

Streamlit's own binding writes the URL from the browser, so writing is checked in tests/test_browser.py;
here the app is opened from a URL, as a copied link opens it.
"""

from __future__ import annotations

import pytest

from tests.apptest_helpers import open_app


@pytest.fixture(autouse=True)
def sample_database(sample_db, monkeypatch):
    monkeypatch.setenv("SIKKERBY_DB", str(sample_db))


def chosen(at) -> dict:
    return {
        "year": at.selectbox(key="aar").value,
        "districts": at.multiselect(key="bydel").value,
        "administrations": at.multiselect(key="forvaltning").value,
        "focus_areas": at.multiselect(key="omraade").value,
        "goals": at.multiselect(key="maal").value,
        "statuses": at.multiselect(key="status").value,
    }


def test_a_link_with_danish_names_opens_that_view():
    at = open_app(
        "overview",
        {
            "aar": "2010",
            "bydel": ["Nørrebro", "Bispebjerg"],
            "forvaltning": "Socialforvaltningen (SOF)",
            "omraade": "Socialt udsatte unge over 18 år",
            "maal": "Kriminalitetsexit",
            "status": "Ny",
        },
    )
    assert chosen(at) == {
        "year": 2010,
        "districts": [3, 8],
        "administrations": ["SOF"],
        "focus_areas": [4],
        "goals": [3],
        "statuses": ["ny"],
    }


def test_unknown_url_values_are_ignored():
    at = open_app("overview", {"aar": "1850", "bydel": ["Nørrebro", "Atlantis"], "status": "maaske"})
    assert chosen(at)["year"] == 2013
    assert chosen(at)["districts"] == [3]
    assert chosen(at)["statuses"] == []


def test_reset_returns_every_filter_to_its_default():
    at = open_app("overview", {"aar": "2009", "bydel": "Nørrebro", "forvaltning": "Børne- og Ungdomsforvaltningen (BUF)"})
    assert chosen(at)["administrations"] == ["BUF"]
    next(b for b in at.sidebar.button if b.label == "Nulstil filtre").click().run()
    assert chosen(at) == {"year": 2013, "districts": [], "administrations": [], "focus_areas": [], "goals": [], "statuses": []}
