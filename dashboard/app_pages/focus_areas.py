"""Indsatsområder: the memo's six annexes – where each focus area can grow, its effect targets, budget need and what to do less of."""

from __future__ import annotations

import streamlit as st

from dashboard import analysis, disclosure, labels, layout, palette, queries
from sikkerby import formatting as fmt
from sikkerby.vocabulary import MISSING_FINANCING, PARTIAL_FINANCING, PROPOSED_STATUS

PREVIEW_ROWS = 10  # rows of each long table on the page; the rest under "Vis alle" and in the CSV

context = layout.page_header(
    "Indsatsområder",
    "De seks indsatsområder som i notatets bilag: hvor indsatsen kan vokse, effektmål, budgetbehov og hvad der skal gøres mindre af, {year}",
)
source, filters = context.source, context.filters
areas = queries.focus_areas(source)
if filters.focus_areas:
    areas = areas[areas["focus_area_id"].isin(filters.focus_areas)]


def show_area(area) -> None:
    """Show one focus area: where it can grow, its effect targets, its budget need and what to do less of."""
    scope = filters._replace(focus_areas=(area.focus_area_id,))
    st.header(area.name)
    st.markdown(f"<div style='height:6px;background:{palette.FOCUS_AREA_COLOURS[area.focus_area_id]}'></div>", unsafe_allow_html=True)
    initiatives = queries.initiatives_table(source, scope)
    active = initiatives[initiatives["active_in_year"]]
    key = f"area_{area.focus_area_id}"
    if active.empty:
        st.info(
            f"Ingen indsatser i området har budget eller deltagere i {filters.year} med de valgte filtre.", icon=":material/filter_alt_off:"
        )
        return
    grow, targets_column = st.columns(2)
    with grow:
        st.subheader("Hvor kan indsatsen vokse?")
        coverage = queries.young_adults_by_district(source, scope.without_districts())
        if disclosure.true_sum(coverage, "reached_18_25") == 0:
            st.caption("Områdets indsatser når ingen 18–25-årige, der er henført til en bydel.")
        else:
            st.markdown(analysis.growth_sentence(coverage))
            shown = coverage.sort_values("reached_per_1000", kind="stable").rename(
                columns={"district": "Bydel", "reached_18_25": "Nået 18–25 år (personer)", "reached_per_1000": "Nået pr. 1.000 unge"}
            )[["Bydel", "Nået 18–25 år (personer)", "Nået pr. 1.000 unge"]]
            layout.table(
                shown,
                f"omraade{area.focus_area_id}_daekning",
                f"{key}_coverage",
                formats={"Nået pr. 1.000 unge": lambda v: fmt.number(v, 1)},
            )
    with targets_column:
        st.subheader("Effektmål")
        targets = queries.effect_targets(source, scope)
        if targets.empty:
            st.caption("Området har ingen effektmål for de valgte indsatser.")
        else:
            counts = targets["status"].value_counts()
            st.markdown(" · ".join(f"{status}: {fmt.number(counts[status])}" for status in palette.PROGRESS_COLOURS if status in counts))
            layout.table(
                analysis.furthest_behind(targets, len(targets)).rename(
                    columns={"initiative": "Indsats", "indicator": "Indikator", "detail": "Fra udgangspunkt til mål", "status": "Status"}
                )[["Indsats", "Indikator", "Fra udgangspunkt til mål", "Status"]],
                f"omraade{area.focus_area_id}_effektmaal",
                f"{key}_targets",
                preview=PREVIEW_ROWS,
                order="længst fra målet først",
            )
    need, less = st.columns(2)
    with need:
        st.subheader("Budgetbehov")
        missing, partial, proposed = analysis.budget_need(active, MISSING_FINANCING, PARTIAL_FINANCING, PROPOSED_STATUS)
        st.markdown(
            f"Mangler finansiering: **{fmt.mio_kr(missing)}** · delvist finansieret: **{fmt.mio_kr(partial)}** · "
            f"foreslåede indsatser: **{fmt.mio_kr(proposed)}** (budget {filters.year})"
        )
        needing = active[active["financing"].isin((MISSING_FINANCING, PARTIAL_FINANCING)) | (active["status"] == PROPOSED_STATUS)]
        needing = needing.sort_values("budget_kr", ascending=False, kind="stable")
        if not needing.empty:
            layout.table(
                needing.assign(
                    financing=needing["financing"].map(labels.FINANCING_LABELS), status=needing["status"].map(labels.STATUS_LABELS)
                ).rename(columns={"name": "Indsats", "financing": "Finansiering", "status": "Status", "budget_kr": "Budget (kr.)"})[
                    ["Indsats", "Finansiering", "Status", "Budget (kr.)"]
                ],
                f"omraade{area.focus_area_id}_budgetbehov",
                f"{key}_need",
                preview=PREVIEW_ROWS,
                order="største budget først",
            )
    with less:
        st.subheader("Hvad skal der gøres mindre af?")
        do_less = initiatives[initiatives["do_less"]].sort_values("budget_kr", ascending=False, kind="stable")
        if do_less.empty:
            st.caption("Ingen af områdets indsatser er foreslået gjort mindre af.")
        else:
            layout.table(
                do_less.assign(rationale=do_less["rationale"].map(lambda r: fmt.text(r, "ikke angivet"))).rename(
                    columns={"name": "Indsats", "rationale": "Begrundelse", "budget_kr": "Budget (kr.)"}
                )[["Indsats", "Begrundelse", "Budget (kr.)"]],
                f"omraade{area.focus_area_id}_goeres_mindre_af",
                f"{key}_less",
                preview=PREVIEW_ROWS,
                order="største budget først",
            )


# One tab per area; only the open one is built (a click reruns the page), so the page costs one area, not six.
tabs = st.tabs([layout.plain(name) for name in areas["name"]], key="focus_area_tab", on_change="rerun")
for area, tab in zip(areas.itertuples(index=False), tabs, strict=True):
    if tab.open:
        with tab:
            show_area(area)

st.caption(
    "Dækning: 18–25-årige nået af områdets indsatser pr. 1.000 indbyggere på 18–25 år, i alle ti bydele. "
    "Budgetbehov: budget i året til indsatser uden eller med delvis finansiering og til foreslåede indsatser."
)
