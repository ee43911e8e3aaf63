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
WIDE_SCREEN_PX = 1100  # below this, a table of more than three columns may run past the screen's edge
PROJECTOR_PX = 1800  # from this width (a projector, a large screen), text is set larger
SCROLL_CUE_NARROW = "scroll_cue_narrow_"  # key prefix of a cue shown only below WIDE_SCREEN_PX
SCROLL_CUE_ALWAYS = "scroll_cue_always_"  # key prefix of a cue for a table too wide for any screen

_STYLE = f"""
<style>
  /* A focus ring a keyboard user can see on every control (WCAG 2.4.7), on top of Streamlit's own. */
  :focus-visible {{ outline: 3px solid {FOCUS_COLOUR} !important; outline-offset: 2px !important; }}
  [data-testid="stSidebarNav"] a:focus-visible {{ outline-offset: -3px !important; }}
  /* A table of a few columns fits a laptop: its cue to scroll sideways is for narrower screens only. */
  @media (min-width: {WIDE_SCREEN_PX + 1}px) {{ [class*="st-key-{SCROLL_CUE_NARROW}"] {{ display: none !important; }} }}
  /* On a projector or a large screen, larger text, read from the back of the room. */
  @media (min-width: {PROJECTOR_PX}px) {{ html {{ font-size: 18px; }} }}
</style>
"""

# Runs in the page (not an iframe), on every script run; setting the same language again is harmless.
_SCRIPT = f'<script>document.documentElement.lang = "{PAGE_LANGUAGE}";</script>'


def chart_name(title: str) -> str:
    """Return a chart's accessible name: its finding, and where its numbers are."""
    return f"{title}.{CHART_NAME_SUFFIX}" if title and not title.endswith((".", "?", "!")) else f"{title}{CHART_NAME_SUFFIX}"


def scroll_cue(columns: int, pinned: str | None) -> tuple[str, str] | None:
    """Return the key prefix and text of the cue above a table whose columns may run past the screen, or None.

    More than six columns: on every screen. Four to six: below `WIDE_SCREEN_PX` only (the page's CSS hides it above).
    """
    if columns <= 3:
        return None
    text = f":material/swipe: Tabellen har {columns} kolonner: rul vandret i tabellen for at se dem alle"
    text += f" ('{pinned}' bliver stående)." if pinned else "."
    return (SCROLL_CUE_ALWAYS if columns > 6 else SCROLL_CUE_NARROW), text


def apply() -> None:
    """Add the page language, the focus ring, the narrow screens' scroll cue and the projector's text size to this run's page."""
    st.html(_STYLE)
    st.html(_SCRIPT, unsafe_allow_javascript=True)
