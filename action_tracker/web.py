"""Streamlit glue shared by the pages: the database handle, cached data, URL-bound widgets.

Only widgets and layout live here and in pages/; every number comes from queries.py.

* One read-write connection per server process (st.cache_resource): DuckDB lets a single
  process hold the file, and the dashboard is where editors write. Each script run takes
  its own cursor, because a connection must not be used by two threads at once.
* Query results are cached with st.cache_data, keyed by a data version that changes
  with every write, so a cached figure is never stale.
"""

from __future__ import annotations

import dataclasses
import runpy
import threading
import time
from collections import OrderedDict
from datetime import date
from pathlib import Path

import streamlit as st

from . import charts, history, memory, page_data, queries, views
from .db import ROOT, StoreError, check_readable, commits, connect, db_path, fetch_one
from .history import Dataset
from .statuses import MIN_CONFIDENCE, SHOWN, fmt_date
from .text import md


@st.cache_resource(show_spinner="Opening the tracker…")
def _connection(path: str):
    memory.give_back_freed_memory()  # once per server process: an upload's freed columns go back (memory.py)
    con = connect(path)
    try:
        check_readable(con, Path(path))  # damage shows here, once, with its clear message
    except StoreError:
        con.close()
        raise
    if fetch_one(con, "SELECT count(*) FROM actions")[0] == 0:
        from .build import build  # a fresh checkout: build the store from data/ once
        build(con)
    return con


class _RunCursor:
    """A cursor of the process-wide connection for one script run, taken when a query first needs it:
    most runs find all they draw in memory and query nothing, and taking a cursor was 0.15 ms of
    every run (py-spy, 2 Dec 2026). Used as the cursor it stands for (execute, fetch...)."""

    __slots__ = ("_con", "_cur")

    def __init__(self, con):
        self._con, self._cur = con, None

    def __getattr__(self, name):
        if self._cur is None:
            self._cur = self._con.cursor()
        return getattr(self._cur, name)


def cursor():
    """A cursor of the process-wide connection, for this script run only. The database is opened here
    (its errors shown on the page); the cursor itself is taken at the run's first query."""
    try:
        return _RunCursor(_quickly(_connection, str(db_path())))
    except StoreError as e:
        st.error(f"The tracker's database cannot be opened. {md(str(e))}", icon="🚫")
        st.stop()


# How much the dashboard keeps in memory, whatever the number of readers: datasets (one per data
# version, day and evidence counted) and computed page parts (one per dataset and view). Both are
# shared by every reader (st.cache_resource: no copy per script run) and bounded, so a hundred
# different `as_of` days cost at most DATASETS_KEPT datasets (and the QUICK_DATASETS_KEPT used last,
# below: as a rule among them). README, Performance, gives the sizes.
DATASETS_KEPT = 6
PAGE_PARTS_KEPT = 300


class _Kept:
    """The `size` most recently used values (page parts, the last dataset read), shared by every
    reader's thread. A plain dict lookup: st.cache_resource would hash each call's arguments with
    Streamlit's own hasher, a measurable part of a run that otherwise only draws."""

    def __init__(self, size: int):
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()

    def peek(self, key, default=None):
        with self.lock:
            return self.items.get(key, default)

    def put(self, key, value) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def get(self, key, compute):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        value = compute()  # outside the lock: one slow part must not hold up every other reader
        self.put(key, value)
        return value


# A page run asks the Streamlit caches below for the store, the data version, the filters' options,
# the dataset and the last status change. Each hit hashes its arguments with Streamlit's hasher:
# 60-170 µs a call (measured on 2 Dec 2026), most of a millisecond a run. So their values are also
# kept here, by plain dict lookup; the Streamlit caches stay behind them, and compute each value
# once however many readers ask for it at the same moment. Datasets apart and only the last two:
# the few datasets kept beyond DATASETS_KEPT (README, Performance) are the ones in use.
QUICK_DATASETS_KEPT = 2
QUICK_OTHERS_KEPT = 32
_MISSING = object()


@st.cache_resource(show_spinner=False)
def _stores() -> dict[str, _Kept]:
    """Everything this process keeps by plain lookup, one Streamlit cache call a run away. Inside
    st.cache_resource so that clearing Streamlit's caches (tests, a new store) empties it too."""
    return {
        "page_parts": _Kept(PAGE_PARTS_KEPT),  # computed page parts (cached)
        # The newest dataset read for each day and evidence counted: what the next write's refresh
        # starts from. Three: today's, with each minimum confidence; an older day is read again after a write.
        "last_read": _Kept(3),
        "_dataset": _Kept(QUICK_DATASETS_KEPT),  # the Streamlit caches' values, for _quickly
        "others": _Kept(QUICK_OTHERS_KEPT),
    }


