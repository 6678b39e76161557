"""The status history: the one module that reads `status_events`, and the rules built on it.

Events are append-only. An event counts unless it is a revert or has been reverted, and
(with a minimum confidence) unless its evidence is rated below that. On day D an action's
status is its latest counting event with effective_date <= D (ties broken by recording
order). An action with no counting event has no status: it is NO_UPDATE, never Not started.
An upload can move a due date or change the lead owner; the latest such counting event wins,
and the plan's own due date is kept as `original_due_date`.

The rules every page, export, snapshot and report uses live here too: overdue, past due
with no update, stale, and the "due soon" window (`add_derived`, `due_within`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa

from . import settings
from .db import arrow_frame, close_pending, fetch_one, registered
from .frames import compact, replace_rows
from .memory import release_duckdb_cache
from .statuses import CLOSED, COMPLETED, IN_PROGRESS, MIN_CONFIDENCE, NO_UPDATE, OPEN

# Which events count. $min_rank: 0 counts every event; 2 counts high and medium; 1 high only.
# An event with no confidence given counts only when every event does.
# The reverted events are found by an anti join against the (few) revert events: NOT EXISTS over
# the whole table took 0.2-0.5 s at 2,000,000 events, this takes milliseconds.
COUNTING_EVENTS = """
    SELECT e.* FROM status_events e
    ANTI JOIN (SELECT reverts_event_id FROM status_events WHERE reverts_event_id IS NOT NULL) r
         ON r.reverts_event_id = e.event_id
    WHERE e.reverts_event_id IS NULL
      AND ($min_rank = 0 OR coalesce(CASE e.confidence WHEN 'high' THEN 1 WHEN 'medium' THEN 2
                                                        WHEN 'low' THEN 3 END, 9) <= $min_rank)
"""
REVERTED = "EXISTS (SELECT 1 FROM status_events r WHERE r.reverts_event_id = e.event_id)"
LATEST = "QUALIFY row_number() OVER (PARTITION BY action_id ORDER BY effective_date DESC, event_id DESC) = 1"


def min_rank(min_confidence: str = "any") -> int:
    """?confidence=high -> 1, medium -> 2, any -> 0."""
    if min_confidence not in MIN_CONFIDENCE:
        raise ValueError(f"minimum confidence must be one of {', '.join(MIN_CONFIDENCE)}, not {min_confidence!r}")
    return {"any": 0, "high": 1, "medium": 2}[min_confidence]


LATEST_CTES = f"""
WITH ev AS ({COUNTING_EVENTS} AND e.effective_date <= $as_of /*only events*/),
last_status AS (
    -- The latest event's id per action first (a narrow aggregate), then its columns: a window
    -- carrying every column through a sort of all events took twice as long at 2,000,000 events.
    SELECT e.action_id, e.status, e.effective_date AS status_date, e.note, e.evidence_url, e.source,
           e.confidence, e.basis, e.retrieved_on
    FROM (SELECT arg_max(event_id, (effective_date, event_id)) AS event_id FROM ev GROUP BY action_id) k
    JOIN status_events e USING (event_id)
),
last_due AS (SELECT action_id, due_date FROM ev WHERE due_date IS NOT NULL {LATEST}),
last_lead AS (SELECT action_id, lead_owner_id FROM ev WHERE lead_owner_id IS NOT NULL {LATEST})"""

STATE_SQL = LATEST_CTES + f""",
started AS (
    SELECT action_id, min(effective_date) AS started_on FROM ev
    WHERE status = '{IN_PROGRESS}' GROUP BY action_id
),
themed AS (
    SELECT x.action_id,
           any_value(CASE WHEN x.role = 'primary' THEN x.theme_id END) AS theme,
           any_value(CASE WHEN x.role = 'primary' THEN t.name END) AS theme_name,
           string_agg(x.theme_id, '; ' ORDER BY x.role DESC, t.position) AS themes,
           any_value(x.basis) AS theme_basis
    FROM action_themes x JOIN themes t USING (theme_id) /*only themes*/ GROUP BY x.action_id
),
others AS (
    -- The names in the plan's order: a list of (position, name) sorted, where string_agg(... ORDER
    -- BY position) took 2-3x as long (0.16-0.32 s of a 200,000-action load).
    SELECT ao.action_id,
           array_to_string(list_transform(list_sort(list({{'p': ao.position, 'n': o.name}})), lambda x: x.n), '; ')
               AS other_owners
    FROM action_owners ao JOIN owners o USING (owner_id)
    WHERE ao.role = 'other' /*only owners*/ GROUP BY ao.action_id
)
SELECT a.action_id, a.plan_id, p.title AS plan_title, a.seq, a.kind, a.parent_action_id, a.section,
       a.title, a.text,
       coalesce(ll.lead_owner_id, a.lead_owner_id) AS lead_owner_id, lo.name AS lead_owner,
       a.lead_owner_id AS original_lead_owner_id,
       CASE WHEN ll.lead_owner_id IS NOT NULL THEN 'update' ELSE a.lead_basis END AS lead_basis,
       lo.parent_id AS lead_parent_id, a.title_source,
       ot.other_owners, a.owner_source,
       coalesce(ld.due_date, a.due_date) AS due_date, a.due_date AS original_due_date,
       a.due_precision, a.timing_text, a.timing_derivation, a.deadline_kind,
       coalesce(ls.status, '{NO_UPDATE}') AS status, ls.status_date, ls.note AS last_note,
       ls.evidence_url AS last_evidence_url, ls.source AS last_source, ls.confidence AS last_confidence,
       ls.basis AS last_basis,
       st.started_on, p.published_start, p.published_precision,
       coalesce(p.published_day, p.published_start) AS plan_start,
       CASE WHEN p.published_day IS NOT NULL THEN p.published_day_source
            ELSE 'the text: ' || p.published_text END AS plan_start_source,
       a.source_file, a.line_start, a.line_end, a.repeat_lines,
       th.theme, th.theme_name, th.themes, th.theme_basis
