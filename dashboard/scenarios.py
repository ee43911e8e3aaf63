"""Budget scenarios: what a change to the year's portfolio does to budget and to 18–25 coverage per district.

Pure arithmetic on DataFrames, no Streamlit and no SQL, so it is tested against hand-computed examples.
The assumption, stated wherever a scenario is shown: reach scales with budget, per initiative and
district. A line whose baseline budget is 0 keeps its reach (there is no cost to scale from).

`lines` has one row per initiative and district (district_id NaN = city-wide) for the chosen year:
`initiative_id`, `district_id`, `budget_kr`, `reached_18_25`.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class NewInitiative:
    """A proposed initiative: its budget and expected reach are split evenly over its districts."""

    initiative_id: str
    budget_kr: float
    reached_18_25: float
    districts: tuple[int, ...] = ()  # empty = city-wide
    goal_ids: tuple[int, ...] = field(default_factory=tuple)


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
