"""Indlæs data: an analyst uploads a workbook, sees what it changes, makes it live and restores the old one;
a broken or hostile file is refused in Danish and the live database stays byte for byte as it was.

Expected values by hand from the small fixture (tests/conftest.py): SOF-001 has 1.734.567,50 kr. in
2010, BUF-001 2.000.000 kr. in 2010, TMF-001 750.000,25 kr. in 2011.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd
import pytest

from pipelines import upload
from tests.apptest_helpers import failures, metric, open_app, read_danish_csv, table
from tests.conftest import small_portfolio, write_csv_folder, write_xlsx, zip_of


@pytest.fixture(autouse=True)
def live_db(small_db, monkeypatch) -> Path:
    monkeypatch.setenv("SIKKERBY_DB", str(small_db))
    return small_db


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def upload_file(name: str, content: bytes):
    at = open_app("data")
    at.file_uploader(key="data_upload").set_value((name, content, "application/octet-stream"))
    at.run()
    assert not failures(at), failures(at)
    return at


def workbook_bytes(sheets: dict[str, pd.DataFrame], tmp_path: Path) -> bytes:
    return write_xlsx(sheets, tmp_path / "upload.xlsx").read_bytes()


def changed_portfolio() -> dict[str, pd.DataFrame]:
    """TMF-001 removed, BUF-001's 2010 budget raised to 2.500.000, SOF-002 added with 100.000 kr. in Valby in 2010."""
    sheets = small_portfolio()
    for name in ("indsatser", "budget", "aktivitet", "effektmaal"):
        sheets[name] = sheets[name][sheets[name]["indsats_id"] != "TMF-001"].reset_index(drop=True)
    sheets["budget"].loc[sheets["budget"]["indsats_id"] == "BUF-001", "budget_kr"] = "2500000"
    new = sheets["indsatser"].iloc[[0]].assign(indsats_id="SOF-002", navn="Nattevandring")
    sheets["indsatser"] = pd.concat([sheets["indsatser"], new], ignore_index=True)
    line = pd.DataFrame([["SOF-002", "2010", "Valby", "100000", "", "kommune"]], columns=sheets["budget"].columns)
    sheets["budget"] = pd.concat([sheets["budget"], line], ignore_index=True)
    return sheets


def test_an_upload_shows_what_would_change_before_anything_goes_live(live_db, tmp_path):
    before = sha(live_db)
    at = upload_file("indsatser_2026.xlsx", workbook_bytes(changed_portfolio(), tmp_path))
    assert metric(at, "Indsatser tilføjet") == "1"  # SOF-002
    assert metric(at, "Indsatser fjernet") == "1"  # TMF-001
    assert metric(at, "Indsatser ændret") == "1"  # BUF-001's budget
    budget = table(at, "Før (kr.)").set_index("År")
    assert budget.loc[2010].tolist() == pytest.approx([3_734_567.5, 4_334_567.5, 600_000])  # +500.000 BUF, +100.000 SOF-002
    assert budget.loc[2011, "Før (kr.)"] == pytest.approx(750_000.25) and pd.isna(budget.loc[2011, "Efter (kr.)"])
    assert sha(live_db) == before  # nothing is live yet


def test_going_live_shows_the_new_figures_and_a_restore_brings_the_old_back(live_db, tmp_path):
    content = workbook_bytes(changed_portfolio(), tmp_path)
    at = upload_file("indsatser_2026.xlsx", content)
    at.button(key="data_publish").click().run()
    assert not failures(at), failures(at)
    assert metric(open_app("overview", {"aar": "2010"}), "Besluttet budget (mio. kr.)") == "4,3"  # 3.734.567,5 + 600.000

    at = open_app("data")
    versions = table(at, "Fil")
    assert versions["Live"].tolist() == ["Ja", ""]
    assert versions["Fil"].iloc[0] == "indsatser_2026.xlsx"
    assert versions["SHA-256"].iloc[0] == hashlib.sha256(content).hexdigest()
    assert versions["Ændringer"].iloc[0] == "1 indsatser tilføjet, 1 fjernet, 1 ændret"
    at.button(key="data_restore").click().run()
    assert not failures(at), failures(at)
    assert metric(open_app("overview", {"aar": "2010"}), "Besluttet budget (mio. kr.)") == "3,7"


