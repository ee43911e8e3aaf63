"""Hostile and unlucky inputs: each ends in a Danish sentence that says what and where, a non-zero exit from
`python -m pipelines load`, no traceback, and the live database byte for byte as it was."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tracemalloc
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from pipelines.problems import InputRejected
from pipelines.read import read_input
from tests.conftest import PROJECT_DIR, small_portfolio, write_csv_folder, write_xlsx
from tests.test_atomic_load import digest, run_cli
from tests.test_input_refusals import patched_xlsx

NOT_DONE = "Indlæsningen blev ikke gennemført"
UNCHANGED = "Databasen er uændret."
STAGING = re.compile(r"\.small\.duckdb\.[0-9a-f]{32}\.tmp(\.wal)?")


def run_cli_patched(patch: str, *args):
    """Run `python -m pipelines` with `patch` executed first: an operating-system failure or a killed process, simulated."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR)}
    env.pop("SIKKERBY_DB", None)
    code = f"{patch}\nimport sys\nfrom pipelines.__main__ import main\nsys.exit(main())"
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, env=env, cwd=PROJECT_DIR)


def assert_refused_in_danish(result, db: Path, before: str, line: str, code: int = 1) -> None:
    """The command failed with `code`, printed `line` on stderr, no traceback, and left `db` with its bytes."""
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert line in result.stderr.splitlines(), result.stderr
    assert "Traceback" not in result.stderr
    assert UNCHANGED in result.stderr
    assert digest(db) == before


def edited_workbook(path: Path, edit) -> Path:
    """Write the small portfolio as a workbook, let `edit` change the openpyxl book, and save it."""
    write_xlsx(small_portfolio(), path)
    book = openpyxl.load_workbook(path)
    edit(book)
    book.save(path)
    return path


# --- 1. Two sheets or files that both answer to one contract name ------------------------------------------


def _hidden_old_initiatives(tmp_path: Path) -> Path:
    def edit(book):
        old = book.copy_worksheet(book["indsatser"])
        old.title = "Indsatser "
        old.sheet_state = "hidden"
        book.move_sheet(old, offset=-book.index(old))  # first in the book, so it is the one read today

    return edited_workbook(tmp_path / "skjult.xlsx", edit)


def _look_alike_sheet(tmp_path: Path) -> Path:
    def edit(book):
        look_alike = book.copy_worksheet(book["indsatser"])
        look_alike.title = "indsætser"
        book.move_sheet(look_alike, offset=-book.index(look_alike))

    return edited_workbook(tmp_path / "lignende.xlsx", edit)


def _two_budget_files(tmp_path: Path) -> Path:
    folder = write_csv_folder(small_portfolio(), tmp_path / "csv")
    old = small_portfolio()["budget"].head(1)
    old.to_csv(folder / "BUDGET.csv", sep=";", index=False, encoding="utf-8-sig")
    return folder


AMBIGUOUS = [
    (
        _hidden_old_initiatives,
        [
            "indsatser: projektmappen har flere ark, der passer til arket 'indsatser': 'Indsatser ' (skjult) og 'indsatser'. "
            "Det er uklart, hvilket der skal indlæses; slet eller omdøb dem, der ikke skal bruges (også skjulte ark)."
        ],
    ),
    (
        _look_alike_sheet,
        [
            "indsatser: projektmappen har flere ark, der passer til arket 'indsatser': 'indsætser' og 'indsatser'. "
            "Det er uklart, hvilket der skal indlæses; slet eller omdøb dem, der ikke skal bruges (også skjulte ark)."
        ],
    ),
    (
        _two_budget_files,
        [
            "budget: mappen har flere filer, der passer til filen 'budget.csv': 'BUDGET.csv' og 'budget.csv'. "
            "Det er uklart, hvilken der skal indlæses; flyt eller omdøb dem, der ikke skal bruges."
        ],
    ),
]


@pytest.mark.parametrize(("build", "lines"), AMBIGUOUS, ids=["hidden-sheet", "look-alike-sheets", "csv-case"])
def test_two_sheets_or_files_for_one_contract_name_are_refused_as_ambiguous(tmp_path, small_db, build, lines):
    before = digest(small_db)
    result = run_cli("load", build(tmp_path), "--db", small_db)
    for line in lines:
        assert_refused_in_danish(result, small_db, before, line)


# --- 2. --db naming a file this project did not write -----------------------------------------------------


def _the_input_workbook(tmp_path: Path) -> tuple[Path, Path, str]:
    workbook = write_xlsx(small_portfolio(), tmp_path / "indsatser.xlsx")
    return workbook, workbook, "den er ikke en DuckDB-database"


