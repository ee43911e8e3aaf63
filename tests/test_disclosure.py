"""Disclosure control: people counts of 1–4 read "<5", and nothing shown lets a reader work one out.

The rule itself is in tests/test_disclosure_rule.py, the attack over every filter in
tests/test_disclosure_attack.py. Here: how hidden
figures are written (formatting, tables, CSV, xlsx), then every page and download of the app on a
portfolio with small counts, attacked with the totals a reader has beside each table.
"""

from __future__ import annotations

import io
import math
import pickle
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import NamedTuple

import numpy as np
import openpyxl
import pandas as pd
import pytest
import streamlit as st
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from dashboard import analysis, brief, database, disclosure, queries, scenario_view, tables
from dashboard.export import csv_bytes, xlsx_book, xlsx_bytes
from dashboard.filters import Filters
from dashboard.prioritisation import place_initiatives
from dashboard.scenario_outcome import outcome
from dashboard.scenarios import Change, Scenario
from pipelines.load import load_portfolio
from sikkerby import formatting as fmt
from sikkerby.vocabulary import FOCUS_AREAS
from tests.apptest_helpers import PAGES, displayed, open_app, read_danish_csv, shown_cells
from tests.conftest import small_portfolio, write_csv_folder

FEW, HIDDEN = "<5", "skjult"


def markers(values: pd.Series) -> list:
    """The column as a reader sees its cells: the marker of a hidden cell, else the number (None when missing)."""
    return [v.marker if fmt.is_hidden(v) else None if pd.isna(v) else v for v in values]


# --- How a hidden figure is written -------------------------------------------------------------


def test_every_formatter_writes_the_marker():
    hidden = fmt.Hidden(FEW)
    for formatter in (fmt.number, fmt.kr, fmt.mio_kr, fmt.mio, fmt.percent, fmt.per_thousand, fmt.trimmed, fmt.year, fmt.text):
        assert formatter(hidden) == FEW
    assert fmt.signed_change(fmt.Hidden(HIDDEN)) == HIDDEN
    assert fmt.number(float("nan")) == fmt.MISSING  # a missing value is still a dash


def test_a_hidden_figure_is_missing_to_pandas_and_survives_the_cache():
    values = pd.Series([110.0, fmt.Hidden(FEW), 0.0], dtype=object)
    assert values.sum() == 110
    assert values.isna().tolist() == [False, True, False]
    assert pickle.loads(pickle.dumps(values))[1].marker == FEW
    assert fmt.column(values, fmt.number).tolist() == ["110", FEW, "0"]


def test_a_table_shows_the_marker_and_formats_the_rest_as_numbers():
    frame = pd.DataFrame(
        {
            "Nået 18–25 år (personer)": pd.Series([1234.0, fmt.Hidden(FEW), None], dtype=object),
            "Kr./deltager": pd.Series([1500.0, fmt.Hidden(HIDDEN), 10.0], dtype=object),
        }
    )
    shown = shown_cells(tables.styled(frame))
    assert shown.values.tolist() == [
        ["1.234", "1.500 kr."],
        ["<5", "skjult"],
        ["–", "10 kr."],
    ]  # a hidden figure is NaN to pandas, yet never "–"


def test_csv_and_xlsx_write_the_marker_and_keep_numbers_numeric():
    frame = pd.DataFrame(
        {"Bydel": ["Nørrebro", "Bispebjerg", "Valby"], "Nået pr. 1.000 unge": pd.Series([7.947977, fmt.Hidden(HIDDEN), 0.0], dtype=object)}
    )
    assert csv_bytes(frame).decode("utf-8-sig").splitlines() == [
        "Bydel;Nået pr. 1.000 unge",
        "Nørrebro;7,95",
        "Bispebjerg;skjult",
        "Valby;0,0",
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frame, "x"))).active
    assert [sheet["B2"].value, sheet["B3"].value, sheet["B4"].value] == [7.95, HIDDEN, 0]
    assert sheet["B3"].data_type == "s" and sheet["B2"].data_type == "n"


