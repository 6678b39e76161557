"""Layout helpers the pages share: tables (unknown cells shown as —), the status legend, notices,
the headline figures, the claims box, the answer-first pause, phone detection.
"""

from __future__ import annotations

import time

import streamlit as st

from .. import charts
from ..text import UNKNOWN


def status_legend() -> None:
    st.caption(charts.status_legend_markdown())


def svg_chart(svg: str) -> None:
    """A chart drawn on the server (svg_charts), put in Markdown as one raw HTML block: the one place
    the dashboard draws HTML. Its text was escaped for this (text.html_in_markdown) when it was drawn.
    It costs the page Streamlit's HTML renderer (fetched, then drawn 0.1-0.2 s after the rest), where
    the timeline's Plotly chart cost 4.7 MB of JavaScript and 3.3 s of a phone's main thread."""
    if not svg.startswith("<svg"):
        raise ValueError("svg_chart draws SVG made by svg_charts only")
    st.markdown(svg, unsafe_allow_html=True)


def date_columns(df, columns):
    """Column config that shows dates the same way on every page."""
    return {c: st.column_config.DateColumn(c.replace("_", " "), format="DD MMM YYYY") for c in columns if c in df}


# Streamlit's browser side draws the elements that reach it close together in one pass, so a page's
# answer sent with twenty more elements right behind it shows only once all of them are drawn: the
# overview's status mix 0.12-0.15 s later than alone (headline metrics, tables, sidebar widgets;
# headless Chromium, 2 Dec 2026). A page that leads with its answer waits this long before it sends
# the rest, and the browser draws the answer in a pass of its own. The wait takes no CPU (the run's
# thread sleeps; other readers' runs go on); 0.03 s was too short here, 0.05-0.06 s enough.
ANSWER_PAUSE_SECONDS = 0.06


def let_the_answer_show() -> None:
    """Call after the page's answer, before the rest of the page (see ANSWER_PAUSE_SECONDS)."""
    time.sleep(ANSWER_PAUSE_SECONDS)


def empty(message: str) -> None:
    st.info(message, icon="ℹ️")


def headline_metrics(total) -> None:
    """The six headline figures in one row that wraps: each as wide as its label and value.

    In st.columns(6) each figure got a sixth of the page, and at 1024 px (a laptop with the sidebar
    open) "60 of 250" showed as "60 …" and the labels were cut. One container also sends 6 messages
    fewer than the columns (a block per column)."""
    from ..captions import headline_figures
    with st.container(horizontal=True):
        for name, value, why in headline_figures(total):
            st.metric(name, value, help=why, width="content")


def claims_box(lines: list[str]) -> None:
    """Governments' own claims beside the tracker's count on the same day (page_data.claims)."""
    if lines:
        st.markdown("**What governments claim, beside the evidence here**  \n" + "  \n".join(lines))


def is_phone() -> bool:
    """A phone-sized browser, as its user agent says (the server cannot see the screen)."""
    try:
        agent = st.context.headers.get("User-Agent", "")
    except Exception:  # no request headers (tests)
        return False
    return "Mobile" in agent or "iPhone" in agent or "Android" in agent


def table(data, **kwargs):
    """st.dataframe with the tracker's way of showing a missing value (text.UNKNOWN, "—") and no index.
    Every table on every page is drawn through here; Streamlit's own grid shows "None" otherwise."""
    return st.dataframe(data, placeholder=UNKNOWN, hide_index=True, **kwargs)


def editor(data, **kwargs):
    """st.data_editor drawn like every table (missing values as text.UNKNOWN, no index): the review queue."""
    return st.data_editor(data, placeholder=UNKNOWN, hide_index=True, **kwargs)
