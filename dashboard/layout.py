"""Streamlit building blocks shared by the pages: context, banners, charts with downloads, empty states."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import NamedTuple

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import access, accessibility, charts, export, labels, queries, tables
from dashboard.access import Viewer
from dashboard.filters import Filters, export_file_name
from sikkerby import formatting as fmt

CONTEXT_KEY = "page_context"
# No plotly toolbar: its texts are English and cannot be translated without loading a locale bundle.
# The project's own Danish actions replace it: "Hent data (CSV)" under every chart.
PLOTLY_CONFIG = {"displayModeBar": False, "displaylogo": False, "responsive": True}
# "=" (a line of them under text makes a heading) and "&" (an entity such as &lt; shows as "<") too.
_MARKDOWN_SPECIALS = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!|<>:~$=&"})


def plain(text: str) -> str:
    """Escape text so Markdown shows it as written (no links, images, colours or headings)."""
    return str(text).translate(_MARKDOWN_SPECIALS)


class PageContext(NamedTuple):
    """What every page needs: the data source, the filters and the dataset's facts."""

    source: queries.Source
    filters: Filters
    facts: dict[str, str]
    district_names: dict[int, str]
    viewer: Viewer

    @property
    def is_sample(self) -> bool:
        return self.facts.get("portfolio_is_sample") == "true"

    def source_line(self, with_population: bool = False) -> str:
        return labels.source_line(self.facts, with_population)

    def file_name(self, what: str, extension: str = "csv") -> str:
        return export_file_name(what, self.filters, self.district_names, extension)


def page_context() -> PageContext:
    """Return the context the router prepared for this run (pages call this first)."""
    return st.session_state[CONTEXT_KEY]


def page_header(title: str, caption: str | None = None, notes: bool = True) -> PageContext:
    """Start a page: title, caption, the sample-data notice and the filter notes; return the context."""
    context = page_context()
    st.title(title)
    if caption:
        st.caption(caption.format(year=context.filters.year))
    sample_banner(context)
    if context.viewer.local:
        st.caption(f":material/computer: {access.LOCAL_MODE_NOTE}: alle roller, kun på denne computer.")
    if notes:
        filter_note(context)
    return context


def budget_split_chart(data: pd.DataFrame, label: str, heading: str, colours: list[str], title: str, what: str, key: str) -> None:
    """Show the year's decided budget split by one category (goal, focus area, status), with its CSV.

    The proposed budget (`proposed_kr`, when there is any) stands beside it in grey, and in its own columns.
    """
    context = page_context()
    names = {
        label: heading,
        "budget_kr": "Besluttet budget (kr.)",
        "initiatives": "Besluttede indsatser",
        "proposed_kr": "Foreslået budget (kr.)",
        "proposed_initiatives": "Foreslåede indsatser",
    }
    proposed = "proposed_kr" in data and bool(data["proposed_kr"].sum())
    shown = data.rename(columns=names)
    chart(
        charts.budget_bars(data, label, colours, title, context.source_line()),
        shown[
            [
                names[c]
                for c in (label, "budget_kr", "initiatives", "proposed_kr", "proposed_initiatives")
                if c in data and (proposed or "proposed" not in c)
            ]
        ],
        what,
        key,
    )
    if proposed:
        st.caption(
            f"Grå: {fmt.mio_kr(data['proposed_kr'].sum())} til foreslåede indsatser, der endnu ikke er besluttet. "
            "De tæller ikke med i procenterne, som er andele af det besluttede budget."
        )


def sample_banner(context: PageContext) -> None:
    """Say plainly that the initiatives are sample data, when they are."""
    if context.is_sample:
        st.warning(
            "**Eksempeldata.** Indsatser, budgetter og aktivitet er opdigtede til illustration. "
            "Befolkningstal og bydelsgrænser er rigtige data fra Københavns Kommune.",
            icon=":material/science:",
        )


def filter_note(context: PageContext) -> None:
    """Explain how a district filter treats city-wide lines, and the population year used."""
    notes = []
    if context.filters.by_district:
        names = ", ".join(context.district_names[d] for d in context.filters.districts)
        everyone = context.filters.without_districts()
        decided = queries.city_wide_budget(context.source, everyone, decided=True)
        proposed = queries.city_wide_budget(context.source, everyone) - decided
        amounts = f"{fmt.mio_kr(decided)} besluttet" + (f" og {fmt.mio_kr(proposed)} foreslået" if proposed else "")
        notes.append(
            f"Viser kun budget og aktivitet henført til {names}, og kun indsatser med budget eller aktivitet der. "
            f"Byfælles linjer ('Hele byen', {amounts} i {context.filters.year}) er ikke medregnet. "
            "Kort og rangeringer viser stadig alle ti bydele, med de valgte fremhævet."
        )
    first, last = queries.population_years(context.source)
    if context.filters.year > last:
        notes.append(f"Befolkningstal findes kun til og med {last}; for {context.filters.year} bruges {last}.")
    elif context.filters.year < first:
        notes.append(f"Befolkningstal findes først fra {first}; for {context.filters.year} bruges {first}.")
    for note in notes:
        st.info(note, icon=":material/info:")


