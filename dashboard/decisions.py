"""The committee's decisions and their follow-up: a scenario adopted at a meeting, held against the data loaded since.

Pure arithmetic on DataFrames, no Streamlit and no SQL, so it is tested against hand-worked examples.

A decision freezes what the committee decided: the scenario as it stood, the data version it was
worked out on, and per initiative and district the budget of the year before the decision
(`baseline_kr`) and after it (`decided_kr`), with the 18–25 coverage per district the scenario
projected. Later data versions are held against that frozen copy, never against a scenario that may
since have been edited, and an initiative is followed by its id:

- A decided change (stop, cut, expansion, new amount, new initiative) is *gennemført* when the
  year's budget in the data has moved all the way to the decided amount (or further), *delvist*
  when it has moved part of the way, *ikke gennemført* when it has not moved, or moved the other
  way. Amounts are compared in whole kroner. A new initiative from the scenario is followed once an
  analyst has matched it to a real initiative (`matches`); until then it is *ikke matchet*.
- A decided initiative missing from the data is named as such, never dropped.
- A change on an initiative that had no budget in the year when the decision was made is followed
  from 0 kr.; one the scenario left at "Uændret" is no decided change.
- Every other initiative whose year's budget differs from the frozen budget is a move nobody
  decided; one that had no budget in the year then is *ny i årets budget*, one the data no longer has
  is *forsvundet fra data*.
- Amounts in sentences are written in whole kroner under 10 mio. kr., and wherever two different
  amounts would otherwise read the same.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboard import disclosure, scenarios
from sikkerby import formatting as fmt
from sikkerby import vocabulary as vocab

STOP, CUT, EXPANSION, NEW = "Stop", "Besparelse", "Udvidelse", "Ny indsats"
DONE, PARTLY, NOT_DONE, MISSING, UNMATCHED = "gennemført", "delvist", "ikke gennemført", "findes ikke i data", "ikke matchet"
MOVED, APPEARED, DISAPPEARED = "ændret budget", "ny i årets budget", "forsvundet fra data"
NO_GOAL = "Uden strategisk mål"
CITY_WIDE = vocab.CITY_WIDE_LABEL
MARKERS = (disclosure.FEW, disclosure.HIDDEN)  # how a hidden figure is written in a decision's JSON
NAMED = 3  # changes not carried out named in the summary; the rest are counted


@dataclass(frozen=True)
class Decision:
    """One adopted decision: the meeting, the frozen scenario and its figures, and what it supersedes."""

    decision_id: int
    meeting_date: str  # ISO date of the meeting
    agenda_item: str  # "Økonomiudvalget 13.04.2010, punkt 6"
    note: str
    adopted_at: str  # UTC, when it was recorded
    adopted_by: str
    scenario: scenarios.Scenario
    data_version: str  # the data version the scenario was worked out on
    lines: pd.DataFrame  # initiative_id, name, district_id (NaN: city-wide), baseline_kr, decided_kr
    coverage: pd.DataFrame  # district_id, district, projected_per_1000 (as shown: a hidden figure keeps its marker)
    goals: pd.DataFrame  # initiative_id, goal_id, weight: each initiative's budget split evenly over its goals, then
    supersedes: int | None = None
    matches: dict[str, str] = field(default_factory=dict)  # a new initiative's id in the scenario → the real initiative's id

    @property
    def year(self) -> int:
        return self.scenario.year


def frozen_lines(applied: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Return a worked-out scenario's lines (`scenario_outcome.Outcome.lines`) as a decision keeps them."""
    lines = applied[["initiative_id", "district_id", "budget_kr", "scenario_budget_kr"]].rename(
        columns={"budget_kr": "baseline_kr", "scenario_budget_kr": "decided_kr"}
    )
    return lines.assign(name=lines["initiative_id"].map(names).fillna(""))[
        ["initiative_id", "name", "district_id", "baseline_kr", "decided_kr"]
    ]


def goal_weights(initiative_goals: pd.DataFrame, new: tuple[scenarios.NewInitiative, ...] = ()) -> pd.DataFrame:
    """Return initiative_id, goal_id, weight: each initiative's budget split evenly over its goals (as Strategiske mål does)."""
    groups = scenarios.membership(pd.DataFrame(columns=["initiative_id", "focus_area_id", "administration_code"]), initiative_goals, new)
    return groups["goal"].rename(columns={"group": "goal_id"})[["initiative_id", "goal_id", "weight"]].reset_index(drop=True)


