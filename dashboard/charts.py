"""Chart builders: DataFrame in, plotly figure out. No Streamlit here, so each is tested alone.

Every figure gets a title (the finding or the question), axis titles with units, Danish number
separators, and a source line under the plot area.
"""

from __future__ import annotations

import functools
import json
import math
import re
import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from dashboard import palette
from dashboard.analysis import plotly_text
from dashboard.prioritisation import EVIDENCE_ORDER, QUADRANTS
from sikkerby import formatting as fmt

FONT = "Source Sans Pro, Arial, sans-serif"
MIO = 1e6
TITLE_WIDTH = 58  # characters per title line; fits a half-width chart on a laptop
SOURCE_WIDTH = 48  # characters per source line, in the smaller type under the plot
LEGEND_ROW = 24  # px per row of legend entries under the plot
LEGEND_PER_ROW = 2  # entries per row on the narrowest screen (a phone)
QUADRANT_WIDTH = 12  # characters per line of a quadrant's name in the corner of the prioritisation chart


def finish(
    fig: go.Figure,
    title: str,
    source: str,
    x_title: str | None = None,
    y_title: str | None = None,
    height: int = 420,
    legend_entries: int = 0,
    under_plot: int = 58,
    layout: dict | None = None,
    x_axis: dict | None = None,
    y_axis: dict | None = None,
) -> go.Figure:
    """Apply the house style: a wrapped title, axis units, Danish separators, a legend below, the source line.

    `layout`, `x_axis` and `y_axis` carry a chart's own layout settings (merged as `update_layout`,
    `update_xaxes` and `update_yaxes` would, at a fraction of their cost).
    The title's room is recorded in `layout.meta`, so a page can show the title as wrapping text
    above the chart instead (`for_page`), where it never gets cut on a narrow screen.
    """
    title_lines = textwrap.wrap(title, TITLE_WIDTH) or [""]
    source_lines = [line for part in source.split(" · ") for line in textwrap.wrap(part, SOURCE_WIDTH)]
    title_room = 30 + 24 * len(title_lines)
    axis_room = under_plot  # room under the plot area for the x axis (or a colour bar) before the source line
    legend_room = LEGEND_ROW * math.ceil(legend_entries / LEGEND_PER_ROW) + 6 if legend_entries else 0
    source_room = 15 * len(source_lines) + 8
    bottom = axis_room + legend_room + source_room
    style = {
        "title": {
            "text": "<br>".join(title_lines),
            "x": 0,
            "xanchor": "left",
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            "pad": {"t": 12},
            "font": {"size": 18},
        },
        "meta": {"title": title, "source": source, "title_room": title_room, "source_room": source_room},
        "separators": fmt.PLOTLY_SEPARATORS,
        "font": {"family": FONT, "size": 14},
        "height": height + title_room + bottom,
        "margin": {"l": 10, "r": 10, "t": title_room, "b": bottom},
        "plot_bgcolor": "white",
        "showlegend": legend_entries > 0,
        "hoverlabel": {"font": {"family": FONT}},
    }
    if legend_entries:  # below the axis; plotly grows the bottom margin when the entries wrap onto more rows
        style["legend"] = {"orientation": "h", "yref": "paper", "y": -axis_room / height, "yanchor": "top", "x": 0, "title": None}
    source_note = {
        "name": "source",
        "text": "<br>".join(source_lines),
        "xref": "paper",
        "yref": "paper",
        "x": 0,
        "y": 0,
        "yshift": -axis_room - legend_room,
        "showarrow": False,
        "xanchor": "left",
        "yanchor": "top",
        "align": "left",
        "font": {"size": 11, "color": "#555"},
    }
    grid = {"gridcolor": "#E5E7EB", "zerolinecolor": "#9CA3AF", "automargin": True}
    x_style = _merge(grid | (x_axis or {}), {"title": {"text": x_title, "standoff": 8}} if x_title is not None else {})
    y_style = _merge(grid | (y_axis or {}), {"title": {"text": y_title}} if y_title is not None else {})
    return restyled(fig, _merge(dict(layout or {}), style), axes={"x": x_style, "y": y_style}, add_annotations=[source_note])