# --- Every page and every download, on a portfolio with small counts ----------------------------
#
# The small portfolio (tests/conftest.py, described in tests/test_figures_by_hand.py) with two
# activity lines added in 2010:
# - SOF-001 in Bispebjerg: 3 people, 2 of them 18–25 (both 1–4);
# - TMF-001 in Valby: 12 people, 10 of them 18–25 (12 − 10 = 2 older ones).
# By hand, 2010. The finest figures (an initiative's history, per district and city-wide):
#   SOF-001 Nørrebro 120 / 110, Bispebjerg 3 / 2; TMF-001 Valby 12 / 10; BUF-001 city-wide 85 / 0.
# - SOF-001's history: Bispebjerg "<5" / "<5"; beside its total 123 / 112 in Indsatser, alone it would
#   be 123 − 120 and 112 − 110, so Nørrebro is "skjult" / "skjult" too (either can then be 1–4).
# - TMF-001's history: deltagere 12 "skjult" (12 − 10 = 2). Nothing else in its year could protect
#   it, so every sum holding it is hidden too: TMF-001's deltagere in Indsatser.
# - Unge 18–25 per district (Nørrebro 110, Valby 10, Bispebjerg 2, the other seven 0; city 122): a
#   district sum holding only part of SOF-001's hidden pair would give it away, so Nørrebro and
#   Bispebjerg are hidden ("skjult", "<5"); Valby's 10 is shown. With the city line, Nørrebro +
#   Bispebjerg = 112 and Nørrebro ≥ 5: Bispebjerg can be 1–4.
# - Indsatser: SOF-001 123 / 112 (the whole pair: shown), BUF-001 85 / 0, TMF-001 "skjult" / 10.
# - Bispebjerg chosen: SOF-001 there 3 / 2 → "<5" / "<5"; the 18–25 trend and key figure too.
# - Nørrebro chosen: 120 / 110 there are half of SOF-001's pair → "skjult"; so is the 18–25 trend.
# - Valby chosen: TMF-001 "skjult" / 10; the trend 10 (Valby is shown on Unge 18–25).

VIEWS = {
    "default": {"aar": "2010"},
    "Bispebjerg": {"aar": "2010", "bydel": "Bispebjerg"},
    "Nørrebro": {"aar": "2010", "bydel": "Nørrebro"},
    "Valby": {"aar": "2010", "bydel": "Valby"},
}
PEOPLE = (
    "Deltagere (personer)",
    "Heraf 18–25 år (personer)",
    "Nået 18–25 år (personer)",
    "Nået 18–25 år, udgangspunkt (personer)",
    "Nået 18–25 år, scenarie (personer)",
)
WHOLE, PART = "Deltagere (personer)", "Heraf 18–25 år (personer)"
RATE_OF = {
    "Kr./deltager": WHOLE,
    "Kr./18–25-årig": PART,
    "Nået pr. 1.000 unge": "Nået 18–25 år (personer)",
    "Nået pr. 1.000 unge, udgangspunkt": "Nået 18–25 år, udgangspunkt (personer)",
    "Nået pr. 1.000 unge, scenarie": "Nået 18–25 år, scenarie (personer)",
}
LINES = {  # the finest figures: (initiative, district) → (deltagere, heraf 18–25)
    ("SOF-001", "Nørrebro"): (120, 110),
    ("SOF-001", "Bispebjerg"): (3, 2),
    ("TMF-001", "Valby"): (12, 10),
    ("BUF-001", "Hele byen"): (85, 0),
}
AREAS = {"Socialt udsatte unge over 18 år": "SOF-001", "Lokal indsats": "TMF-001", "Socialt udsatte unge under 18 år": "BUF-001"}
AREA_NAMES = {1: "Lokal indsats", 4: "Socialt udsatte unge over 18 år", 5: "Socialt udsatte unge under 18 år"}
INDSATSER_TOTALS = {"SOF-001": (123, 112), "TMF-001": (None, 10), "BUF-001": (85, 0)}  # as Indsatser shows them (None: hidden)
TREND = {"default": 122, "Bispebjerg": None, "Nørrebro": None, "Valby": 10}  # the 18–25 trend as Unge 18–25 shows it
KEY_FIGURE = {"default": "1,6", "Bispebjerg": HIDDEN, "Nørrebro": HIDDEN, "Valby": "1,6"}  # 122 / 77.484, 10 / 6.151 × 1.000
DETAIL_KEYS = {"initiatives": "initiative_detail", "prioritisation": "priority_detail"}


