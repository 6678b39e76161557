"""Stage 3 of an upload: a clean preview -> status events, in one transaction (all rows or
none), with an audit row in `uploads`; and revert, which adds events that cancel an upload's
events (history is never rewritten). Status-event SQL itself lives in history.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import auth, safekeeping
from ..db import fetch_one, transaction
from ..errors import InputError
from ..history import data_version, insert_events, insert_revert_events, live_events_of_upload, next_event_id
from .checking import TEXT_COLUMNS, Preview, Progress, validate
from .reading import UploadRejected, read_file


class ApplyRefused(InputError, ValueError):
    """An apply or revert that cannot go ahead; nothing was written."""


@dataclass
class ApplyResult:
    upload_id: int | None
    changed: int
    unchanged: int
    message: str


@contextmanager
def _recording(con) -> Iterator[None]:
    """One transaction (db.transaction), refused in words when another writer took the same event
    numbers first (history.next_event_id): the primary key stops the second, and nothing of it lands."""
    try:
        with transaction(con):
            yield
    except (duckdb.ConstraintException, duckdb.TransactionException) as e:
        if "duplicate key" not in str(e).lower():
            raise
        raise ApplyRefused("another change was recorded at the same moment, so nothing of this one was: "
                           "apply it again") from None


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _events(changes: pd.DataFrame, who: str, now: datetime, upload_id: int) -> pa.Table:
    """The events to insert, as an Arrow table: DuckDB scans it natively, where a pandas frame of
    Python strings cost a conversion per cell (1.4 s of a million-row upload)."""
    n = len(changes)

    def text(col):
        values = pa.array(changes[col], from_pandas=True)
        if pa.types.is_dictionary(values.type):  # a column of categories (checking._categories)
            values = values.dictionary_decode()
        values = values.cast(pa.string())
        if col in TEXT_COLUMNS:  # the file's "" is no value (checking.TEXT_COLUMNS)
            values = pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)
        return values

    def day(col):
        return pa.array(changes[col].to_numpy("datetime64[D]"), type=pa.date32(), from_pandas=True)

    def same(value, typ):  # one value for every row, without a Python object per row
        return pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int32)), pa.array([value], typ)).cast(typ)

    return pa.table({
        "action_id": text("action_id"), "status": text("status_to"), "effective_date": day("effective_date"),
        "note": text("note"), "evidence_url": text("evidence_url"), "source": text("source"),
        "confidence": text("confidence"), "basis": text("basis"), "due_date": day("due_to"),
        "lead_owner_id": text("owner_to"), "recorded_by": same(who, pa.string()),
        "recorded_at": same(now, pa.timestamp("us")), "upload_id": same(upload_id, pa.int64()),
        "reverts_event_id": pa.nulls(n, pa.int64()), "retrieved_on": day("retrieved_on"),
    })


def _record(con, changes: pd.DataFrame, who: str, now: datetime, upload_id: int, progress: Progress | None,
            chunk: int = 500_000) -> None:
    """Insert in chunks, each made into events only when its turn comes: a million events at once
    were 86 MB of Arrow columns held through both inserts, at the import's peak. (Each insert costs
    DuckDB's commit more work: a million events in two parts commit 0.1-0.25 s sooner than in four.)"""
    for start in range(0, len(changes), chunk):
        part = _events(changes.iloc[start:start + chunk], who, now, upload_id)
        insert_events(con, part)
        done = start + len(part)
        del part
        if progress:
            progress(min(1.0, done / len(changes)), f"recorded {done:,} changes")


def _still_current(con, preview: Preview, today: date) -> None:
    """Another editor may have written since the preview: then check the file again, inside the transaction."""
    if preview.data_version == data_version(con):
        return
    fresh = validate(con, preview.table, today=today)
    cf = preview.change_rows
    if not fresh.ok or list(zip(fresh.change_rows["action_id"], fresh.change_rows["status_from"])) != \
            list(zip(cf["action_id"], cf["status_from"])):
        raise ApplyRefused("the tracker changed since this preview was made: preview the file again")


