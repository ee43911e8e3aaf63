"""How the Scenarier page shows a worked-out scenario: totals against the frame, budget per group, coverage per district."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, labels, layout, palette, queries, result_cache
from dashboard.scenario_outcome import (
    BUDGET_COLUMNS,
    PER_1000_COLUMNS,
    Outcome,
    coverage_table,
    exceeds_frame,
    frame_sentence,
    outcome,
)
from dashboard.scenario_workbook import ScenarioTerms
from dashboard.scenarios import Scenario
from sikkerby import formatting as fmt

PER_1000_FORMAT = {column: (lambda v: fmt.number(v, 1)) for column in PER_1000_COLUMNS}
PLURALS = {"mål": "mål", "indsatsområde": "indsatsområder", "forvaltning": "forvaltninger"}
UNCHANGED_KR = 0.5  # a change smaller than half a krone is no change (floating-point rest)
UNCHANGED_PER_1000 = 0.05  # below what one decimal shows
UNNAMED = "Unavngivet scenarie"  # a scenario's name until the analyst gives it one


def _worked_out(source: queries.Source, scenario_json: str) -> Outcome:
    """Return the scenario worked out on this data version (the same scenario and version, the same figures)."""
    return outcome(source, Scenario.from_json(scenario_json))


# Cached as the queries are (at 1000× the sample a scenario's lines pickle to 9 MB; kept compressed), and warmed
# for the page's starting point, an unnamed scenario without changes (dashboard/warmup.py).
worked_out = result_cache.cached(_worked_out, max_entries=64, show_spinner=False)


def starting_point(year: int) -> Scenario:
    """Return the scenario the page opens on: unnamed, without changes, for `year`."""
    return Scenario(name=UNNAMED, year=year)


def terms(context: layout.PageContext) -> ScenarioTerms:
    """Return the districts, focus areas, goals and administrations a scenario may name."""
    source = context.source
    return ScenarioTerms(
        districts=dict(context.district_names),
        focus_areas=queries.focus_areas(source).set_index("focus_area_id")["name"].to_dict(),
        goals=queries.goals(source).set_index("goal_id")["name"].to_dict(),
        administrations=tuple(queries.administrations(source)["code"]),
    )


BUDGET_TABS = "scenario_budget_tab"  # the key of the tabs with budget per goal, focus area and administration


def results(result: Outcome, context: layout.PageContext) -> None:
    """Show what the scenario comes to: totals, budget per goal / focus area / administration, 18–25 coverage."""
    totals = result.totals
    st.header("Udgangspunkt og scenarie")
    cells = st.columns(4)
    cells[0].metric("Budget i udgangspunktet", fmt.mio_kr(totals["baseline_kr"]), help="Hele årets budget, alle indsatser.")
    cells[1].metric(
        "Budget i scenariet",
        fmt.mio_kr(totals["scenario_kr"]),
        delta=fmt.signed_change(totals["scenario_kr"] - totals["baseline_kr"], fmt.mio_kr),
        delta_color="off",
    )
    cells[2].metric("Budgetramme", fmt.mio_kr(totals["frame_kr"]) if totals["frame_kr"] is not None else "Ingen")
    room = totals["room_kr"]
    cells[3].metric(
        "Over rammen" if exceeds_frame(totals) else "Luft til rammen", fmt.mio_kr(abs(room)) if room is not None else fmt.MISSING
    )
    (st.error if exceeds_frame(totals) else st.caption)(frame_sentence(totals))

    source_line = context.source_line()
    groupings = [  # tab, label column, the group in Danish, the rows with a short name, colours by key column
        (
            "Pr. strategisk mål",
            "goal",
            "mål",
            result.by_goal.assign(short=result.by_goal["goal_id"].map(labels.GOAL_SHORT_NAMES).fillna(result.by_goal["goal"])),
            palette.GOAL_COLOURS,
            "goal_id",
        ),
        (
            "Pr. indsatsområde",
            "focus_area",
            "indsatsområde",
            result.by_focus_area.assign(short=result.by_focus_area["focus_area"]),
            palette.FOCUS_AREA_COLOURS,
            "focus_area_id",
        ),
        (
            "Pr. forvaltning",
            "administration",
            "forvaltning",
            result.by_administration.assign(short=result.by_administration["administration_code"]),
            palette.ADMINISTRATION_COLOURS,
            "administration_code",
        ),
    ]
    # Only the open tab's chart is built (a click reruns the page).
    tabs = st.tabs([tab for tab, *_ in groupings], key=BUDGET_TABS, on_change="rerun")
    for tab, (_, label, group, data, colours, by) in zip(tabs, groupings, strict=True):
        if tab.open:
            with tab:
                _budget_chart(data, label, [colours.get(k, palette.NEUTRAL) for k in data[by]], group, source_line, label)
    st.caption(
        "Et mål får en lige stor del af budgettet for hver indsats, der tjener det, som på siden Strategiske mål. "
        "En ny indsats uden mål, indsatsområde eller forvaltning tæller kun med i totalen."
    )
    _coverage(result, context)


def _budget_chart(data: pd.DataFrame, label: str, colours: list[str], group: str, source_line: str, key: str) -> None:
    changed = data[data["change_kr"].abs() >= UNCHANGED_KR]
    if changed.empty:
        title = f"Scenariet ændrer ikke budgettet pr. {group}"
    else:
        largest = changed.loc[changed["change_kr"].abs().idxmax()]
        ties = int((changed["change_kr"].abs() >= abs(largest["change_kr"]) - UNCHANGED_KR).sum())
        amount = fmt.signed_change(largest["change_kr"], fmt.mio_kr)
        title = (
            f"Største ændring pr. {group}: {ties} {PLURALS[group]} med hver {amount}"
            if ties > 1
            else f"Største ændring pr. {group}: {largest[label]}, {amount}"
        )
    shown = data.rename(columns={label: labels.GROUP_HEADINGS[key]} | BUDGET_COLUMNS)
    layout.chart(
        charts.baseline_and_scenario_bars(data, "short", colours, title, source_line),  # short names fit beside bars on a phone
        shown[[labels.GROUP_HEADINGS[key], *BUDGET_COLUMNS.values()]],
        f"scenarie_budget_pr_{key}",
        f"scenario_{key}",
    )


def coverage_title(coverage: pd.DataFrame) -> str:
    """State where the scenario changes 18–25 coverage most, or that it changes nowhere (ties are counted, not named).

    Districts whose change the disclosure rule hides are left out, and the title then says it speaks
    of the districts with shown figures.
    """
    hidden = coverage["change_per_1000"].map(fmt.is_hidden).astype(bool)
    of_shown = " (af bydelene med viste tal)" if hidden.any() else ""
    shown = coverage[~hidden]
    change = (pd.to_numeric(shown["scenario_per_1000"]) - pd.to_numeric(shown["baseline_per_1000"])).fillna(0)
    if (change.abs() < UNCHANGED_PER_1000).all():
        return "Scenariet ændrer ikke, hvor mange 18–25-årige der nås i bydelene" + (" med viste tal" if hidden.any() else "")
    largest = change.abs().max()
    at = shown[change.abs() >= largest - UNCHANGED_PER_1000 / 10]
    if len(at) > 1:
        return f"Scenariet ændrer dækningen af de 18–25-årige mest i {len(at)} bydele{of_shown} ({fmt.number(largest, 1)} pr. 1.000)"
    row = at.iloc[0]
    return (
        f"Største ændring i dækningen af de 18–25-årige{of_shown}: {row['district']}, fra {fmt.number(row['baseline_per_1000'], 1)} "
        f"til {fmt.number(row['scenario_per_1000'], 1)} pr. 1.000 unge"
    )


def _coverage(result: Outcome, context: layout.PageContext) -> None:
    st.header("18–25-årige nået pr. 1.000 i hver bydel")
    coverage = result.coverage
    text = [
        fmt.text(s) if fmt.is_hidden(s) else f"{fmt.per_thousand(s)} ({fmt.signed_change(c, lambda v: fmt.number(v, 1))})"
        for s, c in zip(coverage["scenario_per_1000"], coverage["change_per_1000"], strict=True)
    ]
    table = coverage_table(result)
    map_col, table_col = st.columns([2, 3])
    with map_col:
        layout.chart(
            charts.district_map(
                queries.districts(context.source),
                coverage,
                "scenario_per_1000",
                coverage_title(coverage),
                context.source_line(with_population=True),
                "pr. 1.000 i scenariet",
                text,
                chosen=context.filters.districts,
            ),
            table,
            "scenarie_unge_pr_bydel_kort",
            "scenario_map",
        )
    with table_col:
        st.markdown("**Udgangspunkt og scenarie pr. bydel**")
        layout.table(table, "scenarie_unge_pr_bydel", "scenario_coverage", formats=PER_1000_FORMAT, pinned="Bydel")
    baseline, scenario = result.city_wide_reached
    st.caption(
        f"Byfælles indsatser (ingen bydel) når {fmt.number(baseline)} 18–25-årige i udgangspunktet og {fmt.number(scenario)} i scenariet; "
        "de tæller ikke med i nogen bydels tal. Befolkning: 18–25-årige pr. 1. januar."
    )


def result_sheets(result: Outcome) -> dict[str, pd.DataFrame]:
    """Return the result sheets of the scenario's Excel export (read-only: an import ignores them)."""
    totals = result.totals
    summary = pd.DataFrame(
        {
            "Tal": ["Budget i udgangspunktet (kr.)", "Budget i scenariet (kr.)", "Budgetramme (kr.)", "Luft til rammen (kr.)"],
            "Værdi": [totals["baseline_kr"], totals["scenario_kr"], totals["frame_kr"], totals["room_kr"]],
        }
    ).astype({"Værdi": float})
    by_goal = result.by_goal.rename(columns={"goal": "Strategisk mål"} | BUDGET_COLUMNS).drop(columns="goal_id")
    return {"Resultat i alt": summary, "Resultat pr. mål": by_goal, "Resultat pr. bydel": coverage_table(result)}


def comparison_tables(tables: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """Show two scenarios side by side: budget, and 18–25 coverage per district, each with its CSV."""
    budget, coverage = tables
    st.markdown("**Budget**")
    layout.table(budget, "scenarier_sammenlignet_budget", "scenario_compare_budget")
    st.markdown("**18–25-årige nået pr. 1.000 unge**")
    layout.table(
        coverage,
        "scenarier_sammenlignet_unge",
        "scenario_compare_coverage",
        formats={c: (lambda v: fmt.number(v, 1)) for c in coverage.columns[1:]},
    )
