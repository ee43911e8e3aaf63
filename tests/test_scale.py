"""Every page renders with a portfolio past the old limits (issue 10): 30.690 initiatives, the sample copied 330 times.

Pandas' Styler refused tables of more than 262.144 cells; the Indsatser table passed it at about
235×. Long tables are now shown a page at a time, sorted on the server. Speed is measured in
`make bench`, never here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.load import load_portfolio
from tests.apptest_helpers import PAGES, failures, open_app

PROJECT_DIR = Path(__file__).resolve().parent.parent
COPIES = 330  # × 93 sample initiatives = 30.690


@pytest.fixture(scope="module")
def big_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("big")
    subprocess.run([sys.executable, "scripts/scale_sample.py", str(COPIES), str(folder / "csv")], cwd=PROJECT_DIR, check=True)
    db = folder / "big.duckdb"
    load_portfolio(folder / "csv", db)
    return db


@pytest.fixture(autouse=True)
def on_big_db(big_db, monkeypatch):
    monkeypatch.setenv("SIKKERBY_DB", str(big_db))


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_past_the_old_table_limit(page):
    at = open_app(page)
    assert not failures(at)


def test_the_initiatives_table_shows_a_page_of_all_rows_sorted_on_the_server():
    at = open_app("initiatives")
    assert any(c.value.startswith("Viser række 1–100 af 30.690.") for c in at.caption)
    shown = next(d.value for d in at.dataframe if "Indsats" in d.value.columns)
    assert len(shown) == 100

    at.selectbox(key="table_initiatives_sort").set_value("Budget (kr.)")
    next(s for s in at.get("button_group") if s.proto.id.endswith("table_initiatives_order")).set_value("Mindst først")
    at.number_input(key="table_initiatives_page").set_value(2).run()
    assert not failures(at)
    assert any(c.value.startswith("Viser række 101–200 af 30.690.") for c in at.caption)
    budgets = next(d.value for d in at.dataframe if "Indsats" in d.value.columns)["Budget (kr.)"]
    assert budgets.is_monotonic_increasing  # sorted across all rows, smallest first, and this is the second page


def test_the_scenario_page_searches_a_long_year_instead_of_sending_every_initiative():
    at = open_app("scenarios")
    assert len(at.selectbox(key="scenario_change_initiative").options) == 300  # the largest budgets, not 30.690
    assert any("Skriv mere af navnet" in c.value for c in at.caption)
    at.text_input(key="scenario_change_search").input("kort snor (317)").run()
    assert not failures(at)
    (only,) = at.selectbox(key="scenario_change_initiative").options
    assert only.startswith("Kort Snor (317) (BUF-001-317) · ")


def test_the_detail_picker_offers_the_first_300_and_a_search_narrows_it():
    at = open_app("initiatives")
    assert len(at.selectbox(key="initiative_detail").options) == 300
    assert any(c.value.startswith("Listen har de første 300 af 30.690 indsatser.") for c in at.caption)
    at.text_input(key="initiative_search").input("BUF-001-317").run()
    assert at.selectbox(key="initiative_detail").options == ["Kort Snor (317) (BUF-001-317)"]


def test_a_long_list_on_indsatsomraader_shows_ten_rows_and_all_of_them_when_asked():
    at = open_app("focus_areas")
    caption = next(c.value for c in at.caption if c.value.startswith("Viser 10 af "))
    assert caption.endswith("rækker (længst fra målet først). Alle rækker står under 'Vis alle' og i CSV-filen.")
    targets = next(d.value for d in at.dataframe if "Indikator" in d.value.columns)
    assert len(targets) == 10
    total = int(caption.removeprefix("Viser 10 af ").split(" ")[0].replace(".", ""))
    at.session_state["open_area_1_targets"] = True  # a click on 'Vis alle' under the open area's effect targets
    at.run()
    assert not failures(at)
    assert any(c.value.startswith(f"Viser række 1–100 af {total:,}.".replace(",", ".")) for c in at.caption)
