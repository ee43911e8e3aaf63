"""Careless input is refused (or read as what Excel shows), never read as something else (issue 15 §3)."""

from __future__ import annotations

import functools
import tempfile
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from pipelines.load import load_portfolio
from pipelines.problems import InputRejected, Problem
from tests.conftest import small_portfolio, write_csv_folder, write_xlsx

ALL_DISTRICTS = "Indre By, Østerbro, Nørrebro, Vesterbro/Kongens Enghave, Valby, Vanløse, Brønshøj-Husum, Bispebjerg, Amager Øst, Amager Vest, Hele byen"
OPEN_AND_SAVE = "Åbn og gem projektmappen i Excel"


@functools.cache
def small_portfolio_database() -> bytes:
    """The bytes of a database with the small portfolio loaded, made by one real load per test process."""
    with tempfile.TemporaryDirectory() as folder:
        db = load_portfolio(write_csv_folder(small_portfolio(), Path(folder) / "csv"), Path(folder) / "small.duckdb").db_path
        return db.read_bytes()


def refused(source: Path, tmp_path: Path) -> list[Problem]:
    """Load `source` over (a copy of) the small portfolio, expect a refusal, and check the database kept its bytes."""
    db = tmp_path / "loaded.duckdb"
    if not db.exists():
        db.write_bytes(small_portfolio_database())
    before = db.read_bytes()
    with pytest.raises(InputRejected) as rejected:
        load_portfolio(source, db)
    assert db.read_bytes() == before
    return rejected.value.problems


def lines(problems: list[Problem]) -> list[str]:
    return [str(p) for p in problems]


def loaded(source: Path, tmp_path: Path, sql: str, *more: str) -> list[tuple] | list[list[tuple]]:
    """Load `source` into a fresh database and return the rows of one query (of each query, when more are given)."""
    db = tmp_path / "ok.duckdb"
    load_portfolio(source, db)
    with duckdb.connect(str(db), read_only=True) as con:
        rows = [con.execute(query).fetchall() for query in (sql, *more)]
    return rows if more else rows[0]


BUDGET_ROWS = "SELECT initiative_id, year, district_id, budget_kr, spent_kr, funding_source FROM budget ORDER BY source_row"


def csv_folder(tmp_path: Path, sheets: dict[str, pd.DataFrame], **replace: str) -> Path:
    """Write the sheets as semicolon CSV files, then overwrite some files with hand-written text."""
    folder = write_csv_folder(sheets, tmp_path / "csv")
    for name, text in replace.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def edited_workbook(path: Path, edit, sheets: dict[str, pd.DataFrame] | None = None) -> Path:
    """Write the (small) portfolio as a workbook, let `edit` change it in openpyxl, and save it."""
    write_xlsx(sheets or small_portfolio(), path)
    book = openpyxl.load_workbook(path)
    edit(book)
    book.save(path)
    return path


def rezipped(path: Path, patches: dict[str, list[tuple[bytes, bytes]]]) -> Path:
    """Rewrite parts of the workbook's XML as another program might have written them (each patch must apply)."""
    out = path.with_name("patched_" + path.name)
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            for old, new in patches.get(item.filename, []):
                assert old in data, (item.filename, old)
                data = data.replace(old, new)
            target.writestr(item, data)
    return out


# --- 1. A district cell is a district, empty or 'Hele byen': nothing else -----------------------------------------


@pytest.mark.parametrize("sheet", ["budget", "aktivitet"])
@pytest.mark.parametrize("typed", ["?", "—", "-", "–", ".", "...", "*", "#", "/", "(tom)", "n/a", "-?-"])
def test_punctuation_as_district_is_refused_not_city_wide(tmp_path, sheet, typed):
    sheets = small_portfolio()
    sheets[sheet].loc[1, "bydel"] = typed  # Excel row 3
    found = lines(refused(write_csv_folder(sheets, tmp_path / "csv"), tmp_path))
    assert [line for line in found if line.startswith(f"{sheet}, række 3, bydel:")] == [
        f"{sheet}, række 3, bydel: ukendt bydel '{typed}'. Gyldige værdier: {ALL_DISTRICTS}."
    ], found


