"""Scenarier: what if the year's budget were changed? Budget against a frame, per goal, focus area and
administration, and 18–25-year-olds reached per 1,000 per district. Scenarios are saved in their own store.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard import (
    access,
    audit,
    brief,
    decision_view,
    export,
    layout,
    queries,
    scenario_store,
    scenario_view,
    scenario_workbook,
    signin,
    tables,
)
from dashboard.filters import Filters, ascii_name
from dashboard.scenario_outcome import comparison
from dashboard.scenarios import ASSUMPTION, CUT_STEPS, STEPS, Change, NewInitiative, Scenario, reallocation
from sikkerby import formatting as fmt
from sikkerby.numbers import MAX_AMOUNT_KR, MAX_COUNT

OPENED, CHANGES, NEW, NAME, FRAME = "scenario_opened", "scenario_changes", "scenario_new", "scenario_name", "scenario_frame"
REPLACE_PENDING = "scenario_replace_pending"  # the name an analyst was told belongs to someone else
NEW_AMOUNT, UNCHANGED = "Nyt beløb", "Uændret"
ROWS_SHOWN = 50  # initiatives in the clickable table; the select boxes reach the rest
CHOICES = 300  # initiatives offered in the select box at once; a longer year is searched first


def start_over(opened: Scenario | None) -> None:
    """Make `opened` (or a blank scenario) the one being edited: its changes, new initiatives, name and frame."""
    st.session_state[OPENED] = opened
    st.session_state[CHANGES] = dict(opened.changes) if opened else {}
    st.session_state[NEW] = list(opened.new) if opened else []
    st.session_state[NAME] = opened.name if opened else ""
    st.session_state[FRAME] = opened.frame_kr if opened else None


context = layout.page_header(
    "Scenarier",
    "Hvad sker der med budgettet og dækningen af de 18–25-årige, hvis indsatser stoppes, skæres, udvides eller kommer til?",
    notes=False,
)
source, filters, viewer = context.source, context.filters, context.viewer
if OPENED not in st.session_state:
    start_over(None)
opened: Scenario | None = st.session_state[OPENED]
year = opened.year if opened else filters.year
years = queries.budget_years(source)
if year not in years:
    st.warning(
        f"Scenariet '{layout.plain(opened.name)}' gælder {year}, men data har ikke budget for {year}. Det vises på {filters.year}.",
        icon=":material/warning:",
    )
    year = filters.year
ignored = filters._replace(year=year) != Filters(year=year)
chosen = ", ".join(context.district_names[d] for d in filters.districts)
st.info(
    f"Scenariet regnes på hele porteføljen for {year}, uanset filtrene i venstre side, så et gemt scenarie altid giver de samme tal. "
    + ("Året kommer fra det åbnede scenarie; tryk 'Nyt scenarie' for at starte forfra med året i filteret. " if opened else "")
    + (f"De valgte filtre tæller ikke med her{f'; {chosen} er fremhævet på kortet' if chosen else ''}. " if ignored else "")
    + ASSUMPTION,
    icon=":material/info:",
)

# --- Saved scenarios: open, delete, import ------------------------------------------------------
try:
    saved = scenario_store.listing()
except scenario_store.StoreError as error:
    st.error(str(error), icon=":material/error:")
    saved = pd.DataFrame(columns=["name", "year", "saved_at", "owner"])
with st.expander(f"Gemte scenarier ({fmt.number(len(saved))})", expanded=not saved.empty and opened is None, icon=":material/folder_open:"):
    if saved.empty:
        st.caption("Ingen gemte scenarier endnu. Lav et nedenfor, giv det et navn og tryk 'Gem scenarie'.")
    else:
        layout.table(
            saved.assign(
                saved_at=saved["saved_at"].dt.tz_convert("Europe/Copenhagen").dt.strftime("%d.%m.%Y %H:%M"),
                owner=saved["owner"].fillna(scenario_store.UNKNOWN_OWNER),
            ).rename(columns={"name": "Navn", "year": "År", "saved_at": "Gemt", "owner": "Ejer"}),
            "gemte_scenarier",
            "saved_scenarios",
        )
        pick_col, open_col, delete_col = st.columns([3, 1, 1], vertical_alignment="bottom")
        picked = pick_col.selectbox("Scenarie", saved["name"].tolist(), key="scenario_pick")
        if open_col.button("Åbn", icon=":material/folder_open:", width="stretch"):
            try:
                start_over(scenario_store.load(picked))
            except scenario_store.StoreError as error:
                st.error(str(error), icon=":material/error:")
            else:
                st.rerun()
        if delete_col.button("Slet", icon=":material/delete:", width="stretch", key="scenario_delete"):
            owner = scenario_store.owner_of(picked)
            if not signin.refuse_unless(
                access.may_change_scenario(viewer, owner),
                viewer,
                f"slette '{picked}', som ejes af {owner or scenario_store.UNKNOWN_OWNER}",
                picked,
                "kun ejeren eller en analytiker må slette et scenarie",
            ):
                scenario_store.delete(picked, by=viewer.email)
                audit.record(viewer, audit.SCENARIO_DELETE, picked, f"ejer {owner or scenario_store.UNKNOWN_OWNER}")
                if opened and opened.name == picked:
                    start_over(None)
                st.toast(f"Scenariet '{layout.plain(picked)}' er slettet.")
                st.rerun()
    upload = st.file_uploader("Indlæs et scenarie fra Excel (.xlsx)", type=["xlsx"], key="scenario_upload")
    if upload is not None and st.session_state.get("scenario_upload_done") != upload.file_id:
        try:
            imported = scenario_workbook.from_xlsx(upload.getvalue(), scenario_view.terms(context))
        except scenario_workbook.ScenarioFileError as refused:
            st.error("Scenariet kunne ikke indlæses:", icon=":material/error:")
            st.dataframe(pd.DataFrame({"Problem": refused.problems}), hide_index=True)
        else:
            st.session_state["scenario_upload_done"] = upload.file_id
            start_over(imported)
            st.rerun()
if st.button("Nyt scenarie", icon=":material/add:", help="Start forfra med året i filteret og ingen ændringer."):
    start_over(None)
    st.rerun()

# --- The scenario being edited --------------------------------------------------------------------
initiatives = queries.initiatives_table(source, Filters(year=year))
active = initiatives[initiatives["active_in_year"]]
if active.empty and not st.session_state[NEW]:
    st.info(f"**Ingen data:** ingen indsatser har budget eller deltagere i {year}. Vælg et andet år i filteret.", icon=":material/info:")
    st.stop()
name_col, frame_col = st.columns(2)
name_col.text_input("Scenariets navn", key=NAME, max_chars=scenario_store.NAME_LENGTH, placeholder="Fx 'Flere unge i Bispebjerg'")
frame_col.number_input(
    "Budgetramme (kr.)",
    min_value=0.0,
    max_value=float(MAX_AMOUNT_KR),
    step=1_000_000.0,
    format="%.0f",
    key=FRAME,
    placeholder="Ingen ramme",
    help="Det samlede budget, scenariet skal holde sig inden for. Tomt = ingen ramme.",
)

st.header(f"Ændringer af årets indsatser ({year})")
st.caption(
    "Klik på en indsats i tabellen (eller vælg den i feltet), vælg en ændring, og tryk 'Tilføj ændring'. "
    "Skal pengene til en ny indsats i en bydel, gør 'Flyt penge' begge dele på én gang. Et nyt beløb er indsatsens samlede budget i året; "
    "det fordeles på bydelene, som budgettet er fordelt i dag. Flere ændringer på én gang: indlæs et scenarie fra Excel."
)
by_id = active.set_index("initiative_id")
name_of, budget_of = by_id["name"], by_id["budget_kr"]


def move_source(initiative_id: str) -> pd.Series:
    """The initiative's row as `reallocation` needs it: with its id and the goals it serves (read only on a move)."""
    goals = queries.initiative_goals(source)
    row = by_id.loc[initiative_id].copy()
    row["initiative_id"] = initiative_id
    row["goal_ids"] = tuple(goals.loc[goals["initiative_id"] == initiative_id, "goal_id"])
    return row


