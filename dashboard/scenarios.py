"""Budget scenarios: what a change to the year's portfolio does to budget and to 18–25 coverage per district.

Pure arithmetic on DataFrames, no Streamlit and no SQL, so it is tested against hand-computed examples.
The assumption, stated wherever a scenario is shown: reach scales with budget, per initiative and
district. A line whose baseline budget is 0 keeps its reach (there is no cost to scale from).

`lines` has one row per initiative and district (district_id NaN = city-wide) for the chosen year:
`initiative_id`, `district_id`, `budget_kr`, `reached_18_25`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pandas as pd

STOP, UNCHANGED = -1.0, 0.0
STEPS = {"Stop": STOP, "−50 %": -0.5, "−25 %": -0.25, "Uændret": UNCHANGED, "+25 %": 0.25, "+50 %": 0.5}
ASSUMPTION = (
    "Antagelse: en indsats når flere eller færre 18–25-årige i samme forhold som dens budget ændres, bydel for bydel. "
    "En linje uden budget i udgangspunktet beholder sine deltagere."
)


@dataclass(frozen=True)
class Change:
    """A change to one initiative: a relative step (−1 = stop) or a new total amount in kr."""

    step: float = UNCHANGED
    amount_kr: float | None = None

    def label(self) -> str:
        """The change as the editor's choice column writes it: `Stop`, `+25 %`, … or `Beløb` for an amount."""
        if self.amount_kr is not None:
            return "Beløb"
        return next((name for name, step in STEPS.items() if step == self.step), f"{self.step:+.0%}")


@dataclass(frozen=True)
class NewInitiative:
    """A proposed initiative: its budget and expected reach are split evenly over its districts."""

    initiative_id: str
    budget_kr: float
    reached_18_25: float
    districts: tuple[int, ...] = ()  # empty = city-wide
    goal_ids: tuple[int, ...] = field(default_factory=tuple)
    name: str = ""
    focus_area_id: int | None = None
    administration_code: str | None = None


