"""The numbers every page shows, as plain functions of a `Dataset` (history.Dataset).

No SQL over the store and no file reads here: the store is read by history.py; these
functions take what it returns, so the live store, an "as of" day and a frozen snapshot
all go through the same code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from loaders.themes import BY_ID as THEMES_BY_ID
from loaders.themes import THEME_IDS, THEMES

from . import history
from .history import WINDOW_DAYS, Dataset, due_within, known
from .statuses import (
    BLOCKED,
    CANCELLED,
    COMPLETED,
    IN_PROGRESS,
    NO_UPDATE,
    NOT_STARTED,
    OVERDUE,
    PAST_DUE_NO_UPDATE,
    SHOWN,
    label,
)
from .text import clip, html

# The values are what a URL carries (?due=next+90+days) and what the selector shows.
DUE_WINDOWS = ("any", "overdue", "past due, no update", "next 30 days", f"next {WINDOW_DAYS} days",
               "by end of year", "no due date")

__all__ = ["Dataset", "DUE_WINDOWS", "Filters", "filter_actions", "summary", "status_mix", "most_overdue",
           "recent_updates", "completion_over_time", "timeline_order", "timeline_rows", "timeline_page", "owner_scorecard",
           "actions_of_owner", "claims_beside_tracker", "options"]


# --- filtering ------------------------------------------------------------------------

@dataclass
class Filters:
    plans: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)  # owner names, lead or other
    statuses: list[str] = field(default_factory=list)
    due: str = "any"
    search: str = ""
    stale_only: bool = False
    themes: list[str] = field(default_factory=list)  # theme ids: an action matches on any of its themes

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in ([], "", "any", False)}


# Which leads count: "stated" (the text names the lead), plus "implied" (the one body it names), plus
# "plan" (the plan's own government, where the text names no body). Updates that change a lead count
# as stated: they are reported facts.
LEAD_BASES = {"stated": ("stated", "update"), "stated and implied": ("stated", "update", "implied"),
              "all": ("stated", "update", "implied", "plan")}


def owners_long(state: pd.DataFrame, role: str = "any", leads: str = "all") -> pd.DataFrame:
    """One row per (action, owner named): the lead (of the bases `leads` counts), and with role 'any'
    the other owners too."""
    cols = ["action_id", "plan_id", "status", "overdue", "past_due_no_update"]
    counted = state["lead_owner"].notna() & state["lead_basis"].fillna("stated").isin(LEAD_BASES[leads])
    lead = state.loc[counted, cols + ["lead_owner"]].rename(columns={"lead_owner": "owner"})
    lead["role"] = "lead"
    if role != "any":
        return lead
    other = state.loc[state["other_owners"].notna(), cols + ["other_owners"]]
    other = other.assign(owner=other["other_owners"].str.split("; ")).explode("owner").drop(columns="other_owners")
    other["role"] = "other"
    return pd.concat([lead, other], ignore_index=True)


def _due_mask(df: pd.DataFrame, due_window: str, as_of: date) -> pd.Series:
    if due_window == "overdue":
        return df["overdue"]
    if due_window == "past due, no update":
        return df["past_due_no_update"]
    due = pd.to_datetime(df["due_date"])
    if due_window == "no due date":
        return due.isna()
    if due_window.startswith("next "):
        return due_within(df, as_of, int(due_window.split()[1]))
    if due_window == "by end of year":
        return due <= pd.Timestamp(as_of.year, 12, 31)
    return pd.Series(True, index=df.index)


def filter_actions(state: pd.DataFrame, f: Filters, as_of: date) -> pd.DataFrame:
    # The simple filters make one mask, and the rows are taken once: each take copies every column,
    # which at 200,000 actions cost more than the tests themselves.
    mask = np.ones(len(state), bool)
    for values, column in ((f.plans, "plan_id"), (f.sections, "section"), (f.statuses, "status")):
        if values:
            mask &= state[column].isin(values).to_numpy(bool)
    if f.due != "any":
        mask &= _due_mask(state, f.due, as_of).to_numpy(bool)
    if f.stale_only:
        mask &= state["stale"].to_numpy(bool)
    df = state if mask.all() else state[mask]
    if f.owners:
        named = owners_long(df)
        df = df[df["action_id"].isin(named.loc[named["owner"].isin(f.owners), "action_id"])]
    if f.themes:
        padded = _padded_themes(df)
        df = df[np.logical_or.reduce([_has_theme(df, t, padded) for t in f.themes])]
    if f.search.strip():
        # Each word in the title, the text or the id, ignoring case: one pass of Arrow's substring search
        # per column and word, where lower-casing a joined copy of every text cost 0.2 s at 200k actions.
        mask = np.ones(len(df), bool)
        for w in f.search.split():
            mask &= np.logical_or.reduce([df[c].str.contains(w, case=False, regex=False).fillna(False).to_numpy(bool)
                                          for c in ("title", "text", "action_id")])
        df = df[mask]
    return df


def options(state: pd.DataFrame) -> dict[str, list[str]]:
    """The values each filter accepts (what a URL may name)."""
    owners = sorted(owners_long(state)["owner"].unique())
    return {"plan": sorted(state["plan_id"].unique()), "section": sorted(state["section"].dropna().unique()),
            "owner": owners, "status": list(SHOWN), "due": list(DUE_WINDOWS), "theme": list(THEME_IDS)}


# --- overview -------------------------------------------------------------------------

SUMMARY_COLUMNS = ["actions", "assessed", "coverage", COMPLETED, IN_PROGRESS, NOT_STARTED, BLOCKED, CANCELLED,
                   NO_UPDATE, "overdue", "past_due_no_update", "due_next_90", "no_due_date", "stale",
                   "completed_share", "completed_share_assessed", "latest_evidence"]


def summary(state: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Per plan and overall: actions, how many have a reported status (coverage), by status, overdue
    (reported), past due with no update, due in the next 90 days, stale, completed shares of all
    actions and of assessed ones, and the day of the latest evidence. One grouped pass of sums: the
    overview runs this on every view."""
    # Counted with numpy on factorised plans and statuses: comparing 200,000 Arrow strings six times
    # and grouping a frame of flags cost more than everything else on the overview.
    plan_codes, plan_ids = pd.factorize(state["plan_id"], sort=True)
    status_codes, statuses = pd.factorize(state["status"])
    code_of = {name: i for i, name in enumerate(statuses)}
    flags = {"actions": np.ones(len(state), bool), "assessed": known(state).to_numpy(bool),
             **{st: status_codes == code_of.get(st, -2) for st in SHOWN},
             "overdue": state["overdue"].to_numpy(bool), "past_due_no_update": state["past_due_no_update"].to_numpy(bool),
             "due_next_90": due_within(state, as_of, WINDOW_DAYS).to_numpy(bool),
             "no_due_date": state["due_date"].isna().to_numpy(bool), "stale": state["stale"].to_numpy(bool)}
    plans = list(plan_ids)
    # Each plan's counts and, last, all plans' (the row is built with the others: appending a row to
    # a frame with .loc copies it).
    counts = pd.DataFrame({k: np.append(np.bincount(plan_codes, weights=v, minlength=len(plans)).astype(int),
                                        int(v.sum())) for k, v in flags.items()},
                          index=pd.Index([*plans, "All plans"], dtype=object))
    days = pd.Series(pd.to_datetime(state["status_date"]).to_numpy())
    latest = days.groupby(plan_codes).max().reindex(range(len(plans)))
    latest = pd.Series([*latest, days.max()], index=counts.index)
    actions = counts["actions"].where(counts["actions"] > 0)
    out = counts.assign(coverage=(counts["assessed"] / actions).fillna(0.0),
                        completed_share=(counts[COMPLETED] / actions).fillna(0.0),
                        completed_share_assessed=counts[COMPLETED] / counts["assessed"].where(counts["assessed"] > 0),
                        latest_evidence=[d.date() if pd.notna(d) else None for d in latest])
    out.index.name = "plan"
    return out[SUMMARY_COLUMNS]