pool = active
if len(active) > CHOICES:  # a long portfolio is searched first: the browser gets the matches, not every initiative
    needle = st.text_input(
        "Find en indsats (navn eller id)", key="scenario_change_search", placeholder=f"Søg blandt {fmt.number(len(active))} indsatser"
    )
    pool = tables.search(active, needle, ["name", "initiative_id"])
    if len(pool) > CHOICES:
        st.caption(
            f"{fmt.number(len(pool))} indsatser passer; listen viser de {fmt.number(CHOICES)} med størst budget. "
            "Skriv mere af navnet for at finde andre."
        )
        pool = pool.nlargest(CHOICES, "budget_kr")
option_label = dict(
    zip(
        pool["initiative_id"], pool["name"] + " (" + pool["initiative_id"] + ") · " + fmt.column(pool["budget_kr"], fmt.mio_kr), strict=True
    )
)
changes: dict[str, Change] = st.session_state[CHANGES]

# The common moves, short: a click on an initiative's row picks it for a change; one form moves money to a district.
rows = pool.head(ROWS_SHOWN)
layout.scroll_cue(5, "Indsats", "scenario_row_pick")
picked_row = st.dataframe(
    pd.DataFrame(
        {
            "Indsats": rows["name"],
            f"Budget {year}": fmt.column(rows["budget_kr"], fmt.mio_kr),  # beside the name: a phone shows it
            "Ændring i scenariet": [changes[i].label() if i in changes else "" for i in rows["initiative_id"]],
            "18–25-årige nået": fmt.column(rows["participants_18_25"], fmt.number),
            "Id": rows["initiative_id"],
        }
    ),
    hide_index=True,
    column_config={"Indsats": st.column_config.Column(width="medium", pinned=True)},
    on_select="rerun",
    selection_mode="single-row",
    key="scenario_row_pick",
    height=260,
)
st.caption(
    f"Klik på en række for at vælge indsatsen i felterne nedenfor (de {fmt.number(len(rows))} største efter budget"
    + (", blandt dem, søgningen finder" if len(active) > CHOICES else "")
    + "; find de øvrige i feltet 'Indsats')."
)
row_choice = picked_row.selection.rows[0] if picked_row.selection.rows else None
if row_choice is not None and st.session_state.get("scenario_row_last") != row_choice:
    st.session_state["scenario_row_last"] = row_choice  # a new click, not a kept selection
    st.session_state["scenario_change_initiative"] = st.session_state["scenario_move_from"] = rows["initiative_id"].iloc[row_choice]
