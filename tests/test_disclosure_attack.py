"""Disclosure control attacked as a reader would: every people figure the app can show, over every
single-value and every all-but-one filter, solved as one linear system.

The planted portfolio (2010) is the small portfolio with small counts (tests/test_disclosure.py) and
one more initiative whose only line is a small count, the case the issue names ("a count of 3 in one
district"): KFF-001 reaches 4 people in Nørrebro, 3 of them 18–25. Unfiltered minus "every
administration but KFF" would be those 3, unless the rule holds for a filter's complement too.

The finest lines (deltagere, heraf 18–25), by hand:
  SOF-001 Nørrebro 120 / 110, Bispebjerg 3 / 2;  TMF-001 Valby 12 / 10;  BUF-001 city-wide 85 / 0;
  KFF-001 Nørrebro 4 / 3.
Each line holds two counts nothing else splits: heraf 18–25 (q) and the others, deltagere − heraf (r).
Small ones: q SOF-001 Bispebjerg 2, KFF-001 3; r SOF-001 Bispebjerg 1, TMF-001 2, KFF-001 1; and the
deltagere of SOF-001 Bispebjerg (3) and KFF-001 (4).

Which lines a figure adds up is worked out here from what the filters mean (an initiative filter
chooses initiatives by their attributes, typed in below; a district filter chooses their lines in
those districts), never by the app's own queries. Every shown figure must equal that sum, no
shown figure may be 1–4, and no count of 1–4 (a line's q, r or deltagere, or any figure the app
hides) may lie in the span of the shown figures.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import streamlit as st

from dashboard import database, queries
from dashboard.filters import Filters
from dashboard.scenario_outcome import outcome
from dashboard.scenarios import Change, Scenario
from pipelines.load import load_portfolio
from sikkerby import formatting as fmt
from sikkerby import vocabulary as vocab
from tests.conftest import write_csv_folder
from tests.test_disclosure import small_counts_portfolio

YEAR = 2010
LINES = {  # (initiative, district id or None for city-wide) → (deltagere, heraf 18–25)
    ("SOF-001", 3): (120, 110),
    ("SOF-001", 8): (3, 2),
    ("TMF-001", 5): (12, 10),
    ("BUF-001", None): (85, 0),
    ("KFF-001", 3): (4, 3),
}
ATTRIBUTES = {  # as typed in tests/conftest.py and below
    "SOF-001": {
        "administrations": "SOF",
        "focus_areas": "Socialt udsatte unge over 18 år",
        "goals": {1, 3},
        "statuses": "ny",
        "financing": "delvist",
        "evidence": "lovende",
        "only_do_less": False,
    },
    "BUF-001": {
        "administrations": "BUF",
        "focus_areas": "Socialt udsatte unge under 18 år",
        "goals": {2},
        "statuses": "eksisterende",
        "financing": "finansieret",
        "evidence": "ukendt",
        "only_do_less": False,
    },
    "TMF-001": {
        "administrations": "TMF",
        "focus_areas": "Lokal indsats",
        "goals": {1, 4},
        "statuses": "eksisterende",
        "financing": "finansieret",
        "evidence": "ukendt",
        "only_do_less": True,
    },
    "KFF-001": {
        "administrations": "KFF",
        "focus_areas": "Fritidsliv med indhold",
        "goals": {2},
        "statuses": "eksisterende",
        "financing": "mangler",
        "evidence": "erfaringsbaseret",
        "only_do_less": False,
    },
}
BUDGETED = {("SOF-001", 3), ("SOF-001", 8), ("BUF-001", None), ("KFF-001", 3)}  # lines with a 2010 budget line too
UNKNOWNS = [(line, count) for line in LINES for count in ("q", "r")]


def planted_portfolio() -> dict[str, pd.DataFrame]:
    sheets = small_counts_portfolio()
    initiatives = sheets["indsatser"]
    kff = initiatives.iloc[[1]].copy()  # BUF-001's row, made KFF-001's
    kff[["indsats_id", "navn", "forvaltning", "indsatsomraade", "status", "finansiering", "evidens"]] = [
        "KFF-001",
        "Fritidsjob i klubben",
        "KFF",
        "Fritidsliv med indhold",
        "eksisterende",
        "mangler",
        "erfaringsbaseret",
    ]
    sheets["indsatser"] = pd.concat([initiatives, kff], ignore_index=True)
    budget = sheets["budget"]
    sheets["budget"] = pd.concat(
        [budget, pd.DataFrame([["KFF-001", "2010", "Nørrebro", "300000", "", ""]], columns=budget.columns)], ignore_index=True
    )
    activity = sheets["aktivitet"]
    sheets["aktivitet"] = pd.concat(
        [activity, pd.DataFrame([["KFF-001", "2010", "Nørrebro", "4", "3", ""]], columns=activity.columns)], ignore_index=True
    )
    effects = sheets["effektmaal"]
    sheets["effektmaal"] = pd.concat(
        [effects, pd.DataFrame([["KFF-001", "2010", "Unge i fritidsjob", "personer", "2", "8", "3"]], columns=effects.columns)],
        ignore_index=True,
    )
    return sheets


def views(focus_ids: dict[str, int]) -> list[Filters]:
    """The default view, and every single-value and all-but-one choice of each sidebar filter."""
    values = {
        "administrations": list(vocab.ADMINISTRATIONS),
        "focus_areas": [focus_ids[name] for name in vocab.FOCUS_AREAS],
        "goals": [g.number for g in vocab.GOALS],
        "statuses": list(vocab.STATUSES),
        "financing": list(vocab.FINANCING_STATES),
        "evidence": list(vocab.EVIDENCE_LEVELS),
        "districts": [d.number for d in vocab.DISTRICTS],
    }
    out = [Filters(year=YEAR), Filters(year=YEAR, only_do_less=True)]
    for name, options in values.items():
        for value in options:
            out.append(Filters(year=YEAR, **{name: (value,)}))
            out.append(Filters(year=YEAR, **{name: tuple(v for v in options if v != value)}))
    return out


def chosen(initiative: str, filters: Filters, focus_ids: dict[str, int]) -> bool:
    """Whether the initiative filters choose the initiative (worked out from its attributes above)."""
    a = ATTRIBUTES[initiative]
    return (
        (not filters.administrations or a["administrations"] in filters.administrations)
        and (not filters.focus_areas or focus_ids[a["focus_areas"]] in filters.focus_areas)
        and (not filters.goals or bool(a["goals"] & set(filters.goals)))
        and (not filters.statuses or a["statuses"] in filters.statuses)
        and (not filters.financing or a["financing"] in filters.financing)
        and (not filters.evidence or a["evidence"] in filters.evidence)
        and (not filters.only_do_less or a["only_do_less"])
    )


def lines_of(filters: Filters, focus_ids: dict[str, int], where: str = "chosen") -> list[tuple]:
    """The lines a figure under `filters` adds up: the chosen initiatives' lines in the chosen districts (or where told)."""
    out = []
    for initiative, district in LINES:
        if not chosen(initiative, filters, focus_ids):
            continue
        if where == "districts" and district is None or where == "city" and (district is not None or filters.districts):
            continue  # a district filter leaves city-wide lines out
        if where == "chosen" and filters.districts and district not in filters.districts:
            continue
        out.append((initiative, district))
    return out


