"""Overblik: the year's key figures against the year before, and where the budget goes."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard import analysis, brief, decision_view, layout, palette, queries
from dashboard.labels import STATUS_LABELS
from sikkerby import formatting as fmt
from sikkerby.vocabulary import NEW_STATUS, PROPOSED_STATUS

context = layout.page_header("Overblik", "Kriminalpræventive indsatser i Københavns Kommune, budgetår {year}")
source, filters = context.source, context.filters

figures = queries.key_figures(source, filters).set_index("year")
now = figures.loc[filters.year]
before = figures.loc[filters.year - 1] if filters.year - 1 in figures.index else None
if now["initiatives"] == 0:
    layout.empty_state("Der er intet budget", context)
    st.stop()


def previous(column: str) -> float | None:
    return None if before is None or before["initiatives"] == 0 else before[column]


def key_figure(label: str, value: str, field: str, formatter, help_text: str, higher_is_better: bool = True) -> None:
    """Show one key figure with its change from the year before (grey when unchanged)."""
    delta = analysis.change(now[field], previous(field))
    colour = "off" if not delta else "normal" if higher_is_better else "inverse"
    st.metric(
        label,
        value,
        fmt.signed_change(delta, formatter) if delta is not None else None,
        delta_color=colour,
        delta_arrow="auto" if delta else "off",
        delta_description=f"fra {filters.year - 1}",
        help=help_text,
        border=True,
        width=KEY_FIGURE_WIDTH,
    )


def proposed_part(field: str) -> str:
    """End a financing figure's help: how much of it is proposed, and so also counted under 'Foreslåede indsatser'."""
    if not now[field]:
        return ". Alle er besluttede indsatser."
    return f". Heraf {fmt.mio_kr(now[field])} til foreslåede indsatser, som også tælles med under 'Foreslåede indsatser'."


KEY_FIGURE_WIDTH = 310  # px: the longest label whole, also in the projector's larger text; the row wraps on a tablet or phone
with st.container(horizontal=True, wrap=True):
    key_figure(
        "Besluttet budget (mio. kr.)",
        fmt.mio(now["decided_budget_kr"]),
        "decided_budget_kr",
        fmt.mio,
        f"Budget {filters.year} til eksisterende og nye indsatser. Foreslåede indsatser tælles ikke med her.",
    )
    key_figure(
        "Foreslåede indsatser (mio. kr.)",
        fmt.mio(now["proposed_budget_kr"]),
        "proposed_budget_kr",
        fmt.mio,
        f"Budget {filters.year} til indsatser med status 'foreslået': endnu ikke besluttet.",
    )
    key_figure(
        "Indsatser med budget",
        fmt.number(now["initiatives"]),
        "initiatives",
        fmt.number,
        "Antal indsatser med budget over 0 kr. i året (besluttede og foreslåede).",
    )
    key_figure(
        "Budget til 18–25-årige (mio. kr.)",
        fmt.mio(now["budget_18_25_kr"]),
        "budget_18_25_kr",
        fmt.mio,
        "Besluttet budget til indsatser, hvor mindst en tredjedel af målgruppens aldersinterval ligger i 18–25 år.",
    )
    key_figure(
        "18–25-årige nået pr. 1.000",
        fmt.number(now["reached_per_1000"], 1),
        "reached_per_1000",
        lambda v: fmt.number(v, 1),
        f"Deltagere på 18–25 år pr. 1.000 indbyggere på 18–25 år (befolkning {fmt.year(now['population_year'])}). "
        "En person kan tælle med i flere indsatser.",
    )
    key_figure(
        "Mangler finansiering (mio. kr.)",
        fmt.mio(now["missing_financing_kr"]),
        "missing_financing_kr",
        fmt.mio,
        f"Budget til de {fmt.number(now['missing_financing_initiatives'])} indsatser, hvor finansieringen mangler helt"
        + proposed_part("missing_financing_proposed_kr"),
        higher_is_better=False,
    )
    key_figure(
        "Delvist finansieret (mio. kr.)",
        fmt.mio(now["partial_financing_kr"]),
        "partial_financing_kr",
        fmt.mio,
        f"Hele budgettet for de {fmt.number(now['partial_financing_initiatives'])} indsatser, der kun er delvist finansieret. "
        "Kontrakten siger ikke, hvor stor en del der mangler" + proposed_part("partial_financing_proposed_kr"),
        higher_is_better=False,
    )