def test_punctuation_as_district_in_a_workbook_is_refused(tmp_path):
    sheets = small_portfolio()
    sheets["budget"].loc[2, "bydel"] = "?"  # Excel row 4, BUF-001
    found = lines(refused(write_xlsx(sheets, tmp_path / "spm.xlsx"), tmp_path))
    assert found == [f"budget, række 4, bydel: ukendt bydel '?'. Gyldige værdier: {ALL_DISTRICTS}."]


@pytest.mark.parametrize("typed", ["", "   ", "\u00a0", "\u200b", "Hele byen", " hele BYEN ", "Hele  Byen", "HELE BYEN\u200b"])
def test_empty_cell_and_hele_byen_are_city_wide(tmp_path, typed):
    sheets = small_portfolio()
    sheets["budget"].loc[0, "bydel"] = typed
    assert loaded(write_csv_folder(sheets, tmp_path / "csv"), tmp_path, BUDGET_ROWS)[0][2] is None


# --- 2. Merged cells in the table --------------------------------------------------------------------------------

UNMERGE = "Ophæv fletningen af cellerne {ref} i Excel, og skriv værdien i hver celle."


def test_merged_district_cells_are_refused_naming_the_range(tmp_path):
    sheets = small_portfolio()
    sheets["budget"].loc[2, "bydel"] = "Bispebjerg"  # rows 3 and 4 both say Bispebjerg; merged, row 4 holds nothing
    workbook = edited_workbook(tmp_path / "flettet.xlsx", lambda book: book["budget"].merge_cells("C3:C4"), sheets)
    found = refused(workbook, tmp_path)
    assert lines(found) == [
        "budget, række 3, bydel: cellerne C3:C4 er flettet sammen. Excel viser værdien fra C3 i dem alle, men den står kun i C3; "
        "de andre celler er tomme. " + UNMERGE.format(ref="C3:C4")
    ]


@pytest.mark.parametrize(
    ("sheet", "ref", "row", "column"),
    [("aktivitet", "A2:A3", 2, "indsats_id"), ("budget", "A5:F5", 5, "indsats_id"), ("budget", "D1:E1", 1, "budget_kr")],
    ids=["id-down", "whole-row", "header"],
)
def test_any_merge_reaching_the_table_is_refused(tmp_path, sheet, ref, row, column):
    found = refused(edited_workbook(tmp_path / "flettet.xlsx", lambda book: book[sheet].merge_cells(ref)), tmp_path)
    assert [p.message for p in found if p.message.startswith(f"cellerne {ref} ")] == [
        f"cellerne {ref} er flettet sammen. Excel viser værdien fra {ref.split(':')[0]} i dem alle, men den står kun i "
        f"{ref.split(':')[0]}; de andre celler er tomme. " + UNMERGE.format(ref=ref)
    ]
    assert [(p.sheet, p.row, p.column) for p in found if ref in p.message] == [(sheet, row, column)]


def test_merged_title_above_the_header_and_a_merged_note_beside_the_table_load(tmp_path):
    def edit(book):
        budget = book["budget"]
        budget.insert_rows(1, amount=2)
        budget["A1"] = "Budget for Sikker By"
        budget.merge_cells("A1:F2")  # a title across the table's width, above the header in row 3
        budget["H4"] = "Bemærk: 2011 er foreløbigt"
        budget.merge_cells("H4:J6")  # a note beside the table

    rows = loaded(edited_workbook(tmp_path / "titel.xlsx", edit), tmp_path, BUDGET_ROWS)
    assert rows == [
        ("SOF-001", 2010, 3, 1234567.5, 1000000.0, "kommune"),
        ("SOF-001", 2010, 8, 500000.0, None, "satspulje"),
        ("BUF-001", 2010, None, 2000000.0, 1900000.0, "kommune"),
        ("TMF-001", 2011, None, 750000.25, None, "andet"),
    ]


