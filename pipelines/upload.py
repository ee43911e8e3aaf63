"""An uploaded file, checked before the pipeline reads it: a workbook (.xlsx) or a zip of the CSV files.

The Data page hands the bytes here; what comes out is a path that `load_portfolio` reads exactly as
`python -m pipelines load PATH` would. What is refused is refused in Danish before anything is
unpacked: an empty file, anything that is not a workbook or a zip, an encrypted workbook, a zip
with paths outside itself, nested zips or other files than CSV, more than `MAX_MEMBERS` files, two
files whose names differ only by case, and anything that expands to more than `MAX_UNPACKED_BYTES`
(a zip bomb), counted while unpacking: a member whose header claims a small size is stopped too.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from pipelines.problems import InputRejected, Problem
from sikkerby import formatting

FILE_SHEET = "fil"
MAX_UNPACKED_BYTES = 300_000_000  # what a workbook or zip may expand to; the 1000× sample is about 120 MB of CSV
MAX_MEMBERS = 50  # files in a zip of CSV files; the contract has four
MAX_ENTRIES = 10_000  # entries of any zip (a workbook is a zip of some tens), counted before the zip's directory is read
CENTRAL_ENTRY = b"PK\x01\x02"  # the signature of each entry in a zip's directory
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted xlsx (and an old .xls) is an OLE compound file
ZIP_MAGIC = b"PK\x03\x04"
IGNORED = ("__MACOSX/", ".DS_Store")


def refuse(message: str) -> InputRejected:
    return InputRejected([Problem(FILE_SHEET, None, None, message)])


def safe_name(name: str) -> str:
    """Return an upload's file name without folders or characters a file system may choke on."""
    base = PurePosixPath(str(name).replace("\\", "/")).name
    cleaned = re.sub(r"[^\w.\- ()æøåÆØÅ]", "_", base).strip(" .")
    return cleaned[:120] or "upload"


def unpack(name: str, content: bytes, folder: Path) -> Path:
    """Check the upload and write it under `folder`; return the workbook's path or the folder of CSV files."""
    shown = safe_name(name)
    if not content:
        raise refuse(f"'{shown}' er tom (0 byte).")
    if content.startswith(OLE_MAGIC):
        raise refuse(
            f"'{shown}' er en krypteret eller gammel Excel-fil (.xls eller beskyttet med adgangskode). "
            "Gem den som .xlsx uden adgangskode, og prøv igen."
        )
    if not content.startswith(ZIP_MAGIC):
        raise refuse(f"'{shown}' er hverken en Excel-projektmappe (.xlsx) eller en zip-fil med CSV-filerne.")
    if content.count(CENTRAL_ENTRY) > MAX_ENTRIES:  # before zipfile builds an object per entry
        raise refuse(f"'{shown}' indeholder mere end {formatting.number(MAX_ENTRIES)} filer og bliver ikke pakket ud.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = [m for m in archive.infolist() if not m.filename.startswith(IGNORED) and not m.filename.endswith(IGNORED)]
    except zipfile.BadZipFile:
        raise refuse(f"'{shown}' er beskadiget: den kan ikke pakkes ud som .xlsx eller .zip.") from None
    if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise refuse(f"'{shown}' fylder mere end {MAX_UNPACKED_BYTES // 1_000_000} MB, når den pakkes ud, og bliver ikke læst.")
    folder.mkdir(parents=True, exist_ok=True)
    names = {m.filename for m in members}
    if "[Content_Types].xml" in names or any(n.startswith("xl/") for n in names):
        if any(m.flag_bits & 0x1 for m in members):
            raise refuse(f"'{shown}' er beskyttet med adgangskode. Gem den uden adgangskode, og prøv igen.")
        target = folder / (shown if shown.lower().endswith(".xlsx") else shown + ".xlsx")
        target.write_bytes(content)
        return target
    return _unpack_csv_zip(shown, archive, members, folder / "csv")


def _unpack_csv_zip(shown: str, archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], folder: Path) -> Path:
    files = [m for m in members if not m.is_dir()]
    if len(files) > MAX_MEMBERS:
        raise refuse(f"'{shown}' indeholder {len(files)} filer; en zip med CSV-filerne har højst {MAX_MEMBERS}.")
    problems = []
    for member in files:
        path = PurePosixPath(member.filename)
        if path.is_absolute() or ".." in path.parts or member.filename.startswith(("/", "\\")) or ":" in path.parts[0]:
            problems.append(f"'{member.filename}' peger uden for zip-filen og bliver ikke pakket ud.")
        elif member.flag_bits & 0x1:
            problems.append(f"'{member.filename}' er beskyttet med adgangskode.")
        elif path.suffix.lower() in (".zip", ".xlsx", ".gz", ".7z", ".rar"):
            problems.append(f"'{member.filename}' er en pakket fil i zip-filen; læg CSV-filerne direkte i zip-filen.")
        elif path.suffix.lower() != ".csv":
            problems.append(f"'{member.filename}' er ikke en CSV-fil; zip-filen må kun indeholde CSV-filerne.")
    if not files:
        problems.append("zip-filen er tom.")
    if problems:
        raise InputRejected([Problem(FILE_SHEET, None, None, f"{shown}: {p}") for p in problems])
    folder.mkdir(parents=True, exist_ok=True)
    seen: dict[str, str] = {}
    for member in files:
        flat = safe_name(PurePosixPath(member.filename).name)
        if flat.casefold() in seen:
            raise refuse(f"{shown}: '{seen[flat.casefold()]}' og '{member.filename}' har samme navn; zip-filen må kun have én af hver.")
        seen[flat.casefold()] = member.filename
    for member in files:  # each no larger than its header claims: together within MAX_UNPACKED_BYTES, checked above
        try:
            with archive.open(member) as source, open(folder / safe_name(PurePosixPath(member.filename).name), "wb") as target:
                _copy_bounded(source, target, member.file_size, shown, member.filename)
        except (zipfile.BadZipFile, zlib.error, EOFError):
            raise refuse(f"{shown}: '{member.filename}' er beskadiget og kan ikke pakkes ud.") from None
    return folder


def _copy_bounded(source, target, limit: int, shown: str, member: str) -> None:
    """Copy at most `limit` bytes (the size the header claims): a member that inflates further is stopped, whatever the reader."""
    written = 0
    while chunk := source.read(1 << 20):
        written += len(chunk)
        if written > limit:
            raise refuse(f"{shown}: '{member}' fylder mere, når den pakkes ud, end zip-filen oplyser, og bliver ikke læst.")
        target.write(chunk)