def restyled(fig: go.Figure, changes: dict, axes: dict[str, dict] | None = None, add_annotations: list[dict] | None = None) -> go.Figure:
    """Return the figure with `changes` merged into its layout (as `update_layout` would), built anew from plain dicts.

    `axes` merges into every x ("x") or y ("y") axis, as `update_xaxes`/`update_yaxes` would; `add_annotations`
    are appended. The new figure is not validated again: its traces were, and the house style is checked by
    the page tests (`test_page_renders_default_and_filtered_view` validates every chart). That costs 2 ms, where plotly's update methods cost 10–25 ms
    each (they validate every property path), and a page draws many charts on every run.
    """
    layout = fig.layout.to_plotly_json()
    layout.pop("template", None)  # the new figure gets the same default template
    _merge(layout, changes)
    for letter, settings in (axes or {}).items():
        names = {name for name in layout if re.fullmatch(f"{letter}axis\\d*", name)} | {f"{letter}axis"}
        for name in names:
            layout[name] = _merge(dict(layout.get(name) or {}), settings)
    if add_annotations:
        layout["annotations"] = [*layout.get("annotations", ()), *add_annotations]
    return go.Figure(data=fig.data, layout=layout, _validate=False)  # validated traces and house style (tests validate every chart)


def _merge(target: dict, changes: dict) -> dict:
    """Merge `changes` into `target` as plotly's update does: nested dicts merge, anything else replaces."""
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            target[key] = _merge(dict(target[key]), value)
        else:
            target[key] = value
    return target


def title_of(fig: go.Figure) -> str:
    """Return the chart's title as one line of plain text."""
    return str((fig.layout.meta or {}).get("title", ""))


def numeric(values: pd.Series) -> pd.Series:
    """Return the values as floats: a figure hidden by the disclosure rule becomes NaN, so it is never drawn."""
    return pd.to_numeric(values, errors="coerce").astype(float)


def source_of(fig: go.Figure) -> str:
    """Return the chart's source line as plain text."""
    return str((fig.layout.meta or {}).get("source", ""))


def for_page(fig: go.Figure) -> go.Figure:
    """Return the figure without its title and source line, for a page that shows both as wrapping text around it.

    Text in the browser wraps at any width; text inside a plotly figure does not, and gets cut on a phone.
    `meta` keeps both texts.
    """
    meta = fig.layout.meta or {}
    title_room, source_room = int(meta.get("title_room", 0)), int(meta.get("source_room", 0))
    return restyled(
        fig,
        {
            "title": None,
            "margin": {"t": 12, "b": fig.layout.margin.b - source_room},
            "height": fig.layout.height - title_room - source_room + 12,
            "annotations": [a.to_plotly_json() for a in fig.layout.annotations if a.name != "source"],  # a list replaces
        },
    )


def horizontal_bars(
    data: pd.DataFrame,
    label: str,
    value: str,
    colours: list[str],
    title: str,
    source: str,
    value_title: str,
    text: list[str],
    scale: float = 1.0,
    hover_unit: str = "",
    beside: go.Bar | None = None,
) -> go.Figure:
    """Return a horizontal bar chart, one bar per row in the order given (first on top).

    A figure hidden by the disclosure rule gets no bar; its text (the marker) still stands on its row.
    `beside` is a second bar per row (drawn under the first, with a legend naming both).
    """
    data = data.assign(**{value: numeric(data[value])})
    fig = go.Figure(
        go.Bar(
            name="Besluttet" if beside is not None else None,
            showlegend=False,  # its bars wear each row's own colour; the legend names only the grey beside them
            x=data[value] / scale,
            y=data[label],
            orientation="h",
            marker_color=colours,
            text=text,
            textposition="auto",
            customdata=text,
            hovertemplate="%{y}: %{customdata}<extra></extra>" if not hover_unit else "%{y}: %{x:,.1f} " + hover_unit + "<extra></extra>",
            cliponaxis=False,
            textfont={"size": 13},
        )
    )
    largest = float((data[value] / scale).max()) if len(data) else 0.0
    if beside is not None:
        fig.add_trace(beside)
        largest = max(largest, float(np.nanmax(beside.x))) if len(data) else largest
    row, gap = (ROW_PX, BAR_GAP) if beside is None else (ROW_PX_PAIRED, BAR_GAP_PAIRED)
    above = names_above(data[label], row, gap)
    return finish(
        fig,
        title,
        source,
        x_title=value_title,
        height=max(180, row * len(data)),
        legend_entries=0 if beside is None else 1,
        layout={"bargap": gap, "annotations": above} | ({} if beside is None else {"barmode": "group"}),
        x_axis={"tickformat": ",.0f" if scale == 1 or largest >= 10 else ",.1f", "range": [0, largest * 1.45 if largest > 0 else 1]},
        y_axis={"autorange": "reversed", "showticklabels": False},
    )


