"""Navigation and links: the sidebar's page links, links that keep the view (day, evidence, plan,
theme), absolute links for sharing, and the entry point every page runs through.
"""

from __future__ import annotations

import runpy
from datetime import date

import streamlit as st

from .. import page_data, views
from ..db import ROOT


def raw_params() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params.keys()}


def ensure_entrypoint() -> None:
    """Run every page through dashboard.py, even when Streamlit runs the page file alone.

    Streamlit treats a folder named pages/ beside the entry point as an old-style multipage
    app until some session has run the entry point (which calls st.navigation). Until then a
    link such as /explorer, opened first after a restart, runs pages/explorer.py alone: no
    page config, no navigation. In that case this runs dashboard.py in the same script run
    (so no click or widget value is lost to a rerun) and stops the outer run. Streamlit is
    pinned in requirements.txt; a browser test opens a deep link first on a fresh server.
    """
    from streamlit.runtime.pages_manager import PagesManager
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        runpy.run_path(str(ROOT / "dashboard.py"), run_name="__main__")
        st.stop()


def keep_params() -> str:
    """The part of this link that internal links carry on: the day and the evidence counted."""
    return views.kept_query(raw_params(), date.today())


def link(page: str, query: str = "") -> str:
    """An internal link that keeps the view's day and the evidence counted (?as_of=, ?confidence=)."""
    return page_data.link(page, query, keep_params())


# What a link to another page keeps of the view: the day, the evidence counted, and the plan and theme
# filters (the target page shows them in its own filter widgets, so nothing narrows a page unseen).
CARRIED = ("as_of", "confidence", "plan", "theme")


DATA_PAGES = ("overview", "timeline", "completion", "owners", "compare", "explorer")


def carried_params(target: str, view: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """The parameters of the current link (or of `view`, read by carried_view) that a link to `target` keeps."""
    keep = CARRIED if target in DATA_PAGES else ("as_of", "confidence")
    if target in ("updates", "snapshots", "methodology", "suggest", "review"):
        keep = ()
    view = carried_view() if view is None else view
    return {k: v for k, v in view.items() if k in keep}


def carried_view() -> dict[str, list[str]]:
    """The current link's parameters that links may carry on (CARRIED), each read once."""
    return {k: v for k in CARRIED if (v := st.query_params.get_all(k))}


def session_pages(build):
    """The app's pages, built by `build()` once per session and reused by its later runs.

    st.Page resolves its script's path on the disk (a tenth of the frame's CPU per run, measured on
    2 Dec 2026). Once per session, not per process: the page st.navigation picks is marked callable
    until it runs, and readers' runs happen at the same time in different threads."""
    pages = st.session_state.get("_pages")
    if pages is None:
        pages = st.session_state["_pages"] = build()
    return pages


def navigation(pages, current=None) -> None:
    """The sidebar's page links, each keeping the view (Streamlit's own navigation cannot).

    A click on a page link starts the new page with the old page's URL-bound widgets removed, and
    their parameters with them; so the view is also kept in the session, and put back into the link
    of the page it lands on (where its filter widgets show it)."""
    name = (current.url_path if current is not None else "") or "overview"
    carry = st.session_state.get("_carried_view")
    if carry and carry[0] != name and name in DATA_PAGES and not any(k in st.query_params for k in CARRIED):
        for k, v in carry[1].items():
            if k in CARRIED and (k in ("as_of", "confidence") or name in DATA_PAGES):
                st.query_params[k] = v
    view = carried_view()
    st.session_state["_carried_view"] = (name, view)
    with st.sidebar:
        for p in pages:
            name = p.url_path or "overview"
            st.page_link(p, query_params=carried_params(name, view) or None)  # the page's own title and icon
        st.divider()


def figure_links(total) -> str:
    """The overview's figures, each a link to the list behind it (keeping the view)."""
    lists = [("overdue", "overdue", "due=overdue"), ("past_due_no_update", "past due with no update",
                                                     "due=past+due%2C+no+update"),
             ("due_next_90", "due in the next 90 days", "due=next+90+days"), ("stale", "stale", "stale=true")]
    return "Lists: " + " · ".join(f"[{int(total[k])} {words}]({link('explorer', q)})" for k, words, q in lists)


def absolute_link(relative: str) -> str:
    """A link with the server's own address in front, as the browser reached it (relative if unknown)."""
    try:
        url = st.context.url or ""
    except Exception:  # no browser behind this run (tests)
        url = ""
    base = url.split("?", 1)[0]
    base = base[:base.rfind("/") + 1] if "/" in base.split("://", 1)[-1] else base + "/"
    return (base + relative) if url else relative
