"""A small upload never exhausts the server: padding (blank lines, empty fields, empty rows and cells, unused
shared strings, zip members that lie) costs nothing or is refused in Danish, naming the limit."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from pipelines import bounded, upload
from pipelines.problems import InputRejected
from pipelines.read import read_input
from tests.conftest import small_portfolio, write_csv_folder, write_xlsx, zip_of
from tests.test_hostile_inputs import peak_bytes_reading

MEMORY = 40_000_000  # what reading a flood may take (tracemalloc); the old reader took 100 MB to gigabytes
SHARED_STRINGS_TYPE = b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" />'
CENTRAL_ENTRY = b"PK\x01\x02"  # the signature of each entry in a zip's directory
MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def refusal(source: Path) -> list[str]:
    """Read `source` as the pipeline does, expect a refusal with bounded memory, and return its problems as text."""
    assert peak_bytes_reading(source, refused=True) < MEMORY
    with pytest.raises(InputRejected) as rejected:
        read_input(source)
    return [str(p) for p in rejected.value.problems]


# --- Zip uploads ----------------------------------------------------------------------------------------------


def csv_members(tmp_path: Path) -> dict[str, bytes]:
    folder = write_csv_folder(small_portfolio(), tmp_path / "csv")
    return {path.name: path.read_bytes() for path in folder.glob("*.csv")}


def claiming_size(content: bytes, name: str, size: int) -> bytes:
    """Rewrite a member's uncompressed size in its local header and in the zip's directory, as a hostile zip does."""
    data = bytearray(content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        struct.pack_into("<I", data, archive.getinfo(name).header_offset + 22, size)
    entry = data.find(CENTRAL_ENTRY)
    while entry >= 0:
        length = struct.unpack_from("<H", data, entry + 28)[0]
        if data[entry + 46 : entry + 46 + length] == name.encode():
            struct.pack_into("<I", data, entry + 24, size)
        entry = data.find(CENTRAL_ENTRY, entry + 4)
    return bytes(data)


def test_a_zip_with_51_files_is_refused_before_anything_is_unpacked(tmp_path):
    members = {**csv_members(tmp_path), **{f"noter_{i:02}.csv": b"a;b\n1;2\n" for i in range(47)}}
    assert len(members) == 51
    with pytest.raises(InputRejected) as rejected:
        upload.unpack("mange.zip", zip_of(members), tmp_path / "ud")
    assert [p.message for p in rejected.value.problems] == ["'mange.zip' indeholder 51 filer; en zip med CSV-filerne har højst 50."]
    assert not (tmp_path / "ud" / "csv").exists()


def test_a_zip_with_50_files_is_unpacked(tmp_path):
    members = {**csv_members(tmp_path), **{f"noter_{i:02}.csv": b"a;b\n1;2\n" for i in range(46)}}
    folder = upload.unpack("halvtreds.zip", zip_of(members), tmp_path / "ud")
    assert len(list(folder.iterdir())) == 50


def test_a_zip_with_more_entries_than_any_workbook_is_refused_before_its_directory_is_read(tmp_path):
    members = {f"mappe_{i}/": b"" for i in range(10_001)}
    with pytest.raises(InputRejected) as rejected:
        upload.unpack("mapper.zip", zip_of(members), tmp_path / "ud")
    assert [p.message for p in rejected.value.problems] == ["'mapper.zip' indeholder mere end 10.000 filer og bliver ikke pakket ud."]


def test_two_members_whose_names_differ_only_by_case_are_refused_naming_both(tmp_path):
    members = csv_members(tmp_path)
    members["BUDGET.csv"] = members["budget.csv"][:40]
    with pytest.raises(InputRejected) as rejected:
        upload.unpack("to.zip", zip_of(members), tmp_path / "ud")
    assert [p.message for p in rejected.value.problems] == [
        "to.zip: 'budget.csv' og 'BUDGET.csv' har samme navn; zip-filen må kun have én af hver."
    ]


def test_a_member_that_inflates_past_the_size_its_header_claims_is_refused_in_danish(tmp_path):
    lying = claiming_size(zip_of({"budget.csv": b"indsats_id;aar\n" + b"SOF-001;2024\n" * 300_000}), "budget.csv", 100)
    assert zipfile.ZipFile(io.BytesIO(lying)).getinfo("budget.csv").file_size == 100
    with pytest.raises(InputRejected) as rejected:
        upload.unpack("lyver.zip", lying, tmp_path / "ud")
    assert [p.message for p in rejected.value.problems] == ["lyver.zip: 'budget.csv' er beskadiget og kan ikke pakkes ud."]
    assert all(path.stat().st_size <= 100 for path in (tmp_path / "ud").rglob("*.csv"))


def test_a_member_is_copied_no_further_than_its_header_claims_whatever_the_zip_reader_does(tmp_path, monkeypatch):
    """Python's zip reader stops at the claimed size itself (then fails its checksum); the copy does not rely on it."""
    content = zip_of({"budget.csv": b"indsats_id;aar\n"})  # its header claims 15 bytes
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, member, *args, **kwargs: io.BytesIO(b"0" * 3_000_000))
    with pytest.raises(InputRejected) as rejected:
        upload.unpack("bombe.zip", content, tmp_path / "ud")
    assert [p.message for p in rejected.value.problems] == [
        "bombe.zip: 'budget.csv' fylder mere, når den pakkes ud, end zip-filen oplyser, og bliver ikke læst."
    ]
    assert (tmp_path / "ud" / "csv" / "budget.csv").stat().st_size <= 15


