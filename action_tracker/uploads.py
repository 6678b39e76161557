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
import dataclasses
import functools
import hashlib
import io
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from . import auth
from .db import arrow_frame, fetch_one, registered, transaction
from .state import action_state, upload_state
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
    """An uploaded file read as a table: its header as written, and one row per record.

    `frame` holds every non-blank record as text, with its spreadsheet row number in `__row`
    and the columns in header order (named by position, so duplicated names survive).
    """
    file_name: str
    sha256: str
    kind: str  # csv or xlsx
    columns: list[str]
    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)  # records that are not rows of the table
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
        header, records = _read_xlsx(data, file_name)
        frame, problems = _frame(header, records)
        return Table(file_name, sha, "xlsx", header, frame, problems, notes)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UploadRejected(file_name, [Problem(
            "this is an old-style Excel .xls (or another Office binary) file: save it as .xlsx or CSV")])
    text, encoding_note = _decode(data, file_name)
    if encoding_note:
        notes.append(encoding_note)
    header, delimiter, delimiter_note = _header(text, file_name)
    if delimiter_note:
        notes.append(delimiter_note)
    frame = _read_csv_fast(text, delimiter, len(header))
    if frame is not None:
        return Table(file_name, sha, "csv", header, frame, [], notes)
    frame, problems = _frame(header, _read_csv_records(text, delimiter, file_name))
    return Table(file_name, sha, "csv", header, frame, problems, notes)


def _decode(data: bytes, file_name: str) -> tuple[str, str | None]:
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), None
        except UnicodeDecodeError as e:
            raise UploadRejected(file_name, [Problem(
                f"starts like UTF-8 but byte {data[3 + e.start]:#04x} at offset {3 + e.start} is not UTF-8")]) from None
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


def _header(text: str, file_name: str) -> tuple[list[str], str, str | None]:
    """The header record and the delimiter that makes sense of it."""
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
    try:
        header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except (csv.Error, StopIteration) as e:
        raise UploadRejected(file_name, [Problem(f"the header is not a well-formed CSV line: {e}", row=1)]) from None
    return header, delimiter, note


def _read_csv_fast(text: str, delimiter: str, width: int) -> pd.DataFrame | None:
    """DuckDB's CSV reader, for files it reads exactly as the slow path would; else None.

    Blank lines and malformed records are left to the slow path, which reports each one
    with its row; DuckDB would skip the one and stop at the other.
    """
    if re.search(r"\n[ \t]*\r?\n", text) or width == 0 or text.count('"') % 2:
        return None  # blank lines, or a quote left open: DuckDB would skip or swallow records
    import duckdb
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload.csv"
        path.write_text(text, encoding="utf-8", newline="")
        cols = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
        trimmed = ", ".join(f"coalesce(trim(c{i}), '') AS c{i}" for i in range(width))
        try:
            with duckdb.connect() as mem:
                # Arrow all the way to pandas: no Python string objects for a million cells.
                arrow = mem.sql(f"""
                    SELECT (row_number() OVER () + 1)::BIGINT AS __row, {trimmed}
                    FROM read_csv(?, delim = ?, quote = '"', escape = '"', header = true, auto_detect = false,
                                  columns = {{{cols}}}, strict_mode = true, null_padding = false,
                                  parallel = false)""", params=[str(path), delimiter]).to_arrow_table()
        except duckdb.Error:
            return None
    df = arrow_frame(arrow)
    df.columns = ["__row"] + [f"c{i}" for i in range(width)]
    if '"' not in text:  # without quotes every line is one record: check that none went missing
        lines = text.count("\n") + (0 if text.endswith("\n") else 1)
        if len(df) != lines - 1:
            return None
    return df