def names_above(names: pd.Series, row: float, gap: float, rows: list | None = None, escape: bool = True) -> list[dict]:
    """Return each row's name as a note above its bar(s), for a chart whose y axis shows no names.

    Beside the bars, a long name (a goal, "Vesterbro/Kongens Enghave") takes most of a phone's width and the
    bars' numbers get cut; above them, the bars keep the whole width. `rows` are the bars' y values when
    they are not the names themselves; `escape=False` for names already made safe for plotly.
    """
    return [
        {
            "text": plotly_text(name) if escape else name,
            "x": 0,
            "xref": "paper",
            "xanchor": "left",
            "y": y,
            "yref": "y",
            "yanchor": "bottom",
            "yshift": row * (1 - gap) / 2,
            "showarrow": False,
            "font": {"size": 13},
            "bgcolor": "rgba(255, 255, 255, 0.85)",  # a reference line across the chart never strikes a name through
            "align": "left",
        }
        for name, y in zip(names, names if rows is None else rows, strict=True)
    ]


ROW_PX, BAR_GAP = 60, 0.5  # a row: its name above (about 17 px) and a 30 px bar
ROW_PX_PAIRED, BAR_GAP_PAIRED = 84, 0.35  # a row with two bars (decided and proposed) under its name


PROPOSED_NAME = "Foreslået, ikke besluttet"


def budget_bars(data: pd.DataFrame, label: str, colours: list[str], title: str, source: str) -> go.Figure:
    """Return bars of `budget_kr` in mio. kr. with the amount and its share of their total written on each bar.

    With a `proposed_kr` column that is not all 0, each row gets a second, grey bar for its proposed
    budget, named as such; the shares stay those of the decided budget (`budget_kr`), one basis.
    """
    total = data["budget_kr"].sum()
    proposed = data["proposed_kr"] if "proposed_kr" in data else pd.Series(0.0, index=data.index)
    text = [
        "" if v == 0 and p > 0 else f"{fmt.mio_kr(v)} ({fmt.percent(v / total if total else 0, 0)})"
        for v, p in zip(data["budget_kr"], proposed, strict=True)
    ]
    beside = None
    if proposed.sum():
        beside = go.Bar(
            x=proposed / MIO,
            y=data[label],
            orientation="h",
            name=PROPOSED_NAME,
            marker={"color": palette.PROPOSED},
            text=[f"{fmt.mio_kr(p)} foreslået" if p > 0 else "" for p in proposed],
            textposition="auto",
            customdata=fmt.column(proposed, fmt.mio_kr),
            hovertemplate="%{y} · foreslået, ikke besluttet: %{customdata}<extra></extra>",
            cliponaxis=False,
            textfont={"size": 13},
        )
    return horizontal_bars(data, label, "budget_kr", colours, title, source, "Budget (mio. kr.)", text, scale=MIO, beside=beside)


