"""What the Beslutninger page shows of a decision: the frozen copy made at adoption, and the follow-up tables in Danish.

No Streamlit here: the page lays these out, the export writes them, and the tests read them.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import NamedTuple

import duckdb
import pandas as pd

from dashboard import analysis, decision_store, decisions, queries, scenario_outcome
from dashboard.database import POOL, VersionGone
from dashboard.filters import Filters
from dashboard.scenario_store import StoreError
from dashboard.scenarios import Scenario
from pipelines import store, versions

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
    "spent_kr": "Forbrug nu (kr.)",
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
    "spent_kr": "Forbrug nu (kr.)",
}
COVERAGE_COLUMNS = {
    "district": "Bydel",
    "projected_per_1000": "Fremskrevet pr. 1.000 unge",
    "reached_per_1000": "Nået pr. 1.000 unge nu",
    "difference_per_1000": "Forskel pr. 1.000 unge",
}
KR_COLUMNS = [c for c in {**CHANGE_COLUMNS, **MOVE_COLUMNS, **GOAL_COLUMNS, **DISTRICT_COLUMNS}.values() if c.endswith("(kr.)")]
VERSION_COLUMNS = {
    "published_at": "Gik live",
    "done": "Gennemført",
    "partly": "Delvist",
    "not_done": "Ikke gennemført",
    "not_followed": "Kan ikke følges",
    "undecided_kr": "Uden beslutning, netto (kr.)",
    "file_name": "Fil",
    "version_id": "Dataversion",
}
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


def versions_since(source: queries.Source, decision: decisions.Decision) -> pd.DataFrame:
    """Return the follow-up in each data version that went live since the decision was recorded, oldest first (`decisions.over_versions`).

    The versions are the live one and those kept beside it (*Indlæs data* → Versioner); the version the
    decision was worked out on is not one of them. A kept file that cannot be read is listed as such.
    """
    live = Path(source.db)
    try:
        listed = versions.listing(live)
    except (OSError, ValueError):  # no versions folder to read: the live version alone
        listed = pd.DataFrame([{"version_id": source.version, "published_at": "", "file_name": "", "live": True, "kept": False}])
    adopted = datetime.fromisoformat(decision.adopted_at).astimezone().replace(tzinfo=None).isoformat(timespec="seconds")
    since = listed[
        (listed["live"].astype(bool) | listed["kept"].astype(bool))
        & (listed["version_id"] != decision.data_version)
        & (listed["live"].astype(bool) | (listed["published_at"].astype(str) >= adopted))  # local times, as ISO text
    ]
    rows = []
    for facts in since.sort_values(["published_at", "live"], kind="stable").to_dict("records"):
        rows.append((facts, _initiatives_in(source, facts, decision.year)))
    return decisions.over_versions(decision, rows)


def versions_table(table: pd.DataFrame) -> pd.DataFrame:
    """Return `versions_since` as the page shows it: Danish headings, the version by the start of its id, the live one named."""
    went_live = pd.to_datetime(table["published_at"], errors="coerce", format="ISO8601").dt.strftime("%d.%m.%Y %H:%M")
    shown = table.assign(
        published_at=went_live,
        version_id=[f"{v[:8]} (nuværende)" if live else v[:8] for v, live in zip(table["version_id"], table["live"], strict=True)],
        file_name=[
            f if readable else f"{f} (kan ikke læses)".strip()
            for f, readable in zip(table["file_name"].fillna(""), table["readable"], strict=True)
        ],
    )
    return shown.rename(columns=VERSION_COLUMNS)[list(VERSION_COLUMNS.values())]


def _initiatives_in(source: queries.Source, facts: dict, year: int) -> pd.DataFrame | None:
    if facts["live"]:
        return queries.follow_up_initiatives(source, year)
    kept = store.versions_dir(Path(source.db)) / f"{facts['version_id']}.duckdb"
    try:
        return queries.follow_up_initiatives(queries.Source(str(kept), facts["version_id"]), year)
    except (OSError, duckdb.Error, VersionGone):
        return None
    finally:
        POOL.forget(kept)  # a kept version is read once (then cached), not held open


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
