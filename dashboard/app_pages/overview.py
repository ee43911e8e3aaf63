"""Overblik: the year's key figures against the year before, and where the budget goes."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import analysis, charts, layout, palette, queries
from dashboard import formatting as fmt
from dashboard.labels import STATUS_LABELS

context = layout.page_context()
source, filters = context.source, context.filters

st.title("Overblik")
st.caption(f"Kriminalpræventive indsatser i Københavns Kommune, budgetår {filters.year}")
layout.sample_banner(context)
layout.filter_note(context)

figures = queries.key_figures(source, filters).set_index("year")
now = figures.loc[filters.year]
before = figures.loc[filters.year - 1] if filters.year - 1 in figures.index else None
if now["initiatives"] == 0:
    layout.empty_state("Der er intet budget", context)
    st.stop()


def previous(column: str) -> float | None:
    return None if before is None or before["initiatives"] == 0 else before[column]


columns = st.columns(5)
columns[0].metric(
    "Budget i alt",
    fmt.mio_kr(now["budget_kr"]),
    fmt.signed_change(analysis.change(now["budget_kr"], previous("budget_kr")), fmt.mio_kr),
    help=f"Samlet budget {filters.year} for de valgte indsatser. Ændring fra {filters.year - 1}.",
)
columns[1].metric(
    "Indsatser med budget",
    fmt.number(now["initiatives"]),
    fmt.signed_change(analysis.change(now["initiatives"], previous("initiatives"))),
    help="Antal indsatser med budget over 0 kr. i året.",
)
columns[2].metric(
    "Budget rettet mod 18–25-årige",
    fmt.mio_kr(now["budget_18_25_kr"]),
    fmt.signed_change(analysis.change(now["budget_18_25_kr"], previous("budget_18_25_kr")), fmt.mio_kr),
    help="Budget til indsatser, hvor mindst en tredjedel af målgruppens aldersinterval ligger i 18–25 år.",
)
columns[3].metric(
    "18–25-årige nået pr. 1.000",
    fmt.number(now["reached_per_1000"], 1),
    fmt.signed_change(analysis.change(now["reached_per_1000"], previous("reached_per_1000")), lambda v: fmt.number(v, 1)),
    help=(
        f"Deltagere på 18–25 år pr. 1.000 indbyggere på 18–25 år (befolkning {int(now['population_year'])}). "
        "En person kan tælle med i flere indsatser."
    ),
)
columns[4].metric(
    "Finansieringsgab",
    fmt.mio_kr(now["financing_gap_kr"]),
    fmt.signed_change(analysis.change(now["financing_gap_kr"], previous("financing_gap_kr")), fmt.mio_kr),
    delta_color="inverse",
    help=f"Budget til de {fmt.number(now['financing_gap_initiatives'])} indsatser, der mangler eller kun delvist har finansiering.",
)
if before is None or before["initiatives"] == 0:
    st.caption(f"Ingen budgetlinjer for {filters.year - 1}, så ændringer kan ikke vises.")

left, right = st.columns(2)
with left:
    by_goal = queries.budget_by_goal(source, filters)
    top = analysis.largest_share(by_goal, "goal")
    layout.chart(
        charts.budget_bars(
            by_goal,
            "goal",
            [palette.GOAL_COLOURS[g] for g in by_goal["goal_id"]],
            f"{top[0]} får {fmt.percent(top[1], 0)} af budgettet" if top else "Budget pr. strategisk mål",
            context.source_line(),
        ),
        by_goal.rename(columns={"goal": "Strategisk mål", "budget_kr": "Budget (kr.)", "initiatives": "Indsatser"})[
            ["Strategisk mål", "Budget (kr.)", "Indsatser"]
        ],
        "budget_pr_maal",
        "goals",
    )
    st.caption("En indsats, der tjener flere mål, er fordelt ligeligt mellem dem, så målene summer til det samlede budget.")
with right:
    by_area = queries.budget_by_focus_area(source, filters)
    top = analysis.largest_share(by_area, "focus_area")
    layout.chart(
        charts.budget_bars(
            by_area,
            "focus_area",
            [palette.FOCUS_AREA_COLOURS[a] for a in by_area["focus_area_id"]],
            f"Største indsatsområde: {top[0]} ({fmt.percent(top[1], 0)})" if top else "Budget pr. indsatsområde",
            context.source_line(),
        ),
        by_area.rename(columns={"focus_area": "Indsatsområde", "budget_kr": "Budget (kr.)", "initiatives": "Indsatser"})[
            ["Indsatsområde", "Budget (kr.)", "Indsatser"]
        ],
        "budget_pr_indsatsomraade",
        "areas",
    )

by_status = queries.budget_by_status(source, filters).assign(label=lambda d: d["status"].map(STATUS_LABELS))
new_share = by_status.loc[by_status["status"] == "ny", "budget_kr"].sum() / by_status["budget_kr"].sum()
layout.chart(
    charts.budget_bars(
        by_status,
        "label",
        [palette.STATUS_COLOURS[s] for s in by_status["status"]],
        f"Nye indsatser har {fmt.percent(new_share, 0)} af budgettet {filters.year}",
        context.source_line(),
    ),
    pd.DataFrame({"Status": by_status["label"], "Budget (kr.)": by_status["budget_kr"], "Indsatser": by_status["initiatives"]}),
    "budget_nye_og_eksisterende",
    "status",
)