# --- CSV files ------------------------------------------------------------------------------------------------


def padded_budget(tmp_path: Path, padding: str) -> Path:
    """The small portfolio as CSV files, with `padding` after the budget's rows."""
    folder = write_csv_folder(small_portfolio(), tmp_path / "csv")
    budget = folder / "budget.csv"
    budget.write_text(budget.read_text(encoding="utf-8-sig") + padding, encoding="utf-8")
    return folder


def test_millions_of_blank_lines_are_refused_naming_the_limit_with_bounded_memory(tmp_path):
    problems = refusal(padded_budget(tmp_path, "\n" * 6_000_000))  # 6 MB; the old reader kept 130 bytes a line
    assert problems == [
        "budget: filen har 6.000.005 linjer, men der læses højst 5.000.000 linjer pr. fil, og tomme linjer tæller med. "
        "Slet de tomme linjer under tabellen, og gem filen igen."
    ]


def test_a_million_blank_lines_within_the_limit_keep_the_excel_rows_and_cost_little(tmp_path):
    """Held before too (read in Arrow, whose memory tracemalloc does not see); the benchmark measures it at the limit."""
    folder = padded_budget(tmp_path, "\n" * 1_000_000 + "\n".join([";;;;;"] * 1000) + "\n")
    assert peak_bytes_reading(folder, refused=False) < 20_000_000
    budget = read_input(folder).sheets["budget"].frame
    assert list(budget.index) == [2, 3, 4, 5]  # the Excel rows of the four budget lines, blank lines after them


def test_a_line_of_millions_of_empty_fields_costs_nothing_and_keeps_the_row(tmp_path):
    folder = write_csv_folder(small_portfolio(), tmp_path / "csv")
    budget = folder / "budget.csv"
    lines = budget.read_text(encoding="utf-8-sig").splitlines()
    lines[2] += ";" * 8_000_000  # the old reader made a list of 8 million fields; the text itself is read three times over
    lines.append(";" * 5_000)  # and a blank line as wide
    budget.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert peak_bytes_reading(folder, refused=False) < MEMORY
    frame = read_input(folder).sheets["budget"].frame
    assert list(frame.index) == [2, 3, 4, 5]
    assert frame.loc[3].tolist() == ["SOF-001", "2010", "Bispebjerg", "500000", None, "satspulje"]


def test_one_enormous_line_is_refused_naming_it_with_bounded_memory(tmp_path):
    folder = write_csv_folder(small_portfolio(), tmp_path / "csv")
    budget = folder / "budget.csv"
    lines = budget.read_text(encoding="utf-8-sig").splitlines()
    lines[3] = "x" * 3_000_000  # one field of 3 million characters on line 4; an Excel cell holds 32.767
    budget.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert refusal(folder) == [
        "budget: linje 4 har 3.000.000 tegn, men der læses højst 1.000.000 tegn pr. linje (en celle i Excel har højst "
        "32.767). Gem filen igen fra Excel som CSV."
    ]