def test_a_workbook_that_breaks_the_contract_gets_the_full_report_and_changes_nothing(live_db, tmp_path, downloads):
    sheets = small_portfolio()
    sheets["budget"].loc[0, "budget_kr"] = "mange penge"
    sheets["budget"].loc[1, "bydel"] = "Narnia"
    sheets["indsatser"].loc[2, "status"] = "måske"
    before = sha(live_db)
    at = upload_file("fejl.xlsx", workbook_bytes(sheets, tmp_path))
    assert any("fejl\\.xlsx blev ikke indlæst:** 3 problem(er)" in e.value for e in at.error)
    report = table(at, "Problem")
    assert sorted(zip(report["Ark"], report["Række"], report["Kolonne"], strict=True)) == [
        ("budget", 2, "budget_kr"),
        ("budget", 3, "bydel"),
        ("indsatser", 4, "status"),
    ]  # Excel rows: the header is row 1
    csv = read_danish_csv(downloads.get(at, "csv_load_problems")[1])
    assert len(csv) == 3 and list(csv.columns) == ["Ark", "Række", "Kolonne", "Problem"]
    assert sha(live_db) == before


def csv_members(tmp_path: Path) -> dict[str, bytes]:
    folder = write_csv_folder(small_portfolio(), tmp_path / "csv")
    return {path.name: path.read_bytes() for path in folder.glob("*.csv")}


def test_a_zip_of_the_csv_files_loads_like_the_folder(live_db, tmp_path):
    at = upload_file("indsatser.zip", zip_of(csv_members(tmp_path)))
    assert metric(at, "Indsatser ændret") == "0"
    assert any("overholder kontrakten" in s.value for s in at.success)


