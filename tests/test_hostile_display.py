"""What a viewer's browser gets from a careless or hostile workbook, and from a failure: text stays text, errors stay on the server.

Issue 9 §2: free text (navn, målgruppe, karakter, begrundelse, indikator, file names) was rendered as
Markdown: an image link made the browser fetch an outside address, `:red[...]` and `# ` drew fake
warnings and headings. And viewers saw tracebacks with server paths.
"""

from __future__ import annotations

import json
import logging
import re
import tomllib
from pathlib import Path

import pytest

from dashboard import queries
from tests.apptest_helpers import PAGES, open_app
from tests.conftest import small_portfolio

IMAGE = "![x](http://evil.example/x.png)"
RED = ":red[ALARM: kontakt it@evil.example]"
HTML = "<img src=http://evil.example/y.png><b>fed</b>"
HEADING = "# Falsk overskrift"
# Markdown that would act, unless a backslash before it makes it literal text.
ACTIVE_MARKDOWN = re.compile(r"(?<!\\)(\]\(http|:red\[|<img|<b>)|(^|\n)#+ ")
PROJECT_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture
def hostile_db(app_on_portfolio):
    sheets = small_portfolio()
    initiatives = sheets["indsatser"]
    initiatives.loc[0, "navn"] = f"Væresteder {IMAGE} {HTML}"
    initiatives.loc[0, "maalgruppe"] = f"{HEADING} {RED}"
    initiatives.loc[0, "karakter"] = RED
    initiatives.loc[2, "begrundelse"] = f"{IMAGE} {HEADING} {HTML}"
    initiatives.loc[1, "navn"] = f"{HEADING} Kort Snor"
    sheets["effektmaal"].loc[0, "indikator"] = f"{RED} {HTML}"
    return app_on_portfolio(sheets, "hostile")


def markdown_texts(at) -> list[str]:
    """Every text the page hands to Streamlit's Markdown renderer (bodies, labels, titles)."""
    texts = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "title", "header", "subheader", "toast"):
        texts += [str(e.value) for e in at.get(kind)]
    texts += [m.label for m in at.metric]
    texts += [e.proto.label for e in at.get("expandable")]
    texts += [t.label for t in at.tabs]
    return texts


def chart_texts(at) -> list[str]:
    return [c.proto.spec for c in at.get("plotly_chart")]


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("year", ["2010", "2011"])
def test_analysts_text_reaches_the_page_as_text(hostile_db, page, year):
    at = open_app(page, {"aar": year})
    for text in markdown_texts(at):
        assert not ACTIVE_MARKDOWN.search(text), text
    for spec in chart_texts(at):
        figure = json.dumps(json.loads(spec)["data"], ensure_ascii=False)
        assert "<img" not in figure and "<b>fed" not in figure, "plotly would render the analyst's HTML"


def test_the_initiative_detail_shows_target_group_and_reason_as_written(hostile_db):
    at = open_app("initiatives", {"aar": "2011"})
    texts = " ".join(markdown_texts(at))
    assert "\\# Falsk overskrift" in texts or "Falsk overskrift" not in texts  # escaped where shown


def test_a_failure_shows_a_danish_panel_with_a_reference_and_logs_the_details(small_db, monkeypatch, caplog):
    monkeypatch.setenv("SIKKERBY_DB", str(small_db))

    def broken(*args, **kwargs):
        raise RuntimeError(f"IO Error: Cannot open file {small_db}: Permission denied")

    monkeypatch.setattr(queries, "key_figures", broken)
    from streamlit.testing.v1 import AppTest

    from tests.apptest_helpers import APP

    with caplog.at_level(logging.ERROR, logger="sikkerby.dashboard"):
        at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception  # no traceback in the browser
    panel = [e.value for e in at.error]
    assert len(panel) == 1 and panel[0].startswith("Der skete en fejl, så siden ikke kunne vises færdig.")
    reference = panel[0].split("**")[1]
    assert len(reference) == 8
    page_text = " ".join(markdown_texts(at))
    assert str(small_db) not in page_text and "Traceback" not in page_text and "RuntimeError" not in page_text
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert logged and logged[0].exc_info and "Permission denied" in str(logged[0].exc_info[1])


def test_the_server_listens_only_on_this_machine_and_never_sends_error_details():
    config = tomllib.loads((PROJECT_DIR / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
    assert config["client"]["showErrorDetails"] == "none"
    makefile = (PROJECT_DIR / "Makefile").read_text(encoding="utf-8")
    assert "ADDRESS ?= 127.0.0.1\n" in makefile and "--server.address $(ADDRESS)" in makefile


def test_a_shared_scenarios_name_is_shown_as_text(small_db, monkeypatch):
    from dashboard import scenario_store
    from dashboard.scenarios import Scenario

    monkeypatch.setenv("SIKKERBY_DB", str(small_db))
    scenario_store.save(Scenario(f"{IMAGE} {RED}", 2010), f"{IMAGE}@kk.dk")
    at = open_app("scenarios", {"aar": "2010"})
    next(b for b in at.button if b.label == "Slet").click().run()
    toasts = [str(t.value) for t in at.toast]
    assert toasts and all(not ACTIVE_MARKDOWN.search(t) for t in toasts), toasts
