"""Stage 1 of an upload: bytes -> a table. What the file is (from its bytes, not its name), its
encoding, its delimiter, its header and rows, within the limits a server can afford.

Limits (the README's deployment section lists them): the file's size (the
ACTION_TRACKER_MAX_UPLOAD_MB setting, in MB of 10^6 bytes), MAX_COLUMNS header fields,
and for a workbook what it may expand to (MAX_XLSX_EXPANDED bytes unzipped, MAX_ROWS rows).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from .. import settings
from ..db import arrow_frame
from ..errors import InputError

SHOWN = 100  # problems listed; the total is always given
REQUIRED = ("action_id", "status")
OPTIONAL = ("effective_date", "note", "evidence_url", "source", "confidence", "basis", "due_date", "lead_owner",
            "retrieved_on")
IGNORED = ("plan", "title")
ALLOWED = REQUIRED + OPTIONAL + IGNORED
MAX_COLUMNS = 4 * len(ALLOWED)  # a header far wider than the format is not an update file
MAX_CELL_CHARS = 5_000  # a note, source or address longer than this is a row error
MAX_ROWS = 2_000_000
MAX_XLSX_EXPANDED = 200_000_000  # bytes a workbook may unzip to
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The same characters as bytes (UTF-8 and Windows-1252 encode them as themselves): deleting every
# other byte finds them in 30 ms where the pattern takes 0.2 s over a 45 MB file.
_NOT_CONTROL = bytes(b for b in range(256) if not CONTROL.match(chr(b)))


def max_bytes() -> int:
    return settings.current().max_upload_bytes


def describe_limit(n_bytes: int) -> str:
    """One unit everywhere: MB of 10^6 bytes."""
    return f"{n_bytes / 1e6:g} MB"


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


class UploadRejected(InputError):
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
    data: bytes = field(default=b"", repr=False)  # the file as uploaded: archived when it is applied
    source: Path | None = None  # or, for a file read from disk (read_file), where it is

    @property
    def content(self) -> bytes | Path:
        """What the archive keeps: the bytes, or the file they were read from."""
        return self.source if self.source is not None and not self.data else self.data


# --- reading -------------------------------------------------------------------------

def read_file(path: Path) -> Table:
    """read_table for a file on disk, without holding its bytes once it is read: the archive copies
    the file itself when it is applied, checking it still has the checksum it was read with (45 MB
    less at a million-row import's peak)."""
    path = Path(path)
    table = read_table(path.read_bytes(), path.name)
    table.data, table.source = b"", path
    return table


def read_table(data: bytes, file_name: str = "upload") -> Table:
    """What the file really is, from its first bytes, read into a header and rows."""
    if not data:
        raise UploadRejected(file_name, [Problem("the file is empty")])
    if len(data) > max_bytes():
        raise UploadRejected(file_name, [Problem(
            f"the file is {len(data) / 1e6:.1f} MB; the limit is {describe_limit(max_bytes())} "
            "(ACTION_TRACKER_MAX_UPLOAD_MB)")])
    sha = hashlib.sha256(data).hexdigest()
    notes = []
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                is_workbook = "xl/workbook.xml" in z.namelist()
                expanded = sum(i.file_size for i in z.infolist())
        except zipfile.BadZipFile:
            is_workbook, expanded = False, 0
        if is_workbook and expanded > MAX_XLSX_EXPANDED:
            raise UploadRejected(file_name, [Problem(
                f"the workbook unzips to {expanded / 1e6:.0f} MB; the limit is {describe_limit(MAX_XLSX_EXPANDED)}: "
                "save it as CSV or split it")])
        if not is_workbook:
            raise UploadRejected(file_name, [Problem("this is a ZIP archive, not an .xlsx workbook or a CSV")])
        if not file_name.lower().endswith((".xlsx", ".xlsm")):
            notes.append(f"{file_name} is an Excel workbook whatever its name says; read as .xlsx")
        header, records = _read_xlsx(data, file_name)
        frame, problems = _frame(header, records)
        return Table(file_name, sha, "xlsx", header, frame, problems, notes, data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UploadRejected(file_name, [Problem(
            "this is an old-style Excel .xls (or another Office binary) file: save it as .xlsx or CSV")])
    text, encoding_note = _decode(data, file_name)
    # The bytes DuckDB may read as they are: UTF-8, byte-order mark taken off.
    raw = None if encoding_note else data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if encoding_note:
        notes.append(encoding_note)
    header, delimiter, delimiter_note = _header(text, file_name)
    if delimiter_note:
        notes.append(delimiter_note)
    frame = _read_csv_fast(text, delimiter, len(header), raw)
    if frame is not None:
        return Table(file_name, sha, "csv", header, frame, [], notes, data)
    frame, problems = _frame(header, _read_csv_records(text, delimiter, file_name))
    return Table(file_name, sha, "csv", header, frame, problems, notes, data)


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
    bad = CONTROL.search(text) if data.translate(None, _NOT_CONTROL) else None  # the whole file, not its start
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        raise UploadRejected(file_name, [Problem(
            f"control character {ord(bad.group()):#04x} at character {bad.start() + 1}: this is a binary file "
            "or a damaged table", row=line)])
    return text, note


def norm_header(h: str) -> str:
    return re.sub(r"\s+", "_", str(h).strip().lstrip("\ufeff").strip().lower())


def _header(text: str, file_name: str) -> tuple[list[str], str, str | None]:
    """The header record and the delimiter that makes sense of it."""
    end = text.find("\n")
    first = text if end < 0 else text[:end]  # not split(): that copies the other 45 MB of a large file
    if not first.strip():
        raise UploadRejected(file_name, [Problem("the first line is empty: it must be the header", row=1)])
    delimiter, best = ",", -1
    for d in (",", ";", "\t", "|"):
        known = sum(norm_header(h) in ALLOWED for h in first.split(d))
        if known > best:
            delimiter, best = d, known
    note = None
    if delimiter != ",":
        name = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}[delimiter]
        note = f"columns are separated by {name}, not commas; read that way"
    if first.count(delimiter) >= MAX_COLUMNS:
        raise UploadRejected(file_name, [Problem(
            f"the header has {first.count(delimiter) + 1} columns; an update file has at most {len(ALLOWED)} "
            f"(limit {MAX_COLUMNS})", row=1)])
    # The first line alone, unless a quoted field runs past it (a copy of a 45 MB file cost 0.18 s).
    head = first if first.count('"') % 2 == 0 else text
    try:
        header = next(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter, strict=True))
    except (csv.Error, StopIteration) as e:
        raise UploadRejected(file_name, [Problem(f"the header is not a well-formed CSV line: {e}", row=1)]) from None
    return header, delimiter, note