def _a_text_file(tmp_path: Path) -> tuple[Path, Path, str]:
    notes = tmp_path / "noter.txt"
    notes.write_text("Mødereferat, budgetudvalget\n", encoding="utf-8")
    return write_csv_folder(small_portfolio(), tmp_path / "csv"), notes, "den er ikke en DuckDB-database"


def _another_duckdb_database(tmp_path: Path) -> tuple[Path, Path, str]:
    other = tmp_path / "andet.duckdb"
    with duckdb.connect(str(other)) as con:
        con.execute("CREATE TABLE regnskab (konto INTEGER, beloeb DOUBLE)")
        con.execute("INSERT INTO regnskab VALUES (1, 2.5)")
    return write_csv_folder(small_portfolio(), tmp_path / "csv"), other, "den er en DuckDB-database, men uden dashboardets tabel 'dataset'"


@pytest.mark.parametrize("case", [_the_input_workbook, _a_text_file, _another_duckdb_database], ids=["input", "text", "duckdb"])
def test_db_option_naming_a_file_this_project_did_not_write_is_refused(tmp_path, case):
    source, db, why = case(tmp_path)
    before = digest(db)
    result = run_cli("load", source, "--db", db)
    assert_refused_in_danish(
        result,
        db,
        before,
        f"{NOT_DONE}: Databasefilen '{db.resolve()}' er ikke en database fra Sikker By-dashboardet ({why}), så den bliver "
        f"ikke erstattet. Vælg en anden databasefil med --db (eller SIKKERBY_DB), eller flyt filen. {UNCHANGED}",
        code=2,
    )
    assert not [p for p in tmp_path.iterdir() if p.name.endswith((".tmp", ".lock"))]


# --- 3. Width and length bombs --------------------------------------------------------------------------

WIDE = "cellen er udfyldt, men der læses højst 200 kolonner (A til GR) pr. ark. Slet indholdet af cellerne til højre for tabellen"


def _cells_in_column_xfd(tmp_path: Path) -> Path:
    def edit(book):
        for row in range(2, 1002):  # a thousand rows: 130 MB of padding when read the old way, nothing when refused
            book["budget"].cell(row=row, column=16384, value=1)

    return edited_workbook(tmp_path / "bred.xlsx", edit)


def _cell_in_the_last_row(tmp_path: Path) -> Path:
    def edit(book):
        book["aktivitet"].cell(row=1_048_576, column=1, value="SOF-001")

    return edited_workbook(tmp_path / "lang.xlsx", edit)


def _csv_field_300(tmp_path: Path) -> Path:
    folder = write_csv_folder(small_portfolio(), tmp_path / "csv")
    budget = folder / "budget.csv"
    lines = budget.read_text(encoding="utf-8-sig").splitlines()
    lines[2] += ";" * 294 + "x"  # six columns, then a value in field 300
    budget.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return folder


BOMBS = [
    (_cells_in_column_xfd, f"budget, række 2, kolonne XFD: {WIDE}, og gem projektmappen igen."),
    (_csv_field_300, f"budget, række 3, kolonne {get_column_letter(300)}: {WIDE}, og gem filen igen."),
]


def peak_bytes_reading(source: Path, refused: bool) -> int:
    """Read `source` as the pipeline does and return the peak memory it took (refused or not, as expected)."""
    tracemalloc.start()
    try:
        if refused:
            with pytest.raises(InputRejected):
                read_input(source)
        else:
            read_input(source)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(("build", "line"), BOMBS, ids=["xlsx-column-xfd", "csv-field-300"])
def test_sheets_wider_or_longer_than_the_caps_are_refused_with_bounded_memory(tmp_path, small_db, build, line):
    source = build(tmp_path)
    peak = peak_bytes_reading(source, refused=True)
    assert peak < 40_000_000, f"reading took {peak / 1e6:.0f} MB"
    before = digest(small_db)
    assert_refused_in_danish(run_cli("load", source, "--db", small_db), small_db, before, line)


def test_a_cell_in_a_sheets_last_row_is_read_with_bounded_memory_and_refused_by_the_contract(tmp_path, small_db):
    """Rows are not capped below what a large portfolio needs (`MAX_ROWS`); only filled cells are kept, so a far row costs nothing."""
    source = _cell_in_the_last_row(tmp_path)
    peak = peak_bytes_reading(source, refused=False)
    assert peak < 40_000_000, f"reading took {peak / 1e6:.0f} MB"
    before = digest(small_db)
    assert_refused_in_danish(run_cli("load", source, "--db", small_db), small_db, before, "aktivitet, række 1048576, aar: skal udfyldes.")