def small_counts_portfolio() -> dict[str, pd.DataFrame]:
    sheets = small_portfolio()
    activity = sheets["aktivitet"]
    added = pd.DataFrame(
        [["SOF-001", "2010", "Bispebjerg", "3", "2", ""], ["TMF-001", "2010", "Valby", "12", "10", ""]], columns=activity.columns
    )
    sheets["aktivitet"] = pd.concat([activity, added], ignore_index=True)
    return sheets


class Reading(NamedTuple):
    """One table or download as a reader has it, and what its rows add up (the finest figures each sums)."""

    where: str
    frame: pd.DataFrame
    initiative: str | None  # the initiative whose history this is
    area: str | None  # the focus area of an Indsatsområder table


def area_of(name: str) -> str | None:
    """The focus area an Indsatsområder download belongs to (`omraade4_daekning_2010.csv`)."""
    found = re.search(r"omraade(\d+)_", name)
    return AREA_NAMES.get(int(found.group(1)), "") if found else None


def tables_under_headers(node, header: str | None = None):
    """Yield every table on the page in order, with the focus area (an Indsatsområder header) it stands under, if any."""
    for child in getattr(node, "children", {}).values():
        if getattr(child, "type", None) == "header":
            header = child.value if child.value in FOCUS_AREAS else None  # other pages' section headers are not areas
        elif getattr(child, "type", None) == "dataframe":
            yield child, header
        yield from tables_under_headers(child, header)


def readings(at, files: dict, page: str) -> list[Reading]:
    """Every table on the page (as text) and every CSV and xlsx it offers; for a history, each initiative in turn."""
    detail = DETAIL_KEYS.get(page)
    has_detail = detail is not None and any(box.key == detail for box in at.selectbox)
    states = list(at.selectbox(key=detail).options) if has_detail else [None]
    out = []
    for state in states:
        if state is not None:
            at.selectbox(key=detail).select(state).run()
        chosen = at.selectbox(key=detail).value if has_detail else None
        out += [Reading(f"table under {h} ({chosen})", displayed(d), chosen, h) for d, h in tables_under_headers(at.main)]
        for button in at.download_button:
            name, data = files.get(button.proto.url.rsplit("/", 1)[-1].split(".")[0], (None, None))
            if name and name.endswith(".csv"):
                out.append(Reading(name, read_danish_csv(data).astype(object), chosen, area_of(name)))
            elif name and name.endswith(".xlsx"):
                out.append(Reading(name, pd.read_excel(io.BytesIO(data)).astype(object), chosen, area_of(name)))
    return out