HOSTILE = {
    "empty": ("tom.xlsx", lambda tmp: b"", "'tom.xlsx' er tom (0 byte)."),
    "encrypted": (
        "hemmelig.xlsx",
        lambda tmp: upload.OLE_MAGIC + b"\0" * 600,
        "'hemmelig.xlsx' er en krypteret eller gammel Excel-fil",
    ),
    "not a workbook": (
        "billede.xlsx",
        lambda tmp: b"\x89PNG\r\n\x1a\n" + b"\0" * 100,
        "er hverken en Excel-projektmappe (.xlsx) eller en zip-fil",
    ),
    "path outside": ("ond.zip", lambda tmp: zip_of({"../../etc/evil.csv": b"a;b\n"}), "peger uden for zip-filen"),
    "absolute path": ("ond.zip", lambda tmp: zip_of({"/tmp/evil.csv": b"a;b\n"}), "peger uden for zip-filen"),
    "nested zip": ("pakket.zip", lambda tmp: zip_of({"indre.zip": zip_of({"budget.csv": b"a"})}), "er en pakket fil i zip-filen"),
    "other file": ("blandet.zip", lambda tmp: zip_of({"budget.csv": b"a", "virus.exe": b"MZ"}), "'virus.exe' er ikke en CSV-fil"),
    "two of one name": (
        "dobbelt.zip",
        lambda tmp: zip_of({"a/budget.csv": b"x", "b/budget.csv": b"y"}),
        "har samme navn",
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_upload_is_refused_in_danish_and_the_live_data_is_unchanged(live_db, tmp_path, case):
    name, make, message = HOSTILE[case]
    before = sha(live_db)
    at = upload_file(name, make(tmp_path))
    assert any(message in p for p in table(at, "Problem")["Problem"]), table(at, "Problem")["Problem"].tolist()
    assert sha(live_db) == before
    assert not list(live_db.parent.glob(f".{live_db.name}.staging/*.duckdb")), "a refused upload left a staged database"


def test_a_zip_bomb_is_refused_before_it_is_unpacked(live_db, monkeypatch):
    monkeypatch.setattr(upload, "MAX_UNPACKED_BYTES", 1_000_000)
    bomb = zip_of({"budget.csv": b"0" * 5_000_000})  # 5 MB of zeros packs to a few kB
    assert len(bomb) < 50_000
    before = sha(live_db)
    at = upload_file("bombe.zip", bomb)
    assert any("fylder mere end 1 MB, når den pakkes ud" in p for p in table(at, "Problem")["Problem"])
    assert sha(live_db) == before


def test_a_staged_upload_is_refused_if_the_live_data_changed_meanwhile(live_db, tmp_path, app_on_portfolio):
    from pipelines.load import load_portfolio

    at = upload_file("indsatser_2026.xlsx", workbook_bytes(changed_portfolio(), tmp_path))
    load_portfolio(write_csv_folder(small_portfolio(), tmp_path / "other"), live_db)  # someone loads from the command line
    after_other_load = sha(live_db)
    at.button(key="data_publish").click().run()
    assert any("Data er blevet opdateret, siden filen blev indlæst" in e.value for e in at.error)
    assert sha(live_db) == after_other_load


def test_a_load_from_the_command_line_keeps_the_version_it_replaces(live_db, tmp_path):
    from pipelines.__main__ import main

    assert main(["load", str(write_csv_folder(changed_portfolio(), tmp_path / "cli")), "--db", str(live_db)]) == 0
    at = open_app("data")
    versions = table(at, "Fil")
    assert versions["Live"].tolist() == ["Ja", ""]  # the new load is live, the small fixture is kept
    assert versions["Ændringer"].tolist() == ["indlæst med kommandolinjen"] * 2
    at.button(key="data_restore").click().run()
    assert metric(open_app("overview", {"aar": "2010"}), "Besluttet budget (mio. kr.)") == "3,7"  # the small fixture again


def test_only_the_newest_five_replaced_versions_are_kept(live_db, tmp_path):
    from pipelines.load import load_portfolio
    from pipelines.store import versions_dir

    folder = write_csv_folder(small_portfolio(), tmp_path / "again")
    for _ in range(7):
        load_portfolio(folder, live_db)
    assert len(list(versions_dir(live_db).glob("*.duckdb"))) == 5  # seven files were replaced; the two oldest are gone


# --- Versions survive restores and damaged descriptions ----------------------------------------


def load_again(live_db: Path, folder: Path) -> str:
    """Load the small portfolio again with the command line's own code; return the new live version id."""
    from pipelines.load import load_portfolio
    from pipelines.versions import data_version

    load_portfolio(folder, live_db)
    return data_version(live_db)


def set_went_live(live_db: Path, version_id: str, when: str) -> None:
    """Hand-make a version's description: it went live at `when` from `fil_<when>.xlsx`."""
    import json

    from pipelines.store import versions_dir

    description = {"version_id": version_id, "published_at": when, "file_name": f"fil_{when}.xlsx", "sha256": "0" * 64, "changes": "-"}
    (versions_dir(live_db) / f"{version_id}.json").write_text(json.dumps(description), encoding="utf-8")


def kept_ids(live_db: Path) -> set[str]:
    from pipelines.store import versions_dir

    return {path.stem for path in versions_dir(live_db).glob("*.duckdb")}


def test_the_version_live_before_the_newest_is_kept_whatever_its_date(live_db, tmp_path):
    from pipelines import versions

    folder = write_csv_folder(small_portfolio(), tmp_path / "again")
    ids = [versions.data_version(live_db)] + [load_again(live_db, folder) for _ in range(5)]  # v1 … v6, v6 live
    for number, version_id in enumerate(ids[:5], start=1):  # v1 … v5 went live on 1 to 5 January 2020
        set_went_live(live_db, version_id, f"2020-01-0{number}T12:00:00")
    versions.restore(ids[0], live_db)  # v1 live again; v6 kept
    assert versions.data_version(live_db) == ids[0]
    v7 = load_again(live_db, folder)  # v7 replaces v1
    assert versions.data_version(live_db) == v7
    # Five kept: v1 (live just before v7), v6 (live before v1) and v5, v4, v3; v2, the oldest of the rest, is gone.
    assert kept_ids(live_db) == {ids[0], ids[5], ids[4], ids[3], ids[2]}


def test_pruning_keeps_the_one_just_replaced_even_when_every_other_is_newer(live_db, tmp_path):
    from pipelines import versions

    folder = write_csv_folder(small_portfolio(), tmp_path / "again")
    ids = [versions.data_version(live_db)] + [load_again(live_db, folder) for _ in range(5)]  # v6 live, v1 … v5 kept
    for number, version_id in enumerate(ids[:5], start=1):
        set_went_live(live_db, version_id, f"2030-01-0{number}T12:00:00")  # all "newer" than today
    load_again(live_db, folder)  # v6 is replaced: its own date (today) is older than every other's
    assert ids[5] in kept_ids(live_db)
    assert kept_ids(live_db) == {ids[5], ids[4], ids[3], ids[2], ids[1]}  # v1, the oldest, is gone


DAMAGED = {
    "empty": b"",
    "not json": b"{ikke json",
    "a list": b'["2020-01-01", "fil.xlsx"]',
    "a number": b"42",
    "missing keys": b'{"version_id": "x"}',
    "wrong types": b'{"published_at": 20200101, "file_name": ["a"], "sha256": null, "changes": {}}',
    "not a date": b'{"published_at": "i g\\u00e5r", "file_name": "a.xlsx", "sha256": "00", "changes": "-"}',
    "not utf-8": b"\xff\xfe\x00{",
    "deeply nested": b"[" * 200_000,
}


@pytest.mark.parametrize("case", list(DAMAGED))
def test_a_damaged_version_description_blocks_no_load_no_restore_and_not_the_page(live_db, tmp_path, case):
    from pipelines.__main__ import main
    from pipelines.store import versions_dir
    from pipelines.versions import data_version

    v1 = data_version(live_db)
    folder = write_csv_folder(small_portfolio(), tmp_path / "again")
    assert main(["load", str(folder), "--db", str(live_db)]) == 0  # v2 live, v1 kept
    v2 = data_version(live_db)
    (damaged,) = versions_dir(live_db).glob("*.json")  # v1's description
    damaged.write_bytes(DAMAGED[case])
    assert main(["load", str(write_csv_folder(changed_portfolio(), tmp_path / "changed")), "--db", str(live_db)]) == 0  # v3 live
    at = open_app("data")
    versions = table(at, "Fil")
    assert versions["Live"].tolist() == ["Ja", "", ""]
    assert versions["Ændringer"].tolist() == ["indlæst med kommandolinjen", "indlæst med kommandolinjen", "Beskrivelsen kan ikke læses"]
    assert pd.isna(versions["Gik live"].iloc[2]) or versions["Gik live"].iloc[2] in ("", "–")
    assert metric(open_app("overview", {"aar": "2010"}), "Besluttet budget (mio. kr.)") == "4,3"  # v3: the changed portfolio
    at.selectbox(key="data_restore_pick").set_value(v2)
    at.button(key="data_restore").click().run()  # another version than the damaged one's
    assert not failures(at), failures(at)
    assert data_version(live_db) == v2
    assert metric(open_app("overview", {"aar": "2010"}), "Besluttet budget (mio. kr.)") == "3,7"
    at = open_app("data")
    at.selectbox(key="data_restore_pick").set_value(v1)
    at.button(key="data_restore").click().run()  # v1 itself: unreadable description, sound database
    assert not failures(at), failures(at)
    assert data_version(live_db) == v1


@pytest.mark.parametrize("damage", [b"", b"ikke en database", b"\0" * 4096])
def test_a_kept_version_whose_database_file_is_damaged_is_not_restored(live_db, tmp_path, damage):
    from pipelines.__main__ import main
    from pipelines.store import versions_dir

    assert main(["load", str(write_csv_folder(changed_portfolio(), tmp_path / "changed")), "--db", str(live_db)]) == 0
    (kept,) = versions_dir(live_db).glob("*.duckdb")  # the small fixture, replaced
    kept.unlink()  # a hard link: write the damage into a file of its own
    kept.write_bytes(damage)
    before = sha(live_db)
    at = open_app("data")
    at.button(key="data_restore").click().run()
    assert not failures(at), failures(at)
    assert any("kan ikke gendannes: dens databasefil er beskadiget" in e.value for e in at.error)
    assert sha(live_db) == before
    assert metric(open_app("overview", {"aar": "2010"}), "Besluttet budget (mio. kr.)") == "4,3"  # still the changed portfolio


# --- No server path in any message -------------------------------------------------------------

ABSOLUTE_PATH = re.compile(r"(^|[\s'\"(=:])/[^\s'\"/]+/")


def shown_texts(at) -> list[str]:
    """Every text the page shows: panels, captions, markdown, toasts, and each cell of each table."""
    texts = [
        e.value
        for kind in ("error", "warning", "info", "success", "markdown", "caption", "text", "toast", "exception")
        for e in getattr(at, kind)
    ]
    for frame in at.dataframe:
        texts += [str(cell) for cell in frame.value.astype(str).to_numpy().ravel()]
    return [str(t) for t in texts]


def assert_no_server_path(at, tmp_path: Path) -> None:
    for text in shown_texts(at):
        assert str(tmp_path) not in text and "/tmp" not in text and not ABSOLUTE_PATH.search(text), text


def no_workbook_part() -> bytes:
    """A zip that looks like a workbook ([Content_Types].xml, xl/) but has no workbook in it."""
    return zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"ikke xml"})