def with_merged_ranges(tmp_path: Path, count: int) -> Path:
    """The small portfolio with `count` merged ranges K20:L20, K21:L21, … in effektmaal (the fourth sheet).

    Written into the sheet's XML as Excel stores them: openpyxl's merge_cells took 47 s for 10.001.
    """
    merged = b"".join(b'<mergeCell ref="K%d:L%d"/>' % (row, row) for row in range(20, 20 + count))
    workbook = write_xlsx(small_portfolio(), tmp_path / "mange.xlsx")
    ranges = b'</sheetData><mergeCells count="%d">' % count + merged + b"</mergeCells>"
    return rezipped(workbook, {"xl/worksheets/sheet4.xml": [(b"</sheetData>", ranges)]})


def test_ten_thousand_merged_ranges_are_still_read(tmp_path):
    db = tmp_path / "ti_tusind.duckdb"
    load_portfolio(with_merged_ranges(tmp_path, 10_000), db)  # exactly the limit: loaded, not refused
    assert db.exists()


def test_very_many_merged_ranges_are_refused(tmp_path):
    found = lines(refused(with_merged_ranges(tmp_path, 10_001), tmp_path))
    assert found == [
        "effektmaal: arket har mere end 10.000 flettede celleområder. Ophæv fletningen af cellerne i Excel "
        "(marker arket, og vælg Flet og centrer > Ophæv fletning af celler), og gem projektmappen igen."
    ]


# --- 3. Formulas whose saved value cannot be trusted --------------------------------------------------------------

RECALCULATE = (b'<calcPr calcId="124519" fullCalcOnLoad="1" />', b'<calcPr calcId="124519" fullCalcOnLoad="1"/>')


def formula_workbook(tmp_path: Path, saved: bytes, calc: bytes) -> Path:
    """The small portfolio with budget D3 (budget_kr) and E4 (forbrug_kr) as formulas holding `saved`, under `calc`."""

    def edit(book):
        book["budget"]["D3"] = "=1000+1"
        book["budget"]["E4"] = "=D4-100000"

    workbook = edited_workbook(tmp_path / "formler.xlsx", edit)
    return rezipped(
        workbook,
        {
            "xl/workbook.xml": [(RECALCULATE[0], calc)],
            "xl/worksheets/sheet2.xml": [
                (b"<f>1000+1</f><v />", b"<f>1000+1</f><v>" + saved + b"</v>"),
                (b"<f>D4-100000</f><v />", b"<f>D4-100000</f><v>" + saved + b"</v>"),
            ],
        },
    )


def test_formulas_in_a_workbook_excel_must_recalculate_are_refused(tmp_path):
    # As XlsxWriter writes them: every formula saved as 0, and Excel told to calculate all on opening.
    found = lines(refused(formula_workbook(tmp_path, b"0", RECALCULATE[1]), tmp_path))
    untrusted = (
        "men projektmappen er gemt af et program, der ikke har regnet formlerne ud (den beder Excel regne dem om, når den "
        f"åbnes), så den gemte værdi '0' kan være forkert. {OPEN_AND_SAVE}, så formlernes resultater bliver gemt."
    )
    assert found == [
        f"budget, række 3, budget_kr: cellen indeholder en formel (=1000+1), {untrusted}",
        f"budget, række 4, forbrug_kr: cellen indeholder en formel (=D4-100000), {untrusted}",
    ]


def test_formulas_saved_by_excel_load_their_saved_values(tmp_path):
    rows = loaded(formula_workbook(tmp_path, b"1001", b'<calcPr calcId="191029"/>'), tmp_path, BUDGET_ROWS)
    assert [row[3:5] for row in rows] == [(1234567.5, 1000000.0), (1001.0, None), (2000000.0, 1001.0), (750000.25, None)]


def test_a_formula_outside_the_contracts_columns_does_not_stop_a_recalculated_workbook(tmp_path):
    def edit(book):
        book["budget"]["H1"] = "note"
        book["budget"]["H2"] = "=D2*2"  # a helper column the pipeline does not read

    rows = loaded(edited_workbook(tmp_path / "hjaelp.xlsx", edit), tmp_path, BUDGET_ROWS)
    assert rows[0] == ("SOF-001", 2010, 3, 1234567.5, 1000000.0, "kommune")


