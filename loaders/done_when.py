"""What counts as done, per action: `data/plans/done_when.csv` (action_id, criterion, basis), a
reviewed rule for each action it names. A pure function from the file to rows; an unknown action,
an empty criterion or basis, or an action named twice stops the build with file, row, column and value.

`basis` says where the criterion comes from (the action's own words, quoted, or the instrument the
plan names), so a reader can check it against the text.
"""

from __future__ import annotations

import csv
from pathlib import Path

from .common import LoaderError

COLUMNS = ("action_id", "criterion", "basis")
MAX_CHARS = 500


def load_done_when(path: Path, action_ids: set[str]) -> list[dict]:
    """Every criterion in the file, checked; [] if there is no file."""
    if not path.is_file():
        return []
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise LoaderError(path, f"missing columns: {', '.join(missing)}", 1)
        rows, seen = [], {}
        for n, r in enumerate(reader, start=2):
            r = {k: " ".join((v or "").split()) for k, v in r.items() if k in COLUMNS}
            if r["action_id"] not in action_ids:
                raise LoaderError(path, "no such action", n, "action_id", r["action_id"])
            if r["action_id"] in seen:
                raise LoaderError(path, f"named already in row {seen[r['action_id']]}", n, "action_id", r["action_id"])
            for col in ("criterion", "basis"):
                if not r[col]:
                    raise LoaderError(path, "must not be empty", n, col, r[col])
                if len(r[col]) > MAX_CHARS:
                    raise LoaderError(path, f"longer than {MAX_CHARS} characters", n, col, r[col][:40] + "…")
            seen[r["action_id"]] = n
            rows.append(r)
    return rows
