"""Turn sourced status facts that name actions by a quote into the upload format.

The evidence files (kept outside the project, in ../shared/evidence/) name each action by its
plan and a fragment of its text. This finds the one live action whose text holds the fragment
and writes a file in the upload format with the action id in its place, so the facts enter
the tracker through the same import path as every other update (`data/updates/`).

The basis of each fact (whose account it is) is set by a documented rule, `basis_of`:
"government" when the evidence is the government's own publication, "independent" otherwise.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from urllib.parse import urlparse

from .errors import InputError
from .history import action_state

OUT_COLUMNS = ["action_id", "status", "effective_date", "note", "evidence_url", "source", "confidence", "basis"]

# A government's own site: its address ends with one of these.
OFFICIAL_HOSTS = (".gov", ".gov.uk", ".gov.au", ".gov.cn", "europa.eu", "eib.org", "parliament.uk",
                  "parallelparliament.co.uk")  # the last mirrors Parliament's own record of statements
# Or the first source named is the government's own publication (an official journal, a ministry's site or
# release, a parliamentary record), even where the address shown is a copy of it.
OFFICIAL_SOURCE = re.compile(
    r"^(Federal Register|GOV\.UK|UK Parliament|Hansard|NIST\b|NSF\b|EIB press release|EuroHPC JU press release|"
    r"Council press release|[^;]*\((?:[A-Z]{2,}|Commission|Council) (?:press )?release\))", re.IGNORECASE)


class EvidenceError(InputError):
    pass


def basis_of(source: str, evidence_url: str) -> str:
    """'government' if the fact is the government's own account, else 'independent'."""
    host = (urlparse(evidence_url).hostname or "").lower() if evidence_url else ""
    if host and any(host == h.lstrip(".") or host.endswith(h if h.startswith(".") else "." + h) or host == h
                    for h in OFFICIAL_HOSTS):
        return "government"
    return "government" if OFFICIAL_SOURCE.match((source or "").strip()) else "independent"


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
                         "confidence": row["confidence"], "basis": basis_of(row["source"], row["evidence_url"])})
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=OUT_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return len(rows)
