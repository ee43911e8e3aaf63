"""Limits that keep a padded file from costing more than what it holds.

A small upload can ask the reader for gigabytes or minutes without holding any data: millions of
blank CSV lines, lines of millions of empty fields, a sheet of millions of empty `<row/>` or `<c/>`
elements, a workbook with millions of shared strings no cell uses or of styles no cell has. These checks run before the
parsers, at the speed of a byte search, and either make the padding free (blank trailing fields are
cut off) or refuse the file in Danish, naming the limit. What is left costs what its content costs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from pipelines.problems import Problem
from sikkerby import formatting

MAX_LINES = 5_000_000  # physical lines of a CSV file, blank ones too: the reader's MAX_ROWS
MAX_LINE_CHARS = 1_000_000  # one physical line; an Excel cell holds at most 32.767 characters
MAX_FIELDS = 30_000_000  # fields of one CSV file after blank trailing fields are cut: 5 million rows of six; 1000× the sample has 5 million
WIDTH_KEPT = 200  # a line's blank tail is cut where it is wider than the header's (or than this) ...
CUT_RUN = 100  # ... and at least this many delimiters long
MAX_SHARED_STRINGS = 1_000_000  # distinct texts of a workbook; the 1000× sample needs a few hundred thousand
MAX_EMPTY_ELEMENTS = 1_000_000  # elements without a value in one sheet's XML (empty rows, formatted empty cells, ...)
CHUNK = 1 << 20
OPENED_PARTS = {"[Content_Types].xml", ".rels", "workbook.xml", "workbook.xml.rels", "styles.xml"}  # parsed whole at opening


def _n(value: int) -> str:
    return formatting.number(value)


def lines(text: str) -> Iterator[str]:
    """Yield a text's lines with their `\n`, as `io.StringIO(text)` does, without its copy of four bytes a character."""
    start = 0
    while start < len(text):
        end = text.find("\n", start) + 1 or len(text)
        yield text[start:end]
        start = end


def first_filled_line(text: str) -> str:
    """Return the first line with more than whitespace, found at C speed however many blank lines come first."""
    filled = len(text) - len(text.lstrip())
    end = text.find("\n", filled)
    return text[text.rfind("\n", 0, filled) + 1 : len(text) if end < 0 else end]


def cut_blank_tails(text: str, delimiter: str) -> str:
    """Cut the run of delimiters that ends a line, where it is longer than the header line's (and than CUT_RUN).

    The record reader drops blank trailing fields anyway; cut here, at the speed of a substring
    search, a line of a million `;` costs one byte, not a million Python strings. Lines as wide as
    the header keep their fields, so a plain export still takes the fast Arrow path. Shorter blank
    tails are left to MAX_FIELDS.
    """
    header = first_filled_line(text)
    run = delimiter * max(min(header.count(delimiter), WIDTH_KEPT) + 1, CUT_RUN)
    pieces: list[str] = []
    kept = 0
    at = text.find(run)
    while at >= 0:
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        if text.count(delimiter, at, end) == end - at:  # nothing but delimiters from the run to the line's end
            pieces.append(text[kept:at])
            kept = end
        at = text.find(run, end)
    return "".join([*pieces, text[kept:]]) if pieces else text


