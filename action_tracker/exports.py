"""CSV and JSON of the actions and of the status history.

CSV text cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab
or carriage return) get a leading apostrophe; the importer takes it off again, so an
exported file reads back unchanged.
"""

from __future__ import annotations

import io
import json
from datetime import date

import pandas as pd

from .state import action_state
from .uploads import FORMULA_START

ACTION_COLUMNS = ["action_id", "plan", "section", "title", "text", "lead_owner", "other_owners", "due_date",
                  "timing_text", "status", "status_date", "overdue", "original_due_date", "slip_days",
                  "due_precision", "timing_derivation", "deadline_kind", "owner_source", "kind",
                  "parent_action_id", "last_note", "last_evidence_url", "last_source", "last_confidence",
                  "source_file", "line_start", "line_end", "repeat_lines"]


def actions_frame(con=None, as_of: date | None = None, state: pd.DataFrame | None = None) -> pd.DataFrame:
    s = state if state is not None else action_state(con, as_of)
    out = s.rename(columns={"plan_id": "plan"})
    return out[[c for c in ACTION_COLUMNS if c in out.columns]].reset_index(drop=True)


def history_frame(con) -> pd.DataFrame:
    """Every status event ever recorded, oldest first, with what it belongs to."""
    return con.execute("""
        SELECT e.event_id, e.action_id, a.plan_id AS plan, a.title, e.status, e.effective_date, e.note,
               e.evidence_url, e.source, e.confidence, e.due_date AS new_due_date,
               o.name AS new_lead_owner, e.recorded_by, e.recorded_at, e.upload_id, u.file_name AS upload_file,
               e.reverts_event_id,
               EXISTS (SELECT 1 FROM status_events r WHERE r.reverts_event_id = e.event_id) AS reverted
        FROM status_events e
        JOIN actions a USING (action_id)
        LEFT JOIN owners o ON o.owner_id = e.lead_owner_id
        LEFT JOIN uploads u USING (upload_id)
        ORDER BY e.event_id""").df()


def guard(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(df: pd.DataFrame, bom: bool = False) -> bytes:
    safe = df.copy()
    for col in safe.columns:
        if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
            safe[col] = safe[col].map(guard)
    # CRLF (RFC 4180): the csv writer quotes a field holding any character of the line terminator,
    # so with CRLF a lone carriage return inside a cell is quoted too.
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig" if bom else "utf-8")


def _jsonable(v):
    if v is None or (not isinstance(v, (list, tuple)) and not hasattr(v, "__len__") and pd.isna(v)):
        return None
    if isinstance(v, (date, pd.Timestamp)):
        return v.isoformat()
    if hasattr(v, "tolist"):
        return v.tolist()
    if hasattr(v, "item"):
        return v.item()
    return v


def records(df: pd.DataFrame) -> list[dict]:
    return [{k: _jsonable(v) for k, v in row.items()} for row in df.to_dict(orient="records")]


def to_json(df: pd.DataFrame) -> bytes:
    return json.dumps(records(df), ensure_ascii=False, indent=1).encode("utf-8")


def to_xlsx(df: pd.DataFrame, sheet: str = "updates") -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        df.to_excel(xw, index=False, sheet_name=sheet)
    return buf.getvalue()