if before is None or before["initiatives"] == 0:
    st.caption(f"Ingen budgetlinjer for {filters.year - 1}, så ændringer kan ikke vises.")
if now["missing_financing_proposed_kr"] or now["partial_financing_proposed_kr"]:
    st.caption(
        f"'Mangler finansiering' og 'Delvist finansieret' tæller også foreslåede indsatser: {fmt.mio_kr(now['missing_financing_proposed_kr'])} "
        f"og {fmt.mio_kr(now['partial_financing_proposed_kr'])} af dem står også under 'Foreslåede indsatser'."
    )
with st.container(horizontal=True, wrap=True):
    st.page_link("app_pages/financing.py", label="Se listen over indsatser, der mangler finansiering", icon=":material/arrow_forward:")
    st.download_button(
        "Hent udvalgsnotat (HTML, til print)",
        data=lambda: brief.committee_brief(
            source,
            filters,
            context.facts,
            context.district_names,
            date.today(),
            decision=decision_view.latest(source, context.district_names),
        ).encode("utf-8"),
        file_name=context.file_name("udvalgsnotat", "html"),
        mime="text/html",
        key="brief",
        icon=":material/description:",
        type="tertiary",
        help="Nøgletal, de fire mål, de seks indsatsområder, hvad der mangler finansiering og forslag om at gøre mindre af, "
        "for de valgte filtre. Én fil, der kan åbnes uden net og printes på A4.",
    )

by_goal = queries.budget_by_goal(source, filters)
top = analysis.largest_share(by_goal, "goal")
layout.budget_split_chart(
    by_goal,
    "goal",
    "Strategisk mål",
    [palette.GOAL_COLOURS[g] for g in by_goal["goal_id"]],
    f"{top[0]} får {fmt.percent(top[1], 0)} af det besluttede budget {filters.year}"
    if top
    else f"Besluttet budget {filters.year} pr. strategisk mål",
    "budget_pr_maal",
    "goals",
)
st.caption(
    "Kun de valgte mål vises; en indsats, der tjener flere mål, tæller med sin andel."
    if filters.goals
    else "En indsats, der tjener flere mål, er fordelt ligeligt mellem dem, så målene summer til det samlede besluttede budget."
)
by_area = queries.budget_by_focus_area(source, filters)
top = analysis.largest_share(by_area, "focus_area")
layout.budget_split_chart(
    by_area,
    "focus_area",
    "Indsatsområde",
    [palette.FOCUS_AREA_COLOURS[a] for a in by_area["focus_area_id"]],
    f"Største indsatsområde: {top[0]} ({fmt.percent(top[1], 0)} af det besluttede budget {filters.year})"
    if top
    else f"Besluttet budget {filters.year} pr. indsatsområde",
    "budget_pr_indsatsomraade",
    "areas",
)

by_status = queries.budget_by_status(source, filters)
is_proposed = by_status["status"] == PROPOSED_STATUS
by_status = by_status.assign(
    label=by_status["status"].map(STATUS_LABELS),
    budget_kr=by_status["budget_kr"].where(~is_proposed, 0.0),
    proposed_kr=by_status["budget_kr"].where(is_proposed, 0.0),
    initiatives=by_status["initiatives"].where(~is_proposed, 0),
    proposed_initiatives=by_status["initiatives"].where(is_proposed, 0),
)
new_share = analysis.share(by_status.loc[by_status["status"] == NEW_STATUS, "budget_kr"].sum(), by_status["budget_kr"].sum())
layout.budget_split_chart(
    by_status,
    "label",
    "Status",
    [palette.STATUS_COLOURS[s] for s in by_status["status"]],
    f"Nye indsatser har {fmt.percent(new_share, 0)} af det besluttede budget {filters.year}"
    if new_share is not None
    else f"Budget {filters.year} pr. status",
    "budget_nye_og_eksisterende",
    "status",
)