# The per-plan table of the overview and the report: headers in words, one "completed" figure each way.
PLAN_TABLE = {"plan": "plan", "actions": "actions", "assessed": "status known", "completed": "completed",
              "completed_share": "progress (of all)", IN_PROGRESS: IN_PROGRESS, NOT_STARTED: NOT_STARTED,
              BLOCKED: BLOCKED, CANCELLED: CANCELLED, NO_UPDATE: NO_UPDATE, "overdue": "overdue (reported)",
              "past_due_no_update": "past due, no update", "due_next_90": f"due in {WINDOW_DAYS} days",
              "latest_evidence": "latest evidence"}
PLAN_TABLE_METERS = ("progress (of all)",)


def plan_table(summary_frame: pd.DataFrame) -> pd.DataFrame:
    """summary() as the overview and the report show it: one 'completed' column (the count, and its
    share of the assessed actions), and a progress meter of the share of all actions."""
    s = summary_frame.reset_index()
    of_assessed = s["completed_share_assessed"].map(lambda v: "" if pd.isna(v) else f" ({v:.0%} of assessed)")
    s["completed"] = s[COMPLETED].astype(str) + of_assessed
    return s[list(PLAN_TABLE)].rename(columns=PLAN_TABLE)


def status_mix(state: pd.DataFrame) -> pd.DataFrame:
    """Long table: plan, status, count (every status and No update yet, zeros included)."""
    plan_codes, plans = pd.factorize(state["plan_id"], sort=True)
    status_codes, statuses = pd.factorize(state["status"])
    order = [list(statuses).index(s) if s in list(statuses) else -1 for s in SHOWN]
    n = len(statuses)
    grid = np.bincount(plan_codes * n + status_codes, minlength=len(plans) * n).reshape(len(plans), n)
    counts = [int(grid[p, i]) if i >= 0 else 0 for p in range(len(plans)) for i in order]
    return pd.DataFrame({"plan": pd.Series(np.repeat(list(plans), len(SHOWN)), dtype=object),
                         "status": pd.Series(list(SHOWN) * len(plans), dtype=object),
                         "count": pd.Series(counts, dtype="int64")})