elif row_choice is None:
    st.session_state.pop("scenario_row_last", None)

with st.form("scenario_change_form", border=False):
    pick_col, how_col, amount_col, add_col = st.columns([4, 2, 2, 2], vertical_alignment="bottom")
    picked_id = pick_col.selectbox(
        "Indsats",
        list(option_label),
        format_func=option_label.get,
        index=None,
        placeholder="Vælg eller søg en indsats",
        key="scenario_change_initiative",
    )
    how = how_col.selectbox("Ændring", [*STEPS, NEW_AMOUNT], index=0, key="scenario_change_step")
    amount = amount_col.number_input(
        "Nyt beløb (kr.)",
        min_value=0.0,
        max_value=float(MAX_AMOUNT_KR),
        step=100_000.0,
        format="%.0f",
        value=None,
        key="scenario_change_amount",
        help="Kun ved 'Nyt beløb'.",
    )
    if add_col.form_submit_button("Tilføj ændring", icon=":material/edit:", width="stretch", key="scenario_change_add"):
        if picked_id is None:
            st.error("Vælg først en indsats.", icon=":material/error:")
        elif how == NEW_AMOUNT and amount is None:
            st.error("Skriv det nye beløb i feltet 'Nyt beløb (kr.)', eller vælg en anden ændring.", icon=":material/error:")
        elif how == UNCHANGED:
            changes.pop(picked_id, None)
        else:
            changes[picked_id] = Change(amount_kr=float(amount)) if how == NEW_AMOUNT else Change(step=STEPS[how])
