"""Disclosure control: a count of 1–4 people is never shown, and cannot be worked out from what is shown.

One decision per data version (`decide`), made on the finest people figures the app publishes: per
year, initiative and district (city-wide lines included), as an initiative's history shows them.
Every other people figure on every page, chart and download is a sum of those cells, worked out
from the decision (`Decision.sums`), so a cell hidden in one view is hidden in all of them.

A line's people are two counts that nothing else splits: the 18–25-year-olds among its participants
(`young`) and the others (`older`, deltagere − heraf 18–25). "Heraf 18–25" is the first, "deltagere"
their sum. For each count, per year:

1. A cell of 1–4 is hidden; 0 stays 0.
2. The hidden cells of an initiative's year form a group. While a reader who knows the group's sum
   could pin a cell (or the sum itself is under 5), the smallest shown cell of at least 5 of the same
   initiative and year joins the group; for the 18–25 count, whose district and city totals are
   shown, then the smallest of the same district and year (another initiative's), then of the year.
   A group nothing can protect is marked unprotected.
3. A sum is shown only when it holds each group whole or not at all (and no unprotected group); else
   it is hidden. A figure scaled per line (a scenario) is shown only when every cell of a group it
   holds is scaled alike. So what is shown tells at most a group's sum, never a cell of it: not by a
   filter, nor by its complement ("every administration but one"), nor by any difference of shown
   figures, and a shown sum is always 0 or at least 5.
4. A hidden figure reads "<5" when it is one hidden cell of 1–4 (beside zeros), which the cell's own
   marker tells already; otherwise "skjult". A rate of a hidden count (per 1.000, kr. per person) is
   hidden with it.

Budgets are never hidden. Effect targets measured in persons show "<5" for a value of 1–4
(`effect_target_values`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sikkerby.formatting import Hidden, is_hidden

THRESHOLD = 5
FEW = "<5"
HIDDEN = "skjult"
TRUE_SUM_SUFFIX = "_true_sum"
ATOMS = {"participants_18_25": ("young",), "participants": ("young", "older")}  # what each people column adds up
SHOWN = -1  # the group of a shown cell
PERSON_UNITS = ("person", "deltager", "unge", "borger")  # an effect target's unit that counts people
RULE = (
    'Tal for personer (deltagere, heraf 18–25 år, 18–25-årige nået og effektmål målt i personer) vises som "<5", når '
    "de er 1–4; 0 vises som 0. Reglen gælder de mindste tal, appen viser – en indsats' tal pr. år og bydel (og for hele "
    "byen) – og alle andre tal er summer af dem: en bydel, en forvaltning, et indsatsområde, et år, hele byen, med og "
    "uden filtre. Et skjult tal hører til en gruppe sammen med andre tal fra samme indsats og år (for 18–25-årige om "
    "nødvendigt fra samme bydel eller år), så gruppens sum ikke afslører nogen af dem. En sum vises kun, når den "
    'rummer hele gruppen eller intet af den; ellers vises den som "skjult". Derfor kan et skjult tal ikke regnes ud '
    "ved at trække et vist tal fra et andet – heller ikke et filter og dets modsætning (fx alle forvaltninger på "
    "nær én), og et vist tal for personer er altid 0 eller mindst 5. Et scenarie vises kun, hvor det ændrer alle "
    "tal i en gruppe ens. Rater beregnet af et skjult tal (pr. 1.000, kr. pr. deltager) skjules med det. Budgetter "
    "skjules aldrig."
)


@dataclass(frozen=True, eq=False)
class Decision:
    """The suppression decision of one data version: per finest line and count, its group (`SHOWN` when shown)."""

    lines: pd.DataFrame  # year, initiative_id, district_id (NaN: city-wide), participants, participants_18_25 (true)
    values: dict[str, np.ndarray]  # count ("young", "older") → value per line
    group: dict[str, np.ndarray]  # count → group per line, SHOWN where the cell is shown
    size: dict[str, np.ndarray]  # count → cells per group
    unprotected: dict[str, np.ndarray]  # count → per group: True where nothing could protect it

    @functools.cached_property
    def finest(self) -> pd.DataFrame:
        """`lines` as published, hidden cells holding `Hidden`: made when an initiative's history first asks for it.

        Not with the decision, which every page reads: at 1000× the sample it is some 50 MB of objects.
        """
        return _published(self.lines, self.values, self.group)

    def sums(self, rows: np.ndarray, keys: np.ndarray, n_keys: int, column: str, weights: np.ndarray | None = None) -> list:
        """Return per key 0…n_keys−1 the sum of `column` over `rows` (line numbers) with that key, or `Hidden`.

        `weights` scales each row (a scenario); a row of weight 0 is not held. A key is hidden when its
        rows hold part of a group, or all of it unequally scaled, or an unprotected group (rule 3).
        """
        rows = np.asarray(rows, dtype=np.int64)
        keys = np.asarray(keys, dtype=np.int64)
        w = np.ones(len(rows)) if weights is None else np.asarray(weights, dtype=float)
        held = w != 0
        rows, keys, w = rows[held], keys[held], w[held]
        total = np.zeros(n_keys)
        bad = np.zeros(n_keys, dtype=bool)
        hidden_line = np.zeros(len(rows), dtype=bool)
        for atom in ATOMS[column]:
            total += np.bincount(keys, weights=w * self.values[atom][rows], minlength=n_keys)
            groups = self.group[atom][rows]
            in_group = groups != SHOWN
            hidden_line |= in_group
            if in_group.any():
                bad[_broken(keys[in_group], groups[in_group], w[in_group], self.size[atom], self.unprotected[atom])] = True
        shown_part = np.bincount(
            keys[~hidden_line], weights=w[~hidden_line] * _line_total(self, column, rows[~hidden_line]), minlength=n_keys
        )
        hidden_lines = np.bincount(keys[hidden_line], minlength=n_keys)
        out: list = total.tolist()
        for k in np.flatnonzero(bad):
            one_small = hidden_lines[k] == 1 and shown_part[k] == 0 and 0 < total[k] < THRESHOLD
            out[k] = Hidden(FEW if one_small else HIDDEN)
        return out


def decide(lines: pd.DataFrame, borrow: Sequence[str] = ("young",)) -> Decision:
    """Return the decision for `lines` (year, initiative_id, district_id, participants, participants_18_25; one row per cell).

    `borrow`: the counts whose groups may take a cell from another initiative (rule 2): the 18–25
    count, whose district and city totals are shown. The others' only sums are per initiative.
    """
    lines = lines.reset_index(drop=True)
    whole = pd.to_numeric(lines["participants"], errors="coerce").fillna(0).to_numpy(dtype=float)
    young = pd.to_numeric(lines["participants_18_25"], errors="coerce").fillna(0).to_numpy(dtype=float)
    values = {"young": young, "older": np.maximum(whole - young, 0)}
    year = lines["year"].to_numpy(dtype=np.int64)
    initiative, ids = pd.factorize(lines["initiative_id"])
    # One string object per initiative, not per line: 690.000 lines at 1000× the sample share 93.000 ids.
    lines["initiative_id"] = np.asarray(ids, dtype=object)[initiative] if (initiative >= 0).all() else lines["initiative_id"]
    district = lines["district_id"].fillna(-1).to_numpy(dtype=np.int64)
    block = np.unique(np.stack([year, initiative], axis=1), axis=0, return_inverse=True)[1].ravel()  # initiative-years
    group, size, unprotected = {}, {}, {}
    for atom, v in values.items():
        group[atom], size[atom], unprotected[atom] = _groups(v, year, block, district, atom in borrow)
    return Decision(lines=lines, values=values, group=group, size=size, unprotected=unprotected)


def safe(cells: Sequence[float]) -> bool:
    """Whether a group's sum, known to a reader who knows the rule ("<5" is 1–4, a hidden cell of 5 or more is ≥ 5), pins no cell of 1–4.

    The sum itself must be at least 5 (else it is a small count), and each cell of 1–4 must keep at
    least two possible values between what the others can hold at most and at least.
    """
    cells = [float(c) for c in cells]
    total = sum(cells)
    if total < THRESHOLD:
        return False
    small = sum(1 for c in cells if c < THRESHOLD)
    if not small:
        return True
    large = len(cells) - small
    others_low = (small - 1) + large * THRESHOLD  # the same for every cell of 1–4: the reader knows only the markers
    others_high = np.inf if large else (small - 1) * (THRESHOLD - 1.0)
    return min(THRESHOLD - 1.0, total - others_low) - max(1.0, total - others_high) >= 1


def effect_target_values(targets: pd.DataFrame, columns: Sequence[str] = ("baseline", "target", "actual")) -> pd.DataFrame:
    """Return effect targets with each value of 1–4 measured in persons as "<5"; progress from a hidden value is hidden with it."""
    counts_people = targets["unit"].fillna("").astype(str).str.lower().str.contains("|".join(PERSON_UNITS))
    out = targets.copy()
    hidden_any = np.zeros(len(targets), dtype=bool)
    for column in columns:
        number = pd.to_numeric(targets[column], errors="coerce")
        small = (counts_people & (number > 0) & (number < THRESHOLD)).to_numpy()
        hidden_any |= small  # progress and two of the values would give the third away
        out[column] = _with_hidden(targets[column], np.where(small, FEW, None))
    if "progress" in out:
        out["progress"] = _with_hidden(targets["progress"], np.where(hidden_any, HIDDEN, None))
    return out


def true_sum(frame: pd.DataFrame, column: str) -> float:
    """Return the true total of a column: from its `<column>_true_sum` when the query gave one, else the sum of the column."""
    kept = column + TRUE_SUM_SUFFIX
    if kept in frame:
        return float(frame[kept].iloc[0]) if len(frame) else 0.0
    return float(pd.to_numeric(frame[column], errors="coerce").sum())


def hidden_cells(values: pd.Series) -> pd.Series:
    """Return the markers of the hidden cells ("<5" or "skjult"), None where the cell is shown."""
    return values.map(lambda v: v.marker if is_hidden(v) else None)


def column_of(cells: list, index: pd.Index, name: str | None = None) -> pd.Series:
    """Return sums from `Decision.sums` as a column: floats, or objects with `Hidden` where some are hidden."""
    if any(is_hidden(c) for c in cells):
        return pd.Series(cells, index=index, dtype=object, name=name)
    return pd.Series(cells, index=index, dtype=float, name=name)


def rate_of(rate: pd.Series, count: pd.Series) -> pd.Series:
    """Return `rate` hidden ("skjult") wherever the count it is computed from is hidden (rule 4)."""
    hidden = count.map(is_hidden).to_numpy(dtype=bool)
    return _with_hidden(rate, np.where(hidden, HIDDEN, None))


def _groups(v: np.ndarray, year: np.ndarray, block: np.ndarray, district: np.ndarray, borrow: bool) -> tuple:
    """Return per line its group (rule 2), and per group its size and whether it is unprotected; `block` numbers initiative-years.

    Most groups are an initiative-year's cells of 1–4 and its smallest cells of 5 or more: found for
    all of them at once (`_within_initiatives`). Only the groups that need more go cell by cell.
    """
    group = np.full(len(v), SHOWN, dtype=np.int64)
    primary = (v > 0) & (v < THRESHOLD)
    if not primary.any():
        return group, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    eligible = v >= THRESHOLD  # a cell that may join a group (never a 0, never a cell of 1–4 from elsewhere)
    settled, rest = _within_initiatives(v, block, primary, eligible)
    group[settled] = block[settled]  # numbered by block for now; renumbered below
    unprotected: dict[int, bool] = {}
    order = np.argsort(block, kind="stable")
    starts = np.searchsorted(block[order], np.arange(block.max() + 2))
    for b in rest:
        members = [int(i) for i in order[starts[b] : starts[b + 1]] if primary[i] or eligible[i]]
        cells = [v[i] for i in members]
        if borrow and not safe(cells):
            same_year = year == year[members[0]]
            districts = np.unique(district[[i for i in members if primary[i]]])
            for wider in (same_year & np.isin(district, districts), same_year):
                candidates = np.flatnonzero(wider & eligible & (group == SHOWN) & (block != b))
                for i in candidates[np.argsort(v[candidates], kind="stable")]:
                    if safe(cells):
                        break
                    members.append(int(i))
                    cells.append(v[i])
        group[members] = b
        unprotected[b] = not safe(cells)
    numbered, group_ids = np.unique(group[group != SHOWN], return_inverse=True)
    group[group != SHOWN] = group_ids
    size = np.bincount(group_ids, minlength=len(numbered))
    return group, size, np.array([unprotected.get(int(b), False) for b in numbered], dtype=bool)


def _within_initiatives(v: np.ndarray, block: np.ndarray, primary: np.ndarray, eligible: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """Return the lines of the groups one initiative-year can make safe (its cells of 1–4 and its k smallest of 5 or more), and the other blocks.

    With k ≥ 1 cells of 5 or more, a group is safe when its sum is at least the cells of 1–4 plus
    5 × k plus 1 (see `safe`): that only grows with k, so the first k that holds is found in one pass.
    """
    small = pd.DataFrame({"block": block[primary], "v": v[primary]}).groupby("block")["v"].agg(["sum", "size"])
    total, n = small["sum"].to_numpy(), small["size"].to_numpy()
    # `safe` with cells of 1–4 only: the others hold n − 1 to 4 × (n − 1)
    alone = (total >= THRESHOLD) & (np.minimum(THRESHOLD - 1, total - (n - 1)) - np.maximum(1, total - (THRESHOLD - 1) * (n - 1)) >= 1)
    spares = pd.DataFrame({"block": block[eligible], "v": v[eligible], "line": np.flatnonzero(eligible)})
    spares = spares[spares["block"].isin(small.index[~alone])].sort_values(["block", "v", "line"], kind="stable")
    spares["k"] = spares.groupby("block").cumcount() + 1
    spares["total"] = spares.groupby("block")["v"].cumsum() + small["sum"].reindex(spares["block"]).to_numpy()
    n_small = small["size"].reindex(spares["block"]).to_numpy()
    holds = spares["total"] - (n_small - 1) - THRESHOLD * spares["k"] >= 2  # the sum is then at least 5 × k + 2
    first_k = spares[holds].groupby("block")["k"].min()
    taken = spares[spares["k"] <= first_k.reindex(spares["block"]).to_numpy()]["line"].to_numpy()  # NaN: none taken
    done = set(small.index[alone]) | set(first_k.index)
    settled = np.concatenate([np.flatnonzero(primary & np.isin(block, list(done))), taken]).astype(np.int64)
    return settled, [int(b) for b in small.index if b not in done]


def _broken(keys: np.ndarray, groups: np.ndarray, w: np.ndarray, size: np.ndarray, unprotected: np.ndarray) -> np.ndarray:
    """Return the keys whose rows hold part of a group, all of it scaled unequally, or an unprotected group."""
    pairs = pd.DataFrame({"key": keys, "group": groups, "w": w}).groupby(["key", "group"], sort=False)["w"].agg(["size", "min", "max"])
    key, grp = pairs.index.get_level_values("key").to_numpy(), pairs.index.get_level_values("group").to_numpy()
    ok = (pairs["size"].to_numpy() == size[grp]) & (pairs["min"].to_numpy() == pairs["max"].to_numpy()) & ~unprotected[grp]
    return np.unique(key[~ok])


def _line_total(decision: Decision, column: str, rows: np.ndarray) -> np.ndarray:
    """Return `column`'s value of each line in `rows` (the sum of the counts it is made of)."""
    return sum(decision.values[atom][rows] for atom in ATOMS[column])