def _read_csv_records(text: str, delimiter: str, file_name: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows, record = [], 0
    try:
        for cells in reader:
            record += 1
            rows.append((record, cells))
    except csv.Error as e:
        raise UploadRejected(file_name, [Problem(f"not a well-formed CSV: {e}", row=record + 1)]) from None
    return rows[1:]


def _frame(header: list[str], records: list[tuple[int, list[str]]]) -> tuple[pd.DataFrame, list[Problem]]:
    """Records -> frame of the well-formed ones, and a problem for each record of the wrong width."""
    width = len(header)
    problems, good = [], []
    for row_no, cells in records:
        if not any(str(c).strip() for c in cells):
            continue  # spreadsheets leave blank rows behind
        if len(cells) != width:
            problems.append(Problem(f"the row has {len(cells)} fields; the header has {width}", row=row_no))
            continue
        good.append((row_no, cells))
    columns = {"__row": [r for r, _ in good]}
    for i in range(width):
        columns[f"c{i}"] = [str(cells[i]) for _, cells in good]
    return pd.DataFrame(columns), problems


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
        body.append((n, cells if any(c != "" for c in cells[width:]) else cells[:width]))
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


CHANGE_COLUMNS = [f.name for f in dataclasses.fields(Change)]


@dataclass
class Preview:
    table: Table
    problems: list[Problem]
    change_frame: pd.DataFrame  # one row per row that changes the tracker, CHANGE_COLUMNS
    unchanged_frame: pd.DataFrame  # row_no, action_id
    already_applied: int | None = None  # upload id of an earlier, identical, still-applied file
    data_version: tuple | None = None  # the store as it was when this preview was made

    @property
    def ok(self) -> bool:
        return not self.problems

    @functools.cached_property
    def changes(self) -> list[Change]:
        def plain(k, v):
            if _missing(v):
                return None
            return v.date() if isinstance(v, pd.Timestamp) else v
        return [Change(**{k: plain(k, v) for k, v in r.items()}) for r in self.change_frame.to_dict(orient="records")]

    @functools.cached_property
    def unchanged(self) -> list[tuple[int, str]]:
        return list(zip(self.unchanged_frame["row_no"].astype(int), self.unchanged_frame["action_id"]))

    def problem_lines(self) -> list[str]:
        lines = [p.describe(self.table.file_name) for p in self.problems[:SHOWN]]
        if len(self.problems) > SHOWN:
            lines.append(f"… and {len(self.problems) - SHOWN} more ({len(self.problems)} problems in all)")
        return lines

    def changes_frame(self, limit: int = 10_000) -> pd.DataFrame:
        """What the preview table shows (the first `limit` changes)."""
        c = self.change_frame.head(limit)
        return pd.DataFrame({
            "row": c["row"], "action_id": c["action_id"], "title": c["title"],
            "status": [a if a == b else f"{a} → {b}" for a, b in zip(c["status_from"], c["status_to"])],
            "effective_date": c["effective_date"].dt.date,
            "due_date": ["" if _missing(t) else f"{'—' if _missing(f) else f.date()} → {t.date()}"
                         for f, t in zip(c["due_from"], c["due_to"])],
            "lead_owner": ["" if _missing(o) else f"→ {o}" for o in c["owner_to_name"]],
            "note": c["note"].fillna(""), "evidence_url": c["evidence_url"].fillna(""),
            "confidence": c["confidence"].fillna(""),
        })


def _missing(v) -> bool:
    return v is None or (not isinstance(v, (list, tuple, str)) and pd.isna(v))


def unguard(value: str) -> str:
    """Undo the export's guard against spreadsheet formulas: "'=SUM(A1)" reads back as "=SUM(A1)"."""
    return value[1:] if value.startswith("'") and value[1:2] and value[1] in FORMULA_START else value


def _unguard_column(s: pd.Series) -> pd.Series:
    guarded = s.str.startswith("'") & s.str.slice(1, 2).isin(list(FORMULA_START))
    return s.where(~guarded, s.str.slice(1))


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


def data_version(con) -> tuple:
    return fetch_one(con, """SELECT (SELECT coalesce(max(event_id), 0) FROM status_events),
                                 (SELECT max(updated_at) FROM actions), (SELECT count(*) FROM actions)""")


def _per_value_day(s: pd.Series, fn) -> np.ndarray:
    """Like _per_value, for a function returning a date or None: a datetime64[D] array (NaT for None)."""
    codes, uniques = pd.factorize(s)
    days = [fn(u) for u in uniques]
    mapped = np.array([np.datetime64(d, "D") if d else np.datetime64("NaT", "D") for d in days]
                      + [np.datetime64("NaT", "D")], dtype="datetime64[D]")
    return mapped[codes]


def _per_value(s: pd.Series, fn) -> pd.Series:
    """Apply fn once per distinct value: uploads repeat statuses, dates and owners a lot."""
    codes, uniques = pd.factorize(s)
    mapped = np.array([fn(u) for u in uniques] + [None], dtype=object)
    return pd.Series(mapped[codes], index=s.index, dtype=object)  # code -1 (missing) takes the None


def validate(con, table: Table, today: date | None = None, progress: Progress | None = None) -> Preview:
    """Every problem in the file at once, and what each good row would change."""
    today = today or date.today()
    empty_changes = pd.DataFrame(columns=CHANGE_COLUMNS)
    empty_unchanged = pd.DataFrame(columns=["row_no", "action_id"])
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
        return Preview(table, problems, empty_changes, empty_unchanged)
    if table.frame.empty and not table.problems:
        return Preview(table, [Problem("the file has a header but no rows")], empty_changes, empty_unchanged)
    if progress:
        progress(0.05, f"checking {len(table.frame):,} rows")

    f = pd.DataFrame({"row_no": table.frame["__row"].astype("int64")})
    for i, col in enumerate(columns):
        column = table.frame[f"c{i}"]
        if not isinstance(column.dtype, pd.StringDtype):
            column = column.astype(pd.StringDtype("pyarrow"))
        f[col] = _unguard_column(column.str.strip())
    for col in OPTIONAL:
        if col not in f:
            f[col] = pd.Series("", index=f.index, dtype=pd.StringDtype("pyarrow"))
    found: list[tuple[pd.Series, str, str, object]] = []  # (mask, column, reason, reason per value)

    f = f.sort_values("row_no", kind="stable").reset_index(drop=True)
    ids = f["action_id"]
    cur_all = upload_state(con, today, f)  # aligned with f, row for row
    known = cur_all["known"].astype(bool)
    found.append((ids == "", "action_id", "action_id is empty", None))
    found.append(((ids != "") & ~known, "action_id", "unknown action id", None))
    dup = known & ids.duplicated(keep="first")
    if dup.any():
        first_row = f[known].drop_duplicates("action_id").set_index("action_id")["row_no"]
        found.append((dup, "action_id", None, lambda r: f"the same action is already updated in row {first_row[r.action_id]}"))
    status = _per_value(f["status"], normalise)
    found.append((status.isna(), "status", f"not a status; use one of {', '.join(STATUSES)} "
                                           "(or a synonym listed in the README)", None))
    eff = _per_value_day(f["effective_date"], lambda v: today if v == "" else parse_iso_date(v))
    bad_eff = pd.Series(np.isnat(eff), index=f.index)
    found.append((bad_eff, "effective_date", None, lambda r: _date_problem(r.effective_date)))
    late = pd.Series(eff > np.datetime64(today, "D"), index=f.index)
    found.append((late, "effective_date", f"the effective date is after today ({today.isoformat()})", None))
    url = f["evidence_url"]
    bad_url = url != ""
    if bad_url.any():
        bad_url[bad_url] = ~url[bad_url].str.match(r"^https?://\S+$")
    found.append((bad_url, "evidence_url", "evidence_url must be a web address starting http:// or https://", None))
    conf = f["confidence"].str.lower()
    found.append(((conf != "") & ~conf.isin(CONFIDENCE), "confidence",
                  f"confidence must be one of {', '.join(CONFIDENCE)}", None))
    due_to = _per_value_day(f["due_date"], lambda v: None if v == "" else parse_iso_date(v))
    found.append(((f["due_date"] != "") & np.isnat(due_to), "due_date", None, lambda r: _date_problem(r.due_date)))
    owner_to = pd.Series(None, index=f.index, dtype=object)
    if (f["lead_owner"] != "").any():
        owners = _owner_lookup(con)
        owner_to = _per_value(f["lead_owner"], lambda v: owners.get(v.lower()) if v else None)
        found.append(((f["lead_owner"] != "") & owner_to.isna(), "lead_owner",
                      "unknown owner; use a name from the template or data/owners.csv", None))

    bad_rows = pd.Series(False, index=f.index)
    order = {c: i for i, c in enumerate(["action_id", *ALLOWED])}
    listed = []
    for mask, column, reason, reason_of in found:
        mask = mask.fillna(False).astype(bool)
        # An unknown or repeated id already says what is wrong with a row's id.
        bad_rows |= mask
        for r in f[mask].itertuples(index=False):
            listed.append(Problem(reason if reason_of is None else reason_of(r), int(r.row_no), column,
                                  getattr(r, column)))
    listed += table.problems
    listed.sort(key=lambda p: (p.row or 0, order.get(p.column, 99)))
    if progress:
        progress(0.6, "comparing with the tracker")

    keep = ~bad_rows.to_numpy()
    good = f[keep].assign(status_to=status[keep], eff=eff[keep], due_to=due_to[keep], owner=owner_to[keep])
    cur = cur_all[keep]
    due_from = cur["due_date"].to_numpy(dtype="datetime64[D]")
    due_change = pd.Series(~np.isnat(good["due_to"].to_numpy(dtype="datetime64[D]"))
                           & (good["due_to"].to_numpy(dtype="datetime64[D]") != due_from), index=good.index)
    owner_id = good["owner"].map(lambda o: o[0], na_action="ignore")
    owner_change = owner_id.notna() & (owner_id != cur["lead_owner_id"])
    news = pd.Series(False, index=good.index)
    for col, stored in (("note", "last_note"), ("evidence_url", "last_evidence_url"), ("source", "last_source")):
        news |= (good[col] != "") & (cur[stored].isna() | (good[col] != cur[stored]))
    changed = (good["status_to"] != cur["status"]) | due_change | owner_change | news
    c = good[changed]
    k = cur[changed]
    change_frame = pd.DataFrame({
        "row": c["row_no"].astype(int), "action_id": c["action_id"], "title": k["title"],
        "status_from": k["status"], "status_to": c["status_to"], "effective_date": c["eff"],
        "note": c["note"].replace("", None), "evidence_url": c["evidence_url"].replace("", None),
        "source": c["source"].replace("", None), "confidence": c["confidence"].str.lower().replace("", None),
        "due_from": k["due_date"], "due_to": c["due_to"].where(due_change[changed]),
        "owner_from": k["lead_owner_id"], "owner_to": owner_id[changed].where(owner_change[changed], None),
        "owner_to_name": c["owner"].map(lambda o: o[1], na_action="ignore").where(owner_change[changed], None),
    }, columns=CHANGE_COLUMNS).reset_index(drop=True)
    unchanged_frame = good.loc[~changed, ["row_no", "action_id"]].reset_index(drop=True)
    if progress:
        progress(1.0, f"checked {len(f):,} rows")
    earlier = fetch_one(con, """
        SELECT u.upload_id FROM uploads u
        WHERE u.sha256 = ? AND u.reverts_upload_id IS NULL
          AND NOT EXISTS (SELECT 1 FROM uploads r WHERE r.reverts_upload_id = u.upload_id)
        ORDER BY u.upload_id DESC LIMIT 1""", [table.sha256])
    return Preview(table, listed, change_frame, unchanged_frame, earlier[0] if earlier else None, data_version(con))


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


def _insert_events(con, events: pd.DataFrame, progress: Progress | None = None, chunk: int = 250_000) -> None:
    """Insert events (without event_id: the sequence numbers them), in chunks for the progress bar."""
    cols = [c for c in EVENT_COLUMNS if c != "event_id"]
    for start in range(0, len(events), chunk):
        part = events.iloc[start:start + chunk]
        with registered(con, "incoming_events", part):
            con.execute(f"""INSERT INTO status_events (event_id, {', '.join(cols)})
                            SELECT nextval('status_event_ids'), {', '.join(cols)} FROM incoming_events""")
        if progress:
            progress(min(1.0, (start + len(part)) / len(events)), f"recorded {start + len(part):,} changes")


def _events_frame(cf: pd.DataFrame, who: str, now: datetime, upload_id: int) -> pd.DataFrame:
    return pd.DataFrame({
        "action_id": cf["action_id"].astype(str), "status": cf["status_to"].astype(str),
        "effective_date": cf["effective_date"],
        "note": cf["note"], "evidence_url": cf["evidence_url"], "source": cf["source"],
        "confidence": cf["confidence"], "due_date": cf["due_to"],
        "lead_owner_id": cf["owner_to"], "recorded_by": who, "recorded_at": now, "upload_id": upload_id,
        "reverts_event_id": pd.Series(pd.NA, index=cf.index, dtype="Int64"),
    })


def apply(con, preview: Preview, cred: auth.Credentials | None, *, secrets=None,
          progress: Progress | None = None, now: datetime | None = None) -> ApplyResult:
    """Record every change of a clean preview as status events, in one transaction."""
    who = auth.require_editor(cred, secrets)
    if not preview.ok:
        raise ValueError(f"{preview.table.file_name} has {len(preview.problems)} problems; nothing was applied")
    total = len(preview.change_frame) + len(preview.unchanged_frame)
    if preview.already_applied:
        return ApplyResult(None, 0, total, f"this file was already applied as upload #{preview.already_applied}; "
                                           "nothing changed")
    if preview.change_frame.empty:
        return ApplyResult(None, 0, total, "every row matches the tracker already; nothing changed")
    now = now or _now()
    cf = preview.change_frame
    with transaction(con):
        # Another editor may have written since the preview: then check the file again, inside the transaction.
        if preview.data_version != data_version(con):
            fresh = validate(con, preview.table, today=now.date())
            if not fresh.ok or list(zip(fresh.change_frame["action_id"], fresh.change_frame["status_from"])) != \
                    list(zip(cf["action_id"], cf["status_from"])):
                raise ValueError("the tracker changed since this preview was made: preview the file again")
        upload_id = fetch_one(con, "SELECT nextval('upload_ids')")[0]
        con.execute("INSERT INTO uploads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                    [upload_id, preview.table.file_name, preview.table.sha256, preview.table.kind,
                     total, len(cf), len(preview.unchanged_frame), who, now])
        _insert_events(con, _events_frame(cf, who, now, upload_id), progress)
    return ApplyResult(upload_id, len(cf), len(preview.unchanged_frame),
                       f"upload #{upload_id}: {len(cf)} changes recorded, "
                       f"{len(preview.unchanged_frame)} rows changed nothing")


