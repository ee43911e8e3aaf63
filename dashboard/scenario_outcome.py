"""What a scenario comes to on one data version: totals, budget per goal, focus area and administration,
and 18–25 coverage per district. Used by the Scenarier page and the committee brief (no Streamlit here).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from dashboard import disclosure, labels, queries, scenarios
from dashboard.filters import Filters
from sikkerby import formatting as fmt

BUDGET_COLUMNS = {"baseline_kr": "Udgangspunkt (kr.)", "scenario_kr": "Scenarie (kr.)", "change_kr": "Ændring (kr.)"}
COVERAGE_COLUMNS = {  # the point (per 1.000, and its change) right after the district, so a phone shows it
    "district": "Bydel",
    "baseline_per_1000": "Nået pr. 1.000 unge, udgangspunkt",
    "scenario_per_1000": "Nået pr. 1.000 unge, scenarie",
    "change_per_1000": "Ændring pr. 1.000 unge",
    "baseline_reached": "Nået 18–25 år, udgangspunkt (personer)",
    "scenario_reached": "Nået 18–25 år, scenarie (personer)",
    "residents_18_25": "Indbyggere 18–25 år",
}
PER_1000_COLUMNS = [COVERAGE_COLUMNS[c] for c in ("baseline_per_1000", "scenario_per_1000", "change_per_1000")]


class Outcome(NamedTuple):
    """A scenario worked out against the data: every figure the page, the brief and the export show."""

    scenario: scenarios.Scenario
    lines: pd.DataFrame  # per initiative and district: budget_kr, reached_18_25, scenario_budget_kr, scenario_reached_18_25
    totals: dict[str, float | None]
    by_goal: pd.DataFrame  # goal, baseline_kr, scenario_kr, change_kr (all four goals)
    by_focus_area: pd.DataFrame  # focus_area, … (all six)
    by_administration: pd.DataFrame  # administration_code, administration, …
    coverage: pd.DataFrame  # district_id, district, residents_18_25, baseline/scenario reached, per 1,000 and its change (disclosed)
    city_wide_reached: tuple[float, float]  # 18–25-year-olds on city-wide lines: baseline, scenario
    missing: dict[str, str]  # changed initiatives the data no longer has: id → name when saved


def outcome(source: queries.Source, scenario: scenarios.Scenario) -> Outcome:
    """Return the scenario applied to its year's whole portfolio on this data version."""
    lines = queries.scenario_lines(source, scenario.year)
    applied = scenarios.apply(lines, scenario.changes, scenario.new)
    initiatives = queries.initiatives_table(source, Filters(year=scenario.year))
    groups = scenarios.membership(initiatives, queries.initiative_goals(source), scenario.new)
    goals = queries.goals(source).set_index("goal_id")["name"]
    areas = queries.focus_areas(source).set_index("focus_area_id")["name"]
    admins = queries.administrations(source).set_index("code")["name"]
    by_goal = _every(scenarios.budget_by_group(applied, groups["goal"]), goals, "goal_id", "goal")
    by_area = _every(scenarios.budget_by_group(applied, groups["focus_area"]), areas, "focus_area_id", "focus_area")
    by_admin = _every(scenarios.budget_by_group(applied, groups["administration"]), admins, "administration_code", "administration")
    by_admin["administration"] = by_admin["administration_code"].map(labels.administration_label)
    population = queries.young_adults_by_district(source, Filters(year=scenario.year)).set_index("district_id")
    coverage = scenarios.coverage_by_district(applied, population["residents_18_25"])
    coverage.insert(0, "district", population["district"])
    coverage = _disclosed(source, scenario.year, coverage, population["reached_18_25"], applied)
    known = set(lines["initiative_id"])
    return Outcome(
        scenario=scenario,
        lines=applied,
        totals=scenarios.against_frame(applied, scenario.frame_kr),
        by_goal=by_goal,
        by_focus_area=by_area,
        by_administration=by_admin,
        coverage=coverage.reset_index(names="district_id"),
        city_wide_reached=_city_wide(source, scenario.year, applied),
        missing=scenario.missing_from(known),
    )


def _city_wide(source: queries.Source, year: int, applied: pd.DataFrame) -> tuple[float, float]:
    """Return the city-wide 18–25-year-olds reached, baseline and scenario, each hidden where the disclosure decision says so."""
    city_wide = applied[applied["district_id"].isna()]
    baseline = queries.city_wide_young_adults_reached(source, Filters(year=year))
    scenario = _scenario_reach(source, year, applied, city_wide=True)[0]
    if not fmt.is_hidden(scenario):
        scenario = float(city_wide["scenario_reached_18_25"].sum())
    return (baseline if fmt.is_hidden(baseline) else float(baseline)), scenario


def _disclosed(source: queries.Source, year: int, coverage: pd.DataFrame, shown_reach: pd.Series, applied: pd.DataFrame) -> pd.DataFrame:
    """Apply the disclosure decision to the coverage per district (index district_id); `shown_reach` is Unge 18–25's district column.

    The baseline is what Unge 18–25 shows. A district's scenario figure scales each real line by its
    budget change: it is hidden where it would scale the cells of a group of hidden cells unequally
    (then baseline − scenario would give one away) or holds part of one, as the decision says.
    """
    coverage = coverage.assign(change_per_1000=coverage["scenario_per_1000"] - coverage["baseline_per_1000"])
    baseline = shown_reach.reindex(coverage.index)
    scenario = pd.Series(_scenario_reach(source, year, applied, districts=coverage.index), index=coverage.index, dtype=object)
    scenario = scenario.where(scenario.map(fmt.is_hidden), coverage["scenario_reached"])
    out = coverage.assign(
        baseline_reached=disclosure.column_of(baseline.tolist(), coverage.index),
        scenario_reached=disclosure.column_of(scenario.tolist(), coverage.index),
    )
    either = pd.Series(
        [b if fmt.is_hidden(b) else s for b, s in zip(out["baseline_reached"], out["scenario_reached"], strict=True)],
        index=out.index,
        dtype=object,
    )
    return out.assign(
        baseline_per_1000=disclosure.rate_of(out["baseline_per_1000"], out["baseline_reached"]),
        scenario_per_1000=disclosure.rate_of(out["scenario_per_1000"], out["scenario_reached"]),
        change_per_1000=disclosure.rate_of(out["change_per_1000"], either),
    )


