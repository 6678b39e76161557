"""The numbers every page shows, as plain functions of a `Dataset`.

A Dataset is the tracker as it stood on one day: one row per action (`state`) and the
counting status events up to that day (`events`). The live store, an "as of" date and a
frozen snapshot all produce one, so every page computes its figures the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from .db import fetch_one

from .state import COUNTING_EVENTS, action_state
from .statuses import BLOCKED, CANCELLED, COMPLETED, IN_PROGRESS, NOT_STARTED, STATUSES

# The values are what a URL carries (?due=next+90+days) and what the selector shows.
DUE_WINDOWS = ("any", "overdue", "next 30 days", "next 90 days", "by end of year", "no due date")


@dataclass
class Dataset:
    state: pd.DataFrame
    events: pd.DataFrame
    as_of: date
    label: str = "live"  # live, as of, snapshot
    plans: pd.DataFrame = field(default_factory=pd.DataFrame)


# What the pages need of every event (the full record of one action comes from action_history).
EVENT_COLUMNS = ["event_id", "action_id", "status", "effective_date"]


def load_dataset(con, as_of: date | None = None) -> Dataset:
    """The tracker as it stood on `as_of` (default today), from the live store."""
    today = date.today()
    as_of = as_of or today
    state = action_state(con, as_of)
    events = con.execute(f"""
        SELECT {', '.join(EVENT_COLUMNS)} FROM ({COUNTING_EVENTS}) e
        WHERE e.effective_date <= $as_of ORDER BY effective_date, event_id""", {"as_of": as_of}).df()
    events["effective_date"] = pd.to_datetime(events["effective_date"])
    plans = con.execute("SELECT * FROM plans ORDER BY plan_id").df()
    return Dataset(state, events, as_of, "live" if as_of == today else "as of", plans)


# --- filtering ------------------------------------------------------------------------

@dataclass
class Filters:
    plans: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)  # owner names, lead or other
    statuses: list[str] = field(default_factory=list)
    due: str = "any"
    search: str = ""

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in ([], "", "any")}


def owners_long(state: pd.DataFrame, role: str = "any") -> pd.DataFrame:
    """One row per (action, owner named): the lead, and with role 'any' the other owners too."""
    cols = ["action_id", "plan_id", "status", "overdue"]
    lead = state.loc[state["lead_owner"].notna(), cols + ["lead_owner"]].rename(columns={"lead_owner": "owner"})
    lead["role"] = "lead"
    if role != "any":
        return lead
    other = state.loc[state["other_owners"].notna(), cols + ["other_owners"]]
    other = other.assign(owner=other["other_owners"].str.split("; ")).explode("owner").drop(columns="other_owners")
    other["role"] = "other"
    return pd.concat([lead, other], ignore_index=True)


def filter_actions(state: pd.DataFrame, f: Filters, as_of: date) -> pd.DataFrame:
    df = state
    if f.plans:
        df = df[df["plan_id"].isin(f.plans)]
    if f.sections:
        df = df[df["section"].isin(f.sections)]
    if f.statuses:
        df = df[df["status"].isin(f.statuses)]
    if f.owners:
        named = owners_long(df)
        df = df[df["action_id"].isin(named.loc[named["owner"].isin(f.owners), "action_id"])]
    if f.due != "any":
        due = pd.to_datetime(df["due_date"])
        today = pd.Timestamp(as_of)
        if f.due == "overdue":
            df = df[df["overdue"]]
        elif f.due == "no due date":
            df = df[due.isna()]
        elif f.due in ("next 30 days", "next 90 days"):
            days = 30 if f.due == "next 30 days" else 90
            df = df[(due >= today) & (due <= today + pd.Timedelta(days=days))]
        elif f.due == "by end of year":
            df = df[due <= pd.Timestamp(as_of.year, 12, 31)]
    if f.search.strip():
        words = f.search.lower().split()
        hay = (df["title"].fillna("") + " " + df["text"].fillna("") + " " + df["action_id"]).str.lower()
        mask = pd.Series(True, index=df.index)
        for w in words:
            mask &= hay.str.contains(w, regex=False)
        df = df[mask]
    return df


def options(state: pd.DataFrame) -> dict[str, list[str]]:
    """The values each filter accepts (what a URL may name)."""
    owners = sorted(owners_long(state)["owner"].unique())
    return {"plan": sorted(state["plan_id"].unique()), "section": sorted(state["section"].dropna().unique()),
            "owner": owners, "status": list(STATUSES), "due": list(DUE_WINDOWS)}


# --- overview -------------------------------------------------------------------------

SUMMARY_COLUMNS = ["actions", COMPLETED, IN_PROGRESS, NOT_STARTED, BLOCKED, CANCELLED, "overdue", "due_next_90",
                   "no_due_date", "completed_share"]


def summary(state: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Per plan and overall: how many actions, by status, overdue, due in the next 90 days."""
    due = pd.to_datetime(state["due_date"])
    today = pd.Timestamp(as_of)
    df = state.assign(
        due_next_90=(due >= today) & (due <= today + pd.Timedelta(days=90)) & ~state["status"].isin([COMPLETED, CANCELLED]),
        no_due_date=due.isna())
    rows = []
    for plan, g in list(df.groupby("plan_id", sort=True)) + [("All plans", df)]:
        counts = g["status"].value_counts()
        row = {"plan": plan, "actions": len(g)}
        for s in STATUSES:
            row[s] = int(counts.get(s, 0))
        row["overdue"] = int(g["overdue"].sum())
        row["due_next_90"] = int(g["due_next_90"].sum())
        row["no_due_date"] = int(g["no_due_date"].sum())
        row["completed_share"] = row[COMPLETED] / len(g) if len(g) else 0.0
        rows.append(row)
    return pd.DataFrame(rows, columns=["plan"] + SUMMARY_COLUMNS).set_index("plan")


