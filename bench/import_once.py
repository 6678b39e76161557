"""One import, timed inside a fresh process that reports its own peak memory.

    python -m bench.import_once ours|floor DB FILE

`ours` is the tracker's import (read, validate, apply); `floor` is DuckDB's own read_csv
and INSERT of the same file with no checks at all. Both are timed until the store is closed:
the tracker checkpoints (and backs up) after an upload, and DuckDB checkpoints at close, so
neither leaves its write in the WAL for after the clock stops. Prints one JSON line.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# Of ours: archiving the file and copying the store into backups/, which the floor does not do (the
# checkpoint before the copy is not counted here: the floor checkpoints too, when it closes).
SAFEKEEPING = {"seconds": 0.0}


def _timed(fn):
    def timed(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            SAFEKEEPING["seconds"] += time.perf_counter() - t0
    return timed


def ours(db: str, file: str) -> int:
    from action_tracker import auth, memory, safekeeping
    from action_tracker.db import connect
    from action_tracker.uploads import apply, read_file, validate
    # Measured, not changed: the same calls, each timed (apply looks them up on the module when it runs).
    safekeeping.keep_file, safekeeping.copy_store = _timed(safekeeping.keep_file), _timed(safekeeping.copy_store)
    memory.give_back_freed_memory()  # as the command line and the dashboard do when they start
    con = connect(db)
    table = read_file(Path(file))  # as the command line's import reads it
    preview = validate(con, table)
    if not preview.ok:
        raise SystemExit("\n".join(preview.problem_lines()))
    changed = apply(con, preview, auth.command_line("bench")).changed
    con.close()
    return changed


def floor(db: str, file: str) -> int:
    import duckdb
    con = duckdb.connect(db)
    start = con.execute("SELECT coalesce(max(event_id), 0) FROM status_events").fetchone()[0]
    con.execute(f"""
        INSERT INTO status_events
            (event_id, action_id, status, effective_date, note, evidence_url, source, confidence, due_date,
             lead_owner_id, recorded_by, recorded_at, upload_id, reverts_event_id)
        SELECT {start} + row_number() OVER (), action_id, status, effective_date::DATE, note,
               NULL, NULL, NULL, NULL, NULL, 'floor', now()::TIMESTAMP, NULL, NULL
        FROM read_csv(?, header = true, all_varchar = true)""", [file])
    n = con.execute("SELECT count(*) FROM status_events WHERE event_id > ?", [start]).fetchone()[0]
    con.close()
    return n


if __name__ == "__main__":
    mode, db, file = sys.argv[1:4]
    import duckdb  # noqa: F401  (loaded before the clock starts in both modes)
    if mode == "ours":
        import action_tracker.uploads  # noqa: F401
        import loaders  # noqa: F401
    t0 = time.perf_counter()
    n = {"ours": ours, "floor": floor}[mode](db, file)
    seconds = time.perf_counter() - t0
    print(json.dumps({"mode": mode, "rows": n, "seconds": seconds, "peak_rss_mb": peak_rss_mb(),
                      "safekeeping_seconds": SAFEKEEPING["seconds"]}))
