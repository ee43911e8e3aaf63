"""Beslutninger: the scenarios the committee adopted, and whether the data loaded since shows them carried out.

Analysts record a decision after the meeting (a saved scenario, the meeting and the agenda item);
everyone sees each decision held against the live data. A decision is never edited: a correction
is a new decision that supersedes it (dashboard/decision_store.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import streamlit as st

from dashboard import access, audit, decision_store, decision_view, decisions, export, layout, queries, scenario_store, signin
from sikkerby import formatting as fmt

MATCH_CHOICES = 300  # initiatives offered to match a new one to
ROW_PX = 35  # a table row's height in Streamlit's data grid
VERSION_CHARS = 8  # a data version is named by the start of its id, as a commit is
STALE_KEY = "decision_recorded_on_later_data"  # the number of a decision just frozen on data loaded after its scenario was saved

context = layout.page_header(
    "Beslutninger",
    "Gjorde vi, hvad vi besluttede? Udvalgets vedtagne scenarier holdt op mod de data, der er indlæst siden",
    notes=False,
)
source, viewer = context.source, context.viewer
if context.filters.by_district or context.filters != type(context.filters)(year=context.filters.year):
    st.info(
        "Filtrene tæller ikke med her: en beslutning gælder hele porteføljen for sit år, og opfølgningen viser den hele.",
        icon=":material/filter_alt_off:",
    )

try:
    listed = decision_store.listing()
except scenario_store.StoreError as error:
    st.error(str(error), icon=":material/error:")
    st.stop()


def record_form() -> None:
    """The analysts' form: a saved scenario, the meeting, the agenda item, a note, and the decision it corrects."""
    with st.expander("Registrér en beslutning", icon=":material/gavel:", expanded=listed.empty):
        try:
            saved = scenario_store.listing()
        except scenario_store.StoreError as error:
            st.error(str(error), icon=":material/error:")
            return
        if saved.empty:
            st.info("Der er ingen gemte scenarier. Gem scenariet på siden Scenarier, og registrér det derefter her.")
            return
        loaded_at = queries.load_history(source)["loaded_at"].max()
        st.caption(
            f"Scenariet regnes ud på de data, der er aktive nu: dataversion {layout.plain(source.version[:VERSION_CHARS])}, "
            f"indlæst {fmt.text(pd.Timestamp(loaded_at).strftime('%d.%m.%Y %H:%M') if pd.notna(loaded_at) else None)}. "
            "Er der indlæst nye data siden mødet, så gendan først den version, udvalget så (Indlæs data → Versioner)."
        )
        with st.form("decision_form", clear_on_submit=True):
            name = st.selectbox("Scenarie, som udvalget vedtog", saved["name"].tolist(), key="decision_scenario")
            meeting = st.date_input(  # the sample data are from 2008–2013: the default floor, ten years back, would refuse them
                "Mødedato", value=None, min_value=date(2000, 1, 1), max_value=datetime.now(UTC).date(), format="DD.MM.YYYY"
            )
            agenda = st.text_input(
                "Møde og punkt", placeholder="Økonomiudvalget 13.04.2010, punkt 6", max_chars=decision_store.AGENDA_LENGTH
            )
            note = st.text_area("Bemærkning (valgfri)", max_chars=decision_store.NOTE_LENGTH)
            open_ones = listed[listed["superseded_by"].isna()]
            corrects = st.selectbox(
                "Retter en tidligere beslutning",
                [None, *open_ones["decision_id"].tolist()],
                format_func=lambda i: "Nej, en ny beslutning" if i is None else f"Nr. {i}: " + label_of(i),
            )
            submitted = st.form_submit_button("Registrér beslutningen", icon=":material/gavel:", type="primary")
        if not submitted:
            return
        if signin.refuse_unless(access.may_load_data(viewer), viewer, "registrere en beslutning", name):
            return
        if meeting is None:
            st.error("Vælg mødedatoen, før beslutningen registreres. Intet er gemt.", icon=":material/event:")
            return
        try:
            scenario = scenario_store.load(name)
        except scenario_store.StoreError as error:
            st.error(f"{error} Intet er gemt.", icon=":material/error:")
            return
        if scenario is None:
            st.error("Scenariet findes ikke længere. Vælg et andet. Intet er gemt.", icon=":material/error:")
            return
        frozen = decision_view.freeze(source, scenario)
        try:
            number = decision_store.adopt(
                scenario,
                source.version,
                frozen.lines,
                frozen.coverage,
                frozen.goals,
                meeting,
                agenda,
                note,
                viewer.email,
                supersedes=corrects,
            )
        except scenario_store.StoreError as error:
            st.error(f"{error} Intet er gemt.", icon=":material/error:")
            return
        audit.record(viewer, audit.DECISION_ADOPT, f"nr. {number}", f"{scenario.name}; {agenda}")
        st.session_state["decision_chosen"] = number
        saved_at = saved.set_index("name").at[name, "saved_at"]
        if decision_view.loaded_after_saved(saved_at, loaded_at):
            st.session_state[STALE_KEY] = number
        st.rerun()