def status_mix(state: pd.DataFrame) -> pd.DataFrame:
    """Long table: plan, status, count (every status present, zeros included)."""
    full = pd.MultiIndex.from_product([sorted(state["plan_id"].unique()), STATUSES], names=["plan", "status"])
    counts = state.groupby(["plan_id", "status"]).size().reindex(full, fill_value=0)
    return counts.rename("count").reset_index()


def most_overdue(state: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    od = state[state["overdue"]].sort_values(["days_overdue", "action_id"], ascending=[False, True])
    return od[["action_id", "plan_id", "title", "lead_owner", "due_date", "days_overdue", "status"]].head(n)


def last_updated(con) -> dict:
    row = fetch_one(con, """SELECT (SELECT max(recorded_at) FROM status_events),
                                (SELECT max(loaded_at) FROM plans),
                                (SELECT max(uploaded_at) FROM uploads)""")
    return {"last_status_change": row[0], "last_build": row[1], "last_upload": row[2]}


# --- completion over time --------------------------------------------------------------

def completion_over_time(ds: Dataset, plans: list[str] | None = None) -> pd.DataFrame:
    """Per plan and day from the first publication to as_of: completed (count, share), due by then.

    An action counts as completed on a day if its latest status by then is Completed, so
    a Completed that is later reopened stops counting from the day it reopens.
    """
    state = ds.state if not plans else ds.state[ds.state["plan_id"].isin(plans)]
    if state.empty:
        return pd.DataFrame(columns=["plan", "date", "completed", "completed_share", "due", "actions"])
    days = pd.date_range(pd.to_datetime(state["published_start"]).min(), ds.as_of, freq="D")
    # Each event's change to "is completed", against the same action's previous event, summed per day:
    # one pass in DuckDB over the two DataFrames (the same code serves the store and snapshots).
    import duckdb
    events, actions = ds.events[["action_id", "status", "effective_date", "event_id"]], state[["action_id", "plan_id"]]
    with duckdb.connect() as mem:
        mem.register("events", events)
        mem.register("actions", actions)
        deltas = mem.sql(f"""
            WITH ev AS (
                SELECT a.plan_id, e.action_id, e.effective_date::DATE AS day, e.event_id,
                       (e.status = '{COMPLETED}')::INTEGER AS done
                FROM events e JOIN actions a USING (action_id))
            SELECT plan_id, day, sum(delta)::BIGINT AS delta FROM (
                SELECT plan_id, day, done - coalesce(lag(done) OVER (
                    PARTITION BY action_id ORDER BY day, event_id), 0) AS delta FROM ev)
            GROUP BY plan_id, day""").df()
    plan_ids = sorted(state["plan_id"].unique())
    completed = (deltas.assign(day=pd.to_datetime(deltas["day"])).pivot_table(
                     index="day", columns="plan_id", values="delta", aggfunc="sum", fill_value=0)
                 .reindex(index=days, columns=plan_ids, fill_value=0).cumsum())
    due_dates = pd.DataFrame({"day": pd.to_datetime(state["due_date"]), "plan_id": state["plan_id"]}).dropna()
    due_before = due_dates[due_dates["day"] < days[0]].groupby("plan_id").size().reindex(plan_ids, fill_value=0)
    due = (due_dates.groupby(["day", "plan_id"]).size().unstack(fill_value=0)
           .reindex(index=days, columns=plan_ids, fill_value=0).cumsum() + due_before)
    totals = state.groupby("plan_id").size().reindex(plan_ids)
    out = pd.DataFrame({
        "plan": np.repeat(plan_ids, len(days)),
        "date": np.tile(days.date, len(plan_ids)),
        "completed": completed.to_numpy().T.ravel(),
        "due": due.to_numpy().T.ravel(),
        "actions": np.repeat(totals.to_numpy(), len(days)),
    })
    out["completed_share"] = out["completed"] / out["actions"]
    return out


# --- timeline --------------------------------------------------------------------------

GROUPS = ("plan", "section", "owner")


def timeline_rows(ds: Dataset, df: pd.DataFrame, group_by: str = "plan") -> pd.DataFrame:
    """One bar per action: from its plan's publication (or first move off Not started) to its
    due date; with no due date, to the as-of day, marked open-ended. Rows come in a fixed
    order: by group, then due date, then id."""
    out = df.copy()
    start = pd.to_datetime(out["started_on"]).fillna(pd.to_datetime(out["published_start"]))
    due = pd.to_datetime(out["due_date"])
    out["open_ended"] = due.isna()
    out["start"] = start
    out["end"] = due.fillna(pd.Timestamp(ds.as_of))
    out["milestone"] = out["end"] <= out["start"]
    key = {"plan": "plan_id", "section": "section", "owner": "lead_owner"}[group_by]
    out["group"] = out[key].fillna("(no owner named)" if group_by == "owner" else "—")
    out["sort_due"] = due  # no due date sorts last
    return out.sort_values(["group", "sort_due", "action_id"], na_position="last").reset_index(drop=True)


def timeline_page(rows: pd.DataFrame, page: int = 1, per_page: int = 50) -> pd.DataFrame:
    """One page of timeline rows, with the labels the chart shows (made for these rows only)."""
    shown = rows.iloc[(page - 1) * per_page: page * per_page].copy()
    shown["label"] = shown["action_id"] + "  " + shown["title"].str.slice(0, 60)
    shown["due_label"] = shown["end"].dt.strftime("%d %b %Y").where(~shown["open_ended"], "no due date")
    return shown


def events_of(ds: Dataset, action_ids) -> pd.DataFrame:
    return ds.events[ds.events["action_id"].isin(list(action_ids))]


# --- owners ----------------------------------------------------------------------------

def owner_scorecard(state: pd.DataFrame, role: str = "lead") -> pd.DataFrame:
    """Per owner: assigned, completed, in progress, overdue, share completed.

    role 'lead' counts actions an owner leads; 'any' also those it is named in.
    """
    long = owners_long(state, role)
    if long.empty:
        return pd.DataFrame(columns=["owner", "plans", "assigned", COMPLETED, IN_PROGRESS, "overdue", "completed_share"])
    long = long.assign(done=long["status"] == COMPLETED, going=long["status"] == IN_PROGRESS)
    g = long.groupby("owner")
    out = pd.DataFrame({
        "plans": g["plan_id"].agg(lambda s: ", ".join(sorted(set(s)))),
        "assigned": g.size(),
        COMPLETED: g["done"].sum().astype(int),
        IN_PROGRESS: g["going"].sum().astype(int),
        "overdue": g["overdue"].sum().astype(int),
    }).reset_index()
    out["completed_share"] = out[COMPLETED] / out["assigned"]
    return out.sort_values(["overdue", "assigned", "owner"], ascending=[False, False, True]).reset_index(drop=True)


def actions_of_owner(state: pd.DataFrame, owner: str, role: str = "lead") -> pd.DataFrame:
    named = owners_long(state, role)
    return state[state["action_id"].isin(named.loc[named["owner"] == owner, "action_id"])]


# --- one action --------------------------------------------------------------------------

def action_history(con, action_id: str) -> pd.DataFrame:
    """Every event of one action, reverted ones included and marked, oldest first."""
    return con.execute("""
        SELECT e.event_id, e.effective_date, e.status, e.note, e.evidence_url, e.source, e.confidence,
               e.due_date AS new_due_date, o.name AS new_lead_owner, e.recorded_by, e.recorded_at,
               e.upload_id, u.file_name AS upload_file, e.reverts_event_id,
               EXISTS (SELECT 1 FROM status_events r WHERE r.reverts_event_id = e.event_id) AS reverted
        FROM status_events e LEFT JOIN uploads u USING (upload_id)
        LEFT JOIN owners o ON o.owner_id = e.lead_owner_id
        WHERE e.action_id = ? ORDER BY e.effective_date, e.event_id""", [action_id]).df()


def source_excerpt(state_row, plans_dir=None) -> str:
    """The lines of the plan file the action was read from."""
    from loaders import PLANS_DIR
    path = (plans_dir or PLANS_DIR) / state_row["source_file"]
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return ""
    return "\n".join(lines[int(state_row["line_start"]) - 1:int(state_row["line_end"])])