def test_formula_without_saved_value_still_says_open_and_save_in_excel(tmp_path):
    found = refused(edited_workbook(tmp_path / "ny.xlsx", lambda book: book["aktivitet"].__setitem__("D2", "=100+20")), tmp_path)
    assert lines(found) == [
        "aktivitet, række 2, deltagere: cellen indeholder en formel (=100+20) uden gemt værdi – åbn og gem projektmappen i Excel, "
        "så formlens resultat bliver gemt."
    ]


def test_cells_showing_an_excel_error_are_refused_not_read_as_text(tmp_path):
    def edit(book):
        book["indsatser"]["B2"] = "=Z99"  # navn
        book["budget"]["C3"] = "=Z99"  # bydel
        book["budget"]["D4"] = "=1/0"  # budget_kr

    saved = b'<calcPr calcId="191029"/>'
    workbook = rezipped(
        edited_workbook(tmp_path / "fejl.xlsx", edit),
        {
            "xl/workbook.xml": [(RECALCULATE[0], saved)],
            "xl/worksheets/sheet1.xml": [(b'<c r="B2"><f>Z99</f><v /></c>', b'<c r="B2" t="e"><f>Z99</f><v>#REF!</v></c>')],
            "xl/worksheets/sheet2.xml": [
                (b'<c r="C3"><f>Z99</f><v /></c>', b'<c r="C3" t="e"><f>Z99</f><v>#N/A</v></c>'),
                (b'<c r="D4"><f>1/0</f><v /></c>', b'<c r="D4" t="e"><f>1/0</f><v>#DIV/0!</v></c>'),
            ],
        },
    )
    fix = "i stedet for en værdi. Ret formlen eller værdien i Excel, og gem projektmappen igen."
    assert lines(refused(workbook, tmp_path)) == [
        f"indsatser, række 2, navn: cellen viser Excel-fejlen #REF! {fix}",
        f"budget, række 3, bydel: cellen viser Excel-fejlen #N/A {fix}",
        f"budget, række 4, budget_kr: cellen viser Excel-fejlen #DIV/0! {fix}",
    ]


# --- 4. CSV rows with more fields than the header -----------------------------------------------------------------

COMMA_BUDGET = (
    "indsats_id,aar,bydel,budget_kr,forbrug_kr,kilde\n"
    "SOF-001,2010,Nørrebro,1234567.5,1000000,kommune\n"
    "SOF-001,2010,Bispebjerg,500000,50,,satspulje\n"  # `500000,50` meant half a million and fifty øre
    "BUF-001,2010,Hele byen,2000000,1900000,\n"
    "TMF-001,2011,,750000.25,,andet\n"
)
COMMA_HINT = (
    'Et tal med decimalkomma (fx 1000000,50) i en kommasepareret fil skal stå i anførselstegn ("1000000,50"), '
    "eller filen skal gemmes med semikolon (;) som skilletegn. Står der noget til højre for tabellen, så slet det."
)


def test_a_comma_file_row_with_an_extra_field_is_refused(tmp_path):
    found = lines(refused(csv_folder(tmp_path, small_portfolio(), budget=COMMA_BUDGET), tmp_path))
    assert found == [f"budget, række 3: rækken har 7 felter, men overskriften har 6. {COMMA_HINT}"]


def test_an_extra_field_under_a_blank_trailing_header_field_is_refused(tmp_path):
    # Excel writes a trailing comma on every line when some row is wider: each line has 7 fields, the header 6 names
    text = (
        "indsats_id,aar,bydel,budget_kr,forbrug_kr,kilde,\n"
        "SOF-001,2010,Nørrebro,1234567.5,1000000,kommune,\n"
        "SOF-001,2010,Bispebjerg,500000,50,,satspulje\n"
        "BUF-001,2010,Hele byen,2000000,1900000,,\n"
        "TMF-001,2011,,750000.25,,andet,\n"
    )
    found = lines(refused(csv_folder(tmp_path, small_portfolio(), budget=text), tmp_path))
    assert found == [f"budget, række 3: rækken har 7 felter, men overskriften har 6. {COMMA_HINT}"]