def baseline_and_scenario_bars(data: pd.DataFrame, label: str, colours: list[str], title: str, source: str) -> go.Figure:
    """Return paired horizontal bars per row: the baseline in grey, the scenario in the row's own colour (mio. kr.)."""
    largest = float(max(data["baseline_kr"].max(), data["scenario_kr"].max()) / MIO) if len(data) else 0.0
    fig = go.Figure()
    fig.add_bar(
        y=data[label],
        x=data["baseline_kr"] / MIO,
        orientation="h",
        name="Udgangspunkt",
        marker_color=palette.NEUTRAL,
        customdata=fmt.column(data["baseline_kr"], fmt.mio_kr),
        hovertemplate="%{y} · udgangspunkt: %{customdata}<extra></extra>",
    )
    fig.add_bar(
        y=data[label],
        x=data["scenario_kr"] / MIO,
        orientation="h",
        name="Scenarie",
        marker_color=colours,
        text=fmt.column(data["scenario_kr"], fmt.mio_kr),
        textposition="auto",
        customdata=fmt.column(data["change_kr"], lambda v: fmt.signed_change(v, fmt.mio_kr)),
        hovertemplate="%{y} · scenarie: %{text} (%{customdata})<extra></extra>",
    )
    return finish(
        fig,
        title,
        source,
        x_title="Budget (mio. kr.)",
        height=max(220, ROW_PX_PAIRED * len(data)),
        legend_entries=2,
        layout={"barmode": "group", "bargap": BAR_GAP_PAIRED, "annotations": names_above(data[label], ROW_PX_PAIRED, BAR_GAP_PAIRED)},
        x_axis={"tickformat": ",.1f", "range": [0, largest * 1.45 if largest > 0 else 1]},
        y_axis={"autorange": "reversed", "showticklabels": False},
    )


def stacked_budget_bars(
    data: pd.DataFrame,
    x: str,
    stack: str,
    stack_label: str,
    colours: dict,
    title: str,
    source: str,
    x_title: str | None = None,
    x_names: dict | None = None,
) -> go.Figure:
    """Return vertical bars of budget (mio. kr.) per `x`, stacked by `stack` (coloured per stack key).

    `x_names` gives the hover a full name per x value (an administration's Danish name for its code).
    """
    fig = go.Figure()
    for key, part in data.groupby(stack, sort=False):
        hover_x = part[x].map(lambda v: x_names.get(v, v) if x_names else v).astype(str)
        fig.add_bar(
            x=part[x],
            y=part["budget_kr"] / MIO,
            name=str(part[stack_label].iloc[0]),
            marker_color=colours.get(key, palette.NEUTRAL),
            customdata=hover_x,
            hovertemplate="%{customdata} · " + str(part[stack_label].iloc[0]) + ": %{y:,.1f} mio. kr.<extra></extra>",
        )
    years = pd.api.types.is_numeric_dtype(data[x])  # years: never "2.013"
    return finish(
        fig,
        title,
        source,
        x_title=x_title,
        y_title="Budget (mio. kr.)",
        height=380,
        legend_entries=len(fig.data),
        layout={"barmode": "stack"},
        x_axis={"tickformat": "d", "hoverformat": "d", "dtick": 1} if years else {"categoryorder": "total descending"},
        y_axis={"tickformat": ",.0f"},
    )


def budget_and_spending(data: pd.DataFrame, title: str, source: str, names: dict | None = None) -> go.Figure:
    """Return grouped bars of budget and spending (forbrug) per administration, in mio. kr. (full names on hover)."""
    full = data["administration_code"].map(lambda c: (names or {}).get(c, c))
    fig = go.Figure()
    fig.add_bar(
        x=data["administration_code"],
        y=data["budget_kr"] / MIO,
        name="Budget",
        marker_color="#0072B2",
        customdata=full,
        hovertemplate="%{customdata}: budget %{y:,.1f} mio. kr.<extra></extra>",
    )
    fig.add_bar(
        x=data["administration_code"],
        y=data["spent_kr"] / MIO,
        name="Forbrug",
        marker_color="#E69F00",
        customdata=full,
        hovertemplate="%{customdata}: forbrug %{y:,.1f} mio. kr.<extra></extra>",
    )
    return finish(
        fig,
        title,
        source,
        x_title="Forvaltning",
        y_title="mio. kr.",
        height=340,
        legend_entries=2,
        layout={"barmode": "group"},
        y_axis={"tickformat": ",.0f"},
    )


