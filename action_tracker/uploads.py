"""Status updates from a CSV or .xlsx file: read, validate, preview, apply, revert.

The dashboard's Updates page and `python -m action_tracker import` share every step:

    table = read_table(data, file_name)      # what the file is, from its bytes
    preview = validate(con, table)           # every problem at once, and every change
    result = apply(con, preview, cred)       # one transaction: all rows or none

Columns (header names are matched case-insensitively; spaces count as "_"):

    action_id       required  an id from the template
    status          required  a status or one of its synonyms (see statuses.py)
    effective_date  optional  YYYY-MM-DD; empty means today; never after today
    note            optional  free text
    evidence_url    optional  http(s) address of the evidence
    source          optional  who reported it ("Federal Register, 26 Sep 2025")
    confidence      optional  high, medium or low
    due_date        optional  YYYY-MM-DD: moves the due date (the plan's own is kept)
    lead_owner      optional  a name from the owner list: changes the lead owner
    plan, title     ignored   they come with the template, to help people edit it

Dates are ISO (YYYY-MM-DD) only: 03/04/2025 is refused, never guessed. Spreadsheet
cells holding real dates are read as dates.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Callable

import pandas as pd

from . import auth
from .db import transaction
from .state import action_state
from .statuses import CONFIDENCE, STATUSES, normalise

MAX_BYTES = int(float(os.environ.get("ACTION_TRACKER_MAX_UPLOAD_MB", "50")) * 1024 * 1024)
SHOWN = 100  # problems listed; the total is always given
REQUIRED = ("action_id", "status")
OPTIONAL = ("effective_date", "note", "evidence_url", "source", "confidence", "due_date", "lead_owner")
IGNORED = ("plan", "title")
ALLOWED = REQUIRED + OPTIONAL + IGNORED
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00)?)?$")

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Problem:
    reason: str
    row: int | None = None  # spreadsheet row: the header is row 1
    column: str | None = None
    value: str | None = None

    def describe(self, file_name: str = "") -> str:
        where = ", ".join(x for x in (file_name or None, f"row {self.row}" if self.row else None,
                                      f"column {self.column!r}" if self.column else None) if x)
        value = f" (value {self.value!r})" if self.value is not None else ""
        return f"{where}: {self.reason}{value}" if where else f"{self.reason}{value}"


class UploadRejected(Exception):
    """The file cannot be read as a table at all."""

    def __init__(self, file_name: str, problems: list[Problem]):
        self.file_name, self.problems = file_name, problems
        super().__init__("; ".join(p.describe(file_name) for p in problems[:SHOWN]))


@dataclass
class Table:
    file_name: str
    sha256: str
    kind: str  # csv or xlsx
    columns: list[str]
    rows: list[tuple[int, list[str]]]  # (spreadsheet row, cells)
    notes: list[str] = field(default_factory=list)


# --- reading -------------------------------------------------------------------------

def read_table(data: bytes, file_name: str = "upload") -> Table:
    """What the file really is, from its first bytes, read into a header and rows."""
    if not data:
        raise UploadRejected(file_name, [Problem("the file is empty")])
    if len(data) > MAX_BYTES:
        raise UploadRejected(file_name, [Problem(
            f"the file is {len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB "
            "(ACTION_TRACKER_MAX_UPLOAD_MB)")])
    sha = hashlib.sha256(data).hexdigest()
    notes = []
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                is_workbook = "xl/workbook.xml" in z.namelist()
        except zipfile.BadZipFile:
            is_workbook = False
        if not is_workbook:
            raise UploadRejected(file_name, [Problem("this is a ZIP archive, not an .xlsx workbook or a CSV")])
        if not file_name.lower().endswith((".xlsx", ".xlsm")):
            notes.append(f"{file_name} is an Excel workbook whatever its name says; read as .xlsx")
        columns, rows = _read_xlsx(data, file_name)
        return Table(file_name, sha, "xlsx", columns, rows, notes)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UploadRejected(file_name, [Problem(
            "this is an old-style Excel .xls (or another Office binary) file: save it as .xlsx or CSV")])
    text, encoding_note = _decode(data, file_name)
    if encoding_note:
        notes.append(encoding_note)
    columns, rows, delimiter_note = _read_csv(text, file_name)
    if delimiter_note:
        notes.append(delimiter_note)
    return Table(file_name, sha, "csv", columns, rows, notes)


def _decode(data: bytes, file_name: str) -> tuple[str, str | None]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "decoded as UTF-16 (byte-order mark found)"
        except UnicodeDecodeError:
            raise UploadRejected(file_name, [Problem("starts like UTF-16 but is not valid UTF-16")]) from None
    head = data[:4096]
    if b"\x00" in head:
        odd, even = head[1::2], head[0::2]
        ascii_utf16 = (odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even)) or \
                      (even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd))
        if ascii_utf16:  # UTF-16 written without a byte-order mark
            raise UploadRejected(file_name, [Problem(
                "looks like UTF-16 without a byte-order mark: save it as 'CSV UTF-8' instead")])
        raise UploadRejected(file_name, [Problem("this is a binary file, not a table (NUL bytes found)")])
    try:
        text = data.decode("utf-8")
        note = None
    except UnicodeDecodeError as e:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise UploadRejected(file_name, [Problem(
                f"not UTF-8 (byte {data[e.start]:#04x} at offset {e.start}) and not Windows-1252 either: "
                "save it as 'CSV UTF-8'")]) from None
        note = (f"not UTF-8 (byte {data[e.start]:#04x} at offset {e.start}); decoded as Windows-1252, "
                "as Excel writes on Windows: check accented letters in the preview")
    bad = next((c for c in text[:65536] if ord(c) < 32 and c not in "\t\r\n"), None)
    if bad is not None:
        raise UploadRejected(file_name, [Problem(f"this is a binary file, not a table (control character {ord(bad):#04x})")])
    return text, note


def _norm_header(h: str) -> str:
    return re.sub(r"\s+", "_", str(h).strip().lstrip("\ufeff").strip().lower())


def _read_csv(text: str, file_name: str) -> tuple[list[str], list[tuple[int, list[str]]], str | None]:
    first = text.split("\n", 1)[0]
    if not first.strip():
        raise UploadRejected(file_name, [Problem("the first line is empty: it must be the header", row=1)])
    delimiter, best = ",", -1
    for d in (",", ";", "\t", "|"):
        known = sum(_norm_header(h) in ALLOWED for h in first.split(d))
        if known > best:
            delimiter, best = d, known
    note = None
    if delimiter != ",":
        name = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}[delimiter]
        note = f"columns are separated by {name}, not commas; read that way"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows, record = [], 0
    try:
        for cells in reader:
            record += 1
            rows.append((record, cells))
    except csv.Error as e:
        raise UploadRejected(file_name, [Problem(f"not a well-formed CSV: {e}", row=record + 1)]) from None
    if not rows:
        raise UploadRejected(file_name, [Problem("the file has no header")])
    header = rows[0][1]
    return header, rows[1:], note


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == datetime.min.time() else v.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _read_xlsx(data: bytes, file_name: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    import openpyxl
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a broken workbook
        raise UploadRejected(file_name, [Problem(f"the workbook cannot be opened: {e}")]) from None
    ws = wb["updates"] if "updates" in wb.sheetnames else wb.worksheets[0]
    rows = [(n, [_cell(v) for v in values]) for n, values in enumerate(ws.iter_rows(values_only=True), start=1)]
    wb.close()
    if not rows:
        raise UploadRejected(file_name, [Problem(f"the sheet {ws.title!r} is empty")])
    header = rows[0][1]
    while header and header[-1] == "":  # Excel keeps formatted empty columns
        header = header[:-1]
    width = len(header)
    body = []
    for n, cells in rows[1:]:
        if any(c != "" for c in cells[width:]):
            body.append((n, cells))
        else:
            body.append((n, cells[:width]))
    return header, body


# --- validating ----------------------------------------------------------------------

@dataclass
class Change:
    row: int
    action_id: str
    title: str
    status_from: str
    status_to: str
    effective_date: date
    note: str | None
    evidence_url: str | None
    source: str | None
    confidence: str | None
    due_from: date | None
    due_to: date | None  # None: no change
    owner_from: str | None
    owner_to: str | None  # owner id; None: no change
    owner_to_name: str | None = None


@dataclass
class Preview:
    table: Table
    problems: list[Problem]
    changes: list[Change]
    unchanged: list[tuple[int, str]]  # (row, action id)
    already_applied: int | None = None  # upload id of an earlier, identical, still-applied file

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem_lines(self) -> list[str]:
        lines = [p.describe(self.table.file_name) for p in self.problems[:SHOWN]]
        if len(self.problems) > SHOWN:
            lines.append(f"… and {len(self.problems) - SHOWN} more ({len(self.problems)} problems in all)")
        return lines

    def changes_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{
            "row": c.row, "action_id": c.action_id, "title": c.title,
            "status": c.status_from if c.status_from == c.status_to else f"{c.status_from} → {c.status_to}",
            "effective_date": c.effective_date,
            "due_date": "" if c.due_to is None else f"{c.due_from or '—'} → {c.due_to}",
            "lead_owner": "" if c.owner_to is None else f"→ {c.owner_to_name}",
            "note": c.note or "", "evidence_url": c.evidence_url or "", "confidence": c.confidence or "",
        } for c in self.changes])


def unguard(value: str) -> str:
    """Undo the export's guard against spreadsheet formulas: "'=SUM(A1)" reads back as "=SUM(A1)"."""
    return value[1:] if value.startswith("'") and value[1:2] and value[1] in FORMULA_START else value


