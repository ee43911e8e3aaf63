"""Data: analysts load a new workbook, see what it would change, make it live, and restore an earlier version.

The load is the command line's own (`pipelines.versions.stage` runs `load_portfolio`), so the
contract's checks and Danish messages are the same as for `python -m pipelines load`.
"""

from __future__ import annotations

import hashlib
import shutil
import uuid

import pandas as pd
import streamlit as st

from dashboard import access, audit, layout, queries, signin
from pipelines import upload, versions
from pipelines.problems import InputRejected
from pipelines.store import KEEP, LoadBusy, StoreFailure
from sikkerby import formatting as fmt

STAGED, REFUSED, DONE = "data_staged", "data_refused", "data_upload_done"

context = layout.page_header("Indlæs data", "Indlæs en ny projektmappe, se hvad den ændrer, og gør den live", notes=False)
viewer = context.viewer
# The check is here, on the server, before any upload, go-live or restore below can run: a committee member who
# types /data or replays an analyst's click gets this refusal, and nothing changes.
if signin.refuse_unless(access.may_load_data(viewer), viewer, "indlæse data, gøre data live eller gendanne versioner", "Indlæs data"):
    st.stop()
live = queries.app_database()

st.header("Indlæs en ny projektmappe")
st.caption(
    "En Excel-projektmappe (.xlsx) med arkene indsatser, budget, aktivitet og effektmaal, eller en zip-fil med de fire CSV-filer. "
    "Filen kontrolleres efter inputkontrakten, præcis som `python -m pipelines load`. Intet bliver live, før du trykker 'Gør data live'."
)
uploaded = st.file_uploader("Projektmappe eller zip med CSV-filer", type=["xlsx", "zip"], key="data_upload")
if uploaded is not None and st.session_state.get(DONE) != uploaded.file_id:
    st.session_state[DONE] = uploaded.file_id
    st.session_state.pop(REFUSED, None)
    if previous := st.session_state.pop(STAGED, None):
        versions.discard(previous)
    folder = versions.staging_dir(live) / uuid.uuid4().hex
    shown_name, content = upload.safe_name(uploaded.name), uploaded.getvalue()
    checksum = f"SHA-256 {hashlib.sha256(content).hexdigest()}"
    try:
        with st.spinner("Kontrollerer filen …"):
            path = upload.unpack(uploaded.name, content, folder)
            st.session_state[STAGED] = versions.stage(path, shown_name, live)
    except InputRejected as rejected:
        st.session_state[REFUSED] = (shown_name, rejected.problems)
    except (LoadBusy, StoreFailure) as failure:  # Danish already: another load, a read-only folder, a full disk …
        st.session_state[REFUSED] = (shown_name, [str(failure)])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if refused := st.session_state.get(REFUSED):
        audit.record(viewer, audit.UPLOAD_REFUSED, shown_name, f"{checksum}; {len(refused[1])} problem(er)")
    else:
        audit.record(viewer, audit.UPLOAD, shown_name, f"{checksum}; {st.session_state[STAGED].changes.sentence()}")

if refused := st.session_state.get(REFUSED):
    name, problems = refused
    st.error(
        f"**{layout.plain(name)} blev ikke indlæst:** {fmt.number(len(problems))} problem(er). De data, der er live, er uændrede. "
        "Ret filen og indlæs den igen.",
        icon=":material/block:",
    )
    report = pd.DataFrame(
        [(p.sheet, p.row, p.column, p.message) if hasattr(p, "message") else ("", None, None, p) for p in problems],
        columns=["Ark", "Række", "Kolonne", "Problem"],
    ).astype({"Række": "Int64"})
    layout.table(report, "indlaesning_problemer", "load_problems", formats={"Række": fmt.year}, label="Hent problemerne (CSV)")

