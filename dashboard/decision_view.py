"""What the Beslutninger page shows of a decision: the frozen copy made at adoption, and the follow-up tables in Danish.

No Streamlit here: the page lays these out, the export writes them, and the tests read them.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from dashboard import analysis, decision_store, decisions, queries, scenario_outcome
from dashboard.filters import Filters
from dashboard.scenario_store import StoreError
from dashboard.scenarios import Scenario

CHANGE_COLUMNS = {
    "name": "Indsats",
    "state": "Status",
    "kind": "Besluttet",
    "baseline_kr": "Før beslutningen (kr.)",
    "decided_kr": "Besluttet (kr.)",
    "budgeted_kr": "Budgetteret nu (kr.)",
    "spent_kr": "Forbrug nu (kr.)",
    "carried_share": "Gennemført (andel)",
    "initiative_id": "Id",
}
MOVE_COLUMNS = {
    "name": "Indsats",
    "what": "Hvad er sket",
    "change_kr": "Ændring (kr.)",
    "baseline_kr": "Før beslutningen (kr.)",
    "budgeted_kr": "Budgetteret nu (kr.)",
    "initiative_id": "Id",
}
GOAL_COLUMNS = {
    "goal": "Strategisk mål",
    "difference_kr": "Budgetteret nu − besluttet (kr.)",
    "baseline_kr": "Før beslutningen (kr.)",
    "decided_kr": "Besluttet (kr.)",
    "budgeted_kr": "Budgetteret nu (kr.)",
}
TARGET_COLUMNS = {
    "initiative": "Indsats",
    "indicator": "Indikator",
    "status": "Status",
    "detail": "Fra udgangspunkt til mål",
    "initiative_id": "Id",
}
DISTRICT_COLUMNS = {
    "district": "Bydel",
    "difference_kr": "Budgetteret nu − besluttet (kr.)",
    "baseline_kr": "Før beslutningen (kr.)",
    "decided_kr": "Besluttet (kr.)",
    "budgeted_kr": "Budgetteret nu (kr.)",
}
COVERAGE_COLUMNS = {
    "district": "Bydel",
    "projected_per_1000": "Fremskrevet pr. 1.000 unge",
    "reached_per_1000": "Nået pr. 1.000 unge nu",
    "difference_per_1000": "Forskel pr. 1.000 unge",
}
KR_COLUMNS = [c for c in {**CHANGE_COLUMNS, **MOVE_COLUMNS, **GOAL_COLUMNS, **DISTRICT_COLUMNS}.values() if c.endswith("(kr.)")]
PER_1000_COLUMNS = [c for c in COVERAGE_COLUMNS.values() if "pr. 1.000" in c]


class Frozen(NamedTuple):
    """What a decision keeps of the scenario as it stood: its lines and its projected coverage."""

    lines: pd.DataFrame
    coverage: pd.DataFrame
    goals: pd.DataFrame


class FollowUp(NamedTuple):
    """A decision held against the live data: sentences and the four tables (Danish headings)."""

    sentences: list[str]
    changes: pd.DataFrame
    moves: pd.DataFrame
    goals: pd.DataFrame
    districts: pd.DataFrame
    coverage: pd.DataFrame
    targets: pd.DataFrame


def freeze(source: queries.Source, scenario: Scenario) -> Frozen:
    """Work the scenario out on this data version and return what the decision keeps of it."""
    worked = scenario_outcome.outcome(source, scenario)
    initiatives = queries.initiatives_table(source, Filters(year=scenario.year))
    names = dict(zip(initiatives["initiative_id"], initiatives["name"], strict=True))
    names |= {i: name for i, name in scenario.names.items() if name and i not in names}  # an initiative the data no longer has
    names |= {n.initiative_id: n.name for n in scenario.new}
    goals = decisions.goal_weights(queries.initiative_goals(source), scenario.new)
    return Frozen(decisions.frozen_lines(worked.lines, names), decisions.frozen_coverage(worked.coverage), goals)


def follow_up(source: queries.Source, decision: decisions.Decision, district_names: dict[int, str]) -> FollowUp:
    """Hold the decision against the live data version: every decided change, moves nobody decided, districts, coverage."""
    current = queries.follow_up_initiatives(source, decision.year)
    changes = decisions.decided_changes(decision, current)
    moves = decisions.undecided_moves(decision, current)
    districts = decisions.by_district(decision, queries.follow_up_lines(source, decision.year), district_names)
    reached = queries.young_adults_by_district(source, Filters(year=decision.year))
    coverage = decisions.coverage_followed(decision, reached)
    goal_names = queries.goals(source).set_index("goal_id")["name"].to_dict()
    goals = decisions.by_goal(decision, current, decisions.goal_weights(queries.initiative_goals(source)), goal_names)
    targets = queries.effect_targets(source, Filters(year=decision.year))
    targets = analysis.furthest_behind(targets[targets["initiative_id"].isin(changes["initiative_id"])], len(targets))
    return FollowUp(
        sentences=[
            *decisions.summary(changes, moves, decision.year),
            decisions.district_sentence(districts, decision.year),
            decisions.coverage_sentence(coverage),
        ],
        changes=changes.rename(columns=CHANGE_COLUMNS)[list(CHANGE_COLUMNS.values())],
        moves=moves.rename(columns=MOVE_COLUMNS)[list(MOVE_COLUMNS.values())],
        goals=goals.rename(columns=GOAL_COLUMNS)[list(GOAL_COLUMNS.values())],
        districts=districts.rename(columns=DISTRICT_COLUMNS)[list(DISTRICT_COLUMNS.values())],
        coverage=coverage.rename(columns=COVERAGE_COLUMNS)[list(COVERAGE_COLUMNS.values())],
        targets=targets.rename(columns=TARGET_COLUMNS)[list(TARGET_COLUMNS.values())],
    )


def loaded_after_saved(scenario_saved_at: pd.Timestamp, data_loaded_at: object) -> bool:
    """Return whether the live data were loaded after the scenario was last saved (so the frozen figures may not be the meeting's).

    `scenario_saved_at` is UTC (the scenario store's); `data_loaded_at` is the load log's naive local time.
    The same instant is not later.
    """
    loaded = pd.Timestamp(data_loaded_at)
    if pd.isna(loaded):
        return False
    loaded = pd.Timestamp(loaded.to_pydatetime().astimezone()) if loaded.tzinfo is None else loaded
    return bool(loaded > pd.Timestamp(scenario_saved_at))


def unmatched_new(decision: decisions.Decision) -> list[tuple[str, str]]:
    """Return the scenario's new initiatives (id, name), matched or not, in the scenario's order."""
    return [(n.initiative_id, n.name or n.initiative_id) for n in decision.scenario.new]


def latest(source: queries.Source, district_names: dict[int, str]) -> tuple[decisions.Decision, FollowUp] | None:
    """Return the last decision in force (latest meeting, not superseded) and its follow-up; None when there is none (or no store)."""
    try:
        listed = decision_store.listing()
    except StoreError:
        return None
    in_force = listed[listed["superseded_by"].isna()]
    if in_force.empty:
        return None
    decision = decision_store.load(int(in_force["decision_id"].iloc[-1]))
    return decision, follow_up(source, decision, district_names)