@dataclass(frozen=True)
class Scenario:
    """A named what-if for one budget year: changes to initiatives, new initiatives and a budget frame.

    `names` keeps each changed initiative's name as it was when the scenario was made, so a scenario
    that outlives its initiative (a new data load without it) can still say which one it meant.
    """

    name: str
    year: int
    changes: dict[str, Change] = field(default_factory=dict)
    new: tuple[NewInitiative, ...] = ()
    frame_kr: float | None = None
    names: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        """Return the scenario as JSON text (what the scenario store keeps)."""
        return json.dumps(
            {
                "name": self.name,
                "year": self.year,
                "frame_kr": self.frame_kr,
                "changes": {i: {"step": c.step, "amount_kr": c.amount_kr, "name": self.names.get(i, "")} for i, c in self.changes.items()},
                "new": [
                    {
                        "initiative_id": n.initiative_id,
                        "name": n.name,
                        "budget_kr": n.budget_kr,
                        "reached_18_25": n.reached_18_25,
                        "districts": list(n.districts),
                        "goal_ids": list(n.goal_ids),
                        "focus_area_id": n.focus_area_id,
                        "administration_code": n.administration_code,
                    }
                    for n in self.new
                ],
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Scenario:
        """Return the scenario written by `to_json`."""
        data = json.loads(text)
        return cls(
            name=data["name"],
            year=int(data["year"]),
            frame_kr=data.get("frame_kr"),
            changes={i: Change(step=float(c["step"]), amount_kr=c.get("amount_kr")) for i, c in data["changes"].items()},
            names={i: c.get("name", "") for i, c in data["changes"].items()},
            new=tuple(
                NewInitiative(
                    initiative_id=n["initiative_id"],
                    name=n.get("name", ""),
                    budget_kr=float(n["budget_kr"]),
                    reached_18_25=float(n["reached_18_25"]),
                    districts=tuple(int(d) for d in n.get("districts", [])),
                    goal_ids=tuple(int(g) for g in n.get("goal_ids", [])),
                    focus_area_id=n.get("focus_area_id"),
                    administration_code=n.get("administration_code"),
                )
                for n in data.get("new", [])
            ),
        )

    def missing_from(self, known_ids: set[str]) -> dict[str, str]:
        """Return the changed initiatives (id → name when saved) that the data no longer has."""
        return {i: self.names.get(i, "") for i in self.changes if i not in known_ids}


def apply(lines: pd.DataFrame, changes: dict[str, Change], new: tuple[NewInitiative, ...] = ()) -> pd.DataFrame:
    """Return `lines` (plus the new initiatives' lines) with `scenario_budget_kr` and `scenario_reached_18_25`."""
    out = lines.copy()
    factor = pd.Series(1.0, index=out.index)
    for initiative_id, change in changes.items():
        mine = out["initiative_id"] == initiative_id
        if change.amount_kr is not None:
            total = out.loc[mine, "budget_kr"].sum()
            # an amount is spread like the initiative's budget today; with no budget today, evenly over its lines
            factor[mine] = change.amount_kr / total if total else 0.0
            if not total and mine.any():
                out.loc[mine, "budget_kr_even"] = change.amount_kr / mine.sum()
        else:
            factor[mine] = 1.0 + change.step
    out["scenario_budget_kr"] = out["budget_kr"] * factor
    if "budget_kr_even" in out:
        out["scenario_budget_kr"] = out["budget_kr_even"].fillna(out["scenario_budget_kr"])
        out = out.drop(columns="budget_kr_even")
    scalable = out["budget_kr"] > 0
    out["scenario_reached_18_25"] = out["reached_18_25"].where(
        ~scalable, out["reached_18_25"] * out["scenario_budget_kr"] / out["budget_kr"].where(scalable)
    )
    added = [_new_lines(initiative) for initiative in new]
    return pd.concat([out, *added], ignore_index=True) if added else out


def _new_lines(initiative: NewInitiative) -> pd.DataFrame:
    districts = list(initiative.districts) or [float("nan")]
    share = 1 / len(districts)
    return pd.DataFrame(
        {
            "initiative_id": initiative.initiative_id,
            "district_id": districts,
            "budget_kr": 0.0,
            "reached_18_25": 0.0,
            "scenario_budget_kr": initiative.budget_kr * share,
            "scenario_reached_18_25": initiative.reached_18_25 * share,
        }
    )


def against_frame(scenario: pd.DataFrame, frame_kr: float | None) -> dict[str, float | None]:
    """Return baseline and scenario totals, the frame, and the room left (negative when the frame is exceeded)."""
    total = float(scenario["scenario_budget_kr"].sum())
    return {
        "baseline_kr": float(scenario["budget_kr"].sum()),
        "scenario_kr": total,
        "frame_kr": frame_kr,
        "room_kr": None if frame_kr is None else frame_kr - total,
    }


def coverage_by_district(scenario: pd.DataFrame, residents_18_25: pd.Series) -> pd.DataFrame:
    """Return per district (index of `residents_18_25`): reached and per 1,000 residents 18–25, baseline and scenario.

    City-wide lines (no district) are not in any district's figure, as on the Unge 18–25 page.
    """
    placed = scenario.dropna(subset=["district_id"]).astype({"district_id": int})
    sums = placed.groupby("district_id")[["reached_18_25", "scenario_reached_18_25"]].sum().reindex(residents_18_25.index, fill_value=0.0)
    residents = residents_18_25.where(residents_18_25 != 0)
    return pd.DataFrame(
        {
            "residents_18_25": residents_18_25,
            "baseline_reached": sums["reached_18_25"],
            "scenario_reached": sums["scenario_reached_18_25"],
            "baseline_per_1000": sums["reached_18_25"] * 1000 / residents,
            "scenario_per_1000": sums["scenario_reached_18_25"] * 1000 / residents,
        }
    )


def membership(initiatives: pd.DataFrame, initiative_goals: pd.DataFrame, new: tuple[NewInitiative, ...] = ()) -> dict[str, pd.DataFrame]:
    """Return, per grouping (`goal`, `focus_area`, `administration`), which group each initiative's budget counts in.

    Each frame has `initiative_id`, `group` and `weight`: 1 for a focus area or an administration; for
    goals an initiative's budget is split evenly between its goals, as on the Strategiske mål page.
    `initiatives` has `initiative_id`, `focus_area_id`, `administration_code`; `initiative_goals`
    has `initiative_id`, `goal_id`.
    """
    goals = initiative_goals[["initiative_id", "goal_id"]].rename(columns={"goal_id": "group"})
    goals = goals.assign(weight=1 / goals.groupby("initiative_id")["group"].transform("count"))
    areas = initiatives[["initiative_id", "focus_area_id"]].rename(columns={"focus_area_id": "group"}).assign(weight=1.0)
    admins = initiatives[["initiative_id", "administration_code"]].rename(columns={"administration_code": "group"}).assign(weight=1.0)
    for initiative in new:
        ids = list(initiative.goal_ids)
        if ids:
            goals = pd.concat(
                [goals, pd.DataFrame({"initiative_id": initiative.initiative_id, "group": ids, "weight": 1 / len(ids)})], ignore_index=True
            )
        if initiative.focus_area_id is not None:
            areas = pd.concat(
                [areas, pd.DataFrame({"initiative_id": [initiative.initiative_id], "group": [initiative.focus_area_id], "weight": [1.0]})],
                ignore_index=True,
            )
        if initiative.administration_code:
            admins = pd.concat(
                [
                    admins,
                    pd.DataFrame({"initiative_id": [initiative.initiative_id], "group": [initiative.administration_code], "weight": [1.0]}),
                ],
                ignore_index=True,
            )
    return {"goal": goals, "focus_area": areas, "administration": admins}


def budget_by_group(scenario: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """Return baseline and scenario budget per group (index), with the change; groups nobody is in are absent.

    Budget of an initiative in no group (a new initiative without a focus area, say) is not counted here.
    """
    per_initiative = scenario.groupby("initiative_id")[["budget_kr", "scenario_budget_kr"]].sum()
    weighted = groups.join(per_initiative, on="initiative_id", how="inner")
    sums = (
        weighted.assign(
            baseline_kr=weighted["budget_kr"] * weighted["weight"],
            scenario_kr=weighted["scenario_budget_kr"] * weighted["weight"],
        )
        .groupby("group")[["baseline_kr", "scenario_kr"]]
        .sum()
    )
    return sums.assign(change_kr=sums["scenario_kr"] - sums["baseline_kr"])


CUT_STEPS = ("−25 %", "−50 %", "Stop")  # the moves that free money for a new initiative


def reallocation(
    source: pd.Series, step_name: str, district_id: int, district_name: str, number: int, reached_18_25: float | None = None
) -> tuple[Change, NewInitiative]:
    """Return the two halves of one move: cut `source` by a step, and a new initiative in one district with the money freed.

    `source` is one initiative's row (`initiative_id`, `name`, `budget_kr`, `participants_18_25`,
    `focus_area_id`, `administration_code`, `goal_ids`). Without `reached_18_25`, the new initiative is
    assumed to reach 18–25-year-olds at the source's price per young person; when that count is
    hidden by the disclosure rule (or missing), it reaches none until one is typed in, since the
    price would give the hidden count away.
    """
    change = Change(step=STEPS[step_name])
    freed = float(source["budget_kr"]) * -change.step
    young = pd.to_numeric(pd.Series([source["participants_18_25"]]), errors="coerce").iloc[0]
    if reached_18_25 is None:
        reached_18_25 = freed * young / source["budget_kr"] if pd.notna(young) and source["budget_kr"] > 0 else 0.0
    new = NewInitiative(
        initiative_id=f"NY-{number}",
        name=f"Ny indsats i {district_name} (fra {source['initiative_id']})",
        budget_kr=freed,
        reached_18_25=float(round(reached_18_25)),
        districts=(district_id,),
        goal_ids=tuple(int(g) for g in source["goal_ids"]),  # plain ints: a scenario is saved as JSON
        focus_area_id=None if pd.isna(source["focus_area_id"]) else int(source["focus_area_id"]),
        administration_code=None if pd.isna(source["administration_code"]) else str(source["administration_code"]),
    )
    return change, new
