"""Colours: one per goal, administration, focus area and status, the same on every page.

All sets are colour-blind safe: administrations use Okabe & Ito's palette, goals and focus areas
Paul Tol's 'muted' and 'bright' sets; districts on maps use a single-hue sequential scale.
"""

from __future__ import annotations

ADMINISTRATION_COLOURS: dict[str, str] = {
    "SOF": "#0072B2",
    "BUF": "#E69F00",
    "BIF": "#009E73",
    "KFF": "#CC79A7",
    "TMF": "#56B4E9",
    "SUF": "#D55E00",
    "ØKF": "#4D4D4D",
}

GOAL_COLOURS: dict[int, str] = {1: "#332288", 2: "#44AA99", 3: "#CC6677", 4: "#DDCC77"}

FOCUS_AREA_COLOURS: dict[int, str] = {1: "#4477AA", 2: "#228833", 3: "#CCBB44", 4: "#EE6677", 5: "#66CCEE", 6: "#AA3377"}

STATUS_COLOURS: dict[str, str] = {"eksisterende": "#7F7F7F", "ny": "#0072B2", "foreslaaet": "#E69F00"}

FUNDING_COLOURS: dict[str, str] = {"kommune": "#0072B2", "satspulje": "#E69F00", "andet": "#999999"}

PROGRESS_COLOURS: dict[str, str] = {
    "Nået": "#009E73",
    "På vej": "#56B4E9",
    "Bagud": "#D55E00",
    "Ingen måling": "#BBBBBB",
    "Uden udgangspunkt": "#8C8C8C",
}

PROPOSED = "#C8C8C8"  # proposed (not decided) budget where it stands beside the administrations' colours
SEQUENTIAL_SCALE = "Blues"
HIGHLIGHT = "#D55E00"
NEUTRAL = "#9AA5B1"