@pytest.fixture(scope="module")
def every_view(tmp_path_factory) -> dict:
    """Open every page in every view on the small-counts portfolio once: (page, view) → (readings, key figures)."""
    folder = tmp_path_factory.mktemp("small_counts")
    db = folder / "small_counts.duckdb"
    load_portfolio(write_csv_folder(small_counts_portfolio(), folder / "csv"), db)
    files: dict = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def recording(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        files[file_id] = (filename, path_or_data)
        return file_id

    seen = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SIKKERBY_DB", str(db))
        patch.setenv("SIKKERBY_SCENARIOS", str(folder / "scenarios.sqlite"))
        patch.setattr(MemoryMediaFileStorage, "load_and_get_id", recording)
        st.cache_data.clear()
        for page in PAGES:
            for view, query in VIEWS.items():
                at = open_app(page, query)
                figures = {m.label: m.value for m in at.metric}
                seen[page, view] = (readings(at, files, page), figures)
        st.cache_data.clear()
    return seen


def cell(value: object) -> object:
    """A cell as a number, a marker ("<5", "skjult") or None: from a table's text (Danish), a CSV or a workbook."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if not isinstance(value, (int, float)):
        text = str(value).strip().removesuffix(" kr.").strip()
        if text in (FEW, HIDDEN):
            return text
        if text in ("", fmt.MISSING, "nan", "None"):
            return None
        value = float(text.replace(".", "").replace(",", "."))
    return int(value) if float(value).is_integer() else float(value)


def summed(reading: Reading, row: pd.Series, view: str) -> list[tuple[str, str]]:
    """The finest lines (initiative, district) a row of a table adds up, worked out from what the table is."""
    frame, district = reading.frame, None if view == "default" else view
    if "Id" in frame and reading.where.startswith("prioritering"):  # placed on its whole year, under every filter
        return [key for key in LINES if key[0] == row["Id"]]
    if "Id" in frame:  # an initiative, in the chosen districts (all, and city-wide, without a filter)
        return [key for key in LINES if key[0] == row["Id"] and district in (None, key[1])]
    if "Bydel" in frame and "År" in frame:  # one line of an initiative's history (people only in 2010)
        return [(reading.initiative, row["Bydel"])] if (reading.initiative, row["Bydel"]) in LINES and cell(row["År"]) == 2010 else []
    if "Bydel" in frame:  # a district: every initiative, or the area's on Indsatsområder
        return [key for key in LINES if key[1] == row["Bydel"] and (reading.area is None or AREAS.get(reading.area) == key[0])]
    return [key for key in LINES if district in (None, key[1])]  # a year: the chosen district's, or the city's


def true_values(reading: Reading, view: str) -> pd.DataFrame:
    """The true people counts behind a table's cells, from the finest figures worked out by hand above."""
    columns = [c for c in reading.frame.columns if c in PEOPLE]
    truth = pd.DataFrame(index=reading.frame.index, columns=columns, dtype=object)
    for i, row in reading.frame.iterrows():
        lines = summed(reading, row, view)
        for column in columns:
            truth.loc[i, column] = sum(LINES[key][0 if column == WHOLE else 1] for key in lines)
    return truth


def known_total(reading: Reading, column: str, truth: pd.DataFrame, view: str) -> int | None:
    """The column total a reader has beside the table: shown on the page, or worked out from another page."""
    frame = reading.frame
    if "Bydel" in frame and "År" in frame:  # a history: the year's totals stand in Indsatser (unless hidden there)
        return INDSATSER_TOTALS[reading.initiative][0 if column == WHOLE else 1]
    if "Bydel" in frame:  # per district: the city line on Unge 18–25 (with the area's filter on Indsatsområder)
        return int(sum(truth[column]))
    if column == PART:  # 18–25 per initiative: the trend on Unge 18–25 under the same filters
        return TREND[view]
    return None  # deltagere per initiative, or years: no total of them is shown anywhere


def possible(cells: list, total: int | None, low: list[int], high: list[int]) -> dict[int, set[int]]:
    """For each hidden cell: every whole number it can hold, given the shown cells, the markers and the column total."""
    hidden = [i for i, v in enumerate(cells) if isinstance(v, str)]
    if total is None:
        return {i: set(range(low[i], high[i] + 1)) for i in hidden}
    rest = round(total - sum(v for v in cells if isinstance(v, (int, float))))
    ranges = {i: range(max(low[i], 0), min(high[i], rest) + 1) for i in hidden}
    out = {}
    for i in hidden:
        sums = {0}
        for j in hidden:
            if j != i:
                sums = {s + x for s in sums for x in ranges[j] if s + x <= rest}
        out[i] = {x for x in ranges[i] if rest - x in sums}
    return out


def recovered(frame: pd.DataFrame, totals: dict[str, int | None]) -> list[str]:
    """Try to work out each hidden count: from the column totals, the other cells and each row's deltagere − heraf 18–25.

    The reader knows the rule: "<5" is 1–4; "skjult" is at least 5 (or any number, if that leaves no
    solution); heraf 18–25 is at most deltagere. Returns what is recovered to one value in 1–4.
    """
    cells = {c: [cell(v) for v in frame[c]] for c in totals}
    bounds = {}
    for strong in (True, False):
        for c, values in cells.items():
            low = [1 if v == FEW else (5 if strong else 0) for v in values]
            high = [4 if v == FEW else 10**4 for v in values]
            if c == PART and WHOLE in cells:  # a part is at most its whole
                high = [min(h, w) if isinstance(w, (int, float)) else h for h, w in zip(high, cells[WHOLE], strict=True)]
            if c == WHOLE and PART in cells:
                low = [max(lo, p) if isinstance(p, (int, float)) else lo for lo, p in zip(low, cells[PART], strict=True)]
            bounds[c] = possible(values, totals[c], low, high)
        if all(all(v) for b in bounds.values() for v in b.values()):
            break
    found = [f"{c} row {i} = {next(iter(v))}" for c, b in bounds.items() for i, v in b.items() if len(v) == 1 and 1 <= next(iter(v)) <= 4]
    if WHOLE in cells and PART in cells:
        for i, (whole, part) in enumerate(zip(cells[WHOLE], cells[PART], strict=True)):
            wholes = bounds[WHOLE].get(i, {whole}) if whole is not None else set()
            parts = bounds[PART].get(i, {part}) if part is not None else set()
            older = only_difference(wholes, parts)
            if older is not None and 1 <= older <= 4:
                found.append(f"deltagere − heraf 18–25 in row {i} = {older}")
    return found


def only_difference(wholes: set, parts: set) -> int | float | None:
    """Return the one value w − p takes over every number w in `wholes` and p in `parts` with w ≥ p; None if none or several.

    Found from the smallest and the largest such difference, not pair by pair: each set may hold 10.000 values.
    """
    w = np.array(sorted(x for x in wholes if isinstance(x, (int, float))), dtype=float)
    p = np.array(sorted(x for x in parts if isinstance(x, (int, float))), dtype=float)
    if not len(w) or not len(p) or w[-1] < p[0]:
        return None
    below = np.searchsorted(p, w, side="right") - 1  # per w, the largest p ≤ w
    smallest = float((w[below >= 0] - p[below[below >= 0]]).min())
    largest = float(w[-1] - p[0])
    if smallest != largest:
        return None
    return int(largest) if largest.is_integer() else largest


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("page", list(PAGES))
def test_no_table_or_download_shows_or_gives_away_a_count_of_one_to_four(every_view, page, view):
    found, figures = every_view[page, view]
    shown, hidden = set(), set()
    for reading in found:
        columns = [c for c in reading.frame.columns if c in PEOPLE]
        if not columns:
            continue
        truth = true_values(reading, view)
        for column in columns:
            for value, true in zip(reading.frame[column], truth[column], strict=True):
                value = cell(value)
                if isinstance(value, str):
                    hidden.add(true)
                elif value is not None:
                    assert not 1 <= value <= 4, (reading.where, column, value)
                    assert value == true, (reading.where, column, value, true)  # the true figure, where shown
                    shown.add(value)
        for rate, count in RATE_OF.items():
            if rate in reading.frame and count in reading.frame:
                for r, n in zip(reading.frame[rate], reading.frame[count], strict=True):
                    assert not (isinstance(cell(n), str) and isinstance(cell(r), (int, float))), (reading.where, rate)
        totals = {column: known_total(reading, column, truth, view) for column in columns}
        assert not recovered(reading.frame, totals), (reading.where, recovered(reading.frame, totals))
    assert not shown & hidden, (page, view, shown & hidden)  # no shown cell equals a count hidden on the same page
    if "18–25-årige nået pr. 1.000" in figures:  # 2 of Bispebjerg's 8.339 would read 0,2: only 2 rounds to that
        assert figures["18–25-årige nået pr. 1.000"] == KEY_FIGURE[view]


def test_no_count_of_one_to_four_follows_from_all_pages_and_views_together(every_view):
    """Every shown people figure of every page and view is a sum of the finest lines: solve them together.

    A finest figure (deltagere, heraf 18–25, or their difference) of 1–4 must not be determined by
    the equations (its unit vector must lie outside their span).
    """
    unknowns = [(key, measure) for key in LINES for measure in (0, 1)]
    rows, values = [], []
    for (_, view), (found, _) in every_view.items():
        for reading in found:
            for column in [c for c in reading.frame.columns if c in PEOPLE]:
                measure = 0 if column == WHOLE else 1
                for _, row in reading.frame.iterrows():
                    value = cell(row[column])
                    if isinstance(value, (int, float)):
                        lines = summed(reading, row, view)
                        rows.append([1.0 if (key, m) in [(k, measure) for k in lines] else 0.0 for key, m in unknowns])
                        values.append(value)
    equations = np.array(rows)
    truth = np.array([LINES[key][m] for key, m in unknowns], dtype=float)
    assert np.allclose(equations @ truth, values)  # every shown figure is the sum it stands for
    rank = np.linalg.matrix_rank(equations)
    for key in LINES:
        whole, part = (unknowns.index((key, m)) for m in (0, 1))
        for name, vector, value in (
            ("deltagere", np.eye(len(unknowns))[whole], LINES[key][0]),
            ("heraf 18–25", np.eye(len(unknowns))[part], LINES[key][1]),
            ("deltagere − heraf 18–25", np.eye(len(unknowns))[whole] - np.eye(len(unknowns))[part], LINES[key][0] - LINES[key][1]),
        ):
            if 1 <= value <= 4:
                assert np.linalg.matrix_rank(np.vstack([equations, vector])) > rank, (key, name, value)


# --- The brief, the scenario export, the findings, on the same portfolio ------------------------


@pytest.fixture
def small_counts_db(tmp_path, loaded_copies) -> Path:
    db = loaded_copies.load(small_counts_portfolio(), tmp_path / "csv", tmp_path / "small_counts.duckdb")
    st.cache_data.clear()
    yield db
    st.cache_data.clear()


@contextmanager
def reading_source(db: Path) -> Iterator[queries.Source]:
    with database.reading(db) as version:
        yield queries.source_of(version)


def test_the_city_figure_and_the_lowest_districts_stay_true_beside_hidden_districts(small_counts_db):
    with reading_source(small_counts_db) as source:
        by_district = queries.young_adults_by_district(source, Filters(year=2010))
    # the dashed city line: all 122 reached in districts over the ten districts' 76.381 residents 18–25, not the 10 shown
    assert analysis.city_figure(by_district, "reached_18_25", "residents_18_25", scale=1000) == pytest.approx(122 / 76_381 * 1000)
    assert disclosure.true_sum(by_district, "reached_18_25") == 122
    # seven districts reach no one: the lowest of all (a hidden one might be 0 too, so not "the 7 lowest");
    # the two hidden ones are named apart
    assert analysis.growth_sentence(by_district) == (
        "Ingen 18–25-årige nås i 7 af de ti bydele; i Bispebjerg nås under 5 og tallet for Nørrebro er skjult"
    )


def test_the_lowest_among_shown_figures_says_so_when_a_hidden_one_might_be_lower():
    coverage = pd.DataFrame(
        {
            "district": ["A", "B", "C", "D"],
            "reached_18_25": pd.Series([50.0, fmt.Hidden(FEW), 30.0, 20.0], dtype=object),
            "reached_per_1000": pd.Series([5.0, fmt.Hidden(HIDDEN), 3.0, 2.0], dtype=object),
        }
    )
    assert analysis.growth_sentence(coverage.assign(reached_18_25_true_sum=102)) == (
        "Lavest dækning af 18–25-årige (af bydelene med viste tal): D, C, A; i B nås under 5"
    )


def test_an_initiative_with_hidden_participants_is_not_placed():
    initiatives = pd.DataFrame(
        {
            "name": ["A", "B", "C"],
            "budget_kr": [10_000.0, 5_000.0, 8_000.0],
            "participants": pd.Series([100.0, fmt.Hidden(FEW), fmt.Hidden(HIDDEN)], dtype=object),
            "evidence": ["lovende", "ukendt", "ukendt"],
        }
    )
    placement = place_initiatives(initiatives)
    assert placement.placed["name"].tolist() == ["A"]
    assert dict(zip(placement.unplaced["name"], placement.unplaced["reason"], strict=True)) == {
        "B": "færre end 5 deltagere (skjult)",  # 5.000 kr. per person would give the count back
        "C": "antal deltagere skjult (beskytter små tal)",
    }


def test_the_sample_portfolio_never_shows_deltagere_one_to_four_above_heraf_18_25(sample_db):
    """The sample has 50 activity lines where deltagere − heraf 18–25 is 1–4: no history or Indsatser row may show both."""
    st.cache_data.clear()
    with reading_source(sample_db) as source:
        frames = [queries.initiative_history(source, i) for i in queries.initiatives_table(source, Filters(year=2010))["initiative_id"]]
        for year in queries.budget_years(source):
            frames += [queries.initiatives_table(source, Filters(year=year, districts=d)) for d in [(), *((i,) for i in range(1, 11))]]
    st.cache_data.clear()
    shown_pairs = 0
    for frame in frames:
        for whole, part in zip(frame["participants"], frame["participants_18_25"], strict=True):
            if not (fmt.is_hidden(whole) or fmt.is_hidden(part) or pd.isna(whole) or pd.isna(part)):
                assert not 1 <= whole - part <= 4
                shown_pairs += 1
    assert shown_pairs > 100  # most figures are still shown


def test_the_brief_shows_markers_in_key_figures_findings_and_the_scenario(small_counts_db):
    with reading_source(small_counts_db) as source:
        facts = queries.dataset_facts(source)
        names = dict(zip(queries.districts(source)["district_id"], queries.districts(source)["name"], strict=True))
        result = outcome(source, Scenario(name="Stop", year=2010, changes={"SOF-001": Change(step=-1.0)}))
        bispebjerg = brief.committee_brief(source, Filters(year=2010, districts=(8,)), facts, names, date(2026, 11, 27), scenario=result)
    # 2 of Bispebjerg's 8.339 residents 18–25 would read 0,2 per 1.000: only 2 rounds to that
    assert "<td>18–25-årige nået pr. 1.000</td><td>skjult</td>" in bispebjerg
    assert "i Bispebjerg nås under 5 og tallet for Nørrebro er skjult" in bispebjerg  # the annex for SOF-001's area
    # the scenario stops SOF-001: Bispebjerg falls to 0, which holds none of SOF-001's hidden pair (Nørrebro 110,
    # Bispebjerg 2) and tells nothing of it; the change from the hidden baseline would tell the 2, so it is hidden
    row = re.search(r"<tr><td>Bispebjerg</td>(.*?)</tr>", bispebjerg).group(1)
    assert row == (
        "<td>skjult</td><td>0,0</td><td>skjult</td><td class='number'>&lt;5</td><td class='number'>0</td><td class='number'>8.339</td>"
    )
    # Valby: 10 of 6.151 residents 18–25 = 1,6 per 1.000, unchanged
    assert (
        "<td>Valby</td><td>1,6</td><td>1,6</td><td>0,0</td><td class='number'>10</td><td class='number'>10</td><td class='number'>6.151</td>"
    ) in bispebjerg


def test_the_scenario_workbook_writes_the_markers(small_counts_db):
    with reading_source(small_counts_db) as source:
        result = outcome(source, Scenario(name="Uændret", year=2010))
    sheet = scenario_view.result_sheets(result)["Resultat pr. bydel"].set_index("Bydel")
    people = ["Indbyggere 18–25 år", "Nået 18–25 år, udgangspunkt (personer)", "Nået 18–25 år, scenarie (personer)"]
    assert markers(sheet.loc["Bispebjerg", people]) == [8_339, FEW, FEW]
    assert markers(sheet.loc["Nørrebro", people]) == [13_840, HIDDEN, HIDDEN]
    workbook = pd.read_excel(io.BytesIO(xlsx_book({"Resultat pr. bydel": sheet.reset_index()})), index_col="Bydel")
    assert workbook.loc["Bispebjerg", "Nået 18–25 år, udgangspunkt (personer)"] == FEW
    assert workbook.loc["Valby", "Nået 18–25 år, udgangspunkt (personer)"] == 10


def test_a_city_total_that_holds_part_of_a_hidden_pair_is_hidden(tmp_path):
    # SOF-001 also has a city-wide line in 2010: 50 people, 40 of them 18–25. Its 18–25 cells are then
    # city-wide 40, Nørrebro 110 and Bispebjerg 2 ("<5"): the smallest cell of 5 or more, the 40, joins the
    # 2 in a group (sum 42, "skjult"). The districts' total (the city line on Unge 18–25) holds the 2 but
    # not the 40, and the city-wide total (40 + BUF-001's 0) the 40 but not the 2: both hidden. The
    # year's total (162) and SOF-001's (152) hold the pair whole and tell only its sum; Valby's 10 stays.
    sheets = small_counts_portfolio()
    activity = sheets["aktivitet"]
    sheets["aktivitet"] = pd.concat([activity, pd.DataFrame([["SOF-001", "2010", "", "50", "40", ""]], columns=activity.columns)])
    db = tmp_path / "mixed.duckdb"
    load_portfolio(write_csv_folder(sheets, tmp_path / "csv"), db)
    st.cache_data.clear()
    with reading_source(db) as source:
        by_district = queries.young_adults_by_district(source, Filters(year=2010))
        city_wide = queries.city_wide_young_adults_reached(source, Filters(year=2010))
        trend = queries.young_adults_trend(source, Filters(year=2010))
        history = queries.initiative_history(source, "SOF-001")
        result = outcome(source, Scenario(name="Uændret", year=2010))
    st.cache_data.clear()
    assert markers(history["participants_18_25"]) == [HIDDEN, 110, FEW]  # city-wide first, then Nørrebro, Bispebjerg
    # Bispebjerg alone hidden among the districts: their total is hidden, so Valby's 10 tells nothing of it
    assert markers(by_district.set_index("district")["reached_18_25"].loc[["Nørrebro", "Valby", "Bispebjerg"]]) == [110, 10, FEW]
    assert analysis.city_figure(by_district, "reached_18_25", "residents_18_25", scale=1000) is None  # no line drawn
    assert fmt.text(city_wide) == HIDDEN
    assert [fmt.text(v) for v in result.city_wide_reached] == [HIDDEN, HIDDEN]
    assert trend["reached_18_25"].tolist() == [162]  # the city's total, over every line, tells only the pair's sum


def test_om_data_states_the_rule_in_danish(small_db, monkeypatch):
    monkeypatch.setenv("SIKKERBY_DB", str(small_db))
    at = open_app("about", {"aar": "2010"})
    assert "Små tal skjules" in [h.value for h in at.header]
    rule = next(m.value for m in at.markdown if "1–4" in m.value)
    for words in (
        '"\\<5"',
        '"skjult"',
        "hele gruppen eller intet af den",
        "alle forvaltninger på nær én",
        "effektmål målt i personer",
        "Rater beregnet af et skjult tal",
        "Budgetter skjules aldrig",
    ):
        assert words in rule, words


def test_the_attack_finds_a_difference_as_trying_every_pair_would():
    """`only_difference` (used by the attack above) against trying every pair, on small random sets."""
    rng = np.random.default_rng(7)
    for _ in range(2000):
        wholes = {int(v) for v in rng.integers(0, 12, rng.integers(0, 4))} | ({"skjult"} if rng.random() < 0.2 else set())
        parts = {int(v) for v in rng.integers(0, 12, rng.integers(0, 4))} | ({4.5} if rng.random() < 0.2 else set())
        every = {w - p for w in wholes for p in parts if isinstance(w, (int, float)) and isinstance(p, (int, float)) and w >= p}
        assert only_difference(wholes, parts) == (next(iter(every)) if len(every) == 1 else None), (wholes, parts)