# --- 4. Operating-system failures, in Danish ----------------------------------------------------------------

READ_ONLY_FOLDER = """
import duckdb
_connect = duckdb.connect
def connect(database=":memory:", read_only=False, **options):
    if not read_only and database != ":memory:":  # what DuckDB says when it may not create the file in the folder
        raise duckdb.IOException(f'IO Error: Cannot open file "{database}": Permission denied')
    return _connect(database, read_only=read_only, **options)
duckdb.connect = connect
"""
DISK_FULL = """
import duckdb
import pipelines.store as store
def insert(con, table, frame):
    raise duckdb.IOException('IO Error: Could not write file "x.tmp": No space left on device')
store._insert = insert
"""


def _db_is_a_folder(tmp_path, small_db):
    folder = tmp_path / "databaser"
    folder.mkdir()
    result = run_cli("load", write_csv_folder(small_portfolio(), tmp_path / "csv"), "--db", folder)
    assert list(folder.iterdir()) == []
    return result, 2, f"{NOT_DONE}: Databasefilen '{folder.resolve()}' kan ikke skrives: det er en mappe, ikke en fil. {UNCHANGED}"


def _db_in_a_read_only_folder(tmp_path, small_db):
    source = write_csv_folder(small_portfolio(), tmp_path / "csv")
    if os.geteuid() == 0:  # root writes anyway: simulate what DuckDB says in a read-only folder
        result = run_cli_patched(READ_ONLY_FOLDER, "load", source, "--db", small_db)
    else:
        small_db.parent.chmod(0o555)
        try:
            result = run_cli("load", source, "--db", small_db)
        finally:
            small_db.parent.chmod(0o755)
    why = "mappen er skrivebeskyttet, eller du har ikke skriveadgang til den"
    return result, 2, f"{NOT_DONE}: Databasefilen '{small_db.resolve()}' kan ikke skrives: {why}. {UNCHANGED}"


def _disk_full(tmp_path, small_db):
    result = run_cli_patched(DISK_FULL, "load", write_csv_folder(small_portfolio(), tmp_path / "csv"), "--db", small_db)
    assert not [p for p in small_db.parent.iterdir() if STAGING.fullmatch(p.name)]
    return result, 2, f"{NOT_DONE}: Databasefilen '{small_db.resolve()}' kan ikke skrives: disken er fuld. {UNCHANGED}"


def _csv_file_is_a_folder(tmp_path, small_db):
    folder = write_csv_folder(small_portfolio(), tmp_path / "csv")
    (folder / "budget.csv").unlink()
    (folder / "budget.csv").mkdir()
    result = run_cli("load", folder, "--db", small_db)
    return result, 1, "budget: filen 'budget.csv' kan ikke læses: det er en mappe, ikke en fil."


def _workbook_is_a_folder(tmp_path, small_db):
    folder = tmp_path / "indsatser.xlsx"
    folder.mkdir()
    result = run_cli("load", folder, "--db", small_db)
    return result, 1, f"fil: projektmappen '{folder}' kan ikke læses: det er en mappe, ikke en fil."


@pytest.mark.parametrize(
    "case",
    [_db_is_a_folder, _db_in_a_read_only_folder, _disk_full, _csv_file_is_a_folder, _workbook_is_a_folder],
    ids=["db-is-folder", "db-folder-read-only", "disk-full", "csv-is-folder", "xlsx-is-folder"],
)
def test_operating_system_failures_are_told_in_danish(tmp_path, small_db, case):
    before = digest(small_db)
    result, code, line = case(tmp_path, small_db)
    assert_refused_in_danish(result, small_db, before, line, code)
    assert "Errno" not in result.stderr and "Error:" not in result.stderr


# --- 5. Formulas Excel never calculated ---------------------------------------------------------------------

UNSAVED = "uden gemt værdi – åbn og gem projektmappen i Excel, så formlens resultat bliver gemt."