def _read_csv_fast(text: str, delimiter: str, width: int, raw: bytes | None = None) -> pd.DataFrame | None:
    """DuckDB's CSV reader, for files it reads exactly as the slow path would; else None.

    Blank lines and malformed records are left to the slow path, which reports each one
    with its row; DuckDB would skip the one and stop at the other.
    """
    if re.search(r"\n[ \t]*\r?\n", text) or width == 0 or text.count('"') % 2:
        return None  # blank lines, or a quote left open: DuckDB would skip or swallow records
    import duckdb
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload.csv"
        try:
            if raw is not None:  # the file as uploaded: no second encoding of the text
                path.write_bytes(raw)
            else:
                path.write_text(text, encoding="utf-8", newline="")
        except OSError:  # no room for the temporary copy: the careful reader needs none
            return None
        cols = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
        trimmed = ", ".join(f"coalesce(trim(c{i}), '') AS c{i}" for i in range(width))
        try:
            with duckdb.connect() as mem:
                # Arrow all the way to pandas: no Python string objects for a million cells.
                # Records in file order (DuckDB keeps insertion order), so the row number is the
                # position: no window over the scan, which made the read single-threaded.
                arrow = mem.sql(f"""
                    SELECT {trimmed}
                    FROM read_csv(?, delim = ?, quote = '"', escape = '"', header = true, auto_detect = false,
                                  columns = {{{cols}}}, strict_mode = true, null_padding = false)""",
                                params=[str(path), delimiter]).to_arrow_table()
        except duckdb.Error:
            return None
    df = arrow_frame(arrow)
    df.columns = [f"c{i}" for i in range(width)]
    df.insert(0, "__row", np.arange(2, len(df) + 2, dtype=np.int64))  # the header is row 1
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
    if isinstance(v, str) and "_x" in v:
        # OOXML writes a character a workbook's XML cannot hold as _xHHHH_ (and a literal "_x" as
        # _x005F_x); openpyxl leaves cells escaped. Decoded once, here, so the checks see the character
        # the workbook means (text.NOT_STORABLE refuses a control or noncharacter, naming it).
        from openpyxl.utils.escape import unescape
        return unescape(v)
    return str(v)


def _read_xlsx(data: bytes, file_name: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    import openpyxl
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a broken workbook
        raise UploadRejected(file_name, [Problem(f"the workbook cannot be opened: {e}")]) from None
    ws = wb["updates"] if "updates" in wb.sheetnames else wb.worksheets[0]
    rows = []
    for n, values in enumerate(ws.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1), start=1):
        if n > MAX_ROWS + 1:
            wb.close()
            raise UploadRejected(file_name, [Problem(f"the sheet has more than {MAX_ROWS:,} rows", row=n)])
        rows.append((n, [_cell(v) for v in values]))
    wb.close()
    if not rows:
        raise UploadRejected(file_name, [Problem(f"the sheet {ws.title!r} is empty")])
    header = rows[0][1]
    while header and header[-1] == "":  # Excel keeps formatted empty columns
        header = header[:-1]
    if len(header) > MAX_COLUMNS:
        raise UploadRejected(file_name, [Problem(
            f"the header has more than {MAX_COLUMNS} columns; an update file has at most {len(ALLOWED)}", row=1)])
    width = len(header)
    body = []
    for n, cells in rows[1:]:
        body.append((n, cells if any(c != "" for c in cells[width:]) else cells[:width]))
    return header, body
