"""CSV, JSON and .xlsx of the actions, of the status history, and the update template.

Every text cell a spreadsheet would run as a formula is guarded (formulas.py), in CSV and
.xlsx alike; the importer takes the guard off again, so an exported file reads back unchanged.
"""

from __future__ import annotations

import io
import json
from datetime import date

import pandas as pd

from .formulas import guard_frame
from .history import action_state, history_frame
from .statuses import NO_UPDATE

ACTION_COLUMNS = ["action_id", "plan", "section", "title", "theme", "themes", "text", "lead_owner", "lead_basis",
                  "other_owners", "due_date",
                  "timing_text", "status", "status_date", "stale", "overdue", "past_due_no_update",
                  "original_due_date", "slip_days", "due_precision", "timing_derivation", "deadline_kind",
                  "owner_source", "title_source", "plan_start", "plan_start_source", "kind", "parent_action_id",
                  "last_note", "last_evidence_url", "last_source",
                  "last_confidence", "last_basis", "source_file", "line_start", "line_end", "repeat_lines"]

__all__ = ["actions_frame", "history_frame", "template", "to_csv", "to_json", "to_xlsx", "records"]


def actions_frame(con=None, as_of: date | None = None, state: pd.DataFrame | None = None) -> pd.DataFrame:
    s = state if state is not None else action_state(con, as_of)
    out = s.rename(columns={"plan_id": "plan"})
    return out[[c for c in ACTION_COLUMNS if c in out.columns]].reset_index(drop=True)


def template(con, today: date | None = None, only: set[str] | None = None) -> pd.DataFrame:
    """Every live action with its current state, in upload format, ready to edit and upload again;
    with `only`, those actions (a contributor's scope: auth.scope).

    An action with no reported status has an empty status cell: fill it in to report one.
    """
    s = action_state(con, today)
    if only is not None:
        s = s[s["action_id"].isin(only)]
    return pd.DataFrame({
        "action_id": s["action_id"], "plan": s["plan_id"], "title": s["title"],
        "lead_owner": s["lead_owner"].fillna(""),
        "due_date": s["due_date"].map(lambda d: "" if pd.isna(d) else d.isoformat()),
        "status": s["status"].where(s["status"] != NO_UPDATE, ""), "effective_date": "", "note": "",
        "evidence_url": "", "source": "", "confidence": "", "basis": "",
    })


def to_csv(df: pd.DataFrame, bom: bool = False) -> bytes:
    # CRLF (RFC 4180): the csv writer quotes a field holding any character of the line terminator,
    # so with CRLF a lone carriage return inside a cell is quoted too.
    return guard_frame(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig" if bom else "utf-8")


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
    """A workbook editors can fill in: header row frozen, columns wide enough to read, and a drop-down
    of the statuses (and of confidence and basis) where those columns are."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from .statuses import BASIS, CONFIDENCE, STATUSES
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        guard_frame(df).to_excel(xw, index=False, sheet_name=sheet)
        ws = xw.sheets[sheet]
        ws.freeze_panes = "A2"
        for i, col in enumerate(df.columns, start=1):
            longest = df[col].astype(str).str.len().quantile(0.9) if len(df) else 0
            ws.column_dimensions[get_column_letter(i)].width = max(10, min(70, int(max(len(col), longest)) + 2))
            choices = {"status": STATUSES, "confidence": CONFIDENCE, "basis": BASIS}.get(col)
            if choices and len(df):
                dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                                    showErrorMessage=False)  # synonyms typed by hand are still accepted
                dv.add(f"{get_column_letter(i)}2:{get_column_letter(i)}{len(df) + 1}")
                ws.add_data_validation(dv)
    return buf.getvalue()