def by_goal(decision: Decision, current: pd.DataFrame, current_goals: pd.DataFrame, goal_names: dict[int, str]) -> pd.DataFrame:
    """Return per strategic goal: budget before the decision, decided (both on the goals as they were), budgeted and spent now.

    `current_goals`: the live data's goal weights (`goal_weights`); `current`: as for `decided_changes`.
    Spending is missing for a goal none of whose initiatives reports any.
    A new initiative counts on the goals the scenario gave it until it is matched. Every krone is
    counted: a goal the data no longer names keeps its number, and an initiative without goals
    counts under "Uden strategisk mål" (that row only when it holds money).
    """
    frozen = decision.lines.groupby("initiative_id")[["baseline_kr", "decided_kr"]].sum()
    now = current.set_index("initiative_id")
    parts = {
        "baseline_kr": _per_goal(frozen["baseline_kr"], decision.goals),
        "decided_kr": _per_goal(frozen["decided_kr"], decision.goals),
        "budgeted_kr": _per_goal(now["budget_kr"], current_goals),
        "spent_kr": _per_goal(now["spent_kr"], current_goals),
    }
    table = pd.concat(parts, axis=1, sort=False)  # goal ids and NO_GOAL in one index: not sortable together
    order = sorted(set(goal_names) | {g for g in table.index if g != NO_GOAL})
    table = table.reindex(order + ([NO_GOAL] if NO_GOAL in table.index else []))
    budgets = ["baseline_kr", "decided_kr", "budgeted_kr"]
    table[budgets] = table[budgets].fillna(0.0)
    if NO_GOAL in table.index and not table.loc[NO_GOAL, budgets].round().any() and not table.loc[NO_GOAL, "spent_kr"] > 0:
        table = table.drop(index=NO_GOAL)
    table.insert(
        0, "goal", [NO_GOAL if g == NO_GOAL else goal_names.get(g, f"Mål nr. {g} (findes ikke længere i data)") for g in table.index]
    )
    table["difference_kr"] = table["budgeted_kr"] - table["decided_kr"]
    return table.reset_index(drop=True)


def _per_goal(budget: pd.Series, weights: pd.DataFrame) -> pd.Series:
    """Return `budget` (per initiative) split over the goals by `weights`, with what no goal takes under NO_GOAL."""
    split = weights.join(budget.rename("kr"), on="initiative_id", how="inner")
    per_goal = (split["kr"] * split["weight"]).groupby(split["goal_id"]).sum(min_count=1)  # nothing reported: missing, not 0
    taken = weights.groupby("initiative_id")["weight"].sum().reindex(budget.index).fillna(0.0).clip(upper=1.0)
    untaken = budget * (1.0 - taken)
    return pd.concat([per_goal, pd.Series({NO_GOAL: float(untaken[taken < 1].sum(min_count=1))})])


def frozen_coverage(coverage: pd.DataFrame) -> pd.DataFrame:
    """Return a worked-out scenario's projected coverage per district as shown (hidden figures keep their marker)."""
    return coverage[["district_id", "district", "scenario_per_1000"]].rename(columns={"scenario_per_1000": "projected_per_1000"})


def lines_to_json(frame: pd.DataFrame) -> str:
    """Return frozen lines or coverage as JSON text; a hidden figure is written as its marker ("<5", "skjult")."""
    rows = [[_json_cell(v) for v in row] for row in frame.astype(object).itertuples(index=False)]
    return json.dumps({"columns": list(frame.columns), "rows": rows}, ensure_ascii=False)


def _json_cell(value: object) -> object:
    if fmt.is_hidden(value):  # a NaN that carries its marker: checked before the missing values
        return str(value)
    if pd.isna(value):  # None, NaN and pandas' NA (a missing district)
        return None
    return value.item() if isinstance(value, np.generic) else value


def lines_from_json(text: str) -> pd.DataFrame:
    """Return the frame written by `lines_to_json`; a marker comes back as a hidden figure."""
    data = json.loads(text)
    frame = pd.DataFrame(data["rows"], columns=data["columns"])
    for column in frame.columns:
        cells = frame[column].tolist()
        if any(c in MARKERS for c in cells if isinstance(c, str)):
            frame[column] = pd.Series([fmt.Hidden(c) if isinstance(c, str) and c in MARKERS else c for c in cells], dtype=object)
    return frame