REFUSED_BY_THE_READER = {
    "no workbook part": ("budget 2026.xlsx", no_workbook_part, "'budget 2026.xlsx' kan ikke læses som Excel-projektmappe"),
    "no contract files in the zip": ("andre filer.zip", lambda: zip_of({"noter.csv": b"a;b\n1;2\n"}), "findes i 'andre filer.zip'"),
}


@pytest.mark.parametrize("case", list(REFUSED_BY_THE_READER))
def test_a_refused_upload_names_the_file_as_uploaded_and_never_a_server_path(live_db, tmp_path, case):
    name, make, message = REFUSED_BY_THE_READER[case]
    at = upload_file(name, make())
    problems = table(at, "Problem")["Problem"].tolist()
    assert any(message in p for p in problems), problems
    assert_no_server_path(at, tmp_path)


def test_a_load_the_disk_refuses_says_why_without_a_server_path(live_db, tmp_path, monkeypatch):
    import errno

    from pipelines import store

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "x.tmp"))

    monkeypatch.setattr(store, "_write_and_swap", full_disk)
    at = upload_file("indsatser.xlsx", workbook_bytes(small_portfolio(), tmp_path))
    assert any("Databasefilen 'small.duckdb' kan ikke skrives: disken er fuld." in p for p in table(at, "Problem")["Problem"])
    assert_no_server_path(at, tmp_path)


