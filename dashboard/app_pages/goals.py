"""Strategiske mål: per goal its budget, its initiatives, and how far its effect targets have come."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import analysis, charts, layout, palette, queries
from dashboard.labels import FINANCING_LABELS, GOAL_SHORT_NAMES, STATUS_LABELS, administration_label
from sikkerby import formatting as fmt


def where_text(share: float, names: str) -> str:
    """Say how much of an initiative's budget lies in the chosen districts ("12 % af budgettet i Nørrebro")."""
    if pd.isna(share):
        return f"intet budget {context.filters.year}"
    return f"{fmt.percent(share, 0)} af budgettet i {names}"


CHART_TARGETS = 12  # effect targets drawn per goal; more would make a chart taller than any screen

context = layout.page_header("Strategiske mål", "Sikker By – Vi gør København tryggere: de fire strategiske målsætninger")
source, filters = context.source, context.filters

by_goal = queries.budget_by_goal(source, filters)
initiatives = queries.initiatives_by_goal(source, filters)
targets = queries.effect_targets_by_goal(source, filters)
total = by_goal["budget_kr"].sum()
proposed = by_goal["proposed_kr"].sum()
if initiatives.empty or total + proposed == 0:
    layout.empty_state("Der er intet budget", context)
    st.stop()

chosen_names = ", ".join(context.district_names[d] for d in filters.districts)
if filters.districts:
    st.info(
        f"Et effektmål har ingen bydel: det gælder hele indsatsen. Med bydelsfilter vises effektmålene for de indsatser, der har "
        f"budget eller aktivitet i {chosen_names}, og ved hvert står, hvor stor en del af indsatsens budget {filters.year} der "
        f"ligger i {chosen_names}. Et mål er altså ikke {chosen_names}s eget. Beløbene tæller kun linjerne i {chosen_names}.",
        icon=":material/info:",
    )
proposed_note = (
    f" Foreslåede indsatser, der endnu ikke er besluttet, har {fmt.mio_kr(proposed)} og står for sig; de tæller ikke med i andelene."
    if proposed
    else ""
)
if filters.goals:
    st.markdown(
        f"Besluttet budget {filters.year} til de valgte mål: **{fmt.mio_kr(total)}** En indsats, der også tjener andre mål, "
        "tæller kun med sin andel her." + proposed_note
    )
else:
    st.markdown(
        f"Det besluttede budget {filters.year} er **{fmt.mio_kr(total)}** En indsats, der tjener flere mål, er fordelt ligeligt "
        "mellem dem, så de fire mål summer til det samlede besluttede budget." + proposed_note
    )
columns = st.columns(4)[: len(by_goal)]
for column, goal in zip(columns, by_goal.itertuples(index=False), strict=True):
    column.metric(
        f"{GOAL_SHORT_NAMES[goal.goal_id]}, besluttet (mio. kr.)",
        fmt.mio(goal.budget_kr),
        help=f"{goal.goal}: {fmt.number(goal.initiatives)} besluttede indsatser med budget i {filters.year}"
        + (f"; foreslået oveni: {fmt.mio_kr(goal.proposed_kr)}" if goal.proposed_kr else ""),
    )
    column.markdown(f"<div style='height:6px;background:{palette.GOAL_COLOURS[goal.goal_id]}'></div>", unsafe_allow_html=True)

for goal in by_goal.itertuples(index=False):
    st.divider()
    st.header(f"{goal.goal_id}. {goal.goal}")
    share = analysis.share(goal.budget_kr, total)
    st.markdown(
        f"**{fmt.mio_kr(goal.budget_kr)}** besluttet i {filters.year}"
        + (f" ({fmt.percent(share, 0)} af det besluttede budget)" if share is not None else "")
        + f" · {fmt.number(goal.initiatives)} besluttede indsatser med budget"
        + (
            f" · foreslået oveni: {fmt.mio_kr(goal.proposed_kr)} ({fmt.number(goal.proposed_initiatives)} "
            + ("indsats)" if goal.proposed_initiatives == 1 else "indsatser)")
            if goal.proposed_initiatives
            else ""
        )
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
    if filters.districts:  # an effect target is the whole initiative's, never the district's
        title = f"Indsatser med budget eller aktivitet i {chosen_names}: {title[0].lower()}{title[1:]} (målene gælder hele indsatsen)"
        mine_targets = mine_targets.assign(where=fmt.column(mine_targets["chosen_share"], lambda v: where_text(v, chosen_names)))
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
    ).assign(**{"Fremdrift (%)": mine_targets["progress"].map(lambda p: p if fmt.is_hidden(p) else p * 100)})
    spread = {}
    if filters.districts:
        spread = {
            f"Indsatsens bydele {filters.year}": mine_targets["districts"].fillna(""),
            f"Andel af indsatsens budget i {chosen_names} (%)": mine_targets["chosen_share"] * 100,
        }
    export = export.assign(**spread)[
        ["Indsats", "Indikator", "Enhed", "Målår", "Udgangspunkt", "Mål", "Seneste", "Fremdrift (%)", "Status", *spread]
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
                | {name: lambda v: fmt.percent(v / 100, 0) for name in spread if name.endswith("(%)")}
                | dict.fromkeys(["Udgangspunkt", "Mål", "Seneste"], fmt.trimmed),
            )

st.caption(
    "Fremdrift = (seneste − udgangspunkt) / (mål − udgangspunkt). Nået: 100 % eller mere. På vej: mindst 50 %. "
    "Bagud: under 50 %. Uden udgangspunkt kan fremdriften ikke beregnes. Er målet lig udgangspunktet, er målet at holde niveauet: "
    "Nået, når seneste værdi er lig målet, ellers Bagud. Effektmål vises for alle målår, uanset det valgte budgetår."
)