def trend_line(
    data: pd.DataFrame, x: str, y: str, title: str, source: str, y_title: str, hover_format: str, colour: str = "#0072B2"
) -> go.Figure:
    """Return one line over the years with markers and the value on hover."""
    fig = go.Figure(
        go.Scatter(
            x=data[x],
            y=numeric(data[y]),
            mode="lines+markers",
            line={"color": colour, "width": 3},
            marker={"size": 9},
            hovertemplate="%{x}: %{y:" + hover_format + "}<extra></extra>",
        )
    )
    return finish(
        fig,
        title,
        source,
        x_title="År",
        y_title=y_title,
        height=340,
        x_axis={"dtick": 1, "tickformat": "d", "hoverformat": "d"},
        y_axis={"rangemode": "tozero", "tickformat": ",.0f"},
    )


def ranked_bars(
    data: pd.DataFrame,
    label: str,
    value: str,
    title: str,
    source: str,
    value_title: str,
    text: list[str],
    chosen: tuple[int, ...] = (),
    reference: float | None = None,
    reference_label: str = "Hele byen",
) -> go.Figure:
    """Return all districts ranked lowest first; chosen districts (by `district_id`) in the highlight colour.

    `reference` draws the city's figure as a dashed line, so a chosen district is read against it.
    """
    ranked = (
        data.assign(_text=text, **{value: numeric(data[value])})
        .sort_values(value, ascending=True, kind="stable", na_position="first")
        .reset_index(drop=True)
    )
    colours = [palette.HIGHLIGHT if d in chosen else palette.NEUTRAL for d in ranked["district_id"]]
    has_reference = reference is not None and math.isfinite(reference)
    if has_reference:  # named in the axis title: a label on the line would cover a bar on a narrow screen
        value_title = f"{value_title} · stiplet linje: {reference_label.lower()} {fmt.number(reference, 1 if reference < 100 else 0)}"
    fig = horizontal_bars(ranked, label, value, colours, title, source, value_title, ranked["_text"].tolist())
    if has_reference:
        fig = restyled(fig, {"shapes": [vertical_line(reference, "#333")]})
    return fig


def vertical_line(x: float, colour: str) -> dict:
    """A dashed line across the plot at `x`, as plotly's `add_vline` draws it."""
    return {  # under the bars: it never strikes through the numbers written on them
        "type": "line",
        "x0": x,
        "x1": x,
        "xref": "x",
        "y0": 0,
        "y1": 1,
        "yref": "y domain",
        "line": {"dash": "dash", "color": colour},
        "layer": "below",
    }


# Where each district's name sits on the map: hand-placed (lon, lat) and short two-line names, so no
# two labels overlap or leave the map at phone width (checked by tests/test_charts_and_formatting.py).
MAP_LABELS: dict[int, tuple[float, float, str]] = {
    1: (12.595, 55.684, "Indre By"),
    2: (12.592, 55.712, "Østerbro"),
    3: (12.551, 55.697, "Nørrebro"),
    4: (12.546, 55.653, "Vesterbro/<br>Kgs. Enghave"),
    5: (12.494, 55.662, "Valby"),
    6: (12.492, 55.690, "Vanløse"),
    7: (12.484, 55.712, "Brønshøj-<br>Husum"),
    8: (12.537, 55.718, "Bispebjerg"),
    9: (12.630, 55.664, "Amager<br>Øst"),
    10: (12.585, 55.630, "Amager<br>Vest"),
}
MAP_LABEL_FONT = 11