def saved_by_excel(path: Path) -> Path:
    """Return the workbook as Excel saves it: without openpyxl's `fullCalcOnLoad`, so saved formula results count."""
    saved = path.with_name("excel_" + path.name)
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(saved, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = data.replace(b' fullCalcOnLoad="1"', b"")
            target.writestr(item, data)
    return saved


def test_formula_without_a_saved_value_is_named_as_such(tmp_path, small_db):
    def edit(book):
        book["budget"]["D3"] = "=1000+1"  # budget_kr: required
        book["budget"]["E4"] = "=SUM(D2:D3)"  # forbrug_kr: optional, read as empty today
        book["indsatser"]["P2"] = '=""'  # begrundelse: a formula whose saved result is empty text is fine

    workbook = patched_xlsx(
        edited_workbook(tmp_path / "formler.xlsx", edit), b'<c r="P2"><f>""</f><v /></c>', b'<c r="P2" t="str"><f>""</f><v /></c>'
    )
    workbook = saved_by_excel(workbook)  # openpyxl asks Excel to recalculate on opening, which makes every saved result suspect
    before = digest(small_db)
    result = run_cli("load", workbook, "--db", small_db)
    assert_refused_in_danish(result, small_db, before, f"budget, række 3, budget_kr: cellen indeholder en formel (=1000+1) {UNSAVED}")
    assert f"budget, række 4, forbrug_kr: cellen indeholder en formel (=SUM(D2:D3)) {UNSAVED}" in result.stderr.splitlines()
    assert "2 problem(er) fundet" in result.stderr


# --- 6. Numbers whose reading depends on a guess about the column's style ------------------------------------

EITHER = "Skriv alle tal i kolonnen på samme måde, fx 1.711 og 1.711,50 eller 1711 og 1711,50."


@pytest.mark.parametrize(
    ("column", "typed", "line"),
    [
        (
            "budget_kr",
            ["1.711", "1711,50", "500", "750"],
            "budget, række 2, budget_kr: '1.711' er tvetydigt: punktummet kan være tusindtalsseparator (1711) eller decimaltegn "
            f"(1,711), og kolonnen skriver andre tal uden tusindtalsseparator (fx '1711,50' i række 3). {EITHER}",
        ),
        (
            "budget_kr",
            ["1.711", "1711.50", "500", "750"],
            "budget, række 2, budget_kr: '1.711' er tvetydigt: punktummet kan være tusindtalsseparator (1711) eller decimaltegn "
            f"(1,711), og kolonnen bruger punktum som decimaltegn (fx '1711.50' i række 3). {EITHER}",
        ),
        (
            "forbrug_kr",
            ["1,711", "", "1900000.5", ""],
            "budget, række 2, forbrug_kr: '1,711' er tvetydigt: kommaet kan være decimaltegn (1,711) eller tusindtalsseparator "
            f"(1711), og kolonnen bruger punktum som decimaltegn (fx '1900000.5' i række 4). {EITHER}",
        ),
    ],
    ids=["dot-beside-decimal-comma", "dot-beside-decimal-point", "comma-beside-decimal-point"],
)
def test_amounts_whose_separator_the_column_makes_ambiguous_are_refused(tmp_path, small_db, column, typed, line):
    sheets = small_portfolio()
    sheets["budget"][column] = typed
    before = digest(small_db)
    result = run_cli("load", write_csv_folder(sheets, tmp_path / "csv"), "--db", small_db)
    assert_refused_in_danish(result, small_db, before, line)
    assert "1 problem(er) fundet" in result.stderr


# --- 7. What a killed load leaves behind ---------------------------------------------------------------------

KILLED_WHILE_WRITING = """
import os
import pipelines.store as store
_insert = store._insert
def insert_then_die(con, table, frame):
    _insert(con, table, frame)
    os._exit(137)
store._insert = insert_then_die
"""


def test_files_left_by_a_killed_load_are_removed_by_the_next_load(tmp_path, small_db):
    source = write_csv_folder(small_portfolio(), tmp_path / "csv")
    killed = run_cli_patched(KILLED_WHILE_WRITING, "load", source, "--db", small_db)
    assert killed.returncode == 137
    left = sorted(p.name for p in small_db.parent.iterdir() if STAGING.fullmatch(p.name))
    assert [name.endswith(".wal") for name in left] == [False, True], left
    others = [".small.duckdb.notes.tmp", ".small.duckdb.0123abcd.tmp", ".andet.duckdb." + "a" * 32 + ".tmp", "small.duckdb.tmp", "mine.wal"]
    for name in others:
        (small_db.parent / name).write_text("ikke loaderens", encoding="utf-8")
    before = digest(small_db)
    result = run_cli("load", source, "--db", small_db)
    assert result.returncode == 0, result.stderr
    assert digest(small_db) != before
    assert not [p.name for p in small_db.parent.iterdir() if STAGING.fullmatch(p.name)]
    assert all((small_db.parent / name).read_text(encoding="utf-8") == "ikke loaderens" for name in others)
