"""The prioritisation rule: where an initiative stands on cost per person reached and evidence.

One function decides the quadrant, so the page, its CSV and the tests read the same rule:
- cheap or dear: kr. per person reached at most, or above, the median of the year's whole portfolio
  (every initiative with budget and people reached, whatever the filters): a filter chooses which
  initiatives are shown, never where one stands;
- strong or weak evidence: 'dokumenteret' and 'lovende' are strong; 'erfaringsbaseret' and 'ukendt' weak.
Initiatives without budget or without people reached in the year have no cost per person and are
returned apart, to be listed beside the chart rather than dropped; so are those whose participants
the disclosure rule hides (their cost per person beside their budget would give the count away).
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from sikkerby import formatting as fmt

EVIDENCE_ORDER = ("ukendt", "erfaringsbaseret", "lovende", "dokumenteret")  # bottom to top on the chart
STRONG_EVIDENCE = frozenset({"dokumenteret", "lovende"})
# The quadrants are a reckoning of price and evidence, named apart from the analysts' own proposal to do less of an
# initiative ("Foreslået gjort mindre af", with their reason), which is data and is shown as a black diamond.
DO_MORE, KEEP_WATCH_COST, LOOK_CLOSER, DO_LESS = "Kandidat til mere", "Behold, se på prisen", "Undersøg nærmere", "Kandidat til mindre"
QUADRANTS = {(False, True): DO_MORE, (True, True): KEEP_WATCH_COST, (False, False): LOOK_CLOSER, (True, False): DO_LESS}
RULE = (
    "Billig eller dyr: kr. pr. deltager under eller over medianen for hele årets portefølje (uanset filtre). "
    "Stærk evidens: dokumenteret eller lovende; svag: erfaringsbaseret eller ukendt. "
    f"Billig og stærk: {DO_MORE.lower()}. Dyr og stærk: {KEEP_WATCH_COST.lower()}. "
    f"Billig og svag: {LOOK_CLOSER.lower()}. Dyr og svag: {DO_LESS.lower()}. "
    "Kvadranterne er et regnestykke – ikke det samme som analytikernes forslag om at gøre en indsats mindre af (sort ruder)."
)


class Placement(NamedTuple):
    """Initiatives placed in a quadrant, those that cannot be placed, and the cost threshold used."""

    placed: pd.DataFrame
    unplaced: pd.DataFrame
    median_kr_per_participant: float | None


def place_initiatives(initiatives: pd.DataFrame) -> Placement:
    """Return the initiatives with `kr_per_participant`, `strong_evidence`, `dear` and `quadrant` added.

    Needs `budget_kr`, `participants` and `evidence`. Those with no budget, no participants or
    hidden participants go to `unplaced` with `reason` saying which.
    """
    budget = initiatives["budget_kr"].fillna(0)
    hidden = initiatives["participants"].map(fmt.is_hidden).astype(bool)
    reach = pd.to_numeric(initiatives["participants"], errors="coerce").astype(float).fillna(0)
    can_place = (budget > 0) & (reach > 0) & ~hidden
    unplaced = initiatives[~can_place].assign(
        reason=[
            _hidden_reason(p)
            if h
            else "hverken budget eller deltagere"
            if b <= 0 and r <= 0
            else "intet budget"
            if b <= 0
            else "ingen deltagere"
            for b, r, h, p in zip(
                budget[~can_place], reach[~can_place], hidden[~can_place], initiatives["participants"][~can_place], strict=True
            )
        ]
    )
    placed = initiatives[can_place].assign(participants=reach[can_place], kr_per_participant=budget[can_place] / reach[can_place])
    if placed.empty:
        return Placement(placed.assign(strong_evidence=[], dear=[], quadrant=[]), unplaced, None)
    median = float(placed["kr_per_participant"].median())
    placed = placed.assign(strong_evidence=placed["evidence"].isin(STRONG_EVIDENCE), dear=placed["kr_per_participant"] > median)
    placed = placed.assign(quadrant=[QUADRANTS[(d, s)] for d, s in zip(placed["dear"], placed["strong_evidence"], strict=True)])
    return Placement(placed, unplaced, median)


def _hidden_reason(participants: fmt.Hidden) -> str:
    """Say why an initiative with hidden participants has no place: fewer than 5, or a figure hidden so no small one can be worked out."""
    return "færre end 5 deltagere (skjult)" if participants.marker == "<5" else "antal deltagere skjult (beskytter små tal)"


DO_LESS_PLURAL = "kandidater til mindre"
NAMED = 5  # initiatives named in the page's top sentence; the rest stand in the table under it


def do_less_summary(shown: pd.DataFrame, placed: pd.DataFrame, year: int) -> list[str]:
    """Answer "what should be done less of, and why?" in plain sentences, for the initiatives shown.

    `shown` are the year's initiatives the filters keep (`initiative_id`, `name`, `budget_kr`,
    `do_less`, `rationale`); `placed` are those placed in a quadrant. First the analysts' proposals
    (largest budget first, each with its reason, or that none is given), then the reckoning's
    candidates that no analyst has proposed. Analysts' text is returned as written: the page shows
    it as text.
    """
    flagged = shown[shown["do_less"].fillna(False).astype(bool)].sort_values("budget_kr", ascending=False, kind="stable")
    if flagged.empty:
        sentences = [f"Ingen af de viste indsatser er foreslået gjort mindre af i {year}."]
    else:
        named = [
            f"{name} ({fmt.mio_kr(budget)}; begrundelse: {reason if isinstance(reason, str) and reason.strip() else 'ikke angivet'})"
            for name, budget, reason in zip(flagged["name"], flagged["budget_kr"].fillna(0), flagged["rationale"], strict=True)
        ][:NAMED]
        rest = len(flagged) - len(named)
        count = "1 indsats" if len(flagged) == 1 else f"{fmt.number(len(flagged))} indsatser"
        sentences = [
            f"Analytikerne foreslår at gøre mindre af {count}, i alt {fmt.mio_kr(flagged['budget_kr'].fillna(0).sum())} i {year}: "
            + "; ".join(named)
            + (f"; og {fmt.number(rest)} mere i tabellen nedenfor." if rest else ".")
        ]
    candidates = placed[(placed["quadrant"] == DO_LESS) & ~placed["do_less"].fillna(False).astype(bool)]
    if candidates.empty:
        sentences.append(
            f"Regnestykket finder ingen {DO_LESS.lower()} (dyr med svag evidens), som analytikerne ikke allerede har foreslået."
        )
    else:
        biggest = candidates.sort_values("budget_kr", ascending=False, kind="stable")["name"].head(NAMED).tolist()
        more = len(candidates) - len(biggest)
        noun = DO_LESS.lower() if len(candidates) == 1 else DO_LESS_PLURAL
        sentences.append(
            f"Regnestykket peger desuden på {fmt.number(len(candidates))} {noun} (dyr med svag evidens), som ingen har "
            "foreslået: " + ", ".join(biggest) + (f" og {fmt.number(more)} flere (se diagrammet)." if more else ".")
        )
    return sentences