class Figures:
    """Every people figure collected: one equation row (coefficients on UNKNOWNS) each, shown or hidden."""

    def __init__(self) -> None:
        self.shown: list[tuple[np.ndarray, float, str]] = []
        self.hidden: list[tuple[np.ndarray, str]] = []

    def add(self, value: object, lines: list[tuple], column: str, where: str, weights: dict | None = None) -> None:
        row = np.zeros(len(UNKNOWNS))
        for line in lines:
            w = 1.0 if weights is None else weights.get(line, 1.0)
            row[UNKNOWNS.index((line, "q"))] += w
            if column == "participants":
                row[UNKNOWNS.index((line, "r"))] += w
        if fmt.is_hidden(value):
            self.hidden.append((row, where))
        elif value is not None and not pd.isna(value):
            self.shown.append((row, float(value), where))


def truth() -> np.ndarray:
    return np.array([LINES[line][0] - LINES[line][1] if count == "r" else LINES[line][1] for line, count in UNKNOWNS], dtype=float)


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> Figures:
    folder = tmp_path_factory.mktemp("attack")
    db = folder / "planted.duckdb"
    load_portfolio(write_csv_folder(planted_portfolio(), folder / "csv"), db)
    st.cache_data.clear()
    figures = Figures()
    with database.reading(Path(db)) as version:
        source = queries.source_of(version)
        focus_ids = dict(zip(queries.focus_areas(source)["name"], queries.focus_areas(source)["focus_area_id"], strict=True))
        for filters in views(focus_ids):
            collect_view(source, filters, focus_ids, figures)
        for initiative in ATTRIBUTES:
            history = queries.initiative_history(source, initiative)
            for row in history[history["year"] == YEAR].itertuples():
                district = next((d for i, d in LINES if i == initiative and _name(source, d) == row.district), "?")
                for column in ("participants", "participants_18_25"):
                    figures.add(getattr(row, column), [(initiative, district)], column, f"history {initiative} {row.district}")
        collect_scenarios(source, figures)
    st.cache_data.clear()
    return figures


def _name(source: queries.Source, district: int | None) -> str:
    names = dict(zip(queries.districts(source)["district_id"], queries.districts(source)["name"], strict=True))
    return vocab.CITY_WIDE_LABEL if district is None else names[district]


