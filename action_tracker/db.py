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

__all__ = ["ROOT", "StoreError", "arrow_frame", "connect", "db_path", "fetch_one", "registered", "transaction"]


def db_path(path: str | os.PathLike | None = None) -> Path:
    """The database file: the argument, else the ACTION_TRACKER_DB setting, else data/tracker.duckdb."""
    return Path(path or settings.current().db_path)


def connect(path: str | os.PathLike | None = None, *, read_only: bool = False,
            migrate: bool = True) -> duckdb.DuckDBPyConnection:
    """Open the store, bringing its schema up to date unless read_only."""
    target = db_path(path)
    if read_only and not target.exists():
        raise StoreError(f"{target}: no database here yet; run `python -m action_tracker build` first")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(target), read_only=read_only)
    except duckdb.IOException as e:
        if "lock" in str(e).lower():
            raise StoreError(
                f"{target} is open in another process (probably the dashboard). DuckDB lets only "
                "one process hold the file: stop that process, or make the change through the "
                "dashboard's Updates page.") from None
        raise StoreError(f"{target}: {e}") from None
    if migrate and not read_only:
        migrations.migrate(con)
    elif read_only:
        migrations.check_not_newer(con)
    return con


def fetch_one(con, sql: str, params=None):
    """The first row of a query, or None, with the result read to its end.

    DuckDB 2 keeps a partly read result open on its connection and then refuses register();
    fetchall() closes it.
    """
    rows = con.execute(sql, params if params is not None else []).fetchall()
    return rows[0] if rows else None


def arrow_frame(arrow):
    """A pandas frame over an Arrow table, keeping strings in Arrow: no Python string objects
    for a million cells."""
    import pandas as pd
    import pyarrow as pa
    return arrow.to_pandas(types_mapper=lambda t: pd.StringDtype("pyarrow") if pa.types.is_string(t)
                           or pa.types.is_large_string(t) else None)


@contextmanager
def registered(con, name: str, frame):
    """Make a DataFrame visible to SQL as `name` for the block.

    DuckDB 2 refuses register() while an earlier result on the connection is partly read
    (by a caller's fetchone(), say); a trivial query closes that result first.
    """
    con.execute("SELECT 1").fetchall()
    con.register(name, frame)
    try:
        yield
    finally:
        con.unregister(name)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    """Every write goes through here: all of it lands, or none of it does."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    else:
        con.execute("COMMIT")