def _quickly(fn, *args, **hidden):
    """fn(*args, **hidden) for a function cached by Streamlit, from a plain dict when it is there.
    `hidden` are arguments Streamlit's cache does not key on (their names start with _)."""
    stores = _stores()
    kept = stores["_dataset"] if fn.__name__ == "_dataset" else stores["others"]
    key = (fn.__name__, args)
    value = kept.peek(key, _MISSING)
    if value is _MISSING:
        value = fn(*args, **hidden)
        kept.put(key, value)
    return value


@st.cache_resource(show_spinner=False, max_entries=DATASETS_KEPT)
def _dataset(path: str, version: tuple, as_of: date, min_confidence: str = "any") -> Dataset:
    # Keyed by the data version (history.data_version), which changes with every write to the data
    # pages show; saving a snapshot does not change it, so it does not empty every viewer's cache.
    # Shared, not copied: nothing changes a Dataset in place (queries are pure). After an upload
    # the dataset of the version before is brought up to date (history.refresh_dataset), which
    # reads only the actions the upload touched.
    last = _stores()["last_read"]
    cur = _connection(path).cursor()
    try:
        before = last.peek((path, as_of, min_confidence))
        ds = history.refresh_dataset(cur, before[1], before[0], version) if before else None
        if ds is None:
            # An earlier day takes completion's pass over every event from today's, when it is read
            # at this version: its days up to as_of are the same (0.4 s of a load at 200,000 actions).
            today = last.peek((path, date.today(), min_confidence))
            later = today[1] if today and today[0] == version and as_of < date.today() else None
            ds = history.load_dataset(cur, as_of, min_confidence, later=later)
    finally:
        cur.close()
    ds = dataclasses.replace(ds, key=(path, version, as_of, min_confidence))
    last.put((path, as_of, min_confidence), (version, ds))
    return ds


def cached(fn, ds: Dataset, *args):
    """fn(ds, *args) (a page_data function), computed once per dataset and arguments and shared by every
    reader: a reader's script run then only draws. The arguments are plain values (strings, lists,
    Filters), told apart by their repr."""
    if not ds.key:
        return fn(ds, *args)
    return _stores()["page_parts"].get((fn.__module__, fn.__qualname__, ds.key, repr(args)), lambda: fn(ds, *args))


@st.cache_resource(show_spinner=False, max_entries=16)
def _options(path: str, version: tuple, today: date) -> dict[str, list[str]]:
    return queries.options(_dataset(path, version, today).state)


@st.cache_data(show_spinner=False, max_entries=16)
def _last_status_change(path: str, version: tuple):
    cur = _connection(path).cursor()
    try:
        return history.last_status_change(cur)
    finally:
        cur.close()


def last_status_change(cur):
    """The latest effective date of a reported status (cached per data version)."""
    return _quickly(_last_status_change, str(db_path()), version(cur))


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


@st.cache_resource(show_spinner=False, max_entries=4)
def _version(path: str, commits: int, _cur) -> tuple:
    return history.data_version(_cur)


def version(cur) -> tuple:
    """The data version, asked of the store again only after this process has committed a write
    (no other process can write while the dashboard holds the file)."""
    return _quickly(_version, str(db_path()), commits(), _cur=cur)


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


def plan_titles(ds: Dataset) -> str:
    """Each plan's id and title, as Markdown (escaped)."""
    return cached(page_data.plan_titles, ds)


def plan_name(ds: Dataset, plan_id: str) -> str:
    """'UK — AI Opportunities Action Plan', as plain text (escape it before Markdown)."""
    if ds.plans is not None and len(ds.plans):
        row = ds.plans[ds.plans["plan_id"] == plan_id]
        if len(row):
            return f"{plan_id} — {row.iloc[0]['title']}"
    return plan_id


def status_legend() -> None:
    st.caption(charts.status_legend_markdown())


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


def editor_secrets() -> dict[str, str]:
    """Editors from .streamlit/secrets.toml ([editors] name = "password"), if the file has any."""
    try:
        return dict(st.secrets.get("editors", {}))
    except Exception:  # no secrets file: Streamlit raises rather than return empty
        return {}


