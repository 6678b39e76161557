"""URL-bound widgets: what every page starts with (title, data, filters), the filters, the as-of
day, the share box, the snapshot to compare with and the action picker; each kept in the link.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from .. import page_data, queries, views
from ..db import db_path
from ..history import Dataset
from ..statuses import MIN_CONFIDENCE, SHOWN, fmt_date
from ..text import md
from .data import _dataset, _options, _quickly, cached, cursor, plan_titles, version
from .editors import _snapshot_rate, client_id
from .links import absolute_link, ensure_entrypoint, raw_params


def page(title: str, name: str, filters=(), sidebar_last: bool = False):
    """Everything a page starts with: entry point, cursor, title, data, filters, sidebar controls.

    Returns (cursor, dataset, filters). With sidebar_last, the page draws its content first
    and calls sidebar_controls() itself at the end.
    """
    ensure_entrypoint()
    cur = cursor()
    ds, opts = page_header(title, cur)
    if sidebar_last:
        # The content draws first; its filters come from the widgets' state or the link (checked by
        # views.read_view), and the widgets themselves are drawn by sidebar_controls() at the end.
        st.session_state["_deferred_filters"] = (filters, opts)
        f = _filters_from_state(filters, opts)
    else:
        f = filter_widgets(ds, opts, which=filters) if filters else queries.Filters()
        sidebar_controls(cur, ds, f, name)
    return cur, ds, f


def _filters_from_state(which, opts) -> queries.Filters:
    """The filters of a page that draws its filter widgets last: each from the widget's state, set
    before this run, or else from the link."""
    view = views.read_view(raw_params(), opts, date.today())
    f = queries.Filters()
    for key, attr in views.MULTI.items():
        if key in which:
            chosen = st.session_state.get(key)
            setattr(f, attr, [v for v in chosen if v in opts[key]] if chosen is not None
                    else getattr(view.filters, attr))
    for key, attr in (("due", "due"), ("stale", "stale_only"), ("q", "search")):
        if key in which:
            chosen = st.session_state.get(key)
            setattr(f, attr, chosen if chosen is not None else getattr(view.filters, attr))
    return f


def page_header(title: str, cur) -> tuple[Dataset, dict[str, list[str]]]:
    """Title, the 'as of' banner, and warnings about the link. Returns the data and the values each
    filter offers (those of today's tracker)."""
    today = date.today()
    path = str(db_path())
    v = version(cur)
    opts = _quickly(_options, path, v, today)
    view = views.read_view(raw_params(), opts, today)
    # The day and the evidence counted come from the widgets' state (set before this run) or the link; the
    # widgets are drawn by sidebar_controls(), which pages may call after their content so it draws first.
    as_of = st.session_state.get("as_of") or view.as_of or today
    confidence = st.session_state.get("confidence") or view.min_confidence
    ds = _quickly(_dataset, path, v, as_of, confidence)
    st.title(md(title))
    for w in view.warnings:
        st.warning(md(w), icon="⚠️")
    if ds.label == "as of":
        st.info(f"**As of {fmt_date(as_of)}** — statuses as recorded for that day in the status history, "
                "not today's. Clear the date in the sidebar to see today.", icon="🕰️")
    if ds.min_confidence != "any":
        st.info(f"**Only {ds.min_confidence}{' or high' if ds.min_confidence == 'medium' else ''}-confidence "
                "evidence counts** on this page: other evidence is set aside, so more actions show No update "
                "yet. Choose 'any' under Evidence counted in the sidebar to count all of it.", icon="🔬")
    return ds, opts


def as_of_widget() -> None:
    st.sidebar.date_input("Show the tracker as of", value=date.today(), max_value=date.today(), key="as_of",
                          bind="query-params", format="YYYY-MM-DD",
                          help="Statuses as they stood at the end of that day, from the status history.")
    st.sidebar.selectbox("Evidence counted (minimum confidence)", list(MIN_CONFIDENCE), key="confidence",
                         bind="query-params",
                         help="high: only primary sources count; medium: reliable secondary sources too; "
                              "any: all evidence, including single secondary sources. Every figure follows.")


def sidebar_controls(cur, ds: Dataset, filters: queries.Filters, page: str) -> None:
    """The page's deferred filters (if it draws its content first), the as-of day and the share controls."""
    deferred = st.session_state.pop("_deferred_filters", None)
    if deferred and deferred[0]:
        filter_widgets(ds, deferred[1], which=deferred[0])
    as_of_widget()
    share_controls(cur, ds, filters, page)


def filter_widgets(ds: Dataset, opts: dict[str, list[str]],
                   which=("plan", "theme", "section", "owner", "status", "due", "stale", "q"), container=None) -> queries.Filters:
    """Filter widgets bound to the URL; returns the filters they hold."""
    box = container or st.sidebar
    f = queries.Filters()
    with box:
        if "plan" in which:
            # No format_func on URL-bound widgets: the URL would have to carry the formatted label.
            f.plans = st.multiselect("Plan", opts["plan"], key="plan", bind="query-params",
                                     help=plan_titles(ds))
        if "section" in which:
            sections = opts["section"] if not f.plans else sorted(
                ds.state.loc[ds.state["plan_id"].isin(f.plans), "section"].dropna().unique())
            f.sections = st.multiselect("Section", sections, key="section", bind="query-params")
        if "owner" in which:
            f.owners = st.multiselect("Owner (lead or named)", opts["owner"], key="owner", bind="query-params")
        if "status" in which:
            f.statuses = st.multiselect("Status", list(SHOWN), key="status", bind="query-params",
                                        help="No update yet: nobody has reported on the action; it is not a status.")
        if "due" in which:
            f.due = st.selectbox("Due", list(queries.DUE_WINDOWS), key="due", bind="query-params",
                                 help="overdue: reported open and past its due date; past due, no update: past its "
                                      "due date with nothing reported.")
        if "theme" in which:
            f.themes = st.multiselect("Theme", opts["theme"], key="theme", bind="query-params",
                                      help="  \n".join(f"**{t.theme_id}**: {md(t.name)}" for t in queries.THEMES))
        if "stale" in which:
            f.stale_only = st.checkbox("Only stale evidence", key="stale", bind="query-params",
                                       help="Actions whose latest evidence is older than the stale threshold.")
        if "q" in which:
            f.search = st.text_input("Search title and text", key="q", bind="query-params",
                                     placeholder="e.g. data centre")
    return f


def compare_choice(choices: list[str], titles: dict[str, str]) -> str:
    """The snapshot to compare with, kept in the link (?compare=<id> or now)."""
    raw = st.query_params.get("compare")
    if raw in choices and "compare" not in st.session_state:
        st.session_state["compare"] = raw
    other = st.selectbox("Compare with", choices, key="compare",
                         format_func=lambda s: titles.get(s, "the tracker now"))
    st.query_params["compare"] = other
    return other


PICKER_LIMIT = 1_000


def action_picker(ds: Dataset, offered: list[str]) -> str | None:
    """"Open an action": searches ids and title words, and keeps the choice in the link (?action=UK-R01).
    Not bound to the URL by Streamlit, since a bound widget cannot show titles beside ids; the link and
    the widget are kept in step here. An unknown id in the link is named in a warning.

    It offers the first PICKER_LIMIT actions that match the filters: each reader's session keeps its
    widgets' options, and 20,000 of them cost ~9 MB per reader (bench/load.py). Any action opens by
    its link or by a click on its row in the table, and the filters narrow the list."""
    titles = cached(page_data.titles, ds)
    raw = st.query_params.get("action")
    if raw and raw not in titles:
        st.warning(f"There is no action {md(raw)}; pick one below.", icon="⚠️")
    elif raw and st.session_state.get("action") != raw and not st.session_state.get("_action_picked"):
        st.session_state["action"] = raw  # a link opened, or the table's row clicked
    current = st.session_state.get("action")
    options = offered[:PICKER_LIMIT]  # a copy: the list is shared by every reader of this view
    if current in titles and current not in options:
        options.append(current)
    more = f" (the first {PICKER_LIMIT:,} of {len(offered):,} that match: narrow them with the filters)" \
        if len(offered) > PICKER_LIMIT else ""
    chosen = st.selectbox("Open an action" + more, options, index=None, key="action",
                          format_func=lambda a: f"{a} · {titles.get(a, '')}",
                          on_change=lambda: st.session_state.update(_action_picked=True),
                          placeholder="Type an id or words of a title, e.g. UK-R01 or growth zones")
    st.session_state["_action_picked"] = False
    if chosen:
        st.query_params["action"] = chosen
    elif raw in titles:
        del st.query_params["action"]
    return chosen


def open_selected_action(action_ids):
    """A callback for the explorer's table: clicking a row opens that action (the 'action' widget,
    bound to the URL, so the link names it). `action_ids` is the table's own (shared, cached) column:
    each session keeps its callback, and a list copied for it cost ~1.2 MB per reader at 20k actions."""
    def callback():
        rows = st.session_state["actions_table"].selection.rows
        if rows:
            st.session_state["action"] = action_ids.iloc[rows[0]]
    return callback


def share_controls(cur, ds: Dataset, filters: queries.Filters, page: str) -> None:
    """Sidebar: save this view as a snapshot link, or download it as a self-contained HTML file."""
    from .. import report, snapshots
    # Drawn only when opened (a lazy expander: opening it reruns the page): its widgets cost every
    # reader of every page CPU and the browser 0.16 s of the overview's first paint, for the few
    # who share.
    box = st.sidebar.expander("Share this view", icon="📌", key="share_open", on_change="rerun")
    if not box.open:
        return
    with box:
        title = st.text_input("Snapshot title", key="snapshot_title", max_chars=snapshots.TITLE_LIMIT,
                              value=f"{page.capitalize()} as of {ds.as_of:%d %b %Y}")
        if st.button("Save a snapshot link", key="snapshot_save",
                     help="Freezes what this view shows now; the link keeps showing exactly that."):
            if not _snapshot_rate().allow(client_id()):
                st.error("You have saved several snapshots in the last few minutes: wait a little before the next.")
            else:
                try:
                    snap = snapshots.create(cur, title, view={"page": page, "params": raw_params()},
                                            as_of=None if ds.label == "live" else ds.as_of, filters=filters,
                                            min_confidence=ds.min_confidence)
                    st.session_state["last_snapshot"] = snap.snapshot_id
                except snapshots.SnapshotRefused as e:
                    st.error(md(str(e)))
        sid = st.session_state.get("last_snapshot")
        if sid:
            st.success("Saved. Share this link (the copy button is at its right):")
            st.code(absolute_link(f"snapshots?id={sid}"), language=None)
            st.page_link("pages/snapshots.py", label="Open the snapshot", query_params={"id": sid})
        st.download_button("Download this view as HTML", key="view_html",
                           data=lambda: report.html_report_of_view(ds, filters, title),
                           file_name="action-tracker-view.html", mime="text/html")