def test_an_extra_field_below_a_title_is_refused_at_its_excel_row(tmp_path):
    text = (
        "Aktivitet 2010;;;\n"
        "indsats_id;aar;bydel;deltagere;heraf_18_25;pladser\n"
        'SOF-001;2010;"Nørre\nbro";120;110;40\n'  # a quoted cell over two lines is one Excel row
        "BUF-001;2010;;85;0;;7\n"
    )
    found = lines(refused(csv_folder(tmp_path, small_portfolio(), aktivitet=text), tmp_path))
    assert (
        "aktivitet, række 4: rækken har 7 felter, men overskriften har 6. Står der et skilletegn (;) i en tekst, "
        "skal teksten stå i anførselstegn. Står der noget til højre for tabellen, så slet det."
    ) in found


@pytest.mark.parametrize("tail", [";", ";;;", "; ;\u00a0"])
def test_blank_trailing_fields_still_load(tmp_path, tail):
    text = "indsats_id;aar;bydel;deltagere;heraf_18_25;pladser\nSOF-001;2010;Nørrebro;120;110;40" + tail + "\nBUF-001;2010;;85;0;\n"
    rows = loaded(csv_folder(tmp_path, small_portfolio(), aktivitet=text), tmp_path, "SELECT participants FROM activity ORDER BY 1")
    assert rows == [(85,), (120,)]


def test_a_workbook_cell_beside_the_table_still_loads(tmp_path):
    rows = loaded(edited_workbook(tmp_path / "ved.xlsx", lambda book: book["budget"].__setitem__("H3", "50")), tmp_path, BUDGET_ROWS)
    assert rows[1] == ("SOF-001", 2010, 8, 500000.0, None, "satspulje")


# --- 5. Invisible characters and look-alike letters -------------------------------------------------------------

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad", "\u2060", "\u202e"]  # format characters nobody sees