def label_of(decision_id: int) -> str:
    row = listed.set_index("decision_id").loc[decision_id]
    return f"{fmt.text(row['agenda_item'])} – {fmt.text(row['scenario_name'])}"


if access.may_load_data(viewer):
    record_form()
if (stale := st.session_state.pop(STALE_KEY, None)) is not None:
    st.warning(
        f"Beslutning nr. {stale} er regnet ud på de data, der er aktive nu, og de er indlæst, efter scenariet sidst blev gemt. "
        "Tallene kan derfor afvige fra dem, udvalget så på mødet. Var det forkert: gendan den version, udvalget så "
        "(Indlæs data → Versioner), og registrér en ny beslutning, der retter denne.",
        icon=":material/warning:",
    )

if listed.empty:
    st.info(
        "Der er endnu ingen beslutninger. En analytiker registrerer et vedtaget scenarie efter mødet (se boksen ovenfor).",
        icon=":material/inbox:",
    )
    st.stop()

st.header("Beslutningerne")
record = listed.assign(
    meeting=listed["meeting_date"].map(lambda d: datetime.fromisoformat(d).strftime("%d.%m.%Y")),
    state=["gældende" if pd.isna(later) else f"erstattet af nr. {later}" for later in listed["superseded_by"]],
)
layout.table(
    record.rename(
        columns={
            "decision_id": "Nr.",
            "meeting": "Møde",
            "agenda_item": "Punkt",
            "scenario_name": "Scenarie",
            "year": "År",
            "state": "Gælder",
            "adopted_by": "Registreret af",
        }
    )[["Nr.", "Møde", "Punkt", "Scenarie", "År", "Gælder", "Registreret af"]],
    "beslutninger",
    "decisions",
    formats={"År": fmt.year},
)

current = listed[listed["superseded_by"].isna()]
default = int(current["decision_id"].iloc[-1] if len(current) else listed["decision_id"].iloc[-1])
ids = listed["decision_id"].tolist()
if st.session_state.get("decision_chosen") not in ids:
    st.session_state["decision_chosen"] = default
chosen = st.selectbox("Følg op på beslutning", ids, format_func=lambda i: f"Nr. {i}: {label_of(i)}", key="decision_chosen")
try:
    decision = decision_store.load(chosen)
except scenario_store.StoreError as error:
    st.error(str(error), icon=":material/error:")
    st.stop()
followed = decision_view.follow_up(source, decision, context.district_names)

st.header(f"Opfølgning på nr. {decision.decision_id}: {layout.plain(decision.agenda_item)}")
st.caption(
    f"Scenariet '{layout.plain(decision.scenario.name)}' for {decision.year}, regnet på dataversion "
    f"{layout.plain(decision.data_version[:VERSION_CHARS])}; holdt op mod dataversion {layout.plain(source.version[:VERSION_CHARS])} "
    f"(den nuværende). Registreret af {layout.plain(decision.adopted_by)}."
)
if decision.note:  # the analyst's text, shown as written: escaped, its line breaks kept
    st.markdown("**Bemærkning:** " + "  \n".join(layout.plain(line) for line in decision.note.splitlines()))
if decision.supersedes:
    st.caption(f"Retter beslutning nr. {decision.supersedes}, som står uændret i listen.")
for sentence in followed.sentences:
    st.markdown(layout.plain(sentence))

money = dict.fromkeys(decision_view.KR_COLUMNS, fmt.kr)
st.subheader("Besluttede ændringer")
layout.table(
    followed.changes,
    f"beslutning{decision.decision_id}_aendringer",
    "decision_changes",
    formats=money | {"Gennemført (andel)": lambda v: fmt.percent(v, 0)},
    pinned="Indsats",
)
since = decision_view.versions_since(source, decision)
st.subheader("Over dataversionerne siden beslutningen")
st.markdown(layout.plain(decisions.versions_sentence(since)))
by_version = decision_view.versions_table(since)
if not since.empty:
    layout.table(
        by_version,
        f"beslutning{decision.decision_id}_dataversioner",
        "decision_versions",
        formats={"Uden beslutning, netto (kr.)": fmt.kr}
        | dict.fromkeys(["Gennemført", "Delvist", "Ikke gennemført", "Kan ikke følges"], fmt.number),
    )
    st.caption(
        "Kan ikke følges: en ny indsats, der ikke er matchet, eller en indsats, som versionen ikke har. "
        "Tidligere versioner ses under Indlæs data."
    )
st.subheader("Budgetændringer, som ingen har besluttet")
if followed.moves.empty:
    st.caption(f"Ingen: alle andre indsatsers budget for {decision.year} er som før beslutningen.")
else:
    layout.table(followed.moves, f"beslutning{decision.decision_id}_ubesluttede", "decision_moves", formats=money, pinned="Indsats")