def parse_iso_date(value: str) -> date | None:
    m = ISO_DATE.match(value)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _date_problem(value: str) -> str:
    if re.match(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$", value):
        return "dates must be written YYYY-MM-DD: day and month cannot be told apart here"
    return "not a date: write it YYYY-MM-DD"


def _owner_lookup(con) -> dict[str, tuple[str, str]]:
    """Lower-cased owner names, ids and aliases -> (owner id, name)."""
    from loaders import OwnerRegistry
    lookup = {}
    for oid, name in con.execute("SELECT owner_id, name FROM owners").fetchall():
        lookup[name.lower()] = (oid, name)
        lookup[oid.lower()] = (oid, name)
    for o in OwnerRegistry.load().owners.values():
        if o.owner_id.lower() in lookup:
            for a in o.aliases:
                lookup.setdefault(a.lower(), (o.owner_id, o.name))
    return lookup


def validate(con, table: Table, today: date | None = None, progress: Progress | None = None) -> Preview:
    """Every problem in the file at once, and what each good row would change."""
    today = today or date.today()
    problems: list[Problem] = []
    columns = [_norm_header(c) for c in table.columns]
    for i, col in enumerate(columns):
        if col == "":
            problems.append(Problem("a column has no name", row=1, column=f"#{i + 1}"))
        elif col not in ALLOWED:
            problems.append(Problem(f"unknown column; allowed: {', '.join(ALLOWED)}", row=1,
                                    column=table.columns[i], value=table.columns[i]))
        elif columns.index(col) != i:
            problems.append(Problem("this column appears twice", row=1, column=col))
    for col in REQUIRED:
        if col not in columns:
            problems.append(Problem("a required column is missing", row=1, column=col))
    if problems:
        return Preview(table, problems, [], [])
    if not any(any(c.strip() for c in cells) for _, cells in table.rows):
        return Preview(table, [Problem("the file has a header but no rows")], [], [])

    state = action_state(con, today).set_index("action_id")
    owners = _owner_lookup(con)
    pos = {c: columns.index(c) for c in columns}
    seen: dict[str, int] = {}
    changes, unchanged = [], []
    total = len(table.rows)
    for k, (row_no, cells) in enumerate(table.rows):
        if progress and k % 5000 == 0:
            progress(k / max(total, 1), f"validating row {k:,} of {total:,}")
        if not any(c.strip() for c in cells):
            continue  # spreadsheets leave blank rows behind
        if len(cells) != len(columns):
            problems.append(Problem(f"the row has {len(cells)} fields; the header has {len(columns)}", row=row_no))
            continue
        get = {c: unguard(cells[i].strip()) for c, i in pos.items()}
        row_problems = []
        aid = get["action_id"]
        if not aid:
            row_problems.append(Problem("action_id is empty", row_no, "action_id", ""))
        elif aid not in state.index:
            row_problems.append(Problem("unknown action id", row_no, "action_id", aid))
        elif aid in seen:
            row_problems.append(Problem(f"the same action is already updated in row {seen[aid]}",
                                        row_no, "action_id", aid))
        else:
            seen[aid] = row_no
        status = normalise(get["status"])
        if status is None:
            row_problems.append(Problem(f"not a status; use one of {', '.join(STATUSES)} "
                                        "(or a synonym listed in the README)", row_no, "status", get["status"]))
        eff = today
        if get.get("effective_date"):
            eff = parse_iso_date(get["effective_date"])
            if eff is None:
                row_problems.append(Problem(_date_problem(get["effective_date"]), row_no, "effective_date",
                                            get["effective_date"]))
            elif eff > today:
                row_problems.append(Problem(f"the effective date is after today ({today.isoformat()})",
                                            row_no, "effective_date", get["effective_date"]))
        url = get.get("evidence_url") or None
        if url and not re.match(r"^https?://\S+$", url):
            row_problems.append(Problem("evidence_url must be a web address starting http:// or https://",
                                        row_no, "evidence_url", url))
        conf = (get.get("confidence") or "").lower() or None
        if conf and conf not in CONFIDENCE:
            row_problems.append(Problem(f"confidence must be one of {', '.join(CONFIDENCE)}", row_no,
                                        "confidence", get["confidence"]))
        due_to = None
        if get.get("due_date"):
            due_to = parse_iso_date(get["due_date"])
            if due_to is None:
                row_problems.append(Problem(_date_problem(get["due_date"]), row_no, "due_date", get["due_date"]))
        owner_to = None
        if get.get("lead_owner"):
            owner_to = owners.get(get["lead_owner"].lower())
            if owner_to is None:
                row_problems.append(Problem("unknown owner; use a name from the template or data/owners.csv",
                                            row_no, "lead_owner", get["lead_owner"]))
        if row_problems:
            problems.extend(row_problems)
            continue
        cur = state.loc[aid]
        cur_due = cur["due_date"] if not pd.isna(cur["due_date"]) else None
        due_change = due_to if due_to is not None and due_to != cur_due else None
        owner_change = owner_to if owner_to is not None and owner_to[0] != cur["lead_owner_id"] else None
        note, source = get.get("note") or None, get.get("source") or None

        # A filled cell that differs from what the action's latest event says is news; a blank cell is not.
        news = any(v is not None and (pd.isna(stored) or v != stored) for v, stored in
                   ((note, cur["last_note"]), (url, cur["last_evidence_url"]), (source, cur["last_source"])))
        if status == cur["status"] and due_change is None and owner_change is None and not news:
            unchanged.append((row_no, aid))
            continue
        changes.append(Change(
            row=row_no, action_id=aid, title=cur["title"], status_from=cur["status"], status_to=status,
            effective_date=eff, note=note, evidence_url=url, source=source, confidence=conf,
            due_from=cur_due, due_to=due_change,
            owner_from=None if pd.isna(cur["lead_owner_id"]) else cur["lead_owner_id"],
            owner_to=owner_change[0] if owner_change else None,
            owner_to_name=owner_change[1] if owner_change else None))
    if progress:
        progress(1.0, f"validated {total:,} rows")
    earlier = con.execute("""
        SELECT u.upload_id FROM uploads u
        WHERE u.sha256 = ? AND u.reverts_upload_id IS NULL
          AND NOT EXISTS (SELECT 1 FROM uploads r WHERE r.reverts_upload_id = u.upload_id)
        ORDER BY u.upload_id DESC LIMIT 1""", [table.sha256]).fetchone()
    return Preview(table, problems, changes, unchanged, earlier[0] if earlier else None)


# --- applying ------------------------------------------------------------------------

@dataclass
class ApplyResult:
    upload_id: int | None
    changed: int
    unchanged: int
    message: str


EVENT_COLUMNS = ["event_id", "action_id", "status", "effective_date", "note", "evidence_url", "source",
                 "confidence", "due_date", "lead_owner_id", "recorded_by", "recorded_at", "upload_id",
                 "reverts_event_id"]


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _insert_events(con, events: pd.DataFrame, progress: Progress | None = None, chunk: int = 50_000) -> None:
    for start in range(0, len(events), chunk):
        part = events.iloc[start:start + chunk]
        con.register("incoming_events", part)
        con.execute(f"""INSERT INTO status_events ({', '.join(EVENT_COLUMNS)})
                        SELECT {', '.join(EVENT_COLUMNS)} FROM incoming_events""")
        con.unregister("incoming_events")
        if progress:
            progress(min(1.0, (start + len(part)) / len(events)), f"recorded {start + len(part):,} changes")


def apply(con, preview: Preview, cred: auth.Credentials | None, *, secrets=None,
          progress: Progress | None = None, now: datetime | None = None) -> ApplyResult:
    """Record every change of a clean preview as status events, in one transaction."""
    who = auth.require_editor(cred, secrets)
    if not preview.ok:
        raise ValueError(f"{preview.table.file_name} has {len(preview.problems)} problems; nothing was applied")
    if preview.already_applied:
        return ApplyResult(None, 0, len(preview.unchanged) + len(preview.changes),
                           f"this file was already applied as upload #{preview.already_applied}; nothing changed")
    if not preview.changes:
        return ApplyResult(None, 0, len(preview.unchanged), "every row matches the tracker already; nothing changed")
    now = now or _now()
    with transaction(con):
        # Validate again inside the transaction: another editor may have written since the preview.
        fresh = validate(con, preview.table, today=now.date())
        if [(c.action_id, c.status_from) for c in fresh.changes] != [(c.action_id, c.status_from) for c in preview.changes]:
            raise ValueError("the tracker changed since this preview was made: preview the file again")
        upload_id = con.execute("SELECT nextval('upload_ids')").fetchone()[0]
        con.execute("INSERT INTO uploads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                    [upload_id, preview.table.file_name, preview.table.sha256, preview.table.kind,
                     len(preview.changes) + len(preview.unchanged), len(preview.changes),
                     len(preview.unchanged), who, now])
        first_id = con.execute(f"SELECT nextval('status_event_ids') FROM range({len(preview.changes)})").fetchall()
        events = pd.DataFrame({
            "event_id": [r[0] for r in first_id],
            "action_id": [c.action_id for c in preview.changes],
            "status": [c.status_to for c in preview.changes],
            "effective_date": [c.effective_date for c in preview.changes],
            "note": [c.note for c in preview.changes],
            "evidence_url": [c.evidence_url for c in preview.changes],
            "source": [c.source for c in preview.changes],
            "confidence": [c.confidence for c in preview.changes],
            "due_date": [c.due_to for c in preview.changes],
            "lead_owner_id": [c.owner_to for c in preview.changes],
            "recorded_by": who, "recorded_at": now, "upload_id": upload_id, "reverts_event_id": None,
        }, columns=EVENT_COLUMNS)
        events["effective_date"] = pd.to_datetime(events["effective_date"])
        events["due_date"] = pd.to_datetime(events["due_date"])
        events["reverts_event_id"] = events["reverts_event_id"].astype("Int64")
        _insert_events(con, events, progress)
    return ApplyResult(upload_id, len(preview.changes), len(preview.unchanged),
                       f"upload #{upload_id}: {len(preview.changes)} changes recorded, "
                       f"{len(preview.unchanged)} rows changed nothing")