def _published(lines: pd.DataFrame, values: dict[str, np.ndarray], group: dict[str, np.ndarray]) -> pd.DataFrame:
    """Return the finest lines as an initiative's history shows them: a hidden cell "<5" when 1–4, else "skjult"."""
    young_hidden = group["young"] != SHOWN
    whole_hidden = young_hidden | (group["older"] != SHOWN)
    whole = values["young"] + values["older"]
    young_marks = np.where(young_hidden, np.where(values["young"] < THRESHOLD, FEW, HIDDEN), None)
    whole_marks = np.where(whole_hidden, np.where((whole > 0) & (whole < THRESHOLD), FEW, HIDDEN), None)
    out = lines.copy()
    out["participants"] = _with_hidden(lines["participants"], whole_marks)
    out["participants_18_25"] = _with_hidden(lines["participants_18_25"], young_marks)
    return out


def _with_hidden(column: pd.Series, marks: np.ndarray) -> pd.Series:
    """Return the column unchanged when nothing is hidden; else as objects with `Hidden` in the hidden cells."""
    if all(m is None for m in marks):
        return column
    cells = pd.to_numeric(column, errors="coerce").astype(float).to_numpy().astype(object)
    hidden = np.flatnonzero(np.array([m is not None for m in marks], dtype=bool))
    cells[hidden] = [Hidden(m) for m in np.asarray(marks, dtype=object)[hidden]]
    return pd.Series(cells, index=column.index, dtype=object, name=column.name)
