"""Cached data: the store's one connection, a cursor per script run, the dataset of each day and
evidence counted, and each page's computed parts, shared by every reader.

* One read-write connection per server process (st.cache_resource): DuckDB lets a single
  process hold the file, and the dashboard is where editors write. Each script run takes
  its own cursor, because a connection must not be used by two threads at once.
* Query results are cached, keyed by a data version that changes with every write, so a cached
  figure is never stale.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from datetime import date
from pathlib import Path

import streamlit as st

from .. import history, memory, page_data, queries
from ..db import ROOT, StoreError, check_readable, commits, connect, db_path, fetch_one
from ..history import Dataset
from ..text import md


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
        from ..build import build  # a fresh checkout: build the store from data/ once
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


@st.cache_resource(show_spinner=False, max_entries=4)
def _version(path: str, commits: int, _cur) -> tuple:
    return history.data_version(_cur)


def version(cur) -> tuple:
    """The data version, asked of the store again only after this process has committed a write
    (no other process can write while the dashboard holds the file)."""
    return _quickly(_version, str(db_path()), commits(), _cur=cur)


@st.cache_data(show_spinner=False)
def methodology_text() -> str:
    return (ROOT / "docs" / "methodology.md").read_text(encoding="utf-8")


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