@pytest.mark.parametrize("invisible", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_ids_differing_only_by_an_invisible_character_are_one_id(tmp_path, invisible):
    sheets = small_portfolio()
    extra = sheets["indsatser"].iloc[[0]].assign(indsats_id=f"SOF-{invisible}001", navn="Kopi")
    sheets["indsatser"] = pd.concat([sheets["indsatser"], extra], ignore_index=True)  # Excel row 5
    found = lines(refused(write_csv_folder(sheets, tmp_path / "csv"), tmp_path))
    assert [line for line in found if "række 5" in line] == [
        "indsatser, række 5, indsats_id: 'SOF-001' står i mere end én række (store og små bogstaver tæller ikke); "
        "hvert indsats_id skal være unikt."
    ]


@pytest.mark.parametrize("invisible", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_an_id_with_an_invisible_character_joins_its_initiative(tmp_path, invisible):
    sheets = small_portfolio()
    sheets["budget"].loc[0, "indsats_id"] = f"SOF{invisible}-001"
    sheets["aktivitet"].loc[1, "indsats_id"] = f"{invisible}BUF-001{invisible}"
    sheets["effektmaal"].loc[0, "indsats_id"] = f"SOF-0{invisible}01"
    source = write_csv_folder(sheets, tmp_path / "csv")
    budget, activity, effects = loaded(
        source,
        tmp_path,
        "SELECT initiative_id FROM budget ORDER BY source_row",
        "SELECT initiative_id FROM activity ORDER BY source_row",
        "SELECT initiative_id FROM effect_target",
    )
    assert budget[0] == ("SOF-001",)
    assert activity == [("SOF-001",), ("BUF-001",)]
    assert effects == [("SOF-001",)]


def test_full_width_letters_in_an_id_are_the_plain_letters(tmp_path):
    sheets = small_portfolio()
    sheets["budget"].loc[3, "indsats_id"] = "ＴＭＦ－００１"
    assert loaded(write_csv_folder(sheets, tmp_path / "csv"), tmp_path, BUDGET_ROWS)[3][0] == "TMF-001"


@pytest.mark.parametrize(
    ("typed", "character", "position", "script"),
    [
        ("\u0422MF-001", "\u0422", 1, "kyrillisk"),  # Cyrillic Te
        ("TMF-00\u04301", "\u0430", 7, "kyrillisk"),  # not a digit, but a Cyrillic a; still nobody sees it
        ("T\u039cF-001", "\u039c", 2, "græsk"),  # Greek Mu
        ("TM\u0421-001", "\u0421", 3, "kyrillisk"),  # Cyrillic Es
    ],
)
def test_look_alike_letters_in_an_id_are_refused(tmp_path, typed, character, position, script):
    sheets = small_portfolio()
    extra = sheets["indsatser"].iloc[[2]].assign(indsats_id=typed, navn="Tryghedsbelysning 2")
    sheets["indsatser"] = pd.concat([sheets["indsatser"], extra], ignore_index=True)  # row 5: looks like TMF-001 in row 4
    sheets["budget"].loc[3, "indsats_id"] = typed  # budget row 5
    found = lines(refused(write_csv_folder(sheets, tmp_path / "csv"), tmp_path))
    message = (
        f"'{typed}' indeholder tegnet '{character}' (tegn nr. {position}), som er et {script} bogstav og ikke et latinsk, "
        "selv om det kan ligne et. Skriv id'et igen med latinske bogstaver og almindelige tal."
    )
    assert f"indsatser, række 5, indsats_id: {message}" in found
    assert f"budget, række 5, indsats_id: {message}" in found


@pytest.mark.parametrize(
    ("typed", "character", "code"),
    [("SOF\u00b7001", "\u00b7", "U+00B7"), ("SOF-001\u2800", "\u2800", "U+2800"), ("SOF\u2219001", "\u2219", "U+2219")],
)
def test_other_unusual_characters_in_an_id_are_refused(tmp_path, typed, character, code):
    sheets = small_portfolio()
    sheets["budget"].loc[0, "indsats_id"] = typed
    found = lines(refused(write_csv_folder(sheets, tmp_path / "csv"), tmp_path))
    assert [line for line in found if line.startswith("budget, række 2, indsats_id: ")] == [
        f"budget, række 2, indsats_id: '{typed}' indeholder tegnet '{character}' ({code}), som ikke hører hjemme i et id. "
        "Skriv id'et igen med latinske bogstaver, tal, mellemrum og almindelige tegn som - og /."
    ]


def test_danish_letters_in_an_id_are_fine(tmp_path):
    sheets = small_portfolio()
    for name in ("indsatser", "budget"):
        sheets[name]["indsats_id"] = sheets[name]["indsats_id"].replace({"TMF-001": "ØKF-Å/1"})
    assert loaded(write_csv_folder(sheets, tmp_path / "csv"), tmp_path, BUDGET_ROWS)[3][0] == "ØKF-Å/1"


def test_invisible_characters_in_choices_marks_numbers_and_units_are_ignored(tmp_path):
    sheets = small_portfolio()
    sheets["indsatser"].loc[1, "status"] = "eksisterende\u200b"
    sheets["indsatser"].loc[1, "finansiering"] = "\ufefffinansieret"
    sheets["indsatser"].loc[1, "maal_tidlig_indsats"] = "x\u200b"
    sheets["indsatser"].loc[1, "forvaltning"] = "BUF\u00ad"
    sheets["budget"].loc[0, "bydel"] = "Nør\u200brebro"
    sheets["budget"].loc[0, "budget_kr"] = "1234567.5\u200b"
    sheets["budget"].loc[1, "kilde"] = "sats\u00adpulje"
    sheets["effektmaal"].loc[0, "enhed"] = "personer\u200b"
    source = write_csv_folder(sheets, tmp_path / "csv")
    budget, initiative, goals, units = loaded(
        source,
        tmp_path,
        BUDGET_ROWS,
        "SELECT status, financing, administration_code FROM initiative WHERE initiative_id = 'BUF-001'",
        "SELECT goal_id FROM initiative_goal WHERE initiative_id = 'BUF-001'",
        "SELECT unit FROM effect_target",
    )
    assert budget[:2] == [
        ("SOF-001", 2010, 3, 1234567.5, 1000000.0, "kommune"),
        ("SOF-001", 2010, 8, 500000.0, None, "satspulje"),
    ]
    assert initiative == [("eksisterende", "finansieret", "BUF")]
    assert goals == [(2,)]
    assert units == [("personer",)]


def test_a_look_alike_letter_in_a_choice_is_named_in_the_message(tmp_path):
    sheets = small_portfolio()
    sheets["indsatser"].loc[1, "status"] = "eksist\u0435rende"  # Cyrillic ie
    found = lines(refused(write_csv_folder(sheets, tmp_path / "csv"), tmp_path))
    assert found == [
        "indsatser, række 3, status: ukendt status 'eksist\u0435rende'. Mente du 'eksisterende'? Teksten indeholder tegnet "
        "'\u0435' (tegn nr. 7), som er et kyrillisk bogstav og ikke et latinsk, selv om det kan ligne et."
    ]


# --- 6. Two rows with the same key ------------------------------------------------------------------------------


def with_rows(sheets: dict[str, pd.DataFrame], name: str, *rows: list[str]) -> dict[str, pd.DataFrame]:
    frame = sheets[name]
    sheets[name] = pd.concat([frame, pd.DataFrame(list(rows), columns=frame.columns)], ignore_index=True)
    return sheets


BUDGET_TWICE = "Hver kombination må kun stå i én række: læg beløbene sammen i én række, eller ret den forkerte."


def test_two_budget_rows_with_the_same_key_are_refused_naming_both_rows(tmp_path):
    sheets = with_rows(
        small_portfolio(),
        "budget",
        ["sof-001", "2010", "NØRREBRO ", "10", "", "kommune"],  # row 6: row 2 again, as another hand typed it
        ["BUF-001", "2010", "", "5", "", "kommune"],  # row 7: empty district and kommune by default, as row 4
        ["BUF-001", "2010", "Hele byen", "6", "", ""],  # row 8: the same once more
        ["SOF-001", "2010", "Nørrebro", "7", "", "satspulje"],  # another source: a line of its own
        ["SOF-001", "2011", "Nørrebro", "8", "", "kommune"],  # another year
    )
    found = lines(refused(write_csv_folder(sheets, tmp_path / "csv"), tmp_path))
    assert found == [
        "budget, række 6: rækken har samme indsats_id, aar, bydel og kilde som række 2 (SOF-001, 2010, Nørrebro, kommune). " + BUDGET_TWICE,
        "budget, række 7: rækken har samme indsats_id, aar, bydel og kilde som række 4 (BUF-001, 2010, Hele byen, kommune). "
        + BUDGET_TWICE,
        "budget, række 8: rækken har samme indsats_id, aar, bydel og kilde som række 4 (BUF-001, 2010, Hele byen, kommune). "
        + BUDGET_TWICE,
    ]


def test_two_activity_rows_with_the_same_key_are_refused_naming_both_rows(tmp_path):
    sheets = with_rows(small_portfolio(), "aktivitet", ["BUF-001", "2010", "Hele byen", "5", "", ""], ["BUF-001", "2011", "", "5", "", ""])
    found = lines(refused(write_xlsx(sheets, tmp_path / "to.xlsx"), tmp_path))
    assert found == [
        "aktivitet, række 4: rækken har samme indsats_id, aar og bydel som række 3 (BUF-001, 2010, Hele byen). "
        "Hver kombination må kun stå i én række: læg tallene sammen i én række, hvis begge er rigtige, eller ret den forkerte."
    ]


def test_two_identical_effect_targets_are_refused(tmp_path):
    sheets = with_rows(
        small_portfolio(),
        "effektmaal",
        ["SOF-001", "2013", "Unge der kommer fast", "personer", "50", "100", ""],  # row 3: row 2 again
        ["SOF-001", "2014", "Unge der kommer fast", "personer", "50", "130", ""],  # another year
        ["SOF-001", "2013", "Unge i job", "personer", "5", "10", ""],  # another indicator
    )
    found = lines(refused(write_csv_folder(sheets, tmp_path / "csv"), tmp_path))
    assert found == [
        "effektmaal, række 3: rækken har samme indsats_id, aar og indikator som række 2 (SOF-001, 2013, Unge der kommer fast). "
        "Hvert effektmål må kun stå én gang pr. år: slet den ene række, eller ret år eller indikator."
    ]


def test_rows_that_differ_in_one_key_part_load(tmp_path):
    sheets = with_rows(small_portfolio(), "budget", ["SOF-001", "2010", "Nørrebro", "7", "", "andet"])
    assert len(loaded(write_csv_folder(sheets, tmp_path / "csv"), tmp_path, BUDGET_ROWS)) == 5
