"""Real-world files: the mistakes and oddities analysts' workbooks and CSV exports actually have."""

from __future__ import annotations

import re
import zipfile

import duckdb
import pytest

from pipelines.load import load_portfolio
from pipelines.problems import InputRejected
from tests.conftest import small_portfolio, write_csv_folder, write_xlsx


def problems(source, tmp_path) -> list[str]:
    with pytest.raises(InputRejected) as rejected:
        load_portfolio(source, tmp_path / "afvist.duckdb")
    return [str(p) for p in rejected.value.problems]


def budget_rows(source, tmp_path):
    db = tmp_path / "ok.duckdb"
    load_portfolio(source, db)
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT initiative_id, district_id, budget_kr FROM budget ORDER BY source_row").fetchall()


@pytest.mark.parametrize(
    ("sheet", "contract_header", "typed_header"),
    [("budget", "forbrug_kr", "forbrug"), ("aktivitet", "bydel", "bydelsnavn"), ("aktivitet", "heraf_18_25", "heraf 18-25 år")],
)
def test_misspelled_optional_header_is_refused_not_silently_dropped(tmp_path, sheet, contract_header, typed_header):
    sheets = small_portfolio()
    sheets[sheet] = sheets[sheet].rename(columns={contract_header: typed_header})
    found = problems(write_csv_folder(sheets, tmp_path / "csv"), tmp_path)
    assert (
        f"{sheet}, række 1, {typed_header}: kolonnen findes ikke i kontrakten, men ligner '{contract_header}'. Omdøb den til '{contract_header}', så dens tal kommer med."
        in found
    )


def test_missing_id_column_gives_one_message_at_the_real_header_row(tmp_path):
    import openpyxl

    sheets = small_portfolio()
    sheets["indsatser"] = sheets["indsatser"].rename(columns={"indsats_id": "ID"})
    path = write_xlsx(sheets, tmp_path / "uden_id.xlsx")
    book = openpyxl.load_workbook(path)
    book["indsatser"].insert_rows(1, amount=2)
    book["indsatser"]["A1"] = "Oversigt over indsatser"
    book.save(path)
    found = problems(path, tmp_path)
    assert found == ["indsatser, række 3, indsats_id: kolonnen mangler i overskriftsrækken."]


def test_workbook_with_a_wrong_used_range_is_read_in_full(tmp_path):
    path = write_xlsx(small_portfolio(), tmp_path / "eksporteret.xlsx")
    patched = tmp_path / "forkert_dimension.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:B2"', data)
            target.writestr(item, data)
    assert len(budget_rows(patched, tmp_path)) == 4


def test_thousands_dots_in_a_comma_separated_file_are_thousands(tmp_path):
    sheets = small_portfolio()
    sheets["budget"]["budget_kr"] = ["250.000", "500.000", "2.000.000", "750.000"]
    rows = budget_rows(write_csv_folder(sheets, tmp_path / "csv", sep=","), tmp_path)
    assert [r[2] for r in rows] == [250_000, 500_000, 2_000_000, 750_000]


def test_old_mac_line_endings_and_utf16_tab_text_load(tmp_path):
    folder = write_csv_folder(small_portfolio(), tmp_path / "csv")
    budget = folder / "budget.csv"
    budget.write_bytes(budget.read_bytes().replace(b"\r\n", b"\r").replace(b"\n", b"\r"))
    activity = folder / "aktivitet.csv"
    activity.write_bytes(activity.read_text(encoding="utf-8-sig").replace(";", "\t").encode("utf-16"))
    assert len(budget_rows(folder, tmp_path)) == 4


def test_a_header_only_workbook_is_refused_instead_of_emptying_the_portfolio(tmp_path):
    sheets = {name: frame.head(0) for name, frame in small_portfolio().items()}
    found = problems(write_xlsx(sheets, tmp_path / "tom.xlsx"), tmp_path)
    assert "indsatser: arket 'indsatser' har ingen rækker med data under overskriften." in found
    assert "budget: arket 'budget' har ingen rækker med data under overskriften." in found