def apply(con, preview: Preview, cred: auth.Credentials | None, *, secrets=None,
          progress: Progress | None = None, now: datetime | None = None, archive: bool = True,
          also=None) -> ApplyResult:
    """Record every change of a clean preview as status events, in one transaction; the file is
    archived first and the store backed up after (safekeeping.py). `also(con, upload_id, first_event_id)`
    runs inside the same transaction after the events are in (the review queue marks its proposals
    accepted there, so both land or neither does)."""
    who = auth.require(cred, "reviewer", "record changes without review (a contributor's upload waits in "
                       "the review queue: proposals.submit)", secrets).name
    if not preview.ok:
        raise ApplyRefused(f"{preview.table.file_name} has {len(preview.problems)} problems; nothing was applied")
    cf = preview.change_rows
    total = len(cf) + len(preview.unchanged_rows)
    if preview.already_applied:
        return ApplyResult(None, 0, total, f"this file was already applied as upload #{preview.already_applied}; "
                                           "nothing changed")
    if cf.empty:
        return ApplyResult(None, 0, total, "every row matches the tracker already; nothing changed")
    now = now or _now()
    with _recording(con):
        _still_current(con, preview, now.date())
        upload_id = fetch_one(con, "SELECT nextval('upload_ids')")[0]
        con.execute("INSERT INTO uploads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                    [upload_id, preview.table.file_name, preview.table.sha256, preview.table.kind,
                     total, len(cf), len(preview.unchanged_rows), who, now])
        first_event = next_event_id(con)
        _record(con, cf, who, now, upload_id, progress)
        if also is not None:
            also(con, upload_id, first_event)
        if archive:
            safekeeping.keep_file(con, preview.table.content, preview.table.sha256, preview.table.kind)
    if archive:
        t = preview.table
        safekeeping.log_upload(con, upload_id, t.file_name, t.sha256, t.kind, who, now)
        safekeeping.backup(con)
    return ApplyResult(upload_id, len(cf), len(preview.unchanged_rows),
                       f"upload #{upload_id}: {len(cf)} changes recorded, "
                       f"{len(preview.unchanged_rows)} rows changed nothing")


def revert(con, upload_id: int, cred: auth.Credentials | None, *, secrets=None,
           now: datetime | None = None, archive: bool = True) -> ApplyResult:
    """Undo an upload with new events that cancel its events. History is never rewritten. Admins only."""
    who = auth.require(cred, "admin", "revert an upload", secrets).name
    now = now or _now()
    with _recording(con):
        row = fetch_one(con, "SELECT reverts_upload_id FROM uploads WHERE upload_id = ?", [upload_id])
        if row is None:
            raise ApplyRefused(f"there is no upload #{upload_id}")
        if row[0] is not None:
            raise ApplyRefused(f"upload #{upload_id} is itself a revert; apply the file again instead")
        done = fetch_one(con, "SELECT upload_id FROM uploads WHERE reverts_upload_id = ?", [upload_id])
        if done:
            raise ApplyRefused(f"upload #{upload_id} was already reverted by upload #{done[0]}")
        targets = live_events_of_upload(con, upload_id)
        new_id = fetch_one(con, "SELECT nextval('upload_ids')")[0]
        con.execute("INSERT INTO uploads VALUES (?, ?, '', 'revert', ?, ?, 0, ?, ?, ?)",
                    [new_id, f"revert of upload #{upload_id}", targets, targets, who, now, upload_id])
        insert_revert_events(con, upload_id, new_id, now.date(), who, now)
    if archive:
        safekeeping.log_revert(con, new_id, upload_id, who, now)
        safekeeping.backup(con)
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


def import_file(con, path: Path, cred: auth.Credentials, *, dry_run: bool = False,
                progress: Progress | None = None) -> tuple[Preview, ApplyResult | None]:
    """The command line's import: the same steps as the Updates page."""
    table = read_file(path)
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