st.subheader(f"Budget pr. strategisk mål i {decision.year}: besluttet mod budgetteret og brugt nu")
layout.table(followed.goals, f"beslutning{decision.decision_id}_maal", "decision_goals", formats=money, widths={"Strategisk mål": 170})
st.caption("En indsats med flere mål tæller ligeligt under hvert af dem, som på siden Strategiske mål.")
st.subheader(f"Budget pr. bydel i {decision.year}: besluttet mod budgetteret og brugt nu")
layout.table(
    followed.districts,
    f"beslutning{decision.decision_id}_bydele",
    "decision_districts",
    formats=money,
    height=ROW_PX * (len(followed.districts) + 1) + 3,  # all ten districts and the city-wide lines, without scrolling
    widths={"Bydel": 150},
)
st.subheader("Dækning af 18–25-årige: fremskrevet i scenariet mod nået nu")
layout.table(
    followed.coverage,
    f"beslutning{decision.decision_id}_daekning",
    "decision_coverage",
    formats=dict.fromkeys(decision_view.PER_1000_COLUMNS, lambda v: fmt.number(v, 1)),
)
st.caption(
    "Fremskrevet: scenariets antagelse om, at en indsats når flere eller færre 18–25-årige i samme forhold som dens budget. "
    "Tal for personer på 1–4 og det, der ville afsløre dem, vises som '<5' og 'skjult' (se Om data)."
)

st.subheader("Effektmål for de indsatser, beslutningen ændrer")
if followed.targets.empty:
    st.caption("De ændrede indsatser har ingen effektmål i de nuværende data.")
else:
    layout.table(followed.targets, f"beslutning{decision.decision_id}_effektmaal", "decision_targets", pinned="Indsats")

new = decision_view.unmatched_new(decision)
if new:
    st.subheader("Nye indsatser fra scenariet: hvilken rigtig indsats blev de til?")
    if access.may_load_data(viewer):
        initiatives = queries.follow_up_initiatives(source, decision.year)
        appeared = initiatives[~queries.among(initiatives["initiative_id"], decision.lines["initiative_id"])]  # new in the data since
        offered = min(len(appeared), MATCH_CHOICES)
        if offered == 0:
            which = f"Der er ingen indsatser med budget i {decision.year}, som ikke havde det ved beslutningen, så der er intet at matche til endnu."
        else:
            counted = "den 1 indsats" if offered == 1 else f"de {fmt.number(offered)} indsatser"
            first = f" (de første {fmt.number(offered)} af {fmt.number(len(appeared))})" if len(appeared) > offered else ""
            which = f"Valgmulighederne er {counted}{first}, som ikke havde budget i {decision.year}, da beslutningen blev truffet."
        st.caption(which + " Et match gemmes med dit navn; et nyt match erstatter det gamle, og begge står i logbogen.")
        names = dict(zip(appeared["initiative_id"].head(MATCH_CHOICES), appeared["name"].head(MATCH_CHOICES), strict=True))
        for new_id, new_name in new:
            matched = decision.matches.get(new_id)
            if matched and matched not in names:
                names[matched] = matched
            options = [None, *names]
            picked = st.selectbox(
                layout.plain(f"{new_name} ({new_id})"),
                options,
                index=options.index(matched) if matched in names else 0,
                format_func=lambda i: "Ikke matchet" if i is None else f"{names[i]} ({i})",
                key=f"decision_match_{decision.decision_id}_{new_id}",
            )
            if (
                picked != matched
                and st.button("Gem match", key=f"decision_match_save_{decision.decision_id}_{new_id}")
                and not signin.refuse_unless(access.may_load_data(viewer), viewer, "matche en ny indsats", new_id)
            ):
                try:
                    decision_store.match(decision.decision_id, new_id, picked, viewer.email)
                except scenario_store.StoreError as error:
                    st.error(f"{error} Det gamle match gælder stadig.", icon=":material/error:")
                else:
                    audit.record(viewer, audit.DECISION_MATCH, f"nr. {decision.decision_id}", f"{new_id} → {picked or 'ikke matchet'}")
                    st.rerun()
    else:
        for new_id, new_name in new:
            st.markdown(layout.plain(f"{new_name} ({new_id}): " + (decision.matches.get(new_id) or "ikke matchet endnu")))

st.download_button(
    "Hent opfølgningen (Excel, ét ark pr. del)",
    data=lambda: export.xlsx_book(
        {
            "Besluttede ændringer": followed.changes,
            "Uden beslutning": followed.moves,
            "Strategiske mål": followed.goals,
            "Bydele": followed.districts,
            "Effektmål": followed.targets,
            "Dækning 18-25": followed.coverage,
            "Dataversioner": by_version,
        }
    ),
    file_name=f"beslutning{decision.decision_id}_opfoelgning.xlsx",
    mime=export.XLSX_MIME,
    key="xlsx_decision",
    icon=":material/table_view:",
    type="tertiary",
)
st.caption(f"{context.source_line()} · udvalgets beslutninger, som de er registreret her")
