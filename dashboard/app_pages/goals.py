"""Strategiske mål: per goal its budget, its initiatives, and how far its effect targets have come."""

from __future__ import annotations

import streamlit as st

from dashboard import analysis, charts, layout, palette, queries
from dashboard.labels import FINANCING_LABELS, GOAL_SHORT_NAMES, STATUS_LABELS, administration_label
from sikkerby import formatting as fmt

CHART_TARGETS = 12  # effect targets drawn per goal; more would make a chart taller than any screen

context = layout.page_header("Strategiske mål", "Sikker By – Vi gør København tryggere: de fire strategiske målsætninger")
source, filters = context.source, context.filters

by_goal = queries.budget_by_goal(source, filters)
initiatives = queries.initiatives_by_goal(source, filters)
targets = queries.effect_targets_by_goal(source, filters)
total = by_goal["budget_kr"].sum()
proposed = queries.key_figures(source, filters).set_index("year").loc[filters.year, "proposed_budget_kr"]
if initiatives.empty or total == 0:
    layout.empty_state("Der er intet budget", context)
    st.stop()

if filters.districts:
    st.caption(
        "Med bydelsfilter vises de indsatser, der har budget eller aktivitet i de valgte bydele, med deres effektmål; "
        "beløb tæller kun linjerne i de bydele. Samme regel gælder på alle sider."
    )
if filters.goals:
    st.markdown(
        f"Budget {filters.year} til de valgte mål: **{fmt.mio_kr(total)}**. En indsats, der også tjener andre mål, "
        "tæller kun med sin andel her."
    )
else:
    st.markdown(
        f"Budgettet {filters.year} er **{fmt.mio_kr(total)}**"
        + (f", heraf {fmt.mio_kr(proposed)} til foreslåede indsatser, der endnu ikke er besluttet" if proposed else "")
        + ". En indsats, der tjener flere mål, er fordelt ligeligt mellem dem, så de fire mål summer til det samlede budget."
    )
columns = st.columns(4)[: len(by_goal)]
for column, goal in zip(columns, by_goal.itertuples(index=False), strict=True):
    column.metric(
        f"{GOAL_SHORT_NAMES[goal.goal_id]} (mio. kr.)",
        fmt.mio(goal.budget_kr),
        help=f"{goal.goal}: {fmt.number(goal.initiatives)} indsatser med budget i {filters.year}",
    )
    column.markdown(f"<div style='height:6px;background:{palette.GOAL_COLOURS[goal.goal_id]}'></div>", unsafe_allow_html=True)

for goal in by_goal.itertuples(index=False):
    st.divider()
    st.header(f"{goal.goal_id}. {goal.goal}")
    share = analysis.share(goal.budget_kr, total)
    st.markdown(
        f"**{fmt.mio_kr(goal.budget_kr)}** i {filters.year} ({fmt.percent(share, 0)} af budgettet) · {fmt.number(goal.initiatives)} indsatser med budget"
    )
    mine = initiatives[initiatives["goal_id"] == goal.goal_id]
    if mine.empty:
        st.info("Ingen af de valgte indsatser tjener dette mål. Fjern filtre for at se dem.", icon=":material/filter_alt_off:")
        continue
    shown = mine.assign(
        administration_code=mine["administration_code"].map(administration_label),
        status=mine["status"].map(STATUS_LABELS),
        financing=mine["financing"].map(FINANCING_LABELS),
        shared=mine["goal_count"].map(lambda n: "" if n == 1 else f"delt med {n - 1} andre mål"),
    ).rename(
        columns={
            "name": "Indsats",
            "administration_code": "Forvaltning",
            "status": "Status",
            "financing": "Finansiering",
            "budget_for_goal_kr": "Budget til målet (kr.)",
            "budget_kr": "Indsatsens budget (kr.)",
            "shared": "Fordeling",
        }
    )[["Indsats", "Forvaltning", "Status", "Finansiering", "Budget til målet (kr.)", "Indsatsens budget (kr.)", "Fordeling"]]
    with layout.lazy_expander(f"Indsatser under målet ({fmt.number(len(shown))})", f"goal_{goal.goal_id}_initiatives") as opened:
        if opened:
            layout.table(shown, f"maal{goal.goal_id}_indsatser", f"goal_{goal.goal_id}_initiatives")
    mine_targets = targets[targets["goal_id"] == goal.goal_id] if not targets.empty else targets
    if mine_targets.empty:
        st.info("Der er ingen effektmål for de valgte indsatser under dette mål.", icon=":material/info:")
        continue
    counts = mine_targets["status"].value_counts()
    behind = int(counts.get("Bagud", 0))
    title = f"{behind} af {len(mine_targets)} effektmål er bagud" if behind else f"Alle {len(mine_targets)} effektmål er nået eller på vej"
    drawn = analysis.furthest_behind(mine_targets, CHART_TARGETS)
    if len(drawn) < len(mine_targets):
        title += f"; de {len(drawn)}, der er længst fra målet, vises (alle står i tabellen)"
    export = mine_targets.rename(
        columns={
            "initiative": "Indsats",
            "indicator": "Indikator",
            "unit": "Enhed",
            "year": "Målår",
            "baseline": "Udgangspunkt",
            "target": "Mål",
            "actual": "Seneste",
            "status": "Status",
        }
    ).assign(**{"Fremdrift (%)": mine_targets["progress"].map(lambda p: p if fmt.is_hidden(p) else p * 100)})[
        ["Indsats", "Indikator", "Enhed", "Målår", "Udgangspunkt", "Mål", "Seneste", "Fremdrift (%)", "Status"]
    ]
    layout.chart(
        charts.effect_progress(drawn, title, context.source_line()),
        export.loc[drawn.index],
        f"maal{goal.goal_id}_effektmaal",
        f"goal_{goal.goal_id}_targets",
    )
    with layout.lazy_expander(f"Alle {fmt.number(len(mine_targets))} effektmål som tabel", f"goal_{goal.goal_id}_targets_table") as opened:
        if opened:
            layout.table(
                export,
                f"maal{goal.goal_id}_effektmaal_tabel",
                f"goal_{goal.goal_id}_targets_table",
                formats={"Fremdrift (%)": lambda v: fmt.percent(v / 100, 0)}
                | dict.fromkeys(["Udgangspunkt", "Mål", "Seneste"], fmt.trimmed),
            )

st.caption(
    "Fremdrift = (seneste − udgangspunkt) / (mål − udgangspunkt). Nået: 100 % eller mere. På vej: mindst 50 %. "
    "Bagud: under 50 %. Uden udgangspunkt kan fremdriften ikke beregnes. Er målet lig udgangspunktet, er målet at holde niveauet: "
    "Nået, når seneste værdi er lig målet, ellers Bagud. Effektmål vises for alle målår, uanset det valgte budgetår."
)