def _kind(baseline: float, decided: float, new: bool) -> str:
    if new:
        return NEW
    if decided == 0:
        return STOP
    return CUT if decided < baseline else EXPANSION


def _state(baseline: float, decided: float, budgeted: float) -> tuple[str, float]:
    """Return the state of one decided change and the share of it carried out (whole kroner)."""
    baseline, decided, budgeted = round(baseline), round(decided), round(budgeted)
    if decided == baseline:  # a new initiative decided at 0 kr., or a change on an initiative without budget
        return (DONE, 1.0) if budgeted == decided else (NOT_DONE, 0.0)
    share = (budgeted - baseline) / (decided - baseline)
    if share >= 1:
        return DONE, share
    return (PARTLY if share > 0 else NOT_DONE), share


def _decided(decision: Decision) -> pd.DataFrame:
    """Return the decided changes as frozen, one row per initiative: name, baseline_kr, decided_kr, new, kind (index: scenario id).

    The scenario's changes come first in the lines' order; a change on an initiative without lines in the
    year (no budget then) is followed from 0 kr. to its amount (a step of 0 kr. stays 0 kr.).
    """
    per_initiative = decision.lines.groupby("initiative_id", sort=False).agg(
        name=("name", "first"), baseline_kr=("baseline_kr", "sum"), decided_kr=("decided_kr", "sum")
    )
    new_ids = [n.initiative_id for n in decision.scenario.new]
    rows = {}
    for initiative_id in [*per_initiative.index, *decision.scenario.changes, *new_ids]:
        new = initiative_id in new_ids
        change = decision.scenario.changes.get(initiative_id)
        if initiative_id in rows or not (new or change is not None):
            continue
        if initiative_id in per_initiative.index:
            line = per_initiative.loc[initiative_id]
            name, baseline, decided = line["name"], float(line["baseline_kr"]), float(line["decided_kr"])
            if not new and round(decided) == round(baseline):
                continue  # a change set to "Uændret", or a step on 0 kr.: nothing was decided
            kind = _kind(baseline, decided, new)
        elif new:
            name, baseline, decided, kind = decision.scenario.new[new_ids.index(initiative_id)].name, 0.0, 0.0, NEW
        else:
            if change.amount_kr is None and change.step == scenarios.UNCHANGED:
                continue
            name, baseline, decided = decision.scenario.names.get(initiative_id, ""), 0.0, float(change.amount_kr or 0.0)
            stop = change.amount_kr == 0 if change.amount_kr is not None else change.step == scenarios.STOP
            kind = STOP if stop else (CUT if change.amount_kr is None and change.step < 0 else EXPANSION)
        rows[initiative_id] = {"name": name, "baseline_kr": baseline, "decided_kr": decided, "new": new, "kind": kind}
    return pd.DataFrame.from_dict(rows, orient="index", columns=["name", "baseline_kr", "decided_kr", "new", "kind"])


def decided_changes(decision: Decision, current: pd.DataFrame) -> pd.DataFrame:
    """Return each decided change against the data now: one row per changed or new initiative.

    `current`: the live data's initiatives in the decision's year (initiative_id, name, budget_kr,
    spent_kr), every initiative of the data, whatever the filters. Columns: initiative_id (the
    real one a new initiative is matched to, else its scenario id), name, kind, baseline_kr,
    decided_kr, budgeted_kr, spent_kr (NaN when the data has no such initiative), carried_share, state.
    """
    now = current.set_index("initiative_id")
    rows = []
    for initiative_id, line in _decided(decision).iterrows():
        followed = decision.matches.get(initiative_id) if line["new"] else initiative_id
        row = {
            "initiative_id": followed or initiative_id,
            "name": line["name"],
            "kind": line["kind"],
            "baseline_kr": line["baseline_kr"],
            "decided_kr": line["decided_kr"],
            "budgeted_kr": np.nan,
            "spent_kr": np.nan,
            "carried_share": np.nan,
        }
        if followed is None:
            row["state"] = UNMATCHED
        elif followed not in now.index:
            row["state"] = MISSING
        else:
            row["budgeted_kr"], row["spent_kr"] = float(now.at[followed, "budget_kr"]), float(now.at[followed, "spent_kr"])
            row["state"], row["carried_share"] = _state(row["baseline_kr"], row["decided_kr"], row["budgeted_kr"])
        rows.append(row)
    columns = ["initiative_id", "name", "kind", "baseline_kr", "decided_kr", "budgeted_kr", "spent_kr", "carried_share", "state"]
    return pd.DataFrame(rows, columns=columns)