st.markdown("**Flyt penge til en ny indsats i en bydel**")
with st.form("scenario_move_form", border=False):
    from_col, step_col, to_col, reach_col, move_col = st.columns([4, 2, 3, 2, 2], vertical_alignment="bottom")
    move_from = from_col.selectbox(
        "Fra indsats", list(option_label), format_func=option_label.get, index=None, placeholder="Vælg en indsats", key="scenario_move_from"
    )
    move_step = step_col.selectbox("Skær", CUT_STEPS, index=1, key="scenario_move_step")
    terms = scenario_view.terms(context)
    move_to = to_col.selectbox(
        "Til ny indsats i bydel",
        list(terms.districts),
        format_func=terms.districts.get,
        index=None,
        placeholder="Vælg bydel",
        key="scenario_move_to",
    )
    move_reach = reach_col.number_input(
        "18–25-årige nået",
        min_value=0,
        max_value=MAX_COUNT,
        step=10,
        value=None,
        key="scenario_move_reach",
        help="Tomt = samme pris pr. ung som den indsats, pengene kommer fra (eller 0, hvis dens antal er skjult).",
    )
    if move_col.form_submit_button("Flyt pengene", icon=":material/swap_horiz:", width="stretch", key="scenario_move_add"):
        if move_from is None or move_to is None:
            st.error("Vælg både den indsats, pengene kommer fra, og bydelen, de skal til.", icon=":material/error:")
        else:
            number = 1 + max((int(n.initiative_id.removeprefix("NY-")) for n in st.session_state[NEW]), default=0)
            change, new = reallocation(
                move_source(move_from),
                move_step,
                move_to,
                terms.districts[move_to],
                number,
                None if move_reach is None else float(move_reach),
            )
            changes[move_from] = change
            st.session_state[NEW].append(new)
            st.toast(
                f"{layout.plain(name_of[move_from])} {move_step}; {fmt.mio_kr(new.budget_kr)} til en ny indsats i {terms.districts[move_to]}."
            )

if changes:
    shown = [i for i in changes if i in name_of]
    changed = pd.DataFrame(
        {
            "Indsats": [name_of[i] for i in shown],
            "Id": shown,
            f"Budget {year} (kr.)": [budget_of[i] for i in shown],
            "Ændring": [changes[i].label() if changes[i].amount_kr is None else fmt.kr(changes[i].amount_kr) for i in shown],
        }
    )
    layout.table(changed, "scenarie_aendringer", "scenario_changes")
    remove_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
    undone = remove_col.selectbox("Fortryd en ændring", shown, format_func=lambda i: f"{name_of[i]} ({i})", key="scenario_undo_pick")
    if button_col.button("Fortryd", icon=":material/undo:", width="stretch", key="scenario_undo") and undone:
        changes.pop(undone, None)
        st.rerun()
else:
    st.caption("Ingen ændringer endnu: scenariet er lig med udgangspunktet.")