def collect_view(source: queries.Source, filters: Filters, focus_ids: dict[str, int], figures: Figures) -> None:
    """Every people figure the pages show under one view (the queries every page reads them from)."""
    label = repr(filters)
    year_lines = lines_of(filters, focus_ids)
    key = queries.key_figures(source, filters).set_index("year")
    figures.add(key.loc[YEAR, "reached_18_25"], year_lines, "participants_18_25", f"key figure {label}")
    trend = queries.young_adults_trend(source, filters).set_index("year")
    if YEAR in trend.index:
        figures.add(trend.loc[YEAR, "reached_18_25"], year_lines, "participants_18_25", f"trend {label}")
    whole_city = filters.without_districts()
    by_district = queries.young_adults_by_district(source, whole_city)
    for row in by_district.itertuples():
        lines = [line for line in lines_of(whole_city, focus_ids, "districts") if line[1] == row.district_id]
        figures.add(row.reached_18_25, lines, "participants_18_25", f"district {row.district} {label}")
    figures.add(
        by_district["reached_18_25_true_sum"].iloc[0], lines_of(whole_city, focus_ids, "districts"), "participants_18_25", "city line"
    )
    city = queries.city_wide_young_adults_reached(source, filters)
    figures.add(city, lines_of(filters, focus_ids, "city"), "participants_18_25", f"city-wide {label}")
    table = queries.initiatives_table(source, filters)
    for row in table.itertuples():
        lines = [line for line in year_lines if line[0] == row.initiative_id]
        for column in ("participants", "participants_18_25"):
            figures.add(getattr(row, column), lines, column, f"Indsatser {row.initiative_id} {column} {label}")


def collect_scenarios(source: queries.Source, figures: Figures) -> None:
    """The scenario's districts and city-wide figure for a stop, a cut and a rise of each initiative."""
    for initiative in ATTRIBUTES:
        for step in (-1.0, -0.5, 0.5):
            result = outcome(source, Scenario(name="x", year=YEAR, changes={initiative: Change(step=step)}))
            # a line's reach scales with its budget; TMF-001 has no budget in 2010, so its Valby line keeps its reach
            weights = {line: 1.0 + step for line in LINES if line[0] == initiative and line in BUDGETED}
            for row in result.coverage.itertuples():
                lines = [line for line in LINES if line[1] == row.district_id]
                where = f"scenario {initiative} {step:+} {row.district}"
                figures.add(row.baseline_reached, lines, "participants_18_25", where + " baseline")
                figures.add(row.scenario_reached, lines, "participants_18_25", where, weights)
            city = [line for line in LINES if line[1] is None]
            figures.add(result.city_wide_reached[1], city, "participants_18_25", f"scenario {initiative} {step:+} city-wide", weights)


def test_every_shown_people_figure_is_the_true_sum_and_never_one_to_four(collected):
    assert len(collected.shown) > 500 and len(collected.hidden) > 50  # the views were collected
    x = truth()
    for row, value, where in collected.shown:
        assert row @ x == pytest.approx(value), where
        if np.all((row == 0) | (row == 1)):  # a real count (a scenario's scaled figure is a projection)
            assert not 1 <= value <= 4, where


def test_no_count_of_one_to_four_follows_from_every_figure_over_every_filter_and_its_complement(collected):
    equations = np.array([row for row, _, _ in collected.shown])
    rank = np.linalg.matrix_rank(equations)
    x = truth()
    targets = []
    for line, (whole, young) in LINES.items():
        q, r = UNKNOWNS.index((line, "q")), UNKNOWNS.index((line, "r"))
        unit = np.eye(len(UNKNOWNS))
        targets += [
            (unit[q], young, f"{line} heraf 18–25"),
            (unit[r], whole - young, f"{line} others"),
            (unit[q] + unit[r], whole, f"{line} deltagere"),
        ]
    targets += [(row, row @ x, where) for row, where in collected.hidden]  # and every figure the app hides
    determined = [
        (where, value)
        for vector, value, where in targets
        if 1 <= value <= 4 and np.linalg.matrix_rank(np.vstack([equations, vector])) == rank
    ]
    assert not determined


def test_the_issue_s_complement_attack_on_the_trend_finds_nothing(collected):
    # unfiltered 18–25 trend 125 (110 + 2 + 10 + 0 + 3); every administration but KFF: 122; the difference would be KFF-001's 3
    shown = {where: value for _, value, where in collected.shown}
    assert shown[f"trend {Filters(year=YEAR)!r}"] == 125
    all_but_kff = Filters(year=YEAR, administrations=tuple(a for a in vocab.ADMINISTRATIONS if a != "KFF"))
    assert f"trend {all_but_kff!r}" not in shown


def test_effect_targets_in_persons_show_small_values_as_fewer_than_five(tmp_path):
    db = tmp_path / "planted.duckdb"
    load_portfolio(write_csv_folder(planted_portfolio(), tmp_path / "csv"), db)
    st.cache_data.clear()
    with database.reading(db) as version:
        targets = queries.effect_targets(queries.source_of(version), Filters(year=YEAR)).set_index("initiative_id")
    st.cache_data.clear()
    kff = targets.loc["KFF-001"]
    assert [fmt.text(v) if fmt.is_hidden(v) else v for v in kff[["baseline", "target", "actual", "progress"]]] == ["<5", 8, "<5", "skjult"]
    assert kff["detail"] == "Udgangspunkt <5 personer → mål 8 personer (2010) · seneste <5 personer"
    sof = targets.loc["SOF-001"]
    assert [sof["baseline"], sof["target"], sof["actual"]] == [50, 120, 80.5]  # 50 or more: shown