def revert(con, upload_id: int, cred: auth.Credentials | None, *, secrets=None,
           now: datetime | None = None) -> ApplyResult:
    """Undo an upload with new events that cancel its events. History is never rewritten."""
    who = auth.require_editor(cred, secrets)
    now = now or _now()
    with transaction(con):
        row = con.execute("SELECT reverts_upload_id FROM uploads WHERE upload_id = ?", [upload_id]).fetchone()
        if row is None:
            raise ValueError(f"there is no upload #{upload_id}")
        if row[0] is not None:
            raise ValueError(f"upload #{upload_id} is itself a revert; apply the file again instead")
        done = con.execute("SELECT upload_id FROM uploads WHERE reverts_upload_id = ?", [upload_id]).fetchone()
        if done:
            raise ValueError(f"upload #{upload_id} was already reverted by upload #{done[0]}")
        targets = con.execute("""
            SELECT e.event_id, e.action_id FROM status_events e
            WHERE e.upload_id = ? AND NOT EXISTS (SELECT 1 FROM status_events r WHERE r.reverts_event_id = e.event_id)
            ORDER BY e.event_id""", [upload_id]).fetchall()
        new_id = con.execute("SELECT nextval('upload_ids')").fetchone()[0]
        con.execute("INSERT INTO uploads VALUES (?, ?, '', 'revert', ?, ?, 0, ?, ?, ?)",
                    [new_id, f"revert of upload #{upload_id}", len(targets), len(targets), who, now, upload_id])
        # The status each action falls back to, shown on the revert event for readers of the history.
        fallback = dict(con.execute(f"""
            WITH ev AS ({COUNTING_FALLBACK})
            SELECT action_id, status FROM ev
            QUALIFY row_number() OVER (PARTITION BY action_id ORDER BY effective_date DESC, event_id DESC) = 1
        """, {"upload": upload_id}).fetchall())
        ids = con.execute(f"SELECT nextval('status_event_ids') FROM range({len(targets)})").fetchall()
        events = pd.DataFrame({
            "event_id": [r[0] for r in ids], "action_id": [t[1] for t in targets],
            "status": [fallback.get(t[1], "Not started") for t in targets],
            "effective_date": now.date(), "note": f"Reverts upload #{upload_id}", "evidence_url": None,
            "source": None, "confidence": None, "due_date": None, "lead_owner_id": None,
            "recorded_by": who, "recorded_at": now, "upload_id": new_id,
            "reverts_event_id": [t[0] for t in targets]}, columns=EVENT_COLUMNS)
        events["effective_date"] = pd.to_datetime(events["effective_date"])
        events["due_date"] = pd.to_datetime(events["due_date"])
        events["reverts_event_id"] = events["reverts_event_id"].astype("Int64")
        if len(events):
            _insert_events(con, events)
    return ApplyResult(new_id, len(targets), 0, f"upload #{new_id} reverts upload #{upload_id}: "
                                                f"{len(targets)} changes undone")