def chart(fig: go.Figure, data: pd.DataFrame, what: str, key: str, select_points: bool = False) -> list[dict]:
    """Show a chart (its title as wrapping text above it) and, under it, a CSV download of exactly the data it draws.

    With `select_points`, a click on a point reruns the page; the selected points are returned.
    """
    title = charts.title_of(fig)
    st.markdown(f"**{plain(title)}**")
    event = st.plotly_chart(
        charts.for_page(fig),
        config=PLOTLY_CONFIG,
        key=f"chart_{key}",
        on_select="rerun" if select_points else "ignore",
        selection_mode="points",
        alt=accessibility.chart_name(title),
    )
    st.caption(plain(charts.source_of(fig)))
    download_csv(data, what, key)
    numbers_table(data, title, key)
    return list(event.selection.points) if select_points and event else []


CHART_TABLE_ROWS = 500  # a chart's table lists this many rows at most; its CSV has them all


def numbers_table(data: pd.DataFrame, title: str, key: str) -> None:
    """Show the numbers a chart draws as a real HTML table, for a screen reader or a reader who wants the figures.

    Behind a closed expander, built only when opened: a page of charts sends no tables nobody asked for.
    """
    with lazy_expander("Tabel med tallene bag grafen", f"numbers_{key}") as opened:
        if opened:
            shown = data.head(CHART_TABLE_ROWS)
            st.table(tables.readable(shown), hide_index=True)
            st.caption(
                f"{plain(title)}. "
                + (
                    f"Viser de første {fmt.number(CHART_TABLE_ROWS)} af {fmt.number(len(data))} rækker; alle står i CSV-filen."
                    if len(data) > CHART_TABLE_ROWS
                    else f"{fmt.number(len(data))} rækker."
                )
            )


BUILT_ON_CLICK_ROWS = 2_000  # a CSV of more rows is built when asked for


def download_csv(data: pd.DataFrame, what: str, key: str, label: str = "Hent data (CSV)") -> None:
    """Offer the frame as a CSV for Danish Excel, named after what it is and the filters.

    A large table's bytes are built when the button is clicked, not on every run: a page with ten
    downloads of large tables would otherwise build ten files nobody asked for. A small one's are built
    at once (it costs nothing, and a file ready in the page downloads at once).
    """
    context = page_context()
    st.download_button(
        label,
        data=(lambda: export.csv_bytes(data)) if len(data) > BUILT_ON_CLICK_ROWS else _csv_bytes(export.fingerprint(data), data),
        file_name=context.file_name(what),
        mime=export.CSV_MIME,
        key=f"csv_{key}",
        icon=":material/download:",
        type="tertiary",
    )


@st.cache_data(max_entries=256, show_spinner=False)
def _csv_bytes(fingerprint: str, _data: pd.DataFrame) -> bytes:
    """Return a small table's CSV, built once per content (`fingerprint`): a page rerun offers the same files again."""
    return export.csv_bytes(_data)


def table(
    data: pd.DataFrame,
    what: str,
    key: str,
    formats: dict | None = None,
    height: int | str = "auto",
    label: str = "Hent data (CSV)",
    pinned: str | None = None,
    widths: dict[str, int] | None = None,
    preview: int | None = None,
    order: str = "",
) -> None:
    """Show a table with Danish numbers (sortable on the underlying values) and, under it, its own CSV download.

    `pinned` names a column that stays in view while the others scroll sideways; `widths` sets columns' px widths.
    A table longer than `PAGE_ROWS` is shown a page at a time, sorted on the server (so sorting covers every
    row), and only the shown page is formatted and sent to the browser; the CSV always holds every row.
    With `preview`, a table of more than twice `preview` rows shows its first `preview` (the caller orders
    them, and says how in `order`) and all of them behind "Vis alle", built only when opened.
    """
    long = preview is not None and len(data) > 2 * preview  # 11 rows are shown whole; "Vis alle" is for a long list
    _shown_table(data.head(preview) if long else data, key, formats, height, pinned, widths)
    if long:
        st.caption(
            f"Viser {fmt.number(preview)} af {fmt.number(len(data))} rækker{f' ({order})' if order else ''}. "
            "Alle rækker står under 'Vis alle' og i CSV-filen."
        )
    download_csv(data, what, key, label=label)
    if long:
        with lazy_expander(f"Vis alle {fmt.number(len(data))} rækker", key) as opened:
            if opened:
                _shown_table(data, f"{key}_all", formats, height, pinned, widths)


def _shown_table(
    data: pd.DataFrame, key: str, formats: dict | None, height: int | str, pinned: str | None, widths: dict[str, int] | None
) -> None:
    config = {name: st.column_config.Column(width=px) for name, px in (widths or {}).items()}
    if pinned:
        config[pinned] = st.column_config.Column(pinned=True, width=(widths or {}).get(pinned, "medium"))
    shown = data if len(data) <= PAGE_ROWS else _one_page(data, key)
    scroll_cue(len(data.columns), pinned, key)
    st.dataframe(
        tables.styled(shown, formats),
        hide_index=True,
        key=f"table_{key}",
        height=height,
        placeholder=fmt.MISSING,
        column_config=config or None,
    )


