"""The focus-area annex, once: what the Indsatsområder page and the committee brief both show of each focus area.

Per focus area, under the filters: where it can grow (18–25 coverage in all ten districts), its
effect targets (furthest behind first), its budget need and what to do less of. The page and the
brief render this one model, so they show the same rows.

The do-less rule: every initiative of the area proposed to be done less of is listed, also one
with no budget in the year (its budget reads 0 kr.): a proposal to do less stands whatever this
year's budget, and the committee should see it. It is listed also when no initiative of the area
has budget or participants in the year. Budget need counts only the year's budget, so it is
unchanged by this rule.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from dashboard import analysis, disclosure, labels, palette, queries
from dashboard.filters import Filters
from sikkerby import formatting as fmt
from sikkerby.vocabulary import MISSING_FINANCING, PARTIAL_FINANCING, PROPOSED_STATUS

COVERAGE_COLUMNS = {"district": "Bydel", "reached_per_1000": "Nået pr. 1.000 unge", "reached_18_25": "Nået 18–25 år (personer)"}
# Each table's point comes right after the initiative's name, so a phone shows it without scrolling sideways.
TARGET_COLUMNS = {"initiative": "Indsats", "status": "Status", "indicator": "Indikator", "detail": "Fra udgangspunkt til mål"}
NEED_COLUMNS = {"name": "Indsats", "budget_kr": "Budget (kr.)", "financing": "Finansiering", "status": "Status"}
DO_LESS_COLUMNS = {"name": "Indsats", "budget_kr": "Budget (kr.)", "rationale": "Begrundelse"}
BUDGET = "Budget (kr.)"
PER_1000 = "Nået pr. 1.000 unge"


class Annex(NamedTuple):
    """One focus area's annex: every row the page and the brief show of it (Danish headings)."""

    focus_area_id: int
    name: str
    active: bool  # some initiative of the area has budget or participants in the year (with the filters)
    growth: str  # where the area can grow, in one sentence
    coverage: pd.DataFrame  # Bydel, Nået 18–25 år (personer), Nået pr. 1.000 unge: lowest first; empty when it reaches no one
    target_counts: str  # "Bagud: 1 · Nået: 2", in the order of the statuses
    targets: pd.DataFrame  # Indsats, Indikator, Fra udgangspunkt til mål, Status: furthest behind first
    need: tuple[float, float, float]  # the year's budget lacking financing, partly financed, proposed (kr.)
    needing: pd.DataFrame  # Indsats, Finansiering, Status, Budget (kr.): largest first
    do_less: pd.DataFrame  # Indsats, Begrundelse, Budget (kr.): largest first, 0 kr. without budget in the year


def areas(source: queries.Source, filters: Filters) -> pd.DataFrame:
    """Return the focus areas to show (focus_area_id, name): all six, or those the focus-area filter chooses."""
    frame = queries.focus_areas(source)
    return frame[frame["focus_area_id"].isin(filters.focus_areas)] if filters.focus_areas else frame


def annex(source: queries.Source, filters: Filters, focus_area_id: int, name: str) -> Annex:
    """Return the annex of one focus area under the filters (its own focus area in place of the focus-area filter)."""
    scope = filters._replace(focus_areas=(focus_area_id,))
    initiatives = queries.initiatives_table(source, scope)
    active = initiatives[initiatives["active_in_year"]]
    coverage = queries.young_adults_by_district(source, scope.without_districts())  # all ten districts, whatever the district filter
    reaches = disclosure.true_sum(coverage, "reached_18_25") != 0
    targets = queries.effect_targets(source, scope)
    return Annex(
        focus_area_id=focus_area_id,
        name=name,
        active=not active.empty,
        growth=analysis.growth_sentence(coverage),
        coverage=_coverage(coverage) if reaches else _coverage(coverage.iloc[0:0]),
        target_counts=_target_counts(targets),
        targets=analysis.furthest_behind(targets, len(targets)).rename(columns=TARGET_COLUMNS)[list(TARGET_COLUMNS.values())],
        need=analysis.budget_need(active, MISSING_FINANCING, PARTIAL_FINANCING, PROPOSED_STATUS),
        needing=_needing(active),
        do_less=_do_less(initiatives),
    )


def _coverage(coverage: pd.DataFrame) -> pd.DataFrame:
    """Return the districts' 18–25 coverage, lowest first (ties in the districts' order)."""
    ordered = coverage.sort_values("reached_per_1000", kind="stable")
    return ordered.rename(columns=COVERAGE_COLUMNS)[list(COVERAGE_COLUMNS.values())].reset_index(drop=True)


def _target_counts(targets: pd.DataFrame) -> str:
    """Return how many effect targets have each status, as 'Bagud: 1 · Nået: 2', in the charts' order (empty without targets)."""
    counts = targets["status"].value_counts()
    return " · ".join(f"{status}: {fmt.number(counts[status])}" for status in palette.PROGRESS_COLOURS if status in counts)


def _needing(active: pd.DataFrame) -> pd.DataFrame:
    """Return the year's initiatives lacking or partly lacking financing, or proposed: largest budget first."""
    needing = active[active["financing"].isin((MISSING_FINANCING, PARTIAL_FINANCING)) | (active["status"] == PROPOSED_STATUS)]
    needing = needing.sort_values("budget_kr", ascending=False, kind="stable")
    shown = needing.assign(financing=needing["financing"].map(labels.FINANCING_LABELS), status=needing["status"].map(labels.STATUS_LABELS))
    return shown.rename(columns=NEED_COLUMNS)[list(NEED_COLUMNS.values())].reset_index(drop=True)


def _do_less(initiatives: pd.DataFrame) -> pd.DataFrame:
    """Return every chosen initiative proposed to be done less of, with or without budget in the year: largest first."""
    do_less = initiatives[initiatives["do_less"]].sort_values("budget_kr", ascending=False, kind="stable")
    shown = do_less.assign(
        rationale=do_less["rationale"].map(lambda r: fmt.text(r, "ikke angivet")), budget_kr=do_less["budget_kr"].fillna(0.0)
    )
    return shown.rename(columns=DO_LESS_COLUMNS)[list(DO_LESS_COLUMNS.values())].reset_index(drop=True)
