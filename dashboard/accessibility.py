"""What Streamlit's own page lacks for WCAG 2.1 AA, added once per run: Danish as the page language and a
visible keyboard focus; and each chart's accessible name.

Streamlit serves `<html lang="en">` and has no setting for it, so a one-line script in the page sets it.
A chart is named by its finding (`chart_name`, passed as `alt`), and its numbers are reachable as a real
table under it (`layout.chart`), not only as a CSV.
"""

from __future__ import annotations

import streamlit as st

PAGE_LANGUAGE = "da"
FOCUS_COLOUR = "#0072B2"  # the theme's primary colour: 5,0:1 on white, and the palette's blue
CHART_NAME_SUFFIX = " Tallene står i tabellen under grafen."

_STYLE = f"""
<style>
  /* A focus ring a keyboard user can see on every control (WCAG 2.4.7), on top of Streamlit's own. */
  :focus-visible {{ outline: 3px solid {FOCUS_COLOUR} !important; outline-offset: 2px !important; }}
  [data-testid="stSidebarNav"] a:focus-visible {{ outline-offset: -3px !important; }}
</style>
"""

# Runs in the page (not an iframe), on every script run; setting the same language again is harmless.
_SCRIPT = f'<script>document.documentElement.lang = "{PAGE_LANGUAGE}";</script>'


def chart_name(title: str) -> str:
    """Return a chart's accessible name: its finding, and where its numbers are."""
    return f"{title}.{CHART_NAME_SUFFIX}" if title and not title.endswith((".", "?", "!")) else f"{title}{CHART_NAME_SUFFIX}"


def apply() -> None:
    """Add the page language and the focus ring to this run's page."""
    st.html(_STYLE)
    st.html(_SCRIPT, unsafe_allow_javascript=True)
