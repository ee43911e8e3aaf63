"""Indsatsområder: the memo's six annexes – where each focus area can grow, its effect targets, budget need and what to do less of."""

from __future__ import annotations

import streamlit as st

from dashboard import focus_area_annex, layout, palette
from sikkerby import formatting as fmt

PREVIEW_ROWS = 10  # rows of each long table on the page; the rest under "Vis alle" and in the CSV

context = layout.page_header(
    "Indsatsområder",
    "De seks indsatsområder som i notatets bilag: hvor indsatsen kan vokse, effektmål, budgetbehov og hvad der skal gøres mindre af, {year}",
)
source, filters = context.source, context.filters
areas = focus_area_annex.areas(source, filters)


def show_area(area) -> None:
    """Show one focus area's annex (the brief's, `focus_area_annex`): growth, effect targets, budget need, do less."""
    st.header(area.name)
    st.markdown(f"<div style='height:6px;background:{palette.FOCUS_AREA_COLOURS[area.focus_area_id]}'></div>", unsafe_allow_html=True)
    annex = focus_area_annex.annex(source, filters, area.focus_area_id, area.name)
    key = f"area_{area.focus_area_id}"
    if not annex.active:
        st.info(
            f"Ingen indsatser i området har budget eller deltagere i {filters.year} med de valgte filtre.", icon=":material/filter_alt_off:"
        )
        if not annex.do_less.empty:  # a proposal to do less of stands without budget in the year
            show_do_less(annex, key)
        return
    grow, targets_column = st.columns(2)
    with grow:
        st.subheader("Hvor kan indsatsen vokse?")
        if annex.coverage.empty:
            st.caption(annex.growth)
        else:
            st.markdown(annex.growth)
            layout.table(
                annex.coverage,
                f"omraade{area.focus_area_id}_daekning",
                f"{key}_coverage",
                formats={focus_area_annex.PER_1000: lambda v: fmt.number(v, 1)},
            )
    with targets_column:
        st.subheader("Effektmål")
        if annex.targets.empty:
            st.caption("Området har ingen effektmål for de valgte indsatser.")
        else:
            st.markdown(annex.target_counts)
            layout.table(
                annex.targets,
                f"omraade{area.focus_area_id}_effektmaal",
                f"{key}_targets",
                pinned="Indsats",
                preview=PREVIEW_ROWS,
                order="længst fra målet først",
            )
    need, less = st.columns(2)
    with need:
        st.subheader("Budgetbehov")
        missing, partial, proposed = annex.need
        st.markdown(
            f"Mangler finansiering: **{fmt.mio_kr(missing)}** · delvist finansieret: **{fmt.mio_kr(partial)}** · "
            f"foreslåede indsatser: **{fmt.mio_kr(proposed)}** (budget {filters.year})"
        )
        if not annex.needing.empty:
            layout.table(
                annex.needing,
                f"omraade{area.focus_area_id}_budgetbehov",
                f"{key}_need",
                pinned="Indsats",
                preview=PREVIEW_ROWS,
                order="største budget først",
            )
    with less:
        show_do_less(annex, key)


def show_do_less(annex: focus_area_annex.Annex, key: str) -> None:
    """Show what the area proposes to do less of, largest budget first."""
    st.subheader("Hvad skal der gøres mindre af?")
    if annex.do_less.empty:
        st.caption("Ingen af områdets indsatser er foreslået gjort mindre af.")
    else:
        layout.table(
            annex.do_less,
            f"omraade{annex.focus_area_id}_goeres_mindre_af",
            f"{key}_less",
            pinned="Indsats",
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
    "Budgetbehov: budget i året til indsatser uden eller med delvis finansiering og til foreslåede indsatser. "
    "Gøres mindre af: alle områdets indsatser, der er foreslået gjort mindre af, også uden budget i året (0 kr.)."
)
