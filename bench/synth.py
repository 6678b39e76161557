"""Synthetic trackers and update files for the benchmarks, generated deterministically.

Actions and events are made in SQL (range() and hash()), so 200,000 actions with
2,000,000 status events take seconds, not minutes. The shape follows the real data:
plans with sections, a lead and another owner per action, due dates for most actions,
a few status events per action.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from action_tracker.db import connect

PLANS = 10
OWNERS = 500
STATUSES = ["Not started", "In progress", "Completed", "Blocked", "Cancelled"]


def make_tracker(path: Path, actions: int, events: int) -> Path:
    """A store with `actions` actions across 10 plans and `events` status events."""
    con = connect(path)
    con.execute("BEGIN TRANSACTION")
    con.execute(f"""INSERT INTO plans
        SELECT 'P' || lpad(i::VARCHAR, 2, '0'), 'Synthetic plan ' || i, 'Bench', 'Benchland ' || i, '2025',
               DATE '2025-01-01' + (i * 20)::INTEGER, DATE '2025-01-01' + (i * 20)::INTEGER, 'day', NULL, NULL,
               'synthetic', NULL, NULL, 'bench', now()::TIMESTAMP, NULL, NULL
        FROM range({PLANS}) t(i)""")
    con.execute(f"""INSERT INTO owners
        SELECT 'o' || i, 'Agency ' || i, CASE WHEN i >= 50 THEN 'o' || (i % 50) END, 'Benchland ' || (i % {PLANS})
        FROM range({OWNERS}) t(i)""")
    con.execute(f"""INSERT INTO actions
        SELECT 'A' || lpad(i::VARCHAR, 7, '0'), 'P' || lpad((i % {PLANS})::VARCHAR, 2, '0'), i, 'action', NULL,
               'Section ' || (i % 37), 'Deliver outcome ' || i || ' on data centres and skills',
               'The government will deliver outcome ' || i || ', working with industry on data, compute and skills.',
               'o' || (hash(i) % {OWNERS}), 'Led by Agency',
               CASE WHEN i % 5 = 0 THEN NULL ELSE DATE '2025-03-01' + (hash(i * 7) % 1000)::INTEGER END,
               CASE WHEN i % 5 = 0 THEN NULL ELSE 'quarter' END, CASE WHEN i % 5 = 0 THEN NULL ELSE 'Q3 2026' END,
               CASE WHEN i % 5 = 0 THEN 'none' ELSE 'stated' END,
               CASE WHEN i % 5 = 0 THEN 'open-ended' ELSE 'dated' END,
               'synthetic.csv', i + 2, i + 2, NULL, md5(i::VARCHAR), now()::TIMESTAMP, now()::TIMESTAMP, NULL,
               'rule', 'stated'
        FROM range({actions}) t(i)""")
    con.execute(f"""INSERT INTO action_owners
        SELECT action_id, lead_owner_id, 'lead', 0 FROM actions
        UNION ALL
        SELECT action_id, 'o' || ((hash(seq) + 1) % {OWNERS}), 'other', 1 FROM actions
        WHERE 'o' || ((hash(seq) + 1) % {OWNERS}) <> lead_owner_id""")
    if events:
        con.execute(f"""INSERT INTO status_events
            (event_id, action_id, status, effective_date, note, evidence_url, source, confidence, due_date,
             lead_owner_id, recorded_by, recorded_at, upload_id, reverts_event_id)
            SELECT i + 1, 'A' || lpad((hash(i) % {actions})::VARCHAR, 7, '0'),
                   {STATUSES!r}[1 + (hash(i * 3) % 5)::INTEGER],
                   DATE '2025-01-15' + (hash(i * 11) % 650)::INTEGER,
                   'Progress note ' || i, NULL, 'bench', NULL, NULL, NULL, 'bench', now()::TIMESTAMP, NULL, NULL
            FROM range({events}) t(i)""")
    con.execute("COMMIT")
    con.execute("CHECKPOINT")
    con.close()
    return path


def write_update_file(path: Path, rows: int, actions: int) -> Path:
    """An upload of `rows` distinct actions (every row valid), in the project's format."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["action_id", "status", "effective_date", "note"])
        day = date(2026, 1, 1).toordinal()
        for i in range(rows):
            w.writerow([f"A{i % actions:07d}", STATUSES[(i * 7) % 5], date.fromordinal(day + i % 300).isoformat(),
                        f"Update {i}"])
    return path


def write_plan_csv(path: Path, actions: int) -> Path:
    """A plan document for the generic CSV loader, for timing `build` at scale."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["action_id", "section", "text", "lead_owner", "other_owners", "due_date", "timing_text"])
        for i in range(actions):
            due = date.fromordinal(date(2025, 6, 1).toordinal() + i % 900).isoformat() if i % 5 else ""
            w.writerow([f"B{i:07d}", f"Section {i % 37}", f"The government will deliver outcome {i}.",
                        f"Agency {i % 300}", f"Agency {(i + 1) % 300}", due, "by then" if due else ""])
    return path
