"""The running app reads the database read-only and shows new data after a load swaps the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipelines.load import load_portfolio
from tests.conftest import small_portfolio, write_csv_folder

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


@pytest.fixture
def app_on(monkeypatch):
    def start(db: Path) -> AppTest:
        monkeypatch.setenv("SIKKERBY_DB", str(db))
        return AppTest.from_file(APP, default_timeout=30).run()

    return start


def budget_metric(at: AppTest) -> str:
    return next(m.value for m in at.metric if m.label == "Budget i alt (mio. kr.)")


def test_app_shows_new_data_after_a_load(tmp_path, small_db, app_on):
    at = app_on(small_db)
    at.selectbox(key="filter_year").select(2010).run()
    assert not at.exception
    assert budget_metric(at) == "3,7"

    sheets = small_portfolio()
    sheets["budget"].loc[0, "budget_kr"] = "9000000"
    load_portfolio(write_csv_folder(sheets, tmp_path / "changed"), small_db)

    at.run()
    assert not at.exception
    assert budget_metric(at) == "11,5"


def test_app_explains_a_missing_database(tmp_path, app_on):
    at = app_on(tmp_path / "findes_ikke.duckdb")
    assert not at.exception
    assert "Databasen findes ikke" in at.error[0].value
