"""Sikker By-dashboardet: the router. Run with `make run` (or `streamlit run dashboard/app.py`)."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PAGES_DIR = Path(__file__).resolve().parent / "app_pages"

st.set_page_config(page_title="Sikker By – kriminalpræventive indsatser", page_icon="🛡️", layout="wide")

navigation = st.navigation(
    [st.Page(PAGES_DIR / "overview.py", title="Overblik", icon=":material/dashboard:", default=True)],
)
navigation.run()
