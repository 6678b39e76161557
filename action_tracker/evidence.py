"""Turn sourced status facts that name actions by a quote into the upload format.

`status_evidence.csv` (kept outside the project) names each action by its plan and a
fragment of its text. This finds the one live action whose text holds the fragment and
writes a file in the upload format with the action id in its place, so the facts enter
the tracker through the same import path as every other update.
"""

from __future__ import annotations

import csv
from pathlib import Path

from .state import action_state

OUT_COLUMNS = ["action_id", "status", "effective_date", "note", "evidence_url", "source", "confidence"]


class EvidenceError(Exception):
    pass


def convert(con, source: Path, out: Path) -> int:
    actions = action_state(con)
    rows = []
    with open(source, newline="", encoding="utf-8-sig") as f:
        for row_no, row in enumerate(csv.DictReader(f), start=2):
            plan, quote = row["plan"].strip(), row["action_quote"].strip()
            hits = actions[(actions["plan_id"] == plan) & actions["text"].str.contains(quote, regex=False)]
            if len(hits) != 1:
                raise EvidenceError(f"{source}, row {row_no}, column 'action_quote': {len(hits)} actions of plan "
                                    f"{plan} hold this text, expected exactly 1 (value {quote!r})")
            rows.append({"action_id": hits.iloc[0]["action_id"], "status": row["status"],
                         "effective_date": row["effective_date"], "note": row["note"],
                         "evidence_url": row["evidence_url"], "source": row["source"],
                         "confidence": row["confidence"]})
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=OUT_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return len(rows)