FROM actions a
JOIN plans p USING (plan_id)
LEFT JOIN last_status ls USING (action_id)
LEFT JOIN last_due ld USING (action_id)
LEFT JOIN last_lead ll USING (action_id)
LEFT JOIN started st USING (action_id)
LEFT JOIN others ot USING (action_id)
LEFT JOIN themed th USING (action_id)
LEFT JOIN owners lo ON lo.owner_id = coalesce(ll.lead_owner_id, a.lead_owner_id)
WHERE a.retired_at IS NULL /*only actions*/
ORDER BY a.plan_id, a.seq
"""
# Reading again only the actions a write touched (refresh_dataset): each part of STATE_SQL is
# narrowed to them before its window or aggregate, so the cost follows the write, not the store.
ONLY = {"/*only events*/": "AND list_contains($only, e.action_id)",
        "/*only themes*/": "WHERE list_contains($only, x.action_id)",
        "/*only owners*/": "AND list_contains($only, ao.action_id)",
        "/*only actions*/": "AND list_contains($only, a.action_id)"}


def _only(sql: str) -> str:
    for marker, condition in ONLY.items():
        sql = sql.replace(marker, condition)
    return sql


def _frame(con, sql: str, params: dict, dates_as_objects: bool = True) -> pd.DataFrame:
    """A query's rows as pandas through Arrow: strings stay in Arrow (pandas' own "str" dtype, as
    .df() gives), several times faster than .df() at 200,000 rows."""
    close_pending(con)
    return arrow_frame(con.sql(sql, params=params).to_arrow_table(), missing=float("nan"),
                       dates_as_objects=dates_as_objects)

DATE_COLUMNS = ("due_date", "original_due_date", "status_date", "started_on", "published_start", "plan_start")
DAY_COLUMNS = ["days_overdue", "days_past_due", "days_to_due", "slip_days", "days_since_update"]
DERIVED_COLUMNS = ["overdue", "past_due_no_update", "days_overdue", "days_past_due", "days_to_due", "slip_days",
                   "days_since_update", "stale"]
# Every column of an action's state, in order: what pages, exports and snapshots carry.
STATE_COLUMNS = ["action_id", "plan_id", "plan_title", "seq", "kind", "parent_action_id", "section", "title", "text",
                 "title_source", "lead_owner_id", "lead_owner", "lead_basis", "lead_parent_id", "other_owners",
                 "owner_source", "due_date", "original_due_date",
                 "due_precision", "timing_text", "timing_derivation", "deadline_kind", "status", "status_date",
                 "last_note", "last_evidence_url", "last_source", "last_confidence", "last_basis", "started_on",
                 "published_start", "published_precision", "plan_start", "plan_start_source", "source_file",
                 "line_start", "line_end", "repeat_lines", "theme", "theme_name", "themes", "theme_basis",
                 *DERIVED_COLUMNS]
# What the pages need of every counting event (the full record of one action: action_history).
EVENT_COLUMNS = ["event_id", "action_id", "status", "effective_date"]


def action_state(con, as_of: date | None = None, min_confidence: str = "any",
                 only: list[str] | None = None) -> pd.DataFrame:
    """One row per live action as it stood on `as_of` (default: today); with `only`, those actions."""
    as_of = as_of or date.today()
    params = {"as_of": as_of, "min_rank": min_rank(min_confidence)}
    if only is not None:
        params["only"] = list(only)
    return add_derived(_frame(con, STATE_SQL if only is None else _only(STATE_SQL), params), as_of)


def counting_events(con, as_of: date, min_confidence: str = "any", since: int | None = None) -> pd.DataFrame:
    """The counting events up to `as_of`, in recording order (EVENT_COLUMNS); with `since`, only those
    recorded after that event id.
    Recording order, not date order: refresh_dataset then only appends, and nothing that reads
    events depends on their order (completion orders them by day itself)."""
    params = {"as_of": as_of, "min_rank": min_rank(min_confidence)}
    narrow = ""
    if since is not None:
        params["since"], narrow = since, "AND e.event_id > $since"
    events = _frame(con, f"""
        SELECT {', '.join(EVENT_COLUMNS)} FROM ({COUNTING_EVENTS}) e
        WHERE e.effective_date <= $as_of {narrow} ORDER BY event_id""", params, dates_as_objects=False)
    events["effective_date"] = events["effective_date"].astype("datetime64[us]")
    return events


@dataclass
class Dataset:
    """The tracker as it stood on one day: one row per action (`state`, STATE_COLUMNS), the counting
    status events up to that day (`events`), the plans, and governments' claims about them. The live
    store, an "as of" day and a frozen snapshot all produce one, so every page computes alike."""
    state: pd.DataFrame
    events: pd.DataFrame
    as_of: date
    label: str = "live"  # live, as of, snapshot
    plans: pd.DataFrame = field(default_factory=pd.DataFrame)
    claims: pd.DataFrame = field(default_factory=pd.DataFrame)
    min_confidence: str = "any"
    owners: pd.DataFrame = field(default_factory=pd.DataFrame)  # owner_id, name, parent_id
    # What the dashboard's caches know this dataset by (database, data version, day, evidence counted);
    # empty for a dataset nobody caches (a snapshot's, a report's). See web.cached().
    key: tuple = ()
    # Intermediate results worth keeping with the data they come from (see `kept`); emptied by every
    # refresh, since they describe one version of the data.
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def kept(self, name: str, compute):
        """compute(), once per dataset: for work every view of the same data starts with."""
        if name not in self.memo:
            self.memo[name] = compute()
        return self.memo[name]


def load_dataset(con, as_of: date | None = None, min_confidence: str = "any", later: Dataset | None = None) -> Dataset:
    """The tracker as it stood on `as_of` (default today), from the live store.

    `later`: a dataset of the same data version at a later day (the live one, when a reader asks
    for an earlier day), whose completion pass this one can take its days from."""
    today = date.today()
    as_of = as_of or today
    state = action_state(con, as_of, min_confidence)
    events = counting_events(con, as_of, min_confidence)
    plans = con.execute("SELECT * FROM plans ORDER BY plan_id").df()
    owners = con.execute("SELECT owner_id, name, parent_id FROM owners ORDER BY owner_id").df()
    ds = Dataset(state, events, as_of, "live" if as_of == today else "as of", plans,
                 plan_claims(con, as_of, min_confidence), min_confidence, owners)
    # Completion over time starts from a pass over every event, the one page query that grows with
    # the history: made here, on the stored table (0.3 s at 2,000,000 events, against 0.55 s over
    # the loaded frame), and kept through refreshes, so no reader's view waits for it.
    usable = later is not None and later.min_confidence == min_confidence and later.as_of >= as_of \
        and COMPLETION_DELTAS in later.memo
    ds.memo[COMPLETION_DELTAS] = _deltas_until(later.memo[COMPLETION_DELTAS], as_of) if usable \
        else completion_deltas(con, as_of, min_confidence)
    return ds


def _deltas_until(deltas: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """A later day's completion deltas, up to as_of: an earlier day's own, since each event is
    compared with the one before it (by day), never with one after."""
    return deltas[pd.to_datetime(deltas["day"]) <= pd.Timestamp(as_of)].reset_index(drop=True)


# Per plan and day: the change in completed actions (each event's "is completed" against the same
# action's previous event, in date then recording order), and the actions assessed for the first
# time; completion over time is their running sum. {events}: action_id, status, effective_date,
# event_id, sign; {actions}: action_id, plan_id. `sign` (+1 or -1 per event) lets the refresh after
# a write take some histories out and put others in; {part} partitions by sign only when there are two
# (one more sort key cost a third of the pass). One window function (lag, -1 before an action's first
# event), over the events alone, and only the events that change a count meet the join: joining
# first carried the plan through the window's sort.
COMPLETION_DELTAS = "completion_deltas_by_plan"
COMPLETION_DELTAS_SQL = f"""
    WITH ev AS (
        SELECT e.action_id, e.sign, e.effective_date::DATE AS day, e.event_id,
               (e.status = '{COMPLETED}')::INTEGER AS done
        FROM ({{events}}) e),
    d AS (
        SELECT action_id, day, sign, done,
               lag(done, 1, -1) OVER (PARTITION BY {{part}} ORDER BY day, event_id) AS prev
        FROM ev)
    SELECT a.plan_id, d.day, sum((done - greatest(prev, 0)) * sign)::BIGINT AS delta,
           sum((prev = -1)::INTEGER * sign)::BIGINT AS first
    FROM d JOIN ({{actions}}) a USING (action_id)
    WHERE done <> prev
    GROUP BY a.plan_id, d.day"""


def completion_deltas(con, as_of: date, min_confidence: str = "any") -> pd.DataFrame:
    """COMPLETION_DELTAS_SQL over the store's counting events up to `as_of` and its live actions."""
    sql = COMPLETION_DELTAS_SQL.format(
        events=f"SELECT e.*, 1 AS sign FROM ({COUNTING_EVENTS}) e WHERE e.effective_date <= $as_of",
        actions="SELECT action_id, plan_id FROM actions WHERE retired_at IS NULL", part="action_id")
    return con.sql(sql, params={"as_of": as_of, "min_rank": min_rank(min_confidence)}).df()