def sign_in(secrets: dict[str, str]):
    """The editor's credentials for this session, asking for them when needed; None if not signed in.

    The page only decides what to show: every write checks these credentials again on the server.
    """
    from . import auth
    if auth.local_editing():
        name = st.sidebar.text_input("Your name (recorded with your changes)", value="local editor", key="editor_name")
        return auth.Credentials(name or "local editor")
    cred = st.session_state.get("editor_credentials")
    if cred is not None:
        st.sidebar.success(f"Signed in as {cred.name}")
        if st.sidebar.button("Sign out"):
            del st.session_state["editor_credentials"]
            st.rerun()
        return cred
    st.markdown("**Editors sign in to upload updates.**")
    name = st.text_input("Editor name", key="sign_in_name")
    password = st.text_input("Password", type="password", key="sign_in_password")
    if st.button("Sign in", key="sign_in"):
        keys = (f"editor:{name.strip().lower()}", f"client:{client_id()}")
        throttle = _sign_in_throttle()
        wait = throttle.wait(*keys)
        if wait > 0:  # refused before the password is even compared
            st.error(f"Too many failed sign-ins: try again in {int(wait) + 1} seconds.")
            return None
        candidate = auth.Credentials(name, password)
        try:
            auth.require_editor(candidate, secrets)
        except auth.PermissionDenied as e:
            throttle.failed(*keys)
            st.error(md(str(e)))
            return None
        throttle.succeeded(*keys)
        st.session_state["editor_credentials"] = candidate
        st.rerun()
    return None


@st.cache_resource
def _sign_in_throttle():
    from .limits import SignInThrottle
    return SignInThrottle()


@st.cache_resource
def _snapshot_rate():
    from .limits import RateLimit
    return RateLimit()


def client_id() -> str:
    """Who is asking, as well as a server can tell: the client's address, else this session."""
    try:
        ip = st.context.ip_address
    except Exception:  # not every Streamlit context has one (tests, some proxies)
        ip = None
    if ip:
        return ip
    return st.session_state.setdefault("_client_id", __import__("secrets").token_hex(8))


def share_controls(cur, ds: Dataset, filters: queries.Filters, page: str) -> None:
    """Sidebar: save this view as a snapshot link, or download it as a self-contained HTML file."""
    from . import report, snapshots
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


def keep_params() -> str:
    """The part of this link that internal links carry on: the day and the evidence counted."""
    return views.kept_query(raw_params(), date.today())


def link(page: str, query: str = "") -> str:
    """An internal link that keeps the view's day and the evidence counted (?as_of=, ?confidence=)."""
    return page_data.link(page, query, keep_params())


def headline_metrics(total) -> None:
    """The six headline figures in one row that wraps: each as wide as its label and value.

    In st.columns(6) each figure got a sixth of the page, and at 1024 px (a laptop with the sidebar
    open) "60 of 250" showed as "60 …" and the labels were cut. One container also sends 6 messages
    fewer than the columns (a block per column)."""
    from .captions import headline_figures
    with st.container(horizontal=True):
        for name, value, why in headline_figures(total):
            st.metric(name, value, help=why, width="content")


def claims_box(lines: list[str]) -> None:
    """Governments' own claims beside the tracker's count on the same day (page_data.claims)."""
    if lines:
        st.markdown("**What governments claim, beside the evidence here**  \n" + "  \n".join(lines))


@st.cache_data(show_spinner=False)
def methodology_text() -> str:
    return (ROOT / "docs" / "methodology.md").read_text(encoding="utf-8")


def republish(cur) -> None:
    """Republish the public edition after an upload, when ACTION_TRACKER_PUBLISH_DIR is set (off by default)."""
    from .settings import current
    target = current().publish_dir
    if target is None:
        return
    from .publish import publish
    try:
        counts = publish(cur, target)
    except Exception as e:  # the upload stands; say what went wrong with the site
        st.warning(f"The public edition could not be republished: {md(str(e))}", icon="⚠️")
    else:
        st.info(f"The public edition in {md(str(target))} was republished ({counts['files']} files).", icon="🌐")


def open_selected_action(action_ids):
    """A callback for the explorer's table: clicking a row opens that action (the 'action' widget,
    bound to the URL, so the link names it). `action_ids` is the table's own (shared, cached) column:
    each session keeps its callback, and a list copied for it cost ~1.2 MB per reader at 20k actions."""
    def callback():
        rows = st.session_state["actions_table"].selection.rows
        if rows:
            st.session_state["action"] = action_ids.iloc[rows[0]]
    return callback


# What a link to another page keeps of the view: the day, the evidence counted, and the plan and theme
# filters (the target page shows them in its own filter widgets, so nothing narrows a page unseen).
CARRIED = ("as_of", "confidence", "plan", "theme")
DATA_PAGES = ("overview", "timeline", "completion", "owners", "compare", "explorer")


def carried_params(target: str, view: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """The parameters of the current link (or of `view`, read by carried_view) that a link to `target` keeps."""
    keep = CARRIED if target in DATA_PAGES else ("as_of", "confidence")
    if target in ("updates", "snapshots", "methodology"):
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


def is_phone() -> bool:
    """A phone-sized browser, as its user agent says (the server cannot see the screen)."""
    try:
        agent = st.context.headers.get("User-Agent", "")
    except Exception:  # no request headers (tests)
        return False
    return "Mobile" in agent or "iPhone" in agent or "Android" in agent


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