def undecided_moves(decision: Decision, current: pd.DataFrame) -> pd.DataFrame:
    """Return the initiatives whose year's budget moved with no decision: name, budget then and now, change and what happened.

    Not counted: the decided changes and the real initiatives a new one is matched to; a change the
    scenario left at "Uændret" is counted. Compared in whole kroner. Largest move first.
    """
    new_ids = {n.initiative_id for n in decision.scenario.new}
    then = decision.lines[~decision.lines["initiative_id"].isin(new_ids)]
    then = then.groupby("initiative_id").agg(name=("name", "first"), baseline_kr=("baseline_kr", "sum"))
    decided = _decided(decision)
    kept = set(decided.index[~decided["new"].astype(bool)]) | set(decision.matches.values())
    now = current.set_index("initiative_id")
    both = then.join(now[["name", "budget_kr"]].rename(columns={"name": "name_now"}), how="outer")
    both = both[~both.index.isin(kept)]
    was, is_now = both["baseline_kr"].fillna(0).round(), both["budget_kr"].fillna(0).round()
    what = np.select([both["budget_kr"].isna(), both["baseline_kr"].isna()], [DISAPPEARED, APPEARED], MOVED)
    out = pd.DataFrame(
        {
            "initiative_id": both.index,
            "name": both["name_now"].fillna(both["name"]).fillna("").to_numpy(),
            "baseline_kr": both["baseline_kr"].to_numpy(),
            "budgeted_kr": both["budget_kr"].to_numpy(),
            "change_kr": (is_now - was).to_numpy(),
            "what": what,
        }
    )
    moved = (out["change_kr"] != 0) | ((out["what"] == DISAPPEARED) & out["baseline_kr"].notna())
    out = out[moved.to_numpy()]
    return out.iloc[np.argsort(-out["change_kr"].abs().to_numpy(), kind="stable")].reset_index(drop=True)


def over_versions(decision: Decision, versions: list[tuple[dict, pd.DataFrame | None]]) -> pd.DataFrame:
    """Return the follow-up in each data version loaded since the decision, oldest first: how far each decided change had come.

    `versions`: per version its facts (version_id, published_at, file_name, live) and its initiatives
    in the decision's year as `decided_changes` takes them, or None when the kept file cannot be read.
    Columns: version_id, published_at, file_name, live, readable, done, partly, not_done, not_followed
    (not matched, or not in that version), undecided_kr (net of the moves nobody decided).
    """
    rows = []
    for facts, current in versions:
        row = {key: facts.get(key) for key in ("version_id", "published_at", "file_name", "live")} | {"readable": current is not None}
        if current is not None:
            state = decided_changes(decision, current)["state"]
            row |= {
                "done": int((state == DONE).sum()),
                "partly": int((state == PARTLY).sum()),
                "not_done": int((state == NOT_DONE).sum()),
                "not_followed": int(state.isin([UNMATCHED, MISSING]).sum()),
                "undecided_kr": float(undecided_moves(decision, current)["change_kr"].sum()),
            }
        rows.append(row)
    columns = ["version_id", "published_at", "file_name", "live", "readable", "done", "partly", "not_done", "not_followed", "undecided_kr"]
    return pd.DataFrame(rows, columns=columns)


def versions_sentence(table: pd.DataFrame) -> str:
    """Return in one sentence how the decided changes carried out developed over the versions since the decision (`over_versions`)."""
    if table.empty:
        return "Der er ikke indlæst nye data siden beslutningen: opfølgningen viser de data, den blev regnet ud på."
    readable = table[table["readable"].astype(bool)]
    if readable.empty:
        return "De data, der er indlæst siden beslutningen, kan ikke læses."
    count = len(table)
    loaded = f"Siden beslutningen er der indlæst {fmt.number(count)} {'dataversion' if count == 1 else 'dataversioner'}"
    changes = int(readable[["done", "partly", "not_done", "not_followed"]].iloc[-1].sum())
    first, last = readable.iloc[0], readable.iloc[-1]
    if len(readable) == 1:
        return f"{loaded}; i den er {fmt.number(int(last['done']))} af {fmt.number(changes)} besluttede ændringer gennemført."
    return (
        f"{loaded}; i den første var {fmt.number(int(first['done']))} af {fmt.number(changes)} besluttede ændringer gennemført, "
        f"i den seneste {fmt.number(int(last['done']))}."
    )