def changed_actions(con, old_version: tuple, new_version: tuple) -> list[str] | None:
    """The actions whose state may differ between two data versions, when only status events were
    added in between (an upload, a revert); None when plans or actions changed (read everything)."""
    if old_version[1:] != new_version[1:] or new_version[0] < old_version[0]:
        return None
    rows = con.execute("""
        SELECT DISTINCT action_id FROM status_events WHERE event_id > $since
        UNION SELECT r.action_id FROM status_events e JOIN status_events r ON r.event_id = e.reverts_event_id
              WHERE e.event_id > $since""", {"since": old_version[0]}).fetchall()
    return [r[0] for r in rows]


def refresh_dataset(con, old: Dataset, old_version: tuple, new_version: tuple) -> Dataset | None:
    """`old` (read at `old_version`) brought to `new_version` by reading again only the actions whose
    events changed: what an upload or a revert costs, whatever the size of the store. None when
    that is not the quicker way (plans or actions changed, or a large write): read everything.
    Gives what load_dataset would, row for row (tests/test_store.py checks it)."""
    changed = changed_actions(con, old_version, new_version)
    if changed is None or len(changed) > max(100, len(old.state) // 20):
        return None
    if not changed:
        return old
    state = replace_rows(old.state, action_state(con, old.as_of, old.min_confidence, only=changed), "action_id")
    if state is None:
        return None
    for col in DAY_COLUMNS:  # pandas gives whole days as int64 when none is missing, else float64
        if state[col].dtype == "float64" and state[col].notna().all():
            state[col] = state[col].astype("int64")
    # Events are append-only and numbered in order: the new ones that count are appended, and those
    # a new revert undid are dropped; the result is what counting_events gives, in the same order.
    since = old_version[0]
    added = counting_events(con, old.as_of, old.min_confidence, since=since)
    undone = [r[0] for r in con.execute("SELECT reverts_event_id FROM status_events WHERE event_id > ? "
                                        "AND reverts_event_id IS NOT NULL", [since]).fetchall()]
    kept = old.events[~old.events["event_id"].isin(undone)] if undone else old.events
    events = compact(pd.concat([kept, added], ignore_index=True))
    claims = plan_claims(con, old.as_of, old.min_confidence) if len(old.claims) else old.claims
    new = dataclasses.replace(old, state=state, events=events, claims=claims, key=(), memo={})
    follow = [name for name in old.memo if name in KEPT_REFRESH]  # kept results that can follow the write
    if follow:
        was = old.events[old.events["action_id"].isin(changed)]  # the changed actions' events, before
        now = pd.concat([was[~was["event_id"].isin(undone)], added], ignore_index=True)  # and after
        for name in follow:
            new.memo[name] = KEPT_REFRESH[name](old, new, was, now)
    return new


# Kept results (Dataset.kept) that can be brought up to date from the actions a write changed,
# by name: fn(old dataset, new dataset, their events before, their events after) -> the new value.
# Registered by the module that keeps them (queries.py); any other is computed again when asked for.
KEPT_REFRESH: dict = {}


# --- rules -------------------------------------------------------------------------------

def add_derived(df: pd.DataFrame, as_of: date, stale_days: int | None = None) -> pd.DataFrame:
    """Overdue, past due with no update, slippage, days to due, freshness. Rules: here and nowhere else.

    * overdue: a reported open status (Not started, In progress, Blocked) and the due date passed;
    * past_due_no_update: no status reported at all and the due date passed (not a verdict);
    * stale: the latest evidence is older than `stale_days` (the ACTION_TRACKER_STALE_DAYS setting).
    """
    stale_days = settings.current().stale_days if stale_days is None else stale_days
    for col in DATE_COLUMNS:
        df[col] = _dates(df[col])
    due = pd.to_datetime(df["due_date"])
    today = pd.Timestamp(as_of)
    past_due = due.notna() & (due < today)
    df["overdue"] = past_due & df["status"].isin(OPEN)
    df["past_due_no_update"] = past_due & (df["status"] == NO_UPDATE)
    df["days_overdue"] = (today - due).dt.days.where(df["overdue"])
    df["days_past_due"] = (today - due).dt.days.where(df["overdue"] | df["past_due_no_update"])
    df["days_to_due"] = (due - today).dt.days
    df["slip_days"] = (due - pd.to_datetime(df["original_due_date"])).dt.days
    df["days_since_update"] = (today - pd.to_datetime(df["status_date"])).dt.days
    df["stale"] = df["days_since_update"].gt(stale_days).fillna(False).astype(bool)
    return df


def _dates(column: pd.Series) -> pd.Series:
    """A column as datetime.date objects (NaT where missing); one that already is one is kept as it is.
    (One scan for missing values: each scan of 200,000 objects costs ~10 ms, and a load has six columns.)"""
    if column.dtype == object:
        values = column.to_numpy()
        missing = pd.isna(values)
        first = values[~missing][:1]
        if not len(first) or type(first[0]) is date:
            if missing.any():
                values = values.copy()
                values[missing] = pd.NaT
            return pd.Series(values, index=column.index, dtype=object, name=column.name)
    return pd.to_datetime(column).dt.date


WINDOW_DAYS = 90  # "due soon" on the overview, and the explorer's "next 90 days": one window


def due_within(state: pd.DataFrame, as_of: date, days: int) -> pd.Series:
    """The one 'due soon' rule: due from as_of to as_of + days (both included), and not closed."""
    due = pd.to_datetime(state["due_date"])
    today = pd.Timestamp(as_of)
    return (due >= today) & (due <= today + pd.Timedelta(days=days)) & ~state["status"].isin(CLOSED)


def known(state: pd.DataFrame) -> pd.Series:
    """Actions with a reported status (coverage counts these)."""
    return state["status"] != NO_UPDATE


# --- one action, and the whole history ------------------------------------------------------

HISTORY_SELECT = f"""
    SELECT e.event_id, e.action_id, a.plan_id AS plan, a.title, e.status, e.effective_date, e.note,
           e.evidence_url, e.source, e.confidence, e.basis, e.retrieved_on, e.due_date AS new_due_date,
           o.name AS new_lead_owner, e.recorded_by, e.recorded_at, e.upload_id, u.file_name AS upload_file,
           e.reverts_event_id, {REVERTED} AS reverted,
           p.proposed_by, p.proposed_at, p.proposed_in,
           CASE WHEN p.proposed_by IS NOT NULL THEN e.recorded_by END AS approved_by
    FROM status_events e
    JOIN actions a USING (action_id)
    LEFT JOIN owners o ON o.owner_id = e.lead_owner_id
    LEFT JOIN uploads u USING (upload_id)
    -- the audit of evidence that came through the review queue: who proposed it, when, from where
    -- (a contributor's upload, a watcher, a reader); the event's recorded_by is who approved it
    LEFT JOIN (SELECT event_id, string_agg(DISTINCT proposed_by, '; ' ORDER BY proposed_by) AS proposed_by,
                      min(proposed_at) AS proposed_at, string_agg(DISTINCT origin, '; ' ORDER BY origin) AS proposed_in
               FROM proposals WHERE review_state = 'accepted' AND event_id IS NOT NULL GROUP BY event_id) p
        USING (event_id)"""


def action_history(con, action_id: str) -> pd.DataFrame:
    """Every event of one action, reverted ones and reverts included and marked, oldest first."""
    return con.execute(HISTORY_SELECT + " WHERE e.action_id = ? ORDER BY e.effective_date, e.event_id",
                       [action_id]).df()


def history_frame(con) -> pd.DataFrame:
    """Every status event ever recorded, in recording order, with what it belongs to."""
    return con.execute(HISTORY_SELECT + " ORDER BY e.event_id").df()


# --- sources: the day each was read, further sources backing an event, last verified -------------

def event_sources(con, action_id: str) -> pd.DataFrame:
    """Every source of each event of one action, oldest first: the event's own (`own`) and the
    further ones accepted from the review queue, each with the day it was read."""
    return con.execute("""
        SELECT event_id, effective_date, status, source, evidence_url, retrieved_on, TRUE AS own, NULL AS proposal_id
        FROM status_events WHERE action_id = $a AND reverts_event_id IS NULL AND (source IS NOT NULL OR evidence_url IS NOT NULL)
        UNION ALL
        SELECT s.event_id, e.effective_date, e.status, s.source, s.evidence_url, s.retrieved_on, FALSE, s.proposal_id
        FROM event_sources s JOIN status_events e USING (event_id) WHERE e.action_id = $a
        ORDER BY effective_date, event_id, own DESC""", {"a": action_id}).df()


def further_sources(con) -> pd.DataFrame:
    """Every further source of every event (the public edition's action pages), in recording order."""
    return con.execute("""SELECT event_id, source, evidence_url, retrieved_on FROM event_sources
                          ORDER BY event_id, recorded_at""").df()


def add_event_sources(con, rows: list[dict]) -> None:
    """Further sources backing recorded events (event_id, proposal_id, source, evidence_url,
    retrieved_on, recorded_by, recorded_at); inside the caller's transaction."""
    for r in rows:
        con.execute("""INSERT INTO event_sources (event_id, proposal_id, source, evidence_url, retrieved_on,
                                                  recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)""",
                    [r["event_id"], r.get("proposal_id"), r.get("source"), r.get("evidence_url"),
                     r.get("retrieved_on"), r["recorded_by"], r["recorded_at"]])


def last_verified(con, as_of: date | None = None) -> dict[str, date]:
    """Per action, the latest day any source of a counting event was read (its own, or a further
    source), even where the status did not change: "last verified". Actions with no retrieval day
    recorded are left out (shown as unknown, never as the event's day)."""
    rows = con.execute(f"""
        WITH ev AS ({COUNTING_EVENTS} AND e.effective_date <= $as_of)
        SELECT action_id, max(day) FROM (
            SELECT action_id, retrieved_on AS day FROM ev WHERE retrieved_on IS NOT NULL
            UNION ALL
            SELECT ev.action_id, s.retrieved_on FROM event_sources s JOIN ev USING (event_id)
            WHERE s.retrieved_on IS NOT NULL)
        GROUP BY action_id""", {"as_of": as_of or date.today(), "min_rank": 0}).fetchall()
    return {a: d for a, d in rows}


def event_of_file(con, file_name: str, action_id: str, day) -> tuple[int, int] | None:
    """(upload id, event id) of the event an applied file recorded for an action on a day, if any."""
    return fetch_one(con, """SELECT u.upload_id, e.event_id FROM uploads u JOIN status_events e USING (upload_id)
                             WHERE u.file_name = ? AND e.action_id = ? AND e.effective_date = ?
                             ORDER BY e.event_id LIMIT 1""", [file_name, action_id, day])


def latest_event_ids(con, action_ids) -> dict[str, int]:
    """The latest counting event of each of these actions (the one a further source backs)."""
    ids = pd.DataFrame({"action_id": pd.unique(np.asarray(list(action_ids), dtype=object))})
    with registered(con, "latest_of", ids):
        rows = con.execute(f"""SELECT action_id, event_id FROM ({COUNTING_EVENTS}) e
                               SEMI JOIN latest_of USING (action_id) {LATEST}""", {"min_rank": 0}).fetchall()
    return dict(rows)


def data_version(con) -> tuple:
    """Changes with every write to the data pages show: events, plans, actions. Cache keys use it."""
    return fetch_one(con, """SELECT (SELECT coalesce(max(event_id), 0) FROM status_events),
                                 (SELECT max(loaded_at) FROM plans),
                                 (SELECT max(updated_at) FROM actions), (SELECT count(*) FROM actions)""")


def last_status_change(con):
    """The latest effective date of a counting status event, or None: when the tracker last moved."""
    row = fetch_one(con, f"SELECT max(effective_date) FROM ({COUNTING_EVENTS}) e", {"min_rank": 0})
    return row[0] if row else None


def last_plan_load(con):
    row = fetch_one(con, "SELECT max(loaded_at) FROM plans")
    return row[0] if row else None


# --- uploads: what a file is compared with, and what a revert falls back to -------------------

UPLOAD_STATE_SQL = LATEST_CTES + f"""
SELECT a.action_id, coalesce(ls.status, '{NO_UPDATE}') AS status,
       coalesce(ld.due_date, a.due_date) AS due_date, coalesce(ll.lead_owner_id, a.lead_owner_id) AS lead_owner_id,
       ls.note AS last_note, ls.evidence_url AS last_evidence_url, ls.source AS last_source,
       ls.basis AS last_basis, ls.retrieved_on AS last_retrieved_on
FROM actions a
LEFT JOIN last_status ls USING (action_id)
LEFT JOIN last_due ld USING (action_id)
LEFT JOIN last_lead ll USING (action_id)
WHERE a.retired_at IS NULL
"""


# From this many rows an upload's join gives back what DuckDB kept of its working memory (memory.py):
# 75-100 MB at a million rows; a small upload's is not worth the flush.
RELEASE_AFTER_ROWS = 100_000


def upload_state(con, as_of: date, rows: pd.DataFrame) -> pd.DataFrame:
    """For each uploaded row (row_no, action_id), the action's current state, in row order.

    One join in DuckDB; an unknown id gets nulls. Every event counts here, whatever its confidence:
    an upload is compared with the record.
    """
    sql = UPLOAD_STATE_SQL
    stored = fetch_one(con, "SELECT count(*) FROM actions")[0]
    if len(rows) * 4 < stored:  # a file naming a few actions of many: narrow every pass to them
        sql = sql.replace("AND e.effective_date <= $as_of",
                          "AND e.effective_date <= $as_of AND e.action_id IN (SELECT action_id FROM upload_rows)")
        sql += " AND a.action_id IN (SELECT action_id FROM upload_rows)"
    # (A file naming most of the store skips those semi-joins: their hash tables cost 0.3 s and
    # 250 MB at a million rows, to leave out almost nothing.)
    with registered(con, "upload_rows", rows[["row_no", "action_id"]]):
        arrow = con.sql(f"""SELECT u.row_no, s.* EXCLUDE (action_id), s.action_id IS NOT NULL AS known
                                FROM upload_rows u LEFT JOIN ({sql}) s USING (action_id)""",
                        params={"as_of": as_of, "min_rank": 0}).to_arrow_table()
    if len(rows) >= RELEASE_AFTER_ROWS:  # the join's working memory, kept by DuckDB, would be held to the end
        release_duckdb_cache(con)
    arrow = _in_row_order(arrow, arrow.column("row_no").to_numpy())  # DuckDB's order let go before pandas
    df = arrow_frame(arrow)
    del arrow
    df["due_date"] = pd.to_datetime(df["due_date"])  # datetime64: compared with the file's dates as arrays
    return df


def _in_row_order(arrow: pa.Table, row_no: np.ndarray) -> pa.Table:
    """The rows sorted by their numbers, from the numbers alone: DuckDB's ORDER BY sorted every column
    with them. Numbers without gaps (the usual file) are placed directly; others are sorted. Taken
    straight from the chunks: joining them first (combine_chunks) held a third copy of every column
    at the peak of a million-row upload."""
    if len(row_no) and row_no.max() - row_no.min() + 1 == len(row_no):
        order = np.empty(len(row_no), np.int64)
        order[row_no - row_no.min()] = np.arange(len(row_no))
    else:
        order = np.argsort(row_no, kind="stable")
    return arrow.take(pa.array(order))


def action_titles(con, action_ids) -> dict[str, str]:
    """The titles of some actions, by id (an unknown id is left out)."""
    ids = pd.DataFrame({"action_id": pd.unique(np.asarray(action_ids, dtype=object))})
    with registered(con, "titled_ids", ids):
        return dict(con.execute("SELECT action_id, title FROM actions SEMI JOIN titled_ids USING (action_id)").fetchall())


def live_events_of_upload(con, upload_id: int) -> int:
    """How many events of an upload are not reverted yet."""
    return fetch_one(con, f"SELECT count(*) FROM status_events e WHERE e.upload_id = ? AND NOT {REVERTED}",
                     [upload_id])[0]


def next_event_id(con) -> int:
    """Events are numbered after the last one. (Not a sequence: nextval once per row cost 0.4 s of
    a million-row upload. Two writers racing for the same numbers cannot both commit: event_id is
    the primary key, so the second transaction fails whole.)"""
    return fetch_one(con, "SELECT coalesce(max(event_id), 0) + 1 FROM status_events")[0]


def insert_revert_events(con, upload_id: int, new_upload_id: int, day: date, who: str, now) -> None:
    """One event per live event of `upload_id`, cancelling it. Each names, for readers of the
    history, the status its action falls back to (NO_UPDATE when nothing else was reported)."""
    con.execute(f"""
        INSERT INTO status_events (event_id, action_id, status, effective_date, note, recorded_by, recorded_at,
                                   upload_id, reverts_event_id)
        WITH fallback AS (
            SELECT action_id, status FROM ({COUNTING_EVENTS} AND e.upload_id IS DISTINCT FROM $upload) {LATEST})
        SELECT $first + row_number() OVER (ORDER BY e.event_id) - 1, e.action_id, coalesce(f.status, '{NO_UPDATE}'), $day,
               'Reverts upload #' || $upload, $who, $now, $new, e.event_id
        FROM status_events e LEFT JOIN fallback f USING (action_id)
        WHERE e.upload_id = $upload AND NOT {REVERTED}
        ORDER BY e.event_id""", {"upload": upload_id, "day": day, "who": who, "now": now, "new": new_upload_id,
                                 "min_rank": 0, "first": next_event_id(con)})


def insert_events(con, events: pa.Table) -> None:
    """Append events (an Arrow table of EVENT_INSERT_COLUMNS), numbered in the order given."""
    first = next_event_id(con)
    numbered = events.append_column("event_id", pa.array(np.arange(first, first + len(events), dtype=np.int64)))
    # Inserted as a relation over the Arrow table, in the table's column order: a registered view
    # stays in the transaction's catalog until the commit, and with it the whole table (90 MB of a
    # million-row upload, held through DuckDB's commit, the import's peak).
    order = [c for (c,) in con.execute("""SELECT column_name FROM duckdb_columns()
                                          WHERE database_name = current_database() AND schema_name = 'main'
                                            AND table_name = 'status_events' ORDER BY column_index""").fetchall()]
    close_pending(con)
    con.from_arrow(numbered.select(order)).insert_into("status_events")


EVENT_INSERT_COLUMNS = ["action_id", "status", "effective_date", "note", "evidence_url", "source", "confidence",
                        "basis", "due_date", "lead_owner_id", "recorded_by", "recorded_at", "upload_id",
                        "reverts_event_id", "retrieved_on"]


def status_on(state: pd.DataFrame) -> pd.Series:
    """Completed per plan in a state frame (claims are compared with this)."""
    return state[state["status"] == COMPLETED].groupby("plan_id").size()


def plan_claims(con, as_of: date, min_confidence: str = "any") -> pd.DataFrame:
    """Governments' own claims about their plans made by `as_of`, each beside the tracker's count
    of Completed actions of that plan on the claim's day."""
    claims = con.execute("SELECT * FROM plan_claims WHERE claim_date <= ? ORDER BY plan_id, claim_date",
                         [as_of]).df()
    counts = []
    for day in claims["claim_date"]:
        day = pd.Timestamp(day).date()
        counts.append(status_on(action_state(con, day, min_confidence)))
    claims["tracker_completed"] = [int(c.get(p, 0)) for c, p in zip(counts, claims["plan_id"])]
    claims["claim_date"] = pd.to_datetime(claims["claim_date"]).dt.date
    return claims



# Free-text fields of the status history that the public edition prints (text.NOT_STORABLE applies).
FREE_TEXT_FIELDS = ("note", "source", "evidence_url", "recorded_by")


def unstorable_text(cur) -> list[tuple[int, str, str, str]]:
    """Status events whose free text holds a character stored text may not hold (an older release let
    them in): (event_id, action_id, field, the first such character as U+XXXX). `verify` lists them;
    the public edition publishes them with U+FFFD in place (text.storable)."""
    from .text import NOT_STORABLE_UTF8, first_unstorable
    found = []
    for name in FREE_TEXT_FIELDS:
        rows = cur.execute(f"SELECT event_id, action_id, {name} FROM status_events "
                           f"WHERE regexp_matches({name}, ?) ORDER BY event_id", [NOT_STORABLE_UTF8]).fetchall()
        found += [(int(e), a, name, first_unstorable(v)) for e, a, v in rows]
    return sorted(found)
