"""A small tracker built in the test, with numbers known in advance.

Plan AA (published 2025-01): six actions; plan BB (2025-03): two. Dates are relative to
the real today, because the pages compute "overdue" and "next 90 days" from today.
Status events are written straight into the table by `add_event` (a small factory), not
through the import code, so page and query tests do not depend on the code they would test.
"""

from __future__ import annotations

import base64
from datetime import timedelta
from pathlib import Path

import numpy as np

from action_tracker.build import build
from action_tracker.db import connect

from .conftest import TODAY


def d(days: int) -> str:
    return (TODAY + timedelta(days=days)).isoformat()


def csv_plans(plans: Path, *entries: tuple[str, str, str, str]) -> Path:
    """A plans folder of CSV plans: (plan_id, title, jurisdiction, published) each, file <id>.csv."""
    plans.mkdir(parents=True, exist_ok=True)
    (plans / "manifest.toml").write_text("".join(
        f'[[plan]]\nplan_id = "{pid}"\ntitle = "{title}"\npublisher = "{juris}"\njurisdiction = "{juris}"\n'
        f'published = "{published}"\nfile = "{pid.lower()}.csv"\nloader = "csv"\n\n'
        for pid, title, juris, published in entries), encoding="utf-8")
    return plans


def make_small_db(tmp_path: Path) -> Path:
    plans = csv_plans(tmp_path / "plans", ("AA", "Plan of Aland", "Aland", "2025-01"),
                      ("BB", "Plan of Bornia", "Bornia", "2025-03"))
    (plans / "aa.csv").write_text(
        "action_id,section,title,text,lead_owner,other_owners,due_date\n"
        f"AA-1,Skills,Train teachers,Train ten thousand teachers in AI.,Ministry of Skills,Treasury,{d(-100)}\n"
        f"AA-2,Skills,Fund scholarships,Fund a scholarship programme.,Ministry of Skills,,{d(-50)}\n"
        f"AA-3,Compute,Build compute,Build a national compute facility.,Compute Agency,,{d(30)}\n"
        f"AA-4,Compute,Open data,Open five public data sets.,Data Office,Ministry of Skills,{d(200)}\n"
        "AA-5,Safety,Set up institute,Set up a safety institute.,,,\n"
        f"AA-6,Safety,Write guidance,Write guidance on audits.,Data Office,,{d(-10)}\n", encoding="utf-8")
    (plans / "bb.csv").write_text(
        "action_id,section,title,text,lead_owner,due_date\n"
        f"BB-1,Growth,Growth zones,Designate growth zones.,Growth Office,{d(-20)}\n"
        f"BB-2,Growth,Procure AI,Procure AI tools for services.,Growth Office,{d(60)}\n", encoding="utf-8")
    path = tmp_path / "small.duckdb"
    con = connect(path)
    build(con, plans_dir=plans, updates_dir=None)
    add_event(con, "AA-1", "In progress", d(-200), note="Started")
    add_event(con, "AA-2", "Completed", d(-60), note="Done early", evidence_url="https://example.org/aa2",
              confidence="high", basis="government")
    add_event(con, "AA-3", "In progress", d(-30), confidence="low")
    add_event(con, "AA-4", "Not started", d(-250), note="Not begun", confidence="medium", basis="independent")
    add_event(con, "BB-1", "Completed", d(-5), note="Zones named", confidence="medium")
    con.close()
    return path


def add_event(con, action_id: str, status: str, day: str, **fields) -> int:
    """Append one status event directly (note, evidence_url, source, confidence, basis, due_date,
    lead_owner_id, upload_id, reverts_event_id may be given). Returns its id."""
    cols = ["action_id", "status", "effective_date", "recorded_by", "recorded_at", *fields]
    values = [action_id, status, day, "fixture", f"{TODAY.isoformat()} 12:00:00", *fields.values()]
    return con.execute(f"""INSERT INTO status_events (event_id, {', '.join(cols)})
                           VALUES ((SELECT coalesce(max(event_id), 0) + 1 FROM status_events),
                                   {', '.join('?' for _ in cols)})
                           RETURNING event_id""", values).fetchone()[0]


# What the small tracker holds today, worked out by hand from the rows above.
EXPECTED = {
    "actions": 8, "Completed": 2, "In progress": 2, "Not started": 1, "No update yet": 3,
    "assessed": 5,              # AA-1, AA-2, AA-3, AA-4 (a reported Not started), BB-1
    "overdue": 1,               # AA-1 (due -100, reported in progress); AA-2 and BB-1 are completed
    "past_due_no_update": 1,    # AA-6 (due -10), nobody has reported on it
    "due_next_90": 2,           # AA-3 (+30) and BB-2 (+60)
    "stale": 2,                 # AA-1 (200 days) and AA-4 (250 days) > 180
    "AA": {"actions": 6, "assessed": 4, "Completed": 1, "overdue": 1, "past_due_no_update": 1},
    "BB": {"actions": 2, "assessed": 1, "Completed": 1, "overdue": 0, "past_due_no_update": 0},
}


def decode(values):
    """Plotly sends numeric arrays base64-encoded; return a plain list either way."""
    if isinstance(values, dict) and "bdata" in values:
        arr = np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"]))
        return arr.reshape(values["shape"]).tolist() if "shape" in values else arr.tolist()
    return list(values or [])
