"""The DuckDB store: where the file is, how to open it, and the one way to write to it.

DuckDB lets one process hold a database file read-write, and while it does, no other
process can open the file at all. The dashboard holds it for as long as it runs (all
writes go through it), so the command line says so plainly when it finds the file
taken, rather than failing with a lock trace.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import duckdb

from . import migrations, settings
from .errors import StoreError

ROOT = settings.ROOT

__all__ = ["ROOT", "StoreError", "arrow_frame", "check_readable", "checkpoint", "connect", "damaged", "db_path",
           "fetch_one", "registered", "transaction"]


def db_path(path: str | os.PathLike | None = None) -> Path:
    """The database file: the argument, else the ACTION_TRACKER_DB setting, else data/tracker.duckdb."""
    return Path(path or settings.current().db_path)


def damaged(target: Path, reason) -> StoreError:
    """One message for every kind of damage, naming the file and what to do next."""
    first = str(reason).strip().splitlines()[0][:200] if str(reason).strip() else type(reason).__name__
    return StoreError(
        f"{target} cannot be opened: the file looks damaged ({first}). Nothing was changed. Restore the latest "
        f"copy from {backup_dir(target)} (`python -m action_tracker restore`), or rebuild the store from the "
        "plan documents and the upload archive (`python -m action_tracker rebuild`); the README's 'Backup and "
        "restore' says how.")


def backup_dir(target: Path) -> Path:
    return target.parent / "backups"


def lock_holder(message: str) -> str:
    """What DuckDB's lock error says about the process holding the file, in words."""
    import re
    m = re.search(r"PID (\d+)", message)
    if not m:
        return "another process"
    pid = m[1]
    try:
        cmd = " ".join(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").split())
    except OSError:
        cmd = ""
    if "streamlit" in cmd:
        return f"the dashboard (process {pid}): make the change through its Updates page, or stop it first"
    if "action_tracker" in cmd or "action-tracker" in cmd:
        return f"another command-line run (process {pid}: {cmd[:120]}): wait for it to finish (--wait SECONDS)"
    return f"process {pid}{': ' + cmd[:120] if cmd else ''}"


def connect(path: str | os.PathLike | None = None, *, read_only: bool = False,
            migrate: bool = True, wait: float = 0.0) -> duckdb.DuckDBPyConnection:
    """Open the store, bringing its schema up to date unless read_only.

    DuckDB lets one process hold the file; with `wait`, a file held by another process is tried
    again for that many seconds before giving up. Damage of any kind gives one clear StoreError.
    """
    import time
    target = db_path(path)
    if read_only and not target.exists():
        raise StoreError(f"{target}: no database here yet; run `python -m action_tracker build` first")
    target.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + max(wait, 0)
    while True:
        try:
            con = duckdb.connect(str(target), read_only=read_only)
            break
        except duckdb.IOException as e:
            if "lock" not in str(e).lower():
                raise damaged(target, e) from None
            if time.monotonic() < deadline:
                time.sleep(0.25)
                continue
            raise StoreError(f"{target} is in use by {lock_holder(str(e))}. DuckDB lets only one process hold "
                             "the file at a time.") from None
        except duckdb.Error as e:  # a corrupt block, a bad checksum, a file that is not DuckDB's
            if "different configuration" in str(e):  # open here already, read-write vs read-only
                raise StoreError(f"{target} is already open in this process with other settings "
                                 "(read-only or read-write): use that connection") from None
            raise damaged(target, e) from None
    try:
        if migrate and not read_only:
            migrations.migrate(con)
        else:
            migrations.check_not_newer(con)
    except StoreError:
        con.close()
        raise
    except duckdb.Error as e:
        con.close()
        raise damaged(target, e) from None
    return con


def check_readable(con, target: Path | None = None) -> dict[str, int]:
    """Read every row of every table once (a truncated file only fails when its missing blocks are
    read). Returns the row count per table; a damaged store raises the one clear StoreError."""
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1").fetchall()]
        return {t: con.execute(f'SELECT count(*), max(hash(COLUMNS(*))) FROM "{t}"').fetchall()[0][0] for t in tables}
    except duckdb.Error as e:
        raise damaged(target or Path("the store"), e) from None


def fetch_one(con, sql: str, params=None):
    """The first row of a query, or None, with the result read to its end.

    DuckDB 2 keeps a partly read result open on its connection and then refuses register();
    fetchall() closes it.
    """
    rows = con.execute(sql, params if params is not None else []).fetchall()
    return rows[0] if rows else None


def arrow_frame(arrow, missing=None, dates_as_objects: bool = True):
    """A pandas frame over an Arrow table, keeping strings in Arrow: no Python string objects
    for a million cells. `missing`: what a missing string reads as (pd.NA by default; NaN gives
    pandas' own "str" dtype, as DuckDB's .df() does). Dates come as datetime.date objects, or with
    dates_as_objects=False as datetime64 (no Python object per cell)."""
    import pandas as pd
    import pyarrow as pa
    strings = pd.StringDtype("pyarrow") if missing is None else pd.StringDtype("pyarrow", na_value=missing)
    try:
        # One chunk per column: Arrow's take on a string column of several chunks joins them first,
        # so every filter or row lookup paid a copy of the whole column (10 ms for one row at 200k).
        arrow = arrow.combine_chunks()
    except pa.ArrowInvalid:  # a column over 2 GB of text cannot be one chunk: keep its chunks
        pass
    return arrow.to_pandas(types_mapper=lambda t: strings if pa.types.is_string(t)
                           or pa.types.is_large_string(t) else None, date_as_object=dates_as_objects)


def close_pending(con) -> None:
    """Close a result a caller left partly read (by fetchone(), say): DuckDB 2 refuses register(),
    sql() and relation inserts while one is open, and a trivial query closes it."""
    con.execute("SELECT 1").fetchall()


@contextmanager
def registered(con, name: str, frame):
    """Make a DataFrame visible to SQL as `name` for the block (after close_pending)."""
    close_pending(con)
    con.register(name, frame)
    try:
        yield
    finally:
        try:
            con.unregister(name)
        except duckdb.TransactionException:  # the block's failure aborted the transaction: its own
            pass                              # error is the one to see; the rollback drops the view


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    """Every write goes through here: all of it lands, or none of it does."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException as e:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass  # a failed write may have ended the transaction already
        if isinstance(e, (duckdb.IOException, OSError)):  # disk full, file too large, read-only disk
            raise StoreError(f"the change could not be written ({str(e).splitlines()[0][:200]}); nothing was "
                             "stored. Free some disk space and try again.") from None
        raise
    else:
        con.execute("COMMIT")
        global _commits
        _commits += 1
        checkpoint(con)


# Commits made by this process. The dashboard's process holds its store read-write, so no other
# process can write to it while it runs: its data version can only change after one of these, and
# it asks the store for the version again only then (web.version).
_commits = 0


def commits() -> int:
    return _commits


def checkpoint(con) -> None:
    """Move committed changes from the write-ahead log into the file, so a lost or damaged WAL loses
    nothing committed. Skipped (the WAL keeps the change) while another transaction is running."""
    try:
        con.execute("CHECKPOINT")
    except duckdb.Error:
        pass
