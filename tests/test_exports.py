"""Downloads open right in Danish Excel, hold exactly what is shown, and are safe to open."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from dashboard.export import csv_bytes, xlsx_bytes
from dashboard.filters import Filters, export_file_name
from tests.apptest_helpers import PAGES, open_app, read_danish_csv


@pytest.fixture(autouse=True)
def sample_database(sample_db, monkeypatch):
    monkeypatch.setenv("SIKKERBY_DB", str(sample_db))


def test_initiatives_csv_equals_the_filtered_table(downloads):
    at = open_app("initiatives", {"aar": "2010", "bydel": "Nørrebro"})
    name, data = downloads.get(at, "csv_initiatives")
    assert name == "indsatser_2010_Norrebro.csv"
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines()[0].startswith("Indsats;Budget (kr.);Kr./deltager;Kr./18–25-årig;Evidens")
    shown = at.dataframe[0].value.reset_index(drop=True)
    exported = read_danish_csv(data)
    assert list(exported.columns) == list(shown.columns)
    assert exported["Id"].tolist() == shown["Id"].tolist()
    assert exported["Budget (kr.)"].tolist() == pytest.approx(shown["Budget (kr.)"].tolist())


def test_chart_data_csv_uses_decimal_comma(downloads):
    at = open_app("young_adults", {"aar": "2010"})
    name, data = downloads.get(at, "csv_young_table")
    assert name == "unge_18_25_tabel_2010.csv"
    line = next(row for row in data.decode("utf-8-sig").splitlines() if row.startswith("Nørrebro;"))
    cells = line.split(";")
    assert cells[1] == "13840"
    assert "," in cells[3] and "." not in cells[3]
    shown = at.dataframe[0].value.set_index("Bydel")
    assert float(cells[3].replace(",", ".")) == pytest.approx(shown.loc["Nørrebro", "Nået pr. 1.000 unge"], abs=0.005)


def test_initiatives_xlsx_holds_the_same_rows(downloads):
    at = open_app("initiatives", {"aar": "2011", "forvaltning": "Socialforvaltningen (SOF)"})
    name, data = downloads.get(at, "xlsx_initiatives")
    assert name == "indsatser_2011_SOF.xlsx"
    workbook = pd.read_excel(io.BytesIO(data))
    assert workbook["Id"].tolist() == at.dataframe[0].value["Id"].tolist()
    assert set(workbook["Forvaltning"]) == {"Socialforvaltningen (SOF)"}


@pytest.mark.parametrize("page", ["overview", "economy", "young_adults", "goals"])
def test_every_chart_offers_its_data(page):
    at = open_app(page, {"aar": "2010"})
    charts = at.get("plotly_chart")
    chart_downloads = [b for b in at.download_button if "csv_" in b.proto.id]
    assert charts
    assert len(chart_downloads) >= len(charts)


@pytest.mark.parametrize("dangerous", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_formula_like_text_is_written_as_text(dangerous):
    frame = pd.DataFrame({"Indsats": [dangerous], "Budget (kr.)": [-1500.5]})
    rows = list(csv.reader(io.StringIO(csv_bytes(frame).decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[1] == ["'" + dangerous, "-1500,5"]  # text neutralised, numbers keep their sign
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frame, "x"))).active
    assert sheet["A2"].data_type == "s"
    assert sheet["A2"].value.strip() == dangerous.strip()


def test_whole_numbers_have_no_decimals_and_others_two():
    frame = pd.DataFrame({"Budget (kr.)": [5_345_000.0, 623.0], "Nået pr. 1.000 unge": [98.233995, None]})
    assert csv_bytes(frame).decode("utf-8-sig").splitlines()[1:] == ["5345000;98,23", "623;"]


def test_file_name_names_what_and_filters():
    names = {3: "Nørrebro", 4: "Vesterbro/Kongens Enghave"}
    assert export_file_name("indsatser", Filters(2010, districts=(3,)), names) == "indsatser_2010_Norrebro.csv"
    assert (
        export_file_name("budget_pr_bydel", Filters(2012, districts=(3, 4), administrations=("ØKF",), statuses=("ny",)), names, "xlsx")
        == "budget_pr_bydel_2012_Norrebro-VesterbroKongensEnghave_OKF_ny.xlsx"
    )


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("query", [{"aar": "2010"}, {"aar": "2010", "bydel": "Nørrebro"}])
def test_every_chart_and_table_has_its_own_csv(page, query):
    at = open_app(page, query)
    charts = [c.proto.id.rsplit("-chart_", 1)[-1] for c in at.get("plotly_chart")]
    csv_keys = [b.proto.id.rsplit("-csv_", 1)[-1] for b in at.download_button if "-csv_" in b.proto.id]
    assert len(csv_keys) == len(set(csv_keys)), "two downloads share a key"
    assert all(chart in csv_keys for chart in charts), (charts, csv_keys)
    # A picker (Scenarier: click a row to choose an initiative) is a control, not a table of figures: its rows are
    # the Indsatser page's, which exports them. Every other table has its own CSV.
    tables = [d for d in at.dataframe if d.key not in PICKERS]
    assert len(csv_keys) == len(charts) + len(tables), (charts, csv_keys, len(tables))


PICKERS = {"scenario_row_pick"}


def test_no_export_of_a_large_table_is_built_until_it_is_asked_for(sample_db, monkeypatch, downloads):
    from dashboard import export, layout

    monkeypatch.setenv("SIKKERBY_DB", str(sample_db))
    monkeypatch.setattr(layout, "BUILT_ON_CLICK_ROWS", 0)  # every table counts as large here
    built = []
    for name in ("csv_bytes", "xlsx_bytes"):
        original = getattr(export, name)
        monkeypatch.setattr(export, name, lambda *args, _original=original, _name=name: built.append(_name) or _original(*args))
    at = open_app("initiatives")
    assert len(at.download_button) >= 3 and built == []  # a table, a chart and the workbook offered, nothing built
    downloads.get(at, "xlsx_initiatives")
    assert built == ["xlsx_bytes"]  # only what was clicked