def by_district(decision: Decision, current_lines: pd.DataFrame, district_names: dict[int, str]) -> pd.DataFrame:
    """Return per district (and 'Hele byen'): budget before the decision, decided, and budgeted and spent now in the year.

    `current_lines`: the live data's budget and spending per initiative and district in the year
    (initiative_id, district_id, budget_kr, spent_kr: missing where none is reported). New initiatives
    count where the scenario put them until they are matched.
    """
    frozen = decision.lines.assign(key=decision.lines["district_id"].fillna(0).astype(int))
    now = current_lines.assign(key=current_lines["district_id"].fillna(0).astype(int))
    table = pd.DataFrame(
        {
            "baseline_kr": frozen.groupby("key")["baseline_kr"].sum(),
            "decided_kr": frozen.groupby("key")["decided_kr"].sum(),
            "budgeted_kr": now.groupby("key")["budget_kr"].sum(),
        }
    ).fillna(0.0)
    table["spent_kr"] = now.groupby("key")["spent_kr"].sum(min_count=1).reindex(table.index)  # none reported: missing
    table = table.loc[sorted(table.index, key=lambda k: (k == 0, k))]  # the districts in order, the city-wide lines last
    table.insert(0, "district", [district_names.get(int(k), CITY_WIDE) if k else CITY_WIDE for k in table.index])
    table["difference_kr"] = table["budgeted_kr"] - table["decided_kr"]
    return table.reset_index(drop=True)


def coverage_followed(decision: Decision, reached: pd.DataFrame) -> pd.DataFrame:
    """Return per district the 18–25 coverage the scenario projected against what the data shows now (both as shown).

    `reached`: Unge 18–25's figures for the decision's year now (district_id, reached_per_1000, disclosed).
    A hidden figure stays hidden, and so does the difference it is part of; with a figure missing
    (no residents, or the district gone from the data) the difference is missing too.
    """
    table = decision.coverage.merge(reached[["district_id", "reached_per_1000"]], on="district_id", how="left")
    projected, now = table["projected_per_1000"], table["reached_per_1000"]
    difference = [_difference(p, r) for p, r in zip(projected, now, strict=True)]
    return table.assign(difference_per_1000=pd.Series(difference, index=table.index, dtype=object))


def _difference(projected: object, reached: object) -> object:
    if fmt.is_hidden(projected) or fmt.is_hidden(reached):
        return fmt.Hidden(disclosure.HIDDEN)
    if pd.isna(projected) or pd.isna(reached):
        return np.nan
    return float(reached) - float(projected)


def amounts(*values: float) -> list[str]:
    """Return the amounts as a sentence writes them: mio. kr. from 10 mio., else, or when two would read the same, whole kroner."""
    in_millions = [fmt.mio_kr(v) for v in values]
    if all(abs(v) >= 10e6 for v in values) and len(set(in_millions)) == len({round(v) for v in values}):
        return in_millions
    return [fmt.kr(v) for v in values]


def summary(changes: pd.DataFrame, moves: pd.DataFrame, year: int) -> list[str]:
    """Return the follow-up in plain sentences: how many decided changes are carried out, which are not, and undecided moves."""
    if changes.empty:
        sentences = ["Beslutningen ændrer ingen indsatsers budget."]
    else:
        done = int((changes["state"] == DONE).sum())
        partly = int((changes["state"] == PARTLY).sum())
        sentences = [
            f"{fmt.number(done)} af {fmt.number(len(changes))} besluttede ændringer er gennemført"
            + (f", {fmt.number(partly)} delvist" if partly else "")
            + "."
        ]
        behind = changes[changes["state"] != DONE]
        for row in behind.head(NAMED).itertuples(index=False):
            sentences.append(_behind_sentence(row, year))
        more = len(behind) - NAMED
        if more > 0:
            sentences.append(
                f"Og {fmt.number(more)} {'ændring' if more == 1 else 'ændringer'} mere, der ikke er gennemført helt (se tabellen)."
            )
    if moves.empty:
        sentences.append(f"Ingen andre indsatsers budget for {year} er ændret uden en beslutning.")
    else:
        count = len(moves)
        what = moves["what"] if "what" in moves else pd.Series(MOVED, index=moves.index)
        gone, appeared = int((what == DISAPPEARED).sum()), int((what == APPEARED).sum())
        parts = [f"{fmt.number(gone)} {DISAPPEARED}"] * bool(gone) + [
            f"{fmt.number(appeared)} {'ny' if appeared == 1 else 'nye'} i årets budget"
        ] * bool(appeared)
        whose = "indsats'" if count == 1 else "indsatsers"  # the genitive
        net = fmt.signed_change(float(moves["change_kr"].sum()), lambda v: amounts(v)[0])
        sentences.append(
            f"{fmt.number(count)} {whose} budget for {year} er ændret uden en beslutning"
            + (f" ({', '.join(parts)})" if parts else "")
            + f": {net} netto."
        )
    return sentences


