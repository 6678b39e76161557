"""Governments' claims about their plans as a whole ("38 of 50 recommendations met"), from
`data/plans/claims.csv`. A pure function from the file to rows; any bad cell stops the build with
the file, row, column and value, rather than loading part of the file.

Columns: plan, claim_date (YYYY-MM-DD), claimed_completed, of_total, claimed_by, source,
evidence_url, note, confidence (high, medium or low).
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

from .common import LoaderError

COLUMNS = ("plan", "claim_date", "claimed_completed", "of_total", "claimed_by", "source", "evidence_url", "note",
           "confidence")


def _whole(path: Path, row: int, col: str, value: str) -> int:
    if not re.fullmatch(r"\d+", value):
        raise LoaderError(path, "must be a whole number", row, col, value)
    return int(value)


def load_claims(path: Path, plan_ids: set[str]) -> list[dict]:
    """Every claim in the file, checked; [] if there is no file."""
    if not path.is_file():
        return []
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise LoaderError(path, f"missing columns: {', '.join(missing)}", 1)
        rows = []
        for n, r in enumerate(reader, start=2):
            r = {k: (v or "").strip() for k, v in r.items() if k}
            if r["plan"] not in plan_ids:
                raise LoaderError(path, "no such plan in the manifest", n, "plan", r["plan"])
            try:
                day = date.fromisoformat(r["claim_date"])
            except ValueError:
                raise LoaderError(path, "not a date written YYYY-MM-DD", n, "claim_date", r["claim_date"]) from None
            claimed = _whole(path, n, "claimed_completed", r["claimed_completed"])
            total = _whole(path, n, "of_total", r["of_total"])
            if claimed > total or total == 0:
                raise LoaderError(path, f"claims {claimed} of {total}", n, "claimed_completed", r["claimed_completed"])
            if not r["claimed_by"]:
                raise LoaderError(path, "who makes the claim must be named", n, "claimed_by", "")
            if r["evidence_url"] and not re.match(r"^https?://\S+$", r["evidence_url"]):
                raise LoaderError(path, "not an http(s) address", n, "evidence_url", r["evidence_url"])
            if r["confidence"] not in ("high", "medium", "low"):
                raise LoaderError(path, "must be high, medium or low", n, "confidence", r["confidence"])
            rows.append({"plan_id": r["plan"], "claim_date": day, "claimed_completed": claimed, "of_total": total,
                         "claimed_by": r["claimed_by"], "source": r["source"] or None,
                         "evidence_url": r["evidence_url"] or None, "note": r["note"] or None,
                         "confidence": r["confidence"]})
    return rows