if staged := st.session_state.get(STAGED):
    changes = staged.changes
    st.success(f"**{layout.plain(staged.file_name)}** overholder kontrakten. Sådan ændrer den data:", icon=":material/check_circle:")
    cells = st.columns(3)
    cells[0].metric("Indsatser tilføjet", fmt.number(len(changes.added)))
    cells[1].metric("Indsatser fjernet", fmt.number(len(changes.removed)))
    cells[2].metric("Indsatser ændret", fmt.number(len(changes.changed)))
    for label, ids in (("Tilføjet", changes.added), ("Fjernet", changes.removed), ("Ændret", changes.changed)):
        if ids:
            with st.expander(f"{label}: {fmt.number(len(ids))} indsatser"):
                st.text(", ".join(ids))
    budget = pd.DataFrame(changes.budget_by_year, columns=["År", "Før (kr.)", "Efter (kr.)"]).astype(
        {"Før (kr.)": float, "Efter (kr.)": float}
    )
    budget["Ændring (kr.)"] = budget["Efter (kr.)"].fillna(0) - budget["Før (kr.)"].fillna(0)
    st.markdown("**Budget pr. år før og efter**")
    layout.table(budget, "indlaesning_budget_foer_efter", "load_budget")
    live_col, discard_col = st.columns(2)
    if live_col.button("Gør data live", type="primary", icon=":material/publish:", width="stretch", key="data_publish"):
        try:
            versions.publish(staged, live, by=viewer.email)
        except (versions.VersionConflict, LoadBusy, StoreFailure) as conflict:
            st.error(str(conflict), icon=":material/error:")
        else:
            st.session_state.pop(STAGED)
            audit.record(viewer, audit.GO_LIVE, staged.file_name, f"SHA-256 {staged.sha256}; {staged.changes.sentence()}")
            st.toast(
                f"{layout.plain(staged.file_name)} er live. Alle sider viser de nye tal ved næste klik.", icon=":material/check_circle:"
            )
            st.rerun()
    if discard_col.button("Kassér", icon=":material/delete:", width="stretch", key="data_discard"):
        versions.discard(st.session_state.pop(STAGED))
        st.rerun()

st.divider()
st.header("Versioner")
st.caption(f"Data, der har været live, med den fil de kom fra. De seneste {KEEP} gemmes og kan gendannes med ét klik.")
listing = versions.listing(live)
shown = pd.DataFrame(
    {
        "Live": listing["live"].map({True: "Ja", False: ""}),
        "Gik live": pd.to_datetime(listing["published_at"], errors="coerce", format="ISO8601").dt.strftime("%d.%m.%Y %H:%M"),
        "Gjort live af": listing["published_by"],
        "Fil": listing["file_name"],
        "SHA-256": listing["sha256"],
        "Ændringer": listing["changes"],
    }
)
layout.table(shown, "dataversioner", "data_versions")
restorable = listing[listing["kept"] & ~listing["live"]]
if restorable.empty:
    st.caption("Der er endnu ingen tidligere version at gendanne.")
else:
    labels = {
        version_id: f"{shown.at[index, 'Gik live']} · {restorable.at[index, 'file_name']}"
        if restorable.at[index, "readable"]
        else f"{versions.UNREADABLE} (version {version_id[:8]})"
        for index, version_id in restorable["version_id"].items()
    }
    pick_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
    picked = pick_col.selectbox("Gendan en tidligere version", list(labels), format_func=labels.get, key="data_restore_pick")
    if button_col.button("Gendan", icon=":material/history:", width="stretch", key="data_restore"):
        try:
            versions.restore(picked, live, by=viewer.email)
        except (LoadBusy, FileNotFoundError, versions.VersionDamaged) as failure:
            st.error(str(failure), icon=":material/error:")
        else:
            audit.record(viewer, audit.RESTORE, labels[picked], f"version {picked}")
            st.toast("Versionen er live igen. Alle sider viser dens tal ved næste klik.", icon=":material/history:")
            st.rerun()

st.divider()
st.header("Logbog")
st.caption(
    "Hvem der har logget ind, indlæst filer (med SHA-256), gjort data live, gendannet versioner og gemt, erstattet eller slettet "
    "scenarier, og hvad der blev afvist. Nyeste først. Logbogen gemmes uden for databasen og kan ikke ændres eller slettes fra appen."
)
try:
    trail = audit.listing()
except audit.AuditError as error:
    st.error(str(error), icon=":material/error:")
else:
    who_col, action_col = st.columns(2)
    chosen_people = who_col.multiselect("Hvem", sorted(trail["who"].unique()), placeholder="Alle", key="audit_who")
    chosen_actions = action_col.multiselect(
        "Handling", list(audit.ACTION_LABELS), format_func=audit.ACTION_LABELS.get, placeholder="Alle", key="audit_action"
    )
    kept = trail["who"].isin(chosen_people) if chosen_people else pd.Series(True, index=trail.index)
    if chosen_actions:
        kept &= trail["action"].isin(chosen_actions)
    shown_trail = trail[kept]
    if shown_trail.empty:
        st.caption("Ingen hændelser" + (" med de valgte filtre; fjern et filter for at se flere." if len(trail) else " endnu."))
    else:
        layout.table(
            pd.DataFrame(
                {
                    "Tidspunkt": shown_trail["at"].dt.tz_convert("Europe/Copenhagen").dt.strftime("%d.%m.%Y %H:%M:%S"),
                    "Hvem": shown_trail["who"],
                    "Rolle": shown_trail["role"].map(access.ROLE_LABELS).fillna(""),
                    "Handling": shown_trail["action"].map(audit.ACTION_LABELS),
                    "Om": shown_trail["subject"],
                    "Detaljer": shown_trail["detail"],
                }
            ),
            "logbog",
            "audit_trail",
            label="Hent logbogen (CSV)",
        )