def label_colour_on(fill: str) -> str:
    """Return white or near-black for a label on `fill` ("rgb(r, g, b)" or "#rrggbb"): whichever contrasts more (WCAG)."""
    if fill.startswith("#"):
        channels = [int(fill[i : i + 2], 16) for i in (1, 3, 5)]
    else:
        channels = [round(float(c)) for c in fill[fill.index("(") + 1 : fill.index(")")].split(",")[:3]]
    linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    dark = (luminance + 0.05) / (DARK_LABEL_LUMINANCE + 0.05)
    light = 1.05 / (luminance + 0.05)
    return "white" if light > dark else DARK_LABEL


DARK_LABEL = "#111111"
DARK_LABEL_LUMINANCE = 0.0056  # of #111111
MAP_COLOURBAR_ROOM = 86  # the colour bar lies under the map, with its title above it


def district_map(
    districts: pd.DataFrame,
    values: pd.DataFrame,
    value: str,
    title: str,
    source: str,
    colourbar_title: str,
    text: list[str],
    chosen: tuple[int, ...] = (),
) -> go.Figure:
    """Return a map of the ten districts coloured by `value`, drawn from the shipped boundaries.

    Drawn as filled polygons on plain axes (longitude scaled by cos(latitude)), so it needs no
    tile server or map library and works without internet.
    """
    merged = districts.merge(values.assign(label_text=text, **{value: numeric(values[value])}), on="district_id", how="left")
    low, high = float(merged[value].min(skipna=True) or 0), float(merged[value].max(skipna=True) or 0)
    fig = go.Figure()
    label_x, label_y, label_text, label_colour, hover = [], [], [], [], []
    for row in merged.itertuples(index=False):
        if not row.boundary_geojson:
            continue
        amount = getattr(row, value)
        share = 0.0 if high == low or pd.isna(amount) else (float(amount) - low) / (high - low)
        colour = "#EEEEEE" if pd.isna(amount) else sample_colorscale(palette.SEQUENTIAL_SCALE, [0.15 + 0.85 * share])[0]
        rings = district_rings(row.boundary_geojson)
        for lon, lat in rings:
            fig.add_trace(
                go.Scatter(
                    x=lon,
                    y=lat,
                    fill="toself",
                    fillcolor=colour,
                    line={"color": palette.HIGHLIGHT, "width": 4} if row.district_id in chosen else {"color": "white", "width": 1.5},
                    mode="lines",
                    hoverinfo="skip",
                    showlegend=False,
                )
            )
        x, y, name = MAP_LABELS.get(row.district_id, (*_centre(max(rings, key=lambda r: len(r[0]))), row.name))
        label_x.append(x)
        label_y.append(y)
        label_text.append(name)
        label_colour.append(label_colour_on(colour))
        hover.append(f"{row.name}<br>{row.label_text}")
    fig.add_trace(
        go.Scatter(
            x=label_x,
            y=label_y,
            mode="markers+text",
            text=label_text,
            textfont={"size": MAP_LABEL_FONT, "color": label_colour},
            marker={
                "size": 24,
                "opacity": 0,
                "color": [low] * len(label_x),
                "colorscale": palette.SEQUENTIAL_SCALE,
                "cmin": low,
                "cmax": high or 1,
            },
            hovertext=hover,
            hoverinfo="text",
            showlegend=False,
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            marker={
                "colorscale": palette.SEQUENTIAL_SCALE,
                "cmin": low,
                "cmax": high or 1,
                "color": [low],
                "showscale": True,
                "colorbar": {
                    "title": {"text": colourbar_title, "side": "top"},
                    "tickformat": ",.0f",
                    "orientation": "h",
                    "x": 0,
                    "xanchor": "left",
                    "y": 0,
                    "yanchor": "top",
                    "len": 0.6,
                    "thickness": 12,
                },
            },
            hoverinfo="skip",
            showlegend=False,
        )
    )
    mid_latitude = sum(label_y) / len(label_y) if label_y else 55.68
    return finish(
        fig,
        title,
        source,
        height=470,
        under_plot=MAP_COLOURBAR_ROOM,
        x_axis={"visible": False, "showgrid": False},
        y_axis={"visible": False, "showgrid": False, "scaleanchor": "x", "scaleratio": 1 / math.cos(math.radians(mid_latitude))},
    )