def test_more_fields_than_the_limit_are_refused_blank_ones_too(tmp_path, monkeypatch):
    monkeypatch.setattr(bounded, "MAX_FIELDS", 1_000)
    problems = refusal(padded_budget(tmp_path, " ; ; ; ; ; ; ; ;\n" * 200))  # spaces between: not a run to cut
    # 5 lines of 6 fields (30), then 200 lines of 9 fields (1.800)
    assert problems == [
        "budget: filen har 1.830 felter, men der læses højst 1.000 felter pr. fil, og tomme felter tæller med. "
        "Slet de tomme rækker og kolonner under og til højre for tabellen, og gem filen igen."
    ]


# --- Workbooks ------------------------------------------------------------------------------------------------


def rebuilt_workbook(tmp_path: Path, name: str, edit) -> Path:
    """Write the small portfolio as a workbook and rewrite its parts: `edit(part name, bytes)` returns the new bytes."""
    source = write_xlsx(small_portfolio(), tmp_path / "ren.xlsx")
    target = tmp_path / name
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item.filename, edit(item.filename, old.read(item.filename)))
        extra = edit("xl/sharedStrings.xml", None)
        if extra is not None:
            new.writestr("xl/sharedStrings.xml", extra)
    return target


def with_shared_strings(table: bytes, sheet_cells: dict[bytes, bytes] | None = None):
    """An edit that adds a shared-string table and, in the budget sheet, replaces cells (old bytes → new bytes)."""

    def edit(part: str, data: bytes | None) -> bytes | None:
        if part == "xl/sharedStrings.xml":
            return table if data is None else data
        if part == "[Content_Types].xml":
            return data.replace(b"</Types>", SHARED_STRINGS_TYPE + b"</Types>")
        if part == "xl/worksheets/sheet2.xml":
            for old, new in (sheet_cells or {}).items():
                assert old in data
                data = data.replace(old, new)
        return data

    return edit


def test_two_million_unused_shared_strings_are_refused_naming_the_limit(tmp_path):
    table = b"<sst " + MAIN + b' count="2000000" uniqueCount="2000000">' + b"<si><t>x</t></si>" * 2_000_000 + b"</sst>"
    workbook = rebuilt_workbook(tmp_path, "strenge.xlsx", with_shared_strings(table))
    assert workbook.stat().st_size < 200_000
    assert refusal(workbook) == [
        "fil: projektmappen har 2.000.000 forskellige tekster (delte strenge), men der læses højst 1.000.000. Den er "
        "sandsynligvis skrevet af et andet program end Excel: åbn den i Excel, gem den igen, og prøv igen (Excel gemmer "
        "kun de tekster, som cellerne bruger)."
    ]


def test_shared_strings_are_read_as_excel_shows_them(tmp_path):
    items = [
        b"<si><t>Vesterbro/Kongens Enghave</t></si>",
        b'<si><t xml:space="preserve">  Valby </t></si>',
        b"<si><t>Amager &amp; \xc3\x98st</t></si>",  # an entity and UTF-8
        "<si><r><rPr><b/></rPr><t>Nørre</t></r><r><t>bro</t></r></si>".encode(),  # rich text: the runs' text
        b"<si><t>kommune</t><rPh sb='0' eb='1'><t>KOMMUNE</t></rPh></si>",  # a phonetic run is not text
        b"<si><t/></si>",
        b"<si/>",
    ]
    table = b"<sst " + MAIN + b' count="7" uniqueCount="7">' + b"".join(items) + b"</sst>"
    cells = {  # the budget sheet's district (C) and source (F) cells, each pointed at one item
        b'<c r="C2" t="inlineStr"><is><t>N\xc3\xb8rrebro</t></is></c>': b'<c r="C2" t="s"><v>0</v></c>',
        b'<c r="C3" t="inlineStr"><is><t>Bispebjerg</t></is></c>': b'<c r="C3" t="s"><v>1</v></c>',
        b'<c r="C4" t="inlineStr"><is><t>Hele byen</t></is></c>': b'<c r="C4" t="s"><v>2</v></c>',
        b'<c r="C5" t="inlineStr" />': b'<c r="C5" t="s"><v>3</v></c>',
        b'<c r="F2" t="inlineStr"><is><t>kommune</t></is></c>': b'<c r="F2" t="s"><v>4</v></c>',
        b'<c r="F3" t="inlineStr"><is><t>satspulje</t></is></c>': b'<c r="F3" t="s"><v>5</v></c>',
        b'<c r="F4" t="inlineStr" />': b'<c r="F4" t="s"><v>6</v></c>',
    }
    workbook = rebuilt_workbook(tmp_path, "delte.xlsx", with_shared_strings(table, cells))
    budget = read_input(workbook).sheets["budget"].frame
    assert budget["bydel"].tolist() == ["Vesterbro/Kongens Enghave", "Valby", "Amager & Øst", "Nørrebro"]
    assert budget["kilde"].tolist() == ["kommune", None, None, "andet"]