with st.expander(f"Foreslåede nye indsatser ({fmt.number(len(st.session_state[NEW]))})", icon=":material/add_circle:"):
    terms = scenario_view.terms(context)
    with st.form("scenario_new_initiative", clear_on_submit=True):
        st.markdown("**Tilføj en foreslået indsats**")
        first, second = st.columns(2)
        new_name = first.text_input("Navn", max_chars=120)
        new_area = second.selectbox("Indsatsområde", list(terms.focus_areas), format_func=terms.focus_areas.get)
        new_goals = first.multiselect("Strategiske mål", list(terms.goals), format_func=terms.goals.get, placeholder="Vælg mål")
        new_districts = second.multiselect(
            "Bydele",
            list(terms.districts),
            format_func=terms.districts.get,
            placeholder="Hele byen",
            help="Tomt = hele byen (ingen bydel).",
        )
        new_admin = first.selectbox("Forvaltning", list(terms.administrations), index=None, placeholder="Ikke angivet")
        new_budget = second.number_input("Budget (kr.)", min_value=0.0, max_value=float(MAX_AMOUNT_KR), step=100_000.0, format="%.0f")
        new_reach = first.number_input(
            "Forventet antal 18–25-årige nået", min_value=0, max_value=MAX_COUNT, step=10, help="Fordeles ligeligt på de valgte bydele."
        )
        if st.form_submit_button("Tilføj", icon=":material/add:"):
            if not new_budget and not new_reach:
                st.error("Angiv et budget eller et antal 18–25-årige, før indsatsen tilføjes.", icon=":material/error:")
            else:
                number = 1 + max((int(n.initiative_id.removeprefix("NY-")) for n in st.session_state[NEW]), default=0)
                st.session_state[NEW].append(
                    NewInitiative(
                        initiative_id=f"NY-{number}",
                        name=" ".join(new_name.split()) or f"Ny indsats {number}",
                        budget_kr=float(new_budget),
                        reached_18_25=float(new_reach),
                        districts=tuple(sorted(new_districts)),
                        goal_ids=tuple(sorted(new_goals)),
                        focus_area_id=new_area,
                        administration_code=new_admin,
                    )
                )
                st.rerun()
    if st.session_state[NEW]:
        added = pd.DataFrame(
            {
                "Id": [n.initiative_id for n in st.session_state[NEW]],
                "Navn": [n.name for n in st.session_state[NEW]],
                "Indsatsområde": [terms.focus_areas.get(n.focus_area_id, "") for n in st.session_state[NEW]],
                "Bydele": [", ".join(terms.districts[d] for d in n.districts) or "Hele byen" for n in st.session_state[NEW]],
                "Budget (kr.)": [n.budget_kr for n in st.session_state[NEW]],
                "18–25-årige nået": [n.reached_18_25 for n in st.session_state[NEW]],
            }
        )
        layout.table(added, "scenarie_nye_indsatser", "scenario_new_list")
        remove_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
        removed = remove_col.selectbox(
            "Fjern en ny indsats", added["Id"].tolist(), format_func=dict(zip(added["Id"], added["Navn"], strict=True)).get
        )
        if button_col.button("Fjern", icon=":material/remove_circle:", width="stretch"):
            st.session_state[NEW] = [n for n in st.session_state[NEW] if n.initiative_id != removed]
            st.rerun()

names = dict(opened.names) if opened else {}
names |= {i: name_of[i] for i in changes if i in name_of}
scenario = Scenario(
    name=scenario_store.clean_name(st.session_state[NAME]) or scenario_view.UNNAMED,
    year=year,
    changes=changes,
    new=tuple(st.session_state[NEW]),
    frame_kr=st.session_state[FRAME],
    names={i: names.get(i, "") for i in changes},
)
result = scenario_view.worked_out(source, scenario.to_json())
if opened and result.missing:
    missing = "; ".join(f"{layout.plain(name or '(uden navn)')} ({layout.plain(i)})" for i, name in result.missing.items())
    st.warning(
        f"Scenariet ændrer {fmt.number(len(result.missing))} indsats(er), som ikke findes i de nuværende data for {year}: {missing}. "
        "Ændringerne tæller ikke med i tallene nedenfor.",
        icon=":material/warning:",
    )

# --- What it comes to ----------------------------------------------------------------------------
st.divider()
scenario_view.results(result, context)

# --- Save, export, brief -----------------------------------------------------------------------------
st.divider()
st.header("Gem og del scenariet")
save_col, xlsx_col, brief_col = st.columns(3)