def revert(con, upload_id: int, cred: auth.Credentials | None, *, secrets=None,
           now: datetime | None = None) -> ApplyResult:
    """Undo an upload with new events that cancel its events. History is never rewritten."""
    who = auth.require_editor(cred, secrets)
    now = now or _now()
    with transaction(con):
        row = fetch_one(con, "SELECT reverts_upload_id FROM uploads WHERE upload_id = ?", [upload_id])
        if row is None:
            raise ValueError(f"there is no upload #{upload_id}")
        if row[0] is not None:
            raise ValueError(f"upload #{upload_id} is itself a revert; apply the file again instead")
        done = fetch_one(con, "SELECT upload_id FROM uploads WHERE reverts_upload_id = ?", [upload_id])
        if done:
            raise ValueError(f"upload #{upload_id} was already reverted by upload #{done[0]}")
        targets = fetch_one(con, """
            SELECT count(*) FROM status_events e
            WHERE e.upload_id = ? AND NOT EXISTS (SELECT 1 FROM status_events r WHERE r.reverts_event_id = e.event_id)
        """, [upload_id])[0]
        new_id = fetch_one(con, "SELECT nextval('upload_ids')")[0]
        con.execute("INSERT INTO uploads VALUES (?, ?, '', 'revert', ?, ?, 0, ?, ?, ?)",
                    [new_id, f"revert of upload #{upload_id}", targets, targets, who, now, upload_id])
        # Each revert event names the status the action falls back to, for readers of the history.
        con.execute(f"""
            INSERT INTO status_events
            WITH fallback AS (
                SELECT action_id, status FROM ({COUNTING_FALLBACK})
                QUALIFY row_number() OVER (PARTITION BY action_id ORDER BY effective_date DESC, event_id DESC) = 1)
            SELECT nextval('status_event_ids'), e.action_id, coalesce(f.status, 'Not started'), $day,
                   'Reverts upload #' || $upload, NULL, NULL, NULL, NULL, NULL, $who, $now, $new, e.event_id
            FROM status_events e LEFT JOIN fallback f USING (action_id)
            WHERE e.upload_id = $upload
              AND NOT EXISTS (SELECT 1 FROM status_events r WHERE r.reverts_event_id = e.event_id)
            ORDER BY e.event_id""", {"upload": upload_id, "day": now.date(), "who": who, "now": now, "new": new_id})
    return ApplyResult(new_id, targets, 0, f"upload #{new_id} reverts upload #{upload_id}: {targets} changes undone")


def list_uploads(con) -> pd.DataFrame:
    """Every upload, newest first."""
    return con.execute("SELECT * FROM uploads ORDER BY upload_id DESC").df()


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
