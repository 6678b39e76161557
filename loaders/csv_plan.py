"""Any further plan, from a CSV of its actions.

Columns (header names exact, any order; only `text` is required):

    action_id      stable id; default: <plan_id>-<row number, 4 digits>
    section        where the action sits in the plan ("Part 2 > Skills")
    title          short title; default: the first sentence of text
    text           the action as the plan words it
    lead_owner     the body that leads it, as the plan names it
    other_owners   further bodies, separated by ";"
    due_date       YYYY-MM-DD; empty when the plan gives none
    timing_text    the words the due date comes from ("by end of 2026")
    deadline_kind  dated | open-ended | recurring (default: dated with a due date, else open-ended)
    themes         "primary; other; other", theme ids of loaders/themes.py (default: by rule)

The file must be UTF-8 (a byte-order mark is fine) and comma-separated. Owners are matched
to data/owners.csv by name or alias; a name it does not know becomes a new owner.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

from .common import DEADLINE_KINDS, Action, LoaderError, short_title
from .owners import Owner, OwnerRegistry
from .themes import parse_column

COLUMNS = ("action_id", "section", "title", "text", "lead_owner", "other_owners", "due_date",
           "timing_text", "deadline_kind", "themes")
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def _owner(registry: OwnerRegistry, name: str, jurisdiction: str) -> str:
    oid = registry.resolve_name(name, jurisdiction)
    if oid:
        return oid
    prefix = re.sub(r"[^a-z0-9]+", "-", jurisdiction.lower()).strip("-")[:12]
    oid = f"{prefix}-{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}"[:80]
    registry.owners[oid] = Owner(oid, name.strip(), None, jurisdiction, (name.strip(),))
    registry._patterns.pop(jurisdiction, None)
    return oid


def load(path: Path, plan: dict, registry: OwnerRegistry) -> list[Action]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise LoaderError(path, f"not UTF-8: byte {raw[e.start]:#04x} at offset {e.start}") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        raise LoaderError(path, "the file is empty")
    header = [h.strip() for h in header]
    for col in header:
        if col not in COLUMNS:
            raise LoaderError(path, f"unknown column (expected some of: {', '.join(COLUMNS)})", 1, col, col)
        if header.count(col) > 1:
            raise LoaderError(path, "column appears twice", 1, col, col)
    if "text" not in header:
        raise LoaderError(path, "the required column is missing", 1, "text")

    actions, ids = [], set()
    for row_no, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise LoaderError(path, f"row has {len(values)} fields, the header has {len(header)}", row_no)
        row = dict(zip(header, (v.strip() for v in values)))
        if not row.get("text"):
            raise LoaderError(path, "text is empty", row_no, "text", "")
        aid = row.get("action_id") or f"{plan['plan_id']}-{row_no:04d}"
        if not ID_RE.match(aid):
            raise LoaderError(path, "action_id may use letters, digits, '.', '_' and '-' only", row_no,
                              "action_id", aid)
        if aid in ids:
            raise LoaderError(path, "action_id repeats an earlier row", row_no, "action_id", aid)
        ids.add(aid)
        due = None
        if row.get("due_date"):
            try:
                due = date.fromisoformat(row["due_date"])
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["due_date"]):
                    raise ValueError
            except ValueError:
                raise LoaderError(path, "due_date must be YYYY-MM-DD", row_no, "due_date",
                                  row["due_date"]) from None
        kind = row.get("deadline_kind") or ("dated" if due else "open-ended")
        if kind not in DEADLINE_KINDS:
            raise LoaderError(path, f"deadline_kind must be one of {', '.join(DEADLINE_KINDS)}", row_no,
                              "deadline_kind", kind)
        if due and kind != "dated":
            raise LoaderError(path, "a due date needs deadline_kind 'dated'", row_no, "deadline_kind", kind)
        lead = _owner(registry, row["lead_owner"], plan["jurisdiction"]) if row.get("lead_owner") else None
        others = [_owner(registry, n, plan["jurisdiction"])
                  for n in (row.get("other_owners") or "").split(";") if n.strip()]
        themes = parse_column(row.get("themes", ""), path, row_no)
        actions.append(Action(
            theme=themes[0] if themes else None, other_themes=themes[1] if themes else (),
            theme_basis="plan" if themes else None,
            action_id=aid, plan_id=plan["plan_id"], seq=len(actions) + 1, kind="action",
            section=row.get("section") or "", title=row.get("title") or short_title(row["text"]),
            text=row["text"], source_file=path.name, line_start=row_no, line_end=row_no,
            lead_owner_id=lead, other_owner_ids=[o for o in others if o != lead],
            owner_source="lead_owner column" if lead else None, due_date=due,
            due_precision="day" if due else None, timing_text=row.get("timing_text") or None,
            timing_derivation="stated" if due else "none", deadline_kind=kind))
    if not actions:
        raise LoaderError(path, "the file has a header but no actions")
    return actions