def _behind_sentence(row, year: int) -> str:
    who = f"{row.name} ({row.initiative_id})" if row.name else row.initiative_id
    if row.state == UNMATCHED:
        return f"Den nye indsats {who} er endnu ikke matchet til en rigtig indsats i data."
    if row.state == MISSING:
        return f"{who} findes ikke i de nuværende data for {year}."
    budgeted, decided = amounts(row.budgeted_kr, row.decided_kr)
    if row.state == NOT_DONE and round(row.budgeted_kr) == round(row.baseline_kr):
        if row.kind == NEW:
            return f"{who} har endnu intet budget i {year} (besluttet {decided})."
        unchanged = "stadig fuldt budget" if row.kind in (STOP, CUT) else "stadig det gamle budget"
        return f"{who} har {unchanged} i {year} ({budgeted}; besluttet {decided})."
    if row.state == NOT_DONE and round(row.decided_kr) == round(row.baseline_kr):
        return _ended(f"{who} har {budgeted} i {year}; besluttet var {decided}")
    if row.state == NOT_DONE:
        return _ended(f"{who} er gået den modsatte vej af beslutningen: {budgeted} i {year} mod besluttet {decided}")
    return f"{who}: {fmt.percent(row.carried_share, 0)} af ændringen er gennemført ({budgeted} mod besluttet {decided})."


def _ended(sentence: str) -> str:
    """Return the sentence with its full stop; one ending in "kr." has it already."""
    return sentence if sentence.endswith(".") else sentence + "."


def district_sentence(table: pd.DataFrame, year: int) -> str:
    """Return where the year's budget lies furthest from the decision, district by district (`by_district`), in one sentence."""
    off = table[table["difference_kr"].round() != 0]
    if off.empty:
        return f"Budgettet for {year} ligger i hver bydel, som det blev besluttet."
    worst = off.iloc[int(np.argmax(off["difference_kr"].abs().to_numpy()))]
    side = "over" if worst["difference_kr"] > 0 else "under"
    return (
        f"På {fmt.number(len(off))} af {fmt.number(len(table))} steder afviger budgettet for {year} fra det besluttede; mest i "
        f"{worst['district']}: {amounts(abs(worst['difference_kr']))[0]} {side} det besluttede."
    )


def coverage_sentence(table: pd.DataFrame) -> str:
    """Return in how many districts the 18–25 coverage reached at least what the scenario projected (`coverage_followed`)."""
    hidden = table["difference_per_1000"].map(fmt.is_hidden).to_numpy(dtype=bool)
    missing = table["difference_per_1000"].map(lambda v: not fmt.is_hidden(v) and pd.isna(v)).to_numpy(dtype=bool)
    shown = table[~hidden & ~missing]
    reached = int((shown["difference_per_1000"].astype(float).round(1) >= 0).sum())
    districts = "bydel" if len(shown) == 1 else "bydele"
    sentence = f"Dækningen af 18–25-årige nåede det fremskrevne eller mere i {fmt.number(reached)} af {fmt.number(len(shown))} {districts}"
    apart = [
        f"{fmt.number(count)} {'bydel er' if count == 1 else 'bydele er'} {why}"
        for count, why in ((int(hidden.sum()), "skjult (små tal)"), (int(missing.sum()), "uden tal at sammenligne"))
        if count
    ]
    return sentence + (f"; {'; '.join(apart)}." if apart else ".")