def _first(state: pd.DataFrame, mask: pd.Series, key: pd.Series, n: int, columns: list[str],
           descending: bool = True) -> pd.DataFrame:
    """The first n rows of `state` where `mask`, by `key` (numeric or datetime), ties by action id.
    Narrowed by the n-th key before sorting: filtering and sorting every column of 200,000 rows
    to keep ten took most of the overview's time."""
    key = key[mask]
    if key.empty:
        return state.loc[[], columns]
    cut = key.nlargest(n, keep="all") if descending else key.nsmallest(n, keep="all")
    top = pd.DataFrame({"k": cut, "action_id": state.loc[cut.index, "action_id"]})
    order = top.sort_values(["k", "action_id"], ascending=[not descending, True]).index[:n]
    return state.loc[order, columns]


def most_overdue(state: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """Reported open and past due, longest first. Past due with no update is not here: see past_due_unreported."""
    return _first(state, state["overdue"], state["days_overdue"], n,
                  ["action_id", "plan_id", "title", "lead_owner", "due_date", "days_overdue", "status"])


def recent_updates(state: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """Each action's latest reported status, newest first, with its evidence."""
    return _first(state, known(state), pd.to_datetime(state["status_date"]), n,
                  ["status_date", "action_id", "plan_id", "title", "status", "last_note", "last_source",
                   "last_evidence_url", "last_confidence", "last_basis"]).reset_index(drop=True)


def claims_beside_tracker(ds: Dataset, plans: list[str] | None = None) -> pd.DataFrame:
    """Each government claim with the tracker's own count of Completed actions on the claim's day."""
    c = ds.claims
    if c is None or c.empty:
        return pd.DataFrame(columns=["plan_id", "claim_date", "claimed_completed", "of_total", "claimed_by",
                                     "tracker_completed", "source", "evidence_url", "note", "confidence"])
    return c[c["plan_id"].isin(plans)] if plans else c


# --- completion over time --------------------------------------------------------------

def _completion_deltas(events: pd.DataFrame, state: pd.DataFrame, sign=1) -> pd.DataFrame:
    """history.COMPLETION_DELTAS_SQL over loaded frames: a snapshot's events, a theme's actions, or
    the few histories a write changed (`sign`: 1, or one value per event, +1 or -1)."""
    import duckdb
    actions = state[["action_id", "plan_id"]]
    if len(events) < len(actions):  # a few actions' events (after a write): only their plans are needed
        actions = actions[actions["action_id"].isin(events["action_id"].unique())]
    with duckdb.connect() as mem:
        mem.register("events", events[["action_id", "status", "effective_date", "event_id"]].assign(sign=sign))
        mem.register("actions", actions)
        part = "action_id" if np.isscalar(sign) else "sign, action_id"
        return mem.sql(history.COMPLETION_DELTAS_SQL.format(events="SELECT * FROM events",
                                                            actions="SELECT * FROM actions", part=part)).df()


def _refresh_completion_deltas(old: Dataset, new: Dataset, before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """The kept per-plan completion deltas after a write: the changed actions' contribution under their
    events before taken out, and under their events after put in, in one small pass instead of one
    over every event (0.7 s at 2,000,000)."""
    both = pd.concat([before, after], ignore_index=True)
    change = _completion_deltas(both, new.state, np.repeat([-1, 1], [len(before), len(after)]))
    merged = pd.concat([old.memo[history.COMPLETION_DELTAS], change], ignore_index=True)
    out = merged.groupby(["plan_id", "day"], as_index=False)[["delta", "first"]].sum()
    return out[(out["delta"] != 0) | (out["first"] != 0)].reset_index(drop=True)


history.KEPT_REFRESH[history.COMPLETION_DELTAS] = _refresh_completion_deltas


def completion_over_time(ds: Dataset, plans: list[str] | None = None, by: str = "plan",
                         themes: list[str] | None = None) -> pd.DataFrame:
    """Per plan (or, with by="theme", per primary theme) and day from the first publication to as_of:
    completed (count, share of all actions, share of assessed ones), assessed (actions with any
    reported status by then), due by then. The group is in the column `plan` either way.

    An action counts as completed on a day if its latest status by then is Completed, so
    a Completed that is later reopened stops counting from the day it reopens.
    """
    state = ds.state if not plans else ds.state[ds.state["plan_id"].isin(plans)]
    if themes:
        state = filter_actions(state, Filters(themes=themes), ds.as_of)
    if by == "theme":
        state = state.assign(plan_id=state["theme_name"].fillna("(no theme)"))
    if state.empty:
        return pd.DataFrame(columns=["plan", "date", "completed", "completed_share", "assessed",
                                     "completed_share_assessed", "due", "actions"])
    first = pd.to_datetime(state["plan_start"]).fillna(pd.to_datetime(state["published_start"])).min()
    days = pd.date_range(first, ds.as_of, freq="D")
    if days.empty:  # a day before the first plan came out: nothing to draw yet
        out = completion_over_time(Dataset(state.iloc[0:0], ds.events, ds.as_of), None)
        out.attrs["before"] = True
        return out
    if by == "plan" and not themes:  # per plan: one pass over all events per dataset, then a selection
        every = ds.kept(history.COMPLETION_DELTAS, lambda: _completion_deltas(ds.events, ds.state))
        deltas = every[every["plan_id"].isin(state["plan_id"].unique())].reset_index(drop=True)
    else:
        deltas = _completion_deltas(ds.events, state)
    deltas["day"] = pd.to_datetime(deltas["day"])
    plan_ids = sorted(state["plan_id"].unique())

    def running(col):
        return (deltas.pivot_table(index="day", columns="plan_id", values=col, aggfunc="sum", fill_value=0)
                .reindex(index=days, columns=plan_ids, fill_value=0).cumsum())
    completed, assessed = running("delta"), running("first")
    due_dates = pd.DataFrame({"day": pd.to_datetime(state["due_date"]), "plan_id": state["plan_id"]}).dropna()
    due_before = due_dates[due_dates["day"] < days[0]].groupby("plan_id").size().reindex(plan_ids, fill_value=0)
    due = (due_dates.groupby(["day", "plan_id"]).size().unstack(fill_value=0)
           .reindex(index=days, columns=plan_ids, fill_value=0).cumsum() + due_before)
    totals = state.groupby("plan_id").size().reindex(plan_ids)
    out = pd.DataFrame({
        "plan": np.repeat(plan_ids, len(days)),
        "date": np.tile(days.date, len(plan_ids)),
        "completed": completed.to_numpy().T.ravel(),
        "assessed": assessed.to_numpy().T.ravel(),
        "due": due.to_numpy().T.ravel(),
        "actions": np.repeat(totals.to_numpy(), len(days)),
    })
    out["completed_share"] = out["completed"] / out["actions"]
    out["completed_share_assessed"] = (out["completed"] / out["assessed"]).where(out["assessed"] > 0)
    return out


# --- timeline --------------------------------------------------------------------------

GROUPS = ("plan", "section", "owner", "theme")


def timeline_order(ds: Dataset, df: pd.DataFrame, group_by: str = "plan", dated_only: bool = False) -> np.ndarray:
    """The timeline's rows as positions in `df`, in a fixed order: by group, then due date (none
    last), then id; with dated_only, the actions with no due date left out (the timeline's default).

    Only the sort keys are computed for every action: a page draws 50 rows, and building every
    column of 200,000 bars took most of the timeline's time (timeline_rows builds them for the rows
    asked for)."""
    due = pd.to_datetime(df["due_date"])
    groups, _ = pd.factorize(_timeline_group(df, group_by), sort=True)  # numpy's lexsort on codes is several
    ids = np.empty(len(df), np.int64)                                    # times quicker than sorting strings
    ids[np.asarray(df["action_id"].array.argsort())] = np.arange(len(df))
    undated = due.isna().to_numpy()
    days = np.where(undated, np.iinfo(np.int64).max, due.to_numpy("datetime64[ns]").astype(np.int64))
    order = np.lexsort((ids, days, groups))
    return order[~undated[order]] if dated_only else order


def _timeline_group(df: pd.DataFrame, group_by: str) -> pd.Series:
    if group_by == "section":  # "EU 1.1 Deploy and scale AI Factories": a section is named with its plan
        return df["plan_id"] + " " + df["section"].fillna("—").str.split(" > ").str[-1]
    key = {"plan": "plan_id", "owner": "lead_owner", "theme": "theme_name"}[group_by]
    return df[key].fillna({"owner": "(no owner named)", "theme": "(no theme)"}.get(group_by, "—"))


def timeline_rows(ds: Dataset, df: pd.DataFrame, group_by: str = "plan", dated_only: bool = False,
                  order: np.ndarray | None = None) -> pd.DataFrame:
    """One bar per action: from its plan's publication (or first move off Not started) to its
    due date; with no due date, to the as-of day, marked open-ended. Rows in timeline_order, or
    the positions `order` gives (a page of it)."""
    if order is None:
        order = timeline_order(ds, df, group_by, dated_only)
    out = df[[c for c in TIMELINE_COLUMNS if c in df.columns]].take(order).reset_index(drop=True)
    start = pd.to_datetime(out["started_on"]).fillna(pd.to_datetime(out["plan_start"])).fillna(
        pd.to_datetime(out["published_start"]))  # snapshots saved before plan_start existed
    due = pd.to_datetime(out["due_date"])
    end = due.fillna(pd.Timestamp(ds.as_of))
    out = out.assign(open_ended=due.isna(), start=start, end=end, milestone=end <= start,
                     group=_timeline_group(out, group_by), sort_due=due)  # no due date sorts last
    return out.assign(shown_as=shown_as(out))


# What a timeline row carries: what the bars, their hover and their grouping read.
TIMELINE_COLUMNS = ["action_id", "plan_id", "section", "title", "lead_owner", "status", "overdue",
                    "past_due_no_update", "due_date", "original_due_date", "started_on", "plan_start",
                    "published_start", "theme_name", "days_overdue"]


def timeline_page(rows: pd.DataFrame, page: int = 1, per_page: int = 50, ids_only: bool = False) -> pd.DataFrame:
    """One page of timeline rows, with the labels the chart shows (made for these rows only). With
    ids_only (a phone), labels are the ids, so the bars keep most of the width; the hover has the title."""
    shown = rows.iloc[(page - 1) * per_page: page * per_page].copy()
    if ids_only:
        shown["label"] = shown["action_id"].map(html)
        shown["due_label"] = shown["end"].dt.strftime("%d %b %Y").where(~shown["open_ended"], "no due date")
        return shown
    # Plotly reads <b>, <a href> and <br> in axis labels: the label is escaped text.
    shown["label"] = (shown["action_id"] + "  " + shown["title"].map(lambda t: clip(t, 80))).map(html)
    shown["due_label"] = shown["end"].dt.strftime("%d %b %Y").where(~shown["open_ended"], "no due date")
    return shown


def explorer_rows(found: pd.DataFrame) -> pd.DataFrame:
    """The explorer's table: the columns that answer questions, headed in words, narrow enough for a
    1440 px screen with no sideways scroll (the plan is the id's prefix; other owners, the words of the
    due date, the section and when it was last assessed are on the action's own view)."""
    past = np.full(len(found), "", dtype=object)
    days = found["days_past_due"].to_numpy()
    for flag, before, after in (("overdue", "⚠ overdue ", " d"), ("past_due_no_update", "◷ no update, ", " d past")):
        rows = found[flag].to_numpy(bool)  # only these rows have days past due to write out
        if rows.any():  # numpy's string concatenation: formatting 60,000 of them one by one took 50 ms
            past[rows] = np.char.add(np.char.add(before, days[rows].astype(np.int64).astype(str)), after)
    labels = {s: label(s) for s in found["status"].unique()}
    return pd.DataFrame({
        "action": found["action_id"], "title": found["title"], "status": found["status"].map(labels),
        "due": found["due_date"], "past due": past, "lead owner": found["lead_owner"].fillna("—"),
    }).reset_index(drop=True)


def shown_as(state: pd.DataFrame) -> pd.Series:
    """What a chart colours an action by: Overdue and Past due, no update before the status itself."""
    out = state["status"].copy()
    out[state["overdue"]] = OVERDUE
    out[state["past_due_no_update"]] = PAST_DUE_NO_UPDATE
    return out


def events_of(ds: Dataset, action_ids) -> pd.DataFrame:
    return ds.events[ds.events["action_id"].isin(list(action_ids))]


# --- owners ----------------------------------------------------------------------------

OWNER_COLUMNS = ["owner", "plans", "assigned", "assessed", COMPLETED, IN_PROGRESS, "overdue", "past_due_no_update",
                 "completed_share", "completed_share_assessed"]


def owner_scorecard(state: pd.DataFrame, role: str = "lead", leads: str = "all",
                    departments: dict[str, str] | None = None) -> pd.DataFrame:
    """Per owner: assigned, assessed (status known), completed, in progress, overdue (reported), past due
    with no update, and the share completed of all its actions and of the assessed ones.

    role 'lead' counts actions an owner leads; 'any' also those it is named in. `leads` says which
    leads count (LEAD_BASES); with `departments` (owner name -> its department's name) the bodies of a
    department are counted together under it.
    """
    long = owners_long(state, role, leads)
    if departments:
        long = long.assign(owner=long["owner"].map(departments).fillna(long["owner"]))
        long = long.drop_duplicates(["action_id", "owner"])  # a department named twice in one action counts once
    if long.empty:
        return pd.DataFrame(columns=OWNER_COLUMNS)
    long = long.assign(done=long["status"] == COMPLETED, going=long["status"] == IN_PROGRESS,
                       assessed=long["status"] != NO_UPDATE)
    g = long.groupby("owner")
    out = pd.DataFrame({
        # the distinct plans of each owner, joined: one small string per owner, not a set per group
        "plans": long[["owner", "plan_id"]].drop_duplicates().sort_values(["owner", "plan_id"])
                 .groupby("owner")["plan_id"].agg(", ".join),
        "assigned": g.size(),
        "assessed": g["assessed"].sum().astype(int),
        COMPLETED: g["done"].sum().astype(int),
        IN_PROGRESS: g["going"].sum().astype(int),
        "overdue": g["overdue"].sum().astype(int),
        "past_due_no_update": g["past_due_no_update"].sum().astype(int),
    }).reset_index()
    out["completed_share"] = out[COMPLETED] / out["assigned"]
    out["completed_share_assessed"] = (out[COMPLETED] / out["assessed"]).where(out["assessed"] > 0)
    return out.sort_values(["overdue", "assigned", "owner"], ascending=[False, False, True]).reset_index(drop=True)


def actions_of_owner(state: pd.DataFrame, owner: str, role: str = "lead", leads: str = "all",
                     departments: dict[str, str] | None = None) -> pd.DataFrame:
    """The actions an owner (or, with `departments`, a department through any of its bodies) leads or is
    named in, with the body that leads each."""
    named = owners_long(state, role, leads)
    if departments:
        named = named.assign(owner=named["owner"].map(departments).fillna(named["owner"]))
    return state[state["action_id"].isin(named.loc[named["owner"] == owner, "action_id"])]


def departments(owners: pd.DataFrame) -> dict[str, str]:
    """Owner name -> the name of its top-level body (NIST and CAISI -> Department of Commerce)."""
    if owners is None or owners.empty:
        return {}
    parent = dict(zip(owners["owner_id"], owners["parent_id"]))
    name = dict(zip(owners["owner_id"], owners["name"]))
    out = {}
    for oid in parent:
        top, seen = oid, set()
        while isinstance(parent.get(top), str) and parent[top] in parent and top not in seen:
            seen.add(top)
            top = parent[top]
        out[name[oid]] = name[top]
    return out



# --- themes across plans -------------------------------------------------------------------

MATRIX_MEASURES = ("actions", COMPLETED, IN_PROGRESS, "past due", NO_UPDATE)


def _padded_themes(state: pd.DataFrame) -> pd.Series:
    return "; " + state["themes"].fillna("") + ";"


def _has_theme(state: pd.DataFrame, theme: str, padded: pd.Series | None = None) -> np.ndarray:
    """Which actions carry a theme (primary or other), as a plain substring test on "; a; b;": the
    split-and-explode it replaces built a Python list per action (0.55 s at 200,000 actions)."""
    padded = _padded_themes(state) if padded is None else padded
    return padded.str.contains(f"; {theme};", regex=False).to_numpy(bool)


def theme_matrix(state: pd.DataFrame) -> pd.DataFrame:
    """Plans by themes: for each (theme, plan), the actions with that theme (primary or other), how
    many are completed, in progress, past due (reported overdue or past due with no update), no update."""
    plan_codes, plans = pd.factorize(state["plan_id"], sort=True)
    status = state["status"]
    measures = {"actions": np.ones(len(state), bool), COMPLETED: (status == COMPLETED).to_numpy(bool),
                IN_PROGRESS: (status == IN_PROGRESS).to_numpy(bool),
                "past due": (state["overdue"] | state["past_due_no_update"]).to_numpy(bool),
                NO_UPDATE: (status == NO_UPDATE).to_numpy(bool)}
    blocks, padded = [], _padded_themes(state)
    for theme in THEME_IDS:
        has = _has_theme(state, theme, padded)
        blocks.append(pd.DataFrame({"theme": theme, "plan_id": list(plans), **{
            m: np.bincount(plan_codes[has & v], minlength=len(plans)).astype(int) for m, v in measures.items()}}))
    if not blocks or not len(plans):
        return pd.DataFrame(columns=["theme", "plan_id", *MATRIX_MEASURES])
    return pd.concat(blocks, ignore_index=True)[["theme", "plan_id", *MATRIX_MEASURES]]


def theme_actions(state: pd.DataFrame, theme: str) -> pd.DataFrame:
    """Every action with a theme (primary first), plan by plan, with what the side-by-side view shows."""
    has = _has_theme(state, theme)
    out = state[has].assign(primary=state.loc[has, "theme"] == theme)
    return out.sort_values(["plan_id", "primary", "due_date", "action_id"], ascending=[True, False, True, True],
                           na_position="last")


def delivered_summary(state: pd.DataFrame, theme: str) -> pd.DataFrame:
    """Per plan, for one theme: actions, completed, in progress, status known, and the completed titles."""
    acts = theme_actions(state, theme)
    rows = []
    for plan, g in acts.groupby("plan_id"):
        done = g[g["status"] == COMPLETED]
        rows.append({"plan": plan, "actions": len(g), COMPLETED: len(done),
                     IN_PROGRESS: int((g["status"] == IN_PROGRESS).sum()), "status known": int(known(g).sum()),
                     "completed": "; ".join(done["title"].head(5))})
    return pd.DataFrame(rows, columns=["plan", "actions", COMPLETED, IN_PROGRESS, "status known", "completed"])


__all__ += ["theme_matrix", "theme_actions", "delivered_summary", "THEMES", "THEMES_BY_ID"]
