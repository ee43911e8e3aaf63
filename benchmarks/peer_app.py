"""The benchmark's peer: a minimal single-file Streamlit + pandas app over the same database, as a gallery app is written.

It reads whole tables into pandas once (`st.cache_data`) and filters and sums them in pandas on every
rerun: a sidebar with year and district, seven key figures, three bar charts and one table. No
disclosure control, no scenario, no caching per filter. `scripts/benchmark.py` drives it in Chromium
interleaved with the dashboard, so each figure is a ratio from one run. Not part of the product.

Run: `SIKKERBY_DB=data/sikkerby.duckdb streamlit run benchmarks/peer_app.py`.
"""

import os

import duckdb
import pandas as pd
import plotly.express as px
import streamlit as st

st.set_page_config(page_title="Peer", layout="wide")


TABLES = {  # whole tables, as a gallery app reads them
    "budget": "SELECT * FROM budget",
    "activity": "SELECT * FROM activity",
    "initiative": "SELECT * FROM initiative",
    "district": "SELECT * FROM district",
    "population": "SELECT * FROM population",
}


@st.cache_data(max_entries=2)
def load(modified: float) -> dict[str, pd.DataFrame]:  # keyed on the file's time, so a new load is read again
    with duckdb.connect(os.environ["SIKKERBY_DB"], read_only=True) as con:
        return {table: con.execute(sql).df() for table, sql in TABLES.items()}


data = load(os.path.getmtime(os.environ["SIKKERBY_DB"]))
budget, activity, initiative, district, population = (data[t] for t in ("budget", "activity", "initiative", "district", "population"))
years = sorted(budget["year"].unique())
year = st.sidebar.selectbox("År", years, index=len(years) - 1)
names = dict(zip(district["district_id"], district["name"], strict=True))
chosen = st.sidebar.multiselect("Bydele", list(names), format_func=names.get, placeholder="Alle")

b = budget[budget["year"] == year]
a = activity[activity["year"] == year]
p = population[population["year"] == min(year, population["year"].max())]
if chosen:
    b, a, p = b[b["district_id"].isin(chosen)], a[a["district_id"].isin(chosen)], p[p["district_id"].isin(chosen)]
    st.info("Viser kun " + ", ".join(names[d] for d in chosen))
b = b.merge(initiative[["initiative_id", "name", "administration_code", "focus_area_id", "status"]], on="initiative_id")

st.title("Kriminalpræventive indsatser")
cards = st.columns(7)
figures = {
    "Budget": b["budget_kr"].sum(),
    "Forbrug": b["spent_kr"].sum(),
    "Indsatser": b["initiative_id"].nunique(),
    "Deltagere": a["participants"].sum(),
    "Heraf 18–25": a["participants_18_25"].sum(),
    "Pr. 1.000 unge": a["participants_18_25"].sum() * 1000 / max(p["age_18_25"].sum(), 1),
    "Nye indsatser": b.loc[b["status"] == "ny", "budget_kr"].sum(),
}
for card, (label, value) in zip(cards, figures.items(), strict=True):
    card.metric(label, f"{value:,.0f}".replace(",", "."))

left, middle, right = st.columns(3)
by_admin = b.groupby("administration_code", as_index=False)["budget_kr"].sum()
left.plotly_chart(px.bar(by_admin, x="budget_kr", y="administration_code", orientation="h", title="Budget pr. forvaltning"))
by_area = b.groupby("focus_area_id", as_index=False)["budget_kr"].sum()
middle.plotly_chart(px.bar(by_area, x="budget_kr", y="focus_area_id", orientation="h", title="Budget pr. indsatsområde"))
by_district = a.groupby("district_id", as_index=False)["participants_18_25"].sum().assign(district=lambda d: d["district_id"].map(names))
right.plotly_chart(px.bar(by_district, x="participants_18_25", y="district", orientation="h", title="18–25-årige nået pr. bydel"))

table = b.groupby(["initiative_id", "name", "administration_code", "status"], as_index=False)[["budget_kr", "spent_kr"]].sum()
table = table.merge(
    a.groupby("initiative_id", as_index=False)[["participants", "participants_18_25"]].sum(), on="initiative_id", how="left"
)
st.dataframe(table.sort_values("budget_kr", ascending=False), hide_index=True)