def test_absurd_counts_are_refused_before_they_overflow(tmp_path):
    sheets = small_portfolio()
    sheets["aktivitet"].loc[0, ["deltagere", "heraf_18_25"]] = ["99999999999999999999", "0"]
    found = problems(write_csv_folder(sheets, tmp_path / "csv"), tmp_path)
    assert any(p.startswith("aktivitet, række 2, deltagere: ") and "urealistisk stort" in p for p in found), found


def test_ids_match_regardless_of_case_and_unknown_ids_get_a_suggestion(tmp_path):
    sheets = small_portfolio()
    sheets["budget"].loc[0, "indsats_id"] = "sof-001"
    sheets["budget"].loc[1, "indsats_id"] = "SOF-01"
    found = problems(write_csv_folder(sheets, tmp_path / "csv"), tmp_path)
    assert found == ["budget, række 3, indsats_id: 'SOF-01' findes ikke i arket 'indsatser'. Mente du 'SOF-001'?"]


def test_ids_differing_only_in_case_are_duplicates(tmp_path):
    sheets = small_portfolio()
    sheets["indsatser"].loc[1, "indsats_id"] = "sof-001"
    found = problems(write_csv_folder(sheets, tmp_path / "csv"), tmp_path)
    assert any(p.startswith("indsatser, række 3, indsats_id: 'sof-001' står i mere end én række") for p in found), found


def test_messages_quote_the_cell_as_typed(tmp_path):
    sheets = small_portfolio()
    sheets["budget"].loc[0, "aar"] = "2010,5"
    sheets["indsatser"].loc[0, "alder_min"] = "18-25"
    found = problems(write_csv_folder(sheets, tmp_path / "csv"), tmp_path)
    assert "budget, række 2, aar: '2010,5' skal være et helt tal." in found
    assert "indsatser, række 2, alder_min: '18-25' er ikke et tal. Skriv et helt tal, fx 25." in found


def test_duplicate_header_is_refused(tmp_path):
    sheets = small_portfolio()
    budget = sheets["budget"].copy()
    budget.insert(len(budget.columns), "kopi", budget["budget_kr"])
    sheets["budget"] = budget.set_axis([*budget.columns[:-1], "budget_kr"], axis=1)
    found = problems(write_csv_folder(sheets, tmp_path / "csv"), tmp_path)
    assert "budget, række 1, budget_kr: kolonnen står mere end én gang i overskriftsrækken." in found


def test_a_bad_goal_mark_is_reported_once(tmp_path):
    sheets = small_portfolio()
    sheets["indsatser"].loc[1, "maal_tidlig_indsats"] = "✓"
    found = problems(write_csv_folder(sheets, tmp_path / "csv"), tmp_path)
    assert [p for p in found if "række 3" in p] == [
        "indsatser, række 3, maal_tidlig_indsats: '✓' er ikke en gyldig markering. Skriv x (eller ja/1) eller lad feltet stå tomt."
    ]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Tingbjerg", "'Tingbjerg' er ikke en bydel. Tingbjerg ligger i bydelen Brønshøj-Husum; skriv 'Brønshøj-Husum'."),
        ("Nordvest", "'Nordvest' er ikke en bydel. Nordvest ligger i bydelen Bispebjerg; skriv 'Bispebjerg'."),
        ("Hele byn", "ukendt bydel 'Hele byn'. Mente du 'Hele byen'?"),
    ],
)
def test_neighbourhoods_and_near_misses_get_the_right_district(tmp_path, typed, message):
    sheets = small_portfolio()
    sheets["budget"].loc[0, "bydel"] = typed
    assert f"budget, række 2, bydel: {message}" in problems(write_csv_folder(sheets, tmp_path / "csv"), tmp_path)


@pytest.mark.parametrize("typed", ["Hele København", "Alle bydele", "hele kommunen"])
def test_city_wide_spellings_are_city_wide(tmp_path, typed):
    sheets = small_portfolio()
    sheets["budget"].loc[0, "bydel"] = typed
    assert budget_rows(write_csv_folder(sheets, tmp_path / "csv"), tmp_path)[0][1] is None