@functools.lru_cache(maxsize=64)
def district_rings(boundary_geojson: str) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """Return a district's outer rings as longitude and latitude arrays, parsed once per process.

    Arrays, not lists: plotly checks a list point by point on every run, an array at once.
    """
    rings = _outer_rings(json.loads(boundary_geojson)["geometry"])
    out = []
    for ring in rings:
        points = np.asarray(ring, dtype=float)
        lon, lat = points[:, 0].copy(), points[:, 1].copy()
        lon.flags.writeable = lat.flags.writeable = False  # shared between runs: nobody may change them
        out.append((lon, lat))
    return tuple(out)


def _centre(ring: tuple[np.ndarray, np.ndarray]) -> tuple[float, float]:
    return float(ring[0].mean()), float(ring[1].mean())


def _outer_rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    return [polygon[0] for polygon in geometry["coordinates"]]


def effect_progress(data: pd.DataFrame, title: str, source: str) -> go.Figure:
    """Return each effect target's progress from baseline (0 %) to target (100 %), coloured by status.

    `data` needs `label`, `progress` (share, may be NaN), `status` and `hover` (indicator and values).
    Status and progress stand in the axis label under the initiative's name, so nothing is written
    beside the bars, where a narrow screen would cut it.
    """
    shown = data.assign(progress_pct=data["progress"].fillna(0) * 100)
    # rounded down, so a target not yet reached never reads 100 %
    percents = [fmt.percent(math.floor(p * 100) / 100 if pd.notna(p) else p, 0) for p in shown["progress"]]
    labels = [f"{name}<br><b>{status}</b> · {pct}" for name, status, pct in zip(shown["label"], shown["status"], percents, strict=True)]
    if "where" in shown:  # under a district filter: how much of the initiative's budget lies in the chosen districts
        labels = [f"{label} · {where}" for label, where in zip(labels, shown["where"], strict=True)]
    rows = list(range(len(shown)))  # one row per target: two names that shorten alike must not share a bar
    fig = go.Figure(
        go.Bar(
            x=shown["progress_pct"],
            y=rows,
            orientation="h",
            marker_color=[palette.PROGRESS_COLOURS[s] for s in shown["status"]],
            customdata=shown["hover"],
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    target_note = {
        "showarrow": False,
        "text": "Mål",
        "x": 100,
        "xanchor": "center",
        "xref": "x",
        "y": 1,
        "yanchor": "bottom",
        "yref": "y domain",
    }
    return finish(
        fig,
        title,
        source,
        x_title="Fra udgangspunkt (0 %) til mål (100 %)",
        height=max(160, TARGET_ROW_PX * len(shown)),
        layout={
            "shapes": [vertical_line(100, "#333")],
            "annotations": [target_note, *names_above(labels, TARGET_ROW_PX, TARGET_BAR_GAP, rows=rows, escape=False)],
            "bargap": TARGET_BAR_GAP,
        },
        x_axis={"ticksuffix": " %", "range": [min(-10, shown["progress_pct"].min() - 10), max(120, shown["progress_pct"].max() + 10)]},
        # the labels (already escaped) stand above the bars; the ticks keep them for a reader of the figure's data
        y_axis={"autorange": "reversed", "tickmode": "array", "tickvals": rows, "ticktext": labels, "showticklabels": False},
    )


TARGET_ROW_PX, TARGET_BAR_GAP = 86, 0.74  # three lines of label (about 52 px) above a 22 px bar


def priority_bubbles(placed: pd.DataFrame, median: float, title: str, source: str) -> go.Figure:
    """Return initiatives as bubbles: kr. per participant (log axis) against evidence, size = budget, colour = focus area.

    `placed` comes from `prioritisation.place_initiatives` and needs `name`, `administration_code`,
    `focus_area_id`, `focus_area`, `budget_kr`, `participants`, `evidence`, `do_less`, `quadrant`
    and `initiative_id`. Initiatives proposed to be done less of get a black outline and a diamond.
    Bubbles on one evidence level are spread vertically in a fixed order, so none hides another.
    """
    level = placed["evidence"].map({e: i for i, e in enumerate(EVIDENCE_ORDER)})
    spread = placed.groupby("evidence")["kr_per_participant"].rank(method="first")
    count = placed.groupby("evidence")["kr_per_participant"].transform("count")
    y = level + ((spread - 1) / count.clip(lower=2) - 0.5) * 0.5 * (count > 1)
    largest = float(placed["budget_kr"].max()) if len(placed) else 1.0
    size = (placed["budget_kr"] / largest) ** 0.5 * 46 + 8
    text = (
        fmt.column(placed["name"], plotly_text)
        + "<br>"
        + placed["administration_code"].astype(str)
        + " · budget "
        + fmt.column(placed["budget_kr"], fmt.mio_kr)
        + " · "
        + fmt.column(placed["participants"], fmt.number)
        + " deltagere<br>"
        + fmt.column(placed["kr_per_participant"], fmt.kr)
        + " pr. deltager · "
        + placed["quadrant"].astype(str)
        + placed["do_less"].map({True: "<br><b>Foreslået gjort mindre af</b>", False: ""}).astype(str)
    )
    fig = go.Figure()
    # One trace per focus area and outline, so colour, symbol and outline are single values (plotly checks lists item by item).
    for (area_id, do_less), part in placed.groupby(["focus_area_id", "do_less"], sort=True):
        rows = part.index
        fig.add_scatter(
            x=part["kr_per_participant"].to_numpy(dtype=float),
            y=y[rows].to_numpy(dtype=float),
            mode="markers",
            name=str(part["focus_area"].iloc[0]),
            legendgroup=str(area_id),
            showlegend=not do_less or not (placed["focus_area_id"].eq(area_id) & ~placed["do_less"]).any(),
            marker={
                "size": size[rows].to_numpy(dtype=float),
                "color": palette.FOCUS_AREA_COLOURS.get(area_id, palette.NEUTRAL),
                "opacity": 0.8,
                "symbol": "diamond" if do_less else "circle",
                "line": {"color": "#111" if do_less else "white", "width": 3 if do_less else 1},
            },
            customdata=part[["initiative_id"]].to_numpy(),
            text=text[rows].to_numpy(dtype=object),
            hovertemplate="%{text}<extra></extra>",
        )
    evidence_line = {
        "type": "line",
        "x0": 0,
        "x1": 1,
        "xref": "x domain",
        "y0": 1.5,
        "y1": 1.5,
        "yref": "y",
        "line": {"dash": "dash", "color": "#555"},
    }
    quadrant_names = [
        {
            "text": "<b>" + "<br>".join(textwrap.wrap(name, QUADRANT_WIDTH)) + "</b>",  # two corners share a phone's width
            "xref": "x domain",
            "yref": "y domain",
            "x": 0.99 if dear else 0.01,
            "y": 0.99 if strong else 0.01,
            "xanchor": "right" if dear else "left",
            "yanchor": "top" if strong else "bottom",
            "showarrow": False,
            "font": {"size": 13, "color": "#333"},
            "bgcolor": "rgba(255,255,255,0.8)",
        }
        for (dear, strong), name in QUADRANTS.items()
    ]
    return finish(
        fig,
        title,
        source,
        x_title="Kr. pr. deltager (logaritmisk akse)",  # fits under the plot on a phone
        y_title="Evidens",
        height=520,
        legend_entries=sum(1 for trace in fig.data if trace.showlegend is not False),
        layout={"shapes": [vertical_line(median, "#555"), evidence_line], "annotations": quadrant_names},
        x_axis={"type": "log", "tickformat": ",.0f", "dtick": 1},  # 100, 1.000, 10.000: a phone has room for powers of ten
        y_axis={
            "tickvals": list(range(len(EVIDENCE_ORDER))),
            "ticktext": [e.capitalize() for e in EVIDENCE_ORDER],
            "range": [-0.6, len(EVIDENCE_ORDER) - 0.4],
        },
    )