def revertible(con) -> list[int]:
    """Uploads that can still be reverted: not themselves reverts, not reverted yet. Newest first."""
    return [r[0] for r in con.execute("""
        SELECT u.upload_id FROM uploads u
        WHERE u.reverts_upload_id IS NULL
          AND NOT EXISTS (SELECT 1 FROM uploads r WHERE r.reverts_upload_id = u.upload_id)
        ORDER BY u.upload_id DESC""").fetchall()]


COUNTING_FALLBACK = """
    SELECT e.* FROM status_events e
    WHERE e.reverts_event_id IS NULL AND e.upload_id IS DISTINCT FROM $upload
      AND NOT EXISTS (SELECT 1 FROM status_events r WHERE r.reverts_event_id = e.event_id)
"""


def import_file(con, path: Path, cred: auth.Credentials, *, dry_run: bool = False,
                progress: Progress | None = None) -> tuple[Preview, ApplyResult | None]:
    """The command line's import: the same steps as the Updates page."""
    table = read_table(Path(path).read_bytes(), Path(path).name)
    preview = validate(con, table, progress=progress)
    if dry_run or not preview.ok:
        return preview, None
    return preview, apply(con, preview, cred, progress=progress)


def apply_file_if_new(con, path: Path, recorded_by: str) -> str:
    """Apply a file shipped in data/updates/ unless it is already applied (build runs this)."""
    preview, result = import_file(con, path, auth.command_line(recorded_by))
    if not preview.ok:
        raise UploadRejected(path.name, preview.problems)
    return f"{path.name}: {result.message}"


def template(con, today: date | None = None) -> pd.DataFrame:
    """Every live action with its current state, in upload format, ready to edit and upload again."""
    s = action_state(con, today)
    return pd.DataFrame({
        "action_id": s["action_id"], "plan": s["plan_id"], "title": s["title"],
        "lead_owner": s["lead_owner"].fillna(""),
        "due_date": s["due_date"].map(lambda d: "" if pd.isna(d) else d.isoformat()),
        "status": s["status"], "effective_date": "", "note": "", "evidence_url": "", "source": "",
        "confidence": "",
    })