def scroll_cue(columns: int, pinned: str | None, key: str) -> None:
    """Say above a table that it scrolls sideways, where its columns may run past the screen (`accessibility.scroll_cue`)."""
    cue = accessibility.scroll_cue(columns, pinned)
    if cue:
        with st.container(key=f"{cue[0]}{key}"):
            st.caption(cue[1])


PAGE_ROWS = 100  # rows a table shows at once: the sample's whole portfolio, a few screens of a longer one


@contextlib.contextmanager
def lazy_expander(label: str, key: str) -> Iterator[bool]:
    """Open an expander and yield whether it is open; a closed one's contents are not built.

    Opening or closing it reruns the page, so a page with many long tables under expanders
    formats and sends only the tables someone opened.
    """
    expander = st.expander(label, key=f"open_{key}", on_change="rerun")
    with expander:
        yield bool(expander.open)


def _one_page(data: pd.DataFrame, key: str) -> pd.DataFrame:
    """Return one page of a long table, sorted as the reader chose (all rows are sorted, then one page is cut)."""
    pages = -(-len(data) // PAGE_ROWS)
    sort_col, order_col, page_col = st.columns([3, 2, 2], vertical_alignment="bottom")
    by = sort_col.selectbox("Sortér efter", ["(som vist)", *map(str, data.columns)], key=f"table_{key}_sort")
    descending = order_col.segmented_control(
        "Rækkefølge", ["Størst først", "Mindst først"], default="Størst først", key=f"table_{key}_order"
    )
    page = page_col.number_input(f"Side (af {fmt.number(pages)})", min_value=1, max_value=pages, value=1, step=1, key=f"table_{key}_page")
    if by != "(som vist)":
        data = data.sort_values(by, ascending=descending == "Mindst først", kind="stable", na_position="last")
    start = (int(page) - 1) * PAGE_ROWS
    st.caption(
        f"Viser række {fmt.number(start + 1)}–{fmt.number(min(start + PAGE_ROWS, len(data)))} af {fmt.number(len(data))}. "
        "CSV-filen under tabellen har alle rækker."
    )
    return data.iloc[start : start + PAGE_ROWS]


def empty_state(what: str, context: PageContext) -> None:
    """Say why there is nothing to show and what to change."""
    active = [
        name
        for name, on in (
            ("bydele", context.filters.districts),
            ("forvaltninger", context.filters.administrations),
            ("indsatsområder", context.filters.focus_areas),
            ("mål", context.filters.goals),
            ("status", context.filters.statuses),
            ("finansiering", context.filters.financing),
            ("evidens", context.filters.evidence),
            ("'gjort mindre af'", context.filters.only_do_less),
        )
        if on
    ]
    hint = (
        f"Prøv et andet år, eller fjern nogle af filtrene for {', '.join(active)} (eller tryk 'Nulstil filtre')."
        if active
        else "Prøv et andet år i filteret til venstre."
    )
    st.info(f"**Ingen data:** {what} for {context.filters.year} med de valgte filtre. {hint}", icon=":material/filter_alt_off:")


def initiative_detail(row: pd.Series, initiative_id: str) -> None:
    """Show one initiative: its facts, goals, the reason if it is to be done less of, and its budget and activity history.

    Analysts' free text (target group, character, reasons) is escaped: shown as written, never as Markdown.
    """
    context = page_context()
    facts = st.columns(4)
    facts[0].markdown(f"**Forvaltning**  \n{labels.administration_label(row['administration_code'])}")
    facts[1].markdown(f"**Indsatsområde**  \n{row['focus_area']}")
    facts[2].markdown(f"**Status og finansiering**  \n{labels.STATUS_LABELS[row['status']]} · {labels.FINANCING_LABELS[row['financing']]}")
    facts[3].markdown(f"**Evidens**  \n{labels.EVIDENCE_LABELS[row['evidence']]}")
    st.markdown(
        f"**Målgruppe:** {plain(row['target_group'])} ({row['age_min']}–{row['age_max']} år) · "
        f"**Karakter:** {plain(fmt.text(row['character']))}  \n"
        f"**Strategiske mål:** {row['goals']}"
    )
    if row["do_less"]:
        st.warning(
            f"Foreslået gjort mindre af. Begrundelse: {plain(fmt.text(row['rationale'], 'ikke angivet'))}", icon=":material/trending_down:"
        )
    elif pd.notna(row["rationale"]):
        st.markdown(f"**Begrundelse:** {plain(row['rationale'])}")
    history = queries.initiative_history(context.source, initiative_id).rename(columns=tables.HISTORY_COLUMNS)
    if history.empty:
        st.info("Indsatsen har hverken budget eller aktivitet registreret.", icon=":material/info:")
    else:
        st.markdown("**Budget og aktivitet pr. år og bydel** (alle år, uanset filtre)")
        table(history, f"indsats_{initiative_id}_historik", "initiative_history")