def _scenario_reach(
    source: queries.Source, year: int, applied: pd.DataFrame, districts: pd.Index | None = None, city_wide: bool = False
) -> list:
    """Return the real lines' scenario reach per district of `districts` (or city-wide) from the disclosure decision.

    Each line of the year counts with its scenario's factor (scenario ÷ baseline reach); the new
    initiatives' expected reach is not a count of real people and is added by the caller.
    """
    decision = queries.disclosure_decision(source)
    fine = decision.lines
    place = fine["district_id"].isna() if city_wide else fine["district_id"].isin(districts)
    rows = np.flatnonzero(((fine["year"] == year) & place).to_numpy())
    real = applied[applied["reached_18_25"] > 0]
    factor = (real["scenario_reached_18_25"] / real["reached_18_25"]).set_axis(
        pd.MultiIndex.from_arrays([real["initiative_id"], real["district_id"].fillna(-1)])
    )
    keys = pd.MultiIndex.from_arrays([fine["initiative_id"].iloc[rows], fine["district_id"].iloc[rows].fillna(-1)])
    weights = factor.reindex(keys).fillna(1.0).to_numpy()
    if city_wide:
        return decision.sums(rows, np.zeros(len(rows), dtype=np.int64), 1, "participants_18_25", weights)
    codes = pd.Index(districts).get_indexer(fine["district_id"].iloc[rows].astype(int))
    return decision.sums(rows, codes, len(districts), "participants_18_25", weights)


def _every(sums: pd.DataFrame, names: pd.Series, key: str, label: str) -> pd.DataFrame:
    """Return one row per group in `names` (0 kr. where the group has no budget), in the groups' order."""
    full = sums.reindex(names.index, fill_value=0.0)
    full.index.name = key
    return full.reset_index().assign(**{label: names.to_numpy()})[[key, label, "baseline_kr", "scenario_kr", "change_kr"]]


def comparison(first: Outcome, second: Outcome) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return two scenarios side by side: budget (total, room to the frame, per goal) and 18–25 per 1,000 per district.

    The baseline column is given only when both scenarios are for the same year (else it is empty).
    """
    same_year = first.scenario.year == second.scenario.year
    a, b = first.scenario.name, second.scenario.name
    budget = pd.DataFrame(
        [
            ("I alt", first.totals["baseline_kr"], first.totals["scenario_kr"], second.totals["scenario_kr"]),
            ("Luft til budgetrammen", None, first.totals["room_kr"], second.totals["room_kr"]),
            *(
                (x.goal, x.baseline_kr, x.scenario_kr, y.scenario_kr)
                for x, y in zip(first.by_goal.itertuples(), second.by_goal.itertuples(), strict=True)
            ),
        ],
        columns=["Budget", "Udgangspunkt (kr.)", f"{a} (kr.)", f"{b} (kr.)"],
    )
    coverage = pd.DataFrame(
        {
            "Bydel": first.coverage["district"],
            "Udgangspunkt (pr. 1.000)": first.coverage["baseline_per_1000"],
            f"{a} (pr. 1.000)": first.coverage["scenario_per_1000"],
            f"{b} (pr. 1.000)": second.coverage["scenario_per_1000"].to_numpy(),
        }
    )
    if not same_year:
        budget["Udgangspunkt (kr.)"] = float("nan")
        coverage["Udgangspunkt (pr. 1.000)"] = float("nan")
    return budget.astype({c: float for c in budget.columns[1:]}), coverage


SMALL_ROOM_KR = 100_000  # room under this is said in kroner: in mio. kr. 1 kr. over the frame would read "0,0 mio. kr."


def exceeds_frame(totals: dict[str, float | None]) -> bool:
    """Say whether the scenario spends more than its frame, as amounts are shown (in whole kroner, half up)."""
    return totals["room_kr"] is not None and totals["room_kr"] <= -HALF_KRONE


HALF_KRONE = 0.5  # room under half a krone either way is shown as 0 kr.: the frame is used exactly


def frame_sentence(totals: dict[str, float | None]) -> str:
    """Say how the scenario stands against its budget frame; room shown as 0 kr. is said to use the frame exactly."""
    room = totals["room_kr"]
    if room is None:
        return "Der er ikke sat en budgetramme."
    if abs(room) < HALF_KRONE:  # also the float noise of sums of amounts with øre
        return "Scenariet bruger præcis hele budgetrammen."
    if not exceeds_frame(totals):
        return f"Scenariet holder sig inden for rammen med {_room(room)} til overs."
    return f"Scenariet overskrider rammen med {_room(-room)}"  # the amount ends in "kr."


def _room(amount_kr: float) -> str:
    """Return an amount of room to the frame: in kroner when small, else in mio. kr."""
    return fmt.kr(amount_kr) if amount_kr < SMALL_ROOM_KR else fmt.mio_kr(amount_kr)


def coverage_table(result: Outcome) -> pd.DataFrame:
    """Return the per-district coverage as the page and the exports show it (Danish headings)."""
    return result.coverage.rename(columns=COVERAGE_COLUMNS)[list(COVERAGE_COLUMNS.values())]
