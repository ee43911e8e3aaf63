"""Issue 18: a plain CSV folder is read, checked and shaped in DuckDB (`pipelines.plain_csv`), the rest the full way.

Two promises are tested. A folder `plain_csv` reads gives exactly the tables the full way gives (every row,
every value, the Excel row numbers). And a folder it must not read (another encoding, a title row, a
cell to trim, any broken rule) makes it answer None, so the full way names the problems: a wrong line in
one of its checks makes a broken file load here instead of being refused with a message.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pipelines import plain_csv
from pipelines.load import load_portfolio, read_validate_and_shape
from pipelines.problems import InputRejected
from sikkerby import vocabulary as vocab
from tests.conftest import small_portfolio, write_csv_folder


def records(table) -> list[dict]:
    """Rows as plain Python values, NaN and <NA> as None, from an Arrow table or a DataFrame."""
    rows = table.astype(object).to_dict("records") if isinstance(table, pd.DataFrame) else table.to_pylist()
    return [{k: None if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else v for k, v in row.items()} for row in rows]


def both_ways(folder) -> tuple[dict[str, list[dict]], dict[str, list[dict]]]:
    """The portfolio tables of a folder read by `plain_csv` and by the full way."""
    plain = plain_csv.portfolio_tables(folder)
    assert plain is not None, "plain_csv left a plain folder to the full reader"
    full, files = read_validate_and_shape(folder)
    assert sorted(plain.source_files) == sorted(files)
    return {n: records(t) for n, t in plain.tables.items()}, {n: records(t) for n, t in full.items()}


def edited(**changes) -> dict[str, pd.DataFrame]:
    """The small portfolio with cells changed: `sheet=[(row index, column, text), ...]`."""
    sheets = small_portfolio()
    for sheet, cells in changes.items():
        for row, column, text in cells:
            sheets[sheet].loc[row, column] = text
    return sheets


def test_the_small_portfolio_reads_the_same_both_ways_with_each_value_as_typed(tmp_path):
    plain, full = both_ways(write_csv_folder(small_portfolio(), tmp_path / "csv"))
    assert plain == full
    # Worked out from the fixture: BUF's full name is read as its code, 'Hele byen' and an empty cell are city-wide.
    assert [(r["initiative_id"], r["administration_code"], r["goal_count"], r["targets_18_25"]) for r in plain["initiative"]] == [
        ("SOF-001", "SOF", 2, True),
        ("BUF-001", "BUF", 1, False),
        ("TMF-001", "TMF", 2, False),
    ]
    assert [(r["district_id"], r["budget_kr"], r["funding_source"], r["source_row"]) for r in plain["budget"]] == [
        (3, 1234567.5, "kommune", 2),
        (8, 500000.0, "satspulje", 3),
        (None, 2000000.0, "kommune", 4),
        (None, 750000.25, "andet", 5),
    ]
    assert [(r["initiative_id"], r["goal_id"]) for r in plain["initiative_goal"]] == [
        ("SOF-001", 1),
        ("SOF-001", 3),
        ("BUF-001", 2),
        ("TMF-001", 1),
        ("TMF-001", 4),
    ]


@pytest.mark.parametrize(
    ("sep", "encoding", "line_end"),
    [(";", "utf-8-sig", "\n"), (",", "utf-8", "\n"), (";", "utf-8", "\r\n"), ("\t", "utf-8-sig", "\r\n"), (";", "cp1252", "\r\n")],
    ids=["semikolon-bom", "komma", "crlf", "tabulator", "dansk-excel-windows-1252"],
)
def test_delimiters_byte_order_marks_and_line_endings_read_the_same_both_ways(tmp_path, sep, encoding, line_end):
    folder = tmp_path / "csv"
    folder.mkdir()
    for name, frame in small_portfolio().items():
        frame.to_csv(folder / f"{name}.csv", sep=sep, index=False, encoding=encoding, lineterminator=line_end)
    plain, full = both_ways(folder)
    assert plain == full
    assert len(plain["budget"]) == 4
    assert plain["initiative"][1]["administration_code"] == "BUF"  # "Børne- og Ungdomsforvaltningen", ø and all
    assert plain["budget"][0]["district_id"] == 3  # Nørrebro


def test_spellings_the_contract_allows_read_the_same_both_ways(tmp_path):
    sheets = edited(
        indsatser=[
            (0, "maal_tryghed", "X"),
            (0, "maal_exit", "ja"),
            (1, "maal_tidlig_indsats", "1"),
            (0, "forvaltning", "Socialforvaltningen"),
            (0, "status", "Ny"),
            (2, "evidens", ""),
            (0, "navn", 'Væresteder; "18-25"\nmed linjeskift'),
            (1, "alder_min", "17"),
            (1, "alder_max", "17"),
        ],
        budget=[(0, "bydel", "Norrebro"), (1, "bydel", "BISPEBJERG"), (0, "aar", "2000"), (3, "aar", "2100"), (3, "budget_kr", "0")],
        aktivitet=[(0, "heraf_18_25", "120"), (1, "bydel", "Hele byen")],
    )
    plain, full = both_ways(write_csv_folder(sheets, tmp_path / "csv"))
    assert plain == full
    sof, buf, tmf = plain["initiative"]
    assert (sof["name"], sof["status"], tmf["evidence"], buf["age_min"], buf["age_max"]) == (
        'Væresteder; "18-25"\nmed linjeskift',
        "ny",
        "ukendt",
        17,
        17,
    )
    assert [r["district_id"] for r in plain["budget"]] == [3, 8, None, None]
    assert plain["activity"][0]["participants_18_25"] == plain["activity"][0]["participants"] == 120


@pytest.mark.parametrize(("age_max", "aimed"), [(41, True), (42, False)], ids=["en tredjedel", "under en tredjedel"])
def test_an_age_range_with_exactly_a_third_in_18_25_is_aimed_at_them_both_ways(tmp_path, age_max, aimed):
    """18–41 has 8 of its 24 years in 18–25: exactly a third, which counts; 18–42 has 8 of 25, which does not."""
    sheets = edited(indsatser=[(1, "alder_min", "18"), (1, "alder_max", str(age_max))])
    plain, full = both_ways(write_csv_folder(sheets, tmp_path / "csv"))
    assert plain == full
    assert plain["initiative"][1]["targets_18_25"] is aimed


def test_danish_numbers_read_the_same_both_ways(tmp_path):
    sheets = edited(
        budget=[
            (0, "budget_kr", "1.234.567,5"),
            (1, "budget_kr", "500000,05"),
            (2, "budget_kr", "2.000.000"),
            (3, "budget_kr", "750.000,25"),
        ]
    )
    plain, full = both_ways(write_csv_folder(sheets, tmp_path / "csv"))
    assert plain == full
    assert [r["budget_kr"] for r in plain["budget"]] == [1234567.5, 500000.05, 2000000.0, 750000.25]


def test_a_decimal_point_elsewhere_in_the_column_makes_0_125_a_decimal_both_ways(tmp_path):
    """`0.125` is 125 the Danish way; `1900000.5` in the same column shows a decimal point, so it is 0,125."""
    sheets = edited(budget=[(1, "forbrug_kr", "0.125"), (2, "forbrug_kr", "1900000.5")])
    plain, full = both_ways(write_csv_folder(sheets, tmp_path / "csv"))
    assert plain == full
    assert [r["spent_kr"] for r in plain["budget"]] == [1000000.0, 0.125, 1900000.5, None]


@pytest.mark.parametrize("separator", [".", ","], ids=["punktum", "komma"])
def test_many_amounts_with_decimals_are_read_in_duckdb_the_same_as_the_full_way(tmp_path, monkeypatch, separator):
    """3.000 budget lines, each its own amount with øre: more distinct texts than are read one by one, so DuckDB casts them."""
    monkeypatch.setattr(plain_csv, "MAX_READ_ONE_BY_ONE", 100)
    districts = ["", *(d.name for d in vocab.DISTRICTS)]
    keys = [
        (year, district, source) for year in range(2000, 2101) for district in districts for source in ("kommune", "satspulje", "andet")
    ]
    lines = [
        ["SOF-001", str(year), district, f"{i}{separator}{i % 100:02d}", f"7{separator}5", source]
        for i, (year, district, source) in enumerate(keys[:3000])
    ]
    sheets = small_portfolio()
    sheets["budget"] = pd.DataFrame(lines, columns=sheets["budget"].columns)
    plain, full = both_ways(write_csv_folder(sheets, tmp_path / "csv"))
    assert plain == full
    assert (plain["budget"][2345]["budget_kr"], plain["budget"][2345]["spent_kr"]) == (2345.45, 7.5)


def test_a_row_of_empty_fields_is_skipped_and_the_next_row_keeps_its_excel_number(tmp_path):
    folder = write_csv_folder(small_portfolio(), tmp_path / "csv")
    budget = folder / "budget.csv"
    lines = budget.read_text(encoding="utf-8-sig").splitlines()
    budget.write_text("\n".join([*lines[:3], ";;;;;", *lines[3:]]) + "\n", encoding="utf-8")
    plain, full = both_ways(folder)
    assert plain == full
    assert [r["source_row"] for r in plain["budget"]] == [2, 3, 5, 6]


def test_without_effect_targets_and_optional_columns_the_defaults_are_the_same_both_ways(tmp_path):
    sheets = small_portfolio()
    del sheets["effektmaal"]
    sheets["indsatser"] = sheets["indsatser"].drop(columns=["karakter", "goeres_mindre_af", "begrundelse", "evidens"])
    sheets["budget"] = sheets["budget"].drop(columns=["forbrug_kr", "kilde"])
    sheets["aktivitet"] = sheets["aktivitet"].drop(columns=["heraf_18_25", "pladser"])
    plain, full = both_ways(write_csv_folder(sheets, tmp_path / "csv"))
    assert plain == full
    assert plain["effect_target"] == []
    assert {r["funding_source"] for r in plain["budget"]} == {"kommune"}
    assert {r["evidence"] for r in plain["initiative"]} == {"ukendt"}


def test_the_sample_scaled_three_times_reads_the_same_both_ways(tmp_path):
    from scripts.scale_sample import scaled_sheets

    plain, full = both_ways(write_csv_folder(scaled_sheets(3), tmp_path / "csv"))
    assert plain == full
    assert len(plain["initiative"]) == 3 * 93


# Each breaks one thing plain_csv must leave to the full reader; the ones marked refused break the contract.
NOT_PLAIN = {
    "alder_min over alder_max": (dict(indsatser=[(1, "alder_min", "18"), (1, "alder_max", "17")]), True),
    "no goal marked": (dict(indsatser=[(1, "maal_tidlig_indsats", "")]), True),
    "heraf_18_25 over deltagere": (dict(aktivitet=[(0, "heraf_18_25", "121")]), True),
    "required cell empty": (dict(indsatser=[(2, "maalgruppe", "")]), True),
    "year below the range": (dict(budget=[(0, "aar", "1999")]), True),
    "year above the range": (dict(budget=[(0, "aar", "2101")]), True),
    "negative amount": (dict(budget=[(0, "budget_kr", "-1")]), True),
    "decimal in a whole column": (dict(aktivitet=[(0, "deltagere", "120.5")]), True),
    "effect too close to 0": (dict(effektmaal=[(0, "aktuel", "0.0000001")]), True),
    "unknown id": (dict(budget=[(0, "indsats_id", "SOF-002")]), True),
    "unknown id in effect targets": (dict(effektmaal=[(0, "indsats_id", "SOF-002")]), True),
    "id twice, case aside": (dict(indsatser=[(2, "indsats_id", "sof-001")], budget=[(3, "indsats_id", "sof-001")]), True),
    "repeated budget line": (dict(budget=[(1, "bydel", "Nørrebro"), (1, "kilde", "kommune")]), True),
    "repeated activity line": (dict(aktivitet=[(1, "indsats_id", "SOF-001"), (1, "bydel", "Nørrebro")]), True),
    "unknown district": (dict(budget=[(0, "bydel", "Nordvest")]), True),
    "unknown status": (dict(indsatser=[(0, "status", "måske")]), True),
    "ambiguous number": (dict(budget=[(2, "budget_kr", "1.711")]), True),
    "id spelled in another case": (dict(budget=[(0, "indsats_id", "sof-001")]), False),
    "space around a text": (dict(indsatser=[(0, "navn", " Væresteder")]), False),
    "id with a dash that is no hyphen": (dict(indsatser=[(0, "indsats_id", "SOF\u2013001")], budget=[], aktivitet=[]), False),
}


@pytest.mark.parametrize(("changes", "refused"), list(NOT_PLAIN.values()), ids=list(NOT_PLAIN))
def test_what_plain_csv_cannot_vouch_for_goes_to_the_full_reader(tmp_path, changes, refused):
    folder = write_csv_folder(edited(**changes), tmp_path / "csv")
    assert plain_csv.portfolio_tables(folder) is None
    if refused:
        with pytest.raises(InputRejected):
            load_portfolio(folder, tmp_path / "db.duckdb")
    else:
        assert load_portfolio(folder, tmp_path / "db.duckdb").row_counts["budget"] == 4


@pytest.mark.parametrize(
    "damage",
    [
        "byte windows-1252 leaves undefined",
        "broken utf-8 after a bom",
        "title row",
        "blank line",
        "unknown column",
        "short row",
        "old mac line ends",
        "only the header",
    ],
)
def test_files_that_need_the_full_reader_are_left_to_it(tmp_path, damage):
    folder = write_csv_folder(small_portfolio(), tmp_path / "csv")
    budget = folder / "budget.csv"
    text = budget.read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    if damage == "byte windows-1252 leaves undefined":
        budget.write_bytes(text.replace("Bispebjerg", "Bispebjerg\x81").encode("latin-1"))
    elif damage == "broken utf-8 after a bom":
        budget.write_bytes(b"\xef\xbb\xbf" + text.replace("Bispebjerg", "Bispebjerg\xff").encode("latin-1"))
    elif damage == "title row":
        budget.write_text("Budget 2010-2011\n" + text, encoding="utf-8")
    elif damage == "blank line":
        budget.write_text("\n".join([*lines[:2], "", *lines[2:]]) + "\n", encoding="utf-8")
    elif damage == "unknown column":
        budget.write_text("\n".join(line + (";note" if i == 0 else ";x") for i, line in enumerate(lines)) + "\n", encoding="utf-8")
    elif damage == "short row":
        budget.write_text("\n".join([*lines[:2], "SOF-001;2010", *lines[3:]]) + "\n", encoding="utf-8")
    elif damage == "old mac line ends":
        budget.write_text("\r".join(lines) + "\r", encoding="utf-8")
    else:
        budget.write_text(lines[0] + "\n", encoding="utf-8")
    assert plain_csv.portfolio_tables(folder) is None


def test_a_folder_without_a_required_file_is_left_to_the_full_reader(tmp_path):
    folder = write_csv_folder(small_portfolio(), tmp_path / "csv")
    (folder / "aktivitet.csv").unlink()
    assert plain_csv.portfolio_tables(folder) is None
    with pytest.raises(InputRejected) as refused:
        load_portfolio(folder, tmp_path / "db.duckdb")
    assert "filen 'aktivitet.csv' mangler i mappen." in str(refused.value.problems)


def test_a_plain_folder_loads_to_the_same_database_both_ways(tmp_path, monkeypatch):
    """The whole load, store included: every table of the database equal, whichever way the folder was read."""
    import duckdb

    folder = write_csv_folder(small_portfolio(), tmp_path / "csv")
    fast = load_portfolio(folder, tmp_path / "fast.duckdb")
    monkeypatch.setattr(plain_csv, "portfolio_tables", lambda folder: None)
    full = load_portfolio(folder, tmp_path / "full.duckdb")
    assert fast.row_counts == full.row_counts and fast.budget_by_year == full.budget_by_year == {2010: 3734567.5, 2011: 750000.25}
    for table in ("initiative", "initiative_goal", "budget", "activity", "effect_target"):
        with (
            duckdb.connect(str(tmp_path / "fast.duckdb"), read_only=True) as a,
            duckdb.connect(str(tmp_path / "full.duckdb"), read_only=True) as b,
        ):
            assert a.sql(f"SELECT * FROM {table} ORDER BY ALL").fetchall() == b.sql(f"SELECT * FROM {table} ORDER BY ALL").fetchall(), table


@pytest.mark.parametrize(("limit", "plain"), [(4, False), (5, True)], ids=["fire-rækker-mod-grænsen-4", "grænsen-5"])
def test_a_sheet_with_as_many_rows_as_the_reader_takes_is_left_to_the_full_reader(tmp_path, monkeypatch, limit, plain):
    """The full reader refuses a sheet of `MAX_ROWS` rows or more with its message; budget.csv has 4."""
    monkeypatch.setattr(plain_csv, "MAX_ROWS", limit)
    folder = write_csv_folder(small_portfolio(), tmp_path / "csv")
    assert (plain_csv.portfolio_tables(folder) is not None) is plain


@pytest.mark.parametrize(("limit", "plain"), [(29, False), (30, True)], ids=["grænsen-29", "grænsen-30"])
def test_a_sheet_with_more_fields_than_the_reader_takes_is_left_to_the_full_reader(tmp_path, monkeypatch, limit, plain):
    """budget.csv: a header and 4 rows of 6 fields, 30 fields; the full reader refuses more than `MAX_FIELDS`.

    indsatser.csv has one initiative in 13 columns (26 fields), aktivitet.csv one line (12 fields).
    """
    from pipelines import bounded

    monkeypatch.setattr(bounded, "MAX_FIELDS", limit)
    sheets = small_portfolio()
    required = [c for c in sheets["indsatser"].columns if c not in ("karakter", "goeres_mindre_af", "begrundelse", "evidens")]
    sheets["indsatser"] = sheets["indsatser"][required].iloc[:1]
    sheets["budget"]["indsats_id"] = "SOF-001"
    sheets["budget"].loc[2, "aar"] = "2011"
    sheets["aktivitet"] = sheets["aktivitet"].iloc[:1]
    del sheets["effektmaal"]
    folder = write_csv_folder(sheets, tmp_path / "csv")
    assert (plain_csv.portfolio_tables(folder) is not None) is plain