def save_scenario(scenario: Scenario, replace_others: bool = False) -> None:
    """Save for the signed-in person; a name someone else owns is refused (an analyst is offered 'Erstat')."""
    try:
        outcome_word = scenario_store.save(scenario, viewer.email, replace_others=replace_others and viewer.is_analyst)
    except scenario_store.OwnedByOther as taken:
        if viewer.is_analyst:
            st.session_state[REPLACE_PENDING] = scenario.name
            st.warning(layout.plain(str(taken)), icon=":material/warning:")
        else:
            signin.refuse_unless(
                False,
                viewer,
                f"gemme over '{scenario.name}', som ejes af {taken.owner or scenario_store.UNKNOWN_OWNER}",
                scenario.name,
                "kun ejeren eller en analytiker må erstatte et scenarie",
            )
            st.error(layout.plain(str(taken)), icon=":material/error:")
    except scenario_store.StoreError as error:
        st.error(str(error), icon=":material/error:")
    else:
        st.session_state.pop(REPLACE_PENDING, None)
        st.session_state[OPENED] = scenario
        audit.record(
            viewer, audit.SCENARIO_REPLACE if outcome_word == scenario_store.REPLACED else audit.SCENARIO_SAVE, scenario.name, outcome_word
        )
        st.toast(f"Scenariet '{layout.plain(scenario.name)}' er {outcome_word}.", icon=":material/save:")


if save_col.button("Gem scenarie", type="primary", icon=":material/save:", width="stretch", key="scenario_save"):
    if not scenario_store.clean_name(st.session_state[NAME]):
        st.error("Giv scenariet et navn i feltet 'Scenariets navn', før det gemmes.", icon=":material/error:")
    else:
        save_scenario(scenario)
replace_offered = viewer.is_analyst and st.session_state.get(REPLACE_PENDING) == scenario.name
if replace_offered and st.button(
    f"Erstat det gemte scenarie '{layout.plain(scenario.name)}'", icon=":material/swap_horiz:", key="scenario_replace"
):
    save_scenario(scenario, replace_others=True)
xlsx_col.download_button(
    "Hent scenariet (Excel)",
    data=lambda: scenario_workbook.to_xlsx(scenario, scenario_view.terms(context), scenario_view.result_sheets(result)),
    file_name=f"scenarie_{year}_{ascii_name(scenario.name)}.xlsx",
    mime=export.XLSX_MIME,
    icon=":material/download:",
    width="stretch",
    key="scenario_xlsx",
)
brief_col.download_button(
    "Hent udvalgsnotat med scenariet (HTML)",
    data=lambda: brief.committee_brief(
        source,
        Filters(year=year),
        context.facts,
        context.district_names,
        date.today(),
        scenario=result,
        decision=decision_view.latest(source, context.district_names),
    ).encode("utf-8"),
    file_name=f"udvalgsnotat_{year}_scenarie_{ascii_name(scenario.name)}.html",
    mime="text/html",
    icon=":material/description:",
    width="stretch",
    key="scenario_brief",
)

# --- Compare two saved scenarios ---------------------------------------------------------------
st.divider()
st.header("Sammenlign to gemte scenarier")
if len(saved) < 2:
    st.caption("Gem mindst to scenarier for at sammenligne dem her.")
else:
    pair = st.multiselect("Vælg to scenarier", saved["name"].tolist(), max_selections=2, key="scenario_compare", placeholder="Vælg to")
    try:
        first, second = (scenario_store.load(name) for name in pair) if len(pair) == 2 else (None, None)
    except scenario_store.StoreError as error:
        st.error(str(error), icon=":material/error:")
        first = second = None
    if first is not None and second is not None:
        if first.year != second.year:
            st.info(
                f"Scenarierne gælder hvert sit år ({first.year} og {second.year}), så der er ingen fælles udgangspunkt.",
                icon=":material/info:",
            )
        scenario_view.comparison_tables(
            comparison(scenario_view.worked_out(source, first.to_json()), scenario_view.worked_out(source, second.to_json()))
        )
