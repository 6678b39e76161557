"""Where an action stands on a given day, derived from the append-only history.

An event counts unless it is a revert or has been reverted. On day D an action's status
is its latest counting event with effective_date <= D (ties broken by recording order),
else Not started. An upload can move a due date or change the lead owner; the latest
such counting event wins, and the plan's own due date is kept as `original_due_date`.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from .db import arrow_frame, registered
from .statuses import CLOSED, IN_PROGRESS, NOT_STARTED

COUNTING_EVENTS = """
    SELECT e.* FROM status_events e
    WHERE e.reverts_event_id IS NULL
      AND NOT EXISTS (SELECT 1 FROM status_events r WHERE r.reverts_event_id = e.event_id)
"""

LATEST_CTES = f"""
WITH ev AS ({COUNTING_EVENTS} AND e.effective_date <= $as_of),
last_status AS (
    SELECT action_id, status, effective_date AS status_date, note, evidence_url, source, confidence
    FROM ev
    QUALIFY row_number() OVER (PARTITION BY action_id ORDER BY effective_date DESC, event_id DESC) = 1
),
last_due AS (
    SELECT action_id, due_date FROM ev WHERE due_date IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY action_id ORDER BY effective_date DESC, event_id DESC) = 1
),
last_lead AS (
    SELECT action_id, lead_owner_id FROM ev WHERE lead_owner_id IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY action_id ORDER BY effective_date DESC, event_id DESC) = 1
)"""

STATE_SQL = LATEST_CTES + f""",
started AS (
    SELECT action_id, min(effective_date) AS started_on FROM ev
    WHERE status = '{IN_PROGRESS}' GROUP BY action_id
),
others AS (
    SELECT ao.action_id, string_agg(o.name, '; ' ORDER BY ao.position) AS other_owners,
           list(ao.owner_id ORDER BY ao.position) AS other_owner_ids
    FROM action_owners ao JOIN owners o USING (owner_id)
    WHERE ao.role = 'other' GROUP BY ao.action_id
)
SELECT a.action_id, a.plan_id, p.title AS plan_title, a.seq, a.kind, a.parent_action_id, a.section,
       a.title, a.text,
       coalesce(ll.lead_owner_id, a.lead_owner_id) AS lead_owner_id, lo.name AS lead_owner,
       a.lead_owner_id AS original_lead_owner_id,
       ot.other_owners, ot.other_owner_ids, a.owner_source,
       coalesce(ld.due_date, a.due_date) AS due_date, a.due_date AS original_due_date,
       a.due_precision, a.timing_text, a.timing_derivation, a.deadline_kind,
       coalesce(ls.status, '{NOT_STARTED}') AS status, ls.status_date, ls.note AS last_note,
       ls.evidence_url AS last_evidence_url, ls.source AS last_source, ls.confidence AS last_confidence,
       st.started_on, p.published_start, p.published_precision,
       a.source_file, a.line_start, a.line_end, a.repeat_lines
FROM actions a
JOIN plans p USING (plan_id)
LEFT JOIN last_status ls USING (action_id)
LEFT JOIN last_due ld USING (action_id)
LEFT JOIN last_lead ll USING (action_id)
LEFT JOIN started st USING (action_id)
LEFT JOIN others ot USING (action_id)
LEFT JOIN owners lo ON lo.owner_id = coalesce(ll.lead_owner_id, a.lead_owner_id)
WHERE a.retired_at IS NULL
ORDER BY a.plan_id, a.seq
"""


# What an upload is compared with: the latest status, due date, owner and evidence of each action.
UPLOAD_STATE_SQL = LATEST_CTES + f"""
SELECT a.action_id, a.title, coalesce(ls.status, '{NOT_STARTED}') AS status,
       coalesce(ld.due_date, a.due_date) AS due_date, coalesce(ll.lead_owner_id, a.lead_owner_id) AS lead_owner_id,
       ls.note AS last_note, ls.evidence_url AS last_evidence_url, ls.source AS last_source
FROM actions a
LEFT JOIN last_status ls USING (action_id)
LEFT JOIN last_due ld USING (action_id)
LEFT JOIN last_lead ll USING (action_id)
WHERE a.retired_at IS NULL
"""


def upload_state(con, as_of: date, rows: pd.DataFrame) -> pd.DataFrame:
    """For each uploaded row (row_no, action_id), the action's current state, in row order.

    One join in DuckDB, narrowed to the actions the file names; an unknown id gets nulls.
    """
    sql = UPLOAD_STATE_SQL.replace(
        "AND e.effective_date <= $as_of",
        "AND e.effective_date <= $as_of AND e.action_id IN (SELECT action_id FROM upload_rows)")
    sql += " AND a.action_id IN (SELECT action_id FROM upload_rows)"
    with registered(con, "upload_rows", rows[["row_no", "action_id"]]):
        arrow = con.sql(f"""SELECT u.row_no, s.* EXCLUDE (action_id), s.action_id IS NOT NULL AS known
                                FROM upload_rows u LEFT JOIN ({sql}) s USING (action_id)
                            ORDER BY u.row_no""", params={"as_of": as_of}).to_arrow_table()
    df = arrow_frame(arrow)
    df["due_date"] = pd.to_datetime(df["due_date"])  # datetime64: compared with the file's dates as arrays
    return df


def action_state(con, as_of: date | None = None) -> pd.DataFrame:
    """One row per live action as it stood on `as_of` (default: today)."""
    as_of = as_of or date.today()
    df = con.execute(STATE_SQL, {"as_of": as_of}).df()
    return add_derived(df, as_of)


def add_derived(df: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Overdue, slippage and days-to-due: rules, so they live here and nowhere else."""
    for col in ("due_date", "original_due_date", "status_date", "started_on", "published_start"):
        df[col] = pd.to_datetime(df[col]).dt.date
    due = pd.to_datetime(df["due_date"])
    today = pd.Timestamp(as_of)
    df["overdue"] = due.notna() & (due < today) & ~df["status"].isin(CLOSED)
    df["days_overdue"] = (today - due).dt.days.where(df["overdue"])
    df["days_to_due"] = (due - today).dt.days
    df["slip_days"] = (due - pd.to_datetime(df["original_due_date"])).dt.days
    return df