# --- The preview counts an initiative whose money or people only moved between districts -------


def moved(sheet: str, changes: dict[tuple[int, str], str]) -> dict[str, pd.DataFrame]:
    """The small portfolio with some cells of one sheet retyped: {(row index, column): text}."""
    sheets = small_portfolio()
    for (row, column), text in changes.items():
        sheets[sheet].loc[row, column] = text
    return sheets


MOVES = {
    # SOF-001's 2010 lines: Nørrebro 1.234.567,50 kr. (row 0) and Bispebjerg 500.000 kr. (row 1); the year's total stays 3.734.567,50.
    "Nørrebro's line moved to Valby": ("budget", {(0, "bydel"): "Valby"}),
    "the two districts' amounts swapped": ("budget", {(0, "budget_kr"): "500000", (1, "budget_kr"): "1234567.5"}),
    "100.000 kr. moved from Nørrebro to Bispebjerg": ("budget", {(0, "budget_kr"): "1134567.5", (1, "budget_kr"): "600000"}),
    "the 120 participants moved from Nørrebro to Valby": ("aktivitet", {(0, "bydel"): "Valby"}),
}


@pytest.mark.parametrize("case", list(MOVES))
def test_an_initiative_whose_budget_only_moved_between_districts_is_previewed_as_changed(live_db, tmp_path, case):
    sheet, changes = MOVES[case]
    at = upload_file("flyttet.xlsx", workbook_bytes(moved(sheet, changes), tmp_path))
    assert (metric(at, "Indsatser tilføjet"), metric(at, "Indsatser fjernet"), metric(at, "Indsatser ændret")) == ("0", "0", "1")
    assert any(t.value == "SOF-001" for t in at.text)  # the list of changed initiatives
    budget = table(at, "Før (kr.)").set_index("År")
    assert budget.loc[2010].tolist() == pytest.approx([3_734_567.5, 3_734_567.5, 0])  # the same total before and after