def long_line(text: str) -> tuple[int, int] | None:
    """Return (number, length) of a line longer than MAX_LINE_CHARS, or None, at C speed.

    A line that long holds one of the probes spaced half the limit apart; only their lines are measured.
    """
    for probe in range(0, len(text), MAX_LINE_CHARS // 2):
        start = text.rfind("\n", 0, probe) + 1
        end = text.find("\n", probe)
        end = len(text) if end < 0 else end
        if end - start > MAX_LINE_CHARS:
            return text.count("\n", 0, start) + 1, end - start
    return None


def csv_within_limits(text: str, delimiter: str, name: str) -> tuple[str, Problem | None]:
    """Return a CSV text with its blank tails cut, and why it is refused (too many lines, a too long line, too many fields) or None.

    Everything here runs at the speed of a byte search, before the readers make a Python object
    per line or field.
    """
    line_count = text.count("\n") + (not text.endswith("\n"))
    if line_count > MAX_LINES:
        return text, Problem(
            name,
            None,
            None,
            f"filen har {_n(line_count)} linjer, men der læses højst {_n(MAX_LINES)} linjer pr. fil, og tomme linjer tæller med. "
            "Slet de tomme linjer under tabellen, og gem filen igen.",
        )
    text = cut_blank_tails(text, delimiter)
    if (long := long_line(text)) is not None:
        number, length = long
        return text, Problem(
            name,
            None,
            None,
            f"linje {_n(number)} har {_n(length)} tegn, men der læses højst {_n(MAX_LINE_CHARS)} tegn pr. linje (en celle "
            "i Excel har højst 32.767). Gem filen igen fra Excel som CSV.",
        )
    fields = text.count(delimiter) + line_count
    if fields > MAX_FIELDS:
        return text, Problem(
            name,
            None,
            None,
            f"filen har {_n(fields)} felter, men der læses højst {_n(MAX_FIELDS)} felter pr. fil, og tomme felter tæller med. "
            "Slet de tomme rækker og kolonner under og til højre for tabellen, og gem filen igen.",
        )
    return text, None


# --- Workbooks ---------------------------------------------------------------------------------------------


def _count_in_stream(source, counters: dict[str, Callable[[bytes], int]]) -> dict[str, int]:
    """Apply each counter to a binary stream read a megabyte at a time (a tag is never split between reads); sum the counts."""
    counts = dict.fromkeys(counters, 0)
    tail = b""
    while True:
        chunk = source.read(CHUNK)
        data = tail + chunk
        cut = data.rfind(b"<") if chunk else -1
        data, tail = (data[:cut], data[cut:]) if cut > 0 and len(data) - cut < 4096 else (data, b"")
        for key, count in counters.items():
            counts[key] += count(data)
        if not chunk:
            return counts


def _start_tags(data: bytes) -> int:
    """Count the elements that start in `data` (every `<` but end tags, declarations and comments), at C speed."""
    return data.count(b"<") - data.count(b"</") - data.count(b"<?") - data.count(b"<!")


def _shared_string_items(data: bytes) -> int:
    """Count the `<si>` items that end in `data` (`</si>`, `<si/>`; a prefixed `x:si` has two `:si>`), at C speed."""
    return data.count(b"</si>") + data.count(b"<si/>") + data.count(b":si>") // 2


def _values(data: bytes) -> int:
    """Count the values, texts and formulas with something in them (`<v>1</v>`, not `<v></v>` nor `<v/>`), at C speed.

    A prefixed `x:v` is counted from its two `:v>`, empty or not.
    """
    filled = sum(data.count(b"</%s>" % tag) - data.count(b"></%s>" % tag) for tag in (b"v", b"t", b"f"))
    return filled + sum(data.count(b":%s>" % tag) for tag in (b"v", b"t", b"f")) // 2


def worksheet_padding_problem(worksheet, name: str) -> Problem | None:
    """Return why a worksheet's XML is refused before it is parsed (too many elements without a value), or None.

    Every element costs the XML parser microseconds; a filled cell brings at most four (its row's
    share, `<c>`, `<is>` or `<v>`, `<t>`), so elements beyond four per value are padding, allowed up
    to MAX_EMPTY_ELEMENTS (formatted empty cells and rows, as Excel writes them, fit well within).
    """
    with worksheet._get_source() as source:
        counts = _count_in_stream(source, {"elements": _start_tags, "values": _values})
    padding = counts["elements"] - 4 * counts["values"]
    if padding <= MAX_EMPTY_ELEMENTS:
        return None
    return Problem(
        name,
        None,
        None,
        f"arket har omkring {_n(padding)} tomme rækker, celler eller andre elementer uden indhold, men der læses højst "
        f"{_n(MAX_EMPTY_ELEMENTS)} pr. ark. Slet de tomme rækker og kolonner under og til højre for tabellen, og gem "
        "projektmappen igen i Excel.",
    )


def open_workbook(path):
    """Open a workbook read-only with saved values, as openpyxl does, but read its shared strings within limits.

    openpyxl reads every shared string into a list when the workbook opens, whether a cell uses it
    or not (2 million unused strings took over a minute). Here they are counted first (refused past
    MAX_SHARED_STRINGS) and read with a byte pattern, falling back to openpyxl for rich text.
    """
    from openpyxl.reader.excel import ExcelReader

    class BoundedReader(ExcelReader):
        """openpyxl's reader with `read_strings` replaced by a counted, fast one."""

        def read_strings(self):
            from openpyxl.xml.constants import SHARED_STRINGS

            part = self.package.find(SHARED_STRINGS)
            if part is not None:
                self.shared_strings = read_shared_strings(self.archive, part.PartName[1:])

    reader = BoundedReader(path, read_only=True, keep_vba=False, data_only=True, keep_links=False, rich_text=False)
    if padded := _padded_part(reader.archive):
        raise PaddedWorkbook(0, padded)
    reader.read()
    return reader.wb


def _padded_part(archive) -> str | None:
    """Return the name of a part openpyxl parses whole when a workbook opens (styles, workbook, properties, theme) with
    more than MAX_EMPTY_ELEMENTS elements, or None."""
    for info in archive.infolist():
        name = info.filename
        if not name.startswith(("docProps/", "xl/theme/")) and name.rsplit("/", 1)[-1] not in OPENED_PARTS:
            continue  # sheets and shared strings are checked on their own; charts, pivot caches ... are never read
        with archive.open(info) as source:
            if _count_in_stream(source, {"elements": _start_tags})["elements"] > MAX_EMPTY_ELEMENTS:
                return name
    return None


class PaddedWorkbook(Exception):
    """A workbook with more shared strings than MAX_SHARED_STRINGS, or a part (`part`) padded past MAX_EMPTY_ELEMENTS."""

    def __init__(self, count: int, part: str | None = None):
        self.count, self.part = count, part
        super().__init__(f"{count} shared strings" if part is None else f"{part} padded")

    def problem(self, sheet: str) -> Problem:
        """The Danish refusal, on `sheet` (the file)."""
        if self.part is not None:
            return Problem(
                sheet,
                None,
                None,
                f"projektmappens del '{self.part}' har over {_n(MAX_EMPTY_ELEMENTS)} elementer (typografier, navne eller "
                "lignende) og bliver ikke læst. Åbn projektmappen i Excel, gem den igen, og prøv igen.",
            )
        return Problem(
            sheet,
            None,
            None,
            f"projektmappen har {_n(self.count)} forskellige tekster (delte strenge), men der læses højst "
            f"{_n(MAX_SHARED_STRINGS)}. Den er sandsynligvis skrevet af et andet program end Excel: åbn den i Excel, gem den "
            "igen, og prøv igen (Excel gemmer kun de tekster, som cellerne bruger).",
        )


_PLAIN_ITEM = re.compile(
    rb"<si>(?:<t>([^<&\r]*)</t>|<t xml:space=\"preserve\">([^<&\r]*)</t>|<t/>)?</si>"
    rb"|(<(?:\w+:)?si\b[^>]*/>)|(<(?:\w+:)?si\b.*?</(?:\w+:)?si>)",
    re.S,
)


def read_shared_strings(archive, part: str) -> list[str]:
    """Return a workbook's shared strings as openpyxl reads them (plain text of each item, no phonetic runs).

    Refuses (PaddedWorkbook) past MAX_SHARED_STRINGS before reading any. Plain items
    (`<si><t>…</t></si>`, as Excel writes nearly all) are read by a byte pattern, each distinct text
    kept once; any other item is parsed as XML the way openpyxl does.
    """
    with archive.open(part) as source:
        count = _count_in_stream(source, {"items": _shared_string_items})["items"]
    if count > MAX_SHARED_STRINGS:
        raise PaddedWorkbook(count)
    with archive.open(part) as source:
        data = source.read()
    declaration = data[:100].lower()
    if not data.startswith(b"<") or (b"encoding" in declaration and b"utf-8" not in declaration):  # a BOM, UTF-16, ...
        return _openpyxl_strings(data)
    start = data.find(b">", data.find(b"<sst") if b"<sst" in data else 0) + 1
    namespace = _sst_namespace(data[:start])
    intern = {}.setdefault
    strings: list[str] = []
    for match in _PLAIN_ITEM.finditer(data, start):
        plain, preserved, empty, other = match.groups()
        if other is not None:
            text = _parse_item(other, namespace)
            if text is None:
                return _openpyxl_strings(data)
        elif empty is not None:
            text = ""
        else:
            raw = plain if plain is not None else preserved if preserved is not None else b""
            text = raw.decode("utf-8").replace("x005F_", "")
        strings.append(intern(text, text))
    return strings


def _sst_namespace(opening: bytes) -> bytes:
    """Return the `xmlns` declarations of the `<sst>` tag, to parse one item on its own."""
    return b" ".join(re.findall(rb"xmlns(?::\w+)?=\"[^\"]*\"", opening))


def _parse_item(item: bytes, namespace: bytes) -> str | None:
    """Parse one `<si>` item as openpyxl does; None if it cannot be parsed alone."""
    from xml.etree.ElementTree import ParseError, fromstring

    from openpyxl.cell.text import Text

    tag_end = re.match(rb"<((?:\w+:)?si)\b", item)
    head = tag_end.group(0)
    try:
        node = fromstring(head + b" " + namespace + item[len(head) :])
    except ParseError:
        return None
    return Text.from_tree(node).content.replace("x005F_", "")


def _openpyxl_strings(data: bytes) -> list[str]:
    """openpyxl's own reading of the table (its count already checked)."""
    import io

    from openpyxl.reader.strings import read_string_table

    return read_string_table(io.BytesIO(data))