def padded_sheet(padding: bytes, before_data: bool = False):
    """An edit that pads the budget sheet's XML inside `<sheetData>` (or before it)."""

    def edit(part: str, data: bytes | None) -> bytes | None:
        if part == "xl/worksheets/sheet2.xml":
            return (
                data.replace(b"<sheetData>", padding + b"<sheetData>")
                if before_data
                else data.replace(b"</sheetData>", padding + b"</sheetData>")
            )
        return data

    return edit


# The budget sheet as openpyxl writes it has 98 elements and 26 values (4 × 26 = 104 allowed): padding is N + 98 − 104.
EMPTY = "arket har omkring {} tomme rækker, celler eller andre elementer uden indhold, men der læses højst 1.000.000 pr. ark. "
EMPTY_END = "Slet de tomme rækker og kolonner under og til højre for tabellen, og gem projektmappen igen i Excel."


@pytest.mark.parametrize(
    ("padding", "before_data", "count"),
    [
        (b"<row/>" * 1_200_000, False, "1.199.994"),
        (b"".join(b'<row r="%d"><c r="B%d" s="0"/></row>' % (i, i) for i in range(10, 610_010)), False, "1.219.994"),
        (
            b'<row r="9">'
            + b"<c><v/></c><c><v></v></c>" * 2_500
            + b"</row>"  # 1 + 10.000 elements
            + b'<row r="10"><c r="A10"><is><t xml:space="preserve"/></is></c><c r="B10"><f t="shared" si="0"/></c></row>' * 250_000,
            False,
            "1.509.995",  # 6 elements a row
        ),
        (b"<sheetProtection/>" * 1_200_000, True, "1.199.994"),  # outside the table: the old reader kept every one
    ],
    ids=["empty-rows", "formatted-empty-cells", "cells-without-value", "elements-outside-the-table"],
)
def test_a_sheet_padded_with_elements_without_a_value_is_refused_with_bounded_memory(tmp_path, padding, before_data, count):
    workbook = rebuilt_workbook(tmp_path, "tom.xlsx", padded_sheet(padding, before_data))
    assert refusal(workbook) == [f"budget: {EMPTY.format(count)}{EMPTY_END}"]


def test_a_sheet_with_some_formatted_empty_cells_is_read(tmp_path):
    padding = b"".join(b'<row r="%d"><c r="A%d" s="0"/><c r="B%d" s="0"/></row>' % (i, i, i) for i in range(10, 100_010))
    frame = read_input(rebuilt_workbook(tmp_path, "formateret.xlsx", padded_sheet(padding))).sheets["budget"].frame
    assert list(frame.index) == [2, 3, 4, 5]


def test_a_workbook_part_parsed_at_opening_padded_with_elements_is_refused_naming_it(tmp_path):
    def edit(part: str, data: bytes | None) -> bytes | None:
        if part == "xl/styles.xml":
            return data.replace(b"</styleSheet>", b"<extLst>" + b"<ext/>" * 1_200_000 + b"</extLst></styleSheet>")
        return data

    assert refusal(rebuilt_workbook(tmp_path, "typografier.xlsx", edit)) == [
        "fil: projektmappens del 'xl/styles.xml' har over 1.000.000 elementer (typografier, navne eller lignende) og "
        "bliver ikke læst. Åbn projektmappen i Excel, gem den igen, og prøv igen."
    ]
